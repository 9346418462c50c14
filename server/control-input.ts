const CR = 0x0d;
const LF = 0x0a;

/**
 * Repairs what TCP urgent mode takes out of the control stream. Clients send ABOR (or the
 * Telnet Synch before it) as urgent data, and a socket that does not read urgent data
 * in line (Node's cannot) loses the urgent byte. Python's ftplib sends all of
 * `ABOR\r\n` urgent, so the server reads `ABOR\r` and the LF never comes, while the
 * client waits for the reply. Hence a CR ends a line on its own here; an LF right
 * after it, in this chunk or the next, belongs to it and is dropped.
 */
export class UrgentDataRepair {
  #afterCR = false;

  push(chunk: Buffer): Buffer {
    if (!this.#afterCR && !chunk.includes(CR)) return chunk;
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.#afterCR) {
        this.#afterCR = false;
        if (byte === LF) continue;
      }
      if (byte === CR) {
        out[n++] = CR;
        out[n++] = LF;
        this.#afterCR = true;
      } else {
        out[n++] = byte;
      }
    }
    return out.subarray(0, n);
  }
}
