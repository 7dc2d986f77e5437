/** Minimal XML writing and reading for the S3 REST API's small documents. */

export function escapeXml(value: string): string {
  return value.replace(/[&<>"'\r\n\t]/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${ch.charCodeAt(0)};`;
    }
  });
}

export type XmlValue = string | number | boolean | undefined | null | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue;
}

/** Serializes { Tag: value } trees; arrays repeat the element, undefined/null omits it. */
export function toXml(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function xmlDocument(root: string, body: XmlNode): string {
  const inner = Object.entries(body)
    .map(([k, v]) => toXml(k, v))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`;
}

/** A parsed element: name, child elements in order, and text content. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

export class XmlSyntaxError extends Error {}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, ent: string) => {
    if (ent === 'amp') return '&';
    if (ent === 'lt') return '<';
    if (ent === 'gt') return '>';
    if (ent === 'quot') return '"';
    if (ent === 'apos') return "'";
    const code = ent.startsWith('#x') ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
    try {
      return String.fromCodePoint(code);
    } catch {
      throw new XmlSyntaxError(`bad character reference ${m}`);
    }
  });
}

/**
 * Parses a small XML document into elements. Namespace prefixes are dropped from names,
 * attributes are ignored, CDATA is supported; text keeps its whitespace (keys may have spaces).
 */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const n = xml.length;
  const skipMisc = (): void => {
    for (;;) {
      while (i < n && /\s/.test(xml[i]!)) i++;
      if (xml.startsWith('<?', i)) {
        const end = xml.indexOf('?>', i);
        if (end < 0) throw new XmlSyntaxError('unterminated processing instruction');
        i = end + 2;
      } else if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) throw new XmlSyntaxError('unterminated comment');
        i = end + 3;
      } else if (xml.startsWith('<!DOCTYPE', i)) {
        throw new XmlSyntaxError('DOCTYPE not allowed');
      } else return;
    }
  };
  const parseElement = (): XmlElement => {
    if (xml[i] !== '<') throw new XmlSyntaxError(`expected '<' at ${i}`);
    const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(xml.slice(i, i + 4096));
    if (!m) throw new XmlSyntaxError(`bad start tag at ${i}`);
    const rawName = m[1]!;
    const name = rawName.includes(':') ? rawName.slice(rawName.indexOf(':') + 1) : rawName;
    i += m[0].length;
    const el: XmlElement = { name, children: [], text: '' };
    if (m[3] === '/') return el;
    let text = '';
    for (;;) {
      if (i >= n) throw new XmlSyntaxError(`unterminated element <${rawName}>`);
      if (xml.startsWith('</', i)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(xml.slice(i, i + 4096));
        if (!close || close[1] !== rawName) throw new XmlSyntaxError(`mismatched end tag at ${i}`);
        i += close[0].length;
        el.text = text;
        return el;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        if (end < 0) throw new XmlSyntaxError('unterminated CDATA');
        text += xml.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) throw new XmlSyntaxError('unterminated comment');
        i = end + 3;
        continue;
      }
      if (xml[i] === '<') {
        el.children.push(parseElement());
        continue;
      }
      const next = xml.indexOf('<', i);
      const chunk = xml.slice(i, next < 0 ? n : next);
      if (chunk.includes('>')) throw new XmlSyntaxError(`stray '>' at ${i}`);
      text += decodeEntities(chunk);
      i = next < 0 ? n : next;
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (i !== n) throw new XmlSyntaxError('content after the root element');
  return root;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
