// The file manager page in a real browser: Debian's Chromium, headless, loads it from a
// running server, runs its scripts, and dumps the DOM they built; a second run keeps a
// screenshot. CI installs chromium (.ci/run); without it this spec fails, saying so.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installed } from '../helpers/external-clients.js';
import { ALICE, startWeb, type WebFixture } from './support/web.js';

const CHROMIUM = 'chromium';
const ARTIFACTS = process.env.FTPPY_ARTIFACTS ?? join(tmpdir(), 'ftppy-artifacts');

/** Runs headless Chromium on `url` with the flags this machine needs (no sandbox as root, no network beyond loopback). */
function chromium(url: string, extra: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'ftppy-chromium-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--virtual-time-budget=10000', ...extra, url,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

/** The text of every element with this class in the dumped DOM, tags stripped, entities of names undone. */
function cells(dom: string, className: string): string[] {
  const re = new RegExp(`<td class="${className}">(.*?)</td>`, 'g');
  return [...dom.matchAll(re)].map((m) => m[1]!.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
}

describe('the file manager page in headless Chromium', { timeout: 180_000 }, () => {
  let w: WebFixture;
  let page: string;
  before(async () => {
    w = await startWeb({ version: 'browser-spec' }, { anonymous: false });
    // Credentials in the URL answer the challenge of ?login=1; the page then asks its own origin.
    page = `http://${ALICE}@127.0.0.1:${w.port}/?login=1#/pub`;
  });
  after(() => w.close());

  it('chromium is installed (CI installs it: apt-get install chromium)', () => {
    assert.ok(installed(CHROMIUM), 'chromium is not installed: run `apt-get install -y chromium` (as .ci/run does) for the browser specs');
  });

  it('lists the folder after its scripts ran: folders first, then files by name, with sizes', async () => {
    const dom = await chromium(page, ['--dump-dom']);
    assert.match(dom, /<body data-state="ready">/, 'the page finished loading the listing');
    assert.deepEqual(cells(dom, 'name'), ['nested', 'data.bin', 'hello.txt', 'lines.txt', 'name with spaces.txt', 'unicode-été-名前.txt']);
    assert.deepEqual(cells(dom, 'size').slice(0, 3), ['', '1.0 MiB', '12 B']);
    assert.match(dom, /<a href="#\/pub\/nested">nested<\/a>/, 'folders navigate');
    assert.match(dom, /<a href="files\/pub\/hello\.txt\?download=1" download="hello\.txt">/, 'files download');
    assert.match(dom, /<span id="who">alice · FtpPy browser-spec<\/span>/, 'logged in as alice');
    assert.match(dom, /<nav id="crumbs"><a href="#\/">root<\/a><span>\/<\/span><a href="#\/pub">pub<\/a><\/nav>/);
    assert.match(dom, /<form id="upload">/);
  });

  it('keeps a screenshot', async (t) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'web-file-manager.png');
    rmSync(shot, { force: true });
    await chromium(page, ['--window-size=1100,640', `--screenshot=${shot}`, '--hide-scrollbars']);
    const png = readFileSync(shot);
    assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
    assert.ok(png.length > 10_000, `a page, not a blank (${png.length} bytes)`);
    t.diagnostic(`screenshot: ${shot}`);
  });
});
