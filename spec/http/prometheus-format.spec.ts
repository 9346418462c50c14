// The strict Prometheus text checker of spec/helpers/prometheus.ts (which the metrics and
// cluster specs trust) refuses what the format forbids; http/prometheus.ts writes what it accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prometheusText } from '../../http/prometheus.js';
import { parsePrometheus, sampleValue } from '../helpers/prometheus.js';

const good = [
  '# HELP a_total Things, with a \\\\ and a \\n.',
  '# TYPE a_total counter',
  'a_total{kind="x\\"y\\\\z\\nw",n="1"} 3',
  'a_total{kind="plain"} 4 1700000000000',
  '# a comment',
  '# TYPE g gauge',
  'g -1.5e3',
  'g{x=""} +Inf',
  '# TYPE h histogram',
  'h_bucket{le="1"} 2',
  'h_bucket{le="+Inf"} 3',
  'h_sum 4.5',
  'h_count 3',
  'u NaN',
  '',
].join('\n');

describe('the Prometheus text checker', () => {
  it('reads a valid exposition: escapes, timestamps, histograms, untyped', () => {
    const m = parsePrometheus(good);
    assert.equal(m.get('a_total')!.help, 'Things, with a \\ and a \n.');
    assert.equal(sampleValue(m, 'a_total', { kind: 'x"y\\z\nw' }), 3);
    assert.equal(sampleValue(m, 'g', { x: '' }), Infinity);
    assert.equal(m.get('h')!.samples.length, 4);
    assert.equal(m.get('u')!.type, 'untyped');
  });

  const bad: [string, string, RegExp][] = [
    ['no final newline', 'g 1', /last line/],
    ['CRLF', 'g 1\r\n', /\\r\\n/],
    ['a counter not named _total', '# TYPE c counter\nc 1\n', /not named \*_total/],
    ['a negative counter', '# TYPE c_total counter\nc_total -1\n', /counter c_total is -1/],
    ['TYPE after samples', 'g 1\n# TYPE g gauge\n', /TYPE of g after its samples/],
    ['two TYPE lines', '# TYPE g gauge\n# TYPE g gauge\n', /second TYPE/],
    ['two HELP lines', '# HELP g a\n# HELP g b\n', /second HELP/],
    ['an unknown type', '# TYPE g meter\n', /unknown type/],
    ['a family split in two', 'g 1\nh 1\ng{a="b"} 2\n', /not all together/],
    ['a repeated sample', 'g{a="b"} 1\ng{a="b"} 2\n', /repeated/],
    ['an unquoted label', 'g{a=b} 1\n', /not quoted/],
    ['a bad escape in a label', 'g{a="\\t"} 1\n', /bad escape/],
    ['a label never closed', 'g{a="b} 1\n', /never ends/],
    ['a reserved label', 'g{__a="b"} 1\n', /reserved/],
    ['a repeated label', 'g{a="b",a="c"} 1\n', /repeated/],
    ['a bad metric name', '1g 1\n', /bad metric name/],
    ['a bad value', 'g one\n', /bad value/],
    ['no value', 'g\n', /without a value/],
    ['a bad timestamp', 'g 1 soon\n', /bad timestamp/],
    ['too many fields', 'g 1 2 3\n', /more than/],
  ];
  for (const [what, text, error] of bad) {
    it(`refuses ${what}`, () => assert.throws(() => parsePrometheus(text), error));
  }
});

describe('prometheusText', () => {
  it('writes HELP, TYPE and samples the checker accepts, escaped', () => {
    const text = prometheusText([
      { name: 'x_total', type: 'counter', help: 'a \\ b\nc', samples: [{ labels: { l: 'q"\\\n' }, value: 2 }] },
      { name: 'y', type: 'gauge', help: 'y', samples: [{ value: 0.5 }, { labels: { a: 'b' }, value: -Infinity }] },
    ]);
    assert.equal(text, '# HELP x_total a \\\\ b\\nc\n# TYPE x_total counter\nx_total{l="q\\"\\\\\\n"} 2\n# HELP y y\n# TYPE y gauge\ny 0.5\ny{a="b"} -Inf\n');
    const m = parsePrometheus(text);
    assert.equal(sampleValue(m, 'x_total', { l: 'q"\\\n' }), 2);
  });

  it('refuses a counter whose name does not end in _total', () => {
    assert.throws(() => prometheusText([{ name: 'x', type: 'counter', help: 'x', samples: [] }]), /_total/);
  });
});
