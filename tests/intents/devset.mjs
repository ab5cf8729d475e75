// Dev-set runner: scores `botd --classify` against a TSV of
//   text <TAB> intent|none <TAB> slots (k=v;k=v, optional)
// usage: node tests/intents/devset.mjs build/botd tests/intents/dev.tsv
//
// A row is correct when the intent matches (a "none" row must come back null
// or agent_request) and, when the row lists slots, the slots match exactly.
// A wrong answer is worse than no answer: a "none" row answered with another
// intent, or one intent answered as another. A real intent answered null (or
// with a clarification) is a miss, not a wrong answer.
// Fails (exit 1) below 95% accuracy or above 1% wrong answers.
// BOTD_NOW defaults to a fixed instant so that date slots are reproducible.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MIN_ACCURACY = 0.95;
const MAX_WRONG = 0.01;

const [bin, tsv] = process.argv.slice(2);
if (!bin || !tsv) {
	console.error('usage: node devset.mjs BOTD DEV.TSV');
	process.exit(2);
}

const rows = [];
readFileSync(tsv, 'utf8').split('\n').forEach((line, i) => {
	line = line.replace(/\r$/, '');
	if (!line.trim() || line.startsWith('#'))
		return;
	const [text, intent, slots = ''] = line.split('\t');
	if (!intent) {
		console.error(`${tsv}:${i + 1}: no intent column`);
		process.exit(2);
	}
	const want = {};
	for (const kv of slots.split(';').map((s) => s.trim()).filter(Boolean)) {
		const eq = kv.indexOf('=');
		want[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
	}
	rows.push({ line: i + 1, text, intent: intent.trim(), slots: Object.keys(want).length ? want : null });
});

function classify(texts) {
	return new Promise((resolve, reject) => {
		const env = { ...process.env };
		if (!env.BOTD_NOW)
			env.BOTD_NOW = '2026-11-20T03:00:00Z';
		const child = spawn(bin, ['--classify'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('close', (code) => {
			const lines = out.split('\n').filter((l) => l.trim());
			if (lines.length !== texts.length)
				return reject(new Error(`${bin} --classify exited ${code} after ${lines.length} of ${texts.length} lines`));
			resolve(lines.map((l) => JSON.parse(l)));
		});
		child.stdin.end(texts.map((t) => t + '\n').join(''));
	});
}

function sameSlots(want, got) {
	const a = Object.keys(want).sort();
	const b = Object.keys(got || {}).sort();
	return a.length === b.length && a.every((k, i) => k === b[i] && String(got[k]) === want[k]);
}

const results = await classify(rows.map((r) => r.text));
let passed = 0, wrong = 0, missed = 0;
rows.forEach((row, i) => {
	const res = results[i];
	const got = res.intent ?? null;
	const clar = Array.isArray(res.clarify) && res.clarify.length ? ` (clarify: ${res.clarify.join(', ')})` : '';
	let ok, kind;
	if (row.intent === 'none') {
		ok = got === null || got === 'agent_request';
		kind = ok ? '' : 'WRONG';
	} else if (got === row.intent) {
		ok = !row.slots || sameSlots(row.slots, res.slots);
		kind = ok ? '' : 'SLOTS';
	} else {
		ok = false;
		kind = got === null ? 'MISS' : 'WRONG';
	}
	if (ok) {
		passed++;
		return;
	}
	if (kind === 'WRONG')
		wrong++;
	else
		missed++;
	console.log(`${kind.padEnd(5)} line ${row.line}: ${JSON.stringify(row.text)} want ${row.intent}` +
		`${row.slots ? ' ' + JSON.stringify(row.slots) : ''}, got ${got}` +
		`${Object.keys(res.slots || {}).length ? ' ' + JSON.stringify(res.slots) : ''}${clar}`);
});

const n = rows.length;
const acc = n ? passed / n : 0;
const wr = n ? wrong / n : 0;
console.log(`accuracy ${(acc * 100).toFixed(1)}% (min ${MIN_ACCURACY * 100}%), ` +
	`wrong answers ${(wr * 100).toFixed(1)}% (max ${MAX_WRONG * 100}%), misses ${missed}`);
console.log(`${passed} passed, ${n - passed} failed`);
process.exit(acc >= MIN_ACCURACY && wr <= MAX_WRONG ? 0 : 1);
