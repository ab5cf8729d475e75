// Shared helpers for the browser suites: a real headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core, against a real botd.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, BOTD, NOW } from '../e2e/lib.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'tests/artifacts');

// Launches Chromium with a fresh profile. Returns {browser, stop()}.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'botd-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
    locale: 'ko-KR',
    timezoneId: 'UTC', // the pages must show Seoul time whatever the machine's zone
  });
  return {
    context: ctx,
    async stop() { await ctx.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

// A second, isolated browser (its own profile: own storage, own cookies).
export async function launchMany(n) {
  const all = [];
  for (let i = 0; i < n; i++) all.push(await launch());
  return all;
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

// Collects page errors so a test can assert the page ran clean.
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return errors;
}

// The seqs of the stored messages in the widget log, in document order.
export function seqs(page) {
  return page.$$eval('.botd-log [data-seq]', (ns) => ns.map((n) => Number(n.dataset.seq)));
}

// An ISO time as the Korean pages print it in Asia/Seoul ("오후 12:00").
// Computed by hand: node may be built without Korean locale data.
export function seoulTime(iso) {
  const d = new Date(Date.parse(iso) + 9 * 3600 * 1000);
  const h = d.getUTCHours(), m = d.getUTCMinutes();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h < 12 ? '오전' : '오후'} ${String(h12).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

// Stops BOTD (SIGTERM, keeping its directory) and starts a new botd on the
// same port and database, as a restart or a network outage looks to a page.
// Returns a handle like startBotd's.
export async function restartBotd(botd, { downMs = 0, before } = {}) {
  await botd.stop({ keep: true });
  if (before) await before();
  if (downMs) await new Promise((r) => setTimeout(r, downMs));
  const proc = spawn(BOTD, ['--host', '127.0.0.1', '--port', String(botd.port), '--db', botd.db,
    '--demo', '--config', botd.cfgPath, '--intents', join(ROOT, 'intents'),
    '--www', join(ROOT, 'bot/www')], {
    env: { ...process.env, BOTD_NOW: NOW }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((ok) => proc.on('exit', (code, signal) => ok({ code, signal })));
  const deadline = Date.now() + 10000;
  for (;;) {
    try { if ((await fetch(`${botd.url}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`botd did not restart:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    ...botd, proc, exited, logs: () => out,
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const r = await exited;
      if (!keep) rmSync(botd.dir, { recursive: true, force: true });
      return r;
    },
  };
}

// Records the WebSocket traffic of PAGE: {sockets: [url...], sent: [frame
// objects], received: [frame objects]}, each frame with the socket's index.
export function wsLog(page) {
  const log = { sockets: [], sent: [], received: [] };
  page.on('websocket', (ws) => {
    const i = log.sockets.push(ws.url()) - 1;
    const parse = (p) => { try { return { ...JSON.parse(p), _socket: i }; } catch { return { _raw: String(p), _socket: i }; } };
    ws.on('framesent', (f) => log.sent.push(parse(f.payload)));
    ws.on('framereceived', (f) => log.received.push(parse(f.payload)));
  });
  return log;
}

// Where the element SEL stands in the scroll box BOX (both selectors):
// {top, bottom} of the element relative to the box's visible area, and the
// box's visible height. Top 0 = the element's top edge at the box's top edge.
export function placeIn(page, sel, box) {
  return page.evaluate(([s, b]) => {
    const e = typeof s === 'string' ? document.querySelector(s) : null;
    const x = document.querySelector(b);
    if (!e || !x) return null;
    const r = e.getBoundingClientRect(), q = x.getBoundingClientRect();
    return { top: r.top - q.top, bottom: r.bottom - q.top, height: q.height, scrollTop: x.scrollTop };
  }, [sel, box]);
}
