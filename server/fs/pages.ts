import type { Storage, StorageEntry } from './storage.js';

/** The most entries a page holds: a listing keeps one page of stats in memory at a time. */
export const PAGE_SIZE = 256;

/** A storage's entries a page at a time: its own pages, or its `list` gathered into pages. */
export function listPages(storage: Storage, path: string): AsyncIterable<readonly StorageEntry[]> {
  return storage.listPages ? storage.listPages(path) : gathered(storage.list(path));
}

/**
 * The pages of a storage class (`own`), unless a subclass has overridden `list` (to hide
 * entries, say): then that `list`, gathered, so that no listing gets past it. `classList`
 * is the class's own `list`.
 */
export function ownPages(storage: Storage, classList: Storage['list'], path: string, own: () => AsyncIterable<readonly StorageEntry[]>): AsyncIterable<readonly StorageEntry[]> {
  return storage.list === classList ? own() : gathered(storage.list(path));
}

/** Single items gathered into pages of up to PAGE_SIZE. */
async function* gathered<T>(items: AsyncIterable<T>): AsyncIterable<T[]> {
  let page: T[] = [];
  for await (const item of items) {
    page.push(item);
    if (page.length >= PAGE_SIZE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** Pages flattened back into single entries, for callers that take one at a time. */
export async function* flattened<T>(pages: AsyncIterable<readonly T[]>): AsyncIterable<T> {
  for await (const page of pages) yield* page;
}
