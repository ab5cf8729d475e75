// The KakaoTalk skill (POST /kakao/skill): real-shape SkillPayloads from
// tests/e2e/kakao/, every intent for a linked user, general answers only for
// an unlinked one, account choice by quick reply (action.clientExtra),
// escalation with the operator button, and every refusal. Every response the
// suite gets goes through checkResponse(): Kakao's limits on a SkillResponse
// hold for all of them, or the refusal has our JSON error shape.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBotd, sql, freePort, won, BOTD, ROOT, NOW } from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = (name) => JSON.parse(readFileSync(join(HERE, 'kakao', name), 'utf8'));

// A copy of fixture NAME with the utterance, the bot user key and the
// tapped quick reply's extra set.
function payload(text, key, { extra, name = 'utterance.json' } = {}) {
  const p = fixture(name);
  p.userRequest.utterance = text;
  p.userRequest.user.id = key;
  p.userRequest.user.properties.botUserKey = key;
  p.userRequest.user.properties.bot_user_key = key;
  if (extra !== undefined) p.action.clientExtra = extra;
  return p;
}

// ---- the checker applied to every response ----------------------------------

const LIMITS = { outputs: 3, text: 1000, card: 400, buttons: 3, quickReplies: 10, label: 14 };
const stats = { checked: 0, slowestMs: 0 };

function checkLabel(label, where) {
  assert.equal(typeof label, 'string', `${where}: label is a string`);
  assert.ok(label.length > 0, `${where}: label is empty`);
  assert.ok(label.length <= LIMITS.label, `${where}: label "${label}" is ${label.length} > ${LIMITS.label}`);
}

function checkResponse(status, body) {
  stats.checked++;
  if (status !== 200) {
    assert.equal(typeof body.error?.code, 'string', `error body: ${JSON.stringify(body)}`);
    assert.equal(typeof body.error?.message, 'string');
    return;
  }
  assert.equal(body.version, '2.0');
  const { outputs, quickReplies = [] } = body.template;
  assert.ok(Array.isArray(outputs) && outputs.length >= 1, 'at least one output');
  assert.ok(outputs.length <= LIMITS.outputs, `${outputs.length} outputs`);
  for (const o of outputs) {
    const kinds = Object.keys(o);
    assert.equal(kinds.length, 1, `one component per output: ${kinds}`);
    if (o.simpleText) {
      assert.equal(typeof o.simpleText.text, 'string');
      assert.ok(o.simpleText.text.length > 0, 'simpleText is not empty');
      assert.ok(o.simpleText.text.length <= LIMITS.text, `simpleText of ${o.simpleText.text.length}`);
    } else if (o.textCard) {
      const d = o.textCard.description;
      assert.ok(typeof d === 'string' && d.length > 0 && d.length <= LIMITS.card, `textCard of ${d?.length}`);
      const buttons = o.textCard.buttons || [];
      assert.ok(buttons.length <= LIMITS.buttons);
      buttons.forEach((b, i) => {
        checkLabel(b.label, `button ${i}`);
        assert.ok(['operator', 'message', 'block', 'webLink'].includes(b.action), b.action);
      });
    } else {
      assert.fail(`unexpected output ${kinds}`);
    }
  }
  assert.ok(quickReplies.length <= LIMITS.quickReplies, `${quickReplies.length} quick replies`);
  quickReplies.forEach((q, i) => {
    checkLabel(q.label, `quick reply ${i}`);
    assert.ok(q.action === 'message' || q.action === 'block', q.action);
    if (q.action === 'message') assert.ok(typeof q.messageText === 'string' && q.messageText.length > 0);
    if (q.extra !== undefined) assert.equal(typeof q.extra.value, 'string');
  });
}

// POSTs BODY (an object, or RAW text) and checks what comes back.
async function post(url, body, { secret, raw, headers = {}, timed = true } = {}) {
  const h = { 'content-type': 'application/json', ...headers };
  if (secret !== undefined) h['x-botd-skill-secret'] = secret;
  const t0 = performance.now();
  const r = await fetch(`${url}/kakao/skill`, { method: 'POST', headers: h, body: raw ?? JSON.stringify(body) });
  const bytes = new Uint8Array(await r.arrayBuffer());
  const ms = performance.now() - t0;
  if (process.env.KAKAO_TRACE && ms > 100) console.log(`# slow ${ms.toFixed(0)} ms: ${(raw ?? JSON.stringify(body)).slice(0, 80)}`);
  // Concurrent floods measure queueing, not one turn.
  if (timed) stats.slowestMs = Math.max(stats.slowestMs, ms);
  // Valid UTF-8, or this throws.
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const json = JSON.parse(text);
  checkResponse(r.status, json);
  return { status: r.status, json, text };
}

const texts = (j) => j.template.outputs.map((o) => o.simpleText?.text ?? o.textCard?.description).join('\n');
const operatorButton = (j) => j.template.outputs.some((o) => (o.textCard?.buttons || []).some((b) => b.action === 'operator'));

// ---- the shared daemon ------------------------------------------------------

let botd;
const ask = (text, key, opts) => post(botd.url, payload(text, key, opts));
const convOf = (key) => sql(botd.db, `SELECT * FROM conversations WHERE channel = 'kakao' AND channel_key = '${key}' ORDER BY rowid DESC LIMIT 1`)[0];
// Links a fresh bot user key to MEMBER, as the link flow would.
function link(key, member) {
  sql(botd.db, `INSERT INTO kakao_links (bot_user_key, member_id, linked_at) VALUES ('${key}', ${member}, '2026-11-01 00:00:00')`);
  return key;
}

before(async () => {
  // Many turns per key below; the rate limit has its own daemon.
  botd = await startBotd({ config: { rate_limit_messages: 1000 } });
});
after(async () => {
  await botd.stop();
  assert.ok(stats.checked >= 40, `the checker saw ${stats.checked} responses`);
  // Kakao gives a skill five seconds; stay far inside it.
  assert.ok(stats.slowestMs < 1000, `slowest response ${stats.slowestMs.toFixed(1)} ms`);
  console.log(`# kakao: ${stats.checked} responses checked, slowest ${stats.slowestMs.toFixed(1)} ms`);
});

// One utterance per intent (from the intent files' examples).
const INTENTS = {
  free_cash_status: '무상캐시 얼마 남았나요?',
  charge_refund_history: '충전 환불 내역 확인하고 싶어요',
  autopay_failure: '자동결제가 실패했어요',
  card_dormant: '카드가 휴면 상태래요',
  departed_member_refund: '퇴사한 직원이 카드로 충전한 거 환불돼요?',
  kakaopay_message_missing: '카카오페이 메시지가 오지 않습니다',
  payment_dashboard: '대시보드에서 보이는 결제 정보가 뭐예요?',
  tax_invoice_failed: '세금계산서가 발행 실패됐어요',
  tax_invoice_reissue: '세금계산서 재발행 해주세요',
  virtual_account_reissue: '가상계좌 재발급',
  greeting: '안녕하세요',
  thanks: '감사합니다',
  agent_request: '상담원 연결해 주세요',
};

describe('a linked user', () => {
  for (const [intent, text] of Object.entries(INTENTS)) {
    test(`${intent}: answered in KakaoTalk and stored`, async () => {
      const key = link(`e2e-m1-${intent}`, 1);
      const { status, json } = await ask(text, key);
      assert.equal(status, 200);
      const conv = convOf(key);
      assert.equal(conv.member_id, 1);
      const msgs = sql(botd.db, `SELECT sender, text, intent FROM messages WHERE conversation_id = '${conv.id}' ORDER BY seq`);
      assert.equal(msgs[0].sender, 'customer');
      assert.equal(msgs[0].text, text);
      assert.ok(msgs.length >= 2, 'the bot reply is stored');
      const handoffs = sql(botd.db, `SELECT reason FROM handoffs WHERE conversation_id = '${conv.id}'`);
      if (intent === 'agent_request') {
        assert.equal(handoffs[0]?.reason, 'agent_request');
      } else {
        assert.ok(msgs.some((m) => m.sender === 'bot' && m.intent === intent),
          `a stored reply for ${intent}: ${JSON.stringify(msgs)}`);
      }
      // The operator button comes exactly with an escalation.
      assert.equal(operatorButton(json), handoffs.length > 0, texts(json));
      // What KakaoTalk shows is what was stored (bot replies, in order).
      const shown = json.template.outputs.map((o) => o.simpleText?.text ?? o.textCard.description);
      const stored = msgs.filter((m) => m.sender === 'bot').map((m) => m.text);
      assert.deepEqual(shown, stored);
    });
  }

  test('member 1 gets their own account data', async () => {
    const { json } = await ask('무상캐시 얼마 남았나요?', 'demo-kakao-user-1');
    assert.match(texts(json), /3015827/);
    assert.match(texts(json), /35,000원/);
  });

  test('an English question gets an English answer', async () => {
    const key = link('e2e-m1-english', 1);
    const { json } = await ask('How much free cash do I have left?', key);
    assert.match(texts(json), /free cash/i);
    assert.match(texts(json), /3015827/);
  });

  test('block parameters and contexts in the payload are accepted', async () => {
    const p = fixture('block-params.json');
    p.userRequest.user.id = link('e2e-m1-params', 1);
    const { status, json } = await post(botd.url, p);
    assert.equal(status, 200);
    assert.match(texts(json), /3015827/);
  });
});

describe('an unlinked user', () => {
  // Everything in the database that is account data of someone.
  let secrets;
  before(() => {
    const q = (s) => sql(botd.db, s);
    secrets = [
      ...q('SELECT account_no AS v FROM ad_accounts'),
      ...q('SELECT business_reg_no AS v FROM ad_accounts'),
      ...q('SELECT name AS v FROM ad_accounts'),
      ...q('SELECT name AS v FROM members'),
      ...q('SELECT number AS v FROM refund_accounts'),
      ...q('SELECT number AS v FROM virtual_accounts'),
      ...q('SELECT name AS v FROM free_cash_grants'),
    ].map((r) => String(r.v));
    const amounts = [
      ...q('SELECT cash_balance AS v FROM ad_accounts WHERE cash_balance > 0'),
      ...q('SELECT amount AS v FROM cash_transactions'),
      ...q('SELECT remaining AS v FROM free_cash_grants WHERE remaining > 0'),
    ].map((r) => won(r.v));
    secrets.push(...amounts);
    assert.ok(secrets.length > 50);
  });

  for (const [intent, text] of Object.entries(INTENTS)) {
    if (['greeting', 'thanks', 'agent_request'].includes(intent)) continue;
    test(`${intent}: a general answer, no account data, and how to link`, async () => {
      const key = `e2e-unlinked-${intent}`;
      const { status, json } = await ask(text, key);
      assert.equal(status, 200);
      const t = texts(json);
      for (const s of secrets) assert.ok(!t.includes(s), `"${s}" leaked to an unlinked user:\n${t}`);
      assert.equal(convOf(key).member_id, null);
      // The answer module's link paragraph, for answers that need an account.
      const needsAccount = !['kakaopay_message_missing', 'card_dormant'].includes(intent);
      if (needsAccount && !operatorButton(json)) assert.match(t, /계정 연결/);
      for (const q of json.template.quickReplies || []) assert.doesNotMatch(q.extra?.value || '', /^account:/);
    });
  }

  test('two topics from an unlinked user: both answered, the link paragraph said once, last', async () => {
    const key = 'e2e-unlinked-two-topics';
    const { status, json } = await ask('무상캐시 남은 거 얼마인지랑, 충전 내역도 보여주세요', key);
    assert.equal(status, 200);
    const outs = json.template.outputs.map((o) => o.simpleText?.text || '');
    const linkAt = outs.map((t, i) => (/계정 연결/.test(t) ? i : -1)).filter((i) => i >= 0);
    assert.ok(outs.length >= 2, `two answers expected:\n${outs.join('\n---\n')}`);
    assert.deepEqual(linkAt, [outs.length - 1], `link paragraph once, in the last answer:\n${outs.join('\n---\n')}`);
  });

  test('a forged account value from an unlinked user is refused', async () => {
    const key = 'e2e-unlinked-forger';
    await ask('무상캐시 얼마 남았나요?', key);
    const { json } = await ask('민준상회 (3015827)', key, { extra: { value: 'account:101' } });
    assert.doesNotMatch(texts(json), /3015827|35,000원/);
    assert.equal(convOf(key).account_id, null);
  });

  test('a key linked later starts a new conversation with the member', async () => {
    const key = 'e2e-linked-later';
    await ask('무상캐시 얼마 남았나요?', key);
    const before = convOf(key);
    assert.equal(before.member_id, null);
    link(key, 2);
    const { json } = await ask('무상캐시 얼마 남았나요?', key);
    const now = convOf(key);
    assert.notEqual(now.id, before.id);
    assert.equal(now.member_id, 2);
    assert.match(texts(json), /3022914/);
  });

  test('an unlinked key never continues a linked conversation', async () => {
    const key = link('e2e-unlinked-later', 1);
    await ask('무상캐시 얼마 남았나요?', key);
    const first = convOf(key);
    sql(botd.db, `DELETE FROM kakao_links WHERE bot_user_key = '${key}'`);
    const { json } = await ask('무상캐시 얼마 남았나요?', key);
    assert.notEqual(convOf(key).id, first.id);
    assert.doesNotMatch(texts(json), /3015827/);
  });
});

describe('account choice by quick reply', () => {
  test('member 3 picks the second account through clientExtra', async () => {
    const key = 'demo-kakao-user-3';
    const first = await ask('세금계산서가 발행 실패됐어요', key);
    const qrs = first.json.template.quickReplies;
    const values = qrs.map((q) => q.extra.value).sort();
    assert.deepEqual(values, ['account:103', 'account:104']);
    const pick = qrs.find((q) => q.extra.value === 'account:104');
    // KakaoTalk sends the quick reply's messageText as the utterance and its
    // extra as action.clientExtra.
    const p = fixture('quick-reply.json');
    p.userRequest.utterance = pick.messageText;
    p.action.clientExtra = pick.extra;
    const { json } = await post(botd.url, p);
    const t = texts(json);
    assert.match(t, /3031187/);
    assert.match(t, /폐업/);
    assert.doesNotMatch(t, /3031006/);
    assert.equal(convOf(key).account_id, 104);
  });

  test('a long account name is shortened but keeps the account number', async () => {
    const key = link('e2e-m3-labels', 3);
    const { json } = await ask('세금계산서가 발행 실패됐어요', key);
    const labels = json.template.quickReplies.map((q) => q.label);
    assert.ok(labels.some((l) => l.includes('3031187')), labels.join(' / '));
    assert.ok(labels.some((l) => l.includes('3031006')), labels.join(' / '));
  });

  test('a forged clientExtra for an account the member does not belong to is refused', async () => {
    const key = link('e2e-m3-forger', 3);
    await ask('세금계산서가 발행 실패됐어요', key);
    const { status, json } = await ask('민준상회 (3015827)', key, { extra: { value: 'account:101' } });
    assert.equal(status, 200);
    const t = texts(json);
    assert.match(t, /확인할 수 없어요/);
    assert.doesNotMatch(t, /3015827|민준상회/);
    assert.notEqual(convOf(key).account_id, 101);
  });

  test('a tapped clarification or suggestion quick reply is answered', async () => {
    const key = link('e2e-m1-suggest', 1);
    const miss = await ask('음 그게 뭐더라', key);
    const qrs = miss.json.template.quickReplies || [];
    const fc = qrs.find((q) => q.extra?.value === 'intent:free_cash_status');
    assert.ok(fc, `suggestions: ${JSON.stringify(qrs)}`);
    const { json } = await ask(fc.messageText, key, { extra: fc.extra });
    assert.match(texts(json), /3015827/);
  });
});

describe('escalation', () => {
  test('상담원 연결 puts the conversation in the queue and sends the operator button', async () => {
    const key = link('e2e-m2-escalate', 2);
    const { json } = await ask('상담원 연결해 주세요', key);
    const conv = convOf(key);
    assert.equal(conv.state, 'queued');
    const h = sql(botd.db, `SELECT reason, state FROM handoffs WHERE conversation_id = '${conv.id}'`);
    assert.deepEqual(h, [{ reason: 'agent_request', state: 'waiting' }]);
    const card = json.template.outputs.at(-1).textCard;
    assert.ok(card, 'the last output is a card');
    assert.deepEqual(card.buttons, [{ label: '상담직원 연결', action: 'operator' }]);

    // While a human owns it, the bot stays silent: the message is stored for
    // the agent and the user is pointed at the agent again.
    const again = await ask('언제 연결되나요?', key);
    assert.ok(operatorButton(again.json));
    const msgs = sql(botd.db, `SELECT sender, text FROM messages WHERE conversation_id = '${conv.id}' ORDER BY seq`);
    assert.deepEqual(msgs.at(-1), { sender: 'customer', text: '언제 연결되나요?' });
    assert.equal(sql(botd.db, `SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id = '${conv.id}'`)[0].n, 1);
  });

  test('the agent quick reply from a not-understood turn escalates too', async () => {
    const key = link('e2e-m2-agent-qr', 2);
    const miss = await ask('음 그게 뭐더라', key);
    const agent = (miss.json.template.quickReplies || []).find((q) => q.extra?.value === 'agent');
    assert.ok(agent);
    const { json } = await ask(agent.messageText, key, { extra: agent.extra });
    assert.ok(operatorButton(json));
    assert.equal(convOf(key).state, 'queued');
  });

  test('an unlinked user can reach an agent as well', async () => {
    const key = 'e2e-unlinked-escalate';
    const { json } = await ask('상담원 연결해 주세요', key);
    assert.ok(operatorButton(json));
    assert.equal(sql(botd.db, `SELECT COUNT(*) AS n FROM handoffs h JOIN conversations c ON c.id = h.conversation_id WHERE c.channel_key = '${key}'`)[0].n, 1);
  });
});

describe('refusals', () => {
  const good = () => payload('안녕하세요', 'e2e-refusals');

  test('malformed JSON is 400', async () => {
    const { status, json } = await post(botd.url, null, { raw: '{"userRequest": {' });
    assert.equal(status, 400);
    assert.equal(json.error.code, 'malformed_json');
  });

  const bad = {
    'no userRequest': (p) => { delete p.userRequest; },
    'userRequest not an object': (p) => { p.userRequest = 'hi'; },
    'no utterance': (p) => { delete p.userRequest.utterance; },
    'utterance not a string': (p) => { p.userRequest.utterance = 42; },
    'no user': (p) => { delete p.userRequest.user; },
    'no user.id': (p) => { delete p.userRequest.user.id; },
    'user.id with odd characters': (p) => { p.userRequest.user.id = "x' OR 1=1 --"; },
    'user.id too long': (p) => { p.userRequest.user.id = 'k'.repeat(200); },
    'user.type not botUserKey': (p) => { p.userRequest.user.type = 'appUserId'; },
    'empty utterance': (p) => { p.userRequest.utterance = '  '; },
    'a JSON array': (p) => [p],
    'clientExtra a string': (p) => { p.action.clientExtra = 'account:101'; },
    'clientExtra with another key': (p) => { p.action.clientExtra = { value: 'agent', admin: true }; },
    'clientExtra value not ours': (p) => { p.action.clientExtra = { value: "account:1; DROP TABLE members" }; },
    'action not an object': (p) => { p.action = []; },
    'duplicate keys': null,
  };
  for (const [name, mutate] of Object.entries(bad)) {
    test(`${name} is 400 with a JSON error`, async () => {
      let raw;
      if (mutate === null) {
        raw = '{"userRequest":{"utterance":"a","utterance":"b","user":{"id":"e2e-dup"}}}';
      } else {
        const p = good();
        const r = mutate(p);
        raw = JSON.stringify(r ?? p);
      }
      const { status, json } = await post(botd.url, null, { raw });
      assert.equal(status, 400);
      assert.ok(['bad_request', 'malformed_json'].includes(json.error.code), json.error.code);
    });
  }

  test('a body over the cap is 413', async () => {
    const p = good();
    p.userRequest.params.padding = 'x'.repeat(70 * 1024);
    const { status, json } = await post(botd.url, p);
    assert.equal(status, 413);
    assert.equal(json.error.code, 'too_large');
  });

  test('GET is refused', async () => {
    const r = await fetch(`${botd.url}/kakao/skill`);
    assert.equal(r.status, 405);
  });

  test('a minimal payload (only the required fields) is answered', async () => {
    const { status } = await post(botd.url, { userRequest: { utterance: '안녕하세요', user: { id: 'e2e-minimal' } } });
    assert.equal(status, 200);
  });
});

describe('the shared secret', () => {
  let b;
  before(async () => { b = await startBotd({ config: { kakao_secret: 'kakao-e2e-secret-0123456789' } }); });
  after(async () => { await b.stop(); });
  const p = () => payload('안녕하세요', 'demo-kakao-user-1');

  test('no secret header is 401', async () => {
    const { status, json } = await post(b.url, p());
    assert.equal(status, 401);
    assert.equal(json.error.code, 'unauthorized');
  });
  test('a wrong secret is 401', async () => {
    assert.equal((await post(b.url, p(), { secret: 'kakao-e2e-secret-0123456780' })).status, 401);
    assert.equal((await post(b.url, p(), { secret: 'kakao-e2e-secret-0123456789x' })).status, 401);
    assert.equal((await post(b.url, p(), { secret: '' })).status, 401);
  });
  test('the right secret is answered', async () => {
    assert.equal((await post(b.url, p(), { secret: 'kakao-e2e-secret-0123456789' })).status, 200);
  });
  test('a wrong secret is refused before the body is read', async () => {
    const { status } = await post(b.url, null, { raw: 'not json', secret: 'nope' });
    assert.equal(status, 401);
  });
});

describe('outside demo mode without a secret', () => {
  test('every request is refused with 401', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'botd-kakao-'));
    const port = await freePort();
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ token_secret: 'a-production-token-secret-of-enough-length-0123456789' }));
    const proc = spawn(BOTD, ['--host', '127.0.0.1', '--port', String(port), '--db', join(dir, 'db'),
      '--config', cfg, '--intents', join(ROOT, 'intents'), '--www', join(ROOT, 'bot/www')],
    { env: { ...process.env, BOTD_NOW: NOW, BOTD_KAKAO_SECRET: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { out += d; });
    const exited = new Promise((ok) => proc.on('exit', ok));
    try {
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
        if (proc.exitCode !== null || i > 200) assert.fail(`botd did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const { status, json } = await post(url, payload('안녕하세요', 'e2e-prod'));
      assert.equal(status, 401);
      assert.equal(json.error.code, 'unauthorized');
      assert.equal((await post(url, payload('안녕하세요', 'e2e-prod'), { secret: '' })).status, 401);
    } finally {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rate limit per bot user key', () => {
  let b;
  before(async () => { b = await startBotd({ config: { rate_limit_messages: 3, rate_limit_window_s: 60 } }); });
  after(async () => { await b.stop(); });

  test('over the limit is 429; another key is not affected', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await post(b.url, payload('안녕하세요', 'e2e-flood'))).status, 200);
    }
    const { status, json } = await post(b.url, payload('안녕하세요', 'e2e-flood'));
    assert.equal(status, 429);
    assert.equal(json.error.code, 'rate_limited');
    assert.equal((await post(b.url, payload('안녕하세요', 'e2e-calm'))).status, 200);
    // The refused message is not stored.
    const n = sql(b.db, "SELECT COUNT(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel_key = 'e2e-flood' AND m.sender = 'customer'")[0].n;
    assert.equal(n, 3);
  });

  test('a flood of made-up keys does not grow memory or lock out a known key', async () => {
    const rss = () => Number(readFileSync(`/proc/${b.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
    const before = rss();
    const batch = [];
    for (let i = 0; i < 600; i++) batch.push(post(b.url, payload('안녕하세요', `e2e-many-${i}`), { timed: false }));
    const codes = (await Promise.all(batch)).map((r) => r.status);
    assert.ok(codes.every((c) => c === 200));
    // Under AddressSanitizer RSS also holds the allocator's quarantine of
    // freed memory (256 MB by default), which says nothing about our tables.
    const limit = (process.env.ASAN_OPTIONS ? 320 : 64) * 1024;
    assert.ok(rss() - before < limit, `RSS grew by ${rss() - before} kB`);
    assert.equal((await post(b.url, payload('안녕하세요', 'e2e-calm'))).status, 200);
  });
});
