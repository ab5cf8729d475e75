// Privacy: tokens, full card numbers and full bank account numbers never
// appear in the daemon's logs. Runs last (zz_): a varied session at log
// level debug, both as JSON lines into a log file and as plain lines on
// stderr, covering every endpoint, refusals included, with customers who type
// their own full card and bank numbers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { BOTD, ROOT, NOW, token, freePort, Client } from './lib.mjs';

const DEMO_SECRET = 'botd-demo-secret-not-for-production';
const KAKAO_SECRET = 'privacy-kakao-secret-0123456789';
// Full bank account numbers of data/demo.sql (refund_accounts, virtual_accounts).
const BANK_NUMBERS = ['110-482-915370', '123456-01-234567', '56211048837720', '27091834562017', '56802917734415'];
// Numbers customers type in this session.
const TYPED_CARD = '4111 1111 1111 1111';
const TYPED_CARD2 = '5105-1051-0510-5100';
const TYPED_BANK = '333-12-4567890';

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.?/;
const digits = (s) => s.replace(/\D/g, '');
// 13-19 digits, possibly split by single spaces or dashes, not inside a hex id.
const CARDLIKE = /(?<![0-9A-Za-z-])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])/g;

function startRaw(args, env = {}) {
  const proc = spawn(BOTD, args, { env: { ...process.env, BOTD_NOW: NOW, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((ok) => proc.on('exit', (code, signal) => ok({ code, signal })));
  return { proc, exited, out: () => stdout, err: () => stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'botd-privacy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function session(b, wsUrl, url) {
  const tok1 = token('member', 1);
  // Customers: every intent, account choices, typed full numbers.
  for (const m of [1, 3, 5, 7, 9]) {
    const c = await Client.connect(`${wsUrl}/ws/chat`);
    const w = await c.hello(token('member', m));
    assert.equal(w.type, 'welcome');
    for (const text of ['무상캐시 얼마 남았나요?', '지난달 충전 내역 보여줘', '자동결제 실패했어요', '세금계산서 발행 실패',
      '카드가 휴면이래요', '가상계좌 재발급', '탈퇴한 멤버가 결제한 금액 환불', '환불계좌 번호 알려줘',
      `제 카드번호 ${TYPED_CARD} 인데 자동결제가 안 돼요`, `카드 ${TYPED_CARD2} 휴면 해제`,
      `환불계좌 ${TYPED_BANK} 로 해주세요`, `${BANK_NUMBERS[0]} 계좌로 환불됐나요?`]) {
      c.send({ type: 'message', id: `p-${Math.random().toString(36).slice(2)}`, text });
      await c.next('ack');
      await c.next((f) => f.type === 'reply' || f.type === 'queued', 5000).catch(() => {});
    }
    c.send({ type: 'message', id: 'pick', text: 'x', value: 'account:103' });
    await c.next('ack');
    await c.close();
  }
  // Refused tokens must not be logged either.
  const forged = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"1","role":"member","exp":9999999999}').toString('base64url')}.${createHmac('sha256', 'x').update('y').digest('base64url')}`;
  for (const t of [forged, `${tok1}x`, token('agent', 1), tok1.split('.').slice(0, 2).join('.') + '.']) {
    const c = await Client.connect(`${wsUrl}/ws/chat`);
    await c.hello(t);
    await c.closed;
  }
  const other = await Client.connect(`${wsUrl}/ws/chat`);
  await other.hello(tok1, { conversation: '0'.repeat(32), after_seq: 0 });
  await other.closed;
  // An escalation, an agent claiming it and writing back.
  const c = await Client.connect(`${wsUrl}/ws/chat`);
  const w = await c.hello(token('member', 2));
  c.send({ type: 'message', id: 'esc', text: '상담원 연결해 주세요' });
  await c.next('queued');
  const a = await Client.connect(`${wsUrl}/ws/agent`);
  a.send({ type: 'hello', token: token('agent', 1) });
  await a.next('welcome');
  a.send({ type: 'claim', conversation: w.conversation });
  await a.next('claimed');
  c.send({ type: 'message', id: 'card', text: `카드번호 ${TYPED_CARD} 입니다` });
  await a.next('customer_message');
  a.send({ type: 'note', conversation: w.conversation, text: `고객 계좌 ${TYPED_BANK}` });
  await a.next('noted');
  a.send({ type: 'resolve', conversation: w.conversation });
  await a.next('released');
  await a.close();
  await c.close();
  // KakaoTalk: with the secret, a wrong secret, and no secret.
  const body = (utt, key = 'demo-kakao-user-1') => JSON.stringify({ userRequest: { utterance: utt, user: { id: key, type: 'botUserKey' } } });
  for (const [h, utt] of [[{ 'x-botd-skill-secret': KAKAO_SECRET }, '무상캐시 얼마 남았나요?'],
    [{ 'x-botd-skill-secret': KAKAO_SECRET }, `환불계좌 ${BANK_NUMBERS[1]} 맞나요?`],
    [{ 'x-botd-skill-secret': 'wrong-secret' }, '무상캐시'], [{}, '무상캐시'],
    [{ 'x-botd-skill-secret': KAKAO_SECRET, authorization: `Bearer ${tok1}` }, `카드 ${TYPED_CARD}`]]) {
    await fetch(`${url}/kakao/skill`, { method: 'POST', headers: { 'content-type': 'application/json', ...h }, body: body(utt) });
  }
  // HTTP with a token in the URL and headers (e.g. a misconfigured client).
  await fetch(`${url}/healthz?token=${tok1}`);
  await fetch(`${url}/nope/${tok1}`, { headers: { authorization: `Bearer ${tok1}` } });
  await fetch(`${url}/metrics`);
}

function findLeaks(text) {
  const leaks = [];
  const m = JWT.exec(text);
  if (m) leaks.push(`a token: ...${text.slice(Math.max(0, m.index - 60), m.index + 40)}...`);
  for (const n of BANK_NUMBERS.concat([TYPED_BANK])) {
    if (text.includes(n) || text.includes(digits(n))) leaks.push(`bank account number ${n}`);
  }
  for (const x of text.matchAll(CARDLIKE)) leaks.push(`a 13-19 digit number "${x[0]}" in: ${text.slice(Math.max(0, x.index - 60), x.index + 30)}`);
  for (const s of [DEMO_SECRET, KAKAO_SECRET]) if (text.includes(s)) leaks.push(`a secret: ${s}`);
  return leaks;
}

const results = {};
// The --demo banner (main.c cmd_serve): a block on stdout, for the person at
// the terminal, that ends with the demo token line. It must never be on
// stderr, where the logs go.
const BANNER = /\nbotd demo\n(?:  .*\n)+?\s+for member 1: \S+\n/;

test('no token, card number, bank account number or secret in the log lines (debug, JSON and plain)', { timeout: 60000 }, async () => {
  for (const mode of ['json-file', 'plain-stderr']) {
    const port = await freePort();
    const logFile = join(dir, `${mode}.log`);
    const cfg = join(dir, `${mode}.json`);
    writeFileSync(cfg, JSON.stringify({
      log_level: 'debug', log_json: mode === 'json-file', ...(mode === 'json-file' ? { log_file: logFile } : {}),
      kakao_secret: KAKAO_SECRET, rate_limit_messages: 1000,
    }));
    const b = startRaw(['--host', '127.0.0.1', '--port', String(port), '--db', join(dir, `${mode}.db`), '--demo',
      '--config', cfg, '--intents', join(ROOT, 'intents'), '--www', join(ROOT, 'bot/www')]);
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    await session(b, `ws://127.0.0.1:${port}`, url);
    b.proc.kill('SIGTERM');
    const { code } = await b.exited;
    assert.equal(code, 0, `botd exit: ${b.err().slice(-500)}`);
    results[mode] = { file: mode === 'json-file' ? readFileSync(logFile, 'utf8') : '', stderr: b.err(), stdout: b.out() };
  }
  const j = results['json-file'];
  assert.ok(j.file.split('\n').filter(Boolean).length > 20, 'the session was logged');
  assert.ok(j.file.split('\n').filter(Boolean).every((l) => { try { JSON.parse(l); return true; } catch { return false; } }), 'log_json gives JSON lines');
  assert.match(j.file, /"level":"info"/, 'info lines present at level debug');
  assert.deepEqual(findLeaks(j.file), [], 'JSON log file');
  const p = results['plain-stderr'];
  assert.ok(p.stderr.split('\n').length > 20, 'plain logs on stderr');
  assert.match(p.stdout, BANNER, 'the demo banner is on stdout');
  assert.doesNotMatch(p.stderr, BANNER, 'the demo banner is not in the log stream');
  assert.deepEqual(findLeaks(p.stderr), [], 'plain log lines on stderr');
  assert.deepEqual(findLeaks(j.stderr), [], 'stderr next to a log file');
});

test('stderr (where the logs go) carries no token at all, the --demo banner included', async () => {
  // The log stream (journald, docker logs) must not carry the demo token the
  // banner prints: that goes to stdout. Holds every stderr of the first test.
  assert.ok(Object.keys(results).length === 2, 'the first test ran both modes');
  assert.ok(results['plain-stderr'].stderr.length > 0, 'plain-stderr: stderr captured');
  for (const [mode, r] of Object.entries(results)) {
    assert.deepEqual(findLeaks(r.stderr), [], `${mode}: stderr`);
  }
});
