import { ProtocolError } from '../../common/errors.js';
import { LineSplitter } from '../lines.js';
import { parseDosLine } from './dos.js';
import { parseEplfLine } from './eplf.js';
import type { ListingEntry } from './entry.js';
import { parseFactsLine } from './mlsx.js';
import { pathPrefix, unsafeNameReason } from './path.js';
import { parseUnixLine } from './unix.js';
import type { NameEncoding } from '../text.js';

export type ListingFormat = 'unix' | 'dos' | 'mlsd' | 'eplf';

export interface ListingParserOptions {
  /** The listed folder: each entry's path is this joined with its name (default '': bare names). */
  dir?: string;
  /** Places Unix dates written without a year (default: the time the parser is made). */
  now?: Date;
  /** The longest line accepted, in bytes (default 16 KiB: a 4 KiB path and its columns, with room). */
  maxLineBytes?: number;
  /**
   * The format when the caller knows it (an MLSD reply is always facts); otherwise it is
   * detected from the first line that reads as one of them.
   */
  format?: ListingFormat;
  /** How names are decoded (default 'utf8', other bytes carried raw; 'latin1': each byte its Latin-1 character). */
  encoding?: NameEncoding;
  /**
   * Told of each line that parsed but whose name cannot be an entry (`../x`, `a/b`,
   * `a\\b`, NUL, CR or LF in it), with why; the line is skipped whether or not this is given.
   */
  onRefused?: (line: string, why: string) => void;
  /**
   * Told of each line that is no entry in any format, other than those every listing may
   * hold (`total N`, `.` and `..`, MLSD's cdir and pdir): a caller that must know whether
   * a name is absent (`replace: false`) cannot trust a listing it could not read whole.
   */
  onUnread?: (line: string) => void;
}

// Lines that are no entry and say so: ls's `total 12`, the folder and its parent.
const NOT_AN_ENTRY = /^total \d+$|(?:^| )\.\.?$|(?:^|;)type=[cp]dir;/i;

const DEFAULT_MAX_LINE = 16 * 1024;

/**
 * Turns the bytes of a LIST or MLSD data connection into entries. Feed it chunks as they
 * arrive, split anywhere; each call returns the entries its lines completed, and `end()`
 * the last one when the listing did not end with a line break.
 *
 * The format (Unix `ls -l` in any of its date styles and several languages' month
 * names, DOS/IIS, EPLF, MLSD facts) is detected per listing, from the first
 * line that parses as one of them, and the rest are read in that format. Lines that do
 * not parse are skipped rather than failing the listing: servers put headers, `total N`,
 * notes and entries in forms nobody documented into listings, and one odd line should
 * not cost the user every other entry. `.`, `..`, `cdir` and `pdir` are skipped too: they
 * are the folder itself and its parent, not its contents. So is a name that is not one
 * name of this folder (`../x`, `a/../../y`, a backslash, NUL): callers join names onto
 * local folders, and such a name would lead out of them. `onRefused` hears of those.
 *
 * A line longer than `maxLineBytes` is a ProtocolError (FTPPY_ERR_TOO_LARGE), after
 * which the parser stays broken: the data connection cannot be trusted.
 */
export class ListingParser {
  readonly #lines: LineSplitter;
  readonly #prefix: string;
  readonly #now: number;
  readonly #given: ListingFormat | null;
  readonly #onRefused: ((line: string, why: string) => void) | undefined;
  readonly #onUnread: ((line: string) => void) | undefined;
  #format: ListingFormat | null;
  #out: ListingEntry[] = [];
  #error: ProtocolError | null = null;
  readonly #onLine = (text: string, start: number, end: number): void => this.#line(text, start, end);

  constructor(options: ListingParserOptions = {}) {
    this.#lines = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE, 'listing line', options.encoding);
    this.#prefix = pathPrefix(options.dir ?? '');
    this.#now = (options.now ?? new Date()).getTime();
    this.#given = options.format ?? null;
    this.#format = this.#given;
    this.#onRefused = options.onRefused;
    this.#onUnread = options.onUnread;
  }

  /** The format of the listing being read, once a line has shown it. */
  get format(): ListingFormat | null {
    return this.#format;
  }

  push(chunk: Buffer): ListingEntry[] {
    return this.#run((onLine) => this.#lines.pushText(chunk, onLine));
  }

  /** Reads the last line if it had no line break; the parser is then ready for another listing. */
  end(): ListingEntry[] {
    const out = this.#run((onLine) => this.#lines.flushText(onLine));
    this.#format = this.#given;
    return out;
  }

  #run(feed: (onLine: (text: string, start: number, end: number) => void) => void): ListingEntry[] {
    if (this.#error) throw this.#error;
    try {
      feed(this.#onLine);
    } catch (error) {
      this.#error = error instanceof ProtocolError ? error : new ProtocolError(String(error));
      this.#out = [];
      throw this.#error;
    }
    const out = this.#out;
    if (out.length > 0) this.#out = [];
    return out;
  }

  // Lines arrive decoded by the splitter (decodeRaw: UTF-8, other bytes as U+DC80+byte).
  #line(text: string, start: number, end: number): void {
    if (end === start) return;
    const line = start === 0 && end === text.length ? text : text.slice(start, end);
    let entry: ListingEntry | null;
    switch (this.#format) {
      case 'unix':
        entry = parseUnixLine(line, this.#now);
        break;
      case 'mlsd':
        entry = parseFactsLine(line);
        break;
      case 'dos':
        entry = parseDosLine(line);
        break;
      case 'eplf':
        entry = parseEplfLine(line);
        break;
      default:
        entry = this.#detect(line);
    }
    if (entry === null) {
      if (this.#onUnread !== undefined && !NOT_AN_ENTRY.test(line)) this.#onUnread(line);
      return;
    }
    const why = unsafeNameReason(entry.name);
    if (why !== null) return this.#onRefused?.(line, `its name ${why}`);
    // The one place a listed entry gets its path: the folder listed and the name, never
    // a path the server wrote (an MLSD `/etc/passwd` in a listing of /r is /r/passwd).
    entry.path = this.#prefix + entry.name;
    this.#out.push(entry);
  }

  // The four formats cannot be mistaken for each other: ls -l lines begin with a mode
  // (`-rw-`), DOS lines with a date (`12-` or `2024-`), EPLF lines with `+` and hold a
  // TAB, MLSD lines with `fact=value;` up to the first blank, which none of the others
  // has. An MLSD line without facts (` name`) is valid but says nothing of its format, so
  // it does not decide one.
  #detect(line: string): ListingEntry | null {
    let entry = parseUnixLine(line, this.#now);
    if (entry !== null) {
      this.#format = 'unix';
      return entry;
    }
    entry = parseEplfLine(line);
    if (entry !== null) {
      this.#format = 'eplf';
      return entry;
    }
    entry = line.charCodeAt(0) === 0x20 ? null : parseFactsLine(line);
    if (entry !== null) {
      this.#format = 'mlsd';
      return entry;
    }
    entry = parseDosLine(line);
    if (entry !== null) this.#format = 'dos';
    return entry;
  }
}

/** A whole listing at once: the same as one push() and end() on a new ListingParser. */
export function parseListing(data: Buffer | string, options?: ListingParserOptions): ListingEntry[] {
  const parser = new ListingParser(options);
  const entries = parser.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  return entries.concat(parser.end());
}
