/**
 * The one way an operation listens to an `AbortSignal`: `onAbort` tears down whatever the
 * operation holds (its connection), and the operation then rejects with the signal's
 * reason rather than with the error that tearing down caused.
 */
export async function withAbort<T>(signal: AbortSignal | undefined, onAbort: (reason: unknown) => void, fn: () => Promise<T>): Promise<T> {
  if (!signal) return fn();
  signal.throwIfAborted();
  const listener = (): void => onAbort(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  try {
    return await fn();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw error;
  } finally {
    signal.removeEventListener('abort', listener);
  }
}

/**
 * A wait on a promise this operation does not own (work another operation started and
 * shares): an abort ends the wait with the signal's reason and leaves the work alone.
 */
export function abortableWait<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    const settle = <A>(then: (a: A) => void) => (a: A): void => {
      signal.removeEventListener('abort', onAbort);
      then(a);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(settle(resolve), settle(reject));
  });
}
