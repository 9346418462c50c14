import { formatTimeVal, formatUnixDate, pickUnixDate, unixDateTexts, type UnixDateTexts } from './dates.js';
import type { ListingEntry } from './entry.js';
import { parseOctal, rwxText } from './mode.js';

// What the server writes for LIST and MLSD/MLST. The parsers read these lines back to the
// same entries (spec/protocol/listing-format.spec.ts), which is what keeps a client of
// ours and a server of ours agreeing on every field.

/** The MLST facts the formatter can write, in the order it writes them (RFC 3659 §7.5). */
export const MLST_FACTS = ['type', 'size', 'modify', 'perm', 'unix.mode', 'unix.owner', 'unix.group'] as const;
export type MlstFact = (typeof MLST_FACTS)[number];

/**
 * The FEAT line for MLST: `MLST type*;size*;modify*;perm*;unix.mode*;…;`, a `*` after
 * each fact that is currently selected (all of them unless `selected` says otherwise).
 */
export function mlstFeature(selected: readonly string[] = MLST_FACTS): string {
  const on = new Set(selected.map((fact) => fact.toLowerCase()));
  return `MLST ${MLST_FACTS.map((fact) => `${fact}${on.has(fact) ? '*' : ''};`).join('')}`;
}

/**
 * The facts an `OPTS MLST type;size;` argument selects: the ones we support, lower-cased,
 * in our order; unknown ones are dropped, as RFC 3659 §7.9 asks. An empty argument
 * selects none. The reply is `200 MLST OPTS ` followed by each with its `;`.
 */
export function selectMlstFacts(argument: string): MlstFact[] {
  const asked = new Set(argument.split(';').map((fact) => fact.trim().toLowerCase()));
  return MLST_FACTS.filter((fact) => asked.has(fact));
}

// A name with a line break in it would end the listing line early and forge the next one.
// Such names cannot be written on the wire, so they are shown the way `ls -q` shows
// control characters: as '?'.
const LINE_BREAK = /[\r\n\0]/;
const clean = (text: string): string => (LINE_BREAK.test(text) ? text.replace(/[\r\n\0]/g, '?') : text);

/** One token of an ls -l column: blanks would split it in two for every parser. */
const column = (text: string | undefined): string => (text ? clean(text).replace(/\s/g, '_') : 'ftp');

const TYPE_LETTERS = { file: '-', dir: 'd', link: 'l', other: '?' } as const;
const DEFAULT_MODES = { file: 0o644, dir: 0o755, link: 0o777, other: 0o644 } as const;

function modeOf(entry: ListingEntry): number {
  const bits = entry.permissions === null ? -1 : parseOctal(entry.permissions);
  return bits >= 0 ? bits : DEFAULT_MODES[entry.type];
}

/**
 * An `ls -l` line the way vsftpd writes it (no CRLF):
 * `-rw-r--r--    1 ftp      ftp          1234 Nov 25 11:31 name`, `HH:MM` for dates
 * within six months of `now` and the year otherwise (see formatUnixDate), `name -> target`
 * for links. What an entry does not know is filled in: one link, owner and group `ftp`,
 * mode 644 (755 for folders, 777 for links), and 1 Jan 1970 for an unknown date. An
 * 'other' entry gets the type letter `?`, as GNU ls writes for types it cannot name.
 */
export function formatUnixLine(entry: ListingEntry, now: Date = new Date()): string {
  return new UnixLineFormatter(now).line(entry);
}

// Texts a formatter keeps, each cache cleared when it reaches this many.
const CACHE_LIMIT = 4096;
const MINUTE_MS = 60_000;

/**
 * formatUnixLine for the many lines of one listing, all against one `now`: the files of a
 * folder share a few modes, owners and minutes, and the text of each is built once (the
 * date's alone took two Dates and a calendar check per line).
 */
export class UnixLineFormatter {
  readonly #now: Date;
  readonly #modes = new Map<string, string>();
  readonly #columns = new Map<string, string>();
  readonly #minutes = new Map<number, UnixDateTexts>();

  constructor(now: Date = new Date()) {
    this.#now = now;
  }

  line(entry: ListingEntry): string {
    const name = clean(entry.name) + (entry.type === 'link' && entry.target !== undefined ? ` -> ${clean(entry.target)}` : '');
    const size = String(entry.size).padStart(8);
    return `${this.#mode(entry)}    1 ${this.#column(entry.owner)} ${this.#column(entry.group)} ${size} ${this.#date(entry.modified)} ${name}`;
  }

  #mode(entry: ListingEntry): string {
    const key = `${entry.type}${entry.permissions ?? ''}`;
    let text = this.#modes.get(key);
    if (text === undefined) {
      text = TYPE_LETTERS[entry.type] + rwxText(modeOf(entry));
      remember(this.#modes, key, text);
    }
    return text;
  }

  /** One token of an ls -l column, padded to 8: blanks would split it in two for every parser. */
  #column(value: string | undefined): string {
    const key = value ?? '';
    let text = this.#columns.get(key);
    if (text === undefined) {
      text = column(value).padEnd(8);
      remember(this.#columns, key, text);
    }
    return text;
  }

  #date(modified: Date | null): string {
    const date = modified ?? new Date(0);
    const time = date.getTime();
    if (Number.isNaN(time)) return formatUnixDate(date, this.#now);
    const minute = Math.floor(time / MINUTE_MS);
    let texts = this.#minutes.get(minute);
    if (texts === undefined) {
      texts = unixDateTexts(date, this.#now);
      remember(this.#minutes, minute, texts);
    }
    return pickUnixDate(texts, time, this.#now);
  }
}

function remember<K, V>(cache: Map<K, V>, key: K, text: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, text);
}

export interface MlsxFormatOptions {
  /** The facts selected with OPTS MLST, lower-case (default: all of MLST_FACTS). */
  facts?: readonly string[];
  /** RFC 3659 §7.5.5 perm letters (`adfrw`, `elcmp`…) from the user's rights; no perm fact without it. */
  perm?: string;
  /** Writes `type=cdir` or `type=pdir` for the listed folder itself or its parent. */
  type?: 'cdir' | 'pdir';
}

/** A fact value may hold neither ';' (it ends the fact) nor blanks (they end the facts). */
const factValue = (text: string | undefined): string | undefined =>
  text === undefined || text === '' || /[;\s]/.test(text) ? undefined : text;

// Links: RFC 3659's own example writes `OS.unix=slink:/target`; its erratum 1500 argues
// for `OS.unix=symlink` because a target may hold characters a fact value cannot. Both
// are read by clients (ours and basic-ftp read both); the target is written when it fits
// in a fact value, since a client that wants it would otherwise need another command.
function typeFact(entry: ListingEntry, override: 'cdir' | 'pdir' | undefined): string {
  if (override !== undefined) return override;
  if (entry.type === 'link') {
    const target = factValue(entry.target);
    return target === undefined ? 'OS.unix=symlink' : `OS.unix=slink:${target}`;
  }
  return entry.type === 'other' ? 'OS.unix=other' : entry.type;
}

/**
 * An MLSD line, or the fact line of an MLST reply without its leading space (no CRLF):
 * `type=file;size=1234;modify=20241225143022;perm=adfrw;unix.mode=0644; name`. Facts come
 * in the order of MLST_FACTS, `modify` in UTC (with `.sss` when there are milliseconds).
 * For MLST pass the entry with its full path as the name: `{ ...entry, name: entry.path }`.
 */
export function formatMlsxLine(entry: ListingEntry, options: MlsxFormatOptions = {}): string {
  const on = options.facts === undefined ? null : new Set(options.facts.map((fact) => fact.toLowerCase()));
  const want = (fact: MlstFact): boolean => on === null || on.has(fact);
  let facts = '';
  if (want('type')) facts += `type=${typeFact(entry, options.type)};`;
  if (want('size')) facts += `size=${entry.size};`;
  if (want('modify') && entry.modified !== null && !Number.isNaN(entry.modified.getTime())) {
    facts += `modify=${formatTimeVal(entry.modified)};`;
  }
  const perm = factValue(options.perm);
  if (want('perm') && perm !== undefined) facts += `perm=${perm};`;
  if (want('unix.mode') && entry.permissions !== null) {
    const bits = parseOctal(entry.permissions);
    if (bits >= 0) facts += `unix.mode=${bits.toString(8).padStart(4, '0')};`;
  }
  const owner = factValue(entry.owner);
  if (want('unix.owner') && owner !== undefined) facts += `unix.owner=${owner};`;
  const group = factValue(entry.group);
  if (want('unix.group') && group !== undefined) facts += `unix.group=${group};`;
  return `${facts} ${clean(entry.name)}`;
}
