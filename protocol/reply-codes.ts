// Reply classes by first digit (RFC 959 §4.2.1).
export type ReplyKind = 'preliminary' | 'completion' | 'intermediate' | 'transient' | 'permanent';

const kinds: Record<number, ReplyKind> = {
  1: 'preliminary',
  2: 'completion',
  3: 'intermediate',
  4: 'transient',
  5: 'permanent',
};

export function replyKind(code: number): ReplyKind {
  const kind = kinds[Math.floor(code / 100)];
  if (kind === undefined) throw new RangeError(`Reply code ${code} is outside 100-599`);
  return kind;
}

/** 1yz, 2yz and 3yz: the command was accepted, at least so far. */
export const isPositive = (code: number): boolean => code >= 100 && code < 400;
/** 4yz: the same command may succeed if tried again later. */
export const isTransient = (code: number): boolean => code >= 400 && code < 500;
/** 5yz: the same command will fail again. */
export const isPermanent = (code: number): boolean => code >= 500 && code < 600;
