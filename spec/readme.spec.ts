// Every ```ts block of the README, type-checked and run, so that the documentation
// cannot rot. Each block is written to its own file in a scratch folder (which holds
// cert.pem and key.pem for the FTPS example), its `ftppy` imports pointed at this
// repository's lib/, and run with tsx against a server this spec starts: the README's
// localhost:2121 (FTP) and localhost:2122 (web API) become that server's ports. A block
// that starts servers of its own (`.server(`) gets localhost:0, any free port, instead.
// Info strings: `ts no-run` is type-checked only (kept few), `ts warns` may emit an
// FtpPyWarning; any other block that warns fails, since a warning is a failed operation.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, type RunningServer } from '../lib/index.js';
import { tempDir } from './helpers/files.js';
import { tlsMaterial } from './helpers/tls-material.js';

const repo = join(import.meta.dirname, '..');

interface Block {
  /** Line of the opening fence, 1-based. */
  line: number;
  flags: string[];
  code: string;
}

export function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, flags: m[1]!.trim().split(/\s+/).filter(Boolean), code: m[2]! });
  }
  return blocks;
}

const entryPoints: Record<string, string> = {
  ftppy: 'lib/index.js',
  'ftppy/auth': 'lib/auth.js',
  'ftppy/config': 'lib/config.js',
  'ftppy/settings': 'lib/settings.js',
};

function rewrite(code: string, ports: { ftp: number; web: number }): string {
  let out = code.replace(/from '(ftppy(?:\/\w+)?)'/g, (whole, name: string) => {
    const target = entryPoints[name];
    assert.ok(target, `unknown entry point ${name}`);
    return `from '${join(repo, target)}'`;
  });
  if (/\.server\(/.test(code)) out = out.replace(/localhost:\d+/g, 'localhost:0');
  else out = out.replace(/localhost:2121/g, `localhost:${ports.ftp}`).replace(/localhost:2122/g, `localhost:${ports.web}`);
  return out;
}

/** Runs a block's file with tsx in the scratch folder, killed after 90 s. */
function runBlock(file: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), file], { cwd: scratch.dir, env: { ...process.env, NODE_OPTIONS: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill(), 90_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const blocks = tsBlocks(readme);
const scratch = tempDir('ftppy-readme-');
const served = tempDir('ftppy-readme-root-');
let server: RunningServer;
const files = blocks.map((block) => `block-${String(block.line).padStart(4, '0')}.ts`);

before(async () => {
  // The README's own set-up: a server on localhost that knows username/password and lets anonymous users write.
  const ftp = new FtpPy('ftp://localhost:0', { auth: new Basic('username', 'password') });
  server = await ftp.server({
    root: served.dir,
    web: 0,
    anonymous: { rights: { read: true, write: true, delete: true, mkdir: true, rename: true } },
    login: { delay: 0.05 },
  });
  const { certPath, keyPath } = tlsMaterial();
  copyFileSync(certPath, join(scratch.dir, 'cert.pem'));
  copyFileSync(keyPath, join(scratch.dir, 'key.pem'));
  writeFileSync(join(scratch.dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  mkdirSync(join(scratch.dir, 'node_modules'));
  symlinkSync(join(repo, 'node_modules/@types'), join(scratch.dir, 'node_modules/@types'), 'dir');
  const ports = { ftp: server.port, web: server.web!.port };
  blocks.forEach((block, i) => writeFileSync(join(scratch.dir, files[i]!), rewrite(block.code, ports)));
});

after(async () => {
  await server?.close();
  scratch.remove();
  served.remove();
});

describe('README', () => {
  it('has TypeScript examples, few of them not run', () => {
    assert.ok(blocks.length >= 10, `${blocks.length} blocks`);
    assert.ok(blocks.filter((block) => block.flags.includes('no-run')).length <= 2);
  });

  it('every block type-checks (strict, NodeNext)', () => {
    writeFileSync(join(scratch.dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true },
      files,
    }));
    const result = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: scratch.dir, encoding: 'utf8' });
    // name the README line rather than the scratch file
    const report = result.stdout.replace(/block-0*(\d+)\.ts\((\d+)/g, (_, line: string, at: string) => `README.md block at line ${line} (+${at})`);
    assert.equal(result.status, 0, report);
  });

  blocks.forEach((block, i) => {
    const title = block.code.split('\n').find((line) => line.trim() !== '' && !line.startsWith('import')) ?? '';
    const skip = block.flags.includes('no-run') ? 'marked no-run' : false;
    it(`runs the block at line ${block.line}: ${title.trim().slice(0, 60)}`, { skip }, async (t) => {
      // not spawnSync: the server the block talks to lives in this process's event loop
      const result = await runBlock(files[i]!);
      assert.equal(result.status, 0, `README.md line ${block.line} failed:\n${result.stdout}\n${result.stderr}`);
      if (!block.flags.includes('warns')) assert.doesNotMatch(result.stderr, /FtpPyWarning/, `README.md line ${block.line} warned:\n${result.stderr}`);
      for (const line of result.stdout.trimEnd().split('\n')) t.diagnostic(line); // what the reader would see
    });
  });
});
