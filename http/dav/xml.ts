// A small XML parser for WebDAV request bodies (PROPFIND, PROPPATCH, LOCK): elements,
// attributes, text, CDATA, comments, character and the five predefined entities, and
// namespaces (RFC 4918 compares element names as namespace + local name, whatever the
// prefix). Pure: text in, a tree out. A DOCTYPE is refused outright, so no entity can
// expand and no external resource is ever named. Bodies are bounded before they get here.

export interface XmlAttribute {
  ns: string;
  local: string;
  value: string;
}

export interface XmlElement {
  /** The namespace URI ('' for none). */
  ns: string;
  local: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  /** The prefix → URI declarations in scope here (what a dead property keeps). */
  scope: ReadonlyMap<string, string>;
}

export type XmlNode = XmlElement | string;

export class XmlError extends Error {
  override get name(): string {
    return 'XmlError';
  }
}

const NAME = /[A-Za-z_\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const MAX_DEPTH = 100;

/** The children elements of `element` (text and whitespace left out). */
export function elements(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** The first child element named `{ns}local`, or undefined. */
export function child(element: XmlElement, ns: string, local: string): XmlElement | undefined {
  return elements(element).find((e) => e.ns === ns && e.local === local);
}

/** The concatenated text below `element`. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

function decodeEntities(raw: string, at: number): string {
  return raw.replace(/&([^;&<]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`Unterminated entity near offset ${at}`);
    if (name in PREDEFINED) return PREDEFINED[name]!;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (!m) throw new XmlError(`Unknown entity &${name}; near offset ${at}`);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new XmlError(`Invalid character reference &${name};`);
    return String.fromCodePoint(code);
  });
}

/** Parses a whole document; throws XmlError on anything not well-formed. */
export function parseXml(text: string): XmlElement {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${pos}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) fail('Expected a name');
    pos += m![0].length;
    return m![0];
  };
  /** Comments, processing instructions, whitespace: what may stand outside the root. */
  const misc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end === -1) fail('Unterminated comment');
        pos = end + 3;
      } else if (text.startsWith('<?', pos)) {
        const end = text.indexOf('?>', pos + 2);
        if (end === -1) fail('Unterminated processing instruction');
        pos = end + 2;
      } else if (text.startsWith('<!DOCTYPE', pos)) {
        fail('A DOCTYPE is not accepted');
      } else return;
    }
  };
  const resolve = (qname: string, scope: ReadonlyMap<string, string>, isAttribute: boolean): { ns: string; local: string } => {
    const colon = qname.indexOf(':');
    if (colon === -1) return { ns: isAttribute ? '' : (scope.get('') ?? ''), local: qname };
    const prefix = qname.slice(0, colon);
    const local = qname.slice(colon + 1);
    if (local === '' || local.includes(':')) fail(`Bad qualified name ${qname}`);
    if (prefix === 'xml') return { ns: XML_NS, local };
    const ns = scope.get(prefix);
    if (ns === undefined || ns === '') fail(`Undeclared namespace prefix ${prefix}`);
    return { ns: ns!, local };
  };

  const element = (parentScope: ReadonlyMap<string, string>, depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail('Elements nested too deep');
    pos++; // '<'
    const qname = name();
    const raw: { qname: string; value: string }[] = [];
    for (;;) {
      const before = pos;
      skipSpace();
      if (text.startsWith('/>', pos) || text[pos] === '>') break;
      if (pos === before) fail('Expected whitespace before an attribute');
      const attribute = name();
      skipSpace();
      if (text[pos] !== '=') fail('Expected =');
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail('Expected a quoted attribute value');
      const end = text.indexOf(quote!, pos + 1);
      if (end === -1) fail('Unterminated attribute value');
      const value = text.slice(pos + 1, end);
      if (value.includes('<')) fail('< in an attribute value');
      if (raw.some((a) => a.qname === attribute)) fail(`Duplicate attribute ${attribute}`);
      raw.push({ qname: attribute, value: decodeEntities(value, pos) });
      pos = end + 1;
    }
    const scope = new Map(parentScope);
    for (const a of raw) {
      if (a.qname === 'xmlns') scope.set('', a.value);
      else if (a.qname.startsWith('xmlns:')) {
        if (a.value === '') fail(`Empty namespace for prefix ${a.qname.slice(6)}`);
        scope.set(a.qname.slice(6), a.value);
      }
    }
    const { ns, local } = resolve(qname, scope, false);
    const attributes = raw
      .filter((a) => a.qname !== 'xmlns' && !a.qname.startsWith('xmlns:'))
      .map((a) => ({ ...resolve(a.qname, scope, true), value: a.value }));
    const node: XmlElement = { ns, local, attributes, children: [], scope };
    if (text.startsWith('/>', pos)) {
      pos += 2;
      return node;
    }
    pos++; // '>'
    for (;;) {
      const lt = text.indexOf('<', pos);
      if (lt === -1) fail(`Unclosed element ${qname}`);
      if (lt > pos) {
        const chunk = text.slice(pos, lt);
        if (chunk.includes(']]>')) fail(']]> in text');
        node.children.push(decodeEntities(chunk, pos));
        pos = lt;
      }
      if (text.startsWith('</', pos)) {
        pos += 2;
        const closing = name();
        if (closing !== qname) fail(`</${closing}> closes <${qname}>`);
        skipSpace();
        if (text[pos] !== '>') fail('Expected >');
        pos++;
        return node;
      }
      if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos + 9);
        if (end === -1) fail('Unterminated CDATA section');
        node.children.push(text.slice(pos + 9, end));
        pos = end + 3;
      } else if (text.startsWith('<!--', pos) || text.startsWith('<?', pos)) {
        misc();
      } else if (text.startsWith('<!', pos)) {
        fail('Unexpected markup declaration');
      } else {
        node.children.push(element(scope, depth + 1));
      }
    }
  };

  misc();
  if (text[pos] !== '<') fail('Expected the root element');
  const root = element(new Map(), 0);
  misc();
  if (pos < text.length) fail('Content after the root element');
  return root;
}
