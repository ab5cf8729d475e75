// Operations: /metrics in the Prometheus text format and moving with
// traffic, readiness, SIGHUP reload under traffic (and a broken reload that
// changes nothing), SIGUSR1 log reopening, SIGTERM under traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBotd, token, sql, Client, ROOT } from './lib.mjs';
import { parseExposition } from './promtext.mjs';

const metrics = async (b) => parseExposition(await (await fetch(`${b.url}/metrics`)).text());

test('/metrics parses as exposition text and moves when traffic flows', async () => {
  const b = await startBotd();
  const before = await metrics(b);
  const c = await Client.connect(`${b.wsUrl}/ws/chat`);
  await c.hello(token('member', 1));
  await c.ask('무상캐시 얼마 남았나요?');
  await c.ask('오늘 날씨 어때?');
  await c.ask('상담원 연결해 주세요');
  c.send('{not json');
  await c.next('error');
  const after = await metrics(b);
  assert.equal(after.value('botd_connections', { endpoint: 'chat' }), 1);
  assert.ok(after.value('botd_messages_in_total', { endpoint: 'chat' }) >= before.value('botd_messages_in_total', { endpoint: 'chat' }) + 5);
  assert.ok(after.value('botd_messages_out_total', { endpoint: 'chat' }) > 0);
  assert.equal(after.value('botd_intents_total', { intent: 'free_cash_status' }), 1);
  assert.equal(after.value('botd_not_understood_total', {}), 1);
  assert.equal(after.value('botd_escalations_total', { reason: 'agent_request' }), 1);
  assert.equal(after.value('botd_queue_length', {}), 1);
  assert.ok(after.value('botd_wal_frames', {}) > 0); // every turn commits
  assert.equal(after.value('botd_errors_total', { code: 'bad_json' }), 1);
  assert.ok(after.value('botd_answer_latency_seconds_count', {}) >= 3);
  assert.ok(after.value('botd_commit_latency_seconds_count', {}) >= 3);
  await c.close();
  await b.stop();
});

test('SIGHUP reloads intents under traffic without dropping a connection; a broken reload changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'botd-intents-'));
  cpSync(join(ROOT, 'intents'), dir, { recursive: true });
  const b = await startBotd({ args: ['--intents', dir] });
  const c = await Client.connect(`${b.wsUrl}/ws/chat`);
  await c.hello(token('member', 1));
  const first = await c.ask('감사합니다');
  // Change the thanks answer and reload while the client keeps talking.
  const file = join(dir, 'thanks.json');
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  spec.answer.ko = '리로드 이후의 새 답변입니다.';
  writeFileSync(file, JSON.stringify(spec));
  const talking = (async () => { for (let i = 0; i < 5; i++) await c.ask('안녕하세요'); })();
  b.proc.kill('SIGHUP');
  await talking;
  let changed;
  for (let i = 0; i < 20 && !changed; i++) {
    const r = await c.ask('감사합니다');
    if (r.reply.text !== first.reply.text) changed = r.reply.text;
    else await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.equal(changed, '리로드 이후의 새 답변입니다.');
  // A broken intent file: the reload is refused and the old set answers.
  writeFileSync(join(dir, 'broken.json'), '{"id": "broken", "patterns": [{"name": "bad", "re": "(unclosed"}]}');
  b.proc.kill('SIGHUP');
  await new Promise((ok) => setTimeout(ok, 300));
  assert.match(b.logs(), /reload refused, nothing changed: .*broken/);
  assert.equal((await c.ask('감사합니다')).reply.text, '리로드 이후의 새 답변입니다.');
  const ready = await (await fetch(`${b.url}/readyz`)).json();
  assert.equal(ready.status, 'ready');
  assert.equal(c.ws.readyState, 1, 'the connection stayed open');
  await c.close();
  await b.stop();
});

test('SIGUSR1 reopens the log file for rotation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'botd-log-'));
  const log = join(dir, 'botd.log');
  const b = await startBotd({ config: { log_file: log } });
  const c = await Client.connect(`${b.wsUrl}/ws/chat`);
  await c.hello(token('member', 1));
  renameSync(log, `${log}.1`);
  b.proc.kill('SIGUSR1');
  await new Promise((ok) => setTimeout(ok, 300));
  await c.close();
  await new Promise((ok) => setTimeout(ok, 200));
  assert.ok(existsSync(log), 'a new log file was opened');
  assert.match(readFileSync(log, 'utf8'), /connection closed/);
  assert.match(readFileSync(`${log}.1`, 'utf8'), /listening on/);
  await b.stop();
});

test('SIGTERM under traffic loses no acknowledged message and exits 0', async () => {
  // A deadline that a sanitizer build under load also meets.
  const b = await startBotd({ config: { rate_limit_messages: 1000, shutdown_deadline_s: 10 } });
  const clients = await Promise.all([1, 2, 4].map(async (m) => {
    const c = await Client.connect(`${b.wsUrl}/ws/chat`);
    c.w = await c.hello(token('member', m));
    c.acked = [];
    c.told = false;
    c.ws.on('message', (d) => {
      const f = JSON.parse(d);
      if (f.type === 'ack') c.acked.push(f);
      if (f.type === 'notice' && f.code === 'going_away') c.told = true;
    });
    return c;
  }));
  let stop = false;
  const senders = clients.map(async (c, k) => {
    for (let i = 0; !stop && i < 2000; i++) {
      if (c.ws.readyState !== 1) break;
      c.send({ type: 'message', id: `t${k}-${i}`, text: '무상캐시 얼마 남았나요?' });
      await new Promise((ok) => setTimeout(ok, 2));
    }
  });
  await new Promise((ok) => setTimeout(ok, 300));
  b.proc.kill('SIGTERM');
  const closes = await Promise.all(clients.map((c) => c.closed));
  stop = true;
  await Promise.all(senders);
  const { code } = await b.stop({ keep: true });
  assert.equal(code, 0);
  // The server told every connection (notice, then Close 1001: see the
  // idle case in foundation.test.mjs). A client that keeps flooding while
  // its socket closes can get the TCP reset before it reads that Close, and
  // then reports 1006; no other code may appear.
  assert.match(b.logs(), /shutting down: closing 3 connections/);
  assert.ok(closes.every((x) => x.code === 1001 || x.code === 1006), JSON.stringify(closes));
  for (const c of clients) {
    assert.ok(c.acked.length > 0);
    const stored = new Map(sql(b.db, `SELECT client_id, seq FROM messages WHERE conversation_id='${c.w.conversation}' AND sender='customer'`).map((r) => [r.client_id, r.seq]));
    for (const a of c.acked) assert.equal(stored.get(a.id), a.seq, `acked ${a.id}`);
  }
});
