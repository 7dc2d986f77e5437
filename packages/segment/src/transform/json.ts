/**
 * JSON as Pinot's scalar functions see it:
 *  - `parseJackson`: Jackson ObjectMapper.readValue(text, Object.class) — objects → LinkedHashMap, arrays → ArrayList,
 *    integers → Integer / Long / BigInteger, other numbers → Double (or BigDecimal with USE_BIG_DECIMAL_FOR_FLOATS);
 *    only the first root value is read (trailing content is ignored, as ObjectReader.readValue does).
 *  - `writeJackson`: JsonUtils.objectToString (Jackson defaults: Double/Float via Double.toString / Float.toString,
 *    non-finite numbers quoted, BigDecimal.toString, byte[] as base64, java.sql.Timestamp as epoch millis).
 *  - `compileJsonPath` / `readJsonPath`: the Jayway JsonPath subset Pinot users write (pinot-common
 *    `function/scalar/JsonFunctions.java`: Option.SUPPRESS_EXCEPTIONS, ArrayAwareJacksonJsonProvider).
 */
import { bigDecimal, bigDecimalToString, compareBigDecimal, isBigDecimal, parseBigDecimal, type BigDecimal } from '../big-decimal.js';
import { jacksonQuote, javaDoubleToString, javaFloatToString } from '../convert.js';
import { javaStringCompare } from '../writer/dictionary-writer.js';
import { JArray, JavaException, JFloat, JInt, JMap, JTimestamp, LONG_MAX, LONG_MIN, type JValue } from './jvalue.js';

export class JsonParseError extends JavaException {
  constructor(message: string) {
    super('JsonParseException', message);
  }
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Jackson ObjectMapper.readValue(text, Object.class). Throws JsonParseError on malformed input. */
export function parseJackson(text: string, bigDecimalFloats = false): JValue {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new JsonParseError(`${what} at position ${i}`);
  };
  const ws = (): void => {
    while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
  };
  const str = (): string => {
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('Unexpected end-of-input in a String value');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail(`Illegal unquoted character (CTRL-CHAR, code ${c})`);
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const h = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('Unexpected character in a unicode escape');
          out += String.fromCharCode(parseInt(h, 16));
          i += 6;
        } else {
          fail(`Unrecognized character escape '${e ?? ''}'`);
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  const value = (depth: number, root: boolean): JValue => {
    if (depth > 1000) fail('Document nesting depth exceeds the maximum allowed (1000)');
    ws();
    if (i >= n) fail('Unexpected end-of-input');
    const c = text[i]!;
    if (c === '{') {
      i++;
      ws();
      const m = new Map<string, JValue>();
      if (text[i] === '}') {
        i++;
        return new JMap(m, false);
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("Unexpected character: was expecting double-quote to start field name");
        const k = str();
        ws();
        if (text[i] !== ':') fail("Unexpected character: was expecting a colon to separate field name and value");
        i++;
        m.set(k, value(depth + 1, false));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return new JMap(m, false);
        }
        fail("Unexpected character: was expecting comma to separate Object entries");
      }
    }
    if (c === '[') {
      i++;
      ws();
      const items: JValue[] = [];
      if (text[i] === ']') {
        i++;
        return new JArray('List', items);
      }
      for (;;) {
        items.push(value(depth + 1, false));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return new JArray('List', items);
        }
        fail('Unexpected character: was expecting comma to separate Array entries');
      }
    }
    if (c === '"') return str();
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      if (!m) return fail('Invalid numeric value');
      const t = m[0];
      i += t.length;
      const next = i < n ? text.charCodeAt(i) : -1;
      if (next >= 0x30 && next <= 0x39) fail('Invalid numeric value: Leading zeroes not allowed');
      if (next === 0x2e || next === 0x65 || next === 0x45) fail('Unexpected character in a number');
      if (root && next !== -1 && !isJsonSpace(next)) fail('Unexpected character: Expected space separating root-level values');
      if (/^-?\d+$/.test(t)) {
        const b = BigInt(t);
        if (b >= -2147483648n && b <= 2147483647n) return new JInt(Number(b));
        if (b >= LONG_MIN && b <= LONG_MAX) return b;
        return bigDecimal(b, 0);
      }
      return bigDecimalFloats ? parseBigDecimal(t) : Number(t);
    }
    for (const [lit, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        const ch = text[i];
        if (ch !== undefined && /[A-Za-z0-9_$]/.test(ch)) fail(`Unrecognized token '${lit}${ch}'`);
        return v;
      }
    }
    return fail(`Unexpected character ('${c}')`);
  };
  ws();
  if (i >= n) throw new JsonParseError('No content to map due to end-of-input');
  return value(0, true);
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** JsonUtils.objectToString (`sortKeys`: MapUtils' writer with ORDER_MAP_ENTRIES_BY_KEYS). */
export function writeJackson(v: JValue, sortKeys = false, depth = 0): string {
  if (depth > 1000) throw new JavaException('JsonMappingException', 'Document nesting depth exceeds the maximum allowed (1000)');
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return jacksonQuote(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? javaDoubleToString(v) : `"${javaDoubleToString(v)}"`;
    default:
      break;
  }
  if (v instanceof JInt) return String(v.v);
  if (v instanceof JFloat) return Number.isFinite(v.v) ? javaFloatToString(v.v) : `"${javaFloatToString(v.v)}"`;
  if (v instanceof Uint8Array) return `"${base64(v)}"`;
  if (v instanceof JTimestamp) return v.millis.toString();
  if (v instanceof JArray) {
    if (v.kind === 'bytes') return `[${v.items.map((x) => writeJackson(x, sortKeys, depth + 1)).join(',')}]`;
    return `[${v.items.map((x) => writeJackson(x, sortKeys, depth + 1)).join(',')}]`;
  }
  if (v instanceof JMap) {
    let entries = v.ordered();
    if (sortKeys) entries = [...entries].sort((a, b) => javaStringCompare(a[0], b[0]));
    return `{${entries.map(([k, x]) => `${jacksonQuote(k)}:${writeJackson(x, sortKeys, depth + 1)}`).join(',')}}`;
  }
  if (isBigDecimal(v)) return bigDecimalToString(v);
  throw new JavaException('JsonMappingException', 'unsupported value');
}

// ---------------------------------------------------------------------------------------------------------------
// JsonPath (Jayway subset)
// ---------------------------------------------------------------------------------------------------------------

export class InvalidPathError extends JavaException {
  constructor(message: string) {
    super('InvalidPathException', message);
  }
}

type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'exists'; path: PathToken[] }
  | { kind: 'cmp'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: FilterOperand; right: FilterOperand };

type FilterOperand = { kind: 'path'; path: PathToken[] } | { kind: 'literal'; value: JValue };

type PathToken =
  | { kind: 'property'; names: string[] }
  | { kind: 'index'; indexes: number[] }
  | { kind: 'slice'; from?: number; to?: number }
  | { kind: 'wildcard' }
  | { kind: 'scan' }
  | { kind: 'filter'; expr: FilterExpr };

export interface CompiledJsonPath {
  readonly path: string;
  readonly tokens: readonly PathToken[];
  readonly definite: boolean;
}

function isDefiniteToken(t: PathToken): boolean {
  switch (t.kind) {
    case 'property':
      return true;
    case 'index':
      return t.indexes.length === 1;
    default:
      return false;
  }
}

const pathCache = new Map<string, CompiledJsonPath>();

/** JsonPath.compile: throws InvalidPathError for malformed or unsupported paths. */
export function compileJsonPath(path: string): CompiledJsonPath {
  const cached = pathCache.get(path);
  if (cached) return cached;
  const trimmed = path.trim();
  if (trimmed.length === 0) throw new InvalidPathError('Path may not be null empty');
  let p = trimmed;
  if (!p.startsWith('$') && !p.startsWith('@')) p = `$.${p}`;
  if (p.endsWith('.') && !p.endsWith('..')) throw new InvalidPathError(`Path must not end with a '.' or '..'`);
  if (p.endsWith('..')) throw new InvalidPathError(`Path must not end with a '.' or '..'`);
  const { tokens, end } = parseTokens(p, 1, false);
  if (end !== p.length) throw new InvalidPathError(`Could not parse token starting at position ${end}. Expected ?, ', 0-9, * `);
  const compiled: CompiledJsonPath = { path, tokens, definite: tokens.every(isDefiniteToken) };
  if (pathCache.size > 1000) pathCache.clear();
  pathCache.set(path, compiled);
  return compiled;
}

function parseTokens(p: string, start: number, inFilter: boolean): { tokens: PathToken[]; end: number } {
  const tokens: PathToken[] = [];
  let i = start;
  const stop = (c: string | undefined): boolean => c === undefined || (inFilter && /[\s=!<>&|)]/.test(c));
  while (!stop(p[i])) {
    const c = p[i]!;
    if (c === '.') {
      if (p[i + 1] === '.') {
        tokens.push({ kind: 'scan' });
        i += 2;
        if (p[i] === '[') continue;
      } else {
        i++;
        // `$.[0]` / `$.['a']`: a dot before a bracket is allowed
        if (p[i] === '[') continue;
      }
      if (p[i] === '*') {
        tokens.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      let j = i;
      while (j < p.length && !/[.[\]\s()=!<>&|]/.test(p[j]!)) j++;
      const name = p.slice(i, j);
      if (name.length === 0) throw new InvalidPathError(`Path property name expected at position ${i} in ${p}`);
      if (p[j] === '(') throw new InvalidPathError(`JsonPath functions (${name}()) are not supported`);
      tokens.push({ kind: 'property', names: [name] });
      i = j;
      continue;
    }
    if (c === '[') {
      const close = bracketEnd(p, i);
      const inner = p.slice(i + 1, close).trim();
      tokens.push(parseBracket(inner, p));
      i = close + 1;
      continue;
    }
    throw new InvalidPathError(`Could not parse token starting at position ${i} in path ${p}`);
  }
  return { tokens, end: i };
}

function bracketEnd(p: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < p.length; i++) {
    const c = p[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '[') depth++;
    else if (c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new InvalidPathError(`Could not find closing ']' in path ${p}`);
}

function parseBracket(inner: string, p: string): PathToken {
  if (inner === '*') return { kind: 'wildcard' };
  if (inner.startsWith('?')) {
    const f = inner.slice(1).trim();
    if (!f.startsWith('(') || !f.endsWith(')')) throw new InvalidPathError(`Filter must start with '(' and end with ')': ${inner}`);
    return { kind: 'filter', expr: parseFilter(f.slice(1, -1)) };
  }
  if (inner.startsWith("'") || inner.startsWith('"')) {
    const names: string[] = [];
    let i = 0;
    while (i < inner.length) {
      const q = inner[i]!;
      if (q !== "'" && q !== '"') throw new InvalidPathError(`Property must be separated by comma or Property must be terminated close square bracket at index ${i} in ${p}`);
      let j = i + 1;
      let name = '';
      while (j < inner.length && inner[j] !== q) {
        if (inner[j] === '\\' && j + 1 < inner.length) {
          name += inner[j + 1];
          j += 2;
        } else {
          name += inner[j];
          j++;
        }
      }
      if (j >= inner.length) throw new InvalidPathError(`Property has not been closed - missing closing ${q} in ${p}`);
      names.push(name);
      i = j + 1;
      while (i < inner.length && inner[i] === ' ') i++;
      if (i < inner.length) {
        if (inner[i] !== ',') throw new InvalidPathError(`Property must be separated by comma in ${p}`);
        i++;
        while (i < inner.length && inner[i] === ' ') i++;
      }
    }
    return { kind: 'property', names };
  }
  if (inner.includes(':')) {
    const m = /^(-?\d+)?\s*:\s*(-?\d+)?$/.exec(inner);
    if (!m) throw new InvalidPathError(`Failed to parse SliceOperation: ${inner}`);
    const t: PathToken = { kind: 'slice' };
    if (m[1] !== undefined) t.from = Number(m[1]);
    if (m[2] !== undefined) t.to = Number(m[2]);
    return t;
  }
  const parts = inner.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => !/^-?\d+$/.test(s))) throw new InvalidPathError(`Failed to parse array index: [${inner}] in ${p}`);
  return { kind: 'index', indexes: parts.map(Number) };
}

// --- filters: @.path, literals, == != < <= > >=, &&, ||, !, parentheses

function parseFilter(src: string): FilterExpr {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const operand = (): FilterOperand => {
    ws();
    const c = src[i];
    if (c === '@' || c === '$') {
      const { tokens, end } = parseTokens(src, i + 1, true);
      i = end;
      if (c === '$') throw new InvalidPathError('Filters on the root document ($) are not supported');
      return { kind: 'path', path: tokens };
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          s += src[j + 1];
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new InvalidPathError(`String literal is not closed in filter ${src}`);
      i = j + 1;
      return { kind: 'literal', value: s };
    }
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(src.slice(i));
    if (!m) throw new InvalidPathError(`Unsupported filter operand at '${src.slice(i)}' (only @-paths, strings, numbers, true, false, null)`);
    i += m[0].length;
    const t = m[0];
    if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
    if (t === 'null') return { kind: 'literal', value: null };
    return { kind: 'literal', value: parseBigDecimal(t) };
  };
  const primary = (): FilterExpr => {
    ws();
    if (src[i] === '!') {
      i++;
      return { kind: 'not', expr: primary() };
    }
    if (src[i] === '(') {
      i++;
      const e = orExpr();
      ws();
      if (src[i] !== ')') throw new InvalidPathError(`Expected ')' in filter ${src}`);
      i++;
      return e;
    }
    const left = operand();
    ws();
    const m = /^(==|!=|<=|>=|<|>)/.exec(src.slice(i));
    if (!m) {
      if (left.kind !== 'path') throw new InvalidPathError(`Expected a comparison in filter ${src}`);
      return { kind: 'exists', path: left.path };
    }
    i += m[0].length;
    const right = operand();
    return { kind: 'cmp', op: m[0] as '==', left, right };
  };
  const andExpr = (): FilterExpr => {
    let l = primary();
    for (;;) {
      ws();
      if (src.startsWith('&&', i)) {
        i += 2;
        l = { kind: 'and', left: l, right: primary() };
      } else return l;
    }
  };
  const orExpr = (): FilterExpr => {
    let l = andExpr();
    for (;;) {
      ws();
      if (src.startsWith('||', i)) {
        i += 2;
        l = { kind: 'or', left: l, right: andExpr() };
      } else return l;
    }
  };
  const e = orExpr();
  ws();
  if (i !== src.length) throw new InvalidPathError(`Unsupported filter syntax at '${src.slice(i)}'`);
  return e;
}

const UNDEFINED = Symbol('undefined');

function isArrayLike(v: JValue): v is JArray {
  return v instanceof JArray;
}

function evaluate(tokens: readonly PathToken[], idx: number, model: JValue, out: JValue[]): void {
  if (idx === tokens.length) {
    out.push(model);
    return;
  }
  const t = tokens[idx]!;
  switch (t.kind) {
    case 'property': {
      if (!(model instanceof JMap)) return;
      if (t.names.length === 1) {
        const name = t.names[0]!;
        if (!model.entries.has(name)) return;
        evaluate(tokens, idx + 1, model.get(name), out);
        return;
      }
      if (idx + 1 === tokens.length) {
        const merged = new Map<string, JValue>();
        for (const name of t.names) if (model.entries.has(name)) merged.set(name, model.get(name));
        out.push(new JMap(merged, false));
        return;
      }
      for (const name of t.names) if (model.entries.has(name)) evaluate(tokens, idx + 1, model.get(name), out);
      return;
    }
    case 'index': {
      if (!isArrayLike(model)) return;
      const n = model.items.length;
      for (const raw of t.indexes) {
        const k = raw < 0 ? n + raw : raw;
        if (k >= 0 && k < n) evaluate(tokens, idx + 1, model.items[k]!, out);
      }
      return;
    }
    case 'slice': {
      if (!isArrayLike(model)) return;
      const n = model.items.length;
      let from: number;
      let to: number;
      if (t.from !== undefined && t.to === undefined) {
        // [from:] — a negative from counts from the end
        from = t.from < 0 ? Math.max(0, n + t.from) : t.from;
        to = n;
      } else if (t.from === undefined) {
        from = 0;
        to = t.to! < 0 ? n + t.to! : Math.min(t.to!, n);
      } else {
        from = t.from < 0 ? n + t.from : t.from;
        to = t.to! < 0 ? n + t.to! : Math.min(t.to!, n);
      }
      for (let k = Math.max(0, from); k < to && k < n; k++) evaluate(tokens, idx + 1, model.items[k]!, out);
      return;
    }
    case 'wildcard': {
      if (model instanceof JMap) for (const [, v] of model.ordered()) evaluate(tokens, idx + 1, v, out);
      else if (isArrayLike(model)) for (const v of model.items) evaluate(tokens, idx + 1, v, out);
      return;
    }
    case 'scan': {
      scan(tokens, idx + 1, model, out);
      return;
    }
    case 'filter': {
      if (!isArrayLike(model)) {
        if (model instanceof JMap && matches(t.expr, model)) evaluate(tokens, idx + 1, model, out);
        return;
      }
      for (const v of model.items) if (matches(t.expr, v)) evaluate(tokens, idx + 1, v, out);
      return;
    }
  }
}

/** Deep scan: the next token is applied to the node and then to every descendant (pre-order). */
function scan(tokens: readonly PathToken[], next: number, model: JValue, out: JValue[]): void {
  const t = tokens[next];
  if (t && t.kind === 'property') {
    if (model instanceof JMap) evaluate(tokens, next, model, out);
  } else if (t && t.kind === 'wildcard') {
    if (model instanceof JMap || isArrayLike(model)) evaluate(tokens, next, model, out);
  } else if (t) {
    if (isArrayLike(model) || (t.kind === 'filter' && model instanceof JMap)) evaluate(tokens, next, model, out);
  }
  if (model instanceof JMap) for (const [, v] of model.ordered()) scan(tokens, next, v, out);
  else if (isArrayLike(model)) for (const v of model.items) scan(tokens, next, v, out);
}

function resolveOperand(o: FilterOperand, item: JValue): JValue | typeof UNDEFINED {
  if (o.kind === 'literal') return o.value;
  const out: JValue[] = [];
  evaluate(o.path, 0, item, out);
  if (out.length === 0) return UNDEFINED;
  return o.path.every(isDefiniteToken) ? out[0]! : new JArray('List', out);
}

function asDecimal(v: JValue): BigDecimal | null {
  if (typeof v === 'number') return Number.isFinite(v) ? parseBigDecimal(javaDoubleToString(v)) : null;
  if (typeof v === 'bigint') return bigDecimal(v, 0);
  if (v instanceof JInt) return bigDecimal(BigInt(v.v), 0);
  if (v instanceof JFloat) return Number.isFinite(v.v) ? parseBigDecimal(javaFloatToString(v.v)) : null;
  if (v !== null && isBigDecimal(v)) return v;
  return null;
}

function matches(e: FilterExpr, item: JValue): boolean {
  switch (e.kind) {
    case 'and':
      return matches(e.left, item) && matches(e.right, item);
    case 'or':
      return matches(e.left, item) || matches(e.right, item);
    case 'not':
      return !matches(e.expr, item);
    case 'exists':
      return resolveOperand({ kind: 'path', path: e.path }, item) !== UNDEFINED;
    case 'cmp': {
      const l = resolveOperand(e.left, item);
      const r = resolveOperand(e.right, item);
      // A missing path matches nothing, except that it differs from any present value.
      if (l === UNDEFINED || r === UNDEFINED) return e.op === '!=' && l !== r;
      const ld = asDecimal(l);
      const rd = asDecimal(r);
      let cmp: number | null = null;
      let eq: boolean;
      if (ld && rd) {
        cmp = compareBigDecimal(ld, rd);
        eq = cmp === 0;
      } else if (typeof l === 'string' && typeof r === 'string') {
        cmp = javaStringCompare(l, r);
        eq = cmp === 0;
      } else if (typeof l === 'boolean' && typeof r === 'boolean') {
        eq = l === r;
      } else if (l === null || r === null) {
        eq = l === r;
      } else {
        eq = writeJackson(l) === writeJackson(r);
      }
      switch (e.op) {
        case '==':
          return eq;
        case '!=':
          return !eq;
        case '<':
          return cmp !== null && cmp < 0;
        case '<=':
          return cmp !== null && cmp <= 0;
        case '>':
          return cmp !== null && cmp > 0;
        case '>=':
          return cmp !== null && cmp >= 0;
      }
    }
  }
}

/**
 * JsonPath read with Option.SUPPRESS_EXCEPTIONS on an already-parsed document: a definite path gives the value or
 * null when nothing matches; an indefinite path (wildcards, scans, slices, filters, several indexes) gives a List.
 */
export function readJsonPath(document: JValue, path: CompiledJsonPath): JValue {
  const out: JValue[] = [];
  evaluate(path.tokens, 0, document, out);
  if (path.definite) return out.length === 0 ? null : out[0]!;
  return new JArray('List', out);
}
