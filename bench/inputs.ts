// Prebuilt inputs for the parser benchmarks: what real servers send, in the proportions
// a busy client sees, generated from a fixed seed so every run parses the same bytes.
import { seeded } from '../spec/helpers/chunks.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WORDS = ['report', 'data', 'IMG', 'backup', 'notes', 'final version', 'été', '名前', 'log', 'x'];
const EXTENSIONS = ['.txt', '.csv', '.jpg', '.tar.gz', '.bin', '', '.log'];

function name(random: () => number, i: number): string {
  const word = WORDS[Math.floor(random() * WORDS.length)]!;
  return `${word}-${i}${EXTENSIONS[Math.floor(random() * EXTENSIONS.length)]!}`;
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * An `ls -l` listing as vsftpd, proftpd and pure-ftpd pad it: files, folders and links,
 * named and numeric owners, recent dates with a time and older ones with a year.
 */
export function unixListing(lines: number): Buffer {
  const random = seeded(0x0b3c);
  const out: string[] = ['total 123456'];
  for (let i = 0; i < lines; i++) {
    const kind = random();
    const mode = kind < 0.75 ? '-rw-r--r--' : kind < 0.95 ? 'drwxr-xr-x' : 'lrwxrwxrwx';
    const [owner, group] = random() < 0.5 ? ['ftp', 'ftp'] : ['1000', '1000'];
    const size = kind < 0.75 ? Math.floor(random() * 2 ** (random() * 32)) : 4096;
    const month = MONTHS[Math.floor(random() * 12)]!;
    const day = 1 + Math.floor(random() * 28);
    const when = random() < 0.6 ? `${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}` : ` ${2010 + Math.floor(random() * 14)}`;
    const file = name(random, i) + (mode[0] === 'l' ? ` -> target-${i}` : '');
    out.push(`${mode}    1 ${owner.padEnd(8)} ${group.padEnd(8)} ${String(size).padStart(12)} ${month} ${String(day).padStart(2)} ${when} ${file}`);
  }
  return Buffer.from(`${out.join('\r\n')}\r\n`);
}

/** An MLSD listing with the facts pure-ftpd and proftpd send. */
export function mlsdListing(lines: number): Buffer {
  const random = seeded(0x315d);
  const out: string[] = ['type=cdir;sizd=4096;modify=20241125113151;UNIX.mode=0755;UNIX.uid=0;UNIX.gid=0;unique=fe00g1; .'];
  for (let i = 0; i < lines; i++) {
    const dir = random() < 0.2;
    const modify = `20${pad(10 + Math.floor(random() * 14))}${pad(1 + Math.floor(random() * 12))}${pad(1 + Math.floor(random() * 28))}${pad(Math.floor(random() * 24))}${pad(Math.floor(random() * 60))}${pad(Math.floor(random() * 60))}`;
    const size = dir ? 'sizd=4096' : `size=${Math.floor(random() * 2 ** (random() * 32))}`;
    const facts =
      random() < 0.5
        ? `type=${dir ? 'dir' : 'file'};${size};modify=${modify};UNIX.mode=${dir ? '0755' : '0644'};UNIX.uid=1000;UNIX.gid=1000;unique=fe00g${i.toString(16)};`
        : `modify=${modify};perm=${dir ? 'flcdmpe' : 'adfrw'};${size};type=${dir ? 'dir' : 'file'};unique=FE00U${i.toString(16)};UNIX.group=1000;UNIX.groupname=users;UNIX.mode=${dir ? '0755' : '0644'};UNIX.owner=1000;UNIX.ownername=user;`;
    out.push(`${facts} ${name(random, i)}`);
  }
  return Buffer.from(`${out.join('\r\n')}\r\n`);
}

const SINGLE = [
  '200 Switching to Binary mode.',
  '227 Entering Passive Mode (127,0,0,1,168,12).',
  '229 Entering Extended Passive Mode (|||43012|)',
  '150 Opening BINARY mode data connection for data-1m.bin (1048576 bytes).',
  '226 Transfer complete.',
  '250 Directory successfully changed.',
  '213 20241225143022',
  '213 1048576',
  '331 Please specify the password.',
  '350 Ready for RNTO.',
  '550 Failed to open file.',
  '257 "/pub/unicode-été-名前" is the current directory',
];
const MULTI = [
  ['211-Features:', ' EPRT', ' EPSV', ' MDTM', ' MLST type*;size*;modify*;perm*;unix.mode*;', ' PASV', ' REST STREAM', ' SIZE', ' TVFS', ' UTF8', '211 End'],
  ['250-Listing "/pub/hello.txt":', ' modify=20241125113151;perm=radfwMT;size=22;type=file;unique=fe00g20c07c; /pub/hello.txt', '250 End MLST.'],
  ['230-Welcome to the archive.', '230-All transfers are logged.', '230 Login successful.'],
];

/** `count` replies: nine single-line replies to every multi-line one, as a session has them. */
export function replyStream(count: number): Buffer {
  const random = seeded(0x5e9);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (random() < 0.1) out.push(...MULTI[Math.floor(random() * MULTI.length)]!);
    else out.push(SINGLE[Math.floor(random() * SINGLE.length)]!);
  }
  return Buffer.from(`${out.join('\r\n')}\r\n`);
}

/** Cuts a buffer into chunks of `size` bytes, as a socket would deliver a fast transfer. */
export function chunked(bytes: Buffer, size = 64 * 1024): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}
