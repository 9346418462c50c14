// Headless Chromium for the page specs, with the flags this machine needs (root, so no
// sandbox; a closed network, so no background traffic) and a fresh profile each time.
// Two ways in: one-shot (`--dump-dom`, `--screenshot`), and a live page driven over the
// DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON messages ending in NUL on
// the browser's fds 3 and 4), which needs no package and no port.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export const CHROMIUM = 'chromium';

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Runs Chromium once on `url` and resolves with what it printed (the DOM, with --dump-dom). */
export function chromiumOnce(url: string, extra: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'ftppy-chromium-'));
  const args = [...FLAGS, `--user-data-dir=${profile}`, '--virtual-time-budget=10000', ...extra, url];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

const KEYS: Record<string, { code: string; keyCode: number }> = {
  Enter: { code: 'Enter', keyCode: 13 },
  Escape: { code: 'Escape', keyCode: 27 },
  Tab: { code: 'Tab', keyCode: 9 },
  ' ': { code: 'Space', keyCode: 32 },
  ArrowUp: { code: 'ArrowUp', keyCode: 38 },
  ArrowDown: { code: 'ArrowDown', keyCode: 40 },
  Delete: { code: 'Delete', keyCode: 46 },
  Backspace: { code: 'Backspace', keyCode: 8 },
  F2: { code: 'F2', keyCode: 113 },
};

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** One page in a headless Chromium, driven over the DevTools protocol. */
export class LivePage {
  readonly #browser: ChildProcess;
  readonly #profile: string;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #session = '';
  readonly #listeners = new Map<string, ((params: Record<string, unknown>) => void)[]>();

  private constructor(browser: ChildProcess, profile: string) {
    this.#browser = browser;
    this.#profile = profile;
    let held = '';
    (browser.stdio[4] as Readable).on('data', (chunk: Buffer) => {
      held += chunk.toString('utf8');
      for (let end = held.indexOf('\0'); end !== -1; end = held.indexOf('\0')) {
        const message = JSON.parse(held.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
        held = held.slice(end + 1);
        if (message.id === undefined) {
          const event = message as { method?: string; params?: Record<string, unknown> };
          for (const listener of this.#listeners.get(event.method ?? '') ?? []) listener(event.params ?? {});
          continue;
        }
        const waiter = this.#pending.get(message.id);
        if (!waiter) continue;
        this.#pending.delete(message.id!);
        if (message.error) waiter.reject(new Error(message.error.message));
        else waiter.resolve(message.result ?? {});
      }
    });
    browser.once('exit', () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error('chromium exited'));
    });
  }

  static async open(url: string): Promise<LivePage> {
    const profile = mkdtempSync(join(tmpdir(), 'ftppy-chromium-'));
    const browser = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    const page = new LivePage(browser, profile);
    const { targetId } = await page.send('Target.createTarget', { url });
    const { sessionId } = await page.send('Target.attachToTarget', { targetId, flatten: true });
    page.#session = sessionId as string;
    return page;
  }

  /** A DevTools command to the page (or, with `session` '', to the browser). */
  send(method: string, params: Record<string, unknown> = {}, session = this.#session): Promise<Record<string, unknown>> {
    const id = this.#next++;
    const message: Record<string, unknown> = { id, method, params };
    if (session) message.sessionId = session;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      (this.#browser.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Evaluates an expression in the page (awaiting a promise) and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) throw new Error(`in the page: ${JSON.stringify(exceptionDetails).slice(0, 500)}`);
    return (result as { value: T }).value;
  }

  /** Waits until the expression is truthy in the page. */
  async until(expression: string, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`).catch(() => false))) {
      if (Date.now() > deadline) {
        // What the page said, if it has a message line: usually why it did not get there.
        const said = await this.evaluate<string>(`document.getElementById('message')?.textContent ?? ''`).catch(() => '');
        throw new Error(`timed out waiting for ${what}${said ? ` (the page says: ${said})` : ''}`);
      }
      await sleep(50);
    }
  }

  /** Puts local files into a file input, as a user picking them would. */
  async chooseFiles(selector: string, files: string[]): Promise<void> {
    const { root } = (await this.send('DOM.getDocument')) as { root: { nodeId: number } };
    const { nodeId } = await this.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    await this.send('DOM.setFileInputFiles', { nodeId, files });
  }

  /** Calls `listener` with the parameters of every DevTools event of this name. */
  on(method: string, listener: (params: Record<string, unknown>) => void): void {
    this.#listeners.set(method, [...(this.#listeners.get(method) ?? []), listener]);
  }

  /** Presses and releases one key, as a keyboard would (`Enter`, `ArrowDown`, `Delete`, `F2`, ` `). */
  async press(key: string, modifiers = 0): Promise<void> {
    const spec = KEYS[key] ?? { code: key.length === 1 ? `Key${key.toUpperCase()}` : key, keyCode: key.length === 1 ? key.toUpperCase().charCodeAt(0) : 0 };
    const text = key === 'Enter' ? '\r' : key.length === 1 ? key : undefined;
    const common = { key, code: spec.code, windowsVirtualKeyCode: spec.keyCode, nativeVirtualKeyCode: spec.keyCode, modifiers };
    await this.send('Input.dispatchKeyEvent', { type: text === undefined ? 'rawKeyDown' : 'keyDown', ...common, ...(text === undefined ? {} : { text, unmodifiedText: text }) });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common });
  }

  /** Types text into whatever has the focus. */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  /** Sets the viewport (a phone's with `mobile`), and waits for the page to lay out again. */
  async viewport(width: number, height: number, mobile = false): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
    await this.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Buffer> {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(data as string, 'base64');
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#browser.once('exit', resolve));
    await this.send('Browser.close', {}, '').catch(() => {});
    await Promise.race([exited, sleep(5000)]);
    this.#browser.kill('SIGKILL');
    rmSync(this.#profile, { recursive: true, force: true });
  }
}
