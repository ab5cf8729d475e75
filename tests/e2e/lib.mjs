// Shared helpers for the end-to-end suites: start a real botd on a free
// loopback port with a temporary database, mint tokens, talk WebSocket.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { after } from 'node:test';

// Every daemon a test file started is killed when the file ends, also when a
// test failed before its stop(): a live child would keep the file running.
const running = new Set();
after(() => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BOTD = process.env.BOTD || join(ROOT, 'build/botd');
export const NOW = '2026-11-20T03:00:00Z'; // a Friday, 12:00 in Seoul

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

// Starts botd --demo on a fresh database. Returns {url, wsUrl, port, db, dir,
// proc, logs(), stop()}. Extra config keys go into a config file.
export async function startBotd({ config = {}, env = {}, args = [], dir } = {}) {
  dir = dir || mkdtempSync(join(tmpdir(), 'botd-e2e-'));
  const port = await freePort();
  const db = join(dir, 'botd.db');
  const cfgPath = join(dir, 'config.json');
  writeFileSync(cfgPath, JSON.stringify(config));
  const proc = spawn(BOTD, ['--host', '127.0.0.1', '--port', String(port), '--db', db,
    '--demo', '--config', cfgPath, '--intents', join(ROOT, 'intents'),
    '--www', join(ROOT, 'bot/www'), ...args], {
    env: { ...process.env, BOTD_NOW: NOW, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((ok) => proc.on('exit', (code, signal) => ok({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`botd did not start (exit ${proc.exitCode}):\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, port, db, dir, proc, cfgPath, exited,
    wsUrl: `ws://127.0.0.1:${port}`,
    logs: () => out,
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
      }
      const r = await exited;
      if (!keep) rmSync(dir, { recursive: true, force: true });
      return r;
    },
  };
}

export function token(kind, id, { ttl } = {}) {
  const args = ['token', `--${kind}`, String(id), '--demo'];
  if (ttl) args.push('--ttl', String(ttl));
  return execFileSync(BOTD, args, { env: { ...process.env, BOTD_NOW: NOW } }).toString().trim();
}

export function sql(db, query) {
  const out = execFileSync('sqlite3', ['-json', db, query]).toString().trim();
  return out ? JSON.parse(out) : [];
}

// A WebSocket client that queues every frame so tests can wait for the next
// one of a type. close() resolves with {code, reason}.
export class Client {
  constructor(url, opts = {}) {
    this.frames = [];
    this.waiters = [];
    this.ws = new WebSocket(url, opts);
    this.closed = new Promise((ok) => this.ws.on('close', (code, reason) => {
      ok({ code, reason: reason.toString() });
      for (const w of this.waiters) w.fail(new Error(`closed ${code} while waiting for ${w.desc}`));
      this.waiters = [];
    }));
    this.opened = new Promise((ok, fail) => {
      this.ws.on('open', ok);
      this.ws.on('error', fail);
    });
    this.ws.on('message', (data, isBinary) => {
      const f = JSON.parse(data.toString());
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        const i = this.frames.findIndex(w.match);
        if (i < 0) return true;
        w.ok(this.frames.splice(i, 1)[0]);
        return false;
      });
    });
  }

  static async connect(url, opts) {
    const c = new Client(url, opts);
    await c.opened;
    return c;
  }

  send(obj) { this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)); }

  // Resolves with the first queued frame matching PRED (a type string or a
  // function), waiting up to MS.
  next(pred, ms = 5000) {
    const match = typeof pred === 'string' ? (f) => f.type === pred : pred;
    const i = this.frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]);
    return new Promise((ok, fail) => {
      const desc = typeof pred === 'string' ? pred : 'a frame';
      const w = { match, ok, fail, desc };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        fail(new Error(`timed out waiting for ${desc}; have ${JSON.stringify(this.frames)}`));
      }, ms);
      w.ok = (f) => { clearTimeout(t); ok(f); };
      w.fail = (e) => { clearTimeout(t); fail(e); };
      this.waiters.push(w);
    });
  }

  async hello(tok, resume) {
    const f = { type: 'hello', token: tok };
    if (resume) f.resume = resume;
    this.send(f);
    return this.next((x) => x.type === 'welcome' || x.type === 'error');
  }

  // Sends a message and returns {ack, reply}.
  async ask(text, id = `m-${Math.random().toString(36).slice(2)}`, extra = {}) {
    this.send({ type: 'message', id, text, ...extra });
    const ack = await this.next((f) => f.type === 'ack' && f.id === id);
    const reply = await this.next('reply');
    return { ack, reply };
  }

  // Sends a message and waits only for its ack (no reply is expected, e.g.
  // while an agent holds the conversation). Returns the ack.
  async ask2(text, id = `m-${Math.random().toString(36).slice(2)}`) {
    this.send({ type: 'message', id, text });
    return this.next((f) => f.type === 'ack' && f.id === id);
  }

  close() { this.ws.close(); return this.closed; }
}

// Formats KRW the way the answers do: 12300 -> "12,300원".
export const won = (n) => `${Number(n).toLocaleString('en-US')}원`;

// UTC "YYYY-MM-DD HH:MM:SS" -> the Asia/Seoul date as the Korean answers
// write it (bot/answer/template.h): "11월 20일(금)", the year only when it
// is not NOW's: "2025년 9월 11일(목)".
export function kstDate(utc) {
  const seoul = (t) => new Date(Date.parse(t) + 9 * 3600 * 1000);
  const d = seoul(utc.replace(' ', 'T') + 'Z');
  const year = d.getUTCFullYear() === seoul(NOW).getUTCFullYear() ? '' : `${d.getUTCFullYear()}년 `;
  return `${year}${d.getUTCMonth() + 1}월 ${d.getUTCDate()}일(${'일월화수목금토'[d.getUTCDay()]})`;
}
