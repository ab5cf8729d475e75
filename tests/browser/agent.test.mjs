// The agent console in real headless Chromium, with customers on the
// protocol: the live queue (reasons, intents, ticking waits), two
// conversations at once as tabs with unread markers, the context panel with
// the attached records, customer typing, a console reload that gets its
// conversations back, transfer to another agent and back to the queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBotd, token, sql, Client, won } from '../e2e/lib.mjs';
import { launch, watchErrors, artifact } from './lib.mjs';

let botd, br;
before(async () => {
  botd = await startBotd();
  br = await launch();
});
after(async () => {
  await br?.stop();
  await botd?.stop();
});

async function agentPage(name) {
  const page = await br.context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${botd.url}/agent.html`);
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await page.waitForSelector('#conn.online');
  return { page, errors };
}

async function customer(member) {
  const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
  const w = await c.hello(token('member', member));
  return { c, conv: w.conversation };
}

test('queue, tabs, unread, context, typing, reload, transfer', async () => {
  const a1 = await agentPage('김지수');
  const a2 = await agentPage('이도현');

  // Customer A (박지훈): asks for a tax invoice reissue, gets the FAQ's route
  // and the offer of an agent, and takes it.
  const A = await customer(3);
  await A.c.ask('세금계산서 재발행 해주세요', 'a1');
  const { reply: offer } = await A.c.ask('지훈테크 (3031006)', 'a2', { value: 'account:103' });
  assert.ok(offer.quick_replies.some((q) => q.value === 'agent'), 'the agent is offered');
  await A.c.ask('상담직원 연결', 'a3', { value: 'agent' });
  await A.c.next('queued');
  // Customer B (최유나) asks for a person outright.
  const B = await customer(4);
  await B.c.ask('상담원 연결해 주세요', 'b1');
  await B.c.next('queued');

  // The live queue, in order, with reasons, intents and ticking waits.
  const p = a1.page;
  await p.waitForFunction(() => document.querySelectorAll('#qlist .qitem').length === 2);
  assert.equal(await p.locator('#queue-count').innerText(), '2');
  const items = p.locator('#qlist .qitem');
  assert.match(await items.nth(0).innerText(), /박지훈/);
  assert.match(await items.nth(0).innerText(), /고객이 상담 요청/);
  assert.match(await items.nth(1).innerText(), /최유나/);
  assert.match(await items.nth(1).innerText(), /고객이 상담 요청/);
  const w0 = await items.nth(0).locator('.wait').innerText();
  await p.waitForTimeout(2100);
  const w1 = await items.nth(0).locator('.wait').innerText();
  assert.notEqual(w1, w0, `waiting time ticks (${w0} -> ${w1})`);
  assert.match(await p.locator('#online').innerText(), /2명/);

  // Claim both: two tabs, the latest active.
  await items.nth(0).getByRole('button', { name: /가져오기/ }).click();
  await p.waitForSelector('#tab-' + A.conv);
  await p.locator('#qlist .qitem').first().getByRole('button', { name: /가져오기/ }).click();
  await p.waitForSelector('#tab-' + B.conv + '[aria-selected="true"]');
  assert.equal(await p.locator('.tab').count(), 2);
  assert.match(await p.locator('#load').innerText(), /2 \/ 3/);
  await A.c.next('agent_joined');
  assert.equal((await B.c.next('agent_joined')).name, '김지수');

  // A writes while B's tab is open: A's tab gets an unread marker.
  A.c.send({ type: 'message', id: 'a4', text: '10월분 세금계산서요' });
  await p.waitForSelector(`#tab-${A.conv} .unread`);
  assert.equal(await p.locator(`#tab-${A.conv} .unread`).innerText(), '1');
  assert.match(await p.title(), /^\(1\)/);
  await p.locator('#tab-' + A.conv).click();
  assert.equal(await p.locator(`#tab-${A.conv} .unread`).count(), 0);
  assert.match(await p.locator('#transcript').innerText(), /10월분 세금계산서요/);

  // The context panel: member and the chosen account; the transcript holds
  // what the bot told the customer (the invoice that failed and why).
  const ctx = p.locator('#ctx');
  assert.match(await ctx.innerText(), /박지훈/);
  assert.match(await ctx.innerText(), /지훈테크/);
  assert.match(await ctx.innerText(), /3031006/);
  const [{ cash }] = sql(botd.db, `SELECT cash_balance AS cash FROM ad_accounts WHERE id = 103`);
  assert.match(await ctx.innerText(), new RegExp(won(cash)));
  const [inv] = sql(botd.db, `SELECT amount, business_reg_no AS reg FROM tax_invoices
    WHERE account_id = 103 AND status = 'failed' AND month = '2026-10'`);
  const told = await p.locator('#transcript .from-bot').nth(1).innerText();
  assert.match(told, new RegExp(won(inv.amount)));
  assert.match(told, new RegExp(`${inv.reg}.*${inv.reg.length}자리`));
  assert.match(told, /카카오비즈니스' 카카오톡 상담톡/);
  // the bot transcript, with the intent the bot recognised
  assert.match(await p.locator('#transcript .from-bot').first().innerText(), /세금계산서 수정발행/);

  // Customer typing shows, and goes away on its own.
  A.c.send({ type: 'typing', on: true });
  await p.waitForSelector('#typing:not([hidden])');
  assert.match(await p.locator('#typing').innerText(), /입력하고 있어요/);
  await p.screenshot({ path: artifact('agent-tabs.png') });
  await p.waitForSelector('#typing', { state: 'hidden', timeout: 8000 });

  // A reload of the console gets both conversations back from the server.
  await p.reload();
  await p.waitForSelector('#conn.online');
  await p.waitForFunction(() => document.querySelectorAll('.tab').length === 2);
  await p.locator('#tab-' + A.conv).click();
  assert.match(await p.locator('#transcript').innerText(), /10월분 세금계산서요/);

  // Transfer B to the other agent: it leaves this console, lands in theirs.
  await p.locator('#tab-' + B.conv).click();
  await p.selectOption('#transfer-to', { label: '이도현에게' });
  await p.getByRole('button', { name: '넘기기' }).click();
  await p.waitForSelector(`#tab-${B.conv}.closed`);
  assert.match(await p.locator('#closed-banner').innerText(), /넘긴 상담/);
  assert.equal(await p.locator('#composer').isVisible(), false);
  const q = a2.page;
  await q.waitForSelector('#tab-' + B.conv);
  assert.match(await q.locator('#transcript').innerText(), /상담원 연결해 주세요/);
  assert.equal((await B.c.next('agent_joined')).name, '이도현');

  // Transfer A back to the queue: it shows up in the other console's queue.
  await p.locator('#tab-' + A.conv).click();
  await p.selectOption('#transfer-to', 'queue');
  await p.getByRole('button', { name: '넘기기' }).click();
  await p.waitForSelector(`#tab-${A.conv}.closed`);
  await q.waitForFunction((c) => !!document.querySelector(`#qlist .qitem[data-conv="${c}"]`), A.conv);

  // A closed tab can be closed; focus stays in the console.
  await p.getByRole('button', { name: /탭 닫기: 박지훈/ }).click();
  assert.equal(await p.locator('#tab-' + A.conv).count(), 0);

  assert.deepEqual(a1.errors, []);
  assert.deepEqual(a2.errors, []);
  await A.c.close();
  await B.c.close();
});

test('the queue follows other agents live: a claim elsewhere removes the item', async () => {
  const a = await agentPage('김지수');
  const C = await customer(5);
  await C.c.ask('상담원 연결해 주세요', 'c1');
  await a.page.waitForSelector(`#qlist .qitem[data-conv="${C.conv}"]`);
  const waiting = await a.page.locator('#queue-count').innerText();
  assert.ok(a.page.title().then, 'title is read below');
  assert.ok((await a.page.title()).startsWith(`[${waiting}] `), 'the waiting count is in the title');
  const other = await Client.connect(`${botd.wsUrl}/ws/agent`);
  other.send({ type: 'hello', token: token('agent', 2) });
  await other.next('welcome');
  other.send({ type: 'claim', conversation: C.conv });
  await other.next('claimed');
  await a.page.waitForSelector(`#qlist .qitem[data-conv="${C.conv}"]`, { state: 'detached' });
  assert.equal(await a.page.locator('#queue-count').innerText(), String(Number(waiting) - 1));
  assert.deepEqual(a.errors, []);
  await other.close();
  await C.c.close();
});
