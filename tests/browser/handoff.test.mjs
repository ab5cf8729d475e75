// The whole customer journey in real headless Chromium: the widget answers a
// free-cash question from the database, offers a person after two questions
// it cannot answer and hands over when the customer taps it, an agent (a second, separate browser) claims the
// conversation in the console, sees the bot transcript and replies; the
// customer sees the reply with the agent's name; the agent resolves, the
// customer rates, and the rating is stored. A reload in the middle loses
// nothing and duplicates nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBotd, sql, won, NOW } from '../e2e/lib.mjs';
import { launch, artifact, watchErrors, seqs, seoulTime } from './lib.mjs';

let botd, custB, agentB;
before(async () => {
  botd = await startBotd();
  custB = await launch();
  agentB = await launch();
});
after(async () => {
  await custB?.stop();
  await agentB?.stop();
  await botd?.stop();
});

const MEMBER = 1; // 김민준, 민준상회 (account 101)
const OUT_OF_SCOPE = '광고 소재 심사가 반려됐어요';

async function ask(page, text) {
  const before = (await seqs(page)).length;
  await page.getByLabel('보낼 메시지').fill(text);
  await page.keyboard.press('Enter');
  // the customer's bubble is acked (gets a seq) and the bot answers
  await page.waitForFunction((n) => document.querySelectorAll('.botd-log [data-seq]').length >= n + 2, before);
}

test('customer asks, is handed over, an agent claims, replies and resolves, the customer rates', async () => {
  const page = await custB.context.newPage();
  const custErrors = watchErrors(page);
  await page.goto(`${botd.url}/?member=${MEMBER}`);
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  assert.match(await page.locator('.botd-title').innerText(), /상담/);

  // 1. A free-cash question, answered from the database.
  await ask(page, '무상캐시 얼마 남았나요?');
  const grants = sql(botd.db, `SELECT name, remaining, expires_at <= '${NOW.replace('T', ' ').replace('Z', '')}' AS expired
    FROM free_cash_grants WHERE account_id = 101`);
  assert.ok(grants.length >= 2, 'demo data has free cash grants');
  const [{ total }] = sql(botd.db, `SELECT SUM(remaining) AS total FROM free_cash_grants
    WHERE account_id = 101 AND remaining > 0 AND expires_at > '${NOW.replace('T', ' ').replace('Z', '')}'`);
  const answer = await page.locator('.botd-bot').last().innerText();
  assert.ok(answer.includes(won(total)), `answer states the usable total ${won(total)}: ${answer}`);
  // What is left while a grant can be used; once expired, what it left unused.
  for (const g of grants) {
    const line = answer.split('\n').find((l) => l.startsWith(`- ${g.name}:`));
    assert.ok(line, `answer lists grant ${g.name}`);
    if (!g.expired) assert.ok(line.includes(`남은 금액 ${won(g.remaining)}`), `${g.name} remaining ${won(g.remaining)}: ${line}`);
    else assert.ok(!line.includes('남은 금액') && (g.remaining === 0 || line.includes(`${won(g.remaining)}은 쓰지 않은 채 만료`)),
      `${g.name} expired, nothing left: ${line}`);
  }
  // bubbles carry a time in Seoul
  const t = page.locator('.botd-customer time').first();
  assert.equal(await t.innerText(), seoulTime(await t.getAttribute('datetime')));

  // 2. Out of scope once: clarification quick replies, including "agent".
  await ask(page, OUT_OF_SCOPE);
  const chips = page.locator('.botd-quick .botd-chip');
  assert.ok(await chips.count() >= 2, 'quick replies are offered');
  assert.equal(await chips.filter({ hasText: '상담직원 연결' }).count(), 1);

  // An agent logs in to the console (a second browser) and sees an empty queue.
  const console_ = await agentB.context.newPage();
  const agentErrors = watchErrors(console_);
  await console_.goto(`${botd.url}/agent.html`);
  await console_.getByRole('button', { name: /김지수/ }).click();
  await console_.waitForSelector('#conn.online');
  await console_.waitForSelector('#qempty:not([hidden])');
  assert.match(await console_.locator('.bar').innerText(), /김지수/);

  // 3. Out of scope twice: a person is offered (first) and the customer
  // taps it: handed over, queue position and wait shown.
  await ask(page, OUT_OF_SCOPE + ' 왜 그런가요');
  assert.equal(await page.getAttribute('.botd-chat', 'data-state'), 'bot', 'not queued without asking');
  assert.match(await page.locator('.botd-bot').last().innerText(), /상담직원에게 연결해 드릴까요/);
  const offer = chips.first();
  assert.equal(await offer.innerText(), '상담직원 연결');
  const beforeTap = (await seqs(page)).length;
  await offer.click();
  await page.waitForFunction((n) => document.querySelectorAll('.botd-log [data-seq]').length >= n + 2, beforeTap);
  await page.waitForSelector('.botd-queue:not([hidden])');
  const queueText = await page.locator('.botd-queue').innerText();
  assert.match(queueText, /1번째/);
  assert.match(queueText, /예상 대기 시간 약 \d+분/);
  assert.equal(await page.getAttribute('.botd-chat', 'data-state'), 'queued');
  assert.equal(await chips.count(), 0, 'no quick replies while queued');
  await page.screenshot({ path: artifact('widget-queued.png') });

  // 4. Reload while queued: nothing lost, nothing duplicated, still queued.
  const beforeReload = await seqs(page);
  assert.deepEqual(beforeReload, [1, 2, 3, 4, 5, 6, 7, 8]);
  await page.reload();
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  assert.deepEqual(await seqs(page), beforeReload);
  await page.waitForSelector('.botd-queue:not([hidden])');

  // 5. The agent sees the queue with the reason, claims.
  const item = console_.locator('.qitem').first();
  await item.waitFor();
  assert.match(await item.innerText(), /김민준/);
  assert.match(await item.innerText(), /봇이 이해 못함/);
  // the preview is the customer's last message: here the tapped offer
  assert.match(await item.innerText(), /상담직원 연결/);
  assert.match(await item.locator('.wait').innerText(), /\d+초|\d+분/);
  await item.getByRole('button', { name: /가져오기/ }).click();

  // the transcript of the bot conversation, in Seoul time, and the context
  await console_.waitForSelector('.tab[aria-selected="true"]');
  await console_.waitForSelector('#transcript .msg[data-seq="8"]');
  const transcript = await console_.locator('#transcript').innerText();
  assert.ok(transcript.includes('무상캐시 얼마 남았나요?'));
  assert.ok(transcript.includes(won(total)), 'bot answer is in the transcript');
  assert.ok(transcript.includes(OUT_OF_SCOPE + ' 왜 그런가요'));
  assert.equal(await console_.locator('#transcript .msg[data-seq="1"] time').innerText(), seoulTime(NOW));
  const ctx = await console_.locator('#ctx').innerText();
  assert.match(ctx, /김민준/);
  assert.match(ctx, /민준상회/);
  assert.match(ctx, /3015827/);
  assert.equal(await console_.locator('.qitem').count(), 0, 'the claimed conversation left the queue');

  // the customer is told who joined
  await page.waitForSelector('.botd-chat[data-state="agent"]');
  assert.match(await page.locator('.botd-subtitle').innerText(), /김지수/);
  assert.match(await page.locator('.botd-log').innerText(), /김지수 상담직원이 연결되었어요/);

  // 6. An internal note (never shown to the customer) and a reply.
  await console_.getByLabel('메모 내용').fill('소재 심사 반려 사유 확인 필요');
  await console_.getByRole('button', { name: '메모 추가' }).click();
  await console_.waitForSelector('#notes .note');
  const [{ n: notes }] = sql(botd.db, `SELECT COUNT(*) AS n FROM notes`);
  assert.equal(notes, 1);
  await console_.getByLabel('고객에게 보낼 답변').fill('안녕하세요, 김지수입니다. 반려 사유를 확인해 드릴게요.');
  await console_.keyboard.press('Enter');
  await console_.waitForSelector('#transcript .from-agent[data-seq="9"]');

  // the customer sees the reply with the agent's name, and no note
  const agentBubble = page.locator('.botd-agent[data-seq="9"]');
  await agentBubble.waitFor();
  assert.match(await agentBubble.innerText(), /김지수/);
  assert.match(await agentBubble.innerText(), /반려 사유를 확인해 드릴게요/);
  assert.doesNotMatch(await page.locator('.botd-chat').innerText(), /소재 심사 반려 사유 확인 필요/);

  // the customer answers; the agent sees it
  await page.getByLabel('보낼 메시지').fill('네 부탁드려요');
  await page.keyboard.press('Enter');
  await console_.waitForSelector('#transcript .from-customer[data-seq="10"]');

  // 7. Reload while talking to the agent: still nothing lost or duplicated.
  await page.waitForSelector('.botd-customer[data-seq="10"]');
  const mid = await seqs(page);
  assert.deepEqual(mid, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  await page.reload();
  await page.waitForSelector('.botd-chat[data-conn="online"]');
  assert.deepEqual(await seqs(page), mid);
  assert.match(await page.locator('.botd-subtitle').innerText(), /김지수/);
  assert.equal(await page.locator('.botd-system', { hasText: '연결되었어요' }).count(), 1,
    'the join is announced once, not again on resume');
  await page.screenshot({ path: artifact('widget.png') });
  await console_.screenshot({ path: artifact('agent.png') });

  // 8. The agent resolves (and confirms it); the customer is asked for a
  // rating once, by the bot's message and its 1-5 quick replies, and gives 5.
  await console_.getByRole('button', { name: '해결 완료', exact: true }).click();
  await console_.getByRole('dialog').getByRole('button', { name: '해결 완료로 닫기' }).click();
  await console_.waitForSelector('#closed-banner:not([hidden])');
  const star5 = page.getByRole('button', { name: '5점' });
  await star5.waitFor();
  const asked = (await page.locator('.botd-chat').innerText()).match(/만족스러우셨나요/g) || [];
  assert.equal(asked.length, 1, 'the rating is asked once');
  assert.equal(await page.locator('.botd-system', { hasText: '종료' }).count(), 0, 'no extra "ended" line beside the bot\'s');
  assert.equal(await page.locator('.botd-rate .botd-star').count(), 5);
  await page.screenshot({ path: artifact('widget-rating.png') });
  await star5.click();
  await page.waitForFunction(() => !document.querySelector('.botd-rate'));
  let rating;
  for (let i = 0; i < 50 && !rating; i++) {
    [{ rating } = {}] = sql(botd.db, `SELECT rating FROM handoffs WHERE state = 'resolved'`);
    if (!rating) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(rating, 5, 'handoffs.rating stored');
  // the agent sees the rating on the tab
  await console_.waitForSelector('.tab-rated');
  assert.match(await console_.locator('.tab-rated').innerText(), /5/);

  assert.deepEqual(custErrors, []);
  assert.deepEqual(agentErrors, []);
});
