// A checker of the Prometheus text exposition format 0.0.4, for tests that
// scrape a live GET /metrics. The same rules as the validator in
// tests/unit/test_metrics.c:
//   - every sample's family has a TYPE line before its first sample; at most
//     one HELP and one TYPE per family; a family's samples form one group;
//   - metric and label names are valid; label values use only the \\ \" \n
//     escapes; no label twice; no duplicate series;
//   - values are floats, +Inf, -Inf or NaN; an optional integer timestamp;
//   - counters end in _total and are >= 0;
//   - histograms: only _bucket/_sum/_count samples; per series the buckets
//     have increasing le, cumulative counts, end with le="+Inf", and the +Inf
//     count equals _count; _sum is present.
// parseExposition(text) throws an Error naming the line on a violation and
// otherwise returns { families: Map(name -> {name, type, help, samples}),
// value(name, labels = {}) } where samples are {name, labels, value}.

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const HIST_SUFFIXES = ['_bucket', '_sum', '_count'];

function parseFloatStrict(s) {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

// Parses `{a="b",c="d"}` starting at s[i] === '{'. Returns [labels, next i].
function parseLabels(s, i, fail) {
  const labels = {};
  i++;
  while (s[i] !== '}') {
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
    if (!m) fail(`bad label name at column ${i + 1}`);
    const name = m[0];
    if (name.startsWith('__')) fail(`reserved label name ${name}`);
    if (Object.hasOwn(labels, name)) fail(`label ${name} given twice`);
    i += name.length;
    if (s[i] !== '=' || s[i + 1] !== '"') fail(`label ${name}: expected ="`);
    i += 2;
    let v = '';
    for (;;) {
      if (i >= s.length) fail('unterminated label value');
      const c = s[i];
      if (c === '"') break;
      if (c === '\\') {
        const e = s[i + 1];
        if (e === '\\' || e === '"') v += e;
        else if (e === 'n') v += '\n';
        else fail(`bad escape \\${e ?? ''}`);
        i += 2;
        continue;
      }
      v += c;
      i++;
    }
    labels[name] = v;
    i++;
    if (s[i] === ',') i++;
    else if (s[i] !== '}') fail('expected , or } after a label');
  }
  return [labels, i + 1];
}

function seriesKey(name, labels) {
  return name + JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function parseExposition(text) {
  if (typeof text !== 'string') throw new Error('exposition: not a string');
  if (text.length && !text.endsWith('\n')) throw new Error('exposition: no final newline');
  const families = new Map();
  const series = new Set();
  const hists = new Map(); // family + labels without le -> state
  let current = null;
  const closed = new Set();
  const lines = text.split('\n');
  lines.pop();

  lines.forEach((line, idx) => {
    const fail = (why) => { throw new Error(`exposition line ${idx + 1}: ${why}: ${line}`); };
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kw, name, rest = ''] = m;
      if (!METRIC_NAME.test(name)) fail(`bad metric name ${name}`);
      let f = families.get(name);
      if (!f) {
        f = { name, type: undefined, help: undefined, samples: [] };
        families.set(name, f);
      }
      if (kw === 'HELP') {
        if (f.help !== undefined) fail(`second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) fail('bad escape in HELP');
        f.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
        return;
      }
      if (f.type !== undefined) fail(`second TYPE for ${name}`);
      if (f.samples.length) fail(`TYPE for ${name} after its samples`);
      if (!TYPES.has(rest.trim())) fail(`unknown type ${rest}`);
      f.type = rest.trim();
      return;
    }

    const nm = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nm) fail('bad metric name');
    const name = nm[0];
    let i = name.length;
    let labels = {};
    if (line[i] === '{') [labels, i] = parseLabels(line, i, fail);
    if (line[i] !== ' ') fail('expected one space before the value');
    const parts = line.slice(i + 1).split(' ');
    if (parts.length > 2 || parts[0] === '') fail('expected a value and an optional timestamp');
    const value = parseFloatStrict(parts[0]);
    if (value === undefined) fail(`bad value ${parts[0]}`);
    if (parts.length === 2 && !/^-?\d+$/.test(parts[1])) fail(`bad timestamp ${parts[1]}`);

    let fam = families.get(name);
    let suffix = '';
    if (!fam || fam.type === undefined) {
      fam = undefined;
      for (const s of HIST_SUFFIXES) {
        if (name.length > s.length && name.endsWith(s)) {
          const base = families.get(name.slice(0, -s.length));
          if (base && (base.type === 'histogram' || base.type === 'summary')) {
            fam = base;
            suffix = s;
          }
        }
      }
    }
    if (!fam) fail(`sample ${name} has no preceding TYPE line`);
    if (closed.has(fam.name) && current !== fam.name) fail(`samples of ${fam.name} are not in one group`);
    if (current && current !== fam.name) closed.add(current);
    current = fam.name;

    const key = seriesKey(name, labels);
    if (series.has(key)) fail(`duplicate series ${name}${JSON.stringify(labels)}`);
    series.add(key);
    fam.samples.push({ name, labels, value });

    if (fam.type === 'counter') {
      if (!name.endsWith('_total')) fail(`counter ${name} does not end in _total`);
      if (!(value >= 0)) fail(`counter ${name} is negative or NaN`);
    }
    if (fam.type === 'histogram') {
      if (!suffix) fail(`histogram sample ${name} lacks _bucket/_sum/_count`);
      const { le, ...rest } = labels;
      const hkey = seriesKey(fam.name, rest);
      let h = hists.get(hkey);
      if (!h) {
        h = { lastLe: -Infinity, lastCount: -Infinity, inf: undefined, count: undefined, sum: undefined, where: `${fam.name}${JSON.stringify(rest)}` };
        hists.set(hkey, h);
      }
      if (suffix === '_bucket') {
        const b = le === undefined ? undefined : parseFloatStrict(le);
        if (b === undefined || Number.isNaN(b)) fail('bucket without a valid le');
        if (h.inf !== undefined) fail('bucket after le="+Inf"');
        if (!(b > h.lastLe)) fail(`bucket le=${le} not increasing`);
        if (value < h.lastCount) fail(`bucket le=${le} not cumulative`);
        h.lastLe = b;
        h.lastCount = value;
        if (b === Infinity) h.inf = value;
      } else if (le !== undefined) {
        fail(`le label on ${name}`);
      } else if (suffix === '_count') {
        h.count = value;
      } else {
        h.sum = value;
      }
    } else if (labels.le !== undefined && fam.type !== 'untyped') {
      fail(`le label outside a histogram: ${name}`);
    }
  });

  for (const h of hists.values()) {
    if (h.inf === undefined) throw new Error(`exposition: ${h.where}: no le="+Inf" bucket`);
    if (h.count === undefined || h.sum === undefined) throw new Error(`exposition: ${h.where}: _sum or _count missing`);
    if (h.count !== h.inf) throw new Error(`exposition: ${h.where}: +Inf bucket ${h.inf} != _count ${h.count}`);
  }

  // The value of one series (exact label set), or undefined when absent.
  function value(name, labels = {}) {
    const key = seriesKey(name, labels);
    for (const f of families.values()) {
      for (const s of f.samples) if (seriesKey(s.name, s.labels) === key) return s.value;
    }
    return undefined;
  }
  return { families, value };
}
