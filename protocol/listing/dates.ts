// Dates as listings write them. Listings carry no time zone, so every date is read and
// written as UTC: a client comparing them with local files compares like with like, and
// MLSD (RFC 3659 §2.3) is UTC by definition.

const DAY_MS = 24 * 60 * 60 * 1000;
const YEARS_400_MS = 146_097 * DAY_MS;

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Month names are matched by their three letters folded to lower case and packed into one
// number, so that a listing line costs no substring or toLowerCase() to find its month.
const monthKeys = new Map<number, number>(
  MONTH_NAMES.map((name, index) => [packLower(name, 0), index]),
);

function packLower(text: string, at: number): number {
  return ((text.charCodeAt(at) | 0x20) << 16) | ((text.charCodeAt(at + 1) | 0x20) << 8) | (text.charCodeAt(at + 2) | 0x20);
}

/** The month (0-11) of the three letters at `start` of `line`, or -1. */
export function monthAt(line: string, start: number): number {
  return monthKeys.get(packLower(line, start)) ?? -1;
}

// `ls -l` in other locales writes the month as its locale abbreviates it (glibc's abmon):
// German, French, Spanish, Italian, Dutch, Portuguese and the Scandinavian languages,
// lower-cased, without the dot French puts after some (`févr.`). No name means a
// different month in two languages (`mar` is March in all that use it).
const OTHER_MONTHS: string[][] = [
  ['janv', 'ene', 'gen'],
  ['févr', 'fév', 'fevr', 'fev'],
  ['mär', 'mrz', 'mars', 'mrt'],
  ['avr', 'avril', 'abr'],
  ['mai', 'mag', 'mei', 'maj'],
  ['juin', 'giu'],
  ['juil', 'lug'],
  ['août', 'aoû', 'aout', 'ago'],
  ['sept', 'set'],
  ['okt', 'ott', 'out'],
  [],
  ['déc', 'dez', 'dic'],
];
const otherMonths = new Map<string, number>(OTHER_MONTHS.flatMap((names, month) => names.map((name) => [name, month] as [string, number])));

/**
 * The month (0-11) that `line[start, end)` names, in English or another language that
 * ls writes (`Mär`, `févr.`, `dic`), or -1. A Latin-1 byte carried raw (`M\xE4r` from a
 * listing that is not UTF-8) reads as its Latin-1 letter.
 */
export function monthIn(line: string, start: number, end: number): number {
  const length = end - start;
  if (length === 3) {
    const month = monthKeys.get(packLower(line, start));
    if (month !== undefined) return month;
  }
  if (length < 3 || length > 6) return -1;
  let key = '';
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    key += String.fromCharCode(c >= 0xdc80 && c <= 0xdcff ? c - 0xdc00 : c);
  }
  key = key.toLowerCase();
  if (key.endsWith('.')) key = key.slice(0, -1);
  return otherMonths.get(key) ?? -1;
}

/** Milliseconds since the epoch, or NaN when the calendar has no such day or time. */
export function utcTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || year < 0) return NaN;
  // Date.UTC reads years 0-99 as 1900-1999; 400 Gregorian years later the calendar repeats.
  const time = year < 100 ? Date.UTC(year + 400, month, day, hour, minute, second, ms) - YEARS_400_MS : Date.UTC(year, month, day, hour, minute, second, ms);
  // Date.UTC rolls Feb 30 over into March; a listing that says Feb 30 is wrong, not March.
  return new Date(time).getUTCDate() === day ? time : NaN;
}

/**
 * The time of an `ls -l` date without a year (`Nov 25 11:31`): `ls` leaves the year out
 * for dates within about six months, so the date is this year's, unless that would put
 * it more than a day in the future (clocks and time zones differ by up to a day), in
 * which case it is last year's. Feb 29 goes back to the latest leap year.
 */
export function timeWithoutYear(month: number, day: number, hour: number, minute: number, now: number): number {
  let year = new Date(now).getUTCFullYear();
  let time = utcTime(year, month, day, hour, minute);
  if (time > now + DAY_MS) time = utcTime(--year, month, day, hour, minute);
  for (let tries = 0; Number.isNaN(time) && tries < 8 && month === 1 && day === 29; tries++) {
    time = utcTime(--year, month, day, hour, minute);
  }
  return time;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/**
 * `Nov 25 11:31` for a date that a parser given the same `now` reads back as the same
 * year, and that lies within six months of now (what `ls` and vsftpd do); `Nov 25  2023`
 * otherwise. Seconds are lost either way, and the time too when the year is written.
 */
export function formatUnixDate(date: Date, now: Date): string {
  return pickUnixDate(unixDateTexts(date, now), date.getTime(), now);
}

/**
 * The two texts formatUnixDate chooses between for `date`: with the time (null when a
 * parser would read it back as another year) and with the year. Both depend only on the
 * minute of `date` (and on `now`), so a listing can keep them per minute.
 */
export interface UnixDateTexts {
  withTime: string | null;
  withYear: string;
}

export function unixDateTexts(date: Date, now: Date): UnixDateTexts {
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const head = `${MONTH_NAMES[month]} ${day < 10 ? ' ' : ''}${day} `;
  const hour = date.getUTCHours();
  const minute = date.getUTCMinutes();
  const readBack = timeWithoutYear(month, day, hour, minute, now.getTime());
  const sameYear = new Date(readBack).getUTCFullYear() === date.getUTCFullYear();
  return { withTime: sameYear ? `${head}${pad2(hour)}:${pad2(minute)}` : null, withYear: `${head} ${date.getUTCFullYear()}` };
}

/** formatUnixDate's choice: the time for a date within six months of now that reads back right. */
export function pickUnixDate(texts: UnixDateTexts, time: number, now: Date): string {
  const recent = Math.abs(now.getTime() - time) < 182 * DAY_MS;
  return recent && texts.withTime !== null ? texts.withTime : texts.withYear;
}

/**
 * An RFC 3659 time-val, `YYYYMMDDHHMMSS` with optional `.sss` fractions, as a time in ms,
 * or NaN when it is not one.
 */
export function parseTimeVal(text: string, start = 0, end = text.length): number {
  if (end - start < 14) return NaN;
  for (let i = start; i < start + 14; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return NaN;
  }
  const num = (from: number, length: number): number => {
    let n = 0;
    for (let i = start + from; i < start + from + length; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
    return n;
  };
  let ms = 0;
  if (end - start > 14) {
    if (text.charCodeAt(start + 14) !== 0x2e || end - start === 15) return NaN;
    let scale = 100;
    for (let i = start + 15; i < end; i++) {
      const d = text.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return NaN;
      ms += d * scale; // digits past milliseconds add nothing a Date can hold
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  return utcTime(num(0, 4), num(4, 2) - 1, num(6, 2), num(8, 2), num(10, 2), num(12, 2), ms);
}

/** A time as an RFC 3659 time-val in UTC; `.sss` only when there are milliseconds. */
export function formatTimeVal(date: Date): string {
  const text =
    date.getUTCFullYear().toString().padStart(4, '0') +
    pad2(date.getUTCMonth() + 1) +
    pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) +
    pad2(date.getUTCMinutes()) +
    pad2(date.getUTCSeconds());
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? text : `${text}.${ms.toString().padStart(3, '0')}`;
}
