// Where a command's words go. Three modes: `text` (what people read: data, status lines,
// progress, warnings), `quiet` (only the data the command exists for, such as a listing,
// and warnings), `json` (one JSON document on stdout at the end, warnings inside it).
// Status lines and data go to stdout, warnings and progress bars to stderr, so that
// `ftppy cat … > file` and `ftppy ls … | grep` stay clean.

import { printable } from './format.js';

export type Mode = 'text' | 'quiet' | 'json';

export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface Streams {
  stdout: OutStream;
  stderr: OutStream;
}

export interface WarningRecord {
  message: string;
  code: string | undefined;
}

/** What draws over the last lines of the terminal (the progress bars): cleared before a line is printed, drawn again after. */
export interface LiveArea {
  clear(): void;
  draw(): void;
}

export class Output {
  readonly mode: Mode;
  readonly streams: Streams;
  readonly warnings: WarningRecord[] = [];
  readonly #seen = new Set<string>();
  #document: Record<string, unknown> | null = null;
  #live: LiveArea | null = null;

  constructor(mode: Mode, streams: Streams = { stdout: process.stdout, stderr: process.stderr }) {
    this.mode = mode;
    this.streams = streams;
  }

  /** The area of progress bars below the printed lines, kept out of their way; null when none is shown. */
  get live(): LiveArea | null {
    return this.#live;
  }

  /** Makes `area` the one live area: lines are then printed above it. */
  showLive(area: LiveArea): void {
    this.#live = area;
  }

  /** Lets go of `area`, if it is still the live one. */
  hideLive(area: LiveArea): void {
    if (this.#live === area) this.#live = null;
  }

  /** Progress bars are drawn only for people, on a terminal. */
  get interactive(): boolean {
    return this.mode === 'text' && this.streams.stderr.isTTY === true;
  }

  /** A line of what the command was asked for (names, fields): text and quiet modes. */
  data(line: string): void {
    if (this.mode !== 'json') this.#print(this.streams.stdout, line);
  }

  /** A line saying what was done: text mode only. */
  note(line: string): void {
    if (this.mode === 'text') this.#print(this.streams.stdout, line);
  }

  /** A warning, once per distinct message: into the JSON document, or to stderr. */
  warning(message: string, code?: string): void {
    if (this.#seen.has(message)) return;
    this.#seen.add(message);
    this.warnings.push({ message, code });
    if (this.mode !== 'json') this.#print(this.streams.stderr, `warning: ${message}`);
  }

  /** A failure that ends the command (the command's name is put in front). */
  error(message: string): void {
    this.#print(this.streams.stderr, message);
  }

  /**
   * The JSON document of json mode (nothing in the other modes). It is written by
   * `flush()` once the command is over, when the warnings, which Node delivers a tick
   * late, have all arrived.
   */
  json(document: Record<string, unknown>): void {
    this.#document = document;
  }

  flush(): void {
    if (this.mode === 'json' && this.#document) this.streams.stdout.write(`${JSON.stringify({ ...this.#document, warnings: this.warnings }, exactNumbers, 2)}\n`);
    this.#document = null;
  }

  // The one place text leaves for people, through printable(): a name's raw byte shown as
  // `\xE9`, and control characters a hostile server sent as `\x1b`, line breaks kept.
  #print(stream: OutStream, line: string): void {
    this.#live?.clear();
    stream.write(`${line.split('\n').map(printable).join('\n')}\n`);
    this.#live?.draw();
  }
}

/** An entry's exactSize (a bigint, past 2^53 − 1) as decimal text: a JSON number that large loses digits in most readers. */
function exactNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
