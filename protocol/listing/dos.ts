import { utcTime } from './dates.js';
import type { ListingEntry } from './entry.js';
import { isDotName } from './path.js';
import { setSize } from './size.js';

// The MS-DOS style that IIS and other Windows servers send for LIST:
//
//   12-25-24  02:30PM       <DIR>          name
//   12-25-2024  14:30            1234 name
//
// month-day-year with two or four digit years, a 12-hour clock with AM/PM or a 24-hour
// one, `<DIR>` or the size (some servers group its digits with commas), then the name.
// The name is what follows the blanks after the size column; the columns are padded to
// fixed widths, so a name's own leading blanks cannot be told from the padding and are
// lost (IIS rarely allows such names anyway).
const DOS_LINE =
  /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4}) +(\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp][Mm])? +(<[Dd][Ii][Rr]>|\d[\d,]*) +(\S.*)$/;
// The same with an ISO date, year first (Windows set to an ISO short date, FileZilla
// Server): `2024-03-01  13:05  456 name`. Its groups are put in DOS_LINE's order below.
const DOS_ISO_LINE =
  /^(\d{4})-(\d{2})-(\d{2}) +(\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp][Mm])? +(<[Dd][Ii][Rr]>|\d[\d,]*) +(\S.*)$/;

/** Two-digit years as Windows reads them: 70-99 are 19xx, the rest 20xx. */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 4) return year;
  return year >= 70 ? 1900 + year : 2000 + year;
}

/** One DOS/IIS line as an entry, or null when it is not one (or is `.`/`..`). */
export function parseDosLine(line: string): ListingEntry | null {
  let m = DOS_LINE.exec(line);
  if (m === null) {
    m = DOS_ISO_LINE.exec(line);
    if (m === null) return null;
    const [whole, year, month, day, ...rest] = m;
    m = Object.assign([whole, month, day, year, ...rest], { index: 0, input: line }) as RegExpExecArray;
  }
  // The groups without `?` in the pattern always match; only the seconds and AM/PM may not.
  const [, month, day, year, hourText, minute, second, ampm, sizeText, name] = m as unknown as [
    string, string, string, string, string, string, string | undefined, string | undefined, string, string,
  ];
  if (isDotName(name)) return null;
  let hour = Number(hourText);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return null;
    const pm = (ampm.charCodeAt(0) | 0x20) === 0x70;
    hour = (hour % 12) + (pm ? 12 : 0); // 12:xxAM is just past midnight, 12:xxPM noon
  }
  const time = utcTime(fullYear(year), Number(month) - 1, Number(day), hour, Number(minute), Number(second ?? 0));
  const dir = sizeText.charCodeAt(0) === 0x3c; // '<'
  const entry: ListingEntry = {
    name,
    path: name, // ListingParser puts the listed folder before it
    size: 0,
    dir,
    modified: Number.isNaN(time) ? null : new Date(time),
    permissions: null,
    type: dir ? 'dir' : 'file',
  };
  if (!dir) setSize(entry, sizeText.replaceAll(',', ''));
  return entry;
}
