// Shared helpers for the browser suites: a real headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core, against a real botd.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../e2e/lib.mjs';

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
