// Sorting a huge folder's names in one call blocks the event loop for as long as the sort
// takes (100,000 names: 30–400 ms on a loaded machine), and a folder of a million, ten
// times that. Sorted runs of a few thousand names, merged as the names are taken, cost
// the same in total but never more than one run's sort at a time.

/** Names that arrive in any order, handed out sorted (code unit order, as `Array.prototype.sort`). */
export class SortedRuns {
  readonly #runs: string[][] = [];
  #run: string[] = [];
  readonly #runLength: number;

  constructor(runLength: number) {
    this.#runLength = runLength;
  }

  add(name: string): void {
    this.#run.push(name);
    if (this.#run.length < this.#runLength) return;
    this.#runs.push(this.#run.sort());
    this.#run = [];
  }

  /** Every name added, in order: a k-way merge over a heap of runs. */
  *sorted(): Generator<string> {
    if (this.#run.length > 0) this.#runs.push(this.#run.sort());
    this.#run = [];
    const runs = this.#runs;
    if (runs.length === 1) {
      yield* runs[0]!;
      return;
    }
    const at = runs.map(() => 0);
    const head = (run: number): string => runs[run]![at[run]!]!;
    const heap = runs.map((_, i) => i);
    const down = (i: number): void => {
      for (;;) {
        const left = 2 * i + 1;
        let least = i;
        if (left < heap.length && head(heap[left]!) < head(heap[least]!)) least = left;
        if (left + 1 < heap.length && head(heap[left + 1]!) < head(heap[least]!)) least = left + 1;
        if (least === i) return;
        [heap[i], heap[least]] = [heap[least]!, heap[i]!];
        i = least;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    while (heap.length > 0) {
      const run = heap[0]!;
      yield head(run);
      if (++at[run]! === runs[run]!.length) {
        heap[0] = heap.at(-1)!;
        heap.pop();
      }
      if (heap.length > 0) down(0);
    }
  }
}
