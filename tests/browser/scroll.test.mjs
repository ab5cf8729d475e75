// Where the widget's log stands: the newest item stays in view when a card
// appears (quick replies under the log, the queue card above it), a long
// answer opens at its first line, and a message arriving while the customer
// reads further up does not move them (a button takes them down). And the
// queue card: drawn from the latest `queued` frame alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBotd, token, Client } from '../e2e/lib.mjs';
import { launch, watchErrors, seqs, placeIn, artifact } from './lib.mjs';

let botd, br;
before(async () => {
  botd = await startBotd();
  br = await launch();
});
after(async () => {
  await br?.stop();
  await botd?.stop();
});

// A host page with the widget in a box of HEIGHT pixels (a small embed makes
// the log short, so answers and cards compete for it).
async function hosted(member, height) {
  const page = await br.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${botd.url}/`);
  const tok = (await (await fetch(`${botd.url}/demo/token?member=${member}`)).json()).token;
  await page.evaluate(([t, h]) => {
    document.body.textContent = '';
    const d = document.createElement('div');
    d.id = 'host';
    d.style.cssText = `height:${h}px;width:380px;margin:10px`;
    document.body.appendChild(d);
    window.botdWidget = BotdChat.mount(d, { token: t, lang: 'ko' });
  }, [tok, height]);
  await page.waitForSelector('#host[data-conn="online"]');
  return { page, errors };
}

async function ask(page, text) {
  const n = (await seqs(page)).length;
  await page.getByLabel('보낼 메시지').fill(text);
  await page.keyboard.press('Enter');
  await page.waitForFunction((k) => document.querySelectorAll('.botd-log [data-seq]').length >= k + 2, n);
  // let the layout settle (cards render in the same task; resize observers after)
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

const fullyVisible = (p) => p.top >= -1 && p.bottom <= p.height + 1;

test('a long answer opens at its first line; cards that appear keep the newest message in view', async () => {
  const { page, errors } = await hosted(1, 480);
  await ask(page, '무상캐시 얼마 남았나요?');
  const long = await placeIn(page, '.botd-bot[data-seq="2"]', '.botd-log');
  assert.ok(long.bottom - long.top > long.height, `the answer (${long.bottom - long.top}px) is taller than the log (${long.height}px)`);
  assert.ok(long.top >= 0 && long.top <= 16, `the answer starts at the top of the log, not scrolled past (top ${long.top})`);
  await page.screenshot({ path: artifact('widget-long-answer.png') });

  // Not understood: a clarification with quick replies under the log.
  await ask(page, '광고 소재 심사가 반려됐어요');
  await page.waitForSelector('.botd-quick:not([hidden]) .botd-chip');
  assert.ok(fullyVisible(await placeIn(page, '.botd-bot[data-seq="4"]', '.botd-log')), 'the question above the quick replies is in view');

  // Not understood again: the bot offers a person (issue 19); taking the offer
  // hands over, and the queue card appears above the log.
  await ask(page, '광고 소재 심사가 반려됐어요 왜 그런가요');
  await page.waitForSelector('.botd-bot[data-seq="6"]');
  await page.locator('.botd-quick:not([hidden]) .botd-chip', { hasText: '상담직원 연결' }).click();
  await page.waitForSelector('.botd-queue:not([hidden])');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const last = await placeIn(page, '.botd-bot[data-seq="8"]', '.botd-log');
  assert.ok(fullyVisible(last), `the handoff message is in view under the queue card (${JSON.stringify(last)})`);
  await page.screenshot({ path: artifact('widget-queue-card-scroll.png') });

  // Reading further up: an agent's message does not move the log; a button
  // offers the way down, and takes it.
  const conv = await page.evaluate(() => window.botdWidget.state().conversation);
  const agent = await Client.connect(`${botd.wsUrl}/ws/agent`);
  agent.send({ type: 'hello', token: token('agent', 1) });
  await agent.next('welcome');
  agent.send({ type: 'claim', conversation: conv });
  await agent.next('claimed');
  await page.waitForSelector('#host[data-state="agent"]');
  await page.evaluate(() => { document.querySelector('.botd-log').scrollTop = 0; });
  await page.waitForTimeout(100);
  agent.send({ type: 'message', conversation: conv, id: 'g-1', text: '안녕하세요, 김지수입니다. 소재 심사 반려 사유를 확인해 볼게요.' });
  await page.waitForSelector('.botd-agent[data-seq]');
  await page.waitForSelector('.botd-newer:not([hidden])');
  assert.equal(await page.evaluate(() => document.querySelector('.botd-log').scrollTop), 0, 'the log stayed where the customer was reading');
  await page.getByRole('button', { name: '새 메시지 보기' }).click();
  assert.ok(fullyVisible(await placeIn(page, '.botd-agent[data-seq]', '.botd-log')), 'the agent message is in view after the button');
  assert.equal(await page.locator('.botd-newer').isVisible(), false);
  assert.deepEqual(errors, []);
  await agent.close();
  await page.close();
});

test('the queue card shows the latest queued frame and nothing older; no number the frame lacks', async () => {
  const { page, errors } = await hosted(4, 560);
  await ask(page, '상담원 연결해 주세요');
  // today's frame from the server: nobody online, so not open, with the next opening
  await page.waitForSelector('.botd-queue:not([hidden])');
  assert.match(await page.locator('.botd-queue').innerText(), /지금 연결할 수 있는 상담직원이 없어요/);
  assert.equal(await page.locator('.botd-queue .botd-q-spin').count(), 0, 'no spinner when nobody can answer');

  // Frames as the server will send them: each replaces the card whole.
  const card = async (frame) => {
    await page.evaluate((f) => window.botdWidget._chat.handle(Object.assign({ type: 'queued' }, f)), frame);
    return page.locator('.botd-queue').innerText();
  };
  let text = await card({ position: 3, eta_s: 600, agents_online: 2, open: true });
  assert.match(text, /3번째/);
  assert.match(text, /예상 대기 시간 약 10분/);
  assert.equal(await page.locator('.botd-queue .botd-q-spin').count(), 1);
  // the next frame has no estimate: the old one must not linger
  text = await card({ position: 2, agents_online: 1, open: true });
  assert.match(text, /2번째/);
  assert.doesNotMatch(text, /10분/);
  assert.match(text, /예상 대기 시간은 아직 알 수 없어요/);
  // nobody online, no time the server can stand behind
  text = await card({ position: 1, agents_online: 0, open: false });
  assert.match(text, /1번째/);
  assert.match(text, /지금 연결할 수 있는 상담직원이 없어요/);
  assert.match(text, /상담직원이 접속하는 대로/);
  assert.doesNotMatch(text, /부터|예상 대기/);
  assert.equal(await page.locator('.botd-queue .botd-q-spin').count(), 0);
  // outside business hours, with the opening time
  text = await card({ position: 1, agents_online: 0, open: false, in_hours: false, returns_at: '2026-11-23T00:00:00Z' });
  assert.match(text, /지금은 상담 시간이 아니에요/);
  assert.match(text, /11월 23일 \(월\) 오전 09:00부터 순서대로 연결해 드릴게요/);
  // a frame with no position still says what it is
  text = await card({ open: true });
  assert.match(text, /상담직원 연결 대기 중/);
  assert.doesNotMatch(text, /번째/);

  // and the same frame always gives the same card, whatever came before
  const views = await page.evaluate(() => {
    const f = { position: 2, eta_s: 95, agents_online: 1, open: true };
    return [BotdChat.queueView(f, 'ko'), BotdChat.queueView(f, 'ko'), BotdChat.queueView(f, 'en')];
  });
  assert.deepEqual(views[0], views[1]);
  assert.deepEqual(views[0], { title: '상담직원 연결 대기 중 · 2번째', lines: ['예상 대기 시간 약 2분'], busy: true });
  assert.deepEqual(views[2].lines, ['Estimated wait about 2 minutes']);
  // the card survives a reload as the last frame left it
  await card({ position: 2, agents_online: 1, open: true });
  await page.evaluate(() => window.botdWidget._chat.save());
  assert.deepEqual(await page.evaluate(() => window.botdWidget._chat.s.queue), { position: 2, agents_online: 1, open: true });
  assert.deepEqual(errors, []);
  await page.close();
});
