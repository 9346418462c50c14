// Validators and conditional requests (RFC 9110 §8.8 and §13). Pure functions of the
// request headers and what the file is, so every precedence rule is table-tested.

export interface Validated {
  size: number;
  modified: Date;
}

/**
 * A strong entity tag from size and modification time, as nginx makes them: it changes
 * whenever an upload replaces the file (a new mtime), and costs no read of the contents.
 */
export function entityTag(file: Validated): string {
  return `"${file.size.toString(16)}-${Math.floor(file.modified.getTime()).toString(16)}"`;
}

/** Last-Modified in IMF-fixdate form; HTTP dates have whole seconds. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function parseDate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** The entity tags of an If-None-Match / If-Match list, or `*`. */
function tagList(value: string): string[] | '*' {
  if (value.trim() === '*') return '*';
  return value.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * True when a GET or HEAD may answer 304 Not Modified. If-None-Match wins over
 * If-Modified-Since when both are sent (§13.2.2), and compares weakly (§8.8.3.2).
 */
export function notModified(headers: { 'if-none-match'?: string | undefined; 'if-modified-since'?: string | undefined }, file: Validated): boolean {
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) {
    const tags = tagList(noneMatch);
    const ours = entityTag(file);
    return tags === '*' || tags.some((tag) => opaque(tag) === ours);
  }
  const since = parseDate(headers['if-modified-since']);
  return since !== null && seconds(file.modified) <= since;
}

/**
 * True when a Range may be honoured under If-Range (§13.1.5): without the header, or when
 * it names the current representation by strong tag or by its exact Last-Modified date.
 * Otherwise the whole file is sent, so a resumed download never splices two versions.
 */
export function rangeStillValid(ifRange: string | undefined, file: Validated): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('W/')) return false;
  if (value.startsWith('"')) return value === entityTag(file);
  const date = parseDate(value);
  return date !== null && date === seconds(file.modified);
}
