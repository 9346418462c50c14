// The Node processes a benchmark starts (our server, our client, basic-ftp's client,
// ftp-srv) run as plain JavaScript bundled once per run, not through tsx: tsx's loader
// thread adds ~50 MB to a process's RSS, which would be charged to whichever contender
// is written in TypeScript. The bundles live in bench/.work/build, inside bench/, so that
// the packages left out of them resolve from bench/node_modules.
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const out = join(import.meta.dirname, '.work', 'build');
const built = new Map<string, Promise<string>>();

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** The path of `bench/<entry>` bundled to an .mjs file, built on first use. */
export function childScript(entry: string): Promise<string> {
  let script = built.get(entry);
  if (!script) {
    script = (async () => {
      mkdirSync(out, { recursive: true });
      // esbuild is one of bench/'s own packages: a computed specifier keeps the root type check from needing it
      const name = 'esbuild';
      const esbuild = (await import(name)) as Esbuild;
      const outfile = join(out, basename(entry).replace(/\.ts$/, '.mjs'));
      await esbuild.build({
        entryPoints: [join(import.meta.dirname, entry)],
        outfile,
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'error',
      });
      return outfile;
    })();
    built.set(entry, script);
  }
  return script;
}

/**
 * Node's flags for the processes a benchmark starts: with FTPPY_BENCH_PROFILE=<folder>,
 * each writes a CPU profile there when it exits (`node --cpu-prof`), to see where a
 * contender spends its time under the benchmark's own load.
 */
export function nodeFlags(): string[] {
  const folder = process.env.FTPPY_BENCH_PROFILE;
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${folder}`] : [];
}
