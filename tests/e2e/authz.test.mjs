// Authorisation: every attempt to see or act on what is not yours fails, and
// SQL metacharacters through every slot and value are data, never SQL.
// Who owns what (data/demo.sql): member 1 = account 101 (민준상회, 3015827,
// balance 842,000); member 3 = accounts 103 (지훈테크, 3031006, 310,000) and
// 104 (지훈테크 부산점, 3031187); member 6 left account 107 (지민커머스);
// agents 1-3.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startBotd, token, sql, Client, NOW } from './lib.mjs';

const DEMO_SECRET = 'botd-demo-secret-not-for-production';
const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const nowS = Date.parse(NOW) / 1000;
function jwt(payload, { secret = DEMO_SECRET, alg = 'HS256', header = {} } = {}) {
  const head = b64({ alg, typ: 'JWT', ...header }) + '.' + b64(payload);
  if (alg === 'none') return head + '.';
  const h = alg === 'HS384' ? 'sha384' : alg === 'HS512' ? 'sha512' : 'sha256';
  return head + '.' + createHmac(h, secret).update(head).digest('base64url');
}
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

// Strings from accounts other than 101 that member 1 must never be shown.
const NOT_MEMBER1 = ['지훈테크', '3031006', '3031187', '310,000', '서연뷰티', '3022914', '125,500',
  '유나플라워', '3047730', '도윤스튜디오', '3052291', '지민커머스', '3068402', '하늘푸드', '3071559',
  '1058734521', '123456789', '6028145590', '123456-01-234567', '56802917734415', '27091834562017'];
function assertNothingOf(text, forbidden, typed = '') {
  for (const s of forbidden) {
    if (typed.includes(s)) continue;
    assert.ok(!text.includes(s), `"${s}" must not be shown here:\n${text}`);
  }
}

let botd;
before(async () => { botd = await startBotd({ config: { rate_limit_messages: 1000 } }); });
after(async () => { await botd.stop(); });

async function member(id, b = botd) {
  const c = await Client.connect(`${b.wsUrl}/ws/chat`);
  c.welcome = await c.hello(token('member', id));
  assert.equal(c.welcome.type, 'welcome');
  c.conv = c.welcome.conversation;
  return c;
}
// Every reply of one turn (a turn may send up to three), joined.
async function turn(c, text, value) {
  const id = `t-${Math.random().toString(36).slice(2)}`;
  const f = { type: 'message', id, text };
  if (value !== undefined) f.value = value;
  c.send(f);
  const ack = await c.next((x) => (x.type === 'ack' && x.id === id) || x.type === 'error');
  assert.equal(ack.type, 'ack', `message refused: ${JSON.stringify(ack)}`);
  // A reply, or (when the turn handed the conversation to a human and the
  // bot falls silent) a queued frame.
  const first = await c.next((x) => x.type === 'reply' || x.type === 'queued');
  if (first.type === 'queued') { c.queued = true; return ''; }
  const replies = [first];
  // Collect any further replies of the same turn.
  for (;;) {
    try { replies.push(await c.next((x) => x.type === 'reply' || x.type === 'queued', 80)); } catch { break; }
  }
  if (replies.some((r) => r.type === 'queued')) c.queued = true;
  return replies.filter((r) => r.type === 'reply')
    .map((r) => r.text + '\n' + JSON.stringify(r.quick_replies || [])).join('\n');
}
const convAccount = (conv, b = botd) => sql(b.db, `SELECT account_id FROM conversations WHERE id=${q(conv)}`)[0].account_id;

describe("another member's account", () => {
  test("typing another member's account number or name shows only your own account", async () => {
    const c = await member(1);
    for (const text of ['3031006 계정 무상캐시 알려줘', '지훈테크 충전 내역 보여줘',
      '광고계정 3031187 자동결제 실패했나요?', 'account 3031006 free cash balance',
      '3022914 세금계산서 발행 실패', '3068402 환불계좌']) {
      const out = await turn(c, text);
      assertNothingOf(out, NOT_MEMBER1, text);
      const acc = convAccount(c.conv);
      assert.ok(acc === null || acc === 0 || acc === 101, `conversation account became ${acc}`);
    }
    await c.close();
  });

  test('a forged quick-reply value for an account you do not belong to is refused', async () => {
    const c = await member(1);
    // First a question that asks for an account choice is not needed: the
    // value alone is tried, then after a real question.
    for (const value of ['account:103', 'account:104', 'account:107', 'account:0103', 'account:103 ',
      'account:+103', 'account:-101', 'account:0', 'account:99999999999999999999', 'account:1e2',
      'account:101 OR 1=1', "account:101' OR '1'='1", 'account:101;DROP TABLE messages', 'account:',
      'account:0x67']) {
      const out = await turn(c, '무상캐시 얼마 남았어?', value);
      assertNothingOf(out, NOT_MEMBER1);
      const acc = convAccount(c.conv);
      assert.ok(acc === null || acc === 0 || acc === 101, `${value}: conversation account became ${acc}`);
    }
    await c.close();
  });

  test('a member of two accounts cannot reach a third with a forged value mid-choice', async () => {
    const c = await member(3);
    const first = await turn(c, '무상캐시 얼마 남았어?');
    assert.match(first, /account:103/, 'member 3 is asked to choose an account');
    const out = await turn(c, '민준상회 (3015827)', 'account:101');
    assertNothingOf(out, ['민준상회', '3015827', '842,000', '35,000'], '');
    assert.notEqual(convAccount(c.conv), 101);
    // The real choice still works afterwards.
    const ok = await turn(c, '지훈테크 (3031006)', 'account:103');
    assert.match(ok, /지훈테크/);
    assert.equal(convAccount(c.conv), 103);
    await c.close();
  });

  test('a departed member sees nothing of the account they left', async () => {
    const c = await member(6);
    for (const text of ['무상캐시 얼마 남았어?', '지민커머스 충전 내역', '3068402 환불계좌 알려줘']) {
      const out = await turn(c, text);
      assertNothingOf(out, ['230,000', '123456-01-234567', '6024', '8836'], text);
    }
    const out = await turn(c, '무상캐시', 'account:107');
    assertNothingOf(out, ['230,000', '지민커머스', '3068402']);
    assert.notEqual(convAccount(c.conv), 107);
    await c.close();
  });
});

describe('conversations that are not yours', () => {
  test("resuming another member's conversation id is refused without replaying it", async () => {
    const owner = await member(3);
    await turn(owner, '무상캐시 얼마 남았어?');
    for (const resume of [owner.conv, owner.conv.toUpperCase(), `${owner.conv} `, `${owner.conv}' OR '1'='1`,
      '%', '0'.repeat(32), '']) {
      const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
      const r = await c.hello(token('member', 1), { conversation: resume, after_seq: 0 });
      assert.equal(r.type, 'error', `resume ${JSON.stringify(resume)}: ${JSON.stringify(r)}`);
      assert.ok(['forbidden', 'bad_shape', 'not_found'].includes(r.code), r.code);
      const { code } = await c.closed;
      assert.equal(code, 1008, `resume ${JSON.stringify(resume)} closed with ${code}`);
      assert.equal(c.frames.filter((f) => ['reply', 'echo', 'welcome'].includes(f.type)).length, 0);
    }
    await owner.close();
  });
});

describe('tokens', () => {
  const bad = {
    'expired': () => jwt({ sub: '1', role: 'member', exp: nowS - 1 }),
    'expiring this very second': () => jwt({ sub: '1', role: 'member', exp: nowS }),
    'alg none': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { alg: 'none' }),
    'alg none with a signature': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { alg: 'none' }) + 'c2ln',
    'alg "None"': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { alg: 'None' }).split('.').slice(0, 2).join('.') + '.',
    'HS384': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { alg: 'HS384' }),
    'forged (wrong secret)': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { secret: 'guess' }),
    'forged (empty secret)': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { secret: '' }),
    'payload swapped under a valid signature': () => {
      const [h, , s] = token('member', 1).split('.');
      return `${h}.${b64({ sub: '3', role: 'member', exp: nowS + 600 })}.${s}`;
    },
    'signature truncated': () => token('member', 1).slice(0, -2),
    'role admin': () => jwt({ sub: '1', role: 'admin', exp: nowS + 600 }),
    'sub not a number': () => jwt({ sub: '1 OR 1=1', role: 'member', exp: nowS + 600 }),
    'sub negative': () => jwt({ sub: '-1', role: 'member', exp: nowS + 600 }),
    'exp as a string': () => jwt({ sub: '1', role: 'member', exp: String(nowS + 600) }),
    'no exp': () => jwt({ sub: '1', role: 'member' }),
    'empty': () => '',
    'huge': () => 'a'.repeat(3000) + '.b.c',
  };
  for (const [name, make] of Object.entries(bad)) {
    test(`a ${name} token is refused with unauthorized and 1008`, async () => {
      const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
      const e = await c.hello(make());
      assert.equal(e.type, 'error');
      assert.ok(e.code === 'unauthorized' || (name === 'empty' && e.code === 'bad_shape'), e.code);
      assert.equal((await c.closed).code, 1008);
    });
  }

  test('a customer token on /ws/agent is refused; an agent token on /ws/chat too', async () => {
    const a = await Client.connect(`${botd.wsUrl}/ws/agent`);
    a.send({ type: 'hello', token: token('member', 1) });
    const e = await a.next((f) => f.type === 'welcome' || f.type === 'error');
    assert.equal(e.type, 'error');
    assert.equal(e.code, 'unauthorized');
    assert.equal((await a.closed).code, 1008);
    const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
    const e2 = await c.hello(token('agent', 1));
    assert.equal(e2.code, 'unauthorized');
    assert.equal((await c.closed).code, 1008);
  });

  test('a forged agent token on /ws/agent is refused', async () => {
    const a = await Client.connect(`${botd.wsUrl}/ws/agent`);
    a.send({ type: 'hello', token: jwt({ sub: '1', role: 'agent', exp: nowS + 600 }, { secret: 'x' }) });
    const e = await a.next((f) => f.type === 'welcome' || f.type === 'error');
    assert.equal(e.code, 'unauthorized');
    assert.equal((await a.closed).code, 1008);
  });
});

describe('agents', () => {
  async function agent(id) {
    const a = await Client.connect(`${botd.wsUrl}/ws/agent`);
    a.send({ type: 'hello', token: token('agent', id) });
    a.welcome = await a.next((f) => f.type === 'welcome' || f.type === 'error');
    assert.equal(a.welcome.type, 'welcome', JSON.stringify(a.welcome));
    return a;
  }

  test('an agent cannot act on a conversation another agent owns', async () => {
    const c = await member(2);
    await turn(c, '상담원 연결해 주세요');
    assert.ok(c.queued, 'the request queued the conversation');
    const a1 = await agent(1);
    const a2 = await agent(2);
    a1.send({ type: 'claim', conversation: c.conv });
    assert.equal((await a1.next((f) => f.type === 'claimed' || f.type === 'error')).type, 'claimed');
    const attempts = [
      { type: 'claim', conversation: c.conv },
      { type: 'message', conversation: c.conv, id: 'x1', text: '제가 대신 답할게요' },
      { type: 'note', conversation: c.conv, text: 'sneaky note' },
      { type: 'transfer', conversation: c.conv, to: 2 },
      { type: 'transfer', conversation: c.conv, to: null },
      { type: 'resolve', conversation: c.conv },
      { type: 'typing', conversation: c.conv, on: true },
    ];
    for (const f of attempts) {
      a2.send(f);
      const r = await a2.next((x) => x.type === 'error' || ['ack', 'claimed', 'noted', 'released'].includes(x.type));
      assert.equal(r.type, 'error', `${f.type} by a non-owner: ${JSON.stringify(r)}`);
      assert.ok(['not_owner', 'already_claimed'].includes(r.code), `${f.type}: ${r.code}`);
    }
    // Nothing of it reached the customer or the database.
    const rows = sql(botd.db, `SELECT sender, agent_id, text FROM messages WHERE conversation_id=${q(c.conv)} AND sender='agent'`);
    assert.deepEqual(rows, []);
    assert.equal(sql(botd.db, `SELECT count(*) AS n FROM notes WHERE text='sneaky note'`)[0]?.n ?? 0, 0);
    assert.equal(sql(botd.db, `SELECT state FROM conversations WHERE id=${q(c.conv)}`)[0].state, 'agent');
    assert.ok(!c.frames.some((f) => f.type === 'reply' && /대신/.test(f.text)));
    // Unknown or malformed conversation ids are not_found, never someone's.
    for (const conv of ['0'.repeat(32), `${c.conv}' OR '1'='1`, '%']) {
      a2.send({ type: 'claim', conversation: conv });
      const r = await a2.next((x) => x.type === 'error' || x.type === 'claimed');
      assert.equal(r.type, 'error', JSON.stringify(r));
    }
    a1.send({ type: 'resolve', conversation: c.conv });
    await a1.next('released');
    await a1.close(); await a2.close(); await c.close();
  });
});

describe('origin and KakaoTalk secret', () => {
  test('an Origin not on the allow-list is refused at the handshake, for both endpoints', async () => {
    const b = await startBotd({ config: { origins: ['https://ads.example.com'] } });
    for (const path of ['/ws/chat', '/ws/agent']) {
      for (const origin of ['https://evil.example.net', 'https://ads.example.com.evil.net', 'https://ads.example.co',
        'http://ads.example.com', 'null', 'https://ADS.example.com ']) {
        await assert.rejects(Client.connect(`${b.wsUrl}${path}`, { origin }), `${path} accepted Origin ${origin}`);
      }
    }
    const ok = await Client.connect(`${b.wsUrl}/ws/chat`, { origin: 'https://ads.example.com' });
    assert.equal((await ok.hello(token('member', 1))).type, 'welcome');
    await ok.close();
    await b.stop();
  });

  test('a KakaoTalk request without the shared secret is 401 and changes nothing', async () => {
    const b = await startBotd({ config: { kakao_secret: 'authz-kakao-secret-0123456789' } });
    const body = JSON.stringify({ userRequest: { utterance: '무상캐시 얼마 남았어?', user: { id: 'demo-kakao-user-1', type: 'botUserKey' } } });
    const post = (headers) => fetch(`${b.url}/kakao/skill`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const before = sql(b.db, 'SELECT count(*) AS n FROM messages')[0].n;
    for (const h of [{}, { 'x-botd-skill-secret': '' }, { 'x-botd-skill-secret': 'authz-kakao-secret-012345678' },
      { 'x-botd-skill-secret': 'authz-kakao-secret-01234567890' }, { 'X-Botd-Skill-Secret': 'AUTHZ-KAKAO-SECRET-0123456789' },
      { authorization: 'authz-kakao-secret-0123456789' }]) {
      const r = await post(h);
      const t = await r.text();
      assert.equal(r.status, 401, `header ${JSON.stringify(h)}: ${r.status} ${t}`);
      assert.ok(!t.includes('842,000') && !t.includes('민준상회'));
    }
    assert.equal(sql(b.db, 'SELECT count(*) AS n FROM messages')[0].n, before, 'a refused request stored nothing');
    const ok = await post({ 'x-botd-skill-secret': 'authz-kakao-secret-0123456789' });
    assert.equal(ok.status, 200);
    await b.stop();
  });
});

describe('SQL metacharacters are data', () => {
  const META = ["'; DROP TABLE messages;--", "' OR '1'='1", '"; DELETE FROM members; --', "1); DROP TABLE conversations;--",
    "\\'; SELECT * FROM refund_accounts; --", '%_%', "' UNION SELECT number FROM refund_accounts --"];

  test('through every slot, typed values and quick-reply values; the tables stay intact', async () => {
    const tables = sql(botd.db, "SELECT name FROM sqlite_master WHERE type IN ('table','index','trigger','view') ORDER BY name");
    const counts = () => Object.fromEntries(['members', 'ad_accounts', 'account_members', 'payment_cards',
      'refund_accounts', 'virtual_accounts', 'cash_transactions', 'tax_invoices', 'free_cash_grants', 'kakao_links', 'agents']
      .map((t) => [t, sql(botd.db, `SELECT count(*) AS n FROM ${t}`)[0].n]));
    const before = counts();
    let c = await member(1);
    const convs = [];
    // A conversation handed to a human (two questions not understood) keeps
    // the bot silent: go on in a fresh one.
    const fresh = async () => { if (c.queued) { await c.close(); c = await member(1); } convs.push(c.conv); };
    convs.push(c.conv);
    const texts = [];
    for (const m of META) {
      texts.push(
        `${m} 무상캐시 얼마 남았어?`,
        `2026-10-01${m}..2026-10-31 충전 내역`, // period
        `2026-10-01..2026-10-31${m} 환불 내역`,
        `지난달${m} 충전 내역`,
        `2026년 10월${m} 세금계산서 발행 실패`, // month
        `2026-10${m} 세금계산서 재발행`,
        `카드 끝자리 7712${m} 휴면`, // card_last4
        `끝자리 ${m}7712 카드 자동결제 실패`,
        `${m}`,
      );
    }
    for (const t of texts) {
      await fresh();
      const out = await turn(c, t);
      assertNothingOf(out, NOT_MEMBER1, t);
    }
    for (const m of META) {
      for (const v of [`account:101${m}`, `intent:free_cash_status${m}`, `intent:${m}`, `agent${m}`, m]) {
        await fresh();
        const out = await turn(c, '무상캐시', v);
        assertNothingOf(out, NOT_MEMBER1);
      }
    }
    // Every text arrived verbatim as data.
    const inConvs = `conversation_id IN (${[...new Set(convs)].map(q).join(',')})`;
    for (const t of texts) {
      const n = sql(botd.db, `SELECT count(*) AS n FROM messages WHERE ${inConvs} AND sender='customer' AND text=${q(t)}`)[0].n;
      assert.ok(n >= 1, `stored verbatim: ${t}`);
    }
    await c.close();
    assert.deepEqual(sql(botd.db, "SELECT name FROM sqlite_master WHERE type IN ('table','index','trigger','view') ORDER BY name"), tables);
    assert.deepEqual(counts(), before);
    assert.deepEqual(sql(botd.db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    // The daemon still answers normally.
    const c2 = await member(1);
    assert.match(await turn(c2, '무상캐시 얼마 남았어?'), /민준상회/);
    await c2.close();
  });

  test('through KakaoTalk: utterances and bot user keys', async () => {
    const keys = ['demo-kakao-user-%', 'demo-kakao-user-_', "demo-kakao-user-1' OR '1'='1", 'demo-kakao-user-1;--', '*'];
    for (const key of keys) {
      for (const m of META.slice(0, 3)) {
        const r = await fetch(`${botd.url}/kakao/skill`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userRequest: { utterance: `무상캐시${m}`, user: { id: key, type: 'botUserKey' } } }),
        });
        const t = await r.text();
        assert.ok([200, 400].includes(r.status), `${key}: ${r.status}`);
        // None of these keys is linked: no member's data may come back.
        assertNothingOf(t, ['민준상회', '3015827', '842,000', '35,000', ...NOT_MEMBER1]);
      }
    }
    assert.deepEqual(sql(botd.db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    assert.equal(sql(botd.db, 'SELECT count(*) AS n FROM kakao_links')[0].n, 4);
  });
});
