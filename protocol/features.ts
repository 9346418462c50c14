import type { Reply } from './reply.js';

/**
 * What a server said it supports in its FEAT reply (RFC 2389): feature names, upper-cased,
 * each with its parameters as the server wrote them (`MLST` → `type*;size*;modify*;`).
 */
export class Features {
  readonly #map: ReadonlyMap<string, string>;

  constructor(map: ReadonlyMap<string, string> = new Map()) {
    this.#map = map;
  }

  has(name: string): boolean {
    return this.#map.has(name.toUpperCase());
  }

  /** The parameters after the feature's name, or undefined when it is not listed. */
  params(name: string): string | undefined {
    return this.#map.get(name.toUpperCase());
  }

  get names(): string[] {
    return [...this.#map.keys()];
  }

  /** RFC 2640: paths may be sent in UTF-8 (and `OPTS UTF8 ON` is worth sending). */
  get utf8(): boolean {
    return this.has('UTF8');
  }

  /** RFC 3659 machine listings: MLST and MLSD. */
  get mlst(): boolean {
    return this.has('MLST');
  }

  get epsv(): boolean {
    return this.has('EPSV');
  }

  get mfmt(): boolean {
    return this.has('MFMT');
  }

  get mdtm(): boolean {
    return this.has('MDTM');
  }

  get size(): boolean {
    return this.has('SIZE');
  }

  get hash(): boolean {
    return this.has('HASH');
  }

  /** RFC 3659 §5: `REST STREAM`, a transfer may restart at a byte offset. */
  get restStream(): boolean {
    return /(^|\s)STREAM(\s|$)/i.test(this.params('REST') ?? '');
  }

  /** The MLST facts offered (RFC 3659 §7.8), lower-cased, and those of them on by default (marked `*`). */
  get mlstFacts(): { offered: string[]; enabled: string[] } {
    const facts = (this.params('MLST') ?? '').split(';').map((fact) => fact.trim().toLowerCase()).filter((fact) => fact !== '');
    return {
      offered: facts.map((fact) => fact.replace(/\*$/, '')),
      enabled: facts.filter((fact) => fact.endsWith('*')).map((fact) => fact.slice(0, -1)),
    };
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#map);
  }
}

/**
 * Reads a FEAT reply. Only the lines between the first and the last carry features, each
 * beginning with a space (RFC 2389 §3.2); servers that forget the space are accepted too.
 * A negative reply (FEAT not understood, as old servers answer) means no features.
 */
export function parseFeatures(reply: Reply): Features {
  const map = new Map<string, string>();
  if (reply.code < 200 || reply.code >= 300) return new Features(map);
  for (const line of reply.lines.slice(1, -1)) {
    const text = line.trim();
    if (text === '') continue;
    const space = text.indexOf(' ');
    const name = (space === -1 ? text : text.slice(0, space)).toUpperCase();
    map.set(name, space === -1 ? '' : text.slice(space + 1).trim());
  }
  return new Features(map);
}
