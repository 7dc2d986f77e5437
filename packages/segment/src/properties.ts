import { SegmentFormatError } from './errors.js';
/**
 * Apache Commons Configuration (PropertiesConfiguration) reader, as Pinot uses it for
 * `metadata.properties`, `index_map` and `creation` files.
 *
 * Values are kept as the unescaped string of the whole value (escaped list delimiters `\,`
 * stay escaped in `raw`); `getList` splits on unescaped commas like Commons' legacy list
 * delimiter handler.
 */
export interface PropertyEntry {
  key: string;
  /** The value after Commons unescaping, with `\,` still escaped (list-delimiter aware). */
  raw: string;
}

export class Properties {
  readonly entries: PropertyEntry[];
  private readonly map = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();

  constructor(entries: PropertyEntry[]) {
    this.entries = entries;
    for (const e of entries) {
      const prev = this.map.get(e.key);
      // Commons Configuration turns a repeated key into a list.
      this.map.set(e.key, prev === undefined ? e.raw : `${prev},${e.raw}`);
      // Each line is split on its own (PropertiesConfiguration.propertyLoaded -> addPropertyInternal);
      // splitting the joined raw text would go wrong for a line ending in a backslash.
      this.lists.set(e.key, [...(this.lists.get(e.key) ?? []), ...splitList(e.raw)]);
    }
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The value with escaped commas resolved (`\,` -> `,`); undefined when absent. */
  get(key: string): string | undefined {
    const raw = this.map.get(key);
    return raw === undefined ? undefined : raw.replace(/\\,/g, ',');
  }

  /** The raw (list-escaped) value. */
  getRaw(key: string): string | undefined {
    return this.map.get(key);
  }

  /** The value split on unescaped commas, each element trimmed (Commons legacy list handling). */
  getList(key: string): string[] {
    const raw = this.map.get(key);
    // Only an empty value is an empty list (DefaultConversionHandler.isEmptyElement).
    if (raw === undefined || raw === '') return [];
    return [...(this.lists.get(key) ?? [])];
  }

  keys(): string[] {
    return [...this.map.keys()];
  }
}

/**
 * LegacyListDelimiterHandler.splitString(raw, trim=true): a value without a comma is one element,
 * untouched; otherwise split on unescaped commas with `\,` -> `,`, `\\` -> `\`, any other `\x` kept.
 */
export function splitList(raw: string): string[] {
  if (!raw.includes(',')) return [raw];
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[++i] as string;
      cur += n === ',' || n === '\\' ? n : c + n;
    } else if (c === ',') {
      out.push(javaTrim(cur));
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(javaTrim(cur));
  return out;
}

/** Java's String.trim(): strips chars <= U+0020, not the Unicode spaces JS's trim() also strips. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** Parses the text of a Commons Configuration properties file. */
export function parseProperties(text: string): Properties {
  const physical = text.split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  let i = 0;
  // PropertiesReader.readProperty: lines are Java-trimmed; blank and #/! lines are skipped even
  // inside a continuation; an odd number of trailing backslashes joins the next line; a
  // continuation still pending at the end of the file is dropped.
  read: while (i < physical.length) {
    let line = '';
    while (true) {
      if (i >= physical.length) break read;
      const t = javaTrim(physical[i++] ?? '');
      if (t === '' || t[0] === '#' || t[0] === '!') continue;
      if (!endsWithOddBackslashes(t)) {
        line += t;
        break;
      }
      line += t.slice(0, -1);
    }
    const { key, value } = splitKeyValue(line);
    // PROPERTY_PATTERN's value group is `(.*)`, and `.` stops at these line terminators: the
    // line does not match and Commons reads it as an empty key with an empty value.
    if (/[\u0085\u2028\u2029]/.test(value)) {
      entries.push({ key: '', raw: '' });
      continue;
    }
    entries.push({ key: unescape(javaTrim(key), false), raw: unescape(javaTrim(value), true) });
  }
  return new Properties(entries);
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function splitKeyValue(line: string): { key: string; value: string } {
  let i = 0;
  let key = '';
  while (i < line.length) {
    const c = line[i] as string;
    // `\\.` in the key: any char but a line terminator may follow the backslash.
    if (c === '\\' && i + 1 < line.length && !/[\u0085\u2028\u2029]/.test(line[i + 1] as string)) {
      key += c + line[i + 1];
      i += 2;
      continue;
    }
    if (c === '\\' || c === '=' || c === ':' || /[ \t\n\v\f\r]/.test(c)) break;
    key += c;
    i++;
  }
  // Skip whitespace, at most one separator, whitespace (Java's \s).
  while (i < line.length && /[ \t\n\v\f\r]/.test(line[i] as string)) i++;
  if (i < line.length && (line[i] === '=' || line[i] === ':')) i++;
  while (i < line.length && /[ \t\n\v\f\r]/.test(line[i] as string)) i++;
  return { key, value: line.slice(i) };
}

/**
 * Unescapes `\uXXXX`, `\t \n \r \f \b` and `\\`. With `keepListEscape` (values) it follows
 * PropertiesConfiguration.unescapeJava: other escapes keep their backslash except before `:#=!'"`,
 * so `\,` survives for list splitting. Without it (keys, padding character) it follows
 * commons-text StringEscapeUtils.unescapeJava: other escapes drop the backslash (octal escapes
 * are not decoded).
 */
export function unescape(s: string, keepListEscape: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\' || i + 1 >= s.length) {
      // A trailing lone backslash: kept in values, dropped in keys (commons-text unescapeJava).
      if (c !== '\\' || keepListEscape) out += c;
      continue;
    }
    const n = s[++i] as string;
    switch (n) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'b': out += '\b'; break;
      case '\\': out += '\\'; break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        // A value ending inside `\uXX` loses it silently (PropertiesConfiguration.unescapeJava).
        if (keepListEscape && hex.length < 4) return out;
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new SegmentFormatError(`Bad \\u escape in properties: \\u${hex}`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      case ',': out += keepListEscape ? '\\,' : ','; break;
      // Values (PropertiesConfiguration.unescapeJava) keep the backslash of unknown escapes except
      // before `:#=!'"`; keys (commons-text unescapeJava) drop it.
      default: out += keepListEscape && !':#=!\'"'.includes(n) ? c + n : n;
    }
  }
  return out;
}

/**
 * Pinot's `recoverSpecialCharacterInPropertyValue` (CommonsConfigurationUtils): undoes the
 * NUL-padding of leading/trailing spaces and the `\0\0` stand-in for commas in min/max values.
 */
export function recoverPinotPropertyValue(value: string): string {
  if (value === '') return value;
  let v = value;
  if (v.startsWith('\0 ')) v = v.slice(1);
  if (v.endsWith(' \0')) v = v.slice(0, -1);
  return v.split('\0\0').join(',');
}
