// The widget when the browser loses its network (playwright's
// context.setOffline: navigator.onLine goes false and the `offline` event
// fires, while an open WebSocket is left as it was): the header never says
// connected, no spinner promises an answer, messages typed meanwhile wait
// with a mark and go out once, in order, with their own ids, on a resumed
// connection (after_seq) once the network is back. And the queue card while
// offline: it keeps what it knew but stops promising movement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBotd, sql, token, Client } from '../e2e/lib.mjs';
import { launch, watchErrors, seqs, wsLog, artifact } from './lib.mjs';

let botd, br;
before(async () => {
  botd = await startBotd();
  br = await launch();
});
after(async () => {
  await br?.stop();
  await botd?.stop();
});

async function open(member) {
  const page = await br.context.newPage();
  const errors = watchErrors(page);
  const ws = wsLog(page);
  await page.goto(`${botd.url}/?member=${member}`);
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  return { page, errors, ws };
}

async function say(page, text) {
  const n = (await seqs(page)).length;
  await page.getByLabel('보낼 메시지').fill(text);
  await page.keyboard.press('Enter');
  await page.waitForFunction((k) => document.querySelectorAll('.botd-log [data-seq]').length >= k + 2, n);
}

test('offline and back: never "연결됨" offline, typed messages held, then sent once each, in order, on a resumed connection', async () => {
  const { page, errors, ws } = await open(2);
  await say(page, '무상캐시 얼마 남았나요?');
  const conv = await page.evaluate(() => window.botdWidget.state().conversation);
  const lastSeq = await page.evaluate(() => window.botdWidget.state().lastSeq);
  const socketsBefore = ws.sockets.length;

  await br.context.setOffline(true);
  await page.waitForSelector('.botd-chat[data-conn="offline"][data-net="down"]');
  const sub = await page.locator('.botd-subtitle').innerText();
  assert.doesNotMatch(sub, /연결됨/);
  assert.match(sub, /인터넷 연결 없음/);
  assert.match(await page.locator('.botd-banner').innerText(), /인터넷 연결이 없어요/);
  // nothing to retry by hand while the browser itself is offline
  assert.equal(await page.locator('.botd-banner button').count(), 0);

  // Two messages typed offline: held, in order, marked as such, no spinner.
  for (const text of ['자동결제 등록됐나요?', '이번 달 충전 내역 보여줘']) {
    await page.getByLabel('보낼 메시지').fill(text);
    await page.keyboard.press('Enter');
  }
  const held = page.locator('.botd-customer.botd-pending.botd-held');
  assert.equal(await held.count(), 2);
  assert.deepEqual((await held.allInnerTexts()).map((t) => t.split('\n').find((l) => /[?줘]$/.test(l))),
    ['자동결제 등록됐나요?', '이번 달 충전 내역 보여줘']);
  for (const t of await held.allInnerTexts()) assert.match(t, /연결되면 보내요/);
  assert.equal(await page.locator('.botd-typing:not([hidden])').count(), 0, 'no "preparing an answer" while offline');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.botd-held .botd-state'), '::before').animationName), 'none',
    'the held mark does not spin');
  // still offline a while later: no reconnect attempts, nothing sent
  await page.waitForTimeout(2500);
  assert.equal(ws.sockets.length, socketsBefore, 'no socket opened while offline');
  assert.equal(ws.sent.filter((f) => f.type === 'message' && /자동결제 등록|이번 달 충전 내역/.test(f.text)).length, 0);
  await page.screenshot({ path: artifact('widget-net-offline.png') });

  // Back online: one new socket, resumed after the last seq, both messages
  // delivered once, in order, answered once each.
  await br.context.setOffline(false);
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  await page.waitForFunction(() => !document.querySelector('.botd-pending'));
  await page.waitForFunction((s) => document.querySelectorAll('.botd-log [data-seq]').length >= s + 4, lastSeq);
  assert.equal(await page.evaluate(() => window.botdWidget.state().conversation), conv);
  const hello = ws.sent.filter((f) => f.type === 'hello' && f._socket >= socketsBefore);
  assert.equal(hello.length, 1, 'one hello on the way back');
  assert.deepEqual(hello[0].resume, { conversation: conv, after_seq: lastSeq });
  const rows = sql(botd.db, `SELECT seq, sender, text, client_id FROM messages WHERE conversation_id = '${conv}' ORDER BY seq`);
  assert.deepEqual(rows.map((r) => r.sender), ['customer', 'bot', 'customer', 'bot', 'customer', 'bot']);
  assert.equal(rows[2].text, '자동결제 등록됐나요?');
  assert.equal(rows[4].text, '이번 달 충전 내역 보여줘');
  // every text went out under one id only, and each id once per socket
  const sentMsgs = ws.sent.filter((f) => f.type === 'message');
  for (const text of ['자동결제 등록됐나요?', '이번 달 충전 내역 보여줘']) {
    const ids = new Set(sentMsgs.filter((f) => f.text === text).map((f) => f.id));
    assert.equal(ids.size, 1, `${text} was sent under ${[...ids]}`);
  }
  assert.deepEqual(await seqs(page), [1, 2, 3, 4, 5, 6]);
  assert.match(await page.locator('.botd-subtitle').innerText(), /연결됨/);
  assert.equal(await page.locator('.botd-banner').isVisible(), false);
  assert.deepEqual(errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await page.close();
});

test('offline while queued: the card keeps its place but no spinner, and comes back live', async () => {
  // an agent online, so the queue is open and the card would spin
  const agent = await Client.connect(`${botd.wsUrl}/ws/agent`);
  agent.send({ type: 'hello', token: token('agent', 1) });
  await agent.next('welcome');
  const { page, errors } = await open(4);
  await say(page, '상담원 연결해 주세요');
  await page.waitForSelector('.botd-queue:not([hidden]) .botd-q-spin');
  const before = await page.locator('.botd-queue').innerText();
  assert.match(before, /1번째/);

  await br.context.setOffline(true);
  await page.waitForSelector('.botd-chat[data-conn="offline"]');
  assert.equal(await page.locator('.botd-q-spin').count(), 0, 'no spinner while nothing can move');
  assert.equal(await page.locator('.botd-queue .botd-q-clock').count(), 1);
  const stale = await page.locator('.botd-queue').innerText();
  assert.match(stale, /1번째/);
  assert.match(stale, /대기 정보가 바뀌었을 수 있어요/);
  assert.doesNotMatch(await page.locator('.botd-subtitle').innerText(), /연결됨|기다리고 있어요/);

  await br.context.setOffline(false);
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  await page.waitForSelector('.botd-queue .botd-q-spin');
  assert.doesNotMatch(await page.locator('.botd-queue').innerText(), /바뀌었을 수 있어요/);
  assert.match(await page.locator('.botd-subtitle').innerText(), /기다리고 있어요/);
  assert.deepEqual(errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await agent.close();
  await page.close();
});
