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

  constructor(entries: PropertyEntry[]) {
    this.entries = entries;
    for (const e of entries) {
      const prev = this.map.get(e.key);
      // Commons Configuration turns a repeated key into a list.
      this.map.set(e.key, prev === undefined ? e.raw : `${prev},${e.raw}`);
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
    if (raw === undefined || raw.trim() === '') return [];
    return splitList(raw);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }
}

export function splitList(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && raw[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur.trim());
  return out;
}

/** Parses the text of a Commons Configuration properties file. */
export function parseProperties(text: string): Properties {
  const physical = text.split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i] ?? '';
    const trimmedStart = line.replace(/^[ \t\f]+/, '');
    if (trimmedStart === '' || trimmedStart.startsWith('#') || trimmedStart.startsWith('!')) continue;
    line = trimmedStart;
    // Continuation lines: an odd number of trailing backslashes joins the next line.
    while (endsWithOddBackslashes(line) && i + 1 < physical.length) {
      i++;
      line = line.slice(0, -1) + (physical[i] ?? '').replace(/^[ \t\f]+/, '');
    }
    const { key, value } = splitKeyValue(line);
    entries.push({ key: unescape(key, false), raw: unescape(value.trim(), true) });
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
    if (c === '\\' && i + 1 < line.length) {
      key += c + line[i + 1];
      i += 2;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    key += c;
    i++;
  }
  // Skip whitespace, at most one separator, whitespace.
  while (i < line.length && /[ \t\f]/.test(line[i] as string)) i++;
  if (i < line.length && (line[i] === '=' || line[i] === ':')) i++;
  while (i < line.length && /[ \t\f]/.test(line[i] as string)) i++;
  return { key, value: line.slice(i) };
}

/**
 * Commons Configuration's unescapeJava: `\uXXXX`, `\t \n \r \f \b`, `\\`; an escaped list
 * delimiter keeps its backslash (when `keepListEscape`) so list splitting can see it; any
 * other escaped character stands for itself.
 */
export function unescape(s: string, keepListEscape: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
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
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`Bad \\u escape in properties: \\u${hex}`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      case ',': out += keepListEscape ? '\\,' : ','; break;
      default: out += n;
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
