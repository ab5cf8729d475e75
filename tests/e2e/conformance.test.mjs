// WebSocket conformance (RFC 6455) probed with raw sockets: every frame a
// browser library would never send, and what the daemon must answer. After
// each probe the daemon must still serve a normal client.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { startBotd, token, Client } from './lib.mjs';

// One client frame. RSV is the 3 reserved bits (4 = RSV1).
function frame({ fin = true, rsv = 0, op = 1, mask = true, payload = Buffer.alloc(0) }) {
  const p = Buffer.from(payload);
  const n = p.length;
  let hdr;
  if (n < 126) { hdr = Buffer.alloc(2); hdr[1] = n; }
  else if (n < 65536) { hdr = Buffer.alloc(4); hdr[1] = 126; hdr.writeUInt16BE(n, 2); }
  else { hdr = Buffer.alloc(10); hdr[1] = 127; hdr.writeBigUInt64BE(BigInt(n), 2); }
  hdr[0] = (fin ? 0x80 : 0) | (rsv << 4) | op;
  if (!mask) return Buffer.concat([hdr, p]);
  hdr[1] |= 0x80;
  const k = randomBytes(4);
  for (let i = 0; i < p.length; i++) p[i] ^= k[i & 3];
  return Buffer.concat([hdr, k, p]);
}
const text = (s) => frame({ payload: Buffer.from(s) });
const closeFrame = (code, reason = Buffer.alloc(0)) => {
  const b = Buffer.alloc(2); b.writeUInt16BE(code);
  return frame({ op: 8, payload: Buffer.concat([b, Buffer.from(reason)]) });
};

// A raw WebSocket connection: records every server frame in order, and
// whether/when the TCP connection ended.
class Raw {
  // EARLY: bytes sent in the same write as the upgrade request.
  static async open(port, path = '/ws/chat', early = Buffer.alloc(0)) {
    const r = new Raw();
    r.sock = net.connect(port, '127.0.0.1');
    r.sock.on('error', () => {});
    r.frames = [];
    r.buf = Buffer.alloc(0);
    r.ended = new Promise((ok) => r.sock.on('close', () => { r.isEnded = true; ok(); }));
    r.waiters = [];
    await new Promise((ok, fail) => { r.sock.once('connect', ok); r.sock.once('error', fail); });
    const upgraded = new Promise((ok, fail) => { r.onHead = ok; r.sock.once('close', () => fail(new Error('closed during handshake'))); });
    r.sock.on('data', (d) => r.data(d));
    r.sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n` + early.toString('latin1'), 'latin1');
    r.head = await upgraded;
    assert.match(r.head, /^HTTP\/1\.1 101 /);
    return r;
  }

  data(d) {
    this.buf = Buffer.concat([this.buf, d]);
    if (this.head === undefined && this.onHead) {
      const i = this.buf.indexOf('\r\n\r\n');
      if (i < 0) return;
      const h = this.buf.subarray(0, i).toString();
      this.buf = this.buf.subarray(i + 4);
      this.head = h;
      this.onHead(h);
    }
    for (;;) {
      if (this.buf.length < 2) break;
      const masked = this.buf[1] & 0x80;
      let n = this.buf[1] & 0x7f, off = 2;
      if (n === 126) { if (this.buf.length < 4) break; n = this.buf.readUInt16BE(2); off = 4; }
      else if (n === 127) { if (this.buf.length < 10) break; n = Number(this.buf.readBigUInt64BE(2)); off = 10; }
      if (this.buf.length < off + n) break;
      const f = { fin: !!(this.buf[0] & 0x80), rsv: (this.buf[0] >> 4) & 7, op: this.buf[0] & 15, masked, payload: this.buf.subarray(off, off + n) };
      if (f.op === 8) f.code = n >= 2 ? f.payload.readUInt16BE(0) : null;
      if (f.op === 1) f.json = JSON.parse(f.payload.toString());
      this.buf = this.buf.subarray(off + n);
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => !w());
    }
  }

  // Resolves with the first frame matching PRED (or null when the TCP
  // connection ends or MS pass first).
  next(pred, ms = 5000) {
    return new Promise((ok) => {
      const check = () => {
        const f = this.frames.find(pred);
        if (f) { clearTimeout(t); ok(f); return true; }
        return false;
      };
      const t = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== check); ok(null); }, ms);
      if (check()) return;
      this.waiters.push(check);
      this.ended.then(() => setTimeout(() => { if (!check()) { clearTimeout(t); ok(null); } }, 20));
    });
  }

  write(b) { this.sock.write(b); }

  async hello(tok) {
    this.write(text(JSON.stringify({ type: 'hello', token: tok })));
    const w = await this.next((f) => f.op === 1 && f.json.type === 'welcome');
    assert.ok(w, 'welcome');
    this.mark = this.frames.length;
  }

  // Frames received after hello().
  since() { return this.frames.slice(this.mark ?? 0); }

  // Waits for the TCP connection to end; answers a server Close with ours,
  // as a client must. Returns true when it ended within MS.
  async endsWithin(ms) {
    if (this.frames.some((f) => f.op === 8)) this.write(closeFrame(1000));
    let t;
    const r = await Promise.race([this.ended.then(() => true), new Promise((ok) => { t = setTimeout(() => ok(false), ms); })]);
    clearTimeout(t);
    this.sock.destroy();
    return r;
  }
}

let botd, tok;
before(async () => {
  botd = await startBotd({ config: { rate_limit_messages: 1000 } });
  tok = token('member', 1);
});
after(async () => { await botd.stop(); });

// The daemon still serves a normal client.
async function stillServes() {
  const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
  assert.equal((await c.hello(tok)).type, 'welcome');
  const { reply } = await c.ask('무상캐시 얼마 남았나요?');
  assert.match(reply.text, /민준상회/);
  await c.close();
}

// Sends FRAMES after a welcome; the first frame back must be a Close with
// one of CODES (null = a Close without a code), nothing may follow the Close,
// and the connection must end.
async function expectClose(frames, codes, { allowDrop = false } = {}) {
  const r = await Raw.open(botd.port);
  await r.hello(tok);
  r.write(Buffer.concat(frames));
  const first = await r.next((f, i) => r.frames.indexOf(f) >= r.mark && (f.op === 8 || f.op === 1 || f.op === 2));
  if (first === null && allowDrop) {
    // RFC 6455 7.1.7: failing the connection SHOULD (not MUST) send a Close.
    assert.ok(await r.endsWithin(3000), 'the connection was failed');
    return null;
  }
  assert.ok(first, `a Close frame (${codes}) was expected; got ${JSON.stringify(r.since().map((f) => f.op))}, ended=${!!r.isEnded}`);
  assert.equal(first.op, 8, `the first frame back is a Close, not ${first.op === 1 ? first.payload : first.op}`);
  assert.ok(codes.includes(first.code), `close code ${first.code}, expected one of ${codes}`);
  // lws stops reading after a protocol error and drops the connection after
  // its 5 s close timeout instead of on our Close: a generous bound.
  assert.ok(await r.endsWithin(10000), 'the connection ends after the close handshake');
  const after = r.frames.slice(r.frames.indexOf(first) + 1).filter((f) => f.op !== 8);
  assert.deepEqual(after.map((f) => f.op), [], 'no frame after the Close (RFC 6455 5.5.1)');
  return first.code;
}

describe('protocol errors close with the RFC 6455 code', () => {
  const ping = '{"type":"ping"}';
  const cases = [
    ['RSV1 set without an extension', [frame({ rsv: 4, payload: ping })], [1002]],
    ['RSV2 set', [frame({ rsv: 2, payload: ping })], [1002]],
    ['RSV3 set on a ping', [frame({ rsv: 1, op: 9, payload: 'x' })], [1002]],
    ['reserved data opcode 0x3', [frame({ op: 3, payload: 'x' })], [1002]],
    ['reserved data opcode 0x7', [frame({ op: 7, payload: 'x' })], [1002]],
    ['reserved control opcode 0xB', [frame({ op: 0xb, payload: 'x' })], [1002]],
    ['reserved control opcode 0xF', [frame({ op: 0xf })], [1002]],
    ['a fragmented ping', [frame({ op: 9, fin: false, payload: 'x' }), frame({ op: 0, payload: 'y' })], [1002]],
    ['a fragmented close', [frame({ op: 8, fin: false, payload: Buffer.from([3, 0xe8]) })], [1002]],
    ['a continuation without a start', [frame({ op: 0, payload: ping })], [1002]],
    ['a new text frame inside a fragmented message', [frame({ fin: false, payload: '{"type":' }), frame({ payload: '"ping"}' })], [1002]],
    ['invalid UTF-8 in one frame', [frame({ payload: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) })], [1007]],
    ['invalid UTF-8 split across fragments', [frame({ fin: false, payload: Buffer.from([0x7b, 0x22, 0xe2]) }), frame({ op: 0, payload: Buffer.from([0x28, 0xa1, 0x22, 0x7d]) })], [1007]],
    ['a UTF-16 surrogate encoded in UTF-8', [frame({ payload: Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]) })], [1007]],
    ['an overlong UTF-8 encoding', [frame({ payload: Buffer.from([0x22, 0xc0, 0xaf, 0x22]) })], [1007]],
    ['a message over 64 KiB in one frame', [frame({ payload: Buffer.alloc(70 * 1024, 0x61) })], [1009]],
    ['a message over 64 KiB in fragments', [frame({ fin: false, payload: Buffer.alloc(40000, 0x61) }), frame({ op: 0, fin: false, payload: Buffer.alloc(40000, 0x61) }), frame({ op: 0, payload: 'x' })], [1009]],
    ['a binary frame', [frame({ op: 2, payload: ping })], [1003]],
    ['close code 1005 (must not be sent)', [closeFrame(1005)], [1002]],
    ['close code 1006 (must not be sent)', [closeFrame(1006)], [1002]],
    ['close code 1015 (must not be sent)', [closeFrame(1015)], [1002]],
    ['close code 999', [closeFrame(999)], [1002]],
    ['close code 1004 (reserved)', [closeFrame(1004)], [1002]],
    ['close code 1016 (unassigned)', [closeFrame(1016)], [1002]],
    ['close code 2999 (reserved)', [closeFrame(2999)], [1002]],
  ];
  for (const [name, frames, codes] of cases) {
    test(name, async () => { await expectClose(frames, codes); });
  }

  test('a ping over 125 bytes fails the connection (1002, or dropped)', async () => {
    const code = await expectClose([frame({ op: 9, payload: Buffer.alloc(126, 0x61) })], [1002], { allowDrop: true });
    assert.ok(code === null || code === 1002);
  });

  test('a close reason that is not UTF-8 fails the connection (1007/1002, or dropped)', async () => {
    const code = await expectClose([closeFrame(1000, Buffer.from([0xff, 0xfe]))], [1007, 1002], { allowDrop: true });
    assert.ok(code === null || code === 1007 || code === 1002);
  });

  test('the daemon still serves after every probe', stillServes);
});

describe('valid close handshakes', () => {
  for (const code of [1000, 1001, 1003, 1007, 1008, 1011, 3000, 3999, 4000, 4999]) {
    test(`close ${code} is answered with a Close and the connection ends`, async () => {
      const got = await expectClose([closeFrame(code, 'bye')], [code, 1000]);
      assert.ok(got === code || got === 1000);
    });
  }
  test('an empty close is answered with an empty close or 1000', async () => {
    await expectClose([frame({ op: 8 })], [null, 1000]);
  });
});

describe('control frames and fragmentation that are valid', () => {
  test('a ping gets a pong with the same payload; server frames are unmasked', async () => {
    const r = await Raw.open(botd.port);
    await r.hello(tok);
    r.write(frame({ op: 9, payload: 'hello-ping' }));
    const pong = await r.next((f) => f.op === 10);
    assert.ok(pong);
    assert.equal(pong.payload.toString(), 'hello-ping');
    assert.ok(r.frames.every((f) => !f.masked && f.rsv === 0), 'no server frame is masked or has RSV bits');
    r.sock.destroy();
  });

  test('a fragmented message with a ping in the middle is reassembled', async () => {
    const r = await Raw.open(botd.port);
    await r.hello(tok);
    r.write(Buffer.concat([frame({ fin: false, payload: '{"type":' }), frame({ op: 9, payload: 'p' }),
      frame({ op: 0, fin: false, payload: '"pi' }), frame({ op: 0, payload: 'ng"}' })]));
    assert.ok(await r.next((f) => f.op === 10), 'pong for the interleaved ping');
    assert.ok(await r.next((f) => f.op === 1 && f.json.type === 'pong'), 'the reassembled {"type":"ping"} answered');
    r.sock.destroy();
  });

  test('a UTF-8 character split across fragments is accepted', async () => {
    const r = await Raw.open(botd.port);
    await r.hello(tok);
    const msg = Buffer.from(JSON.stringify({ type: 'message', id: 'split', text: '무상캐시 얼마 남았나요?' }));
    const cut = msg.indexOf(Buffer.from('무')) + 1; // inside the 3-byte sequence
    r.write(Buffer.concat([frame({ fin: false, payload: msg.subarray(0, cut) }), frame({ op: 0, payload: msg.subarray(cut) })]));
    assert.ok(await r.next((f) => f.op === 1 && f.json.type === 'ack' && f.json.id === 'split'));
    r.sock.destroy();
  });
});

describe('what libwebsockets 4.1 leaves to the daemon', () => {
  // lws 4.1 accepts unmasked client frames (bot/net/wsguard.c fails them) and
  // keeps calling the writeable callback after its own Close (bot/net/ws.c
  // drops the queue when lws starts closing).
  test('an unmasked client frame fails the connection (RFC 6455 5.1: 1002)', async () => {
    await expectClose([frame({ mask: false, payload: '{"type":"ping"}' })], [1002]);
  });

  test('an unmasked frame after valid ones in the same write fails the connection (1002)', async () => {
    await expectClose([text('{"type":"ping"}'), frame({ mask: false, payload: '{"type":"ping"}' })], [1002]);
  });

  test('an unmasked control frame fails the connection (1002)', async () => {
    await expectClose([frame({ op: 9, mask: false, payload: 'p' })], [1002]);
  });

  test('an unmasked frame with a 16-bit length fails the connection (1002)', async () => {
    await expectClose([frame({ mask: false, payload: JSON.stringify({ type: 'message', id: 'u16', text: 'x'.repeat(300) }) })], [1002]);
  });

  test('a 1-byte close payload is a protocol error (1002)', async () => { await expectClose([frame({ op: 8, payload: Buffer.from([3]) })], [1002]); });

  test('close code 5000 is invalid (1002)', async () => { await expectClose([closeFrame(5000)], [1002]); });

  test('no data frame follows the Close when a bad frame arrives with a valid one', async () => {
    // The valid frame's answer (pong/ack/reply) is queued by botd while lws
    // has already sent Close 1002 for the bad one: nothing may come after it.
    const r = await Raw.open(botd.port);
    await r.hello(tok);
    r.write(Buffer.concat([text('{"type":"ping"}'), text('{"type":"message","id":"p1","text":"무상캐시"}'), frame({ rsv: 4, payload: 'x' })]));
    const close = await r.next((f) => f.op === 8);
    assert.ok(close, 'a Close');
    assert.equal(close.code, 1002);
    await new Promise((ok) => setTimeout(ok, 500));
    const after = r.frames.slice(r.frames.indexOf(close) + 1).map((f) => (f.op === 1 ? f.json.type : f.op));
    r.sock.destroy();
    assert.deepEqual(after, [], 'frames sent after the Close');
  });

  test('frames sent with the upgrade request are read as frames (welcome)', async () => {
    const r = await Raw.open(botd.port, '/ws/chat', text(JSON.stringify({ type: 'hello', token: tok })));
    assert.ok(await r.next((f) => f.op === 1 && f.json.type === 'welcome'), 'welcome');
    r.sock.destroy();
  });

  test('an unmasked frame sent with the upgrade request fails the connection (1002)', async () => {
    const r = await Raw.open(botd.port, '/ws/chat', frame({ mask: false, payload: JSON.stringify({ type: 'hello', token: tok }) }));
    const first = await r.next((f) => f.op === 8 || f.op === 1);
    assert.ok(first && first.op === 8 && first.code === 1002, `got ${first ? (first.op === 8 ? `close ${first.code}` : first.payload) : 'nothing'}`);
    assert.ok(await r.endsWithin(10000), 'the connection ends');
  });

  test('the daemon still serves after these', stillServes);
});
