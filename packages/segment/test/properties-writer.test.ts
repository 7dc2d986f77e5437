import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProperties, recoverPinotPropertyValue } from '../src/properties.js';
import {
  escapeJavaProperties,
  escapePropertyKey,
  escapePropertyValue,
  formatPropertyLine,
  PropertiesWriter,
  type PropertyValue,
  replaceSpecialCharacterInPropertyValue,
  splitLegacyList,
} from '../src/writer/properties-writer.js';
import { fixturesDir } from './fixtures-dir.js';
import { rng } from './helpers/rng.js';

// Facts below come from Commons Configuration 2.15.1 / Commons Text 1.15.0 (Pinot's versions).
const one = (key: string, value: PropertyValue | null) => new PropertiesWriter().set(key, value).toString();

/** mulberry32: a small seeded PRNG. */

/** Strips the license comment block (everything up to the first blank line) Pinot's test files carry. */
function withoutHeader(buf: Buffer): Buffer {
  const at = buf.indexOf('\n\n');
  return buf.subarray(at + 2);
}

describe('PropertiesWriter: single values', () => {
  it('escapes backslashes and Java control characters (PropertiesWriter ESCAPE_PROPERTIES)', () => {
    // LookupTranslator {"\\" -> "\\\\"} doubles every backslash.
    expect(one('k', 'a\\b')).toBe('k = a\\\\b\n');
    // EntityArrays.JAVA_CTRL_CHARS_ESCAPE: \b \n \t \f \r.
    expect(one('k', 'a\nb\tc\rd\fe\bf')).toBe('k = a\\nb\\tc\\rd\\fe\\bf\n');
    // UnicodeEscaper.outsideOf(32, 0x7f): other controls (NUL included) become upper-case \uXXXX.
    expect(one('k', '\0\u0001\u001f')).toBe('k = \\u0000\\u0001\\u001F\n');
    // ... 0x7f is inside [32, 0x7f] and stays raw; 0x80 and above are escaped.
    expect(one('k', '\u007f\u0080')).toBe('k = \u007f\\u0080\n');
  });

  it('escapes non-ASCII with \\u, a supplementary code point as one 5-digit escape (UnicodeEscaper.translate)', () => {
    expect(one('k', 'é€')).toBe('k = \\u00E9\\u20AC\n');
    // UnicodeEscaper.toUtf16Escape is "\\u" + hex(codePoint): not a surrogate pair (JavaUnicodeEscaper's way).
    expect(one('k', 'x😀')).toBe('k = x\\u1F600\n');
    // A lone surrogate is its own code point (Character.codePointAt).
    expect(one('k', 'a\ud800b')).toBe('k = a\\uD800b\n');
  });

  it('writes a string with commas as a list: setProperty splits it (LegacyListDelimiterHandler.splitString)', () => {
    // flatten -> split(s, trim=true): tokens are trimmed, the list is then written on one line (escapeList).
    expect(one('k', 'a, b ,c')).toBe('k = a,b,c\n');
    // An escaped comma survives splitting as a plain comma, which escapeValue escapes again.
    expect(one('k', 'a\\,b')).toBe('k = a\\,b\n');
    expect(new PropertiesWriter().set('k', 'a\\,b').get('k')).toEqual(['a,b']);
    // Without a comma nothing is split, trimmed or unescaped.
    expect(new PropertiesWriter().set('k', ' a\\b ').get('k')).toEqual([' a\\b ']);
  });

  it('writes leading/trailing spaces, "=", ":", "#" and "!" raw (ESCAPE_PROPERTIES has no rule for them)', () => {
    expect(one('k', '  x  ')).toBe('k =   x  \n');
    expect(one('k', 'a=b:c')).toBe('k = a=b:c\n');
    expect(one('k', '#x !y')).toBe('k = #x !y\n');
    // The reader trims the value (PropertiesReader.doParseProperty), so the spaces are lost...
    expect(parseProperties(one('k', '  x  ')).get('k')).toBe('x');
    // ...which is why Pinot NUL-pads them (replaceSpecialCharacterInPropertyValue).
    const padded = replaceSpecialCharacterInPropertyValue('  x  ') as string;
    expect(one('k', padded)).toBe('k = \\u0000  x  \\u0000\n');
    expect(recoverPinotPropertyValue(parseProperties(one('k', padded)).get('k') as string)).toBe('  x  ');
  });

  it('writes the empty string as "key = " and null as nothing (layout keeps no value to write)', () => {
    expect(one('k', '')).toBe('k = \n');
    expect(one('k', null)).toBe('');
    expect(one('k', [])).toBe('');
  });

  it('writes numbers, bigints and booleans as Java String.valueOf does', () => {
    const w = new PropertiesWriter().set('i', 42).set('n', -7).set('l', 9007199254740993n).set('b', true).set('z', -0);
    expect(w.toString()).toBe('i = 42\nn = -7\nl = 9007199254740993\nb = true\nz = 0\n');
    expect(() => new PropertiesWriter().set('d', 1.5)).toThrow(/safe integers/);
    expect(() => new PropertiesWriter().set('d', Number.NaN)).toThrow(/safe integers/);
  });

  it('keeps keys in first-set order; re-setting or setting null keeps the position (layout SET_PROPERTY)', () => {
    const w = new PropertiesWriter().set('a', null).set('b', '1').set('c', '2').set('a', 'x').set('b', '3');
    expect(w.toString()).toBe('a = x\nb = 3\nc = 2\n');
    // clearProperty drops the layout entry: the key comes back at the end.
    expect(w.clear('a').set('a', 'y').toString()).toBe('b = 3\nc = 2\na = y\n');
  });

  it('uses the configured line separator (PropertiesWriter.getLineSeparator)', () => {
    expect(new PropertiesWriter({ lineSeparator: '\r\n' }).set('a', 1).set('b', 'x\ny').toString()).toBe('a = 1\r\nb = x\\ny\r\n');
  });
});

describe('PropertiesWriter: lists', () => {
  it('writes setProperty(key, List) on one line joined by "," (layout single-line flag stays true)', () => {
    expect(one('k', ['x', 'y', 'z'])).toBe('k = x,y,z\n');
    expect(one('k', [1, 2n, false])).toBe('k = 1,2,false\n');
    // Empty elements are kept: Commons stores them.
    expect(one('k', ['', 'a', ''])).toBe('k = ,a,\n');
  });

  it('splits list elements that contain commas again (flatten -> split of each String element)', () => {
    expect(one('k', ['a,b', ' c , d'])).toBe('k = a,b,c,d\n');
    // Elements without a comma are not trimmed, so their spaces reach the file (and the reader).
    expect(one('k', [' a ', 'b'])).toBe('k =  a ,b\n');
  });

  it('stores a one-element list as a plain value, escaped without list rules (escape, not escapeList)', () => {
    // escapeBackslashs(value, inList=false) leaves "\\\\" alone: 2 backslashes -> 4.
    expect(one('k', ['a\\\\b'])).toBe('k = a\\\\\\\\b\n');
  });

  it('escapes backslashes inside a single-line list (escapeBackslashs + escapeList)', () => {
    // One backslash: only the transformer doubles it.
    expect(one('k', ['a\\b', 'c'])).toBe('k = a\\\\b,c\n');
    // Two backslashes: escapeBackslashs doubles the pair (4), the transformer doubles again (8).
    expect(one('k', ['a\\\\b', 'c'])).toBe('k = a' + '\\'.repeat(8) + 'b,c\n');
    // A value ending in one backslash: the transformer gives 2, 2/2 is odd so escapeList adds "\\\\".
    expect(one('k', ['a\\', 'b'])).toBe('k = a' + '\\'.repeat(4) + ',b\n');
    // An escaped comma inside an element.
    expect(one('k', ['a\\,b', 'c'])).toBe('k = a\\,b,c\n');
  });

  it('reads those lists back with the same values (LegacyListDelimiterHandler.splitString on read)', () => {
    for (const list of [['a\\b', 'c'], ['a\\\\b', 'c'], ['a\\', 'b'], ['a\\\\\\', 'b'], ['x\\,y', 'z'], ['', 'a', '']]) {
      const w = new PropertiesWriter().set('k', list);
      expect(parseProperties(w.toString()).getList('k')).toEqual(w.get('k'));
    }
  });

  it('writes addProperty to a known key one line per value (layout ADD_PROPERTY clears single-line)', () => {
    expect(new PropertiesWriter().add('k', 'a').add('k', 'b').toString()).toBe('k = a\nk = b\n');
    // A single addProperty of a list fires one event: the key is new, so the list stays on one line.
    expect(new PropertiesWriter().add('k', ['a', 'b']).toString()).toBe('k = a,b\n');
    // Multi-line values use escape(value) (inList=false): no extra backslash doubling, commas escaped.
    expect(new PropertiesWriter().add('k', 'a\\\\b').add('k', 'x\\,y').toString()).toBe(
      'k = a\\\\\\\\b\nk = x\\,y\n',
    );
  });

  it('writes a list set through subset() one line per value, moved to the end (SubsetConfiguration)', () => {
    const w = new PropertiesWriter().set('p.a', 1).set('p.b', 2).setThroughSubset('p.a', ['x', 'y']);
    expect(w.toString()).toBe('p.b = 2\np.a = x\np.a = y\n');
    expect(new PropertiesWriter().setThroughSubset('k', ['only']).toString()).toBe('k = only\n');
    // Each value goes through the parent's addProperty, which splits it once more:
    // "a\,b" -> "a,b" (subset's split) -> "a", "b" (parent's split).
    expect(new PropertiesWriter().setThroughSubset('k', ['a\\,b', 'c']).toString()).toBe('k = a\nk = b\nk = c\n');
  });

  it('documents the Commons limitation Pinot works around: a backslash before a comma in a single value', () => {
    // Stored "a\,b" (from input "a\\\,b") is written "a\\\,b"; reading gives "a\\,b" which
    // splitString turns into ["a\", "b"] (see CommonsConfigurationUtils.replaceSpecialCharacterInPropertyValue).
    const w = new PropertiesWriter().set('k', 'a\\\\\\,b');
    expect(w.get('k')).toEqual(['a\\,b']);
    expect(w.toString()).toBe('k = a\\\\\\,b\n');
    expect(parseProperties(w.toString()).getList('k')).toEqual(['a\\', 'b']);
  });
});

describe('PropertiesWriter: keys and bytes', () => {
  it('escapes separators, whitespace and backslash in keys only (PropertiesWriter.escapeKey)', () => {
    expect(escapePropertyKey('a b=c:d\\e\tf\fg')).toBe('a\\ b\\=c\\:d\\\\e\\\tf\\\fg');
    expect(escapePropertyKey('column.$ts$DAY.cardinality')).toBe('column.$ts$DAY.cardinality');
    // No \u escapes in keys: non-ASCII and controls are written raw.
    expect(escapePropertyKey('colé\n#')).toBe('colé\n#');
    const key = 'we ird=key:\\';
    expect(parseProperties(new PropertiesWriter().set(key, 'v').toString()).get(key)).toBe('v');
  });

  it('encodes like OutputStreamWriter: UTF-8 by default, "?" for what the charset cannot hold', () => {
    const w = new PropertiesWriter().set('colé', 'é');
    expect(w.toBuffer().toString('latin1')).toBe('col\u00c3\u00a9 = \\u00E9\n');
    expect(w.toBuffer('ISO-8859-1')).toEqual(Buffer.from('col\u00e9 = \\u00E9\n', 'latin1'));
    expect(new PropertiesWriter().set('a\ud800😀', 1).toBuffer()).toEqual(Buffer.from('a?😀 = 1\n', 'utf8'));
    expect(new PropertiesWriter().set('a😀', 1).toBuffer('ISO-8859-1')).toEqual(Buffer.from('a? = 1\n', 'latin1'));
  });

  it('formats single index_map lines (PropertiesWriter.writeProperty with global separator " = ")', () => {
    expect(formatPropertyLine('col.forward_index.startOffset', 16n)).toBe('col.forward_index.startOffset = 16\n');
    expect(formatPropertyLine('a b.dictionary.size', 8)).toBe('a\\ b.dictionary.size = 8\n');
  });
});

describe('Pinot helpers', () => {
  it('replaceSpecialCharacterInPropertyValue follows CommonsConfigurationUtils', () => {
    expect(replaceSpecialCharacterInPropertyValue('')).toBe('');
    expect(replaceSpecialCharacterInPropertyValue('a,b,')).toBe('a\0\0b\0\0');
    expect(replaceSpecialCharacterInPropertyValue(' a ')).toBe('\0 a \0');
    expect(replaceSpecialCharacterInPropertyValue(' ')).toBe('\0 \0');
    expect(replaceSpecialCharacterInPropertyValue('x😀')).toBeNull();
    expect(replaceSpecialCharacterInPropertyValue('\udc00')).toBeNull();
    for (const v of ['', 'a,b,', ' a ', ' ', ',', ' , ', 'plain']) {
      expect(recoverPinotPropertyValue(replaceSpecialCharacterInPropertyValue(v) as string)).toBe(v);
    }
  });

  it('splitLegacyList mirrors LegacyListDelimiterHandler.splitString', () => {
    expect(splitLegacyList(' a\\b ')).toEqual([' a\\b ']);
    expect(splitLegacyList('a\\,b, c\\\\,d\\x,e\\')).toEqual(['a,b', 'c\\', 'd\\x', 'e\\']);
    expect(splitLegacyList(',')).toEqual(['', '']);
  });

  it('escapePropertyValue escapes like a stored single value', () => {
    expect(escapePropertyValue('a,b\\')).toBe('a\\,b\\\\');
    expect(escapeJavaProperties('a,b')).toBe('a,b');
  });
});

describe('round trips through parseProperties', () => {
  const alphabet = ['a', 'Z', '0', ' ', ',', '\\', '=', ':', '#', '!', '\t', '\n', '\r', '\u0001', '\u007f', 'é', '\u00a0', '中', 'u'];
  const randomString = (r: () => number, max: number, chars = alphabet) => {
    let s = '';
    const n = Math.floor(r() * max);
    for (let i = 0; i < n; i++) s += chars[Math.floor(r() * chars.length)];
    return s;
  };

  // Pinot strings never hold NUL (it is the padding character), which the scheme relies on:
  // a value starting with "\0 " would lose its NUL in recoverSpecialCharacterInPropertyValue.
  it('any NUL- and surrogate-free string survives replaceSpecialCharacterInPropertyValue + write + read + recover', () => {
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const v = randomString(r, 12);
      const stored = replaceSpecialCharacterInPropertyValue(v) as string;
      const text = new PropertiesWriter().set('column.c.minValue', stored).toString();
      expect(recoverPinotPropertyValue(parseProperties(text).get('column.c.minValue') as string)).toBe(v);
    }
  });

  it('single-line list values read back as stored, unless a value has an odd backslash run before a comma', () => {
    const r = rng(11);
    let checked = 0;
    for (let i = 0; i < 2000; i++) {
      const list = Array.from({ length: 1 + Math.floor(r() * 4) }, () => randomString(r, 8, [...alphabet, '\0']));
      const w = new PropertiesWriter().set('k', list);
      const stored = (w.get('k') ?? []).map(String);
      // Commons cannot round-trip these either (see the limitation test), nor edge spaces (the reader
      // trims), nor a lone empty value (getStringArray of "" is empty).
      if (stored.length === 0 || (stored.length === 1 && stored[0] === '')) continue;
      if (stored.some((s) => /(^|[^\\])(\\\\)*\\,/.test(s) || /^[\0-\x20]|[\0-\x20]$/.test(s))) continue;
      if (stored.length === 1 && stored[0]?.includes(',') && stored[0].includes('\\')) continue;
      expect(parseProperties(w.toString()).getList('k')).toEqual(stored);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('Pinot fixtures', () => {
  it('re-serializes airlineStats-startree metadata.properties byte for byte', () => {
    const bytes = withoutHeader(readFileSync(path.join(fixturesDir(), 'airlineStats-startree.metadata.properties')));
    const props = parseProperties(bytes.toString('utf8'));
    const counts = new Map<string, number>();
    for (const e of props.entries) counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
    const w = new PropertiesWriter();
    for (const [key, n] of counts) {
      const values = props.getList(key);
      // Repeated keys are StarTreeV2Metadata.writeMetadata's subset().setProperty(key, List):
      // one addProperty per value on the parent. Everything else is a plain setProperty.
      if (n > 1) w.setThroughSubset(key, values);
      else w.set(key, values.length === 0 ? '' : values);
    }
    expect(w.toBuffer().equals(bytes)).toBe(true);
    expect(counts.get('startree.v2.0.split.order')).toBe(3);
  });

  it('re-serializes airlineStats-startree index_map byte for byte', () => {
    const bytes = withoutHeader(readFileSync(path.join(fixturesDir(), 'airlineStats-startree.index_map')));
    let out = '';
    for (const e of parseProperties(bytes.toString('utf8')).entries) out += formatPropertyLine(e.key, BigInt(e.raw));
    expect(out).toBe(bytes.toString('utf8'));
  });
});

describe('parseProperties follows Commons reading rules (fixes made alongside the writer)', () => {
  it('keeps the backslash of unknown escapes in values except before :#=!\'" (PropertiesConfiguration.unescapeJava)', () => {
    const p = parseProperties('a = x\\qy\nb = \\=\\:\\#\\!\\\'\\"\nc = \\ x\n');
    expect(p.get('a')).toBe('x\\qy');
    expect(p.get('b')).toBe('=:#!\'"');
    expect(p.get('c')).toBe('\\ x');
  });

  it('splits each line of a repeated key on its own (propertyLoaded -> addPropertyInternal per line)', () => {
    // Line 1 holds "a\" (escaped backslash, no comma): it must not escape the joining comma.
    expect(parseProperties('k = a\\\\\nk = b\n').getList('k')).toEqual(['a\\', 'b']);
    // "\\" only collapses when the value is split (it has a comma): splitString.
    expect(parseProperties('k = a\\\\\\\\b\n').getList('k')).toEqual(['a\\\\b']);
    expect(parseProperties('k = a\\\\\\\\b,c\n').getList('k')).toEqual(['a\\b', 'c']);
  });

  it('trims like Java String.trim: U+00A0 is a value, not whitespace', () => {
    expect(parseProperties('k = \u00a0\n').getList('k')).toEqual(['\u00a0']);
    expect(parseProperties('k = \\u00A0\n').getList('k')).toEqual(['\u00a0']);
    expect(parseProperties('k = \n').getList('k')).toEqual([]);
  });
});

describe('parseProperties line and key rules (PropertiesReader.readProperty / PROPERTY_PATTERN)', () => {
  it('skips comment and blank lines inside a continuation and drops one pending at the end', () => {
    const p = parseProperties('a = x\\\n# note\n\n   y\nb = z\\');
    expect(p.get('a')).toBe('xy');
    expect(p.has('b')).toBe(false);
  });

  it('Java-trims lines and keys and treats \\v as a separator', () => {
    const p = parseProperties('\u0001k\u0001 = v\u0001\nx\u000by\n');
    expect(p.get('k')).toBe('v');
    expect(p.get('x')).toBe('y');
    // An escaped trailing space is trimmed away with the space, leaving a lone backslash that
    // commons-text unescapeJava drops: the key is "k".
    expect(parseProperties('k\\  = v').get('k')).toBe('v');
  });

  it('reads a line whose value holds U+2028/U+0085 as an empty key (`.` does not match them)', () => {
    expect(parseProperties('k = a\u2028b').entries).toEqual([{ key: '', raw: '' }]);
    expect(parseProperties('k\u2028x = v').get('k\u2028x')).toBe('v');
  });

  it('drops a \\u escape cut short at the end of a value', () => {
    expect(parseProperties('k = ab\\u00').get('k')).toBe('ab');
  });
});
