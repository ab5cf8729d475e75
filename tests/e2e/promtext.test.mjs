// The exposition checker (promtext.mjs) must reject what it claims to, so a
// green metrics test means something. The same cases as test_metrics.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition } from './promtext.mjs';

const BAD = [
  ['no TYPE', 'x 1\n'],
  ['negative counter', '# TYPE x_total counter\nx_total -1\n'],
  ['counter without _total', '# TYPE x counter\nx 1\n'],
  ['unterminated value', '# TYPE x gauge\nx{a="b} 1\n'],
  ['bad escape', '# TYPE x gauge\nx{a="\\t"} 1\n'],
  ['bad label name', '# TYPE x gauge\nx{1a="b"} 1\n'],
  ['repeated label', '# TYPE x gauge\nx{a="b",a="c"} 1\n'],
  ['bad value', '# TYPE x gauge\nx one\n'],
  ['duplicate series', '# TYPE x gauge\nx 1\nx 2\n'],
  ['no final newline', '# TYPE x gauge\nx 1'],
  ['two TYPE lines', '# TYPE x gauge\n# TYPE x gauge\nx 1\n'],
  ['split group', '# TYPE x gauge\n# TYPE y gauge\nx{a="1"} 1\ny 1\nx{a="2"} 1\n'],
  ['no +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
  ['not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n'],
  ['le not increasing', '# TYPE h histogram\nh_bucket{le="2"} 1\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
  ['+Inf != _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
  ['no _sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 2\n'],
  ['bare histogram name', '# TYPE h histogram\nh 1\n'],
];

for (const [why, text] of BAD) {
  test(`rejects: ${why}`, () => {
    assert.throws(() => parseExposition(text), Error);
  });
}

test('accepts a valid text and reads values back', () => {
  const p = parseExposition('# HELP h a histogram\n# TYPE h histogram\n'
    + 'h_bucket{m="a",le="1"} 1\nh_bucket{m="a",le="+Inf"} 2\n'
    + 'h_sum{m="a"} 3.5\nh_count{m="a"} 2\n'
    + '# a comment\n\n# TYPE g gauge\ng{a="x\\"y\\n",} -Inf 1700000000000\n'
    + '# TYPE c_total counter\nc_total{k="한국어"} 7\n');
  assert.equal(p.value('h_count', { m: 'a' }), 2);
  assert.equal(p.value('g', { a: 'x"y\n' }), -Infinity);
  assert.equal(p.value('c_total', { k: '한국어' }), 7);
  assert.equal(p.value('c_total', {}), undefined);
  assert.equal(p.families.get('h').samples.length, 4);
});
