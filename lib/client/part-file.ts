import type { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { rawByteLength } from '../../protocol/text.js';

// A transfer that must not leave half a file under the target's name writes beside it,
// under a hidden name that says what it is, and renames it onto the target when complete.
// Tree operations recognise such names on both sides and never take them for files.

const SUFFIX = '.ftppy-part';
// A name may be 255 bytes at most (NAME_MAX on Linux and the BSDs, most servers' disks);
// the target's name is cut to leave room for the dots, the id and the suffix.
const NAME_MAX = 255;

// Unique across processes by a random prefix drawn once, within one by a counter: drawing
// random bytes for every file showed in the profile of a tree of small files.
const prefix = randomBytes(4).toString('hex');
let count = 0;

/** The longest start of `name` (whole characters) that is at most `max` bytes. */
function cut(name: string, max: number): string {
  if (rawByteLength(name) <= max) return name;
  let out = '';
  let bytes = 0;
  for (const char of name) {
    bytes += rawByteLength(char);
    if (bytes > max) break;
    out += char;
  }
  return out;
}

/**
 * `.name.1a2b3c4d7.ftppy-part`: hidden, unique to this transfer, recognisable, and never
 * longer than a name may be (the target's name is cut short when it must be).
 */
export function partName(name: string): string {
  count += 1;
  const id = `.${prefix}${count.toString(36)}${SUFFIX}`;
  return `.${cut(name, NAME_MAX - 1 - id.length)}${id}`;
}

// A download's part file named for the remote file it holds the start of:
// `.name.ftppy-<size>-<time in ms>.part`. The next download of the same remote file finds
// it under the same name, and one of another version (size or time) is known by its shape.
const RESUMABLE = /\.ftppy-\d+-\d+\.part$/;

/**
 * `.name.ftppy-3145733-1714979289000.part`: the part file of `name` for a remote file of
 * `size` bytes last modified at `modified`, within 255 bytes (the name cut when it must be).
 */
export function resumablePartName(name: string, size: number, modified: Date): string {
  const id = `.ftppy-${size}-${modified.getTime()}.part`;
  return `.${cut(name, NAME_MAX - 1 - id.length)}${id}`;
}

/** Whether `candidate` is a resumable part file of `name` (of any version of the remote file). */
export function isResumablePartOf(candidate: string, name: string): boolean {
  const match = RESUMABLE.exec(candidate);
  if (!match) return false;
  const stem = candidate.slice(1, match.index);
  return stem === name || stem === cut(name, NAME_MAX - 1 - (candidate.length - match.index));
}

export function isPartName(name: string): boolean {
  return name.startsWith('.') && (name.endsWith(SUFFIX) || RESUMABLE.test(name));
}

/** Ends (or destroys) a file sink and waits until it has closed: the part file is then free to rename or remove. */
export function closeFile(file: Writable, end: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (file.closed) return resolve();
    file.once('close', resolve).once('error', reject);
    if (end) file.end();
    else file.destroy();
  });
}
