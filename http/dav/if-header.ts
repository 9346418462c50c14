import { HttpError } from '../errors.js';

// The If header (RFC 4918 §10.4): lists of conditions, each a state token (a lock token)
// or an entity tag, optionally negated, and optionally tagged with the resource they are
// about. Pure: the header in, its structure out.

export interface Condition {
  not: boolean;
  /** A state token (`urn:uuid:…`, or `DAV:no-lock`, which no resource ever has). */
  token?: string;
  /** An entity tag, quotes included (`"abc"` or `W/"abc"`). */
  etag?: string;
}

export interface IfList {
  /** The resource the list is about (a URI as sent), or null for the request's own. */
  resource: string | null;
  conditions: Condition[];
}

function bad(header: string): HttpError {
  return new HttpError(400, `Malformed If header: ${JSON.stringify(header.slice(0, 120))}`);
}

export function parseIf(header: string): IfList[] {
  const lists: IfList[] = [];
  let resource: string | null = null;
  let pos = 0;
  const space = (): void => {
    while (pos < header.length && ' \t'.includes(header[pos]!)) pos++;
  };
  const until = (close: string): string => {
    const end = header.indexOf(close, pos + 1);
    if (end === -1) throw bad(header);
    const inside = header.slice(pos + 1, end);
    pos = end + 1;
    return inside;
  };
  for (space(); pos < header.length; space()) {
    if (header[pos] === '<') {
      resource = until('>');
      continue;
    }
    if (header[pos] !== '(') throw bad(header);
    pos++;
    const conditions: Condition[] = [];
    for (space(); header[pos] !== ')'; space()) {
      if (pos >= header.length) throw bad(header);
      let not = false;
      if (/^not\b/i.test(header.slice(pos, pos + 4))) {
        not = true;
        pos += 3;
        space();
      }
      if (header[pos] === '<') conditions.push({ not, token: until('>') });
      else if (header[pos] === '[') conditions.push({ not, etag: until(']').trim() });
      else throw bad(header);
    }
    pos++;
    if (conditions.length === 0) throw bad(header);
    lists.push({ resource, conditions });
  }
  if (lists.length === 0) throw bad(header);
  return lists;
}

/** Every state token named (not negated) anywhere in the header: the lock tokens a request submits. */
export function submittedTokens(lists: readonly IfList[]): Set<string> {
  const tokens = new Set<string>();
  for (const list of lists) for (const c of list.conditions) if (c.token !== undefined && !c.not) tokens.add(c.token);
  return tokens;
}
