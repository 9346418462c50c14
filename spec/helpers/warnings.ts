// Collects the FtpPyWarnings a test causes. process.emitWarning delivers on the next
// tick, so read `list` after an await.
export interface CapturedWarning {
  message: string;
  code: string | undefined;
}

export function captureWarnings(): { list: CapturedWarning[]; stop: () => void } {
  const list: CapturedWarning[] = [];
  const listener = (warning: Error & { code?: string }): void => {
    if (warning.name === 'FtpPyWarning') list.push({ message: warning.message, code: warning.code });
  };
  process.on('warning', listener);
  return { list, stop: () => process.off('warning', listener) };
}

/** Lets process.emitWarning's nextTick run. */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
