#!/usr/bin/env node
import { UsageError } from './args.js';
import { serve, serveHelp } from './serve.js';

const help = `Usage: ftppy COMMAND [options]

Commands:
  serve      serve a folder over FTP/FTPS with the web API (ftppy serve --help)

ftppy COMMAND --help shows a command's options.
`;

type Command = (argv: readonly string[], out: (line: string) => void) => Promise<number>;

const commands: Record<string, { run: Command; help: string }> = {
  serve: { run: serve, help: serveHelp },
};

export async function main(argv: readonly string[]): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(help);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`ftppy: unknown command ${JSON.stringify(name)}\n\n${help}`);
    return 2;
  }
  try {
    return await command.run(rest, out);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ftppy ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    process.stderr.write(`ftppy ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
