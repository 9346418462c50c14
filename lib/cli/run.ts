import { FtpPyError } from '../../common/errors.js';
import { VERSION } from '../../common/version.js';
import { parseArgs, UsageError } from './args.js';
import { clientOptions, helpText } from './command.js';
import { findCommand, mainHelp } from './commands.js';
import { Output, type Mode, type Streams } from './output.js';

export interface RunOptions {
  streams?: Streams;
  env?: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream;
  /** Aborting it stops the command (Ctrl-C): operations reject, `serve` closes. */
  signal?: AbortSignal;
}

/** Exit statuses: 0 success, 1 something failed, 2 usage, 130 interrupted (as shells report SIGINT). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

function modeOf(options: Record<string, unknown>): Mode {
  if (options.json && options.quiet) throw new UsageError('--json and --quiet exclude each other');
  return options.json ? 'json' : options.quiet ? 'quiet' : 'text';
}

/**
 * `ftppy ARGS…`: finds the command, parses its options, runs it with an output of the
 * mode asked for, and turns how it ended into an exit status. The FtpPyWarnings the
 * operations emit meanwhile go through the output: once each, readable, or into --json.
 */
export async function run(argv: readonly string[], { streams = { stdout: process.stdout, stderr: process.stderr }, env = process.env, stdin = process.stdin, signal = new AbortController().signal }: RunOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  const plain = new Output('text', streams);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] !== undefined ? findCommand(rest[0]) : undefined;
    plain.data(topic ? helpText(topic) : mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    plain.data(`ftppy ${VERSION}`);
    return EXIT.ok;
  }
  const command = findCommand(name);
  if (!command) {
    plain.error(`ftppy: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  let output = plain;
  const onWarning = (warning: Error & { code?: string }): void => output.warning(warning.message, warning.code);
  process.on('warning', onWarning);
  try {
    const args = parseArgs(rest, command.client ? [...command.options, ...clientOptions] : command.options);
    if (args.options.help) {
      plain.data(helpText(command));
      return EXIT.ok;
    }
    output = new Output(command.client ? modeOf(args.options) : 'text', streams);
    const ok = await command.run({ args, output, env, stdin, signal });
    await warningsDelivered();
    output.flush();
    return ok ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = command.help.split('\n', 1)[0];
      plain.error(`ftppy ${name}: ${error.message}\n${usage}\nftppy ${name} --help shows the options.`);
      return EXIT.usage;
    }
    await warningsDelivered();
    if (signal.aborted) {
      output.error(`ftppy ${name}: interrupted`);
      return EXIT.interrupted;
    }
    const message = error instanceof Error ? error.message : String(error);
    output.error(`ftppy ${name}: ${message}`);
    output.json({ ok: false, error: { code: FtpPyError.is(error) ? error.code : 'FTPPY_ERR_FAILED', message } });
    output.flush();
    return EXIT.failed;
  } finally {
    process.off('warning', onWarning);
  }
}

/** process.emitWarning delivers on the next tick: let the last ones arrive. */
function warningsDelivered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
