// Human handoff: escalation paths, the agent protocol, live queue positions,
// the claim race, relay both ways, notes, transfer, resolve and rating, the
// grace-period requeue, business hours, and durability across kill -9.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBotd, token, sql, Client } from './lib.mjs';

let botd;
before(async () => { botd = await startBotd({ config: { agent_grace_s: 2, rate_limit_messages: 100 } }); });
after(async () => { await botd.stop(); });

// Tokens last a week so that a daemon whose clock is a day ahead accepts them.
const WEEK = 7 * 86400;

async function customer(member, b = botd) {
  const c = await Client.connect(`${b.wsUrl}/ws/chat`);
  c.welcome = await c.hello(token('member', member, { ttl: WEEK }));
  c.conv = c.welcome.conversation;
  return c;
}

async function agent(id, b = botd) {
  const a = await Client.connect(`${b.wsUrl}/ws/agent`);
  a.send({ type: 'hello', token: token('agent', id, { ttl: WEEK }) });
  a.welcome = await a.next((f) => f.type === 'welcome' || f.type === 'error');
  return a;
}

// Waits for the agent's queue snapshot that satisfies PRED.
const queueWhere = (a, pred) => a.next((f) => f.type === 'queue' && pred(f.items));

async function escalate(c, text = '상담원 연결해 주세요') {
  const { reply } = await c.ask(text);
  const queued = await c.next('queued');
  return { reply, queued };
}

describe('escalation paths', () => {
  test('an explicit request queues the conversation with a position and an estimate', async () => {
    const c = await customer(1);
    const { reply, queued } = await escalate(c);
    assert.match(reply.text, /상담직원/);
    assert.ok(queued.position >= 1);
    assert.ok(queued.eta_s > 0);
    assert.equal(queued.open, false, 'no agent online yet');
    assert.ok(queued.returns_at);
    const rows = sql(botd.db, `SELECT reason, state FROM handoffs WHERE conversation_id='${c.conv}'`);
    assert.deepEqual(rows, [{ reason: 'agent_request', state: 'waiting' }]);
    assert.equal(sql(botd.db, `SELECT state FROM conversations WHERE id='${c.conv}'`)[0].state, 'queued');
    await c.close();
  });

  test('two questions not understood: a rephrase prompt, then an offer of a person, queued only on a tap', async () => {
    const c = await customer(2);
    const first = await c.ask('광고 소재 심사가 반려됐어요');
    assert.equal(first.reply.intent, null);
    assert.ok(first.reply.quick_replies.length >= 2, 'suggestions offered');
    assert.ok(first.reply.quick_replies.some((q) => q.value === 'agent'));
    // The second miss asks before queuing: a person first, and how to rephrase.
    const second = await c.ask('타겟 설정은 어떻게 하나요');
    assert.equal(second.reply.intent, null);
    assert.equal(second.reply.quick_replies[0].value, 'agent');
    assert.match(second.reply.text, /상담직원/);
    assert.deepEqual(sql(botd.db, `SELECT reason FROM handoffs WHERE conversation_id='${c.conv}'`), []);
    assert.equal(sql(botd.db, `SELECT state FROM conversations WHERE id='${c.conv}'`)[0].state, 'bot');
    // Tapping it queues the conversation, for not being understood.
    c.send({ type: 'message', id: 'offer', text: second.reply.quick_replies[0].label, value: 'agent' });
    await c.next((f) => f.type === 'ack' && f.id === 'offer');
    const queued = await c.next('queued');
    assert.ok(queued.position >= 1);
    assert.equal(sql(botd.db, `SELECT reason FROM handoffs WHERE conversation_id='${c.conv}'`)[0].reason, 'not_understood');
    await c.close();
  });

  test('the "agent" quick reply escalates', async () => {
    const c = await customer(4);
    c.send({ type: 'message', id: 'qr', text: '상담직원 연결', value: 'agent' });
    await c.next('ack');
    assert.ok((await c.next('queued')).position >= 1);
    await c.close();
  });

  // The FAQ's route for a corrected invoice, with the agent offered: the
  // customer chooses the handoff (it used to be automatic for some members).
  test('a tax-invoice reissue gives the FAQ route and the reason, and offers an agent', async () => {
    const c = await customer(3);
    const choose = await c.ask('사업자 정보가 바뀌어서 세금계산서 다시 받고 싶어요');
    const acc = choose.reply.quick_replies.find((q) => q.value === 'account:103');
    assert.ok(acc, `account choice offered: ${JSON.stringify(choose.reply.quick_replies)}`);
    c.send({ type: 'message', id: 'pick', text: acc.label, value: acc.value });
    await c.next((f) => f.type === 'ack' && f.id === 'pick');
    const answer = await c.next('reply');
    assert.equal(answer.intent, 'tax_invoice_reissue');
    assert.match(answer.text, /'카카오비즈니스' 카카오톡 상담톡/);
    const [{ reg }] = sql(botd.db, `SELECT business_reg_no AS reg FROM tax_invoices
      WHERE account_id = 103 AND status = 'failed' AND failure_reason = 'invalid_reg_no' ORDER BY month DESC LIMIT 1`);
    assert.ok(answer.text.includes(`(${reg})가 ${reg.length}자리예요`), `the invalid number and why: ${answer.text}`);
    const offer = answer.quick_replies.find((q) => q.value === 'agent');
    assert.ok(offer, `the agent is offered: ${JSON.stringify(answer.quick_replies)}`);
    assert.equal(sql(botd.db, `SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id='${c.conv}'`)[0].n, 0);
    assert.equal(sql(botd.db, `SELECT state FROM conversations WHERE id='${c.conv}'`)[0].state, 'bot');

    c.send({ type: 'message', id: 'offer', text: offer.label, value: offer.value });
    await c.next((f) => f.type === 'ack' && f.id === 'offer');
    assert.ok((await c.next('queued')).position >= 1);
    const h = sql(botd.db, `SELECT reason, intent, attachments FROM handoffs WHERE conversation_id='${c.conv}'`)[0];
    assert.equal(h.reason, 'agent_request');
    // The packet names the question answered last and carries its records.
    assert.equal(h.intent, 'tax_invoice_reissue');
    const att = JSON.parse(h.attachments);
    assert.deepEqual(att.map((x) => x.kind), ['account', 'failed', 'business']);
    assert.equal(att[0].account_id, 103);
    assert.ok(att[1].rows.length >= 1 && att[1].rows.every((r) => r.business_reg_no), JSON.stringify(att[1]));
    await c.close();
  });

  test('a member with one ad account who asks straight for a person: the packet has that account', async () => {
    // 최유나 (member 4) belongs to one ad account and asks nothing else first.
    const [{ n, id }] = sql(botd.db, `SELECT COUNT(*) AS n, MIN(account_id) AS id FROM account_members
      WHERE member_id = 4 AND left_at IS NULL`);
    assert.equal(n, 1);
    const c = await customer(4);
    await escalate(c);
    assert.equal(sql(botd.db, `SELECT account_id FROM conversations WHERE id='${c.conv}'`)[0].account_id, id);
    const a = await agent(3);
    await queueWhere(a, (items) => items.some((i) => i.conversation === c.conv));
    a.send({ type: 'claim', conversation: c.conv });
    const claimed = await a.next((f) => f.type === 'claimed' && f.conversation === c.conv);
    assert.equal(claimed.packet.account.account_id ?? claimed.packet.account.id, id, JSON.stringify(claimed.packet.account));
    a.send({ type: 'resolve', conversation: c.conv });
    await a.next((f) => f.type === 'released' && f.conversation === c.conv);
    await a.close();
    await c.close();
  });
});

describe('agents', () => {
  test('a customer token on the agent endpoint is refused', async () => {
    const a = await Client.connect(`${botd.wsUrl}/ws/agent`);
    a.send({ type: 'hello', token: token('member', 1) });
    assert.equal((await a.next('error')).code, 'unauthorized');
    assert.equal((await a.closed).code, 1008);
  });

  test('the whole flow: claim race, packet, relay, typing, notes, resolve, rating', async () => {
    const c = await customer(1);
    await c.ask('무상캐시 얼마 남았나요?');
    await escalate(c);
    const a1 = await agent(1);
    const a2 = await agent(2);
    assert.equal(a1.welcome.agent.name.length > 0, true);
    await queueWhere(a1, (items) => items.some((i) => i.conversation === c.conv));

    // Both claim at once: exactly one wins.
    a1.send({ type: 'claim', conversation: c.conv });
    a2.send({ type: 'claim', conversation: c.conv });
    const r1 = await a1.next((f) => f.type === 'claimed' || f.type === 'error');
    const r2 = await a2.next((f) => f.type === 'claimed' || f.type === 'error');
    const results = [r1, r2].map((r) => (r.type === 'claimed' ? 'claimed' : r.code)).sort();
    assert.deepEqual(results, ['already_claimed', 'claimed']);
    const [winner, winnerId, loser] = r1.type === 'claimed' ? [a1, 1, a2] : [a2, 2, a1];
    const claimed = r1.type === 'claimed' ? r1 : r2;

    // The packet: member, account, intent, the full transcript.
    const p = claimed.packet;
    assert.equal(p.member.id, 1);
    assert.equal(p.reason, 'agent_request');
    assert.equal(p.account.account_no, '3015827');
    const stored = sql(botd.db, `SELECT seq, sender, text FROM messages WHERE conversation_id='${c.conv}' ORDER BY seq`);
    assert.deepEqual(p.transcript.map((m) => [m.seq, m.from, m.text]), stored.map((m) => [m.seq, m.sender, m.text]));
    const joined = await c.next('agent_joined');
    assert.equal(joined.name, winner.welcome.agent.name);

    // The loser may not act on it.
    loser.send({ type: 'message', conversation: c.conv, id: 'x', text: '제가 할게요' });
    assert.equal((await loser.next('error')).code, 'not_owner');

    // Agent → customer, in order, with the agent's name.
    for (let i = 0; i < 3; i++) winner.send({ type: 'message', conversation: c.conv, id: `a${i}`, text: `안내 ${i}` });
    const acks = [];
    for (let i = 0; i < 3; i++) acks.push(await winner.next((f) => f.type === 'ack' && f.id === `a${i}`));
    const got = [];
    for (let i = 0; i < 3; i++) got.push(await c.next((f) => f.type === 'reply' && f.from === 'agent'));
    assert.deepEqual(got.map((g) => g.text), ['안내 0', '안내 1', '안내 2']);
    assert.deepEqual(got.map((g) => g.seq), acks.map((a) => a.seq));
    assert.ok(got.every((g) => g.name === winner.welcome.agent.name));

    // Customer → agent, in order; the bot stays silent.
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push((await c.ask2(`질문 ${i}`)).seq);
    const relayed = [];
    for (let i = 0; i < 3; i++) relayed.push(await winner.next('customer_message'));
    assert.deepEqual(relayed.map((r) => r.text), ['질문 0', '질문 1', '질문 2']);
    assert.deepEqual(relayed.map((r) => r.seq), sent);
    assert.equal(c.frames.filter((f) => f.type === 'reply' && f.from === 'bot').length, 0);

    // Typing both ways.
    c.send({ type: 'typing', on: true });
    const t1 = await winner.next('typing');
    assert.equal(t1.from, 'customer');
    winner.send({ type: 'typing', conversation: c.conv, on: true });
    const t2 = await c.next('typing');
    assert.equal(t2.from, 'agent');
    assert.ok(t2.expires_s > 0);

    // A note is for agents only.
    winner.send({ type: 'note', conversation: c.conv, text: '내부 메모: 환불 검토' });
    assert.equal((await winner.next('noted')).note.text, '내부 메모: 환불 검토');
    assert.equal(sql(botd.db, `SELECT COUNT(*) AS n FROM messages WHERE conversation_id='${c.conv}' AND text LIKE '%내부 메모%'`)[0].n, 0);

    // Resolve: the customer is asked to rate, rates, and the bot is back.
    winner.send({ type: 'resolve', conversation: c.conv });
    assert.equal((await winner.next('released')).reason, 'resolved');
    await c.next('resolved');
    const ask = await c.next((f) => f.type === 'reply' && f.from === 'bot');
    assert.deepEqual(ask.quick_replies.map((q) => q.value), ['rating:1', 'rating:2', 'rating:3', 'rating:4', 'rating:5']);
    c.send({ type: 'message', id: 'rate', text: '5', value: 'rating:5' });
    await c.next((f) => f.type === 'ack' && f.id === 'rate');
    assert.equal((await c.next('rated')).score, 5);
    assert.equal((await winner.next('rated')).score, 5);
    assert.match((await c.next('reply')).text, /감사/);
    assert.equal(sql(botd.db, `SELECT rating FROM handoffs WHERE conversation_id='${c.conv}' AND agent_id=${winnerId}`)[0].rating, 5);
    const back = await c.ask('무상캐시 얼마 남았나요?');
    assert.equal(back.reply.intent, 'free_cash_status');
    for (const x of [c, a1, a2]) await x.close();
  });

  test('queue positions move as others are served; transfer back and to another agent', async () => {
    const b = await startBotd({ config: { rate_limit_messages: 100 } });
    const cs = [];
    for (const m of [1, 2, 4]) {
      const c = await customer(m, b);
      const { queued } = await escalate(c);
      cs.push(c);
      assert.equal(queued.position, cs.length);
    }
    const a = await agent(1, b);
    const a2 = await agent(2, b);
    a.send({ type: 'claim', conversation: cs[0].conv });
    await a.next('claimed');
    assert.equal((await cs[1].next('queued')).position, 1);
    assert.equal((await cs[2].next('queued')).position, 2);
    // Back to the queue: ahead of everyone.
    a.send({ type: 'transfer', conversation: cs[0].conv, to: null });
    assert.equal((await a.next('released')).reason, 'transferred');
    assert.equal((await cs[0].next('queued')).position, 1);
    assert.equal((await cs[1].next('queued')).position, 2);
    // Claim again and hand it to agent 2.
    a.send({ type: 'claim', conversation: cs[0].conv });
    await a.next('claimed');
    a.send({ type: 'transfer', conversation: cs[0].conv, to: 2 });
    const assigned = await a2.next('assigned');
    assert.equal(assigned.conversation, cs[0].conv);
    assert.equal((await cs[0].next((f) => f.type === 'agent_joined' && f.name === a2.welcome.agent.name)).name, a2.welcome.agent.name);
    assert.equal(sql(b.db, `SELECT agent_id FROM handoffs WHERE conversation_id='${cs[0].conv}' AND state='claimed'`)[0].agent_id, 2);
    for (const x of [...cs, a, a2]) await x.close();
    await b.stop();
  });

  test('an agent over their cap gets at_capacity', async () => {
    const b = await startBotd({ config: { rate_limit_messages: 100 } });
    const a = await agent(3, b); // demo agent 3 may hold 2
    const cs = [];
    for (const m of [1, 2, 4]) { const c = await customer(m, b); await escalate(c); cs.push(c); }
    for (let i = 0; i < 2; i++) { a.send({ type: 'claim', conversation: cs[i].conv }); await a.next('claimed'); }
    a.send({ type: 'claim', conversation: cs[2].conv });
    assert.equal((await a.next('error')).code, 'at_capacity');
    for (const x of [...cs, a]) await x.close();
    await b.stop();
  });

  test('an agent who disconnects keeps conversations for the grace period, then they requeue', async () => {
    const c = await customer(5);
    await escalate(c);
    let a = await agent(3);
    a.send({ type: 'claim', conversation: c.conv });
    await a.next('claimed');
    await c.next('agent_joined');
    // Back within the grace: still theirs.
    a.ws.terminate();
    a = await agent(3);
    assert.ok(a.welcome.conversations.some((x) => x.conversation === c.conv));
    // Gone for longer than the grace (2 s): front of the queue, customer told.
    a.ws.terminate();
    const note = await c.next((f) => f.type === 'reply' && f.from === 'bot', 8000);
    assert.match(note.text, /대기열/);
    const q = await c.next('queued', 8000);
    assert.equal(q.position, 1);
    const h = sql(botd.db, `SELECT state, priority, agent_id FROM handoffs WHERE conversation_id='${c.conv}'`)[0];
    assert.deepEqual(h, { state: 'waiting', priority: 10, agent_id: null });
    await c.close();
  });
});

describe('hours and durability', () => {
  test('outside business hours the customer is told when agents return', async () => {
    // Saturday 2026-11-21 14:00 in Seoul.
    const b = await startBotd({ env: { BOTD_NOW: '2026-11-21T05:00:00Z' } });
    const c = await customer(1, b);
    const a = await agent(1, b);
    const { reply, queued } = await escalate(c);
    assert.equal(queued.open, false);
    assert.equal(queued.returns_at, '2026-11-23T00:00:00Z'); // Monday 09:00 KST
    assert.match(reply.text, /11월 23일\(월\) 09:00/);
    await c.close(); await a.close();
    await b.stop();
  });

  test('kill -9 with conversations in every state: all still where they were', async () => {
    const b = await startBotd({ config: { agent_grace_s: 300, rate_limit_messages: 100 } });
    const bot = await customer(1, b); await bot.ask('무상캐시 얼마 남았나요?');
    const waiting = await customer(2, b); await escalate(waiting);
    const owned = await customer(4, b); await escalate(owned);
    const done = await customer(5, b); await escalate(done);
    const a = await agent(1, b);
    a.send({ type: 'claim', conversation: owned.conv }); await a.next('claimed');
    a.send({ type: 'claim', conversation: done.conv }); await a.next('claimed');
    a.send({ type: 'message', conversation: owned.conv, id: 'm1', text: '확인 중입니다' });
    await a.next('ack');
    a.send({ type: 'note', conversation: owned.conv, text: '메모' }); await a.next('noted');
    a.send({ type: 'resolve', conversation: done.conv }); await a.next('released');
    const before = {
      conv: sql(b.db, 'SELECT id, state, misses, account_id FROM conversations ORDER BY id'),
      msgs: sql(b.db, 'SELECT conversation_id, seq, sender, text FROM messages ORDER BY conversation_id, seq'),
      hand: sql(b.db, 'SELECT conversation_id, state, agent_id, reason FROM handoffs ORDER BY id'),
    };
    b.proc.kill('SIGKILL');
    await b.exited;
    const b2 = await startBotd({ dir: b.dir, config: { agent_grace_s: 300 } });
    assert.deepEqual(sql(b2.db, 'SELECT id, state, misses, account_id FROM conversations ORDER BY id'), before.conv);
    assert.deepEqual(sql(b2.db, 'SELECT conversation_id, seq, sender, text FROM messages ORDER BY conversation_id, seq'), before.msgs);
    assert.deepEqual(sql(b2.db, 'SELECT conversation_id, state, agent_id, reason FROM handoffs ORDER BY id'), before.hand);
    assert.deepEqual(sql(b2.db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    // The agent comes back to the conversation they held; the waiting one is queued.
    const a2 = await agent(1, b2);
    assert.ok(a2.welcome.conversations.some((x) => x.conversation === owned.conv));
    const q = await a2.next('queue');
    assert.ok(q.items.some((i) => i.conversation === waiting.conv));
    await a2.close();
    await b2.stop();
  });
});
