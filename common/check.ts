// The one option validator: the client's classes, the server's options and the web
// API's limits all check through here, so they accept and refuse the same values. Each
// failure names the field, so a typo in a config object fails at construction with a
// message that says where.

/** A duration: positive and finite (Infinity would reach setTimeout, which fires at once). */
export function positiveSeconds(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${field} must be a positive number of seconds, got ${String(value)}`);
  }
  return value;
}

/**
 * The longest wait a Node timer holds (2^31-1 ms, about 24.8 days), in whole seconds: a
 * longer one fires after 1 ms, so a generous timeout would cut everything at once.
 */
export const MAX_TIMER_SECONDS = 2_147_483;

/** Seconds that a timer waits: positive, and no longer than a timer holds. */
export function timerSeconds(field: string, value: unknown): number {
  return atMostTimer(field, positiveSeconds(field, value));
}

/** `seconds` (already checked otherwise), refused when longer than a timer holds. */
export function atMostTimer(field: string, seconds: number): number {
  if (seconds > MAX_TIMER_SECONDS) throw new RangeError(`${field} must be at most ${MAX_TIMER_SECONDS} seconds (a Node timer holds no more), got ${seconds}`);
  return seconds;
}

/** A size or a count where fractions are harmless: positive and finite. */
export function positiveNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${field} must be a positive number, got ${String(value)}`);
  }
  return value;
}

export function wholeNumber(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${field} must be a whole number ${range}, got ${String(value)}`);
  }
  return value;
}

export function trueOrFalse(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${field} must be true or false, got ${String(value)}`);
  return value;
}

export function nonNegative(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${field} must be a number ≥ 0, got ${String(value)}`);
  }
  return value;
}

export function text(field: string, value: unknown, { allowEmpty = true } = {}): string {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string, got ${typeof value}`);
  if (!allowEmpty && value === '') throw new TypeError(`${field} must not be empty`);
  if (/[\r\n\0]/.test(value)) throw new TypeError(`${field} must not contain CR, LF or NUL`);
  return value;
}

/** Rejects keys that are not options of `what`: `{ conect: 5 }` is a typo, not a default. */
export function knownKeys(what: string, value: object, keys: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new TypeError(`${what}: unknown option ${JSON.stringify(key)} (known: ${keys.join(', ')})`);
  }
}

export function optionsObject(what: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} options must be an object, got ${value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}
