/**
 * Runs `worker` over `items` with at most `limit` at once; a worker may add items (a
 * directory walk finds more directories). The first failure stops new work and rejects;
 * workers already running are left to settle on their own.
 */
export function runQueue<T>(items: Iterable<T>, limit: number, worker: (item: T, add: (more: T) => void) => Promise<void>): Promise<void> {
  const queue = [...items];
  let active = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const add = (more: T): void => {
      queue.push(more);
    };
    const pump = (): void => {
      if (failed) return;
      if (active === 0 && queue.length === 0) return resolve();
      while (active < limit && queue.length > 0) {
        const item = queue.shift() as T;
        active += 1;
        worker(item, add).then(
          () => {
            active -= 1;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    pump();
  });
}
