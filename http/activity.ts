// The web transfers under way (uploads, downloads, ZIP archives being made), for the
// status view: who, what, how far. An entry lives from the first byte to the end of the
// request, whatever the end was.

export interface ActiveTransfer {
  id: number;
  user: string;
  direction: 'upload' | 'download';
  path: string;
  /** Bytes moved so far. */
  bytes: number;
  /** Bytes expected in all, when known (a Content-Length); null for an archive being made. */
  total: number | null;
  started: string;
}

export interface TransferHandle {
  add(bytes: number): void;
  end(): void;
}

export class WebActivity {
  readonly #transfers = new Map<number, ActiveTransfer>();
  #next = 1;

  start(user: string, direction: ActiveTransfer['direction'], path: string, total: number | null): TransferHandle {
    const transfer: ActiveTransfer = { id: this.#next++, user, direction, path, bytes: 0, total, started: new Date().toISOString() };
    this.#transfers.set(transfer.id, transfer);
    return {
      add: (bytes) => void (transfer.bytes += bytes),
      end: () => void this.#transfers.delete(transfer.id),
    };
  }

  list(): ActiveTransfer[] {
    return [...this.#transfers.values()].map((t) => ({ ...t }));
  }
}

/** Passes `body` on, counting it as an active transfer until it ends, fails or is left. */
export async function* tracked(activity: WebActivity, user: string, direction: ActiveTransfer['direction'], path: string, total: number | null, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const transfer = activity.start(user, direction, path, total);
  try {
    for await (const chunk of body) {
      transfer.add(chunk.length);
      yield chunk;
    }
  } finally {
    transfer.end();
  }
}
