/**
 * JSON and array scalar functions: pinot-common `function/scalar/JsonFunctions.java`, `ArrayFunctions.java`,
 * `array/ArrayLengthScalarFunction.java`.
 */
import { isBigDecimal } from '../big-decimal.js';
import { canonicalizeJsonText, javaDoubleToString, javaFloatToString, parseJavaDouble, parseJavaLong } from '../convert.js';
import { setJsonConvert } from './functions-math.js';
import { compileJsonPath, parseJackson, readJsonPath, writeJackson } from './json.js';
import {
  argInt,
  argStr,
  doubleValueOf,
  illegalArgument,
  javaEquals,
  JavaException,
  JArray,
  JFloat,
  JInt,
  JMap,
  javaToString,
  JTimestamp,
  longValueOf,
  setMapWriter,
  type ArrayKind,
  type JValue,
} from './jvalue.js';
import { define } from './registry.js';
import { javaCompareTo } from './functions-string.js';

const O = 'Object' as const;
const S = 'String' as const;
const I = 'int' as const;
const L = 'long' as const;
const D = 'double' as const;

setMapWriter((v) => writeJackson(v, true));
setJsonConvert((v) => {
  // PinotDataType.JSON.convert: a String is parsed (BigDecimal numbers) and re-serialized; other objects written.
  if (typeof v === 'string') {
    const c = canonicalizeJsonText(v);
    return c !== undefined ? c : writeJackson(v);
  }
  return writeJackson(v);
});

/** Jayway parse: a String is parsed as JSON (malformed → InvalidJsonException), anything else is used as is. */
function document(object: JValue): JValue {
  if (typeof object === 'string') {
    try {
      return parseJackson(object);
    } catch (e) {
      throw new JavaException('InvalidJsonException', e instanceof Error ? e.message : String(e));
    }
  }
  return object;
}

/** JsonFunctions.jsonPath. */
export function jsonPath(object: JValue, path: string): JValue {
  const compiled = compileJsonPath(path);
  return readJsonPath(document(object), compiled);
}

/** JsonFunctions.canExtractJsonPath. */
function canExtract(object: JValue): boolean {
  if (object === null) return false;
  if (typeof object !== 'string') return true;
  for (const c of object) {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    return c === '{' || c === '[' || c === '"' || c === '-' || (c >= '0' && c <= '9') || c === 't' || c === 'f' || c === 'n';
  }
  return false;
}

function toObjectArray(v: JValue): JValue {
  if (v === null) return null;
  if (v instanceof JArray) return v.kind === 'Object' ? v : new JArray('Object', v.items);
  return new JArray('Object', [v]);
}

function jsonValueToString(v: JValue): string {
  return typeof v === 'string' ? v : writeJackson(v);
}

function jsonValueToLong(v: JValue): bigint {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof JInt || v instanceof JFloat || (v !== null && isBigDecimal(v))) return longValueOf(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof JTimestamp) return v.millis;
  return parseJavaLong(javaObjectString(v));
}

function jsonValueToDouble(v: JValue): number {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof JInt || v instanceof JFloat || (v !== null && isBigDecimal(v))) return doubleValueOf(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof JTimestamp) return Number(v.millis);
  return parseJavaDouble(javaObjectString(v));
}

function javaObjectString(v: JValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof JMap || v instanceof JArray) return writeJackson(v);
  if (typeof v === 'number') return javaDoubleToString(v);
  if (v instanceof JFloat) return javaFloatToString(v.v);
  return javaToString(v);
}

function withDefault<T extends JValue>(object: JValue, path: JValue, def: T, read: (v: JValue) => T): T {
  if (!canExtract(object)) return def;
  try {
    if (path === null) throw new JavaException('NullPointerException', 'json path is null');
    const v = jsonPath(object, path as string);
    return v !== null ? read(v) : def;
  } catch {
    return def;
  }
}

define('toJsonMapStr', ['Map'], ([m]) => writeJackson(m!), { nullable: true });
define('jsonFormat', [O], ([o]) => writeJackson(o!));
define('jsonPath', [O, S], ([o, p]) => jsonPath(o!, argStr(p)));
define('jsonPathArray', [O, S], ([o, p]) => toObjectArray(jsonPath(o!, argStr(p))));
define(
  'jsonPathArrayDefaultEmpty',
  [O, S],
  ([o, p]) => {
    const empty = new JArray('Object', []);
    if (!canExtract(o!)) return empty;
    try {
      return toObjectArray(jsonPath(o!, argStr(p))) ?? empty;
    } catch {
      return empty;
    }
  },
  { nullable: true },
);
define('jsonPathExists', [O, S], ([o, p]) => {
  try {
    return jsonPath(o!, argStr(p)) !== null;
  } catch {
    return false;
  }
});
define('jsonPathString', [O, S], ([o, p]) => {
  const v = jsonPath(o!, argStr(p));
  return v !== null ? jsonValueToString(v) : null;
});
for (const name of ['jsonPathString', 'jsonPathStringFast', 'jsonPathStringFirstMatch', 'jsonPathStringFory']) {
  define(name, [O, S, S], ([o, p, d]) => withDefault<JValue>(o!, p!, d!, jsonValueToString), { nullable: true });
}
define('jsonPathLong', [O, S], ([o, p]) => withDefault<JValue>(o!, p!, -(2n ** 63n), jsonValueToLong));
for (const name of ['jsonPathLong', 'jsonPathLongFast', 'jsonPathLongFirstMatch', 'jsonPathLongFory']) {
  define(
    name,
    [O, S, L],
    ([o, p, d]) => {
      if (d === null) throw new JavaException('IllegalArgumentException', 'null passed for the primitive long defaultValue');
      return withDefault<JValue>(o!, p!, d, jsonValueToLong);
    },
    { nullable: true },
  );
}
define('jsonPathDouble', [O, S], ([o, p]) => withDefault<JValue>(o!, p!, NaN, jsonValueToDouble));
for (const name of ['jsonPathDouble', 'jsonPathDoubleFast', 'jsonPathDoubleFirstMatch', 'jsonPathDoubleFory']) {
  define(
    name,
    [O, S, D],
    ([o, p, d]) => {
      if (d === null) throw new JavaException('IllegalArgumentException', 'null passed for the primitive double defaultValue');
      return withDefault<JValue>(o!, p!, d, jsonValueToDouble);
    },
    { nullable: true },
  );
}

/** JsonNode.asText(). */
function asText(v: JValue | undefined): string {
  if (v === undefined) throw new JavaException('NullPointerException', 'missing key');
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (v instanceof JMap || v instanceof JArray) return '';
  return javaObjectString(v);
}

function keyValueArrayToMap(arr: JValue, key: string, value: string): JValue {
  const result = new Map<string, JValue>();
  const put = (k: JValue, v: JValue): void => {
    result.set(k === null ? 'null' : typeof k === 'string' ? k : javaObjectString(k), v);
  };
  const fromNode = (obj: JValue): void => {
    if (obj instanceof JMap) {
      put(obj.get(key), obj.get(value));
      return;
    }
    const node = parseJackson(typeof obj === 'string' ? obj : javaObjectString(obj));
    if (!(node instanceof JMap)) throw new JavaException('NullPointerException', 'not an object');
    put(asText(node.entries.get(key)), asText(node.entries.get(value)));
  };
  if (arr instanceof JArray) {
    for (const o of arr.items) fromNode(o);
  } else {
    const node = parseJackson(javaObjectString(arr));
    if (!(node instanceof JArray)) return new JMap(result, true);
    for (const n of node.items) {
      if (!(n instanceof JMap)) throw new JavaException('NullPointerException', 'not an object');
      put(asText(n.entries.get(key)), asText(n.entries.get(value)));
    }
  }
  return new JMap(result, true);
}
define('jsonKeyValueArrayToMap', [O], ([a]) => keyValueArrayToMap(a!, 'key', 'value'));
define('jsonKeyValueArrayToMap', [O, S, S], ([a, k, v]) => keyValueArrayToMap(a!, argStr(k), argStr(v)));

function parseContainer(s: string, open: '[' | '{' | 'either'): JValue {
  const json = s.trim();
  try {
    if ((open === '[' || open === 'either') && json.startsWith('[')) return parseJackson(json);
    if ((open === '{' || open === 'either') && json.startsWith('{')) return parseJackson(json);
  } catch {
    return null;
  }
  return null;
}
define('jsonStringToArray', [S], ([a]) => parseContainer(argStr(a), '['));
define('jsonStringToMap', [S], ([a]) => parseContainer(argStr(a), '{'));
define('jsonStringToListOrMap', [S], ([a]) => parseContainer(argStr(a), 'either'));
define(
  'jsonExtractObject',
  [O],
  ([a]) => {
    if (typeof a === 'string') return parseContainer(a, 'either');
    if (a instanceof JMap || (a instanceof JArray && (a.kind === 'List' || a.kind === 'Object'))) return a;
    return null;
  },
  { nullable: true },
);

// ---------------------------------------------------------------------------------------------------------------
// ArrayFunctions
// ---------------------------------------------------------------------------------------------------------------

const IA = 'int[]' as const;
const LA = 'long[]' as const;
const FA = 'float[]' as const;
const DA = 'double[]' as const;
const SA = 'String[]' as const;

const items = (v: JValue): JValue[] => (v as JArray).items;
const nums = (v: JValue): number[] => items(v).map((x) => (x instanceof JInt || x instanceof JFloat ? x.v : (x as number)));
const int = (n: number): JInt => new JInt(n | 0);
const arr = (kind: ArrayKind, xs: JValue[]): JArray => new JArray(kind, xs);

/** Element equality as ArrayUtils uses it: == for primitives (float/double compare with ==), equals for Strings. */
function same(kind: ArrayKind, a: JValue, b: JValue): boolean {
  if (kind === 'int' || kind === 'float') return (a as JInt).v === (b as JInt).v;
  if (kind === 'long') return a === b;
  if (kind === 'double') return a === b;
  return javaEquals(a, b);
}

function indexOf(kind: ArrayKind, xs: JValue[], v: JValue): number {
  return xs.findIndex((x) => same(kind, x, v));
}

function distinct(kind: ArrayKind, xs: JValue[]): JValue[] {
  const out: JValue[] = [];
  for (const x of xs) if (indexOf(kind, out, x) < 0) out.push(x);
  return out;
}

/** Arrays.copyOfRange. */
function copyOfRange(kind: ArrayKind, xs: JValue[], from: number, to: number): JArray {
  if (from < 0 || from > xs.length) throw new JavaException('ArrayIndexOutOfBoundsException', `Array index out of range: ${from}`);
  if (from > to) illegalArgument(`${from} > ${to}`);
  const zero: JValue = kind === 'int' ? int(0) : kind === 'long' ? 0n : kind === 'float' ? new JFloat(0) : kind === 'double' ? 0 : null;
  const out: JValue[] = [];
  for (let k = from; k < to; k++) out.push(k < xs.length ? xs[k]! : zero);
  return arr(kind, out);
}

const KINDS: Array<[string, ArrayKind, 'int[]' | 'long[]' | 'float[]' | 'double[]' | 'String[]', 'int' | 'long' | 'float' | 'double' | 'String']> = [
  ['Int', 'int', IA, 'int'],
  ['Long', 'long', LA, 'long'],
  ['Float', 'float', FA, 'float'],
  ['Double', 'double', DA, 'double'],
  ['String', 'String', SA, 'String'],
];

for (const [suffix, kind, arrType, elemType] of KINDS) {
  const intOrString = suffix === 'Int' || suffix === 'String';
  if (intOrString) {
    define(`arrayReverse${suffix}`, [arrType], ([a]) => arr(kind, [...items(a!)].reverse()));
    define(`arraySort${suffix}`, [arrType], ([a]) =>
      arr(kind, [...items(a!)].sort((x, y) => (kind === 'int' ? (x as JInt).v - (y as JInt).v : javaCompareTo(x as string, y as string)))),
    );
    define(`arrayIndexOf${suffix}`, [arrType, elemType], ([a, v]) => int(indexOf(kind, items(a!), v!)));
    define(`arrayContains${suffix}`, [arrType, elemType], ([a, v]) => indexOf(kind, items(a!), v!) >= 0);
    define(`arrayDistinct${suffix}`, [arrType], ([a]) => arr(kind, distinct(kind, items(a!))));
    define(`arrayRemove${suffix}`, [arrType, elemType], ([a, v]) => {
      const xs = [...items(a!)];
      const idx = indexOf(kind, xs, v!);
      if (idx >= 0) xs.splice(idx, 1);
      return arr(kind, xs);
    });
    define(`arrayUnion${suffix}`, [arrType, arrType], ([a, b]) => arr(kind, distinct(kind, [...items(a!), ...items(b!)])));
  }
  define(`arrayIndexesOf${suffix}`, [arrType, elemType], ([a, v]) =>
    arr(
      'int',
      items(a!).flatMap((x, k) => (same(kind, x, v!) ? [int(k)] : [])),
    ),
  );
  if (suffix !== 'Float' && suffix !== 'Double') {
    define(`arraySlice${suffix}`, [arrType, I, I], ([a, s, e]) => copyOfRange(kind, items(a!), argInt(s), argInt(e)));
  }
  define(`arrayConcat${suffix}`, [arrType, arrType], ([a, b]) => arr(kind, [...items(a!), ...items(b!)]));
  define(`arrayPushBack${suffix}`, [arrType, elemType], ([a, v]) => arr(kind, [...items(a!), v!]));
  define(`arrayPushFront${suffix}`, [arrType, elemType], ([a, v]) => arr(kind, [v!, ...items(a!)]));
  const placeholder: JValue = kind === 'int' ? int(0) : kind === 'long' ? 0n : kind === 'float' ? new JFloat(0) : kind === 'double' ? 0 : '';
  define(`arrayElementAt${suffix}`, [arrType, I], ([a, k]) => {
    const xs = items(a!);
    const idx = argInt(k);
    return idx > 0 && idx <= xs.length ? xs[idx - 1]! : placeholder;
  });
}
define('intersectIndices', [IA, IA], ([a, b]) => {
  const x = nums(a!);
  const y = nums(b!);
  const out: JValue[] = [];
  let p = 0;
  let q = 0;
  while (p < x.length && q < y.length) {
    if (x[p] === y[q]) {
      out.push(int(x[p]!));
      q++;
    }
    p++;
  }
  return arr('int', out);
});
define('arraySumInt', [IA], ([a]) => int(nums(a!).reduce((s, x) => (s + x) | 0, 0)));
define('arraySumLong', [LA], ([a]) => items(a!).reduce<bigint>((s, x) => BigInt.asIntN(64, s + (x as bigint)), 0n));
define(
  ['array', 'arrayValueConstructor'],
  'varargs',
  (args) => {
    if (args.length === 0) return arr('Object', []);
    const first = args[0]!;
    const cast = (ok: (x: JValue) => boolean, kind: ArrayKind, cls: string): JArray => {
      for (const x of args) if (!ok(x)) throw new JavaException('ClassCastException', `cannot cast to ${cls}`);
      return arr(kind, args);
    };
    if (first instanceof JInt) return cast((x) => x instanceof JInt, 'int', 'java.lang.Integer');
    if (typeof first === 'bigint') return cast((x) => typeof x === 'bigint', 'long', 'java.lang.Long');
    if (first instanceof JFloat) return cast((x) => x instanceof JFloat, 'float', 'java.lang.Float');
    if (typeof first === 'number') return cast((x) => typeof x === 'number', 'double', 'java.lang.Double');
    if (typeof first === 'boolean') return cast((x) => typeof x === 'boolean', 'boolean', 'java.lang.Boolean');
    if (isBigDecimal(first)) return cast((x) => x !== null && isBigDecimal(x), 'BigDecimal', 'java.math.BigDecimal');
    if (typeof first === 'string') return cast((x) => typeof x === 'string', 'String', 'java.lang.String');
    return arr('Object', args);
  },
  { method: 'arrayValueConstructor' },
);
define('generateIntArray', [I, I, I], ([s, e, inc]) => {
  const start = argInt(s);
  const step = argInt(inc);
  if (step === 0) throw new JavaException('ArithmeticException', '/ by zero');
  const size = Math.trunc((argInt(e) - start) / step) + 1;
  if (size < 0) throw new JavaException('NegativeArraySizeException', String(size));
  return arr('int', Array.from({ length: size }, (_, k) => int(start + k * step)));
});
define('generateLongArray', [L, L, L], ([s, e, inc]) => {
  const step = inc as bigint;
  if (step === 0n) throw new JavaException('ArithmeticException', '/ by zero');
  const size = Number(((e as bigint) - (s as bigint)) / step + 1n);
  if (size < 0) throw new JavaException('NegativeArraySizeException', String(size));
  return arr('long', Array.from({ length: size }, (_, k) => BigInt.asIntN(64, (s as bigint) + BigInt(k) * step)));
});
define('generateFloatArray', ['float', 'float', 'float'], ([s, e, inc]) => {
  const [a, b, c] = [(s as JFloat).v, (e as JFloat).v, (inc as JFloat).v];
  const size = Math.trunc(Math.fround(Math.fround(b - a) / c) + 1);
  const out: JValue[] = [];
  let cur = a;
  for (let k = 0; k < size; k++, cur = Math.fround(cur + c)) out.push(new JFloat(cur));
  return arr('float', out);
});
define('generateDoubleArray', [D, D, D], ([s, e, inc]) => {
  const [a, b, c] = [s as number, e as number, inc as number];
  const size = Math.trunc((b - a) / c + 1);
  const out: JValue[] = [];
  let cur = a;
  for (let k = 0; k < size; k++, cur += c) out.push(cur);
  return arr('double', out);
});
define('arrayToString', [SA, S], ([a, d]) => items(a!).map((x) => (x === null ? 'null' : (x as string))).join(argStr(d)));
define('arrayToString', [SA, S, S], ([a, d, n]) => {
  const xs = items(a!);
  if (xs.length === 0) return '';
  return xs.map((x) => (x === null || x === '' ? argStr(n) : (x as string))).join(argStr(d));
});
define(['arrayLength', 'cardinality'], [SA], ([a]) => int(items(a!).length), { method: 'arrayLength' });


