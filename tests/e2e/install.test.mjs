// make install: the tree under DESTDIR/PREFIX is exactly what an operator
// expects, the installed binary runs and serves from the installed files, the
// man page documents every option, key, variable and signal, the systemd unit
// has its sandboxing and `systemd-analyze verify` accepts it (where it exists),
// and make uninstall takes it all away again but leaves the operator's files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync, rmSync, readFileSync, readdirSync, statSync, existsSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, relative, basename } from 'node:path';
import { BOTD, ROOT, freePort } from './lib.mjs';

const PREFIX = '/usr';
let tmp, dest;

// The build directory of the binary under test: make install copies
// $(BUILD)/botd, and -o keeps make from rebuilding it (an ASan or valgrind
// run must install the binary it is testing, not a fresh one).
const BUILD = relative(ROOT, dirname(BOTD)) || '.';

function make(...args) {
  const r = spawnSync('make', ['-s', '--no-print-directory', '-C', ROOT, `BUILD=${BUILD}`,
    '-o', join(BUILD, 'botd'), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `make ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r;
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

function hasCommand(name) {
  return run('sh', ['-c', `command -v ${name}`]).status === 0;
}

// Every file below DIR, as paths relative to BASE.
function walk(dir, base = dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, base, out);
    else out.push(relative(base, p));
  }
  return out;
}

// The configuration keys the daemon accepts, read from bot/core/config.c keys[].
function configKeys() {
  const src = readFileSync(join(ROOT, 'bot/core/config.c'), 'utf8');
  const table = src.slice(src.indexOf('keys[] = {'), src.indexOf('};', src.indexOf('keys[] = {')));
  const keys = [...table.matchAll(/^\s*(?:STR|INT|BOOL)?\(?\{?"([a-z_]+)"/gm)].map((m) => m[1]);
  assert.ok(keys.length >= 20, `found only ${keys.length} keys in bot/core/config.c`);
  return keys;
}

// The long options every command's --help lists.
function helpOptions() {
  const opts = new Set();
  const texts = [];
  for (const sub of [[], ['classify'], ['check'], ['token'], ['ask'], ['gen-data']]) {
    const r = run(BOTD, [...sub, '--help']);
    assert.equal(r.status, 0, `botd ${sub.join(' ')} --help: ${r.stderr}`);
    texts.push(r.stdout);
    for (const m of r.stdout.matchAll(/--([a-z][a-z-]*)/g)) opts.add(m[1]);
  }
  return { opts: [...opts], text: texts.join('\n') };
}

// A unit file as [{section, key, value}] (continuation lines joined).
function parseUnit(text) {
  const out = [];
  let section = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([A-Za-z]+)\]$/.exec(line);
    if (sec) { section = sec[1]; continue; }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    assert.ok(kv && section, `unit: not a key=value line in a section: ${line}`);
    out.push({ section, key: kv[1], value: kv[2].trim() });
  }
  return out;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'botd-install-'));
  dest = join(tmp, 'dest');
  make('install', `DESTDIR=${dest}`, `PREFIX=${PREFIX}`);
});

after(() => { rmSync(tmp, { recursive: true, force: true }); });

test('make install DESTDIR= PREFIX=/usr produces exactly the expected tree', () => {
  const want = [
    'usr/bin/botd',
    'etc/botd/botd.json.example',
    'usr/lib/systemd/system/botd.service',
    'usr/share/man/man8/botd.8',
    'usr/share/botd/data/schema.sql',
    ...readdirSync(join(ROOT, 'data')).filter((f) => f.endsWith('.sql'))
      .map((f) => `usr/share/botd/data/${f}`),
    ...readdirSync(join(ROOT, 'data/migrations')).filter((f) => f.endsWith('.sql'))
      .map((f) => `usr/share/botd/data/migrations/${f}`),
    ...readdirSync(join(ROOT, 'intents')).filter((f) => f.endsWith('.json'))
      .map((f) => `usr/share/botd/intents/${f}`),
    ...walk(join(ROOT, 'bot/www')).map((f) => `usr/share/botd/www/${f}`),
  ];
  const got = walk(dest).sort();
  assert.deepEqual(got, [...new Set(want)].sort());
  assert.ok(got.filter((f) => f.startsWith('usr/share/botd/intents/')).length >= 13);

  const mode = (p) => statSync(join(dest, p)).mode & 0o777;
  assert.equal(mode('usr/bin/botd'), 0o755);
  for (const f of got.filter((p) => p !== 'usr/bin/botd')) {
    assert.equal(mode(f), 0o644, `${f} is ${mode(f).toString(8)}`);
  }
  // The installed files are the sources, byte for byte.
  assert.equal(readFileSync(join(dest, 'usr/share/man/man8/botd.8'), 'utf8'),
    readFileSync(join(ROOT, 'data/botd.8'), 'utf8'));
  assert.equal(readFileSync(join(dest, 'usr/share/botd/www/index.html'), 'utf8'),
    readFileSync(join(ROOT, 'bot/www/index.html'), 'utf8'));
});

test('the installed binary runs --version and checks the installed intents and sample configuration', () => {
  const bin = join(dest, 'usr/bin/botd');
  const version = /^VERSION\s*:=\s*(\S+)/m.exec(readFileSync(join(ROOT, 'Makefile'), 'utf8'))[1];
  const v = run(bin, ['--version']);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), `botd ${version}`);

  const r = run(bin, ['check', '--config', join(dest, 'etc/botd/botd.json.example'),
    '--intents', join(dest, 'usr/share/botd/intents')],
  { env: { ...process.env, BOTD_TOKEN_SECRET: 'install-test-secret-0123456789' } });
  assert.equal(r.status, 0, `botd check: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /\d+ intents loaded, 0 example failures/);

  // Without a secret the sample refuses to serve and says why: the secret
  // belongs in /etc/botd/env, not in the world-readable sample.
  const env = { ...process.env };
  delete env.BOTD_TOKEN_SECRET;
  const n = run(bin, ['check', '--config', join(dest, 'etc/botd/botd.json.example'),
    '--intents', join(dest, 'usr/share/botd/intents')], { env });
  assert.notEqual(n.status, 0);
  assert.match(n.stderr, /token secret/);
});

test('the sample configuration uses only keys the daemon knows, and no secrets', () => {
  const sample = JSON.parse(readFileSync(join(dest, 'etc/botd/botd.json.example'), 'utf8'));
  const keys = configKeys();
  for (const k of Object.keys(sample)) assert.ok(keys.includes(k), `unknown key ${k}`);
  for (const k of ['token_secret', 'kakao_secret', 'demo', 'now']) {
    assert.ok(!(k in sample), `the sample must not set ${k}`);
  }
});

test('the installed daemon serves the installed pages, health and readiness', async () => {
  const port = await freePort();
  const bin = join(dest, 'usr/bin/botd');
  const share = join(dest, 'usr/share/botd');
  const proc = spawn(bin, ['serve', '--config', join(dest, 'etc/botd/botd.json.example'),
    '--host', '127.0.0.1', '--port', String(port), '--db', join(tmp, 'serve.db'),
    '--intents', join(share, 'intents'), '--www', join(share, 'www')], {
    env: { ...process.env, BOTD_TOKEN_SECRET: 'install-test-secret-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((ok) => proc.on('exit', (code) => ok(code)));
  try {
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch { /* not up yet */ }
      assert.ok(proc.exitCode === null && Date.now() < deadline, `botd did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200, out);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), readFileSync(join(share, 'www/index.html'), 'utf8'));
  } finally {
    proc.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 0, `exit ${code} after SIGTERM:\n${out}`);
  }
  // log_json in the sample: every log line is a JSON object.
  for (const line of out.split('\n').filter(Boolean)) {
    assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
  }
});

test('the man page has .TH and documents every option, command, key, variable and signal', () => {
  const page = readFileSync(join(dest, 'usr/share/man/man8/botd.8'), 'utf8');
  assert.match(page, /^\.TH BOTD 8 /m);
  for (const s of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'ENVIRONMENT', 'SIGNALS', 'FILES']) {
    assert.match(page, new RegExp(`^\\.SH ${s}$`, 'm'), `section ${s}`);
  }
  // roff writes "-" as "\-"; compare on the unescaped text.
  const plain = page.replace(/\\-/g, '-').replace(/\\&/g, '');
  const { opts, text } = helpOptions();
  assert.ok(opts.length >= 20, `only ${opts.length} options in --help`);
  for (const o of opts) assert.ok(plain.includes(`--${o}`), `--${o} is not in the man page`);
  for (const c of ['serve', 'check', 'classify', 'ask', 'token', 'gen-data']) {
    assert.match(plain, new RegExp(`^\\.(?:B|TP\\n\\.B) ${c}$|^\\.B botd ${c}`, 'm'), `command ${c}`);
  }
  for (const v of new Set(text.match(/BOTD_[A-Z_]+/g))) {
    assert.ok(plain.includes(v), `${v} is not in the man page`);
  }
  for (const s of ['SIGHUP', 'SIGUSR1', 'SIGTERM', 'SIGINT']) assert.ok(plain.includes(s), s);
  for (const k of configKeys()) {
    assert.match(plain, new RegExp(`^\\.BR ${k} "`, 'm'), `config key ${k} is not in the man page`);
  }
  for (const e of ['/healthz', '/readyz', '/metrics', '/ws/chat', '/ws/agent', '/kakao/skill']) {
    assert.ok(plain.includes(e), e);
  }
});

test('the man page renders without warnings', (t) => {
  if (!hasCommand('man')) {
    t.skip('man is not installed: rendering not checked (the .TH and content checks still ran)');
    return;
  }
  const r = run('man', ['--warnings', '-l', join(dest, 'usr/share/man/man8/botd.8')],
    { env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat', LC_ALL: 'C.UTF-8' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), '', `warnings:\n${r.stderr}`);
  assert.match(r.stdout, /botd - consultation chatbot daemon/);
  assert.match(r.stdout, /shutdown_deadline_s/);
});

test('the systemd unit has the required keys, sandboxing and the real paths', () => {
  const text = readFileSync(join(dest, 'usr/lib/systemd/system/botd.service'), 'utf8');
  assert.doesNotMatch(text, /@[A-Z]+@/, 'a template placeholder was left in the unit');
  const entries = parseUnit(text);
  const get = (section, key) => entries.filter((e) => e.section === section && e.key === key)
    .map((e) => e.value);
  const one = (section, key) => {
    const v = get(section, key);
    assert.equal(v.length, 1, `[${section}] ${key} appears ${v.length} times`);
    return v[0];
  };
  const want = {
    Type: 'simple',
    DynamicUser: 'yes',
    StateDirectory: 'botd',
    ConfigurationDirectory: 'botd',
    ProtectSystem: 'strict',
    ProtectHome: 'yes',
    NoNewPrivileges: 'yes',
    PrivateTmp: 'yes',
    PrivateDevices: 'yes',
    RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
    CapabilityBoundingSet: '',
    SystemCallFilter: '@system-service',
    ExecReload: '/bin/kill -HUP $MAINPID',
    Restart: 'on-failure',
    EnvironmentFile: '-/etc/botd/env',
  };
  for (const [k, v] of Object.entries(want)) assert.equal(one('Service', k), v, k);
  assert.equal(one('Service', 'ExecStart'), `${PREFIX}/bin/botd serve --config /etc/botd/botd.json `
    + `--db /var/lib/botd/botd.db --intents ${PREFIX}/share/botd/intents --www ${PREFIX}/share/botd/www`);
  // PCRE2 JIT writes code at run time: this option would break matching.
  assert.deepEqual(get('Service', 'MemoryDenyWriteExecute'), []);
  // systemd waits longer than the longest drain before it kills.
  assert.ok(Number(one('Service', 'TimeoutStopSec')) > 600);
  assert.equal(one('Install', 'WantedBy'), 'multi-user.target');
  assert.match(one('Unit', 'Documentation'), /man:botd\(8\)/);
  const known = new Set(['Description', 'Documentation', 'After', 'Wants', 'WantedBy',
    ...Object.keys(want), 'ExecStart', 'RestartSec', 'KillSignal', 'TimeoutStopSec',
    'LogsDirectory', 'UMask', 'SystemCallArchitectures', 'ProtectKernelTunables',
    'ProtectKernelModules', 'ProtectControlGroups', 'ProtectClock', 'ProtectHostname',
    'RestrictNamespaces', 'RestrictRealtime', 'RestrictSUIDSGID', 'LockPersonality',
    'LimitNOFILE']);
  for (const e of entries) assert.ok(known.has(e.key), `unexpected key ${e.key}`);
});

test('systemd-analyze verify accepts the unit', (t) => {
  if (!hasCommand('systemd-analyze')) {
    t.skip('systemd-analyze is not installed: the unit was checked by parsing only '
      + '(see the previous test)');
    return;
  }
  // verify checks that ExecStart's binary exists on this machine and that
  // man:botd(8) resolves, so install once more to a real prefix in the
  // temporary directory (SYSCONFDIR too, so nothing lands in /etc).
  const prefix = join(tmp, 'prefix');
  make('install', `PREFIX=${prefix}`, `SYSCONFDIR=${join(tmp, 'etc')}`);
  const unit = join(prefix, 'lib/systemd/system/botd.service');
  assert.match(readFileSync(unit, 'utf8'), new RegExp(`^ExecStart=${prefix}/bin/botd serve --config ${join(tmp, 'etc')}/botd/botd.json `, 'm'));
  const r = run('systemd-analyze', ['verify', unit],
    { env: { ...process.env, MANPATH: join(prefix, 'share/man'), SYSTEMD_LOG_COLOR: '0' } });
  // Unknown keys are only warnings (exit 0), so any output fails too.
  assert.equal(r.status, 0, `systemd-analyze verify:\n${r.stdout}${r.stderr}`);
  assert.equal(`${r.stdout}${r.stderr}`.trim(), '', `systemd-analyze verify said:\n${r.stdout}${r.stderr}`);
  make('uninstall', `PREFIX=${prefix}`, `SYSCONFDIR=${join(tmp, 'etc')}`);
});

test('make uninstall removes what install put there and keeps the operator\'s files', () => {
  const d = join(tmp, 'un');
  make('install', `DESTDIR=${d}`, `PREFIX=${PREFIX}`);
  writeFileSync(join(d, 'etc/botd/botd.json'), '{}\n');
  make('uninstall', `DESTDIR=${d}`, `PREFIX=${PREFIX}`);
  const left = walk(d);
  assert.deepEqual(left, ['etc/botd/botd.json']);
  assert.ok(!existsSync(join(d, 'usr/share/botd')));
  assert.equal(basename(left[0]), 'botd.json');
});
