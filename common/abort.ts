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
