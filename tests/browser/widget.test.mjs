// The chat widget on its own, in real headless Chromium: a dropped
// connection (botd restarted under it) with a message typed while offline,
// a reload whose cache is gone (full replay from the server), English,
// keyboard and screen-reader basics, the no-agent queue state, and mounting
// with a token the host supplies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBotd, sql } from '../e2e/lib.mjs';
import { launch, watchErrors, seqs, restartBotd, artifact } from './lib.mjs';

let botd, br;
before(async () => {
  botd = await startBotd();
  br = await launch();
});
after(async () => {
  await br?.stop();
  await botd?.stop();
});

async function open(member, query = '') {
  const page = await br.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${botd.url}/?member=${member}${query}`);
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  return { page, errors };
}

async function say(page, text, label = '보낼 메시지') {
  const n = (await seqs(page)).length;
  await page.getByLabel(label).fill(text);
  await page.keyboard.press('Enter');
  await page.waitForFunction((k) => document.querySelectorAll('.botd-log [data-seq]').length >= k + 2, n);
}

test('a dropped connection: offline state, a message typed meanwhile is pending, then sent once', async () => {
  const { page } = await open(2);
  await say(page, '무상캐시 얼마 남았나요?');
  const conv = await page.evaluate(() => window.botdWidget.state().conversation);

  botd = await restartBotd(botd, {
    before: async () => {
      // The server is gone: the widget says so and keeps what is typed.
      await page.waitForSelector('.botd-chat[data-conn="offline"]');
      const banner = page.locator('.botd-banner');
      assert.equal(await banner.isVisible(), true);
      assert.match(await banner.innerText(), /연결이 끊어졌어요/);
      await page.getByLabel('보낼 메시지').fill('자동결제 등록됐나요?');
      await page.keyboard.press('Enter');
      const pending = page.locator('.botd-customer.botd-pending');
      assert.equal(await pending.count(), 1);
      // held, not "sending": nothing can take it while the server is away
      assert.match(await pending.innerText(), /연결되면 보내요/);
      await page.screenshot({ path: artifact('widget-offline.png') });
    },
  });

  // Back: resumed in the same conversation, the pending message acked once
  // and answered once.
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  await page.waitForSelector('.botd-customer[data-seq="3"]');
  await page.waitForSelector('.botd-bot[data-seq="4"]');
  assert.equal(await page.locator('.botd-pending').count(), 0);
  assert.equal(await page.evaluate(() => window.botdWidget.state().conversation), conv);
  assert.deepEqual(await seqs(page), [1, 2, 3, 4]);
  assert.equal(await page.locator('.botd-banner').isVisible(), false);
  const rows = sql(botd.db, `SELECT seq, sender FROM messages WHERE conversation_id = '${conv}' ORDER BY seq`);
  assert.deepEqual(rows.map((r) => r.sender), ['customer', 'bot', 'customer', 'bot']);
  await page.close();
});

test('a reload without the local copy replays the conversation from the server, once', async () => {
  const { page, errors } = await open(3);
  await say(page, '안녕하세요');
  await say(page, '무상캐시 얼마 남았나요?');
  const before = await seqs(page);
  const texts = await page.locator('.botd-log [data-seq]').allInnerTexts();
  // Forget the local transcript but keep the conversation: resume after_seq 0.
  await page.evaluate(() => {
    for (let i = 0; i < sessionStorage.length; i++) {
      const k = sessionStorage.key(i);
      if (!k.startsWith('botd.chat.')) continue;
      const v = JSON.parse(sessionStorage.getItem(k));
      v.msgs = []; v.lastSeq = 0; v.quick = null;
      sessionStorage.setItem(k, JSON.stringify(v));
    }
  });
  await page.reload();
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  await page.waitForFunction((n) => document.querySelectorAll('.botd-log [data-seq]').length >= n, before.length);
  assert.deepEqual(await seqs(page), before);
  const again = await page.locator('.botd-log [data-seq]').allInnerTexts();
  // Same messages (times may differ: see the report on `at` in frames).
  const strip = (a) => a.map((t) => t.replace(/(오전|오후) \d\d:\d\d/g, '').trim());
  assert.deepEqual(strip(again), strip(texts));
  // and the quick replies of the last bot answer come back with the replay
  // (three accounts -> an account choice, or none: whatever the server sent)
  assert.deepEqual(errors, []);
  await page.close();
});

test('English when the page asks; labels, live region and keyboard use', async () => {
  const { page, errors } = await open(1, '&lang=en');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('.botd-title').innerText(), 'Billing support');
  const log = page.getByRole('log');
  assert.equal(await log.getAttribute('aria-live'), 'polite');
  assert.equal(await page.getByRole('button', { name: 'Send' }).count(), 1);
  const input = page.getByLabel('Message to send');
  assert.equal(await input.getAttribute('placeholder'), 'Type a message');

  await say(page, 'blorp the quux', 'Message to send');
  // Keyboard only: Tab from the input reaches nothing in the panel after it
  // but the send button; shift-tab back into the quick replies and press one.
  const chips = page.locator('.botd-quick .botd-chip');
  assert.ok(await chips.count() >= 2);
  await chips.first().focus();
  const label = await chips.first().innerText();
  await page.keyboard.press('Enter');
  await page.waitForFunction((l) => [...document.querySelectorAll('.botd-customer')].some((n) => n.innerText.includes(l)), label);
  // focus goes back to the input so the customer can keep typing
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('botd-input')), true);
  // the bubble announces who spoke to screen readers
  assert.match(await page.locator('.botd-customer .botd-sr').first().textContent(), /You/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('queued with no agent online: the widget says nobody is available and when they return', async () => {
  const { page } = await open(4);
  await say(page, '상담원 연결해 주세요');
  await page.waitForSelector('.botd-queue:not([hidden])');
  const q = await page.locator('.botd-queue').innerText();
  assert.match(q, /1번째/);
  assert.match(q, /지금 연결할 수 있는 상담직원이 없어요/);
  assert.match(q, /부터 순서대로 연결해 드릴게요/);
  await page.close();
});

test('mounted by a host page with its own token (BotdChat.mount)', async () => {
  const page = await br.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${botd.url}/`); // a page that loads widget.js; no member picked
  const token = (await (await fetch(`${botd.url}/demo/token?member=5`)).json()).token;
  await page.evaluate((tok) => {
    const d = document.createElement('div');
    d.id = 'host';
    d.style.height = '500px';
    document.body.appendChild(d);
    window.hosted = BotdChat.mount(d, { token: tok, lang: 'ko' });
  }, token);
  await page.waitForSelector('#host.botd-chat[data-conn="online"]');
  assert.equal(await page.getAttribute('#host', 'data-member'), '정도윤');
  // a bad token: a clear state, no retry loop
  await page.evaluate(() => {
    const d = document.createElement('div');
    d.id = 'bad';
    document.body.appendChild(d);
    BotdChat.mount(d, { token: 'not.a.token' });
  });
  await page.waitForSelector('#bad.botd-chat[data-conn="expired"]');
  assert.match(await page.locator('#bad .botd-banner').innerText(), /로그인이 만료/);
  assert.equal(await page.locator('#bad .botd-input').isDisabled(), true);
  assert.deepEqual(errors.filter((e) => !/WebSocket/.test(e)), []);
  await page.close();
});
