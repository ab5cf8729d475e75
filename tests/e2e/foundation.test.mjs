// Foundation: the daemon starts, serves health and pages, answers a real
// free-cash question from the database, refuses bad start-up input with a
// clear one-line error, and stops cleanly on SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBotd, token, sql, Client, won, kstDate, BOTD, ROOT, NOW } from './lib.mjs';

let botd;
before(async () => { botd = await startBotd(); });
after(async () => { await botd.stop(); });

test('GET /healthz answers ok', async () => {
  const r = await fetch(`${botd.url}/healthz`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
});

test('GET /readyz reports a writable database and loaded intents', async () => {
  const r = await fetch(`${botd.url}/readyz`);
  const body = await r.json();
  assert.equal(r.status, 200);
  assert.equal(body.database_writable, true);
  assert.ok(body.intents >= 13, `intents loaded: ${body.intents}`);
});

test('GET /demo/cast lists demo members with accounts and the agents', async () => {
  const cast = await (await fetch(`${botd.url}/demo/cast`)).json();
  assert.ok(cast.members.length >= 2);
  const m1 = cast.members.find((m) => m.id === 1);
  assert.ok(m1.name && m1.scenario && m1.accounts.length >= 1);
  assert.ok(cast.agents.length >= 1 && cast.agents[0].name);
});

test('unknown paths are 404 with a JSON error', async () => {
  const r = await fetch(`${botd.url}/no/such/page.html`);
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.code, 'not_found');
});

// The slice: the free-cash answer is built from the member's own rows.
for (const member of [1, 2]) {
  test(`member ${member}: the free-cash answer matches the database rows`, async () => {
    const accounts = sql(botd.db, `SELECT a.id, a.account_no FROM account_members m JOIN ad_accounts a ON a.id = m.account_id WHERE m.member_id = ${member} AND m.left_at IS NULL`);
    assert.equal(accounts.length, 1, 'the demo member has one account');
    const grants = sql(botd.db, `SELECT name, amount, remaining, expires_at, expires_at <= datetime('${NOW.replace('T', ' ').replace('Z', '')}') AS expired FROM free_cash_grants WHERE account_id = ${accounts[0].id}`);
    assert.ok(grants.length >= 2, 'the demo member has several grants');

    const c = await Client.connect(`${botd.wsUrl}/ws/chat`);
    const w = await c.hello(token('member', member));
    assert.equal(w.type, 'welcome');
    const { ack, reply } = await c.ask('무상캐시 얼마 남았나요?');
    assert.equal(ack.seq, 1);
    assert.equal(reply.intent, 'free_cash_status');
    assert.equal(reply.from, 'bot');
    assert.ok(reply.text.includes(accounts[0].account_no), reply.text);
    // One line per grant: what is left while it can be used; once expired,
    // nothing is left, and what was not used expired with it.
    for (const g of grants) {
      const line = reply.text.split('\n').find((l) => l.startsWith(`- ${g.name}:`));
      assert.ok(line, `grant ${g.name} in: ${reply.text}`);
      assert.ok(line.includes(kstDate(g.expires_at)), `expiry ${kstDate(g.expires_at)} in: ${line}`);
      if (!g.expired) {
        assert.ok(line.includes(`남은 금액 ${won(g.remaining)}`), `remaining ${won(g.remaining)} in: ${line}`);
      } else {
        assert.ok(!line.includes('남은 금액'), `an expired grant has nothing left: ${line}`);
        if (g.remaining > 0) assert.ok(line.includes(`${won(g.remaining)}은 쓰지 않은 채 만료`), `expired unused ${won(g.remaining)} in: ${line}`);
        else assert.ok(line.includes(`${won(g.amount)}을 모두 쓴 뒤 만료`), `spent before expiry in: ${line}`);
      }
    }
    const usable = grants.filter((g) => !g.expired).reduce((s, g) => s + g.remaining, 0);
    assert.ok(reply.text.includes(won(usable)), `usable total ${won(usable)} in: ${reply.text}`);
    // No other account is named in the answer.
    for (const o of sql(botd.db, `SELECT account_no FROM ad_accounts WHERE id <> ${accounts[0].id}`)) {
      assert.ok(!reply.text.includes(o.account_no), `foreign account ${o.account_no} in: ${reply.text}`);
    }
    // Stored: the customer message and the reply, in order.
    const rows = sql(botd.db, `SELECT seq, sender FROM messages WHERE conversation_id = '${w.conversation}' ORDER BY seq`);
    assert.deepEqual(rows.map((r) => r.sender), ['customer', 'bot']);
    await c.close();
  });
}

// ---- bad start-up input: one line, non-zero exit, no crash ----------------

function run(args, env = {}) {
  const r = spawnSync(BOTD, args, { env: { ...process.env, ...env }, timeout: 10000 });
  return { code: r.status, signal: r.signal, err: r.stderr.toString(), out: r.stdout.toString() };
}

function assertOneLineError(r, pattern) {
  assert.equal(r.signal, null, 'no crash');
  assert.notEqual(r.code, 0, 'non-zero exit');
  const lines = r.err.trim().split('\n');
  assert.ok(lines.some((l) => pattern.test(l)), `expected ${pattern} in: ${r.err}`);
}

test('a missing config file is reported', () => {
  assertOneLineError(run(['--config', '/nonexistent/botd.json', '--demo']), /nonexistent\/botd.json: cannot open/);
});

test('a malformed config file is reported with its line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'botd-cfg-'));
  const p = join(dir, 'bad.json');
  writeFileSync(p, '{\n  "port": 8080,\n  "host": \n}\n');
  assertOneLineError(run(['--config', p, '--demo']), /bad\.json:4: /);
  writeFileSync(p, '{\n  "port": 8080,\n  "colour": "blue"\n}\n');
  assertOneLineError(run(['--config', p, '--demo']), /bad\.json:3: unknown key "colour"/);
  writeFileSync(p, '{\n  "port": "eighty"\n}\n');
  assertOneLineError(run(['--config', p, '--demo']), /bad\.json:2: "port" must be an integer/);
  rmSync(dir, { recursive: true });
});

test('an unknown flag is refused', () => {
  assertOneLineError(run(['--colour', 'blue']), /unknown or incomplete option --colour/);
  assertOneLineError(run(['--port', 'x']), /--port: not a port number/);
});

test('a port in use is reported', () => {
  const r = run(['--demo', '--host', '127.0.0.1', '--port', String(botd.port), '--db', join(botd.dir, 'other.db'),
    '--intents', join(ROOT, 'intents'), '--www', join(ROOT, 'bot/www')]);
  assertOneLineError(r, new RegExp(`cannot listen on 127.0.0.1:${botd.port}`));
});

test('an unreadable or corrupt database is reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'botd-db-'));
  const p = join(dir, 'junk.db');
  writeFileSync(p, 'this is not a database, just text that is long enough to look like a header....');
  assertOneLineError(run(['--demo', '--db', p, '--port', '0', '--intents', join(ROOT, 'intents')]), /database/);
  assertOneLineError(run(['--demo', '--db', join(dir, 'no/such/dir/x.db'), '--port', '0', '--intents', join(ROOT, 'intents')]), /cannot open database/);
  rmSync(dir, { recursive: true });
});

test('serving without a token secret outside demo mode is refused', () => {
  assertOneLineError(run(['--db', '/tmp/unused.db'], { BOTD_TOKEN_SECRET: '' }), /no token secret/);
});

test('SIGTERM closes connections with 1001 and exits 0 within 2 s', async () => {
  const b = await startBotd();
  const c = await Client.connect(`${b.wsUrl}/ws/chat`);
  await c.hello(token('member', 1));
  const t0 = Date.now();
  b.proc.kill('SIGTERM');
  const closed = await c.closed;
  const { code } = await b.stop();
  assert.equal(closed.code, 1001);
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 2000, `stopped in ${Date.now() - t0} ms`);
});
