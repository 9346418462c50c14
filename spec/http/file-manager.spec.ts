// The file manager driven as a person would, in headless Chromium over the DevTools
// protocol: folders made, renamed, moved and deleted with the keyboard alone; files
// uploaded through the picker and by dropping a folder, each with its own progress and a
// cancel; a selection downloaded as one ZIP; search, sorting, breadcrumbs; errors shown
// in words; the status view with live figures. Every action is checked on disk. Screen-
// shots at 1280×800 and 390×844 go to $FTPPY_ARTIFACTS (default: the temp folder's
// ftppy-artifacts), printed in the test output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skipOutsideCi } from '../helpers/ci.js';
import { installed } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';
import { CHROMIUM, LivePage } from './support/chromium.js';
import { ALICE, leftovers, startWeb, type WebFixture } from './support/web.js';

const ARTIFACTS = process.env.FTPPY_ARTIFACTS ?? join(tmpdir(), 'ftppy-artifacts');
const skip = skipOutsideCi(installed(CHROMIUM) ? false : 'chromium is not installed: run `apt-get install -y chromium` (as .ci/run does) for the browser specs');

const NAMES = `[...document.querySelectorAll('#entries td.name')].map((td) => td.textContent).join('|')`;
const MESSAGE = `document.getElementById('message').textContent`;
const row = (name: string): string => `[...document.querySelectorAll('#entries tr')].find((tr) => tr.querySelector('td.name').textContent === ${JSON.stringify(name)})`;

describe('the file manager, driven in headless Chromium', { timeout: 240_000, skip }, () => {
  let w: WebFixture;
  let page: LivePage;
  let local: { dir: string; remove: () => void };
  const at = (path: string): string => join(w.root, path);

  /** Shows a folder and waits for its listing. */
  async function go(path: string): Promise<void> {
    await page.evaluate(`location.hash = ${JSON.stringify(`#${path}`)}`);
    await page.until(`document.body.dataset.state === 'ready' && document.body.dataset.path === ${JSON.stringify(path)}`, `the listing of ${path}`);
  }

  /** Gives a control the focus and presses Enter on it: the keyboard, no mouse. */
  async function activate(selector: string): Promise<void> {
    await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).focus()`);
    await page.press('Enter');
  }

  /** Answers the page's dialog: replaces its text (when it has an input) and presses Enter. */
  async function answer(text?: string): Promise<void> {
    await page.until(`document.getElementById('ask').open`, 'the dialog');
    if (text !== undefined) {
      await page.evaluate(`document.getElementById('ask-input').select()`);
      await page.type(text);
    }
    await page.press('Enter');
    await page.until(`!document.getElementById('ask').open`, 'the dialog to close');
  }

  /** Focuses the row of `name` (the listing's rows are what the arrow keys move through). */
  async function focusRow(name: string): Promise<void> {
    await page.evaluate(`${row(name)}.focus()`);
  }

  async function shoot(name: string, width: number, height: number, t: { diagnostic(message: string): void }): Promise<void> {
    await page.viewport(width, height, width < 600);
    const png = await page.screenshot();
    assert.ok(png.length > 5_000, `a page, not a blank (${png.length} bytes)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `file-manager-${name}-${width}x${height}.png`);
    writeFileSync(file, png);
    t.diagnostic(`screenshot: ${file}`);
  }

  before(async () => {
    // Uploads are read at 16 MiB/s at most (the server's own limit, as an account's rate
    // would be), so that the cancelled upload below is still under way when cancelled.
    w = await startWeb({ version: 'manager-spec' }, { anonymous: true, rate: { upload: 16 * 1024 * 1024 } });
    local = tempDir('ftppy-manager-');
    mkdirSync(join(w.root, 'work'));
    page = await LivePage.open(`http://${ALICE}@127.0.0.1:${w.port}/?login=1#/work`);
    await page.send('Page.enable');
    await page.until(`document.body.dataset.state === 'ready'`, 'the first listing');
    await page.viewport(1280, 800);
  });
  after(async () => {
    await page?.close();
    local?.remove();
    await w?.close();
  });

  it('makes a folder from the keyboard, and says so in words when the name exists', async () => {
    await go('/work');
    await activate('#new-folder');
    await answer('Reports 2026');
    await page.until(`${NAMES} === 'Reports 2026'`, 'the new folder in the listing');
    assert.equal(existsSync(at('work/Reports 2026')), true);
    await activate('#new-folder');
    await answer('Reports 2026');
    await page.until(`document.getElementById('message').className === 'error'`, 'the error');
    assert.match(await page.evaluate<string>(MESSAGE), /already exists: \/work\/Reports 2026/);
  });

  it('uploads several files through the picker, each with its own progress in bytes and percent', async () => {
    writeFileSync(join(local.dir, 'a.txt'), 'alpha\n');
    writeFileSync(join(local.dir, 'big.bin'), Buffer.alloc(3 << 20, 7));
    writeFileSync(join(local.dir, 'c d.txt'), 'gamma\n');
    await page.chooseFiles('#file', [join(local.dir, 'a.txt'), join(local.dir, 'big.bin'), join(local.dir, 'c d.txt')]);
    await page.until(`[...document.querySelectorAll('#uploads li')].filter((li) => li.dataset.state === 'done').length === 3`, 'three finished uploads');
    const items = await page.evaluate<{ name: string; text: string; value: number; max: number }[]>(`[...document.querySelectorAll('#uploads li')].map((li) => ({
      name: li.querySelector('.file').textContent, text: li.querySelector('.progress-text').textContent,
      value: li.querySelector('progress').value, max: li.querySelector('progress').max }))`);
    assert.deepEqual(items.map((i) => i.name), ['a.txt', 'big.bin', 'c d.txt']);
    assert.equal(items[1]!.text, '3.0 MiB of 3.0 MiB (100%)');
    assert.equal(items[1]!.value, items[1]!.max);
    assert.equal(readFileSync(at('work/big.bin')).length, 3 << 20);
    assert.equal(readFileSync(at('work/c d.txt'), 'utf8'), 'gamma\n');
    await page.until(`${NAMES} === 'Reports 2026|a.txt|big.bin|c d.txt'`, 'the uploaded files listed');
  });

  it('cancels one upload of several, and only that one', async () => {
    // 64 MiB read at the server's 16 MiB/s: still under way when cancelled, more than
    // the socket buffers between the two can hold, so the server never gets its end.
    // (Chromium's own upload throttling, Network.emulateNetworkConditions, slowed only
    // its progress events: the whole body reached the server before the cancel, which
    // then stored it in about a third of the runs.)
    writeFileSync(join(local.dir, 'slow.bin'), Buffer.alloc(64 << 20, 1));
    writeFileSync(join(local.dir, 'quick.txt'), 'quick\n');
    await page.evaluate(`document.getElementById('uploads').replaceChildren()`);
    await page.chooseFiles('#file', [join(local.dir, 'slow.bin'), join(local.dir, 'quick.txt')]);
    const slow = `[...document.querySelectorAll('#uploads li')].find((li) => li.querySelector('.file').textContent === 'slow.bin')`;
    await page.until(`${slow}.querySelector('progress').value > 0`, 'the slow upload under way');
    await page.evaluate(`${slow}.querySelector('button.cancel').focus()`);
    await page.press('Enter');
    await page.until(`${slow}.dataset.state === 'cancelled'`, 'the cancelled upload');
    await page.until(`[...document.querySelectorAll('#uploads li')].find((li) => li.querySelector('.file').textContent === 'quick.txt').dataset.state === 'done'`, 'the other upload done');
    assert.equal(readFileSync(at('work/quick.txt'), 'utf8'), 'quick\n');
    assert.equal(existsSync(at('work/slow.bin')), false);
    // the server drops the cut upload's temporary file once it sees the connection close
    const deadline = Date.now() + 10_000;
    while (leftovers(at('work')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(leftovers(at('work')), []);
    assert.equal(existsSync(at('work/slow.bin')), false, 'nor stored once its temporary file was gone');
  });

  it('keeps the structure of a dropped folder', async () => {
    mkdirSync(join(local.dir, 'dropped/inner/deepest'), { recursive: true });
    writeFileSync(join(local.dir, 'dropped/top.txt'), 'top\n');
    writeFileSync(join(local.dir, 'dropped/inner/deepest/leaf.txt'), 'leaf\n');
    const target = await page.evaluate<{ x: number; y: number }>(`(() => { const r = document.querySelector('main').getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + 40 }; })()`);
    const data = { items: [], files: [join(local.dir, 'dropped')], dragOperationsMask: 1 };
    // A frame between the steps, as a hand would leave: the drop counts only once a dragover was answered.
    for (const type of ['dragEnter', 'dragOver', 'dragOver', 'drop']) {
      await page.send('Input.dispatchDragEvent', { type, ...target, data });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    }
    await page.until(`${NAMES}.includes('dropped') && document.querySelectorAll('#uploads li[data-state="done"]').length >= 2 && ![...document.querySelectorAll('#uploads li')].some((li) => li.dataset.state === 'sending' || li.dataset.state === 'queued')`, 'the dropped folder uploaded');
    assert.equal(readFileSync(at('work/dropped/top.txt'), 'utf8'), 'top\n');
    assert.equal(readFileSync(at('work/dropped/inner/deepest/leaf.txt'), 'utf8'), 'leaf\n');
  });

  it('renames with F2 and moves a multiple selection into a folder, from the keyboard', async () => {
    await go('/work');
    await focusRow('a.txt');
    await page.press('F2');
    await answer('alpha.txt');
    await page.until(`${NAMES}.includes('alpha.txt')`, 'the renamed file');
    assert.equal(readFileSync(at('work/alpha.txt'), 'utf8'), 'alpha\n');
    // select two rows with Space, moving between them with the arrow keys
    await focusRow('alpha.txt');
    await page.press(' ');
    await page.press('ArrowDown'); // big.bin
    await page.press('ArrowDown'); // c d.txt
    await page.press(' ');
    assert.equal(await page.evaluate<number>(`document.querySelectorAll('#entries input[type=checkbox]:checked').length`), 2);
    await activate('#move');
    await answer('/work/Reports 2026');
    await page.until(`!${NAMES}.includes('alpha.txt') && !${NAMES}.includes('c d.txt')`, 'the moved files gone from here');
    assert.equal(readFileSync(at('work/Reports 2026/alpha.txt'), 'utf8'), 'alpha\n');
    assert.equal(readFileSync(at('work/Reports 2026/c d.txt'), 'utf8'), 'gamma\n');
  });

  it('downloads a selection as one ZIP that python opens', async () => {
    await go('/work');
    await page.evaluate(`${row('Reports 2026')}.querySelector('input[type=checkbox]').click(); ${row('dropped')}.querySelector('input[type=checkbox]').click()`);
    const zipped = await page.evaluate<string>(`(async () => {
      const href = document.getElementById('zip').getAttribute('href');
      const r = await fetch(new URL(href, location.origin + location.pathname));
      const bytes = new Uint8Array(await r.arrayBuffer());
      let s = ''; for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    })()`);
    const file = join(local.dir, 'selection.zip');
    writeFileSync(file, Buffer.from(zipped, 'base64'));
    const names = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(sorted(z.namelist())))', file], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(names, ['Reports 2026/', 'Reports 2026/alpha.txt', 'Reports 2026/c d.txt', 'dropped/', 'dropped/inner/', 'dropped/inner/deepest/', 'dropped/inner/deepest/leaf.txt', 'dropped/top.txt']);
    await page.evaluate(`document.getElementById('select-all').click(); document.getElementById('select-all').click()`); // clear the selection
  });

  it('searches the folder and below; Enter on a result opens its folder', async () => {
    await go('/work');
    await page.evaluate(`document.getElementById('search').focus()`);
    await page.type('leaf');
    await page.press('Enter');
    await page.until(`document.body.dataset.state === 'search' && ${NAMES} === 'dropped/inner/deepest/leaf.txt'`, 'the search result');
    await page.evaluate(`document.querySelector('#entries tr').focus()`);
    await page.until(`document.activeElement.matches('#entries tr')`, 'the result focused');
    await activate('#clear-search');
    await page.until(`document.body.dataset.state === 'ready' && ${NAMES}.includes('big.bin')`, 'the folder again');
  });

  it('sorts by a column, both ways, folders first; breadcrumbs lead back up', async () => {
    await go('/work');
    await activate('#sort-size');
    await page.until(`document.getElementById('sort-size').closest('th').getAttribute('aria-sort') === 'ascending'`, 'sorted by size');
    assert.deepEqual((await page.evaluate<string>(NAMES)).split('|'), ['dropped', 'Reports 2026', 'quick.txt', 'big.bin']);
    await activate('#sort-size');
    await page.until(`document.getElementById('sort-size').closest('th').getAttribute('aria-sort') === 'descending'`, 'sorted by size, largest first');
    assert.deepEqual((await page.evaluate<string>(NAMES)).split('|'), ['Reports 2026', 'dropped', 'big.bin', 'quick.txt']);
    await activate('#sort-name');
    await go('/work/dropped/inner');
    assert.deepEqual(await page.evaluate<string[]>(`[...document.querySelectorAll('#crumbs a')].map((a) => a.textContent)`), ['root', 'work', 'dropped', 'inner']);
    await page.evaluate(`[...document.querySelectorAll('#crumbs a')].find((a) => a.textContent === 'work').focus()`);
    await page.press('Enter');
    await page.until(`document.body.dataset.path === '/work' && document.body.dataset.state === 'ready'`, 'back in /work');
  });

  it('Enter opens a folder from its row, Backspace goes up, Delete asks first and then deletes', async () => {
    await go('/work');
    await focusRow('dropped');
    await page.press('Enter');
    await page.until(`document.body.dataset.path === '/work/dropped' && document.body.dataset.state === 'ready'`, 'inside dropped');
    await page.until(`document.activeElement.matches('#entries tr')`, 'the first row focused');
    await page.press('Backspace');
    await page.until(`document.body.dataset.path === '/work' && document.body.dataset.state === 'ready'`, 'back up');
    await focusRow('dropped');
    await page.press('Delete');
    await page.until(`document.getElementById('ask').open`, 'the confirmation');
    assert.match(await page.evaluate<string>(`document.getElementById('ask-text').textContent`), /Delete dropped and everything in it\?/);
    await page.press('Escape'); // the dialog's cancel: nothing happens
    await page.until(`!document.getElementById('ask').open`, 'the dialog closed');
    assert.equal(existsSync(at('work/dropped/top.txt')), true);
    await focusRow('dropped');
    await page.press('Delete');
    await answer();
    await page.until(`!${NAMES}.includes('dropped')`, 'the folder gone');
    assert.equal(existsSync(at('work/dropped')), false);    // several at once: a selection made with Space, one confirmation
    writeFileSync(at('work/x1.txt'), '1');
    writeFileSync(at('work/x2.txt'), '2');
    await go('/'); // and back, to list what appeared behind the page's back
    await go('/work');
    await focusRow('x1.txt');
    await page.press(' ');
    await page.press('ArrowDown');
    await page.press(' ');
    await page.press('Delete');
    await page.until(`document.getElementById('ask').open`, 'the confirmation');
    assert.equal(await page.evaluate<string>(`document.getElementById('ask-text').textContent`), 'Delete 2 items?');
    await answer();
    await page.until(`!${NAMES}.includes('x1.txt') && !${NAMES}.includes('x2.txt')`, 'both gone');
    assert.equal(existsSync(at('work/x1.txt')) || existsSync(at('work/x2.txt')), false);
    assert.equal(existsSync(at('work/quick.txt')), true, 'nothing else went');
  });

  it('a question asked at once after the last one was cancelled gets its own answer', async () => {
    // The dialog's 'close' event comes a task after it closed; the second question must not take it for its answer.
    mkdirSync(at('work/race'));
    await go('/');
    await go('/work');
    // Counted in the page: the cancelled question must send no DELETE of its own.
    await page.evaluate(`(() => {
      window.deletes = 0;
      const fetchBefore = window.fetch;
      window.fetch = (url, options) => {
        if (options && options.method === 'DELETE') window.deletes++;
        return fetchBefore(url, options);
      };
    })()`);
    const open = await page.evaluate<boolean>(`(() => {
      const r = ${row('race')};
      const del = () => r.dispatchEvent(new KeyboardEvent('keydown', { key: 'Delete', bubbles: true }));
      r.focus();
      del();
      document.getElementById('ask').close(); // cancelled
      r.focus();
      del(); // asked again before the close event is dispatched
      return document.getElementById('ask').open;
    })()`);
    assert.equal(open, true);
    await answer();
    await page.until(`!${NAMES}.includes('race')`, 'the folder gone');
    assert.equal(existsSync(at('work/race')), false);
    assert.equal(await page.evaluate<number>('window.deletes'), 1, 'one DELETE: the answered question\'s');
  });

  it('shows the server\'s own words for a full quota (507)', async () => {
    // No quota exists yet on this server: the browser answers the next mkdir with the 507 a full quota gives.
    await page.send('Fetch.enable', { patterns: [{ urlPattern: '*/mkdir/*' }] });
    const paused = new Promise<void>((resolve) => page.on('Fetch.requestPaused', (params) => {
      const body = Buffer.from(JSON.stringify({ error: 'Quota exceeded: alice may store 10 MB', status: 507 })).toString('base64');
      void page.send('Fetch.fulfillRequest', { requestId: params.requestId, responseCode: 507, responseHeaders: [{ name: 'Content-Type', value: 'application/json' }], body }).then(() => resolve());
    }));
    try {
      await activate('#new-folder');
      await answer('full');
      await paused;
      await page.until(`document.getElementById('message').className === 'error'`, 'the error');
      assert.equal(await page.evaluate<string>(MESSAGE), 'Not enough space: your quota or the disk is full. Quota exceeded: alice may store 10 MB (507)');
    } finally {
      await page.send('Fetch.disable');
    }
  });

  it('shows the live figures to an account with every right: sessions, failed logins, bans, transfers under way, a throughput chart', async (t) => {
    await go('/work');
    await shoot('files', 1280, 800, t);
    await shoot('files', 390, 844, t);
    assert.equal(await page.evaluate<boolean>('document.documentElement.scrollWidth <= 390'), true, 'nothing wider than a phone');
    await page.viewport(1280, 800);
    // a transfer under way: an upload that sent 400 of its 1000 bytes and waits
    const upload = request({ host: '127.0.0.1', port: w.port, method: 'PUT', path: '/files/work/half.bin', headers: { Authorization: `Basic ${Buffer.from(ALICE).toString('base64')}`, 'Content-Length': 1000 } });
    upload.on('error', () => {});
    upload.write(Buffer.alloc(400));
    try {
      await activate('#status-tab');
      await page.until(`!document.getElementById('status').hidden && document.querySelector('#active tr td') && document.querySelector('#active tr').textContent.includes('/work/half.bin')`, 'the status view with the upload under way');
      const figures = await page.evaluate<Record<string, string>>(`Object.fromEntries([...document.querySelectorAll('#figures div')].map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]))`);
      for (const name of ['FTP sessions now', 'Failed logins', 'Bans', 'Transfers done']) assert.ok(name in figures, `${name} in ${JSON.stringify(figures)}`);
      assert.equal(figures.Bans, '0');
      assert.match(await page.evaluate<string>(`document.querySelector('#active tr').textContent`), /alice.*upload.*400 B of 1000 B \(40%\)/);
      await page.until(`document.querySelectorAll('#chart svg polyline').length === 2`, 'the chart');
      await shoot('status', 1280, 800, t);
      await shoot('status', 390, 844, t);
    } finally {
      upload.destroy();
      await page.viewport(1280, 800);
    }
  });

  it('shows no status view and says "log in" in words to an anonymous visitor who tries to change something', async () => {
    const anonymous = await LivePage.open(`http://127.0.0.1:${w.port}/#/work`);
    try {
      await anonymous.until(`document.body.dataset.state === 'ready'`, 'the anonymous listing');
      // The 401's challenge makes the browser ask for a login: the visitor cancels it.
      await anonymous.send('Fetch.enable', { handleAuthRequests: true, patterns: [{ urlPattern: '*/mkdir/*' }] });
      anonymous.on('Fetch.requestPaused', (params) => void anonymous.send('Fetch.continueRequest', { requestId: params.requestId }));
      anonymous.on('Fetch.authRequired', (params) => void anonymous.send('Fetch.continueWithAuth', { requestId: params.requestId, authChallengeResponse: { response: 'CancelAuth' } }));
      assert.equal(await anonymous.evaluate<boolean>(`document.getElementById('status-tab').hidden`), true);
      await anonymous.evaluate(`document.getElementById('new-folder').focus()`);
      await anonymous.press('Enter');
      await anonymous.until(`document.getElementById('ask').open`, 'the dialog');
      await anonymous.type('nope');
      await anonymous.press('Enter');
      await anonymous.until(`document.getElementById('message').className === 'error'`, 'the error');
      assert.match(await anonymous.evaluate<string>(MESSAGE), /^No right to do that: log in first\. Log in to mkdir \/work\/nope \(401\)$/);
      assert.equal(existsSync(at('work/nope')), false);
    } finally {
      await anonymous.close();
    }
  });
});
