/**
 * Writes Pinot's `metadata.properties` and `index_map` byte for byte as Pinot does:
 * `CommonsConfigurationUtils.saveToFile` on a `PropertiesConfiguration` made by
 * `CommonsConfigurationUtils.fromFile` (DefaultIOFactory, `LegacyListDelimiterHandler(',')`, no
 * header), with Apache Commons Configuration 2.15.1 and Commons Text 1.15.0 (Pinot's versions).
 *
 * The class models the two pieces of state Commons keeps:
 * - the store (`BaseConfiguration`): each key holds one value or a list of values, after the list
 *   delimiter handler has split strings on unescaped commas (`AbstractListDelimiterHandler.flatten`);
 * - the layout (`PropertiesConfigurationLayout`): keys in first-seen order, each with a
 *   "single line" flag deciding whether a list is written as one `a,b,c` line or one line per value.
 */

/** A value as Pinot hands it to `setProperty`: Java's `String.valueOf` of it is what gets written. */
export type PropertyScalar = string | number | bigint | boolean;
export type PropertyValue = PropertyScalar | readonly PropertyScalar[];

export interface PropertiesWriterOptions {
  /** `PropertiesWriter.getLineSeparator()`: the JVM's `System.lineSeparator()`, `\n` on Linux. */
  lineSeparator?: string;
}

/** The charsets a `java.io.OutputStreamWriter` would plausibly use for the file. */
export type PropertiesCharset = 'UTF-8' | 'ISO-8859-1';

interface LayoutData {
  singleLine: boolean;
}

const DELIMITER = ',';
// PropertiesConfiguration.DEFAULT_SEPARATOR, kept by PropertyLayoutData for keys not read from a file.
const SEPARATOR = ' = ';

export class PropertiesWriter {
  private readonly store = new Map<string, PropertyScalar[]>();
  private readonly layout = new Map<string, LayoutData>();
  private readonly lineSeparator: string;

  constructor(options: PropertiesWriterOptions = {}) {
    this.lineSeparator = options.lineSeparator ?? '\n';
  }

  /**
   * `PropertiesConfiguration.setProperty(key, value)`: replaces the values, keeping the key's first
   * position. `null`/`undefined` (and an empty list) leave no line but still reserve the position,
   * because the layout sees the SET_PROPERTY event even when nothing is stored.
   */
  set(key: string, value: PropertyValue | null | undefined): this {
    const values = flatten(value);
    // setPropertyInternal clears and re-adds with detail events off: the layout sees neither.
    if (values.length === 0) this.store.delete(key);
    else this.store.set(key, values);
    if (!this.layout.has(key)) this.layout.set(key, { singleLine: true });
    return this;
  }

  /**
   * `addProperty(key, value)`: appends values. Adding to a key the layout already knows clears its
   * single-line flag (PropertiesConfigurationLayout.onEvent, ADD_PROPERTY), so the list is then
   * written one line per value.
   */
  add(key: string, value: PropertyValue | null | undefined): this {
    const values = flatten(value);
    if (values.length > 0) this.store.set(key, [...(this.store.get(key) ?? []), ...values]);
    const data = this.layout.get(key);
    if (data) data.singleLine = false;
    else this.layout.set(key, { singleLine: true });
    return this;
  }

  /** `clearProperty(key)`: drops the values and the layout entry, so a later set goes to the end. */
  clear(key: string): this {
    this.store.delete(key);
    this.layout.delete(key);
    return this;
  }

  /**
   * `config.subset(prefix).setProperty(rest, value)` on the root configuration, as
   * `StarTreeV2Metadata.writeMetadata` does: the subset clears the parent key (CLEAR_PROPERTY
   * reaches the layout, so the key moves to the end) and then calls `parent.addProperty` once per
   * value, so a list of two or more values is written one line per value.
   */
  setThroughSubset(key: string, value: PropertyValue | null | undefined): this {
    this.clear(key);
    for (const v of flatten(value)) this.add(key, v);
    return this;
  }

  has(key: string): boolean {
    return this.store.has(key);
  }

  /** The stored values (after list splitting); undefined when the key has none. */
  get(key: string): readonly PropertyScalar[] | undefined {
    return this.store.get(key);
  }

  /** The file text, as `PropertiesConfigurationLayout.save` writes it. */
  toString(): string {
    let out = '';
    for (const [key, data] of this.layout) {
      const values = this.store.get(key);
      if (values === undefined || values.length === 0) continue; // config.containsKeyInternal(key) is false
      if (values.length === 1) {
        out += this.line(key, escapeStoredValue(values[0] as PropertyScalar, false));
      } else if (data.singleLine) {
        out += this.line(key, escapeList(values));
      } else {
        // PropertiesWriter.writeProperty(key, List): one writeProperty(key, value) per value.
        for (const v of values) out += this.line(key, escapeStoredValue(v, false));
      }
    }
    return out;
  }

  /**
   * The file bytes. FileHandler is given no encoding by Pinot, so `new OutputStreamWriter(out)` uses
   * the JVM default charset: UTF-8 since JDK 18 (JEP 400). Values are `\\u`-escaped to ASCII anyway;
   * only keys (column names) can carry other characters.
   */
  toBuffer(charset: PropertiesCharset = 'UTF-8'): Buffer {
    return encodeLikeJava(this.toString(), charset);
  }

  private line(key: string, escapedValue: string): string {
    return escapePropertyKey(key) + SEPARATOR + escapedValue + this.lineSeparator;
  }
}

/**
 * One `key = value` line as `PropertiesWriter.writeProperty(key, value)` writes it, e.g. for the
 * v3 `index_map` that Pinot appends through `CommonsConfigurationUtils.getPropertiesWriterFromWriter`
 * (global separator ` = `, same list delimiter handler).
 */
export function formatPropertyLine(key: string, value: PropertyScalar, lineSeparator = '\n'): string {
  return escapePropertyKey(key) + SEPARATOR + escapeStoredValue(checkScalar(value), false) + lineSeparator;
}

/**
 * `PropertiesWriter.escapeKey`: a backslash before `=`, `:`, space, tab, form feed and backslash.
 * Nothing else is escaped (no `\\u` escapes, no `#`/`!`), so such keys are written raw.
 */
export function escapePropertyKey(key: string): string {
  let out = '';
  for (const c of key) {
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f' || c === '\\') out += '\\';
    out += c;
  }
  return out;
}

/**
 * How a single stored string value is written: `LegacyListDelimiterHandler.escape` =
 * `escapeValue(value, inList=false)` = ESCAPE_PROPERTIES, then every `,` becomes `\,`.
 * Note the value must already be what Commons stores: `set()` splits strings on commas first.
 */
export function escapePropertyValue(v: string): string {
  return escapeStoredValue(v, false);
}

/**
 * The default ValueTransformer of `PropertiesConfiguration.PropertiesWriter` (ESCAPE_PROPERTIES):
 * an AggregateTranslator of `\` -> `\\`, EntityArrays.JAVA_CTRL_CHARS_ESCAPE (`\b \n \t \f \r`) and
 * `UnicodeEscaper.outsideOf(32, 0x7f)`. The last is the plain UnicodeEscaper, not JavaUnicodeEscaper:
 * a supplementary code point becomes `\u` + its hex (`\u1F600`, 5+ digits), not a surrogate pair,
 * which no reader decodes back (hence Pinot's surrogate check). Hex is upper case; 0x7f stays raw.
 */
export function escapeJavaProperties(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i) as number; // a lone surrogate comes back as itself, like Character.codePointAt
    i += cp > 0xffff ? 2 : 1;
    if (cp === 0x5c) out += '\\\\';
    else if (cp === 0x08) out += '\\b';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x09) out += '\\t';
    else if (cp === 0x0c) out += '\\f';
    else if (cp === 0x0d) out += '\\r';
    else if (cp < 32 || cp > 0x7f) {
      const hex = cp.toString(16).toUpperCase();
      out += '\\u' + (cp > 0xffff ? hex : hex.padStart(4, '0'));
    } else out += String.fromCharCode(cp);
  }
  return out;
}

/**
 * Pinot's `CommonsConfigurationUtils.replaceSpecialCharacterInPropertyValue`, applied to STRING
 * min/max values: commas become `\0\0` (escaping them would not survive a preceding backslash),
 * a leading/trailing space gets a `\0` outside it (the reader trims spaces), and any surrogate
 * char makes it `null` (the value is then not stored at all).
 */
export function replaceSpecialCharacterInPropertyValue(value: string): string | null {
  if (value.length === 0) return value;
  let containsDelimiter = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return null;
    if (c === 0x2c) containsDelimiter = true;
  }
  let v = containsDelimiter ? value.replaceAll(',', '\0\0') : value;
  if (v.startsWith(' ')) v = '\0' + v;
  if (v.endsWith(' ')) v = v + '\0';
  return v;
}

/**
 * `LegacyListDelimiterHandler.splitString(s, trim=true)`: a string without the delimiter is kept
 * whole (untrimmed, escapes untouched); otherwise split on unescaped commas, `\,` -> `,`,
 * `\\` -> `\`, any other `\x` kept as is, each token trimmed (Java `String.trim`).
 */
export function splitLegacyList(s: string): string[] {
  if (!s.includes(DELIMITER)) return [s];
  const list: string[] = [];
  let token = '';
  let inEscape = false;
  for (const c of s) {
    if (inEscape) {
      if (c !== DELIMITER && c !== '\\') token += '\\';
      token += c;
      inEscape = false;
    } else if (c === DELIMITER) {
      list.push(javaTrim(token));
      token = '';
    } else if (c === '\\') {
      inEscape = true;
    } else {
      token += c;
    }
  }
  if (inEscape) token += '\\';
  list.push(javaTrim(token));
  return list;
}

/** `String.trim()`: strips chars <= U+0020 at both ends (not the Unicode spaces JS trims). */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** `AbstractListDelimiterHandler.flatten`: strings are split, lists flattened element by element. */
function flatten(value: PropertyValue | null | undefined): PropertyScalar[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return (value as readonly PropertyScalar[]).flatMap((v) => flatten(v));
  const v = checkScalar(value as PropertyScalar);
  return typeof v === 'string' ? splitLegacyList(v) : [v];
}

function checkScalar(v: PropertyScalar): PropertyScalar {
  if (typeof v === 'number') {
    // Java's Double.toString differs from JS number formatting; only integers print the same.
    if (!Number.isSafeInteger(v)) {
      throw new TypeError(`properties: only safe integers can be written as numbers (got ${v}); pass a string or bigint`);
    }
    return v === 0 ? 0 : v; // -0 prints as 0 like Java's int/long
  }
  if (typeof v !== 'string' && typeof v !== 'bigint' && typeof v !== 'boolean') {
    throw new TypeError(`properties: unsupported value type ${typeof v}`);
  }
  return v;
}

function javaString(v: PropertyScalar): string {
  return typeof v === 'string' ? v : String(v);
}

/** `LegacyListDelimiterHandler.escapeValue(value, inList, transformer)`. */
function escapeStoredValue(v: PropertyScalar, inList: boolean): string {
  let s = javaString(v);
  // escapeBackslashs: inside a single-line list, each `\\` pair is doubled again (before the
  // transformer doubles every backslash) so splitString's `\\` -> `\` restores it on reading.
  if (inList && s.includes('\\\\')) s = s.replaceAll('\\\\', '\\\\\\\\');
  return escapeJavaProperties(s).replaceAll(DELIMITER, '\\' + DELIMITER);
}

/** `LegacyListDelimiterHandler.escapeList`: values joined by `,` on one line. */
function escapeList(values: readonly PropertyScalar[]): string {
  let last = escapeStoredValue(values[0] as PropertyScalar, true);
  let buf = last;
  for (let i = 1; i < values.length; i++) {
    // A value ending in an escaped backslash would escape the delimiter: add another `\\`.
    if (last.endsWith('\\') && Math.floor(countTrailingBackslashes(last) / 2) % 2 !== 0) buf += '\\\\';
    buf += DELIMITER;
    last = escapeStoredValue(values[i] as PropertyScalar, true);
    buf += last;
  }
  return buf;
}

function countTrailingBackslashes(s: string): number {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n;
}

/**
 * `OutputStreamWriter` (StreamEncoder) replaces what it cannot encode with the charset's
 * replacement, `?`: a lone surrogate in UTF-8; in ISO-8859-1 each code point above U+00FF.
 */
function encodeLikeJava(text: string, charset: PropertiesCharset): Buffer {
  if (charset === 'UTF-8') {
    return Buffer.from(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'), 'utf8');
  }
  let out = '';
  for (const c of text) out += c.length === 1 && c.charCodeAt(0) <= 0xff ? c : '?';
  return Buffer.from(out, 'latin1');
}
