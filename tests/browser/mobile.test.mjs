// Both pages at 390 px wide (a phone): nothing wider than the screen; the
// chat page puts the conversation on the first screen once an advertiser is
// chosen; the console shows one view at a time (queue, conversation,
// customer) with the whole height each, its load "진행 n/m" in the bar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBotd, token, Client } from '../e2e/lib.mjs';
import { launch, watchErrors, seqs, artifact } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
let botd, br;
before(async () => {
  botd = await startBotd();
  br = await launch();
});
after(async () => {
  await br?.stop();
  await botd?.stop();
});

const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const box = (page, sel) => page.locator(sel).boundingBox();
const onScreen = (b) => b && b.y >= 0 && b.y + b.height <= PHONE.height + 1 && b.x >= 0 && b.x + b.width <= PHONE.width + 1;

test('the chat page at 390 px: the chat is on the first screen, the list folds away', async () => {
  const page = await br.context.newPage();
  const errors = watchErrors(page);
  await page.setViewportSize(PHONE);
  await page.goto(`${botd.url}/`);
  await page.waitForSelector('.cast button');
  assert.ok(await noSideways(page));
  await page.getByRole('button', { name: /김민준/ }).click();
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  assert.equal(await page.locator('.cast').isVisible(), false, 'the list folds once someone is chosen');
  assert.match(await page.locator('#picked').innerText(), /김민준 광고주로 상담 중/);
  for (const sel of ['.botd-header', '.botd-composer']) assert.ok(onScreen(await box(page, sel)), `${sel} is on the first screen`);
  await page.getByLabel('보낼 메시지').fill('무상캐시 얼마 남았나요?');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.botd-log [data-seq]').length >= 2);
  assert.ok(await noSideways(page));
  assert.ok(onScreen(await box(page, '.botd-composer')));
  await page.screenshot({ path: artifact('widget-390.png') });
  // the list opens again to change the advertiser, and folds
  await page.getByRole('button', { name: '광고주 바꾸기' }).click();
  assert.equal(await page.locator('.cast').isVisible(), true);
  assert.equal(await page.getByRole('button', { name: '목록 접기' }).getAttribute('aria-expanded'), 'true');
  await page.getByRole('button', { name: '이서연' }).click();
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  assert.equal(await page.locator('.cast').isVisible(), false);
  assert.deepEqual(await seqs(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the console at 390 px: one view at a time, the whole queue, the load in the bar', async () => {
  const customers = [];
  for (const m of [1, 2, 3, 4, 5]) {
    const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
    const w = await c.hello(token('member', m));
    await c.ask('상담원 연결해 주세요', `m${m}`);
    customers.push({ c, conv: w.conversation });
  }
  const page = await br.context.newPage();
  const errors = watchErrors(page);
  await page.setViewportSize(PHONE);
  await page.goto(`${botd.url}/agent.html`);
  await page.getByRole('button', { name: /김지수/ }).click();
  await page.waitForSelector('#conn.online');
  await page.waitForFunction(() => document.querySelectorAll('#qlist .qitem').length >= 5);
  assert.ok(await noSideways(page));
  // the load is in the bar, on screen
  assert.equal(await page.locator('#load').isVisible(), true);
  assert.match(await page.locator('#load').innerText(), /진행 0 \/ 3/);
  assert.ok(onScreen(await box(page, '#load')));
  // the queue view has the height of the screen below the bars, not a short box
  const q = await box(page, '#queue-pane');
  const bars = await box(page, '#mviews');
  assert.ok(q.height >= PHONE.height - (bars.y + bars.height) - 2, `queue pane ${q.height}px tall`);
  assert.equal(await page.locator('#work-pane').isVisible(), false);
  await page.screenshot({ path: artifact('agent-390-queue.png') });

  // claiming opens the conversation view; reply box and actions on screen
  await page.locator('#qlist .qitem').first().getByRole('button', { name: /가져오기/ }).click();
  await page.waitForSelector('#mv-conv[aria-selected="true"]');
  assert.equal(await page.locator('#queue-pane').isVisible(), false);
  for (const sel of ['#reply', '#send', '#resolve', '#transfer-to']) assert.ok(onScreen(await box(page, sel)), `${sel} on screen`);
  assert.match(await page.locator('#load').innerText(), /진행 1 \/ 3/);
  assert.match(await page.locator('#mv-conv').innerText(), /1\/3/);
  assert.ok(await noSideways(page));
  await page.screenshot({ path: artifact('agent-390-conv.png') });

  // the customer view
  await page.getByRole('tab', { name: '고객 정보' }).click();
  assert.equal(await page.locator('#ctx').isVisible(), true);
  assert.equal(await page.locator('#work-pane').isVisible(), false);
  assert.ok(await noSideways(page));
  await page.screenshot({ path: artifact('agent-390-context.png') });
  // and back to the queue: one fewer waiting
  await page.getByRole('tab', { name: /대기열/ }).click();
  assert.equal(await page.locator('#mv-queue-n').innerText(), String(await page.locator('#qlist .qitem').count()));
  assert.deepEqual(errors, []);
  for (const x of customers) await x.c.close();
  await page.close();
});
