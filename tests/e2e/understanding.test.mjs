// Understanding in a conversation, in both channels (web chat and KakaoTalk
// with real-shape SkillPayloads from tests/e2e/kakao/): the "did you mean"
// suggestion and its quick replies, two topics answered in order, follow-ups
// that keep the intent with a new slot, a correction that switches, another
// account, and two misses that offer a person before queuing.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBotd, token, sql, Client } from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const WEEK = 7 * 86400;

let botd;
before(async () => { botd = await startBotd({ config: { rate_limit_messages: 1000 } }); });
after(async () => { await botd.stop(); });

async function customer(member) {
  const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
  c.welcome = await c.hello(token('member', member, { ttl: WEEK }));
  c.conv = c.welcome.conversation;
  return c;
}

// Sends TEXT (and the tapped VALUE) and collects the N replies of the turn.
async function say(c, text, n = 1, value) {
  const id = `u-${Math.random().toString(36).slice(2)}`;
  c.send(value ? { type: 'message', id, text, value } : { type: 'message', id, text });
  await c.next((f) => f.type === 'ack' && f.id === id);
  const replies = [];
  for (let i = 0; i < n; i++) replies.push(await c.next('reply'));
  return replies;
}

// The slots the newest stored bot answer of a conversation says it used.
function lastSlots(convId) {
  const rows = sql(botd.db, `SELECT meta FROM messages WHERE conversation_id = '${convId}' AND sender = 'bot' AND intent IS NOT NULL ORDER BY seq DESC LIMIT 1`);
  return rows.length ? (JSON.parse(rows[0].meta).slots || {}) : null;
}

describe('web chat', () => {
  test('did you mean: the guess is offered, and answered only when tapped', async () => {
    const c = await customer(1);
    const [r] = await say(c, '무상캐시요');
    assert.equal(r.intent, null, 'a guess is not an answer');
    assert.match(r.text, /혹시 이 문의이신가요\?/);
    const guess = r.quick_replies.find((q) => q.value === 'intent:free_cash_status');
    assert.ok(guess, JSON.stringify(r.quick_replies));
    assert.ok(r.quick_replies.some((q) => q.value === 'agent'), 'a person is offered too');
    const [a] = await say(c, guess.label, 1, guess.value);
    assert.equal(a.intent, 'free_cash_status');
    assert.match(a.text, /3015827/);
    await c.close();
  });

  test('two topics in one message: both answered, in the order asked', async () => {
    const c = await customer(1);
    const [a, b] = await say(c, '무상캐시 남은 거랑 세금계산서 실패 사유 둘 다 알려주세요', 2);
    assert.equal(a.intent, 'free_cash_status');
    assert.equal(b.intent, 'tax_invoice_failed');
    assert.ok(a.seq < b.seq);
    await c.close();
  });

  test('a follow-up keeps the intent with the new slot; a correction switches', async () => {
    const c = await customer(1);
    const [a] = await say(c, '지난달 충전 내역 보여줘');
    assert.equal(a.intent, 'charge_refund_history');
    assert.equal(lastSlots(c.conv).period, 'last_month');
    const [b] = await say(c, '그럼 이번 달은요?');
    assert.equal(b.intent, 'charge_refund_history');
    assert.equal(lastSlots(c.conv).period, 'this_month');
    const [e] = await say(c, 'what about last week?');
    assert.equal(e.intent, 'charge_refund_history');
    assert.equal(lastSlots(c.conv).period, 'last_week');
    const [f] = await say(c, '아니 충전 말고 무상캐시요');
    assert.equal(f.intent, 'free_cash_status');
    await c.close();
  });

  test('another account: the member is asked which', async () => {
    const c = await customer(3);
    const [a] = await say(c, '무상캐시 얼마 남았어요');
    const pick = a.quick_replies.find((q) => q.value === 'account:103');
    assert.ok(pick, JSON.stringify(a.quick_replies));
    const [b] = await say(c, pick.label, 1, pick.value);
    assert.equal(b.intent, 'free_cash_status');
    const [d] = await say(c, '다른 계정은요?');
    assert.equal(d.intent, 'free_cash_status');
    assert.ok(d.quick_replies.some((q) => q.value === 'account:104'), JSON.stringify(d.quick_replies));
    await c.close();
  });

  test('an explicit request for a person goes straight to the queue, with the topic', async () => {
    const c = await customer(4);
    c.send({ type: 'message', id: 'x', text: '세금계산서 발행 실패 건으로 상담원 연결해 주세요' });
    await c.next((f) => f.type === 'ack' && f.id === 'x');
    assert.ok((await c.next('queued')).position >= 1);
    const h = sql(botd.db, `SELECT reason, intent FROM handoffs WHERE conversation_id = '${c.conv}'`)[0];
    assert.equal(h.reason, 'agent_request');
    assert.equal(h.intent, 'tax_invoice_failed');
    await c.close();
  });
});

// ---- KakaoTalk -------------------------------------------------------------

const fixture = (name) => JSON.parse(readFileSync(join(HERE, 'kakao', name), 'utf8'));

function payload(text, key, extra) {
  const p = fixture('utterance.json');
  p.userRequest.utterance = text;
  p.userRequest.user.id = key;
  p.userRequest.user.properties.botUserKey = key;
  p.userRequest.user.properties.bot_user_key = key;
  if (extra !== undefined) p.action.clientExtra = extra;
  return p;
}

// Kakao's limits on what it shows (skill response format).
function checkKakao(json) {
  assert.equal(json.version, '2.0');
  const { outputs, quickReplies = [] } = json.template;
  assert.ok(outputs.length >= 1 && outputs.length <= 3, `${outputs.length} outputs`);
  assert.ok(quickReplies.length <= 10);
  for (const q of quickReplies) {
    assert.ok(q.label.length >= 1 && q.label.length <= 14, `label "${q.label}"`);
    assert.equal(q.action, 'message');
    assert.equal(typeof q.extra.value, 'string');
  }
  return json;
}

async function kakao(text, key, extra) {
  const r = await fetch(`${botd.url}/kakao/skill`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload(text, key, extra)),
  });
  assert.equal(r.status, 200);
  return checkKakao(await r.json());
}

const shown = (json) => json.template.outputs.map((o) => o.simpleText?.text ?? o.textCard?.description);
const operator = (json) => json.template.outputs.some((o) => (o.textCard?.buttons || []).some((b) => b.action === 'operator'));

function link(key, member) {
  sql(botd.db, `INSERT INTO kakao_links (bot_user_key, member_id, linked_at) VALUES ('${key}', ${member}, '2026-11-01 00:00:00')`);
  return key;
}
const convOf = (key) => sql(botd.db, `SELECT * FROM conversations WHERE channel = 'kakao' AND channel_key = '${key}' ORDER BY rowid DESC LIMIT 1`)[0];

describe('KakaoTalk', () => {
  test('did you mean: quick replies carry the guess and a person; a tap answers', async () => {
    const key = link('u-kakao-guess', 1);
    const j = await kakao('무상캐시요', key);
    assert.match(shown(j)[0], /혹시 이 문의이신가요\?/);
    const qr = j.template.quickReplies;
    const guess = qr.find((q) => q.extra.value === 'intent:free_cash_status');
    assert.ok(guess, JSON.stringify(qr));
    assert.ok(qr.some((q) => q.extra.value === 'agent'));
    // KakaoTalk sends the tapped label back as the utterance, the value in clientExtra.
    const a = await kakao(guess.messageText, key, guess.extra);
    assert.match(shown(a).join('\n'), /3015827/);
    const msgs = sql(botd.db, `SELECT intent FROM messages WHERE conversation_id = '${convOf(key).id}' AND sender = 'bot'`);
    assert.deepEqual(msgs.map((m) => m.intent), [null, 'free_cash_status']);
  });

  test('two topics: two outputs, in the order asked', async () => {
    const key = link('u-kakao-two', 1);
    const j = await kakao('자동결제 카드가 휴면이라서 결제가 실패했어요', key);
    assert.equal(j.template.outputs.length, 2);
    const msgs = sql(botd.db, `SELECT intent FROM messages WHERE conversation_id = '${convOf(key).id}' AND sender = 'bot' ORDER BY seq`);
    assert.deepEqual(msgs.map((m) => m.intent), ['card_dormant', 'autopay_failure']);
    assert.deepEqual(shown(j), sql(botd.db, `SELECT text FROM messages WHERE conversation_id = '${convOf(key).id}' AND sender = 'bot' ORDER BY seq`).map((m) => m.text));
  });

  test('a follow-up keeps the intent with the new slot', async () => {
    const key = link('u-kakao-follow', 1);
    await kakao('지난달 환불 내역 보여줘', key);
    assert.equal(lastSlots(convOf(key).id).period, 'last_month');
    await kakao('그럼 지난주는요?', key);
    assert.equal(lastSlots(convOf(key).id).period, 'last_week');
    const intents = sql(botd.db, `SELECT intent FROM messages WHERE conversation_id = '${convOf(key).id}' AND sender = 'bot' ORDER BY seq`);
    assert.deepEqual(intents.map((m) => m.intent), ['charge_refund_history', 'charge_refund_history']);
  });

  test('two misses: a person is offered first; a tap hands over with the operator button', async () => {
    const key = link('u-kakao-miss', 2);
    const first = await kakao('광고 소재 심사가 반려됐어요', key);
    assert.ok(first.template.quickReplies.some((q) => q.extra.value === 'agent'));
    assert.equal(operator(first), false);
    const second = await kakao('타겟 설정은 어떻게 하나요', key);
    assert.equal(second.template.quickReplies[0].extra.value, 'agent');
    assert.equal(operator(second), false, 'not handed over without asking');
    const conv = convOf(key);
    assert.deepEqual(sql(botd.db, `SELECT reason FROM handoffs WHERE conversation_id = '${conv.id}'`), []);
    const tap = second.template.quickReplies[0];
    const third = await kakao(tap.messageText, key, tap.extra);
    assert.equal(operator(third), true);
    assert.equal(sql(botd.db, `SELECT reason FROM handoffs WHERE conversation_id = '${conv.id}'`)[0].reason, 'not_understood');
  });
});
