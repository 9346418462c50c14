// Listings read a storage a page at a time (listPages). Our storages offer pages of their
// own; a storage without them is read through its `list`, gathered into pages; and a
// subclass of ours that overrides only `list` (to hide entries, say) must still be listed
// through its `list`, or what it hides would show.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DiskStorage, MemoryStorage, UserFileSystem, type Rights, type Storage, type StorageEntry } from '../../server/index.js';
import { tempDir } from '../helpers/files.js';
import { delegatingStorage } from '../helpers/storage.js';

const ALL: Rights = { read: true, write: true, delete: true, mkdir: true, rename: true };
const FILES = 600; // more than two pages of 256
const names = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(4, '0')}`);

const folder = tempDir('ftppy-storage-pages-');
after(() => folder.remove());
for (const name of names) writeFileSync(join(folder.dir, name), name);

async function memoryWithFiles(storage: MemoryStorage): Promise<MemoryStorage> {
  for (const name of names) {
    const stream = await storage.write(`/${name}`, {});
    await new Promise<void>((resolve, reject) => stream.end(Buffer.from(name), () => resolve()).once('error', reject));
  }
  return storage;
}

/** What a listing shows, read the way LIST reads it (pages) and the way the web API does (list). */
async function listed(storage: Storage): Promise<{ pages: string[]; list: string[]; pageSizes: number[] }> {
  const fs = await UserFileSystem.open(storage, '/', ALL);
  const pages: string[] = [];
  const pageSizes: number[] = [];
  for await (const page of fs.listPages('/')) {
    pageSizes.push(page.length);
    pages.push(...page.map((info) => info.name));
  }
  const list: string[] = [];
  for await (const info of fs.list('/')) list.push(info.name);
  return { pages, list, pageSizes };
}

async function* hidden(entries: AsyncIterable<StorageEntry>): AsyncIterable<StorageEntry> {
  for await (const entry of entries) if (!entry.name.endsWith('7')) yield entry;
}

class HidingDisk extends DiskStorage {
  override list(path: string): AsyncIterable<StorageEntry> {
    return hidden(super.list(path));
  }
}

class HidingMemory extends MemoryStorage {
  override list(path: string): AsyncIterable<StorageEntry> {
    return hidden(super.list(path));
  }
}

describe('listing a page at a time', () => {
  it('DiskStorage and MemoryStorage: every entry, sorted, in pages of at most 256', async () => {
    for (const storage of [new DiskStorage(folder.dir), await memoryWithFiles(new MemoryStorage())]) {
      const { pages, list, pageSizes } = await listed(storage);
      assert.deepEqual(pages, names);
      assert.deepEqual(list, names);
      assert.ok(pageSizes.every((size) => size > 0 && size <= 256), `pages of ${pageSizes.join(', ')}`);
    }
  });

  it('a storage with only `list` is gathered into pages', async () => {
    const memory = await memoryWithFiles(new MemoryStorage());
    const bare = delegatingStorage(memory);
    const { pages, pageSizes } = await listed(bare);
    assert.deepEqual(pages, names);
    assert.deepEqual(pageSizes, [256, 256, 88]);
  });

  it('a subclass that overrides only `list` is listed through it, by pages and by list', async () => {
    const shown = names.filter((name) => !name.endsWith('7'));
    for (const storage of [new HidingDisk(folder.dir), await memoryWithFiles(new HidingMemory())]) {
      const { pages, list } = await listed(storage);
      assert.deepEqual(pages, shown);
      assert.deepEqual(list, shown);
    }
  });
});
