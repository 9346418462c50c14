import { randomBytes } from 'node:crypto';

// A transfer that must not leave half a file under the target's name writes beside it,
// under a hidden name that says what it is, and renames it onto the target when complete.
// Tree operations recognise such names on both sides and never take them for files.

const SUFFIX = '.ftppy-part';

/** `.name.1a2b3c4d.ftppy-part`: hidden, unique to this transfer, recognisable. */
export function partName(name: string): string {
  return `.${name}.${randomBytes(4).toString('hex')}${SUFFIX}`;
}

export function isPartName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(SUFFIX);
}
