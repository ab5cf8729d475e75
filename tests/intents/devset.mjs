// Dev-set runner: scores `botd --classify` against a TSV file.
// usage: node tests/intents/devset.mjs build/botd FILE.tsv
//
// Three kinds of file, told apart by their header line:
//   # text <TAB> intent <TAB> slots          one question per row (dev.tsv, set_a.tsv)
//   # text <TAB> intent1,intent2             two topics in one message
//   # first message <TAB> first intent <TAB> first slots <TAB> second message <TAB>
//     second intent <TAB> second slots       a follow-up in a conversation
// Slots are k=v;k=v. Intent "none" means out of scope: it must come back
// null or as agent_request, never as another intent. A wrong answer is worse
// than no answer: a "none" row answered with another intent, or one intent
// answered as another, or a second topic answered that the row does not ask
// about. A real intent answered null (or with a clarification, or a
// suggestion only) is a miss, not a wrong answer.
//
// Scores: understood (the intent, and the slots when the row lists them),
// wrong, and period (of the rows that expect a period, how many got it).
// Two topics: understood when both intents come back in the order written
// (intent, then also); wrong when either answer is not one of the two.
// Follow-ups: the second message is classified after the first (a line
// "first<TAB>second" to --classify); scored on the second, and the first
// must be understood too.
// Fails (exit 1) below 95% understood or above 1% wrong.
// BOTD_NOW: the environment, else a "BOTD_NOW=..." in the file's comments,
// else a fixed instant, so that date slots are reproducible.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MIN_ACCURACY = 0.95;
const MAX_WRONG = 0.01;

const [bin, tsv] = process.argv.slice(2);
if (!bin || !tsv) {
	console.error('usage: node devset.mjs BOTD FILE.tsv');
	process.exit(2);
}

const lines = readFileSync(tsv, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
const header = lines.find((l) => l.startsWith('#')) || '';
const kind = /intent1,intent2/.test(header) ? 'two' : /first message/.test(header) ? 'followup' : 'one';
let now = process.env.BOTD_NOW;
for (const l of lines) {
	const m = l.startsWith('#') && l.match(/BOTD_NOW=(\S+)/);
	if (!now && m) now = m[1];
}
now = now || '2026-11-20T03:00:00Z';

function parseSlots(s = '') {
	const want = {};
	for (const kv of s.split(';').map((x) => x.trim()).filter(Boolean)) {
		const eq = kv.indexOf('=');
		want[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
	}
	return Object.keys(want).length ? want : null;
}

const rows = [];
lines.forEach((line, i) => {
	if (!line.trim() || line.startsWith('#'))
		return;
	const f = line.split('\t');
	const bad = (why) => {
		console.error(`${tsv}:${i + 1}: ${why}`);
		process.exit(2);
	};
	if (kind === 'one') {
		if (!f[1]) bad('no intent column');
		rows.push({ line: i + 1, text: f[0], intent: f[1].trim(), slots: parseSlots(f[2]) });
	} else if (kind === 'two') {
		const want = (f[1] || '').split(',').map((x) => x.trim()).filter(Boolean);
		if (want.length !== 2) bad('want two intents: intent1,intent2');
		rows.push({ line: i + 1, text: f[0], want });
	} else {
		if (f.length < 5) bad('want six columns');
		rows.push({
			line: i + 1, text: f[0], intent0: f[1].trim(), slots0: parseSlots(f[2]),
			text2: f[3], intent: f[4].trim(), slots: parseSlots(f[5]),
		});
	}
});

function classify(texts) {
	return new Promise((resolve, reject) => {
		const env = { ...process.env, BOTD_NOW: now };
		const child = spawn(bin, ['--classify'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('close', (code) => {
			const res = out.split('\n').filter((l) => l.trim());
			if (res.length !== texts.length)
				return reject(new Error(`${bin} --classify exited ${code} after ${res.length} of ${texts.length} lines`));
			resolve(res.map((l) => JSON.parse(l)));
		});
		child.stdin.end(texts.map((t) => t + '\n').join(''));
	});
}

function sameSlots(want, got) {
	const a = Object.keys(want).sort();
	const b = Object.keys(got || {}).sort();
	return a.length === b.length && a.every((k, i) => k === b[i] && String(got[k]) === want[k]);
}

// One question: 'ok', 'SLOTS', 'MISS' or 'WRONG'.
function judge(wantIntent, wantSlots, res) {
	const got = res.intent ?? null;
	if (wantIntent === 'none')
		return got === null || got === 'agent_request' ? 'ok' : 'WRONG';
	/* a second answer to a question nobody asked is a wrong answer */
	if (res.also && res.also.intent !== wantIntent)
		return 'WRONG';
	if (got === wantIntent)
		return !wantSlots || sameSlots(wantSlots, res.slots) ? 'ok' : 'SLOTS';
	return got === null ? 'MISS' : 'WRONG';
}

const show = (res) => `${res.intent ?? null}` +
	`${Object.keys(res.slots || {}).length ? ' ' + JSON.stringify(res.slots) : ''}` +
	`${res.also ? ' + ' + res.also.intent : ''}` +
	`${res.clarify ? ' (clarify: ' + res.clarify.join(', ') + ')' : ''}` +
	`${res.suggest && res.suggest.length ? ' (suggest: ' + res.suggest.join(', ') + ')' : ''}`;

let inputs;
if (kind === 'one' || kind === 'two')
	inputs = rows.map((r) => r.text);
else
	inputs = rows.flatMap((r) => [r.text, `${r.text}\t${r.text2}`]);
const results = await classify(inputs);

let passed = 0, wrong = 0, missed = 0, periodWant = 0, periodOk = 0;
rows.forEach((row, i) => {
	let kindOf, res, detail = '';
	if (kind === 'one') {
		res = results[i];
		kindOf = judge(row.intent, row.slots, res);
		detail = `want ${row.intent}${row.slots ? ' ' + JSON.stringify(row.slots) : ''}`;
	} else if (kind === 'two') {
		res = results[i];
		const got = [res.intent ?? null, res.also?.intent ?? null];
		if (got[0] === row.want[0] && got[1] === row.want[1])
			kindOf = 'ok';
		else if (got.some((g) => g !== null && !row.want.includes(g)))
			kindOf = 'WRONG';
		else if (got[0] === row.want[1] && got[1] === row.want[0])
			kindOf = 'ORDER';
		else
			kindOf = 'MISS';
		detail = `want ${row.want.join(' + ')}`;
	} else {
		const first = results[2 * i];
		res = results[2 * i + 1];
		const k0 = judge(row.intent0, row.slots0, first);
		const k1 = judge(row.intent, row.slots, res);
		kindOf = k0 === 'WRONG' || k1 === 'WRONG' ? 'WRONG' : k0 !== 'ok' ? `FIRST-${k0}` : k1;
		detail = `then ${JSON.stringify(row.text2)} want ${row.intent}` +
			`${row.slots ? ' ' + JSON.stringify(row.slots) : ''}` +
			(k0 !== 'ok' ? ` (first got ${show(first)})` : '');
	}
	const wantPeriod = row.slots && row.slots.period;
	if (wantPeriod) {
		periodWant++;
		periodOk += String(res.slots?.period) === wantPeriod && res.intent === row.intent;
	}
	if (kindOf === 'ok') {
		passed++;
		return;
	}
	if (kindOf === 'WRONG')
		wrong++;
	else
		missed++;
	console.log(`${kindOf.padEnd(6)} line ${row.line}: ${JSON.stringify(row.text)} ${detail}, got ${show(res)}`);
});

const n = rows.length;
const acc = n ? passed / n : 0;
const wr = n ? wrong / n : 0;
console.log(`${tsv}: understood ${(acc * 100).toFixed(1)}% (min ${MIN_ACCURACY * 100}%), ` +
	`wrong ${(wr * 100).toFixed(1)}% (max ${MAX_WRONG * 100}%), misses ${missed}` +
	(periodWant ? `, period ${periodOk}/${periodWant} (${(100 * periodOk / periodWant).toFixed(1)}%)` : ''));
console.log(`${passed} passed, ${n - passed} failed (BOTD_NOW=${now})`);
process.exit(acc >= MIN_ACCURACY && wr <= MAX_WRONG ? 0 : 1);
