// The layering of ARCHITECTURE.md, checked on the sources themselves: every import of
// every file (static, `import type`, `export … from`, dynamic `import()`) is read, and
// the spec fails on an import the table forbids and on any cycle between files. The
// table is data here, and each rule's wording must appear in ARCHITECTURE.md, so the
// document and the check cannot drift apart silently.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { describe, it } from 'node:test';

const repo = join(import.meta.dirname, '..');
const FOLDERS = ['common', 'protocol', 'pool', 'server', 'http', 'lib'];

/** One import: which file, of which file, and how. */
export interface Edge {
  from: string;
  to: string;
  kind: 'static' | 'type' | 'dynamic';
}

interface Rule {
  /** The rule's words in ARCHITECTURE.md. */
  says: string;
  /** The edges this rule forbids. */
  forbids: (edge: Edge) => boolean;
}

const folderOf = (path: string): string => path.split('/')[0]!;
const under = (path: string, folder: string): boolean => path.startsWith(folder);

/** What each top folder may import besides itself; finer rules follow in RULES. */
const MAY_IMPORT: Record<string, string[]> = {
  common: [],
  protocol: ['common'],
  pool: ['common', 'protocol'],
  server: ['common', 'protocol'],
  http: ['common', 'protocol', 'server'],
  lib: ['common', 'protocol', 'pool', 'server', 'http'],
};

const crossesLayer = (folder: string) => (edge: Edge): boolean =>
  folderOf(edge.from) === folder && folderOf(edge.to) !== folder && !MAY_IMPORT[folder]!.includes(folderOf(edge.to));

export const RULES: Rule[] = [
  { says: 'common/ -> node built-ins only', forbids: crossesLayer('common') },
  { says: 'protocol/ -> common/', forbids: crossesLayer('protocol') },
  { says: 'pool/ -> common/, protocol/', forbids: crossesLayer('pool') },
  { says: 'server/ -> common/, protocol/', forbids: crossesLayer('server') },
  {
    says: 'http/ -> common/, protocol/, server/index.ts only',
    forbids: (edge) => crossesLayer('http')(edge) || (under(edge.from, 'http/') && under(edge.to, 'server/') && edge.to !== 'server/index.ts'),
  },
  { says: 'lib/ -> common/, protocol/, pool/', forbids: crossesLayer('lib') },
  {
    says: 'lib/serve.ts alone -> server/index.ts, http/index.ts',
    forbids: (edge) =>
      under(edge.from, 'lib/') &&
      (under(edge.to, 'server/') || under(edge.to, 'http/')) &&
      (edge.from !== 'lib/serve.ts' || !['server/index.ts', 'http/index.ts'].includes(edge.to)),
  },
  {
    says: "lib/serve.ts is loaded lazily: only `import('./serve.js')` or `import type`, never a static import",
    forbids: (edge) => edge.to === 'lib/serve.ts' && edge.kind === 'static',
  },
  {
    says: 'lib/tree/ -> lib/client/ one way: lib/client/ never imports lib/tree/',
    forbids: (edge) => under(edge.from, 'lib/client/') && under(edge.to, 'lib/tree/'),
  },
  {
    says: 'lib/cli/ -> lib/ (and what lib/ may)',
    forbids: (edge) => under(edge.to, 'lib/cli/') && !under(edge.from, 'lib/cli/'),
  },
];

/** The code of a TypeScript file with comments removed and template literals blanked, strings kept. */
export function code(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else if (c === '`') {
      // A template's text is not code (it may hold code as text); its ${…} parts are
      // rare in imports and are dropped with it.
      let j = i + 1;
      while (j < source.length && source[j] !== '`') j += source[j] === '\\' ? 2 : 1;
      out += '``';
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const STATIC = /\b(import|export)(\s+type)?\s+(?:[\w*${}\s,]*?\s*from\s*)?(['"])([^'"]+)\3/g;
const DYNAMIC = /\bimport\s*\(\s*(['"`])([^'"`]*)\1\s*\)/g;

/** Every module specifier in a file's source, with how it is imported. */
export function specifiers(source: string): { specifier: string; kind: Edge['kind'] }[] {
  const text = code(source);
  const found: { specifier: string; kind: Edge['kind'] }[] = [];
  for (const m of text.matchAll(STATIC)) found.push({ specifier: m[4]!, kind: m[2] ? 'type' : 'static' });
  for (const m of text.matchAll(DYNAMIC)) found.push({ specifier: m[2]!, kind: 'dynamic' });
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The import graph of the given folders: every edge between their files, and the imports of packages. */
export function importGraph(folders: string[], read = (path: string) => readFileSync(join(repo, path), 'utf8')): { files: string[]; edges: Edge[]; packages: string[] } {
  const files = folders.flatMap(sources);
  const edges: Edge[] = [];
  const packages: string[] = [];
  for (const from of files) {
    for (const { specifier, kind } of specifiers(read(from))) {
      if (!specifier.startsWith('.')) {
        if (!specifier.startsWith('node:')) packages.push(`${from} -> ${specifier}`);
        continue;
      }
      const to = relative(repo, join(repo, dirname(from), specifier)).split('\\').join('/').replace(/\.js$/, '.ts');
      edges.push({ from, to, kind });
    }
  }
  return { files, edges, packages };
}

/** The strongly connected components of more than one file (Tarjan), each as its sorted files joined by spaces. */
export function cycles(files: string[], edges: Edge[]): string[] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const edge of edges) next.get(edge.from)?.push(edge.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!next.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort().join(' '));
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found.sort();
}

/** The edges that break a rule, as "from -> to (kind): rule". */
export function violations(edges: Edge[]): string[] {
  return edges.flatMap((edge) =>
    RULES.filter((rule) => rule.forbids(edge)).map((rule) => `${edge.from} -> ${edge.to} (${edge.kind}): ${rule.says}`),
  );
}

describe('the architecture', { timeout: 20_000 }, () => {
  const graph = importGraph(FOLDERS);

  it('reads static, type, re-export and dynamic imports, and skips comments and template text', () => {
    const found = specifiers(`
      import { a } from './a.js';
      import type { B } from "./b.js";
      export { c } from './c.js';
      export * from './d.js';
      import './e.js';
      const f = await import('./f.js');
      import {
        g,
        type G, // import { type G } still loads the module: static
      } from './g.js';
      // import { h } from './h.js';
      /* import { i } from './i.js'; */
      const j = \`import { j } from './j.js'\`;
      import { k } from 'node:fs';
    `);
    assert.deepEqual(found.map((x) => `${x.kind} ${x.specifier}`), [
      'static ./a.js', 'type ./b.js', 'static ./c.js', 'static ./d.js', 'static ./e.js', 'static ./g.js', 'static node:fs', 'dynamic ./f.js',
    ]);
  });

  it('sees the folders it checks', () => {
    for (const folder of FOLDERS) assert.ok(graph.files.some((f) => folderOf(f) === folder), `no sources in ${folder}/`);
    assert.ok(graph.edges.length > 200, `only ${graph.edges.length} imports found: the reader is broken`);
  });

  it('finds a cycle and a forbidden import when there is one', () => {
    const edges: Edge[] = [
      { from: 'protocol/a.ts', to: 'protocol/b.ts', kind: 'static' },
      { from: 'protocol/b.ts', to: 'protocol/a.ts', kind: 'type' },
      { from: 'common/c.ts', to: 'protocol/a.ts', kind: 'type' },
    ];
    assert.deepEqual(cycles(['protocol/a.ts', 'protocol/b.ts', 'common/c.ts'], edges), ['protocol/a.ts protocol/b.ts']);
    assert.deepEqual(violations(edges), ['common/c.ts -> protocol/a.ts (type): common/ -> node built-ins only']);
  });

  it('has no import cycle between files, type-only imports included', () => {
    assert.deepEqual(cycles(graph.files, graph.edges), []);
  });

  it('has no import the layering table forbids', () => {
    assert.deepEqual(violations(graph.edges), []);
  });

  it('imports no package but Node built-ins', () => {
    assert.deepEqual(graph.packages, []);
  });

  it('ARCHITECTURE.md states every rule the spec checks', () => {
    const doc = readFileSync(join(repo, 'ARCHITECTURE.md'), 'utf8');
    for (const rule of RULES) assert.ok(doc.includes(`- ${rule.says}\n`), `ARCHITECTURE.md does not say: ${rule.says}`);
    assert.ok(doc.includes('- no import cycles between files, type-only imports included\n'));
    assert.ok(doc.includes("- no package but Node's built-ins (`node:…`), anywhere\n"));
  });
});
