/**
 * Arithmetic, comparison, bitwise, trigonometric, object, type-conversion and hash scalar functions
 * (pinot-common `function/scalar/ArithmeticFunctions.java`, `arithmetic/*`, `comparison/*`, `bitwise/*`,
 * `TrigonometricFunctions.java`, `ObjectFunctions.java`, `DataTypeConversionFunctions.java`, `HashFunctions.java`).
 *
 * InbuiltFunctionEvaluator resolves functions by argument count only, so the polymorphic classes use their
 * by-count overload: DOUBLE for + - * / % abs negate least greatest mod moduloOrZero positiveModulo and for the
 * comparisons (equals / notEquals with a 1e-7 tolerance), LONG for the bitwise functions.
 */
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { bigDecimal, bigDecimalDoubleValue, deserializeBigDecimal, parseBigDecimal, serializeBigDecimal, type BigDecimal } from '../big-decimal.js';
import { bytesToHex, hexToBytes, javaDoubleToString, javaTrim, parseJavaDouble, parseJavaInt } from '../convert.js';
import {
  argDouble,
  argInt,
  argLong,
  argStr,
  base64Decode,
  illegalArgument,
  javaClassName,
  javaEquals,
  JavaException,
  JArray,
  JFloat,
  JInt,
  singleValueType,
  timestampFromString,
  toJavaBigDecimal,
  toJavaBoolean,
  toJavaBytes,
  toJavaDouble,
  toJavaFloat,
  toJavaInt,
  toJavaLong,
  toJavaString,
  toJavaTimestamp,
  type JValue,
} from './jvalue.js';
import { define } from './registry.js';

const D = 'double' as const;
const L = 'long' as const;
const I = 'int' as const;
const S = 'String' as const;
const B = 'bytes' as const;

const d = argDouble;
const l = argLong;
const i = argInt;

function int(n: number): JInt {
  return new JInt(n | 0);
}

function long(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

// ---------------------------------------------------------------------------------------------------------------
// BigDecimal rounding
// ---------------------------------------------------------------------------------------------------------------

type Rounding = 'HALF_UP' | 'DOWN';

/** BigDecimal.setScale(newScale, mode). */
export function setScale(v: BigDecimal, newScale: number, mode: Rounding): BigDecimal {
  if (newScale >= v.scale) return bigDecimal(v.unscaled * 10n ** BigInt(newScale - v.scale), newScale);
  const div = 10n ** BigInt(v.scale - newScale);
  let q = v.unscaled / div;
  const r = v.unscaled % div;
  if (mode === 'HALF_UP' && r !== 0n) {
    const twice = (r < 0n ? -r : r) * 2n;
    if (twice >= div) q += v.unscaled < 0n ? -1n : 1n;
  }
  return bigDecimal(q, newScale);
}

/** BigDecimal.valueOf(double). */
function decimalOf(a: number): BigDecimal {
  if (!Number.isFinite(a)) throw new JavaException('NumberFormatException', 'Infinite or NaN');
  return parseBigDecimal(javaDoubleToString(a));
}

/** Math.round(double) returned as a double. */
function javaRound(a: number): number {
  if (Number.isNaN(a)) return 0;
  if (a >= 2 ** 63) return 2 ** 63;
  if (a <= -(2 ** 63)) return -(2 ** 63);
  return Math.round(a);
}

// ---------------------------------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------------------------------

define(['plus', 'add'], [D, D], ([a, b]) => d(a) + d(b), { method: 'doublePlus' });
define(['minus', 'sub'], [D, D], ([a, b]) => d(a) - d(b), { method: 'doubleMinus' });
define(['mult', 'times'], [D, D], ([a, b]) => d(a) * d(b), { method: 'doubleMult' });
define(['divide', 'div'], [D, D], ([a, b]) => d(a) / d(b));
define(['divide', 'div'], [D, D, D], ([a, b, c]) => (d(b) === 0 ? d(c) : d(a) / d(b)));
define('mod', [D, D], ([a, b]) => d(a) % d(b), { method: 'doubleMod' });
define('moduloOrZero', [D, D], ([a, b]) => (d(b) === 0 ? 0 : d(a) % d(b)), { method: 'doubleModuloOrZero' });
define(
  'positiveModulo',
  [D, D],
  ([a, b]) => {
    const r = d(a) % d(b);
    return r >= 0 ? r : r + Math.abs(d(b));
  },
  { method: 'doublePositiveModulo' },
);
define('abs', [D], ([a]) => Math.abs(d(a)), { method: 'doubleAbs' });
define('negate', [D], ([a]) => -d(a), { method: 'doubleNegate' });
define('least', [D, D], ([a, b]) => Math.min(d(a), d(b)), { method: 'doubleLeast' });
define('greatest', [D, D], ([a, b]) => Math.max(d(a), d(b)), { method: 'doubleGreatest' });
define('intDiv', [D, D], ([a, b]) => toLongCast(Math.floor(d(a) / d(b))));
define('intDivOrZero', [D, D], ([a, b]) => (d(b) === 0 || (d(a) === -(2 ** 63) && d(b) === -1) ? 0n : toLongCast(Math.floor(d(a) / d(b)))));
define('isFinite', [D], ([a]) => int(Number.isFinite(d(a)) ? 1 : 0));
define('isInfinite', [D], ([a]) => int(d(a) === Infinity || d(a) === -Infinity ? 1 : 0));
define('ifNotFinite', [D, D], ([a, b]) => (Number.isFinite(d(a)) ? d(a) : d(b)));
define('isNaN', [D], ([a]) => int(Number.isNaN(d(a)) ? 1 : 0));
define(['ceil', 'ceiling'], [D], ([a]) => Math.ceil(d(a)));
define('floor', [D], ([a]) => Math.floor(d(a)));
define('exp', [D], ([a]) => Math.exp(d(a)));
define(['ln', 'log'], [D], ([a]) => Math.log(d(a)));
define('log2', [D], ([a]) => Math.log(d(a)) / Math.log(2));
define('log10', [D], ([a]) => Math.log10(d(a)));
define('sqrt', [D], ([a]) => Math.sqrt(d(a)));
define('sign', [D], ([a]) => Math.sign(d(a)));
define(['power', 'pow'], [D, D], ([a, b]) => Math.pow(d(a), d(b)));
define('roundDecimal', [D, I], ([a, b]) => {
  const x = d(a);
  if (!Number.isFinite(x)) return x;
  return bigDecimalDoubleValue(setScale(decimalOf(x), i(b), 'HALF_UP'));
});
define('roundDecimal', [D], ([a]) => (Number.isFinite(d(a)) ? javaRound(d(a)) : d(a)));
define('truncate', [D, I], ([a, b]) => bigDecimalDoubleValue(setScale(decimalOf(d(a)), i(b), 'DOWN')));
define('truncate', [D], ([a]) => Math.sign(d(a)) * Math.floor(Math.abs(d(a))));
define('rand', [], () => Math.random());
define('rand', [L], ([a]) => {
  const m64 = (z0: bigint): bigint => {
    let z = BigInt.asUintN(64, z0);
    z = BigInt.asUintN(64, (z ^ (z >> 33n)) * 0xff51afd7ed558ccdn);
    z = BigInt.asUintN(64, (z ^ (z >> 33n)) * 0xc4ceb9fe1a85ec53n);
    return z ^ (z >> 33n);
  };
  const mixed = m64(BigInt.asUintN(64, l(a)) ^ 0x5deece66dn);
  return Number(mixed >> 11n) * 2 ** -53;
});
function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (x !== 0n) {
    const t = y % x;
    y = x;
    x = t;
  }
  return long(y < 0n ? -y : y);
}
function absLong(a: bigint): bigint {
  return long(a < 0n ? -a : a);
}
define('gcd', [L, L], ([a, b]) => gcd(l(a), l(b)));
define('lcm', [L, L], ([a, b]) => {
  if (l(a) === 0n || l(b) === 0n) return 0n;
  const g = gcd(l(a), l(b));
  return long((absLong(l(a)) / g) * absLong(l(b)));
});
define('hypot', [D, D], ([a, b]) => Math.hypot(d(a), d(b)));
define('byteswapInt', [I], ([a]) => {
  const x = i(a) >>> 0;
  return int(((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24));
});
define('byteswapLong', [L], ([a]) => {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setBigInt64(0, l(a), true);
  return buf.getBigInt64(0, false);
});
define('cbrt', [D], ([a]) => Math.cbrt(d(a)));
define('exp2', [D], ([a]) => Math.pow(2, d(a)));
define('exp10', [D], ([a]) => Math.pow(10, d(a)));
define('log1p', [D], ([a]) => Math.log1p(d(a)));
define('sigmoid', [D], ([a]) => 1.0 / (1.0 + Math.exp(-d(a))));
define('pi', [], () => Math.PI);
define(['e', 'euler'], [], () => Math.E);
define('bitCount', [L], ([a]) => {
  let x = BigInt.asUintN(64, l(a));
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return int(n);
});
define('factorial', [L], ([a]) => {
  const n = l(a);
  if (n < 0n || n > 20n) illegalArgument(`factorial argument must be between 0 and 20, got ${n}`);
  let f = 1n;
  for (let k = 2n; k <= n; k++) f *= k;
  return f;
});
define(['widthBucket', 'width_bucket'], [D, D, D, I], ([v, lo, hi, nb]) => {
  const value = d(v);
  const low = d(lo);
  const high = d(hi);
  const n = i(nb);
  if (Number.isNaN(value) || Number.isNaN(low) || Number.isNaN(high)) illegalArgument('widthBucket does not accept NaN values');
  if (!Number.isFinite(low) || !Number.isFinite(high)) illegalArgument('widthBucket bounds must be finite');
  if (low >= high) illegalArgument(`lo must be less than hi: lo=${javaDoubleToString(low)}, hi=${javaDoubleToString(high)}`);
  if (n <= 0) illegalArgument(`numBuckets must be positive, got ${n}`);
  if (value < low) return int(0);
  if (value >= high) return int(n + 1);
  return int(doubleToIntCast(((value - low) / (high - low)) * n) + 1);
});

function toLongCast(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x >= 2 ** 63) return 2n ** 63n - 1n;
  if (x <= -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(x));
}
function doubleToIntCast(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return Math.trunc(x);
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison (by-count resolution → the DOUBLE overloads)
// ---------------------------------------------------------------------------------------------------------------

const TOLERANCE = 1e-7;
define('equals', [D, D], ([a, b]) => Math.abs(d(a) - d(b)) < TOLERANCE, { method: 'doubleEqualsWithTolerance' });
define('notEquals', [D, D], ([a, b]) => Math.abs(d(a) - d(b)) >= TOLERANCE, { method: 'doubleNotEqualsWithTolerance' });
define('greaterThan', [D, D], ([a, b]) => d(a) > d(b), { method: 'doubleGreaterThan' });
define('greaterThanOrEqual', [D, D], ([a, b]) => d(a) >= d(b), { method: 'doubleGreaterThanOrEqual' });
define('lessThan', [D, D], ([a, b]) => d(a) < d(b), { method: 'doubleLessThan' });
define('lessThanOrEqual', [D, D], ([a, b]) => d(a) <= d(b), { method: 'doubleLessThanOrEqual' });
define('between', [D, D, D], ([v, lo, hi]) => d(v) >= d(lo) && d(v) <= d(hi), { method: 'doubleBetween' });

// ---------------------------------------------------------------------------------------------------------------
// Bitwise (by-count resolution → the LONG overloads)
// ---------------------------------------------------------------------------------------------------------------

define('bitAnd', [L, L], ([a, b]) => long(l(a) & l(b)), { method: 'longBitAnd' });
define('bitOr', [L, L], ([a, b]) => long(l(a) | l(b)), { method: 'longBitOr' });
define('bitXor', [L, L], ([a, b]) => long(l(a) ^ l(b)), { method: 'longBitXor' });
define('bitNot', [L], ([a]) => long(~l(a)), { method: 'longBitNot' });
define('bitShiftLeft', [L, I], ([a, b]) => long(l(a) << BigInt(i(b) & 63)), { method: 'longBitShiftLeft' });
define('bitShiftRight', [L, I], ([a, b]) => long(l(a) >> BigInt(i(b) & 63)), { method: 'longBitShiftRight' });
define(['bitShiftRightUnsigned', 'bitShiftRightLogical'], [L, I], ([a, b]) => long(BigInt.asUintN(64, l(a)) >> BigInt(i(b) & 63)), {
  method: 'longBitShiftRightUnsigned',
});
define(['bitExtract', 'extractBit'], [L, L], ([a, b]) => {
  const bit = l(b);
  if (bit < 0n || bit >= 64n) return int(0);
  return int(Number((BigInt.asUintN(64, l(a)) >> bit) & 1n));
}, { method: 'longBitExtract' });
define('bitMask', [L], ([a]) => (l(a) >= 0n && l(a) < 64n ? long(1n << l(a)) : 0n), { method: 'longBitMask' });

// ---------------------------------------------------------------------------------------------------------------
// Trigonometric
// ---------------------------------------------------------------------------------------------------------------

define('sin', [D], ([a]) => Math.sin(d(a)));
define('cos', [D], ([a]) => Math.cos(d(a)));
define('tan', [D], ([a]) => Math.tan(d(a)));
define('cot', [D], ([a]) => 1.0 / Math.tan(d(a)));
define('asin', [D], ([a]) => Math.asin(d(a)));
define('acos', [D], ([a]) => Math.acos(d(a)));
define('atan', [D], ([a]) => Math.atan(d(a)));
define('atan2', [D, D], ([a, b]) => Math.atan2(d(a), d(b)));
define('sinh', [D], ([a]) => Math.sinh(d(a)));
define('cosh', [D], ([a]) => Math.cosh(d(a)));
define('tanh', [D], ([a]) => Math.tanh(d(a)));
define('degrees', [D], ([a]) => d(a) * 57.29577951308232);
define('radians', [D], ([a]) => d(a) * 0.017453292519943295);
define('asinh', [D], ([a]) => (d(a) >= 0 ? Math.log(d(a) + Math.sqrt(d(a) * d(a) + 1)) : -Math.log(-d(a) + Math.sqrt(d(a) * d(a) + 1))));
define('acosh', [D], ([a]) => Math.log(d(a) + Math.sqrt(d(a) * d(a) - 1)));
define('atanh', [D], ([a]) => 0.5 * Math.log((1 + d(a)) / (1 - d(a))));

// ---------------------------------------------------------------------------------------------------------------
// ObjectFunctions
// ---------------------------------------------------------------------------------------------------------------

const O = 'Object' as const;
define('isNull', [O], ([a]) => a === null, { nullable: true });
define('isNotNull', [O], ([a]) => a !== null, { nullable: true });
const distinct = (a: JValue, b: JValue): boolean => (a === null && b === null ? false : a === null || b === null ? true : !javaEquals(a, b));
define('isDistinctFrom', [O, O], ([a, b]) => distinct(a!, b!), { nullable: true });
define('isNotDistinctFrom', [O, O], ([a, b]) => !distinct(a!, b!), { nullable: true });
define('coalesce', 'varargs', (args) => args.find((x) => x !== null) ?? null, { nullable: true });
define(
  ['case', 'caseWhen'],
  'varargs',
  (objs) => {
    for (let k = 0; k < objs.length - 1; k += 2) if (objs[k] === true) return objs[k + 1]!;
    return objs.length % 2 === 0 ? null : objs[objs.length - 1]!;
  },
  { nullable: true, method: 'caseWhen' },
);
define('nullIf', [O, O], ([a, b]) => (a === null ? null : javaEquals(a, b!) ? null : a), { nullable: true });

// ---------------------------------------------------------------------------------------------------------------
// DataTypeConversionFunctions
// ---------------------------------------------------------------------------------------------------------------

/** DataTypeConversionFunctions.cast(value, targetTypeLiteral). */
export function javaCast(value: JValue, targetTypeLiteral: string): JValue {
  if (value instanceof JArray) illegalArgument(`class ${javaClassName(value)} must not be an array type`);
  const sourceType = singleValueType(value);
  const t = targetTypeLiteral.toUpperCase();
  let target: string;
  switch (t) {
    case 'BIGINT':
    case 'UINTEGER':
      target = 'LONG';
      break;
    case 'UBIGINT':
      return illegalArgument(
        'Unsigned BIGINT (BIGINT UNSIGNED) is not supported: Pinot has no type that can represent the full unsigned 64-bit range. CAST to BIGINT or DECIMAL instead.',
      );
    case 'DECIMAL':
      target = 'BIG_DECIMAL';
      break;
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
      target = 'INT';
      break;
    case 'VARBINARY':
      target = 'BYTES';
      break;
    case 'VARCHAR':
      target = 'STRING';
      break;
    default:
      target = t;
  }
  if (sourceType === 'STRING' && (target === 'INT' || target === 'LONG')) {
    const sv = javaTrim(value as string);
    if (target === 'INT') {
      try {
        return int(parseJavaInt(sv));
      } catch {
        return int(doubleToIntCast(parseDoubleJ(sv)));
      }
    }
    try {
      return timestampFromString(sv);
    } catch {
      return toLongCast(parseDoubleJ(sv));
    }
  }
  switch (target) {
    case 'INT':
      return int(toJavaInt(value));
    case 'LONG':
      return toJavaLong(value);
    case 'FLOAT':
      return new JFloat(toJavaFloat(value));
    case 'DOUBLE':
      return toJavaDouble(value);
    case 'BIG_DECIMAL':
      return toJavaBigDecimal(value);
    case 'BOOLEAN':
      return toJavaBoolean(value);
    case 'TIMESTAMP':
      return toJavaTimestamp(value);
    case 'STRING':
      return toJavaString(value);
    case 'JSON':
      return jsonConvert(value);
    case 'BYTES':
      return toJavaBytes(value);
    case 'OBJECT':
      return value;
    default:
      return illegalArgument(`Unknown data type: ${targetTypeLiteral}`);
  }
}

let jsonConvert: (v: JValue) => JValue = () => illegalArgument('JSON conversion not initialized');
export function setJsonConvert(f: (v: JValue) => JValue): void {
  jsonConvert = f;
}

function parseDoubleJ(s: string): number {
  try {
    return parseJavaDouble(s);
  } catch {
    throw new JavaException('NumberFormatException', `For input string: "${s}"`);
  }
}

define('cast', [O, S], ([a, b]) => javaCast(a, argStr(b)));
define('bigDecimalToBytes', ['BigDecimal'], ([a]) => serializeBigDecimal(a as BigDecimal));
define('bytesToBigDecimal', [B], ([a]) => deserializeBigDecimal(a as Uint8Array));
define('hexToBytes', [S], ([a]) => {
  try {
    return hexToBytes(argStr(a));
  } catch (e) {
    throw new JavaException('IllegalArgumentException', e instanceof Error ? e.message : String(e));
  }
});
define('bytesToHex', [B], ([a]) => bytesToHex(a as Uint8Array));
define('base64Encode', [B], ([a]) => new Uint8Array(Buffer.from(Buffer.from(a as Uint8Array).toString('base64'), 'latin1')));
define('base64Decode', [B], ([a]) => base64Decode(Buffer.from(a as Uint8Array).toString('latin1')));
define('hexDecimalToLong', [S], ([a]) => {
  const s = argStr(a);
  const digits = s.startsWith('0x') ? s.slice(2) : s;
  if (!/^[+-]?[0-9a-fA-F]+$/.test(digits)) throw new JavaException('NumberFormatException', `For input string: "${digits}" under radix 16`);
  const v = BigInt(digits.startsWith('-') ? `-0x${digits.slice(1)}` : `0x${digits.replace(/^\+/, '')}`);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) throw new JavaException('NumberFormatException', `For input string: "${digits}" under radix 16`);
  return v;
});
define('longToHexDecimal', [L], ([a]) => BigInt.asUintN(64, l(a)).toString(16));

// ---------------------------------------------------------------------------------------------------------------
// HashFunctions
// ---------------------------------------------------------------------------------------------------------------

const hex = (alg: string) => (b: JValue) => createHash(alg).update(b as Uint8Array).digest('hex');
define('sha', [B], ([a]) => hex('sha1')(a));
define('sha224', [B], ([a]) => hex('sha3-224')(a));
define('sha256', [B], ([a]) => hex('sha256')(a));
define('sha512', [B], ([a]) => hex('sha512')(a));
define('md5', [B], ([a]) => hex('md5')(a));

/** MurmurHashFunctions.murmurHash2 (Kafka's murmur2). */
export function murmurHash2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = Math.floor(length / 4);
  for (let k = 0; k < length4; k++) {
    const i4 = k * 4;
    let x = (data[i4]! & 0xff) + ((data[i4 + 1]! & 0xff) << 8) + ((data[i4 + 2]! & 0xff) << 16) + ((data[i4 + 3]! & 0xff) << 24);
    x = Math.imul(x, m);
    x ^= x >>> r;
    x = Math.imul(x, m);
    h = Math.imul(h, m);
    h ^= x;
  }
  const tail = length & ~3;
  switch (length % 4) {
    case 3:
      h ^= (data[tail + 2]! & 0xff) << 16;
    // falls through
    case 2:
      h ^= (data[tail + 1]! & 0xff) << 8;
    // falls through
    case 1:
      h ^= data[tail]! & 0xff;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** MurmurHashFunctions.murmurHash2Bit64(data, length, seed). */
export function murmurHash2Bit64(data: Uint8Array, seed: number): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const r = 47n;
  const length = data.length;
  let h = U64(BigInt(seed >>> 0) ^ U64(BigInt(length) * m));
  const length8 = Math.floor(length / 8);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let k = 0; k < length8; k++) {
    let x = dv.getBigUint64(k * 8, true);
    x = U64(x * m);
    x ^= x >> r;
    x = U64(x * m);
    h ^= x;
    h = U64(h * m);
  }
  const rem = length % 8;
  if (rem > 0) {
    const base = length & ~7;
    for (let k = rem - 1; k >= 0; k--) h ^= BigInt(data[base + k]!) << BigInt(8 * k);
    h = U64(h * m);
  }
  h ^= h >> r;
  h = U64(h * m);
  h ^= h >> r;
  return BigInt.asIntN(64, h);
}

/** Guava Hashing.murmur3_32_fixed(seed).hashBytes(data).asInt(). */
export function murmur3x86_32(data: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h1 = seed | 0;
  const n = data.length;
  const blocks = Math.floor(n / 4);
  const mixK1 = (k: number): number => Math.imul(((Math.imul(k, c1) << 15) | (Math.imul(k, c1) >>> 17)), c2);
  for (let k = 0; k < blocks; k++) {
    const o = k * 4;
    const k1 = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
    h1 ^= mixK1(k1);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  }
  let k1 = 0;
  const t = blocks * 4;
  switch (n & 3) {
    case 3:
      k1 ^= data[t + 2]! << 16;
    // falls through
    case 2:
      k1 ^= data[t + 1]! << 8;
    // falls through
    case 1:
      k1 ^= data[t]!;
      h1 ^= mixK1(k1);
  }
  h1 ^= n;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 | 0;
}

/** Guava Hashing.murmur3_128(seed).hashBytes(data).asBytes() (x64 variant, little-endian h1 then h2). */
export function murmur3x64_128(data: Uint8Array, seed: number): Uint8Array {
  const c1 = 0x87c37b91114253d5n;
  const c2 = 0x4cf5ad432745937fn;
  const rotl = (x: bigint, r: bigint): bigint => U64((x << r) | (x >> (64n - r)));
  const fmix = (k0: bigint): bigint => {
    let k = k0;
    k ^= k >> 33n;
    k = U64(k * 0xff51afd7ed558ccdn);
    k ^= k >> 33n;
    k = U64(k * 0xc4ceb9fe1a85ec53n);
    k ^= k >> 33n;
    return k;
  };
  let h1 = U64(BigInt(seed));
  let h2 = h1;
  const n = data.length;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const blocks = Math.floor(n / 16);
  for (let b = 0; b < blocks; b++) {
    let k1 = dv.getBigUint64(b * 16, true);
    let k2 = dv.getBigUint64(b * 16 + 8, true);
    k1 = U64(rotl(U64(k1 * c1), 31n) * c2);
    h1 ^= k1;
    h1 = U64(rotl(h1, 27n) + h2);
    h1 = U64(h1 * 5n + 0x52dce729n);
    k2 = U64(rotl(U64(k2 * c2), 33n) * c1);
    h2 ^= k2;
    h2 = U64(rotl(h2, 31n) + h1);
    h2 = U64(h2 * 5n + 0x38495ab5n);
  }
  let k1 = 0n;
  let k2 = 0n;
  const t = blocks * 16;
  const rem = n & 15;
  for (let k = rem - 1; k >= 8; k--) k2 ^= BigInt(data[t + k]!) << BigInt((k - 8) * 8);
  if (rem > 8) h2 ^= U64(rotl(U64(k2 * c2), 33n) * c1);
  for (let k = Math.min(rem, 8) - 1; k >= 0; k--) k1 ^= BigInt(data[t + k]!) << BigInt(k * 8);
  if (rem > 0) h1 ^= U64(rotl(U64(k1 * c1), 31n) * c2);
  h1 ^= BigInt(n);
  h2 ^= BigInt(n);
  h1 = U64(h1 + h2);
  h2 = U64(h2 + h1);
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = U64(h1 + h2);
  h2 = U64(h2 + h1);
  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  ov.setBigUint64(0, h1, true);
  ov.setBigUint64(8, h2, true);
  return out;
}

function fnv32(b: Uint8Array, a: boolean): number {
  let h = 0x811c9dc5 | 0;
  for (const x of b) {
    if (a) {
      h ^= x;
      h = Math.imul(h, 0x01000193);
    } else {
      h = Math.imul(h, 0x01000193);
      h ^= x;
    }
  }
  return h | 0;
}

function fnv64(b: Uint8Array, a: boolean): bigint {
  let h = 0xcbf29ce484222325n;
  for (const x of b) {
    if (a) {
      h ^= BigInt(x);
      h = U64(h * 0x100000001b3n);
    } else {
      h = U64(h * 0x100000001b3n);
      h ^= BigInt(x);
    }
  }
  return BigInt.asIntN(64, h);
}

function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) | 0;
}

let crc32cTable: Uint32Array | undefined;
function crc32c(b: Uint8Array): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const x of b) crc = crc32cTable[(crc ^ x) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) | 0;
}

const utf8 = (s: JValue): Uint8Array => new Uint8Array(Buffer.from((s as string).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'), 'utf8'));

define('murmurHash2', [B], ([a]) => int(murmurHash2(a as Uint8Array)));
define('murmurHash2UTF8', [S], ([a]) => int(murmurHash2(utf8(a))));
define('murmurHash2Bit64', [B], ([a]) => murmurHash2Bit64(a as Uint8Array, 0xe17a1465));
define('murmurHash2Bit64', [B, I], ([a, b]) => murmurHash2Bit64(a as Uint8Array, i(b)));
define('murmurHash3Bit32', [B, I], ([a, b]) => int(murmur3x86_32(a as Uint8Array, i(b))));
define('murmurHash3Bit64', [B, I], ([a, b]) => new DataView(murmur3x64_128(a as Uint8Array, i(b)).buffer).getBigInt64(0, true));
define('murmurHash3Bit128', [B, I], ([a, b]) => murmur3x64_128(a as Uint8Array, i(b)));
define('fnv1Hash32', [B], ([a]) => int(fnv32(a as Uint8Array, false)));
define('fnv1Hash32UTF8', [S], ([a]) => int(fnv32(utf8(a), false)));
define('fnv1aHash32', [B], ([a]) => int(fnv32(a as Uint8Array, true)));
define('fnv1aHash32UTF8', [S], ([a]) => int(fnv32(utf8(a), true)));
define('fnv1Hash64', [B], ([a]) => fnv64(a as Uint8Array, false));
define('fnv1Hash64UTF8', [S], ([a]) => fnv64(utf8(a), false));
define('fnv1aHash64', [B], ([a]) => fnv64(a as Uint8Array, true));
define('fnv1aHash64UTF8', [S], ([a]) => fnv64(utf8(a), true));
define('adler32', [B], ([a]) => int(adler32(a as Uint8Array)));
define('crc32', [B], ([a]) => int(zlibCrc32(a as Uint8Array) | 0));
define('crc32c', [B], ([a]) => int(crc32c(a as Uint8Array)));
