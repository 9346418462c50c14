import type { XmlElement } from './xml.js';

// Writing XML: escaping, and an element written back self-contained. A dead property is
// kept as such a text: its own namespace declarations travel with it, so it reads back
// the same whatever prefixes the surrounding answer uses.

export const DAV = 'DAV:';

export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;')).replace(/\r/g, '&#13;');
}

export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/[\t\n]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<local xmlns="ns"/>`: a property's name alone (PROPFIND propname, 404 lists). */
export function emptyElement(ns: string, local: string): string {
  return ns === DAV ? `<D:${local}/>` : `<${local} xmlns="${escapeAttribute(ns)}"/>`;
}

/**
 * `element` as XML text that needs no declaration from outside: each element says its
 * namespace as a default declaration where it differs from its parent's, attributes
 * in a namespace get a prefix declared on their element.
 */
export function writeElement(element: XmlElement, parentDefault: string | null = null): string {
  let attributes = '';
  if (element.ns !== parentDefault) attributes += ` xmlns="${escapeAttribute(element.ns)}"`;
  element.attributes.forEach((a, i) => {
    if (a.ns === '') attributes += ` ${a.local}="${escapeAttribute(a.value)}"`;
    else if (a.ns === 'http://www.w3.org/XML/1998/namespace') attributes += ` xml:${a.local}="${escapeAttribute(a.value)}"`;
    else attributes += ` xmlns:a${i}="${escapeAttribute(a.ns)}" a${i}:${a.local}="${escapeAttribute(a.value)}"`;
  });
  if (element.children.length === 0) return `<${element.local}${attributes}/>`;
  const inner = element.children.map((c) => (typeof c === 'string' ? escapeText(c) : writeElement(c, element.ns))).join('');
  return `<${element.local}${attributes}>${inner}</${element.local}>`;
}
