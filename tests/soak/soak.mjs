// make soak: SOAK_CONNECTIONS (2000) customers chatting for SOAK_SECONDS
// (300) against one botd. Passes when, after a warm-up, the daemon's RSS grew
// by less than SOAK_RSS_GROWTH (5%), no error frame came back, every message
// was acknowledged, answered, and is stored with its acknowledged seq.
// Not part of make test. Run from tests/ (make soak does).
//
// The warm-up ends when the SQLite page cache is full, not after a fixed
// time: the store's one handle keeps up to SOAK_PAGE_CACHE_MB (64: `PRAGMA
// cache_size = -65536` in bot/store.c's store_open) of pages, and every page
// the chat writes passes through it, so the cache is full once the database
// has grown by that much (the file grows as checkpoints copy pages in, after
// they were written: the warm-up ends a little late, never early). Until
// then RSS grows by design (at 2,000 connections for about two minutes);
// from then on any growth is a leak. Also at least max(30 s, 20% of the run). A run whose database never grew
// that much, or whose warm-up leaves less than 40% of it to measure, fails as
// inconclusive.
import { readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startBotd, token, sql, Client } from '../e2e/lib.mjs';

const N = Number(process.env.SOAK_CONNECTIONS || 2000);
const SECONDS = Number(process.env.SOAK_SECONDS || 300);
const INTERVAL = Number(process.env.SOAK_INTERVAL_MS || 3000); // per connection, +-50%
const MAX_GROWTH = Number(process.env.SOAK_RSS_GROWTH || 0.05);
const WARMUP = Math.max(30, Math.floor(SECONDS * 0.2)); // the least warm-up
const CACHE_KB = Number(process.env.SOAK_PAGE_CACHE_MB || 64) * 1024;
const MEMBERS = [1, 2, 3, 4, 5, 7, 9, 10, 11];
const QUESTIONS = ['무상캐시 얼마 남았나요?', '지난달 충전 내역 보여줘', '자동결제 실패했어요', '세금계산서 발행 실패 이유',
  '카카오페이 카드가 휴면이래요', '가상계좌 재발급 받고 싶어요', '결제 대시보드 어디서 봐요?', 'how much free cash is left?',
  'charge history this week', '안녕하세요', '감사합니다'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const status = (pid) => readFileSync(`/proc/${pid}/status`, 'utf8');
const kb = (st, key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(st)?.[1] ?? NaN);

const b = await startBotd({ config: {
  max_connections: N + 100, rate_limit_messages: 1000, rate_limit_window_s: 10, hello_timeout_s: 60,
  log_level: 'warn',
} });
const pid = b.proc.pid;
const t0 = Date.now();
const stats = { sent: 0, acked: 0, replies: 0, errors: [], closed: 0, queued: 0, expected: 0 };
const acked = new Map(); // conv/id -> seq
const pending = new Map(); // conv/id -> sent at
const tokens = new Map(MEMBERS.map((m) => [m, token('member', m)]));
let stopping = false;

console.log(`soak: ${N} connections, ${SECONDS} s, warm-up at least ${WARMUP} s and until the database grew ${CACHE_KB / 1024} MiB, botd pid ${pid}`);
const clients = [];
for (let i = 0; i < N; i += 100) {
  const batch = await Promise.all(Array.from({ length: Math.min(100, N - i) }, async (_, k) => {
    const c = await Client.connect(`${b.wsUrl}/ws/chat`);
    const w = await c.hello(tokens.get(MEMBERS[(i + k) % MEMBERS.length]));
    if (w.type !== 'welcome') throw new Error(`hello: ${JSON.stringify(w)}`);
    c.conv = w.conversation;
    c.ws.on('message', (d) => {
      const f = JSON.parse(d);
      c.frames.length = 0; // the loop below does not use the queue
      if (f.type === 'ack') {
        acked.set(`${c.conv}/${f.id}`, f.seq); pending.delete(`${c.conv}/${f.id}`); stats.acked++;
        // Once a conversation is with the agent queue the bot stays silent.
        if (!c.queued) stats.expected++;
      } else if (f.type === 'reply') stats.replies++;
      else if (f.type === 'error') stats.errors.push(f);
      else if (f.type === 'queued' && !c.queued) { c.queued = true; stats.queued++; }
    });
    c.ws.on('close', (code) => { if (!stopping) { stats.closed++; stats.errors.push({ closed: code }); } });
    return c;
  }));
  clients.push(...batch);
}
console.log(`soak: ${clients.length} connected in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const samples = [];
// VmRSS is the criterion; RssAnon (heap, the page cache among it) and
// RssFile (mapped files) are reported beside it, and the database size.
const dbKb = () => { try { return statSync(b.db).size / 1024; } catch { return NaN; } };
const db0 = dbKb();
const sampler = setInterval(() => {
  const st = status(pid);
  samples.push({ t: (Date.now() - t0) / 1000, kb: kb(st, 'VmRSS'), anon: kb(st, 'RssAnon'), file: kb(st, 'RssFile'), db: dbKb() });
}, 2000);
const start = Date.now();
const end = start + SECONDS * 1000;
let n = 0;
const loops = clients.map(async (c, i) => {
  await sleep(Math.floor(Math.random() * INTERVAL));
  while (Date.now() < end) {
    const id = `s${i}-${n++}`;
    pending.set(`${c.conv}/${id}`, Date.now());
    c.send({ type: 'message', id, text: QUESTIONS[Math.floor(Math.random() * QUESTIONS.length)] });
    stats.sent++;
    await sleep(INTERVAL / 2 + Math.floor(Math.random() * INTERVAL));
  }
});
const progress = setInterval(() => {
  const s = samples[samples.length - 1];
  console.log(`soak: t=${((Date.now() - start) / 1000).toFixed(0)} s sent=${stats.sent} acked=${stats.acked} replies=${stats.replies} errors=${stats.errors.length} rss=${s ? (s.kb / 1024).toFixed(1) : '?'} MiB (anon ${s ? (s.anon / 1024).toFixed(1) : '?'}, file ${s ? (s.file / 1024).toFixed(1) : '?'}) db=${s ? (s.db / 1024).toFixed(1) : '?'} MiB`);
}, 15000);
await Promise.all(loops);
// Drain: every message sent must be acknowledged.
for (let i = 0; i < 300 && pending.size; i++) await sleep(100);
await sleep(1000);
clearInterval(progress);
clearInterval(sampler);
stopping = true;

const failures = [];
if (pending.size) failures.push(`${pending.size} messages never acknowledged`);
if (stats.errors.length) failures.push(`${stats.errors.length} error frames/closes, e.g. ${JSON.stringify(stats.errors.slice(0, 3))}`);
// (the message that escalated may be acknowledged after its queued frame: one
// per queued conversation of slack)
if (stats.replies < stats.expected - stats.queued) failures.push(`${stats.expected - stats.replies} acknowledged messages not answered`);
// RSS: median over 20 s right after warm-up vs median over the last 20 s.
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const total = (Date.now() - t0) / 1000;
const full = samples.find((s) => s.db - db0 >= CACHE_KB); // the page cache is full from here
// (without it, the RSS figures below are of the end of the run)
const warmT = Math.max((start - t0) / 1000 + WARMUP, full ? full.t : total - 20);
if (!full) failures.push(`inconclusive: the database grew ${((samples.at(-1).db - db0) / 1024).toFixed(1)} MiB, less than the page cache (${CACHE_KB / 1024} MiB): run longer or with more connections`);
else if (warmT > (start - t0) / 1000 + SECONDS * 0.6) failures.push(`inconclusive: the warm-up took ${(warmT - (start - t0) / 1000).toFixed(0)} s of ${SECONDS} s: run longer`);
const base = med(samples.filter((s) => s.t >= warmT && s.t < warmT + 20).map((s) => s.kb));
const last = med(samples.filter((s) => s.t >= total - 22).map((s) => s.kb));
const growth = (last - base) / base;
const anonBase = med(samples.filter((s) => s.t >= warmT && s.t < warmT + 20).map((s) => s.anon));
const anonLast = med(samples.filter((s) => s.t >= total - 22).map((s) => s.anon));
if (full && !(growth < MAX_GROWTH)) failures.push(`RSS grew ${(growth * 100).toFixed(1)}% after warm-up (${base} kB -> ${last} kB)`);

for (const c of clients) c.ws.close();
await sleep(500);
await b.stop({ keep: true });
// Every acknowledged message is stored with its seq.
// (sqlite3 directly: the answer is far larger than sql()'s default buffer.)
const rows = execFileSync('sqlite3', ['-separator', ' ', b.db,
  "SELECT conversation_id || '/' || client_id, seq FROM messages WHERE sender='customer' AND client_id IS NOT NULL"],
{ maxBuffer: 1 << 30 }).toString().split('\n').filter(Boolean);
const stored = new Map(rows.map((l) => { const [k, seq] = l.split(' '); return [k, Number(seq)]; }));
let lost = 0;
for (const [k, seq] of acked) if (stored.get(k) !== seq) lost++;
if (lost) failures.push(`${lost} acknowledged messages not stored with their seq`);
const integrity = sql(b.db, 'PRAGMA integrity_check')[0].integrity_check;
if (integrity !== 'ok') failures.push(`integrity_check: ${integrity}`);

const summary = { connections: N, seconds: SECONDS, sent: stats.sent, acked: stats.acked, replies: stats.replies,
  expected_replies: stats.expected, queued_conversations: stats.queued,
  errors: stats.errors.length, lost, warmup_s: +(warmT - (start - t0) / 1000).toFixed(0), rss_kb_after_warmup: base, rss_kb_end: last, rss_growth_pct: +(growth * 100).toFixed(2),
  rss_anon_kb_after_warmup: anonBase, rss_anon_kb_end: anonLast,
  rss_anon_growth_pct: +(((anonLast - anonBase) / anonBase) * 100).toFixed(2),
  db_kb: Math.round(Number(execFileSync('stat', ['-c', '%s', b.db]).toString()) / 1024),
  msgs_per_s: +(stats.acked / SECONDS).toFixed(1) };
console.log('soak:', JSON.stringify(summary));
if (failures.length) {
  console.log('soak FAILED:\n  ' + failures.join('\n  '));
  process.exit(1);
}
console.log('soak: ok');
process.exit(0);
