/**
 * String scalar functions: pinot-common `function/scalar/StringFunctions.java`, `function/scalar/string/*`
 * (concat with separator, concatWS, replace, ltrim, rtrim) and `function/scalar/regexp/*` (regexpExtract,
 * regexpReplace, regexpLike, like and their *Var forms), with commons-lang3 StringUtils semantics.
 */
import { javaTrim } from '../convert.js';
import { javaUtf8 } from '../writer/dictionary-writer.js';
import { parseJackson } from './json.js';
import { argInt, argStr, base64Decode, JArray, JavaException, JInt, type JValue } from './jvalue.js';
import { compileJavaPattern, expandReplacement, findAll, findFirst, type JavaPattern } from './regex.js';
import { define } from './registry.js';

const S = 'String' as const;
const I = 'int' as const;

function int(n: number): JInt {
  return new JInt(n | 0);
}

function strs(a: string[]): JArray {
  return new JArray('String', a);
}

/** Character.isWhitespace. */
// eslint-disable-next-line no-control-regex -- Java's whitespace set includes U+001C-U+001F
const JAVA_WS = /[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]/;
export function isJavaWhitespace(c: string): boolean {
  return JAVA_WS.test(c);
}

/** Character.toUpperCase(char): a one-char mapping (no expansion such as ß → SS). */
function charUpper(c: string): string {
  const u = c.toUpperCase();
  return u.length === 1 ? u : c;
}
function charLower(c: string): string {
  const l = c.toLowerCase();
  return l.length === 1 ? l : c;
}

/** String.compareTo: the first differing UTF-16 unit difference, else the length difference. */
export function javaCompareTo(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** StringUtils.substring(str, start). */
function substr1(s: string, start: number): string {
  let st = start < 0 ? s.length + start : start;
  if (st < 0) st = 0;
  if (st > s.length) return '';
  return s.slice(st);
}

/** StringUtils.substring(str, start, end). */
function substr2(s: string, start: number, end: number): string {
  let e = end < 0 ? s.length + end : end;
  let st = start < 0 ? s.length + start : start;
  if (e > s.length) e = s.length;
  if (st > e) return '';
  if (st < 0) st = 0;
  if (e < 0) e = 0;
  return s.slice(st, e);
}

/** StringUtils.ordinalIndexOf (overlapping matches count). */
export function ordinalIndexOf(str: string, search: string, ordinal: number): number {
  if (ordinal <= 0) return -1;
  if (search.length === 0) return 0;
  let found = 0;
  let index = -1;
  do {
    index = str.indexOf(search, index + 1);
    if (index < 0) return index;
    found++;
  } while (found < ordinal);
  return index;
}

/** StringUtils.splitByWholeSeparator(str, separator, max). */
export function splitByWholeSeparator(str: string, separator: string | null, max = -1): string[] {
  const len = str.length;
  if (len === 0) return [];
  if (separator === null || separator === '') return splitOnWhitespace(str, max);
  const sepLen = separator.length;
  const out: string[] = [];
  let count = 0;
  let beg = 0;
  let end = 0;
  while (end < len) {
    end = str.indexOf(separator, beg);
    if (end > -1) {
      if (end > beg) {
        count++;
        if (count === max) {
          end = len;
          out.push(str.slice(beg));
        } else {
          out.push(str.slice(beg, end));
          beg = end + sepLen;
        }
      } else {
        beg = end + sepLen;
      }
    } else {
      out.push(str.slice(beg));
      end = len;
    }
  }
  return out;
}

/** StringUtils.splitWorker(str, null, max, false): runs of Character.isWhitespace separate tokens. */
function splitOnWhitespace(str: string, max: number): string[] {
  const out: string[] = [];
  let sizePlus1 = 1;
  let i = 0;
  let start = 0;
  let match = false;
  const len = str.length;
  while (i < len) {
    if (isJavaWhitespace(str[i]!)) {
      if (match) {
        if (sizePlus1++ === max) i = len;
        out.push(str.slice(start, i));
        match = false;
      }
      start = ++i;
      continue;
    }
    match = true;
    i++;
  }
  if (match) out.push(str.slice(start, i));
  return out;
}

function splitPartArrayBased(parts: string[], index: number): string {
  if (index >= 0 && index < parts.length) return parts[index]!;
  if (index < 0 && index >= -parts.length) return parts[parts.length + index]!;
  return 'null';
}

/** StringFunctions.splitPart(input, delimiter, index). */
export function splitPart3(input: string, delimiter: string, index: number): string {
  const delimLen = delimiter.length;
  if (delimLen === 0) return splitPartArrayBased(splitByWholeSeparator(input, delimiter), index);
  const len = input.length;
  if (len === 0) return 'null';
  let start = 0;
  while (start < len && input.startsWith(delimiter, start)) start += delimLen;
  if (index === -2147483648) return 'null';
  if (index < 0 && delimLen === 1) return splitPartNegativeSingleChar(input, delimiter, -index, len, start);
  let adjusted = index;
  if (adjusted < 0) {
    let total = 0;
    let pos = start;
    while (pos <= len) {
      total++;
      const end = input.indexOf(delimiter, pos);
      if (end === -1) break;
      pos = end + delimLen;
      while (pos < len && input.startsWith(delimiter, pos)) pos += delimLen;
    }
    adjusted = total + index;
    if (adjusted < 0) return 'null';
  }
  for (let i = 0; i < adjusted; i++) {
    const end = input.indexOf(delimiter, start);
    if (end === -1) return 'null';
    start = end + delimLen;
    while (start < len && input.startsWith(delimiter, start)) start += delimLen;
  }
  const end = input.indexOf(delimiter, start);
  return end === -1 ? input.slice(start) : input.slice(start, end);
}

function splitPartNegativeSingleChar(input: string, delimiter: string, index: number, len: number, start: number): string {
  if (start === len) return index === 1 ? '' : 'null';
  let end = len;
  while (end > start && input[end - 1] === delimiter) end--;
  let resultIdx = index;
  if (end < len) {
    if (index === 1) return '';
    resultIdx--;
  }
  let curEnd = end;
  for (let i = 1; i <= resultIdx; i++) {
    if (curEnd <= start) return 'null';
    let curStart = curEnd - 1;
    while (curStart >= start && input[curStart] !== delimiter) curStart--;
    if (i === resultIdx) return input.slice(curStart + 1, curEnd);
    curEnd = curStart;
    while (curEnd > start && input[curEnd - 1] === delimiter) curEnd--;
  }
  return 'null';
}

/** StringFunctions.splitPart(input, delimiter, limit, index). */
export function splitPart4(input: string, delimiter: string, limit: number, index: number): string {
  if (delimiter.length === 0) return splitPartArrayBased(splitByWholeSeparator(input, delimiter, limit), index);
  const inputLen = input.length;
  const delimLen = delimiter.length;
  if (inputLen === 0) return 'null';
  if (index === -2147483648) return 'null';
  const effectiveLimit = limit <= 0 ? 2147483647 : limit;
  if (index >= 0) return splitPartLimitedForward(input, delimiter, effectiveLimit, index, inputLen, delimLen);
  const total = countFieldsLimited(input, delimiter, effectiveLimit, inputLen, delimLen);
  if (total === 0) return 'null';
  const adjusted = total + index;
  if (adjusted < 0) return 'null';
  return splitPartLimitedForward(input, delimiter, effectiveLimit, adjusted, inputLen, delimLen);
}

function countFieldsLimited(input: string, delimiter: string, limit: number, inputLen: number, delimLen: number): number {
  let pos = 0;
  while (pos < inputLen && input.startsWith(delimiter, pos)) pos += delimLen;
  if (pos >= inputLen) return 1;
  let total = 0;
  while (pos < inputLen) {
    total++;
    if (total >= limit) break;
    const end = input.indexOf(delimiter, pos);
    if (end === -1) break;
    pos = end + delimLen;
    while (pos < inputLen && input.startsWith(delimiter, pos)) pos += delimLen;
    if (pos >= inputLen) {
      total++;
      break;
    }
  }
  return total;
}

function splitPartLimitedForward(input: string, delimiter: string, limit: number, index: number, inputLen: number, delimLen: number): string {
  let pos = 0;
  while (pos < inputLen && input.startsWith(delimiter, pos)) pos += delimLen;
  if (pos >= inputLen) return index === 0 ? '' : 'null';
  let fieldCount = 0;
  while (pos <= inputLen) {
    if (fieldCount + 1 >= limit) return fieldCount === index ? input.slice(pos) : 'null';
    const end = input.indexOf(delimiter, pos);
    if (end === -1) return fieldCount === index ? input.slice(pos) : 'null';
    if (fieldCount === index) return input.slice(pos, end);
    pos = end + delimLen;
    while (pos < inputLen && input.startsWith(delimiter, pos)) pos += delimLen;
    fieldCount++;
    if (pos >= inputLen) return fieldCount === index ? '' : 'null';
  }
  return 'null';
}

/** StringUtils.repeat(str, n) with a guard against absurd sizes. */
function repeat(s: string, n: number): string {
  if (n <= 0 || s.length === 0) return '';
  if (s.length * n > 256 * 1024 * 1024) throw new JavaException('OutOfMemoryError', 'Requested array size exceeds VM limit');
  return s.repeat(n);
}

/** StringUtils.leftPad / rightPad(str, size, padStr). */
function pad(s: string, size: number, padStr: string, left: boolean): string {
  const p = padStr.length === 0 ? ' ' : padStr;
  const pads = size - s.length;
  if (pads <= 0) return s;
  let fill = p.repeat(Math.ceil(pads / p.length)).slice(0, pads);
  if (p.length === 1) fill = p.repeat(pads);
  return left ? fill + s : s + fill;
}

/** String.regionMatches(ignoreCase=true) for whole strings of equal length. */
function equalsIgnoreCaseChars(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const ux = charUpper(x);
    const uy = charUpper(y);
    if (ux === uy || charLower(ux) === charLower(uy)) continue;
    return false;
  }
  return true;
}

// --- charsets

function normalizeCharset(name: string): string | undefined {
  const n = name.toUpperCase().replace(/_/g, '-');
  if (['UTF-8', 'UTF8'].includes(n)) return 'UTF-8';
  if (['US-ASCII', 'ASCII', 'ISO646-US', 'US', 'ASCII7', '646'].includes(n)) return 'US-ASCII';
  if (['ISO-8859-1', 'ISO8859-1', 'LATIN1', 'L1', 'ISO-LATIN-1', '8859-1', 'CP819', 'IBM819'].includes(n)) return 'ISO-8859-1';
  if (['UTF-16', 'UTF16'].includes(n)) return 'UTF-16';
  if (['UTF-16BE', 'UTF16BE', 'X-UTF-16BE', 'UNICODEBIGUNMARKED'].includes(n)) return 'UTF-16BE';
  if (['UTF-16LE', 'UTF16LE', 'X-UTF-16LE', 'UNICODELITTLEUNMARKED'].includes(n)) return 'UTF-16LE';
  return undefined;
}

function encodeCharset(s: string, charset: string): Uint8Array {
  switch (charset) {
    case 'UTF-8':
      return new Uint8Array(javaUtf8(s));
    case 'US-ASCII':
    case 'ISO-8859-1': {
      const max = charset === 'US-ASCII' ? 0x7f : 0xff;
      const cps = Array.from(s);
      return Uint8Array.from(cps.map((c) => (c.length === 1 && c.charCodeAt(0) <= max ? c.charCodeAt(0) : 0x3f)));
    }
    default: {
      const fixed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
      const le = Buffer.from(fixed, 'utf16le');
      if (charset === 'UTF-16LE') return new Uint8Array(le);
      const be = Buffer.from(le);
      be.swap16();
      return charset === 'UTF-16BE' ? new Uint8Array(be) : new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    }
  }
}

function decodeCharset(b: Uint8Array, charset: string): string {
  switch (charset) {
    case 'UTF-8':
      return new TextDecoder('utf-8').decode(b);
    case 'US-ASCII':
      return Array.from(b, (x) => (x < 0x80 ? String.fromCharCode(x) : '\uFFFD')).join('');
    case 'ISO-8859-1':
      return Array.from(b, (x) => String.fromCharCode(x)).join('');
    case 'UTF-16LE':
      return new TextDecoder('utf-16le').decode(b);
    case 'UTF-16BE':
      return new TextDecoder('utf-16be').decode(b);
    default: {
      if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
      if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
      return new TextDecoder('utf-16be').decode(b);
    }
  }
}

// --- UUID

const MASK64 = (1n << 64n) - 1n;

function parseHexLong(s: string): bigint {
  if (!/^[+-]?[0-9a-fA-F]+$/.test(s)) throw new JavaException('NumberFormatException', `For input string: "${s}"`);
  const v = BigInt(s.startsWith('-') ? `-0x${s.slice(1)}` : `0x${s.replace(/^\+/, '')}`);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) throw new JavaException('NumberFormatException', `For input string: "${s}"`);
  return v;
}

/** UUID.fromString(name) → 16 big-endian bytes; throws IllegalArgumentException. */
export function uuidFromString(name: string): Uint8Array {
  if (name.length > 36) throw new JavaException('IllegalArgumentException', 'UUID string too large');
  const d1 = name.indexOf('-');
  const d2 = name.indexOf('-', d1 + 1);
  const d3 = name.indexOf('-', d2 + 1);
  const d4 = name.indexOf('-', d3 + 1);
  const d5 = name.indexOf('-', d4 + 1);
  if (d4 < 0 || d5 >= 0) throw new JavaException('IllegalArgumentException', `Invalid UUID string: ${name}`);
  let msb;
  let lsb;
  try {
    msb = (parseHexLong(name.slice(0, d1)) & 0xffffffffn) << 32n;
    msb |= (parseHexLong(name.slice(d1 + 1, d2)) & 0xffffn) << 16n;
    msb |= parseHexLong(name.slice(d2 + 1, d3)) & 0xffffn;
    lsb = (parseHexLong(name.slice(d3 + 1, d4)) & 0xffffn) << 48n;
    lsb |= parseHexLong(name.slice(d4 + 1)) & 0xffffffffffffn;
  } catch {
    throw new JavaException('IllegalArgumentException', `Invalid UUID string: ${name}`);
  }
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, msb & MASK64);
  dv.setBigUint64(8, lsb & MASK64);
  return out;
}

export function uuidToString(b: Uint8Array): string {
  if (b.length !== 16) throw new JavaException('IllegalArgumentException', `Invalid UUID bytes length: ${b.length}, expected 16`);
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// --- URL encoding (java.net.URLEncoder / URLDecoder with UTF-8)

function urlEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/^[A-Za-z0-9.\-*_]$/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const b of javaUtf8(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function urlDecode(s: string): string {
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%') {
      const bytes: number[] = [];
      while (i + 2 < n && s[i] === '%') {
        const h = s.slice(i + 1, i + 3);
        if (!/^[+-]?[0-9a-fA-F]+$/.test(h)) throw new JavaException('IllegalArgumentException', `URLDecoder: Illegal hex characters in escape (%) pattern - For input string: "${h}" under radix 16`);
        const v = parseInt(h, 16);
        if (v < 0) throw new JavaException('IllegalArgumentException', 'URLDecoder: Illegal hex characters in escape (%) pattern - negative value');
        bytes.push(v);
        i += 3;
      }
      if (i < n && s[i] === '%') throw new JavaException('IllegalArgumentException', 'URLDecoder: Incomplete trailing escape (%) pattern');
      out += new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// --- Soundex (commons-codec, US English mapping)

const SOUNDEX_MAP = '01230120022455012623010202';

function soundexMap(c: string): string {
  const idx = c.charCodeAt(0) - 65;
  if (idx < 0 || idx >= SOUNDEX_MAP.length) throw new JavaException('IllegalArgumentException', `The character is not mapped: ${c} (index=${idx})`);
  return SOUNDEX_MAP[idx]!;
}

export function soundex(input: string): string {
  const clean = Array.from(input)
    .filter((c) => /\p{L}/u.test(c))
    .map((c) => c.toUpperCase())
    .join('');
  if (clean.length === 0) return clean;
  const out = ['0', '0', '0', '0'];
  let count = 0;
  const first = clean[0]!;
  out[count++] = first;
  let last = soundexMap(first);
  for (let i = 1; i < clean.length && count < out.length; i++) {
    const ch = clean[i]!;
    if (ch === 'H' || ch === 'W') continue;
    const digit = soundexMap(ch);
    if (digit !== '0' && digit !== last) out[count++] = digit;
    last = digit;
  }
  return out.join('');
}

// --- regexp helpers

function replaceRegexp(inputStr: string, pattern: JavaPattern, replaceStr: string, matchStartPos: number, occurrence: number): string {
  if (matchStartPos < 0 || matchStartPos > inputStr.length) throw new JavaException('IndexOutOfBoundsException', 'start');
  if (occurrence >= 0) {
    let occ = occurrence;
    for (const m of findAll(pattern, inputStr, matchStartPos)) {
      if (occ === 0) return inputStr.slice(0, m.start) + replaceStr + inputStr.slice(m.end);
      occ--;
    }
    return inputStr;
  }
  let out = '';
  let last = 0;
  for (const m of findAll(pattern, inputStr, matchStartPos)) {
    out += inputStr.slice(last, m.start) + expandReplacement(pattern, replaceStr, m);
    last = m.end;
  }
  // Matcher.region() resets the append position to 0: the text before the region is kept.
  return out + inputStr.slice(last);
}

function regexpExtract(value: string, pattern: JavaPattern, group: number, defaultValue: string): JValue {
  const m = findFirst(pattern, value);
  if (m && pattern.groupCount >= group) {
    if (group < 0) throw new JavaException('IndexOutOfBoundsException', `No group ${group}`);
    return m.groups[group] ?? null;
  }
  return defaultValue;
}

/** The pattern a "Const" regexp function class compiled on its first call (Pinot never recompiles it). */
function constPattern(state: Record<string, unknown>, regex: string, caseInsensitive = false): JavaPattern {
  let p = state.pattern as JavaPattern | undefined;
  if (!p) state.pattern = p = compileJavaPattern(regex, caseInsensitive);
  return p;
}

function isCaseInsensitive(matchParameter: string): boolean {
  if (matchParameter.length === 0) return false;
  if (matchParameter.length !== 1) throw new JavaException('IllegalArgumentException', `Match parameter must be exactly one character. Got: '${matchParameter}'`);
  const c = matchParameter.toLowerCase();
  if (c === 'i') return true;
  if (c === 'c') return false;
  throw new JavaException('IllegalArgumentException', `Unsupported match parameter: '${matchParameter}'. Only 'i'/'I' (case-insensitive) and 'c'/'C' (case-sensitive) are supported.`);
}

const REGEXP_META = new Set(['^', '$', '.', '{', '}', '[', ']', '(', ')', '*', '+', '?', '|', '<', '>', '-', '&', '/']);

/** RegexpPatternConverterUtils.likeToRegexpLike. */
export function likeToRegexpLike(likePattern: string): string {
  let start = 0;
  let end = likePattern.length;
  let prefix = '^';
  let suffix = '$';
  if (likePattern.length === 0) return '^$';
  if (likePattern.length === 1) {
    if (likePattern === '%') return '';
  } else {
    if (likePattern[0] === '%') {
      start = [...likePattern].findIndex((c) => c !== '%');
      if (start === -1) return '';
      prefix = '';
    }
    if (likePattern[likePattern.length - 1] === '%') {
      let e = likePattern.length - 1;
      while (e >= 0 && likePattern[e] === '%') e--;
      if (e === -1) return '';
      end = e + 1;
      suffix = '';
    }
  }
  const input = likePattern.slice(start, end);
  let sb = prefix;
  let prevBackslash = false;
  for (const c of input) {
    if (c === '_') sb += prevBackslash ? c : '.';
    else if (c === '%') sb += prevBackslash ? c : '.*';
    else {
      if (REGEXP_META.has(c) || prevBackslash) sb += '\\';
      sb += c;
    }
    prevBackslash = c === '\\';
  }
  if (prevBackslash) sb += '\\';
  return sb + suffix;
}

const LTRIM = '^\\s+';
const RTRIM = '\\s+$';

function replaceAllJava(input: string, regex: string): string {
  const p = compileJavaPattern(regex);
  let out = '';
  let last = 0;
  for (const m of findAll(p, input)) {
    out += input.slice(last, m.start);
    last = m.end;
  }
  return out + input.slice(last);
}

// ---------------------------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------------------------

const s = argStr;
const i = argInt;

define('reverse', [S], ([a]) => Array.from(s(a)).reverse().join(''));
define('lower', [S], ([a]) => s(a).toLowerCase());
define('upper', [S], ([a]) => s(a).toUpperCase());
define('initcap', [S], ([a]) => {
  const input = s(a);
  let out = '';
  let cap = true;
  for (let k = 0; k < input.length; k++) {
    const c = input[k]!;
    if (isJavaWhitespace(c)) {
      out += c;
      cap = true;
    } else if (cap) {
      out += charUpper(c);
      cap = false;
    } else {
      out += charLower(c);
    }
  }
  return out;
});
define('substr', [S, I], ([a, b]) => substr1(s(a), i(b)));
define('substr', [S, I, I], ([a, b, c]) => (i(c) === -1 ? substr1(s(a), i(b)) : substr2(s(a), i(b), i(c))));
define('substring', [S, I], ([a, b]) => substr1(s(a), i(b) - 1));
define('substring', [S, I, I], ([a, b, c]) => {
  const begin = i(b) - 1;
  return substr2(s(a), begin, (begin + i(c)) | 0);
});
define('concat', [S, S], ([a, b]) => s(a) + s(b));
define('concat', [S, S, S], ([a, b, sep]) => s(a) + s(sep) + s(b));
define('concatWS', [S, S, S], ([sep, a, b]) => s(a) + s(sep) + s(b));
define('trim', [S], ([a]) => javaTrim(s(a)));
define('trim', [S, S, S], ([end, chars, value]) => {
  const v = s(value);
  const cs = s(chars);
  const e = s(end);
  let st = 0;
  let en = v.length;
  if (e === 'BOTH' || e === 'LEADING') while (st < en && cs.includes(v[st]!)) st++;
  if (e === 'BOTH' || e === 'TRAILING') while (st < en && cs.includes(v[en - 1]!)) en--;
  return v.slice(st, en);
});
define('ltrim', [S], ([a]) => replaceAllJava(s(a), LTRIM));
define('rtrim', [S], ([a]) => replaceAllJava(s(a), RTRIM));
define(['leftSubStr', 'left'], [S, I], ([a, b]) => {
  const str = s(a);
  const len = i(b);
  if (len < 0) return '';
  return str.length <= len ? str : str.slice(0, len);
});
define(['rightSubStr', 'right'], [S, I], ([a, b]) => {
  const str = s(a);
  const len = i(b);
  if (len < 0) return '';
  return str.length <= len ? str : str.slice(str.length - len);
});
define('length', [S], ([a]) => int(s(a).length));
define('strpos', [S, S, I], ([a, b, c]) => int(ordinalIndexOf(s(a), s(b), i(c))));
define('strpos', [S, S], ([a, b]) => int(s(a).indexOf(s(b))));
define('strrpos', [S, S], ([a, b]) => int(s(a).lastIndexOf(s(b))));
define('strrpos', [S, S, I], ([a, b, c]) => {
  const start = i(c);
  if (start < 0) return int(-1);
  return int(s(a).lastIndexOf(s(b), start));
});
define('startsWith', [S, S], ([a, b]) => s(a).startsWith(s(b)));
define('endsWith', [S, S], ([a, b]) => s(a).endsWith(s(b)));
define('rpad', [S, I, S], ([a, b, c]) => pad(s(a), i(b), s(c), false));
define('lpad', [S, I, S], ([a, b, c]) => pad(s(a), i(b), s(c), true));
define('codepoint', [S], ([a]) => {
  const cp = s(a).codePointAt(0);
  if (cp === undefined) throw new JavaException('StringIndexOutOfBoundsException', 'Index 0 out of bounds for length 0');
  return int(cp);
});
define('chr', [I], ([a]) => {
  const cp = i(a);
  if (cp < 0 || cp > 0x10ffff) throw new JavaException('IllegalArgumentException', `Not a valid Unicode code point: 0x${(cp >>> 0).toString(16).toUpperCase()}`);
  return String.fromCodePoint(cp);
});
define('fromBytes', ['bytes', S], ([a, b]) => {
  const cs = normalizeCharset(s(b));
  return cs === undefined ? null : decodeCharset(a as Uint8Array, cs);
});
define('toBytes', [S, S], ([a, b]) => {
  const cs = normalizeCharset(s(b));
  return cs === undefined ? null : encodeCharset(s(a), cs);
});
define('toUtf8', [S], ([a]) => encodeCharset(s(a), 'UTF-8'));
define('fromUtf8', ['bytes'], ([a]) => decodeCharset(a as Uint8Array, 'UTF-8'));
define('toAscii', [S], ([a]) => encodeCharset(s(a), 'US-ASCII'));
define('fromAscii', ['bytes'], ([a]) => decodeCharset(a as Uint8Array, 'US-ASCII'));
define('toUUIDBytes', [S], ([a]) => {
  try {
    return uuidFromString(s(a));
  } catch (e) {
    if (e instanceof JavaException && e.javaClass === 'IllegalArgumentException') return null;
    throw e;
  }
});
define('fromUUIDBytes', ['bytes'], ([a]) => uuidToString(a as Uint8Array));
define('normalize', [S], ([a]) => s(a).normalize('NFC'));
define('normalize', [S, S], ([a, b]) => {
  const form = s(b);
  if (!['NFC', 'NFD', 'NFKC', 'NFKD'].includes(form)) throw new JavaException('IllegalArgumentException', `No enum constant java.text.Normalizer.Form.${form}`);
  return s(a).normalize(form);
});
define(['split', 'stringToArray'], [S, S], ([a, b]) => strs(splitByWholeSeparator(s(a), s(b))));
define(['split', 'stringToArray'], [S, S, I], ([a, b, c]) => strs(splitByWholeSeparator(s(a), s(b), i(c))));
define('prefixes', [S, I], ([a, b]) => {
  const input = s(a);
  const n = Math.min(i(b), input.length);
  return strs(Array.from({ length: Math.max(0, n) }, (_, k) => input.slice(0, k + 1)));
});
define(
  'prefixesWithPrefix',
  [S, I, S],
  ([a, b, c]) => {
    if (a === null || b === null) throw new JavaException('NullPointerException', 'null argument');
    const input = s(a);
    const n = Math.min(i(b), input.length);
    const prefix = c === null ? '' : s(c);
    return strs(Array.from({ length: Math.max(0, n) }, (_, k) => prefix + input.slice(0, k + 1)));
  },
  { nullable: true },
);
define('suffixes', [S, I], ([a, b]) => {
  const input = s(a);
  const n = Math.min(i(b), input.length);
  return strs(Array.from({ length: Math.max(0, n) }, (_, k) => input.slice(input.length - (k + 1))));
});
define(
  'suffixesWithSuffix',
  [S, I, S],
  ([a, b, c]) => {
    if (a === null || b === null) throw new JavaException('NullPointerException', 'null argument');
    const input = s(a);
    const n = Math.min(i(b), input.length);
    const suffix = c === null ? '' : s(c);
    return strs(Array.from({ length: Math.max(0, n) }, (_, k) => input.slice(input.length - (k + 1)) + suffix));
  },
  { nullable: true },
);
define('splitPart', [S, S, I], ([a, b, c]) => splitPart3(s(a), s(b), i(c)));
define('splitPart', [S, S, I, I], ([a, b, c, d]) => splitPart4(s(a), s(b), i(c), i(d)));
define('repeat', [S, I], ([a, b]) => repeat(s(a), i(b)));
define('repeat', [S, S, I], ([a, sep, b]) => {
  const n = i(b);
  if (n <= 0) return '';
  const r = repeat(s(a) + s(sep), n);
  return s(sep).length > 0 && r.endsWith(s(sep)) ? r.slice(0, r.length - s(sep).length) : r;
});
define('remove', [S, S], ([a, b]) => (s(a).length === 0 || s(b).length === 0 ? s(a) : s(a).split(s(b)).join('')));
define('replace', [S, S, S], ([a, b, c]) => (s(a).length === 0 || s(b).length === 0 ? s(a) : s(a).split(s(b)).join(s(c))));
define('hammingDistance', [S, S], ([a, b]) => {
  const x = s(a);
  const y = s(b);
  if (x.length !== y.length) return int(-1);
  let d = 0;
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) d++;
  return int(d);
});
define('levenshteinDistance', [S, S], ([a, b]) => {
  const x = s(a);
  const y = s(b);
  if (x.length === 0) return int(y.length);
  if (y.length === 0) return int(x.length);
  let prev = Array.from({ length: y.length + 1 }, (_, k) => k);
  for (let p = 1; p <= x.length; p++) {
    const cur = [p];
    for (let q = 1; q <= y.length; q++) {
      const cost = x[p - 1] === y[q - 1] ? 0 : 1;
      cur[q] = Math.min(prev[q]! + 1, cur[q - 1]! + 1, prev[q - 1]! + cost);
    }
    prev = cur;
  }
  return int(prev[y.length]!);
});
define('contains', [S, S], ([a, b]) => s(a).includes(s(b)));
define('strcmp', [S, S], ([a, b]) => int(javaCompareTo(s(a), s(b))));
define('encodeUrl', [S], ([a]) => urlEncode(s(a)));
define('decodeUrl', [S], ([a]) => urlDecode(s(a)));
define('toBase64', ['bytes'], ([a]) => Buffer.from(a as Uint8Array).toString('base64'));
define('fromBase64', [S], ([a]) => base64Decode(s(a)));
define('isJson', [S], ([a]) => {
  // readTree of empty content gives a MissingNode, not an exception
  if (/^[ \t\n\r]*$/.test(s(a))) return true;
  try {
    parseJackson(s(a));
    return true;
  } catch {
    return false;
  }
});
define('soundex', [S], ([a]) => (a === null ? null : s(a).length === 0 ? '0000' : soundex(s(a))), { nullable: true });
define('difference', [S, S], ([a, b]) => {
  const c1 = s(a).length === 0 ? '0000' : soundex(s(a));
  const c2 = s(b).length === 0 ? '0000' : soundex(s(b));
  let m = 0;
  for (let k = 0; k < 4; k++) {
    if (k >= c1.length || k >= c2.length) throw new JavaException('StringIndexOutOfBoundsException', `index ${k}`);
    if (c1[k] === c2[k]) m++;
  }
  return int(m);
});
define('ascii', [S], ([a]) => int(s(a).length === 0 ? 0 : s(a).charCodeAt(0)));
define('space', [I], ([a]) => (i(a) <= 0 ? '' : ' '.repeat(i(a))));
define(['substringIndex', 'substring_index'], [S, S, I], ([a, b, c]) => {
  const input = s(a);
  const delim = s(b);
  const count = i(c);
  if (count === 0 || delim.length === 0) return '';
  if (count > 0) {
    const idx = ordinalIndexOf(input, delim, count);
    return idx === -1 ? input : input.slice(0, idx);
  }
  const idx = lastOrdinalIndexOf(input, delim, -count);
  return idx === -1 ? input : input.slice(idx + delim.length);
});
define('firstLine', [S], ([a]) => {
  const input = s(a);
  const n = input.indexOf('\n');
  const r = input.indexOf('\r');
  if (n === -1 && r === -1) return input;
  return input.slice(0, n === -1 ? r : r === -1 ? n : Math.min(n, r));
});
define('startsWithCaseInsensitive', [S, S], ([a, b]) => s(a).length >= s(b).length && equalsIgnoreCaseChars(s(a).slice(0, s(b).length), s(b)));
define('endsWithCaseInsensitive', [S, S], ([a, b]) => s(a).length >= s(b).length && equalsIgnoreCaseChars(s(a).slice(s(a).length - s(b).length), s(b)));
define('isValidASCII', [S], ([a]) => /^[\x00-\x7f]*$/.test(s(a))); // eslint-disable-line no-control-regex
define(['octetLength', 'octet_length'], [S], ([a]) => int(javaUtf8(s(a)).length));
define(['bitLength', 'bit_length'], [S], ([a]) => int(javaUtf8(s(a)).length * 8));
define(['charLength', 'char_length', 'characterLength', 'character_length'], [S], ([a]) => int(Array.from(s(a)).length));
define(['regexpCount', 'regexp_count'], [S, S], ([a, b]) => {
  let n = 0;
  for (const _ of findAll(compileJavaPattern(s(b)), s(a))) n++;
  return int(n);
});
define(['regexpSubstr', 'regexp_substr'], [S, S], ([a, b]) => findFirst(compileJavaPattern(s(b)), s(a))?.groups[0] ?? null);
define('translate', [S, S, S], ([a, b, c]) => {
  const input = s(a);
  const from = s(b);
  const to = s(c);
  if (input.length === 0 || from.length === 0) return input;
  let out = '';
  for (let k = 0; k < input.length; k++) {
    const idx = from.indexOf(input[k]!);
    if (idx < 0) out += input[k];
    else if (idx < to.length) out += to[idx];
  }
  return out;
});
const overlay = (input: string, replacement: string, start: number, length: number): string => {
  const len = input.length;
  const st = Math.max(0, Math.min(start - 1, len));
  const en = Math.min(st + Math.max(0, length), len);
  return input.slice(0, st) + replacement + input.slice(en);
};
define('overlay', [S, S, I], ([a, b, c]) => overlay(s(a), s(b), i(c), s(b).length));
define('overlay', [S, S, I, I], ([a, b, c, d]) => overlay(s(a), s(b), i(c), i(d)));

function lastOrdinalIndexOf(str: string, search: string, ordinal: number): number {
  if (ordinal <= 0) return -1;
  if (search.length === 0) return str.length;
  let found = 0;
  let index = str.length;
  do {
    if (index - 1 < 0) return -1;
    index = str.lastIndexOf(search, index - 1);
    if (index < 0) return index;
    found++;
  } while (found < ordinal);
  return index;
}

// --- regexp (pinot-common function/scalar/regexp)

define('regexpExtract', [S, S], ([a, b], st) => regexpExtract(s(a), constPattern(st, s(b)), 0, ''));
define('regexpExtract', [S, S, I], ([a, b, c], st) => regexpExtract(s(a), constPattern(st, s(b)), i(c), ''));
define('regexpExtract', [S, S, I, S], ([a, b, c, d], st) => regexpExtract(s(a), constPattern(st, s(b)), i(c), s(d)));
define('regexpExtractVar', [S, S], ([a, b]) => regexpExtract(s(a), compileJavaPattern(s(b)), 0, ''));
define('regexpExtractVar', [S, S, I], ([a, b, c]) => regexpExtract(s(a), compileJavaPattern(s(b)), i(c), ''));
define('regexpExtractVar', [S, S, I, S], ([a, b, c, d]) => regexpExtract(s(a), compileJavaPattern(s(b)), i(c), s(d)));

const replaceConst = (st: Record<string, unknown>, a: JValue, b: JValue, c: JValue, pos: number, occ: number, flag: string): string => {
  let p = st.pattern as JavaPattern | undefined;
  if (!p) st.pattern = p = compileJavaPattern(s(b), flag === 'i');
  return replaceRegexp(s(a), p, s(c), pos, occ);
};
define('regexpReplace', [S, S, S], ([a, b, c], st) => replaceConst(st, a, b, c, 0, -1, ''));
define('regexpReplace', [S, S, S, I], ([a, b, c, d], st) => replaceConst(st, a, b, c, i(d), -1, ''));
define('regexpReplace', [S, S, S, I, I], ([a, b, c, d, e], st) => replaceConst(st, a, b, c, i(d), i(e), ''));
define('regexpReplace', [S, S, S, I, I, S], ([a, b, c, d, e, f], st) => replaceConst(st, a, b, c, i(d), i(e), s(f)));
const replaceVar = (a: JValue, b: JValue, c: JValue, pos: number, occ: number, flag: string): string =>
  replaceRegexp(s(a), compileJavaPattern(s(b), flag === 'i'), s(c), pos, occ);
define('regexpReplaceVar', [S, S, S], ([a, b, c]) => replaceVar(a, b, c, 0, -1, ''));
define('regexpReplaceVar', [S, S, S, I], ([a, b, c, d]) => replaceVar(a, b, c, i(d), -1, ''));
define('regexpReplaceVar', [S, S, S, I, I], ([a, b, c, d, e]) => replaceVar(a, b, c, i(d), i(e), ''));
define('regexpReplaceVar', [S, S, S, I, I, S], ([a, b, c, d, e, f]) => replaceVar(a, b, c, i(d), i(e), s(f)));

define('regexpLike', [S, S], ([a, b], st) => findFirst(constPattern(st, s(b)), s(a)) !== undefined);
define('regexpLike', [S, S, S], ([a, b, c], st) => {
  if (!st.pattern) st.pattern = compileJavaPattern(s(b), isCaseInsensitive(s(c)));
  return findFirst(st.pattern as JavaPattern, s(a)) !== undefined;
});
define('like', [S, S], ([a, b], st) => {
  if (!st.pattern) st.pattern = compileJavaPattern(likeToRegexpLike(s(b)), true);
  return findFirst(st.pattern as JavaPattern, s(a)) !== undefined;
});
define('regexpLikeVar', [S, S], ([a, b]) => findFirst(compileJavaPattern(s(b)), s(a)) !== undefined);
define('regexpLikeVar', [S, S, S], ([a, b, c]) => findFirst(compileJavaPattern(s(b), isCaseInsensitive(s(c))), s(a)) !== undefined);
define('likeVar', [S, S], ([a, b]) => findFirst(compileJavaPattern(likeToRegexpLike(s(b)), true), s(a)) !== undefined);
