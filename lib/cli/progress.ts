import { formatBytes, formatDuration, formatRate, printable } from './format.js';
import type { LiveArea, Output } from './output.js';

// Progress of transfers. On a terminal: a bar per transfer under way (bytes, rate, ETA
// when the size is known) and, for batches and tree operations, a total line, redrawn
// in place on stderr at most ten times a second. Elsewhere: nothing but the line each
// finished transfer prints, so that logs hold one line per file.

export interface Totals {
  /** Items finished, and how many there are. */
  done: number;
  count: number;
  /** Bytes moved so far, and how many will move (null when not known). */
  bytes: number;
  totalBytes: number | null;
}

export class Task {
  readonly label: string;
  readonly started: number;
  bytes = 0;
  total: number | null;
  readonly #progress: Progress;

  constructor(progress: Progress, label: string, total: number | null, now: number) {
    this.#progress = progress;
    this.label = label;
    this.total = total;
    this.started = now;
  }

  update(bytes: number, total: number | null = this.total): void {
    this.bytes = bytes;
    this.total = total;
  }

  /** Removes the bar; `line`, if any, is printed (text mode) in its place. */
  end(line?: string): void {
    this.#progress.ended(this, line);
  }
}

const MAX_BARS = 8;
const REDRAW_MS = 100;

export class Progress implements LiveArea {
  readonly #output: Output;
  readonly #now: () => number;
  readonly #started: number;
  readonly #tasks = new Set<Task>();
  #totals: Totals | null = null;
  #drawn = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(output: Output, now: () => number = () => performance.now()) {
    this.#output = output;
    this.#now = now;
    this.#started = now();
    if (output.interactive) {
      output.showLive(this);
      this.#timer = setInterval(() => this.#redraw(), REDRAW_MS);
      this.#timer.unref();
    }
  }

  task(label: string, total: number | null = null): Task {
    const task = new Task(this, label, total, this.#now());
    this.#tasks.add(task);
    return task;
  }

  /** Shows a total line (batches and tree operations). */
  set totals(totals: Totals) {
    this.#totals = totals;
  }

  /** Seconds since the progress began. */
  get elapsed(): number {
    return (this.#now() - this.#started) / 1000;
  }

  ended(task: Task, line?: string): void {
    this.#tasks.delete(task);
    if (line !== undefined) this.#output.note(line);
    else this.#redraw();
  }

  /** Takes the bars away for good. */
  finish(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.clear();
    this.#output.hideLive(this);
  }

  clear(): void {
    if (this.#drawn === 0) return;
    // up to the first bar, then erase to the end of the screen
    this.#output.streams.stderr.write(`\r\x1b[${this.#drawn}A\x1b[J`);
    this.#drawn = 0;
  }

  draw(): void {
    if (!this.#output.interactive || this.#output.live !== this) return;
    const lines = this.lines();
    if (lines.length > 0) this.#output.streams.stderr.write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }

  /** What the live area shows now, each line cut to the terminal's width so that none wraps. */
  lines(): string[] {
    // a pseudo-terminal may report 0 columns: take the common 80 then
    const width = Math.max(40, (this.#output.streams.stderr.columns || 80) - 1);
    const now = this.#now();
    const tasks = [...this.#tasks];
    const lines = tasks.slice(0, MAX_BARS).map((task) => barLine(printable(task.label), task.bytes, task.total, (now - task.started) / 1000, width));
    if (tasks.length > MAX_BARS) lines.push(`… and ${tasks.length - MAX_BARS} more`);
    const t = this.#totals;
    if (t) lines.push(barLine(`total ${t.done}/${t.count}`, t.bytes, t.totalBytes, (now - this.#started) / 1000, width));
    return lines;
  }

  #redraw(): void {
    this.clear();
    this.draw();
  }
}

/** `label  [=====     ]  50%  1.0 MiB/2.0 MiB  1.0 MiB/s  ETA 0:01`, or without bar and ETA when the size is unknown. */
export function barLine(label: string, bytes: number, total: number | null, seconds: number, width: number): string {
  const rate = seconds > 0 ? bytes / seconds : 0;
  let right: string;
  let bar = '';
  if (total !== null && total > 0) {
    const share = Math.min(1, bytes / total);
    const eta = rate > 0 ? formatDuration((total - bytes) / rate) : '-:--';
    // fixed widths, so that the bars of several lines stay in one column
    right = `${String(Math.floor(share * 100)).padStart(3)}%  ${`${formatBytes(bytes)}/${formatBytes(total)}`.padStart(19)}  ${formatRate(rate).padStart(11)}  ETA ${eta.padStart(5)}`;
    const cells = 20;
    const full = Math.round(share * cells);
    bar = `[${'='.repeat(full)}${' '.repeat(cells - full)}]  `;
  } else {
    right = `${formatBytes(bytes).padStart(9)}  ${formatRate(rate).padStart(11)}`;
  }
  // on a narrow terminal the bar goes first, then the label shrinks
  if (width - right.length - bar.length - 2 < 16) bar = '';
  const room = Math.max(12, width - right.length - bar.length - 2);
  const shown = label.length > room ? `…${label.slice(label.length - room + 1)}` : label.padEnd(room);
  return `${shown}  ${bar}${right}`.slice(0, width);
}
