/**
 * java.util.regex.Pattern syntax → an equivalent JS RegExp (u mode), and Matcher.appendReplacement's replacement
 * syntax. Pinot's regexp functions (pinot-common `function/scalar/regexp/*`, `StringFunctions.regexpCount/Substr`)
 * and LIKE use java.util.regex (PatternFactory defaults to JAVA_UTIL when not initialized).
 *
 * Translated exactly: `.` (no line terminators \n \r \u0085 \u2028 \u2029 unless DOTALL), `^` / `$` (Java's input
 * boundaries, `$` also before a final line terminator; MULTILINE forms), `\s` `\h` `\v` `\R` (ASCII / Java sets),
 * `\A` `\z` `\Z`, `\Q...\E`, `\e` `\a` `\0ooo` `\x{h}`, POSIX `\p{Alpha}`-style classes, `\p{IsX}` scripts and
 * properties, escaped punctuation, inline flags i s m x u d (also scoped `(?i:...)`), and CASE_INSENSITIVE as
 * Java does it without UNICODE_CASE: ASCII letters only.
 * Rejected (Java-only, no JS equivalent): possessive quantifiers, atomic groups `(?>...)`, `\G`, nested classes and
 * class intersections (`[a-z&&[^e]]`), `\p{InBlock}`, UNICODE_CASE in the middle of a pattern. Known approximations:
 * `\b` uses JS word characters; backreferences under ASCII case-insensitivity compare case-sensitively.
 */
import { JavaException } from './jvalue.js';

export class PatternSyntaxError extends JavaException {
  constructor(message: string, pattern: string) {
    super('PatternSyntaxException', `${message} near index 0\n${pattern}`);
  }
}

export interface JavaPattern {
  readonly source: string;
  /** The translated JS regex (global + unicode), reused: always reset lastIndex. */
  readonly regex: RegExp;
  readonly groupCount: number;
  readonly groupNames: ReadonlyMap<string, number>;
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
  u: boolean;
  d: boolean;
}

const LT = '\\n\\r\\u0085\\u2028\\u2029';
const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace: '\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000',
  javaMirrored: '\\p{Bidi_M}',
  javaLetter: '\\p{L}',
  javaDigit: '\\p{Nd}',
  javaLetterOrDigit: '\\p{L}\\p{Nd}',
  javaAlphabetic: '\\p{Alphabetic}',
};
const SPACE = '\\t\\n\\x0B\\f\\r ';
const HSPACE = ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';
const VSPACE = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

function hexEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** The class body (without brackets) for \p{name} / \P{name}, or the JS \p form. */
function propertyClass(name: string, pattern: string): { body: string; jsProperty: boolean } {
  if (name in POSIX) return { body: POSIX[name]!, jsProperty: false };
  let n = name;
  if (n.startsWith('Is')) n = n.slice(2);
  else if (n.startsWith('In')) throw new PatternSyntaxError(`Unicode blocks (\\p{${name}}) are not supported`, pattern);
  if (n.startsWith('general_category=') || n.startsWith('gc=')) n = n.slice(n.indexOf('=') + 1);
  if (n.startsWith('script=') || n.startsWith('sc=')) n = `Script=${n.slice(n.indexOf('=') + 1)}`;
  const aliases: Record<string, string> = {
    Alphabetic: 'Alphabetic',
    Ideographic: 'Ideographic',
    Letter: 'L',
    Lowercase: 'Lowercase',
    Uppercase: 'Uppercase',
    Titlecase: 'Lt',
    Punctuation: 'P',
    Control: 'Cc',
    White_Space: 'White_Space',
    WhiteSpace: 'White_Space',
    Digit: 'Nd',
    Hex_Digit: 'Hex_Digit',
    HexDigit: 'Hex_Digit',
    Join_Control: 'Join_Control',
    Noncharacter_Code_Point: 'Noncharacter_Code_Point',
    Assigned: 'Assigned',
    Emoji: 'Emoji',
  };
  const mapped = aliases[n] ?? n;
  let candidate = `\\p{${mapped}}`;
  try {
    new RegExp(candidate, 'u');
  } catch {
    candidate = `\\p{Script=${mapped}}`;
    try {
      new RegExp(candidate, 'u');
    } catch {
      throw new PatternSyntaxError(`Unknown character property name {${name}}`, pattern);
    }
  }
  return { body: candidate, jsProperty: true };
}

function letterCase(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  return lower === upper ? c : `[${lower}${upper}]`;
}

const cache = new Map<string, JavaPattern>();

/** Pattern.compile(regex, caseInsensitive ? CASE_INSENSITIVE : 0), translated. Throws PatternSyntaxError. */
export function compileJavaPattern(source: string, caseInsensitive = false): JavaPattern {
  const key = `${caseInsensitive ? 'i' : 'c'}:${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const names = new Map<string, number>();
  let groups = 0;
  let useJsI = false;
  const p = source;
  let i = 0;
  const fail = (msg: string): never => {
    throw new PatternSyntaxError(msg, p);
  };

  // Leading inline flags may turn on UNICODE_CASE globally (JS 'i' flag).
  const lead = /^\(\?([imsxud]+)\)/.exec(p);
  const startFlags: Flags = { i: caseInsensitive, s: false, m: false, x: false, u: false, d: false };
  if (lead && lead[1]!.includes('u') && (lead[1]!.includes('i') || caseInsensitive)) useJsI = true;

  const lineTerm = (f: Flags): string => (f.d ? '\\n' : LT);

  const escapeLiteral = (ch: string, f: Flags): string => {
    if (/[A-Za-z]/.test(ch) && f.i && !useJsI) return letterCase(ch);
    if (JS_SYNTAX.has(ch) || ch === '-') return ch === '-' ? '-' : `\\${ch}`;
    return ch;
  };

  /** A class-escape or atom escape after '\' at position i (pointing at the char after the backslash). */
  const escape = (f: Flags, inClass: boolean): string => {
    const c = p[i];
    if (c === undefined) return fail('Unexpected internal error');
    i++;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${c}`;
      case 'b':
      case 'B':
        if (inClass) return fail('Illegal/unsupported escape sequence');
        return `\\${c}`;
      case 's':
        return inClass ? SPACE : `[${SPACE}]`;
      case 'S':
        return inClass ? fail('\\S inside a character class is not supported') : `[^${SPACE}]`;
      case 'h':
        return inClass ? HSPACE : `[${HSPACE}]`;
      case 'H':
        return inClass ? fail('\\H inside a character class is not supported') : `[^${HSPACE}]`;
      case 'v':
        return inClass ? VSPACE : `[${VSPACE}]`;
      case 'V':
        return inClass ? fail('\\V inside a character class is not supported') : `[^${VSPACE}]`;
      case 'R':
        return inClass ? fail('Illegal/unsupported escape sequence') : `(?:\\r\\n|[${VSPACE}])`;
      case 'A':
        return `(?<![\\s\\S])`;
      case 'z':
        return `(?![\\s\\S])`;
      case 'Z':
        return `(?=(?:\\r\\n|[${lineTerm(f)}])?(?![\\s\\S]))`;
      case 'G':
        return fail('\\G is not supported');
      case 't':
        return '\\t';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 'f':
        return '\\f';
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1B';
      case 'c': {
        const x = p[i++];
        if (x === undefined) return fail('Illegal control escape sequence');
        return hexEscape(x.charCodeAt(0) ^ 64);
      }
      case '0': {
        const m = /^[0-7]{1,3}/.exec(p.slice(i));
        if (!m) return fail('Illegal octal escape sequence');
        let digits = m[0];
        if (digits.length === 3 && Number(digits[0]) > 3) digits = digits.slice(0, 2);
        i += digits.length;
        return hexEscape(parseInt(digits, 8));
      }
      case 'x': {
        if (p[i] === '{') {
          const end = p.indexOf('}', i);
          const h = p.slice(i + 1, end);
          if (end < 0 || !/^[0-9a-fA-F]+$/.test(h)) return fail('Illegal hexadecimal escape sequence');
          i = end + 1;
          return hexEscape(parseInt(h, 16));
        }
        const h = p.slice(i, i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) return fail('Illegal hexadecimal escape sequence');
        i += 2;
        return hexEscape(parseInt(h, 16));
      }
      case 'u': {
        const h = p.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) return fail('Illegal Unicode escape sequence');
        i += 4;
        return hexEscape(parseInt(h, 16));
      }
      case 'p':
      case 'P': {
        let name: string;
        if (p[i] === '{') {
          const end = p.indexOf('}', i);
          if (end < 0) return fail('Unclosed character family');
          name = p.slice(i + 1, end);
          i = end + 1;
        } else {
          name = p[i] ?? '';
          i++;
        }
        const { body, jsProperty } = propertyClass(name, p);
        if (c === 'p') return inClass ? body : `[${body}]`;
        if (inClass) {
          if (jsProperty) return `\\P${body.slice(2)}`;
          return fail(`\\P{${name}} inside a character class is not supported`);
        }
        return `[^${body}]`;
      }
      case 'k': {
        const m = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(p.slice(i));
        if (!m || inClass) return fail('\\k is not followed by \'<\' for named capturing group');
        i += m[0].length;
        return `\\k<${m[1]}>`;
      }
      case 'Q': {
        const end = p.indexOf('\\E', i);
        const lit = end < 0 ? p.slice(i) : p.slice(i, end);
        i = end < 0 ? p.length : end + 2;
        return [...lit].map((ch) => (inClass ? classLiteral(ch) : escapeLiteral(ch, f))).join('');
      }
      case 'E':
        return '';
      default:
        break;
    }
    if (c >= '1' && c <= '9') {
      if (inClass) return fail('Illegal/unsupported escape sequence');
      // Java takes as many digits as form a valid group number.
      let num = c;
      while (i < p.length && /[0-9]/.test(p[i]!) && Number(num + p[i]) <= groups) num += p[i++];
      return `\\${num}`;
    }
    if (/[A-Za-z0-9]/.test(c)) return fail('Illegal/unsupported escape sequence');
    return inClass ? classLiteral(c) : escapeLiteral(c, { ...f, i: false });
  };

  const classLiteral = (ch: string): string => (ch === '\\' || ch === ']' || ch === '[' || ch === '^' || ch === '-' ? `\\${ch}` : ch);

  const charClass = (f: Flags): string => {
    // p[i] === '['
    i++;
    let out = '[';
    if (p[i] === '^') {
      out += '^';
      i++;
    }
    const extra: string[] = [];
    let first = true;
    for (;;) {
      const c = p[i];
      if (c === undefined) return fail('Unclosed character class');
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[') return fail('Nested character classes are not supported');
      if (c === '&' && p[i + 1] === '&') return fail('Character class intersections (&&) are not supported');
      let atom: string;
      let literalCp: number | undefined;
      if (c === '\\') {
        i++;
        const before = i;
        atom = escape(f, true);
        if (i === before + 1 && !/[A-Za-z0-9]/.test(p[before]!)) literalCp = p.codePointAt(before);
      } else {
        const cp = p.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        i += ch.length;
        atom = classLiteral(ch);
        literalCp = cp;
      }
      // ranges a-z
      if (literalCp !== undefined && p[i] === '-' && p[i + 1] !== undefined && p[i + 1] !== ']') {
        i++;
        let hiCp: number;
        let hiAtom: string;
        if (p[i] === '\\') {
          i++;
          const before = i;
          hiAtom = escape(f, true);
          const esc = p[before]!;
          if (/[A-Za-z0-9]/.test(esc) && !'xu0tnrfaec'.includes(esc)) return fail('Illegal character range');
          hiCp = decodeSingle(hiAtom);
        } else {
          hiCp = p.codePointAt(i)!;
          const ch = String.fromCodePoint(hiCp);
          i += ch.length;
          hiAtom = classLiteral(ch);
        }
        if (hiCp < literalCp) return fail('Illegal character range');
        out += `${atom}-${hiAtom}`;
        if (f.i && !useJsI) extra.push(...caseRanges(literalCp, hiCp));
        continue;
      }
      out += atom;
      if (literalCp !== undefined && f.i && !useJsI) extra.push(...caseRanges(literalCp, literalCp));
    }
    return `${out}${extra.join('')}]`;
  };

  const seq = (f: Flags, depth: number): string => {
    let out = '';
    for (;;) {
      const c = p[i];
      if (c === undefined) {
        if (depth > 0) fail('Unclosed group');
        return out;
      }
      if (c === ')') {
        if (depth === 0) fail('Unmatched closing \')\'');
        return out;
      }
      if (f.x && /\s/.test(c)) {
        i++;
        continue;
      }
      if (f.x && c === '#') {
        while (i < p.length && p[i] !== '\n') i++;
        continue;
      }
      switch (c) {
        case '\\':
          i++;
          out += escape(f, false);
          break;
        case '[':
          out += charClass(f);
          break;
        case '.':
          i++;
          out += f.s ? '[\\s\\S]' : `[^${lineTerm(f)}]`;
          break;
        case '^':
          i++;
          out += f.m ? `(?:(?<![\\s\\S])|(?<=[\\n\\u0085\\u2028\\u2029]|\\r(?!\\n))(?=[\\s\\S]))` : '(?<![\\s\\S])';
          break;
        case '$':
          i++;
          out += f.m ? `(?=[${lineTerm(f)}]|(?![\\s\\S]))` : `(?=(?:\\r\\n|[${lineTerm(f)}])?(?![\\s\\S]))`;
          break;
        case '(': {
          i++;
          if (p[i] === '?') {
            const rest = p.slice(i + 1);
            const flagMatch = /^([imsxud]*)(?:-([imsxud]*))?([:)])/.exec(rest);
            if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
              const prefix = rest.startsWith('<') ? rest.slice(0, 2) : rest.slice(0, 1);
              i += 1 + prefix.length;
              const inner = seq({ ...f }, depth + 1);
              i++;
              out += `(?${prefix}${inner})`;
            } else if (rest.startsWith('<')) {
              const m = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(rest);
              if (!m) return fail('named capturing group is missing trailing \'>\'');
              if (names.has(m[1]!)) return fail(`Named capturing group <${m[1]}> is already defined`);
              groups++;
              names.set(m[1]!, groups);
              i += 1 + m[0].length;
              const inner = seq({ ...f }, depth + 1);
              i++;
              out += `(?<${m[1]}>${inner})`;
            } else if (rest.startsWith('>')) {
              return fail('Atomic groups (?>...) are not supported');
            } else if (flagMatch) {
              const on = flagMatch[1] ?? '';
              const offf = flagMatch[2] ?? '';
              const nf: Flags = { ...f };
              for (const ch of on) nf[ch as keyof Flags] = true;
              for (const ch of offf) nf[ch as keyof Flags] = false;
              if (nf.i && nf.u && !useJsI) fail('UNICODE_CASE ((?u)) is only supported at the start of the pattern');
              if (useJsI && !nf.i) fail('turning case-insensitivity off is not supported together with UNICODE_CASE');
              i += 1 + flagMatch[0].length;
              if (flagMatch[3] === ':') {
                const inner = seq(nf, depth + 1);
                i++;
                out += `(?:${inner})`;
              } else {
                // (?flags) applies to the rest of the enclosing group
                Object.assign(f, nf);
              }
            } else {
              return fail('Unknown inline modifier');
            }
          } else {
            groups++;
            const inner = seq({ ...f }, depth + 1);
            i++;
            out += `(${inner})`;
          }
          break;
        }
        case '*':
        case '+':
        case '?':
        case '{': {
          let q: string;
          if (c === '{') {
            const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
            if (!m) return fail('Illegal repetition');
            q = m[0];
          } else q = c;
          i += q.length;
          if (p[i] === '+') fail('Possessive quantifiers are not supported');
          if (p[i] === '?') {
            q += '?';
            i++;
          }
          out += q;
          break;
        }
        case '|':
          i++;
          out += '|';
          break;
        default: {
          const cp = p.codePointAt(i)!;
          const ch = String.fromCodePoint(cp);
          i += ch.length;
          out += escapeLiteral(ch, f);
        }
      }
    }
  };

  const body = seq(startFlags, 0);
  let regex: RegExp;
  try {
    regex = new RegExp(body, useJsI ? 'giu' : 'gu');
  } catch (e) {
    throw new PatternSyntaxError(e instanceof Error ? e.message : String(e), p);
  }
  const compiled: JavaPattern = { source, regex, groupCount: groups, groupNames: names };
  if (cache.size > 500) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function decodeSingle(atom: string): number {
  const m = /^\\u\{([0-9a-f]+)\}$/.exec(atom);
  if (m) return parseInt(m[1]!, 16);
  const simple: Record<string, number> = { '\\t': 9, '\\n': 10, '\\r': 13, '\\f': 12 };
  if (atom in simple) return simple[atom]!;
  if (atom.length === 2 && atom[0] === '\\') return atom.codePointAt(1)!;
  return atom.codePointAt(0)!;
}

/** The other-case ASCII ranges to add to a class range under ASCII case-insensitivity. */
function caseRanges(lo: number, hi: number): string[] {
  const out: string[] = [];
  const a = Math.max(lo, 0x61);
  const b = Math.min(hi, 0x7a);
  if (a <= b) out.push(`${String.fromCharCode(a - 32)}-${String.fromCharCode(b - 32)}`);
  const c = Math.max(lo, 0x41);
  const d = Math.min(hi, 0x5a);
  if (c <= d) out.push(`${String.fromCharCode(c + 32)}-${String.fromCharCode(d + 32)}`);
  return out;
}

/** One match: index, end, and the group texts (undefined for groups that did not participate). */
export interface JavaMatch {
  start: number;
  end: number;
  groups: Array<string | undefined>;
}

/** Matcher.find() over `input` from `from` (a region [from, input.length) with default anchoring bounds). */
export function* findAll(pattern: JavaPattern, input: string, from = 0): Generator<JavaMatch> {
  const region = input.slice(from);
  const re = pattern.regex;
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(region);
    if (!m) return;
    const start = m.index;
    const end = start + m[0].length;
    yield { start: start + from, end: end + from, groups: [...m] as Array<string | undefined> };
    if (end === start) {
      // Java steps over an empty match by one char; u mode steps by code point.
      const cp = region.codePointAt(end);
      re.lastIndex = end + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (end >= region.length) return;
    } else {
      re.lastIndex = end;
    }
  }
}

export function findFirst(pattern: JavaPattern, input: string): JavaMatch | undefined {
  for (const m of findAll(pattern, input)) return m;
  return undefined;
}

/** Matcher.appendReplacement's expansion of `replacement` for one match. */
export function expandReplacement(pattern: JavaPattern, replacement: string, m: JavaMatch): string {
  let out = '';
  let cursor = 0;
  while (cursor < replacement.length) {
    const c = replacement[cursor]!;
    if (c === '\\') {
      cursor++;
      if (cursor === replacement.length) throw new JavaException('IllegalArgumentException', 'character to be escaped is missing');
      out += replacement[cursor];
      cursor++;
    } else if (c === '$') {
      cursor++;
      if (cursor === replacement.length) throw new JavaException('IllegalArgumentException', 'Illegal group reference: group index is missing');
      let refNum: number;
      if (replacement[cursor] === '{') {
        cursor++;
        let name = '';
        while (cursor < replacement.length && /[A-Za-z0-9]/.test(replacement[cursor]!)) name += replacement[cursor++];
        if (name.length === 0) throw new JavaException('IllegalArgumentException', 'named capturing group has 0 length name');
        if (replacement[cursor] !== '}') throw new JavaException('IllegalArgumentException', "named capturing group is missing trailing '}'");
        cursor++;
        const idx = pattern.groupNames.get(name);
        if (idx === undefined) throw new JavaException('IllegalArgumentException', `No group with name {${name}}`);
        refNum = idx;
      } else {
        const d = replacement.charCodeAt(cursor) - 48;
        if (d < 0 || d > 9) throw new JavaException('IllegalArgumentException', 'Illegal group reference');
        refNum = d;
        cursor++;
        while (cursor < replacement.length) {
          const nd = replacement.charCodeAt(cursor) - 48;
          if (nd < 0 || nd > 9) break;
          const next = refNum * 10 + nd;
          if (pattern.groupCount < next) break;
          refNum = next;
          cursor++;
        }
      }
      if (refNum > pattern.groupCount) throw new JavaException('IndexOutOfBoundsException', `No group ${refNum}`);
      out += m.groups[refNum] ?? '';
    } else {
      out += c;
      cursor++;
    }
  }
  return out;
}
