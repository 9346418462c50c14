// The package as users get it. A copy of the sources is built and packed (`npm pack`,
// whose prepack runs `npm run build`), the tarball installed into an empty folder with
// no registry reachable, and used from plain `node` (no tsx): every entry point
// imported, its types checked, the `ftppy` bin run, a server served and files sent
// through it. Then the TypeScript sources are vendored: copied into a project of their
// own and compiled by a minimal strict configuration.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from './helpers/files.js';
import { freePort } from './helpers/ports.js';

const repo = join(import.meta.dirname, '..');
const SOURCES = ['common', 'protocol', 'pool', 'lib', 'server', 'http'];
const ENTRY_POINTS = ['ftppy', 'ftppy/auth', 'ftppy/config', 'ftppy/settings'];
const work = tempDir('ftppy-package-');
after(() => work.remove());

/** The environment of a child: no npm_* settings inherited from `npm test`, no registry that answers, no tsx. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'NODE_OPTIONS') env[key] = value;
  return {
    ...env,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_cache: join(work.dir, 'npm-cache'),
    ...extra,
  };
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 180_000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result;
}


/** Links the repository's @types into a project, as its own devDependencies would provide them. */
function linkTypes(project: string): void {
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(join(repo, 'node_modules/@types'), join(project, 'node_modules/@types'), 'dir');
}

const tsc = join(repo, 'node_modules/typescript/bin/tsc');

describe('the npm package', () => {
  const stage = join(work.dir, 'stage');
  const consumer = join(work.dir, 'consumer');
  let files: string[] = [];
  let bin = '';

  before(() => {
    for (const name of [...SOURCES, 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md']) cpSync(join(repo, name), join(stage, name), { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(stage, 'node_modules'), 'dir');
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work.dir], stage).stdout) as { filename: string; files: { path: string }[] }[];
    files = packed[0]!.files.map((file) => file.path);
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work.dir, packed[0]!.filename)], consumer);
    bin = join(consumer, 'node_modules/.bin/ftppy');
  });

  it('ships the build and nothing else: JavaScript, declarations, package.json, README', () => {
    assert.ok(files.includes('dist/lib/index.js') && files.includes('dist/lib/index.d.ts'));
    assert.ok(files.includes('dist/lib/cli/main.js'));
    const stray = files.filter((path) => !/^dist\/(common|protocol|pool|lib|server|http)\/.*\.(js|d\.ts)$/.test(path) && !['package.json', 'README.md'].includes(path));
    assert.deepEqual(stray, []);
    assert.ok(!files.some((path) => path.startsWith('dist/spec/') || path.startsWith('dist/bench/')));
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules/ftppy/package.json'), 'utf8')) as { dependencies?: object };
    assert.deepEqual(manifest.dependencies ?? {}, {});
  });

  it('every entry point imports with plain node, and the re-exports are the same classes', () => {
    writeFileSync(join(consumer, 'imports.mjs'), `
      const entries = {};
      for (const name of ${JSON.stringify(ENTRY_POINTS)}) entries[name] = await import(name);
      const main = entries.ftppy;
      const same = ['Basic', 'Guest'].every((k) => main[k] === entries['ftppy/auth'][k])
        && ['Timeout', 'Retry', 'Limits'].every((k) => main[k] === entries['ftppy/config'][k])
        && main.SSL === entries['ftppy/settings'].SSL;
      const ftp = new main.FtpPy('ftp://localhost:2121', { auth: new main.Basic('u', 'p'), timeout: new main.Timeout({ connect: 5 }) });
      console.log(JSON.stringify({ names: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, Object.keys(v).sort()])), same, port: ftp.endpoint.port }));
    `);
    const result = run(process.execPath, ['imports.mjs'], consumer);
    const { names, same, port } = JSON.parse(result.stdout) as { names: Record<string, string[]>; same: boolean; port: number };
    for (const name of ['FtpPy', 'Client', 'Basic', 'Guest', 'Timeout', 'Retry', 'Limits', 'SSL', 'FtpPyError', 'ConnectionError', 'ProtocolError', 'ReplyError', 'TimeoutError']) {
      assert.ok(names.ftppy!.includes(name), `ftppy exports ${name}`);
    }
    for (const [entry, wanted] of [['ftppy/auth', ['Basic', 'Guest']], ['ftppy/config', ['Limits', 'Retry', 'Timeout']], ['ftppy/settings', ['SSL']]] as const) {
      for (const name of wanted) assert.ok(names[entry]!.includes(name), `${entry} exports ${name}`);
    }
    assert.equal(same, true);
    assert.equal(port, 2121);
  });

  it('a client-only import loads no server: serve.ts, server/ and http/ load on the first ftp.server()', () => {
    // A module hook (module.register) sees every file the child loads, and answers the
    // import of `loaded:` with the list so far: no event or delay to wait for.
    writeFileSync(join(consumer, 'load-hooks.mjs'), `
      const loaded = [];
      export async function resolve(specifier, context, next) {
        return specifier === 'loaded:' ? { url: 'loaded:' + loaded.length, shortCircuit: true } : next(specifier, context);
      }
      export async function load(url, context, next) {
        if (url.startsWith('loaded:')) return { format: 'module', source: 'export default ' + JSON.stringify(loaded), shortCircuit: true };
        loaded.push(url);
        return next(url, context);
      }
    `);
    writeFileSync(join(consumer, 'observe.mjs'), "import { register } from 'node:module';\nregister('./load-hooks.mjs', import.meta.url);\n");
    writeFileSync(join(consumer, 'client-only.mjs'), `
      const dist = (urls) => urls.map((url) => /\\/node_modules\\/ftppy\\/dist\\/(.*)$/.exec(url)?.[1]).filter(Boolean);
      const { FtpPy, Basic } = await import('ftppy');
      const ftp = new FtpPy('ftp://127.0.0.1:0', { auth: new Basic('u', 'p') });
      const before = dist((await import('loaded:')).default);
      const server = await ftp.server({ root: '.', web: false });
      await server.close();
      const after = dist((await import('loaded:')).default);
      console.log(JSON.stringify({ before, after }));
    `);
    const result = run(process.execPath, ['--import', './observe.mjs', 'client-only.mjs'], consumer);
    const { before, after } = JSON.parse(result.stdout) as { before: string[]; after: string[] };
    assert.ok(before.includes('lib/index.js') && before.includes('lib/client.js'), `the hook saw the client load: ${before.join(' ')}`);
    const serverSide = before.filter((path) => /^(server|http)\//.test(path));
    assert.deepEqual(serverSide.concat(before.filter((path) => path === 'lib/serve.js')), []);
    for (const path of ['lib/serve.js', 'server/index.js', 'http/index.js']) assert.ok(after.includes(path), `ftp.server() loaded ${path}`);
  });

  it('the declarations type-check a consumer under NodeNext, through each entry point', () => {
    linkTypes(join(consumer));
    writeFileSync(join(consumer, 'use.ts'), [
      "import { FtpPy, ConnectionError, type ListingEntry } from 'ftppy';",
      "import { Basic } from 'ftppy/auth';",
      "import { Timeout, Retry, Limits } from 'ftppy/config';",
      "import { SSL } from 'ftppy/settings';",
      "const ftp = new FtpPy('ftps://localhost:2121', { auth: new Basic('u', 'p'), timeout: new Timeout({ connect: 5 }), retry: new Retry({ total: 1 }), limits: new Limits({ connections: 2 }), ssl: new SSL({ verify: true }) });",
      'export async function names(): Promise<string[]> {',
      '  try {',
      '    return await ftp.client(async (client) => ((await client.list(\'/\')) ?? []).map((entry: ListingEntry) => entry.name));',
      '  } catch (error) {',
      '    if (error instanceof ConnectionError) return [error.code];',
      '    throw error;',
      '  }',
      '}',
      '',
    ].join('\n'));
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
      files: ['use.ts'],
    }));
    run(process.execPath, [tsc, '-p', '.'], consumer);
  });

  it('the ftppy bin runs from the install (its shebang survived): --help, then serve, put, ls and get', async () => {
    const help = spawnSync(bin, ['--help'], { env: childEnv(), encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: ftppy COMMAND/);
    const root = join(work.dir, 'served');
    const port = await freePort();
    const server = spawn(bin, ['serve', '--root', root, '--port', String(port), '--web', 'off', '--user', 'pkg:secret'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        let banner = '';
        server.stdout.on('data', (chunk: Buffer) => {
          banner += chunk.toString();
          if (banner.includes('Ctrl-C stops it.')) resolve();
        });
        void exited.then((code) => reject(new Error(`serve exited with ${code}`)));
      });
      const url = `ftp://pkg:secret@localhost:${port}`;
      writeFileSync(join(work.dir, 'sent.txt'), 'through the package\n');
      const ftppy = (...args: string[]): SpawnSyncReturns<string> => spawnSync(bin, args, { cwd: work.dir, env: childEnv(), encoding: 'utf8' });
      const put = ftppy('put', 'sent.txt', `${url}/in/`, '-p');
      assert.equal(put.status, 0, put.stderr);
      const ls = ftppy('ls', '-R', `${url}/`);
      assert.equal(ls.stdout, 'in/\nin/sent.txt\n');
      mkdirSync(join(work.dir, 'back'));
      const get = ftppy('get', `${url}/in/sent.txt`, 'back/');
      assert.equal(get.status, 0, get.stderr);
      assert.equal(readFileSync(join(work.dir, 'back/sent.txt'), 'utf8'), 'through the package\n');
    } finally {
      server.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});

describe('the TypeScript sources, vendored', () => {
  const project = join(work.dir, 'vendoring');

  before(() => {
    for (const name of SOURCES) cpSync(join(repo, name), join(project, 'vendor/ftppy', name), { recursive: true });
    linkTypes(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'vendoring', private: true, type: 'module' }));
  });

  for (const [name, extra] of [
    ['a minimal strict NodeNext configuration', {}],
    ['a stricter one (noUncheckedIndexedAccess, verbatimModuleSyntax, isolatedModules, noImplicitOverride)', { noUncheckedIndexedAccess: true, verbatimModuleSyntax: true, isolatedModules: true, noImplicitOverride: true }],
  ] as const) {
    it(`compile unchanged under ${name}, and run`, async () => {
      const out = `out-${Object.keys(extra).length}`;
      writeFileSync(join(project, 'app.ts'), [
        "import { Basic, FtpPy } from './vendor/ftppy/lib/index.js';",
        `const ftp = new FtpPy('ftp://127.0.0.1:${await freePort()}', { auth: new Basic('v', 'pw') });`,
        "const server = await ftp.server({ root: 'vendor', web: false });",
        "const names = await ftp.client(async (client) => (await client.list('ftppy')) ?? []);",
        'await server.close();',
        'console.log(names.map((entry) => entry.name).sort().join(\' \'));',
        '',
      ].join('\n'));
      const config = `tsconfig.${out}.json`;
      writeFileSync(join(project, config), JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], outDir: out, ...extra },
        include: ['vendor', 'app.ts'],
      }));
      run(process.execPath, [tsc, '-p', config], project);
      assert.equal(run(process.execPath, [join(out, 'app.js')], project).stdout, `${SOURCES.slice().sort().join(' ')}\n`);
    });
  }
});
