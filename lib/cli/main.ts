#!/usr/bin/env node
// The `ftppy` executable. Node prints every process warning as `(node:1234)
// FtpPyWarning: …`; the command line prints its own, once and readable (lib/cli/run.ts),
// so Node's printer is taken away here, and only here: a program that imports FtpPy
// keeps Node's behaviour.
import { EXIT, run } from './run.js';

process.removeAllListeners('warning');

const interrupt = new AbortController();
const stop = (): void => {
  // a second Ctrl-C does not wait for the first to wind down
  if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
  interrupt.abort(new Error('interrupted'));
};
process.on('SIGINT', stop).on('SIGTERM', stop);

process.exitCode = await run(process.argv.slice(2), { signal: interrupt.signal });
process.off('SIGINT', stop).off('SIGTERM', stop);
