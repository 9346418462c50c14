// Replies as the server writes them (RFC 959 §4.2). A multi-line reply is `ddd-first`,
// inner lines, `ddd last`; an inner line that began with three digits and a space would
// end it early, so such lines are indented. Text comes from file names too, so CR and
// LF are taken out: a name must never be able to forge a reply line.

const clean = (text: string): string => text.replace(/[\r\n]+/g, ' ');

export function formatReply(code: number, text: string | readonly string[]): string {
  const lines = typeof text === 'string' ? [text] : text.length === 0 ? [''] : text;
  if (lines.length === 1) return `${code} ${clean(lines[0]!)}\r\n`;
  let out = `${code}-${clean(lines[0]!)}\r\n`;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = clean(lines[i]!);
    out += /^\d{3}[ -]/.test(line) ? ` ${line}\r\n` : `${line}\r\n`;
  }
  return `${out}${code} ${clean(lines.at(-1)!)}\r\n`;
}

/** A path inside a 257 reply: quoted, with quotes in it doubled (RFC 959 appendix II). */
export function quotePath(path: string): string {
  return `"${path.replace(/"/g, '""')}"`;
}
