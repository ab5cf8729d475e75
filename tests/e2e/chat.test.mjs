// The customer chat protocol (WS /ws/chat), message by message, with its
// limits. See bot/PROTOCOL.md for the contract these tests hold it to.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { startBotd, token, sql, Client, NOW } from './lib.mjs';

const DEMO_SECRET = 'botd-demo-secret-not-for-production';
const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const nowS = Date.parse(NOW) / 1000;
function jwt(payload, { secret = DEMO_SECRET, alg = 'HS256' } = {}) {
  const head = b64({ alg, typ: 'JWT' }) + '.' + b64(payload);
  if (alg === 'none') return head + '.';
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

let botd;
before(async () => { botd = await startBotd(); });
after(async () => { await botd.stop(); });

const chat = () => Client.connect(`${botd.wsUrl}/ws/chat`);

describe('hello', () => {
  test('a valid token gets a welcome with a new conversation', async () => {
    const c = await chat();
    const w = await c.hello(token('member', 1));
    assert.equal(w.type, 'welcome');
    assert.match(w.conversation, /^[0-9a-f]{32}$/);
    assert.equal(w.seq, 0);
    assert.equal(w.state, 'bot');
    await c.close();
  });

  const bad = {
    'expired': () => jwt({ sub: '1', role: 'member', exp: nowS - 10 }),
    'wrongly signed': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { secret: 'not-the-secret-at-all' }),
    'alg none': () => jwt({ sub: '1', role: 'member', exp: nowS + 600 }, { alg: 'none' }),
    'malformed': () => 'not.a.jwt!',
    'HS512 with the right secret': () => {
      const head = b64({ alg: 'HS512', typ: 'JWT' }) + '.' + b64({ sub: '1', role: 'member', exp: nowS + 600 });
      return head + '.' + createHmac('sha512', DEMO_SECRET).update(head).digest('base64url');
    },
    'an agent token': () => token('agent', 1),
    'no subject': () => jwt({ role: 'member', exp: nowS + 600 }),
  };
  for (const [name, make] of Object.entries(bad)) {
    test(`a ${name} token is refused and the connection closed with 1008`, async () => {
      const c = await chat();
      const e = await c.hello(make());
      assert.equal(e.type, 'error');
      assert.equal(e.code, 'unauthorized');
      assert.equal((await c.closed).code, 1008);
    });
  }

  test('a message before hello is refused and the connection closed', async () => {
    const c = await chat();
    c.send({ type: 'message', id: 'a', text: '안녕하세요' });
    const e = await c.next('error');
    assert.equal(e.code, 'hello_required');
    assert.equal((await c.closed).code, 1008);
  });

  test('no hello within the deadline closes the connection', async () => {
    const b = await startBotd({ config: { hello_timeout_s: 1 } });
    const c = await Client.connect(`${b.wsUrl}/ws/chat`);
    const t0 = Date.now();
    await c.closed;
    assert.ok(Date.now() - t0 < 4000);
    await b.stop();
  });
});

describe('messages', () => {
  test('ack comes after the commit and before the reply; both stored', async () => {
    const c = await chat();
    const w = await c.hello(token('member', 2));
    c.send({ type: 'message', id: 'q1', text: '무상캐시 얼마 남았나요?' });
    const first = await c.next(() => true);
    assert.match(first.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    delete first.at;
    assert.deepEqual(first, { type: 'ack', id: 'q1', seq: 1 });
    const reply = await c.next('reply');
    assert.equal(reply.seq, 2);
    assert.equal(reply.from, 'bot');
    assert.equal(reply.intent, 'free_cash_status');
    assert.ok(Array.isArray(reply.quick_replies));
    const rows = sql(botd.db, `SELECT seq, sender, client_id FROM messages WHERE conversation_id='${w.conversation}' ORDER BY seq`);
    assert.deepEqual(rows, [{ seq: 1, sender: 'customer', client_id: 'q1' }, { seq: 2, sender: 'bot', client_id: null }]);
    await c.close();
  });

  test('an ack waits until its batch is synced to disk', async () => {
    // The syncer sleeps 400 ms before each fdatasync: no ack, reply or
    // welcome of a write may arrive sooner than that after its message.
    const slow = await startBotd({ env: { BOTD_TEST_SYNC_DELAY_MS: '400' } });
    try {
      const c = await Client.connect(`${slow.wsUrl}/ws/chat`, { headers: { Origin: slow.url } });
      let t = Date.now();
      await c.hello(token('member', 2));
      assert.ok(Date.now() - t >= 400, `welcome after ${Date.now() - t} ms`);
      t = Date.now();
      c.send({ type: 'message', id: 's1', text: '무상캐시 얼마 남았나요?' });
      const ack = await c.next('ack');
      const waited = Date.now() - t;
      assert.ok(waited >= 400, `ack after ${waited} ms, before the sync`);
      assert.equal(ack.id, 's1');
      assert.equal((await c.next('reply')).seq, 2);
      await c.close();
    } finally {
      await slow.stop();
    }
  });

  test('a retried client id is acknowledged again and answered once', async () => {
    const c = await chat();
    const w = await c.hello(token('member', 1));
    const { ack } = await c.ask('무상캐시 확인', 'same-id');
    c.send({ type: 'message', id: 'same-id', text: '무상캐시 확인' });
    const again = await c.next((f) => f.type === 'ack');
    assert.equal(again.seq, ack.seq);
    // The next message is answered normally; no second reply for the retry.
    const next = await c.ask('안녕하세요', 'other-id');
    assert.equal(next.ack.seq, ack.seq + 2);
    assert.equal(c.frames.filter((f) => f.type === 'reply').length, 0);
    const n = sql(botd.db, `SELECT COUNT(*) AS n FROM messages WHERE conversation_id='${w.conversation}'`)[0].n;
    assert.equal(n, 4);
    await c.close();
  });

  test('typing is accepted silently; ping gets pong', async () => {
    const c = await chat();
    await c.hello(token('member', 1));
    c.send({ type: 'typing', on: true });
    c.send({ type: 'ping' });
    assert.equal((await c.next(() => true)).type, 'pong');
    await c.close();
  });

  const refusals = [
    ['bad JSON', '{"type":"message",', 'bad_json'],
    ['a non-object', '[1,2,3]', 'bad_shape'],
    ['a missing text', { type: 'message', id: 'x' }, 'bad_shape'],
    ['an extra key', { type: 'message', id: 'x', text: 'hi', admin: true }, 'bad_shape'],
    ['a number as text', { type: 'message', id: 'x', text: 42 }, 'bad_shape'],
    ['an empty text', { type: 'message', id: 'x', text: '   ' }, 'bad_shape'],
    ['a long id', { type: 'message', id: 'x'.repeat(65), text: 'hi' }, 'bad_shape'],
    ['an unknown type', { type: 'launch_missiles' }, 'unknown_type'],
    ['typing without on', { type: 'typing' }, 'bad_shape'],
    ['a second hello', { type: 'hello', token: 'x' }, 'bad_shape'],
  ];
  for (const [name, frame, code] of refusals) {
    test(`${name} gets a ${code} error and the connection stays`, async () => {
      const c = await chat();
      await c.hello(token('member', 1));
      c.send(frame);
      const e = await c.next('error');
      assert.equal(e.code, code);
      assert.ok(e.message.length > 0);
      const { ack } = await c.ask('안녕하세요');
      assert.equal(ack.type, 'ack');
      await c.close();
    });
  }
});

describe('resume', () => {
  test('a dropped connection resumes and replays everything after after_seq in order', async () => {
    const tok = token('member', 1);
    let c = await chat();
    const w = await c.hello(tok);
    await c.ask('무상캐시 얼마 남았나요?', 'r1');
    await c.ask('충전 내역 보여줘', 'r2');
    c.ws.terminate();
    c = await chat();
    const w2 = await c.hello(tok, { conversation: w.conversation, after_seq: 1 });
    assert.equal(w2.conversation, w.conversation);
    assert.equal(w2.seq, 4);
    const seqs = [];
    for (let i = 0; i < 3; i++) seqs.push(await c.next((f) => f.replay));
    assert.deepEqual(seqs.map((f) => f.seq), [2, 3, 4]);
    assert.deepEqual(seqs.map((f) => f.type), ['reply', 'echo', 'reply']);
    assert.equal(seqs[1].id, 'r2');
    // A retry of a message sent before the drop is not answered twice.
    c.send({ type: 'message', id: 'r2', text: '충전 내역 보여줘' });
    assert.equal((await c.next('ack')).seq, 3);
    const { ack } = await c.ask('고마워요', 'r3');
    assert.equal(ack.seq, 5);
    await c.close();
  });

  test('a long history replays completely through the bounded queue', async () => {
    const b = await startBotd({ config: { outbound_queue_max: 4, rate_limit_messages: 1000 } });
    const tok = token('member', 2);
    let c = await Client.connect(`${b.wsUrl}/ws/chat`);
    const w = await c.hello(tok);
    for (let i = 0; i < 15; i++) {
      c.send({ type: 'message', id: `h${i}`, text: '안녕하세요' });
      await c.next((f) => f.type === 'ack' && f.id === `h${i}`);
      await c.next('reply');
    }
    await c.close();
    c = await Client.connect(`${b.wsUrl}/ws/chat`);
    await c.hello(tok, { conversation: w.conversation, after_seq: 0 });
    const got = [];
    for (let i = 0; i < 30; i++) got.push((await c.next((f) => f.replay)).seq);
    assert.deepEqual(got, Array.from({ length: 30 }, (_, i) => i + 1));
    await c.close();
    await b.stop();
  });

  test("resuming another member's conversation is refused", async () => {
    const c1 = await chat();
    const w = await c1.hello(token('member', 1));
    await c1.ask('무상캐시 얼마 남았나요?');
    const c2 = await chat();
    const e = await c2.hello(token('member', 2), { conversation: w.conversation, after_seq: 0 });
    assert.equal(e.type, 'error');
    assert.equal(e.code, 'forbidden');
    assert.equal((await c2.closed).code, 1008);
    assert.equal(c2.frames.filter((f) => f.type === 'reply' || f.type === 'echo').length, 0);
    await c1.close();
  });

  test('nothing acknowledged is lost across kill -9 and restart', async () => {
    const b = await startBotd({ config: { rate_limit_messages: 1000 } });
    const tok = token('member', 1);
    const c = await Client.connect(`${b.wsUrl}/ws/chat`);
    const w = await c.hello(tok);
    const acked = [];
    c.ws.on('message', (d) => { const f = JSON.parse(d); if (f.type === 'ack') acked.push(f); });
    for (let i = 0; i < 40; i++) c.send({ type: 'message', id: `k${i}`, text: `무상캐시 ${i}` });
    // Kill while the batch is flowing: after the first acks (slow builds,
    // e.g. under ASan, take longer to get there).
    for (let i = 0; i < 500 && acked.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    b.proc.kill('SIGKILL');
    await b.exited;
    const b2 = await startBotd({ dir: b.dir, config: { rate_limit_messages: 1000 } });
    assert.ok(acked.length > 0, 'some messages were acknowledged before the kill');
    const stored = new Map(sql(b2.db, `SELECT client_id, seq FROM messages WHERE conversation_id='${w.conversation}' AND sender='customer'`).map((r) => [r.client_id, r.seq]));
    for (const a of acked) assert.equal(stored.get(a.id), a.seq, `acked ${a.id} stored at ${a.seq}`);
    assert.deepEqual(sql(b2.db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    const c2 = await Client.connect(`${b2.wsUrl}/ws/chat`);
    const w2 = await c2.hello(tok, { conversation: w.conversation, after_seq: 0 });
    assert.ok(w2.seq >= acked[acked.length - 1].seq);
    await c2.close();
    await b2.stop();
  });
});

describe('limits', () => {
  test('a message over 64 KiB is closed with 1009', async () => {
    const c = await chat();
    await c.hello(token('member', 1));
    c.send({ type: 'message', id: 'big', text: 'a'.repeat(70 * 1024) });
    assert.equal((await c.closed).code, 1009);
  });

  test('invalid UTF-8 is closed with 1007', async () => {
    const c = await chat();
    await c.hello(token('member', 1));
    c.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    assert.equal((await c.closed).code, 1007);
  });

  test('the rate limit answers rate_limited without disconnecting', async () => {
    const c = await chat();
    await c.hello(token('member', 1));
    for (let i = 0; i < 12; i++) c.send({ type: 'message', id: `rl${i}`, text: '안녕하세요' });
    const e = await c.next('error');
    assert.equal(e.code, 'rate_limited');
    let acks = 0;
    for (let i = 0; i < 10; i++) { await c.next('ack'); acks++; }
    assert.equal(acks, 10);
    c.send({ type: 'ping' });
    assert.ok(await c.next('pong'));
    await c.close();
  });

  test('an Origin not on the allow-list is refused at the handshake', async () => {
    const b = await startBotd({ config: { origins: ['https://ads.example.com'] } });
    await assert.rejects(Client.connect(`${b.wsUrl}/ws/chat`, { origin: 'https://evil.example.net' }));
    const ok = await Client.connect(`${b.wsUrl}/ws/chat`, { origin: 'https://ads.example.com' });
    assert.equal((await ok.hello(token('member', 1))).type, 'welcome');
    await ok.close();
    await b.stop();
  });

  test('without an allow-list only the same origin is accepted', async () => {
    await assert.rejects(Client.connect(`${botd.wsUrl}/ws/chat`, { origin: 'https://evil.example.net' }));
    const ok = await Client.connect(`${botd.wsUrl}/ws/chat`, { origin: botd.url });
    await ok.close();
  });

  test('the connection cap refuses clearly with server_full and 1013', async () => {
    const b = await startBotd({ config: { max_connections: 2 } });
    const a1 = await Client.connect(`${b.wsUrl}/ws/chat`);
    const a2 = await Client.connect(`${b.wsUrl}/ws/chat`);
    const a3 = await Client.connect(`${b.wsUrl}/ws/chat`);
    const e = await a3.next('error');
    assert.equal(e.code, 'server_full');
    assert.equal((await a3.closed).code, 1013);
    await a1.close(); await a2.close();
    await b.stop();
  });

  test('a client that stops reading is closed; the server keeps serving', async () => {
    // hello_timeout_s also bounds how long a stalled client is kept.
    const b = await startBotd({ config: { rate_limit_messages: 1000000, outbound_queue_max: 8, hello_timeout_s: 1 } });
    const c = await Client.connect(`${b.wsUrl}/ws/chat`);
    await c.hello(token('member', 1));
    c.ws._socket.pause();
    let closedByServer = false;
    c.ws._socket.on('close', () => { closedByServer = true; });
    const text = '무상캐시 얼마 남았나요? '.repeat(20);
    for (let i = 0; i < 20000 && !closedByServer; i++) {
      c.send({ type: 'message', id: `s${i}`, text });
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    // Generous: the kernel buffers between us fill first (slowly under ASan).
    for (let i = 0; i < 600 && !closedByServer; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(closedByServer, 'the server closed the non-reading client');
    const other = await Client.connect(`${b.wsUrl}/ws/chat`);
    await other.hello(token('member', 2));
    assert.equal((await other.ask('안녕하세요')).ack.type, 'ack');
    await other.close();
    await b.stop();
  });

  test('a dead peer is pinged and hung up', async () => {
    const b = await startBotd({ config: { ping_interval_s: 1, hangup_s: 2 } });
    // A raw socket completes the handshake and then never answers a ping.
    const sock = net.connect(b.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    sock.resume(); // read (and drop) what comes, so 'close' can fire
    sock.write('GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    const t0 = Date.now();
    await new Promise((r) => sock.on('close', r));
    const took = Date.now() - t0;
    assert.ok(took < 6000, `hung up after ${took} ms`);
    await b.stop();
  });

  test('ten clients at once each get only their own replies', async () => {
    const members = [1, 2, 3, 4, 5, 7, 9, 10, 11, 1];
    const clients = await Promise.all(members.map(() => chat()));
    const welcomes = await Promise.all(clients.map((c, i) => c.hello(token('member', members[i]))));
    const results = await Promise.all(clients.map((c, i) => c.ask('무상캐시 얼마 남았나요?', `ten-${i}`)));
    for (let i = 0; i < clients.length; i++) {
      const conv = welcomes[i].conversation;
      const stored = sql(botd.db, `SELECT text FROM messages WHERE conversation_id='${conv}' AND seq=${results[i].reply.seq}`);
      assert.equal(stored.length, 1);
      assert.equal(stored[0].text, results[i].reply.text);
      assert.equal(results[i].ack.id, `ten-${i}`);
    }
    assert.equal(new Set(welcomes.map((w) => w.conversation)).size, 10);
    await Promise.all(clients.map((c) => c.close()));
  });
});
