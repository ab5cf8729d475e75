// Hostile clients: random bytes, oversized headers, handshakes that never
// finish, and path traversal against the static file server. The daemon
// must refuse each clearly, never serve a file outside its www directory,
// and keep serving everyone else.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBotd, token, Client, ROOT } from './lib.mjs';

let botd;
before(async () => { botd = await startBotd({ config: { rate_limit_messages: 1000 } }); });
after(async () => { await botd.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Sends RAW bytes on a fresh connection; resolves with everything the server
// answered once it closes or MS pass. Never throws on resets.
function rawExchange(port, raw, ms = 3000) {
  return new Promise((ok) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(t);
      s.destroy();
      ok({ data: Buffer.concat(chunks), how });
    };
    const t = setTimeout(() => finish('timeout'), ms);
    s.on('connect', () => s.write(raw));
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => finish('error'));
    s.on('close', () => finish('closed'));
  });
}

function get(path, extra = '') {
  return rawExchange(botd.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`);
}

async function stillServes(b = botd) {
  const r = await fetch(`${b.url}/healthz`);
  assert.equal(r.status, 200);
  const c = await Client.connect(`${b.wsUrl}/ws/chat`);
  assert.equal((await c.hello(token('member', 1))).type, 'welcome');
  const { reply } = await c.ask('무상캐시 얼마 남았나요?');
  assert.match(reply.text, /민준상회/);
  await c.close();
}

describe('garbage', () => {
  test('random bytes instead of HTTP are refused or dropped', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      rawExchange(botd.port, randomBytes(64 + i * 97), 2000)));
    for (const r of results) {
      const text = r.data.toString('latin1');
      assert.ok(r.data.length === 0 || /^HTTP\/1\.[01] 4\d\d/.test(text), `answer to garbage: ${text.slice(0, 80)}`);
    }
    await stillServes();
  });

  test('random bytes after a WebSocket upgrade close that connection only', async () => {
    const others = await Client.connect(`${botd.wsUrl}/ws/chat`);
    await others.hello(token('member', 2));
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(16).toString('base64');
      await rawExchange(botd.port, Buffer.concat([
        Buffer.from(`GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
        randomBytes(200 + i * 50)]), 300);
    }
    const { ack } = await others.ask('안녕하세요');
    assert.equal(ack.type, 'ack');
    await others.close();
    await stillServes();
  });

  test('HTTP request smuggling shapes and bad request lines are refused', async () => {
    const reqs = [
      'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: a\r\n\r\n',
      'GET\r\n\r\n',
      `${'A'.repeat(5000)} / HTTP/1.1\r\n\r\n`,
      'POST /kakao/skill HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n',
      'POST /kakao/skill HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n{}',
      'POST /kakao/skill HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\n\r\n{"userRequest":',
      'GET /ws/chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n',
    ];
    for (const r of reqs) {
      const { data } = await rawExchange(botd.port, r, 3000);
      const text = data.toString('latin1');
      assert.ok(!/^HTTP\/1\.[01] 5\d\d/.test(text), `server error for ${JSON.stringify(r.slice(0, 60))}: ${text.slice(0, 100)}`);
      assert.ok(!/^HTTP\/1\.[01] 101/.test(text), `upgraded a bad handshake: ${JSON.stringify(r.slice(0, 60))}`);
    }
    await stillServes();
  });
});

describe('handshake checks lws 4.1 does not make (net/ws.c makes them)', () => {
  // RFC 6455 4.2.1/4.2.2: a missing or unsupported Sec-WebSocket-Version is
  // 400/426, a Sec-WebSocket-Key that is not 16 base64-encoded bytes is 400.
  const bad = {
    'an unsupported Sec-WebSocket-Version (99)': 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n',
    'no Sec-WebSocket-Version': 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
    'a Sec-WebSocket-Key that is not 16 bytes': 'Sec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n',
  };
  for (const [name, hdrs] of Object.entries(bad)) {
    test(`${name} is not upgraded`, async () => {
      const { data } = await rawExchange(botd.port,
        `GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${hdrs}\r\n`, 1000);
      assert.ok(!/^HTTP\/1\.1 101/.test(data.toString('latin1')), data.toString('latin1').slice(0, 60));
    });
  }
});

describe('oversized headers', () => {
  test('one huge header line, many headers, a huge URL: refused, daemon serves', async () => {
    const cases = [
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(256 * 1024)}\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${'v'.repeat(40)}\r\n`).join('')}\r\n`,
      `GET /${'a'.repeat(128 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      `GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nCookie: ${'c'.repeat(100 * 1024)}\r\n\r\n`,
    ];
    for (const raw of cases) {
      const { data } = await rawExchange(botd.port, raw, 5000);
      const text = data.toString('latin1');
      assert.ok(data.length === 0 || /^HTTP\/1\.[01] (4\d\d)/.test(text), `answer: ${text.slice(0, 100)}`);
    }
    await stillServes();
  });
});

describe('slow handshakes', () => {
  test('60 handshakes that never finish do not stop other clients', async () => {
    const socks = [];
    for (let i = 0; i < 60; i++) {
      const s = net.connect(botd.port, '127.0.0.1');
      s.on('error', () => {});
      s.closedAt = null;
      s.on('close', () => { s.closedAt = Date.now(); });
      s.on('connect', () => s.write(i % 3 === 0 ? 'GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n'
        : i % 3 === 1 ? 'G' : `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `));
      socks.push(s);
    }
    await sleep(300);
    // Trickle a byte now and then on a third of them, like slowloris.
    const trickle = setInterval(() => { for (const s of socks.slice(0, 20)) if (!s.closedAt) s.write('a'); }, 200);
    try {
      const t0 = Date.now();
      await stillServes();
      assert.ok(Date.now() - t0 < 5000, `a normal client took ${Date.now() - t0} ms next to slow handshakes`);
      // Meanwhile the web chat keeps answering several clients at once.
      const cs = await Promise.all([1, 2, 3].map(async (m) => {
        const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
        await c.hello(token('member', m));
        return c;
      }));
      await Promise.all(cs.map((c) => c.ask('안녕하세요')));
      for (const c of cs) await c.close();
    } finally {
      clearInterval(trickle);
    }
    // Idle half-open handshakes are eventually timed out by the server.
    const deadline = Date.now() + 30000;
    const idle = socks.slice(20);
    while (Date.now() < deadline && idle.some((s) => !s.closedAt)) await sleep(250);
    const open = idle.filter((s) => !s.closedAt).length;
    for (const s of socks) s.destroy();
    assert.equal(open, 0, `${open} idle unfinished handshakes still open after 30 s`);
  });
});

describe('path traversal against the static server', () => {
  const SECRETS = [
    ['root:x:0:0', '/etc/passwd'],
    ['PKG_CFLAGS', 'Makefile'],
    ['CREATE TABLE', 'data/schema.sql'],
    ['#include', 'bot sources'],
    ['botd-demo-secret', 'a secret'],
    ['"kakao_secret"', 'config'],
  ];
  const PATHS = [
    '/../Makefile', '/../../Makefile', '/../../../../../../etc/passwd', '/../main.c', '/../../data/schema.sql',
    '/%2e%2e/Makefile', '/%2e%2e/%2e%2e/Makefile', '/%2E%2E/%2E%2E/data/schema.sql', '/..%2fMakefile', '/..%2f..%2fMakefile',
    '/..%2F..%2Fdata%2Fschema.sql', '/%2e%2e%2f%2e%2e%2fMakefile', '/%252e%252e/%252e%252e/Makefile', '/%252e%252e%252f%252e%252e%252fMakefile',
    '/..\\..\\Makefile', '/..%5c..%5cMakefile', '/%5c..%5c..%5cMakefile', '/.%2e/.%2e/Makefile', '/%2e./%2e./Makefile',
    '/....//....//Makefile', '/..;/..;/Makefile', '/%c0%ae%c0%ae/%c0%ae%c0%ae/Makefile', '/%c0%af../Makefile',
    '/%00../../Makefile', '/index.html%00/../../Makefile', '/index.html/../../../Makefile', '/./../../Makefile',
    '//etc/passwd', '/etc/passwd', '/%2fetc%2fpasswd', `/${ROOT.slice(1)}/Makefile`, `/${'..%2f'.repeat(12)}etc/passwd`,
    '/demo/../../Makefile', '/healthz/../../Makefile', '/ws/../../../Makefile', '/kakao/../../Makefile',
    'http://127.0.0.1/../../Makefile', '../../Makefile', '*', '/?../../Makefile', '/#/../../Makefile',
    `/..${'/'.repeat(300)}../Makefile`, '/~/../Makefile', '/.env', '/.git/config', '/../.git/HEAD', '/../../.git/HEAD',
  ];

  test('no request reaches a file outside bot/www', async () => {
    for (const p of PATHS) {
      const { data } = await get(p);
      const text = data.toString('latin1');
      const status = Number((/^HTTP\/1\.[01] (\d{3})/.exec(text) || [])[1] || 0);
      for (const [needle, what] of SECRETS) {
        assert.ok(!text.includes(needle), `GET ${p} leaked ${what} (status ${status})`);
      }
      assert.ok(status === 0 || status < 500, `GET ${p}: ${status}`);
      if (status === 200) {
        // Only ever a page from bot/www (e.g. /./index.html normalised).
        const body = text.slice(text.indexOf('\r\n\r\n') + 4);
        const www = ['index.html'].map((f) => { try { return readFileSync(join(ROOT, 'bot/www', f), 'latin1'); } catch { return null; } });
        assert.ok(body.length === 0 || www.some((w) => w !== null && (body.includes(w.slice(0, 200)) || w.includes(body.slice(0, 200)))) || /<html|<!doctype/i.test(body),
          `GET ${p} returned 200 with something that is not a www page: ${body.slice(0, 120)}`);
      }
    }
    await stillServes();
  });

  test('the same through fetch-normalised and Host-header tricks', async () => {
    for (const extra of ['X-Original-URL: /../../Makefile\r\n', 'X-Rewrite-URL: /../../Makefile\r\n', 'Host: ../../\r\n']) {
      const { data } = await get('/', extra);
      const text = data.toString('latin1');
      for (const [needle, what] of SECRETS) assert.ok(!text.includes(needle), `${extra.trim()} leaked ${what}`);
    }
    // Sanity: the static server does serve its own pages.
    const r = await fetch(`${botd.url}/`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<html|<!doctype/i);
  });
});
