#!/usr/bin/env node
// The `ftppy` executable. Node prints every process warning as `(node:1234)
// FtpPyWarning: …`; the command line prints its own, once and readable (lib/cli/run.ts),
// so Node's printer is taken away here, and only here: a program that imports FtpPy
// keeps Node's behaviour.
import { EXIT, run } from './run.js';

process.removeAllListeners('warning');

// `ftppy cat … | head`: the reader has what it wanted and closed the pipe. Stop there,
// quietly, as a tool killed by SIGPIPE would, rather than with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const interrupt = new AbortController();
const stop = (): void => {
  // a second Ctrl-C does not wait for the first to wind down
  if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
  interrupt.abort(new Error('interrupted'));
};
process.on('SIGINT', stop).on('SIGTERM', stop);

process.exitCode = await run(process.argv.slice(2), { signal: interrupt.signal });
process.off('SIGINT', stop).off('SIGTERM', stop);
