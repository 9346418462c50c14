import { randomBytes } from 'node:crypto';

// A transfer that must not leave half a file under the target's name writes beside it,
// under a hidden name that says what it is, and renames it onto the target when complete.
// Tree operations recognise such names on both sides and never take them for files.

const SUFFIX = '.ftppy-part';

// Unique across processes by a random prefix drawn once, within one by a counter: drawing
// random bytes for every file showed in the profile of a tree of small files.
const prefix = randomBytes(4).toString('hex');
let count = 0;

/** `.name.1a2b3c4d7.ftppy-part`: hidden, unique to this transfer, recognisable. */
export function partName(name: string): string {
  count += 1;
  return `.${name}.${prefix}${count.toString(36)}${SUFFIX}`;
}

export function isPartName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(SUFFIX);
}
