// A strict reader of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), for the specs that read
// GET /metrics: it throws, naming the line, on anything Prometheus would reject or that
// its conventions forbid (a counter not named *_total, a negative counter, a TYPE after
// the family's samples, a family split in two, a sample repeated), so a spec that parses
// the answer has also checked its format. It returns the families, to add counters up.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string | null;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
// The numbers Go's ParseFloat takes that a metric would carry, and the three specials.
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|NaN)$/;

class FormatError extends Error {
  constructor(line: number, text: string, why: string) {
    super(`metrics line ${line}: ${why}: ${JSON.stringify(text)}`);
  }
}

/** The family a sample belongs to: histogram and summary samples carry suffixes. */
function familyName(sample: string, families: Map<string, Family>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const base = sample.slice(0, -suffix.length);
    const type = families.get(base)?.type;
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return sample;
}

/** `{a="x",b="y"}` from its opening brace: the labels and where the text after it starts. */
function readLabels(text: string, start: number, fail: (why: string) => never): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    if (text[i] === '}') return { labels, end: i + 1 };
    const eq = text.indexOf('=', i);
    if (eq === -1) fail('a label without =');
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(`bad label name ${JSON.stringify(name)}`);
    if (name.startsWith('__')) fail(`label name ${name} is reserved (__)`);
    if (name in labels) fail(`label ${name} repeated`);
    if (text[eq + 1] !== '"') fail(`label ${name}: value not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = text[j];
      if (c === undefined) fail(`label ${name}: value never ends`);
      if (c === '"') break;
      if (c === '\\') {
        const next = text[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else fail(`label ${name}: bad escape \\${next ?? ''}`);
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(`after label ${name}: expected , or }`);
  }
}

function readHelp(text: string, fail: (why: string) => never): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      out += text[i];
      continue;
    }
    const next = text[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else fail(`bad escape in HELP \\${next ?? ''}`);
  }
  return out;
}

/** Parses a whole exposition, strictly; throws on the first fault. */
export function parsePrometheus(body: string): Map<string, Family> {
  if (body.length > 0 && !body.endsWith('\n')) throw new Error('metrics: the last line does not end with \\n');
  if (body.includes('\r')) throw new Error('metrics: lines end with \\n, not \\r\\n');
  const families = new Map<string, Family>();
  const finished = new Set<string>(); // families whose group of lines has ended
  const seen = new Set<string>();
  let current: string | null = null;
  const enter = (name: string, fail: (why: string) => never): Family => {
    if (current !== name) {
      if (finished.has(name)) fail(`the lines of ${name} are not all together`);
      if (current !== null) finished.add(current);
      current = name;
    }
    let family = families.get(name);
    if (!family) families.set(name, (family = { name, type: 'untyped', help: null, samples: [] }));
    return family;
  };
  const lines = body.split('\n');
  lines.pop();
  lines.forEach((text, index) => {
    const fail = (why: string): never => {
      throw new FormatError(index + 1, text, why);
    };
    if (text.trim() === '') return;
    if (text.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(text);
      if (!m) return; // a comment
      const [, keyword, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) fail(`bad metric name ${name}`);
      const family = enter(name!, fail);
      if (keyword === 'HELP') {
        if (family.help !== null) fail(`a second HELP for ${name}`);
        family.help = readHelp(rest, fail);
      } else {
        if (family.samples.length > 0) fail(`TYPE of ${name} after its samples`);
        if ((family as { typed?: boolean }).typed) fail(`a second TYPE for ${name}`);
        if (!TYPES.has(rest as MetricType)) fail(`unknown type ${JSON.stringify(rest)}`);
        family.type = rest as MetricType;
        (family as { typed?: boolean }).typed = true;
        if (family.type === 'counter' && !name!.endsWith('_total')) fail(`counter ${name} is not named *_total`);
      }
      return;
    }
    const nameEnd = text.search(/[{ \t]/);
    if (nameEnd <= 0) fail('a sample without a value');
    const name = text.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) fail(`bad metric name ${JSON.stringify(name)}`);
    let labels: Record<string, string> = {};
    let rest = text.slice(nameEnd);
    if (rest.startsWith('{')) {
      const read = readLabels(text, nameEnd, fail);
      labels = read.labels;
      rest = text.slice(read.end);
    }
    if (!/^[ \t]/.test(rest)) fail('no blank between the sample and its value');
    const fields = rest.trim().split(/[ \t]+/);
    if (fields.length > 2) fail('more than a value and a timestamp');
    const [raw, timestamp] = fields;
    if (!FLOAT.test(raw!)) fail(`bad value ${JSON.stringify(raw)}`);
    if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) fail(`bad timestamp ${timestamp}`);
    const value = Number(raw!.replace(/Inf$/, 'Infinity'));
    const family = enter(familyName(name, families), fail);
    if (family.type === 'counter' && !(value >= 0)) fail(`counter ${name} is ${raw}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) fail(`sample ${name} repeated with the same labels`);
    seen.add(key);
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) delete (family as { typed?: boolean }).typed;
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; throws when there is not exactly one. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const matches = [...families.values()]
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name} ${JSON.stringify(labels)}`);
  return matches[0]!.value;
}
