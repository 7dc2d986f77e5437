/**
 * Pinot's ingestion value conversion, for one column value at a time:
 *
 *   DataTypeTransformer (DataTypeTransformerUtils.standardize + PinotDataType.convert / toInternal)
 *   → SpecialValueTransformer (FLOAT/DOUBLE: NaN → null, -0.0 → 0.0; BIG_DECIMAL: strip trailing zeros)
 *   → [NullValueTransformer: left to the caller — `null` means "use the default null value, mark the null vector"]
 *   → SanitizationTransformer (STRING: cut at the first '\0', enforce maxLength per maxLengthExceedStrategy; BYTES and
 *     JSON only when a strategy other than NO_ACTION is configured)
 *
 * plus the Java formatting Pinot uses for metadata (Float/Double/BigDecimal toString) and Java value ordering.
 *
 * JS inputs are mapped to the Java types Pinot's record readers produce: booleans → Boolean; integral numbers →
 * Integer (32-bit range) or Long; other numbers → Double; bigint → Long (or BigDecimal beyond 64 bits, as
 * JSONRecordExtractor does for BigInteger); strings → String; Uint8Array / Buffer → byte[]; Date → Timestamp;
 * BigDecimal (big-decimal.ts) → BigDecimal; arrays → Object[]; plain objects → Map (values in Java HashMap order).
 * A JS number cannot tell `1.0` from `1` (Jackson reads them as Double and Integer), so JSON `1.0` sent to a STRING
 * column becomes "1" here and "1.0" in Pinot.
 */
import {
  BIG_DECIMAL_ONE,
  BIG_DECIMAL_ZERO,
  bigDecimal,
  bigDecimalDoubleValue,
  bigDecimalEquals,
  bigDecimalFloatValue,
  bigDecimalIntValue,
  bigDecimalLongValue,
  bigDecimalToPlainString,
  bigDecimalToString,
  compareBigDecimal,
  compareDecimalToBinary,
  decimalToFloat32,
  decomposeDouble,
  deserializeBigDecimal,
  isBigDecimal,
  parseBigDecimal,
  pow10,
  serializeBigDecimal,
  stripTrailingZeros,
  type BigDecimal,
} from './big-decimal.js';
import type { DataType, FieldSpec, StoredType, StoredValue } from './schema.js';
import { byteArrayCompare, javaFloatCompare, javaStringCompare } from './writer/dictionary-writer.js';

/** A value that cannot be converted to its column's type. The caller adds the row number. */
export class ConversionError extends Error {
  override readonly name = 'ConversionError';
  constructor(
    readonly column: string,
    readonly value: string,
    readonly targetType: string,
    readonly reason: string,
  ) {
    super(`column "${column}": cannot convert ${value} to ${targetType}: ${reason}`);
  }
}

/** Internal: a Java exception (NumberFormatException, UnsupportedOperationException, ...) during conversion. */
class JavaError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Java primitives
// ---------------------------------------------------------------------------------------------------------------

/** String.trim(): strips chars <= U+0020 at both ends. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

const INT_RE = /^[+-]?\d+$/;

/** Integer.parseInt (ASCII digits; Java also takes other Unicode digits). */
export function parseJavaInt(s: string): number {
  if (!INT_RE.test(s)) throw new JavaError(`For input string: "${s}"`);
  const n = Number(s);
  if (n < -2147483648 || n > 2147483647) throw new JavaError(`For input string: "${s}" (out of INT range)`);
  return n === 0 ? 0 : n;
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Long.parseLong. */
export function parseJavaLong(s: string): bigint {
  if (!INT_RE.test(s)) throw new JavaError(`For input string: "${s}"`);
  const n = BigInt(s);
  if (n < LONG_MIN || n > LONG_MAX) throw new JavaError(`For input string: "${s}" (out of LONG range)`);
  return n;
}

const JAVA_DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?[fFdD]?$/;
const JAVA_HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;
const JAVA_SPECIAL_RE = /^([+-]?)(NaN|Infinity)$/;

type FloatFormat = 'double' | 'float';

/** Double.parseDouble / Float.parseFloat grammar (FloatingDecimal.readJavaFormatString), correctly rounded. */
function parseJavaFloating(input: string, fmt: FloatFormat): number {
  const s = javaTrim(input);
  const special = JAVA_SPECIAL_RE.exec(s);
  if (special) {
    if (special[2] === 'NaN') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const dec = JAVA_DEC_RE.exec(s);
  if (dec) {
    const intDigits = dec[2] ?? '';
    const fracDigits = dec[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) throw new JavaError(`For input string: "${input}"`);
    const neg = dec[1] === '-';
    // JS number parsing is correctly rounded to double.
    const d = Number(`${intDigits || '0'}.${fracDigits || '0'}e${dec[4] ?? '0'}`);
    let v = d;
    if (fmt === 'float') {
      v = Math.fround(d);
      if (v !== d && Number.isFinite(d) && isFloatMidpoint(d, v)) {
        // Only a double that lands exactly between two floats can round twice; settle it exactly.
        let exp = dec[4] === undefined ? 0 : Number(dec[4]);
        if (!Number.isFinite(exp) || Math.abs(exp) > 1e9) exp = Math.sign(exp) * 1e9;
        v = decimalToFloat32(BigInt((intDigits + fracDigits).replace(/^0+(?=\d)/, '')), exp - fracDigits.length);
      }
    }
    return neg ? -v : v;
  }
  const hex = JAVA_HEX_RE.exec(s);
  if (hex && (hex[2] ?? '').length + (hex[3] ?? '').length > 0) {
    const neg = hex[1] === '-';
    const frac = hex[3] ?? '';
    const mant = BigInt(`0x${(hex[2] ?? '') + frac || '0'}`);
    let p = Number(hex[4]);
    if (!Number.isFinite(p) || Math.abs(p) > 1e9) p = Math.sign(p) * 1e9;
    const v = binaryToFloating(mant, p - 4 * frac.length, fmt);
    return neg ? -v : v;
  }
  throw new JavaError(`For input string: "${input}"`);
}

/** Double.parseDouble: leading/trailing whitespace, NaN, [+-]Infinity, decimal, hex (0x1.8p1), f/F/d/D suffix. */
export function parseJavaDouble(s: string): number {
  return parseJavaFloating(s, 'double');
}

/** Float.parseFloat, correctly rounded to float32. */
export function parseJavaFloat(s: string): number {
  return parseJavaFloating(s, 'float');
}

const MID_F32 = new Float32Array(1);
const MID_U32 = new Uint32Array(MID_F32.buffer);

/** Is the double d (>= 0, finite) exactly halfway between the float f = fround(d) and its neighbour? */
function isFloatMidpoint(d: number, f: number): boolean {
  if (f === Infinity) return d === 2 ** 128 - 2 ** 103;
  MID_F32[0] = f;
  if (d > f) MID_U32[0] = MID_U32[0]! + 1;
  else if (f === 0) return false;
  else MID_U32[0] = MID_U32[0]! - 1;
  return (f + MID_F32[0]!) / 2 === d;
}

/** mant × 2^exp2 rounded half-even to a double or float. */
function binaryToFloating(mant: bigint, exp2: number, fmt: FloatFormat): number {
  if (mant === 0n) return 0;
  const mantBits = fmt === 'double' ? 53 : 24;
  const minLsb = fmt === 'double' ? -1074 : -149;
  const bl = mant.toString(2).length;
  const top = exp2 + bl - 1;
  if (top > (fmt === 'double' ? 1100 : 200)) return Infinity;
  const lsb = Math.max(top - (mantBits - 1), minLsb);
  let q: bigint;
  const shift = lsb - exp2;
  if (shift > 0) {
    if (shift > bl + 1) return 0;
    q = mant >> BigInt(shift);
    const rem = mant - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  } else {
    q = mant << BigInt(-shift);
  }
  const v = Number(q) * 2 ** lsb;
  return fmt === 'float' ? Math.fround(v) : v;
}

/** Java's (int) cast of a double: NaN → 0, saturating, truncating. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d) | 0;
}

/** Java's (long) cast of a double. */
export function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 2 ** 63) return LONG_MAX;
  if (d <= -(2 ** 63)) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

/** (float) of a long, correctly rounded (a detour through double could round twice). */
function longToFloat(v: bigint): number {
  return decimalToFloat32(v, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Java Float.toString / Double.toString (JDK 19+ algorithm, Pinot runs on JDK 25)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Java's layout of a decimal digits × 10^(exp - digits.length + 1): plain when 1e-3 <= |v| < 1e7 (at least one
 * fraction digit), otherwise computerized scientific notation "d.dddE±n".
 */
function javaLayout(digits: string, exp: number): string {
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits + '0'.repeat(exp + 1 - digits.length);
      const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
      return `${intPart}.${frac}`;
    }
    return `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exp}`;
}

interface Binary {
  m: bigint;
  e: number;
  mantBits: number;
  minExp: number;
}

/** Is c × 10^q inside the rounding interval of x = m × 2^e? */
function roundsTo(c: bigint, q: number, x: Binary): boolean {
  const inclusive = (x.m & 1n) === 0n;
  const powerOfTwo = x.m === 1n << BigInt(x.mantBits - 1) && x.e > x.minExp;
  // low boundary: x - ulp/2, or x - ulp/4 just above a power of two
  const lowCmp = powerOfTwo ? compareDecimalToBinary(c, q, 4n * x.m - 1n, x.e - 2) : compareDecimalToBinary(c, q, 2n * x.m - 1n, x.e - 1);
  const highCmp = compareDecimalToBinary(c, q, 2n * x.m + 1n, x.e - 1);
  return inclusive ? lowCmp >= 0 && highCmp <= 0 : lowCmp > 0 && highCmp < 0;
}

/** floor(log10(x)) for x = m × 2^e > 0. */
function floorLog10(x: Binary): number {
  let est = Math.floor(Math.log10(Number(x.m)) + x.e * Math.log10(2));
  while (compareDecimalToBinary(1n, est, x.m, x.e) > 0) est--;
  while (compareDecimalToBinary(1n, est + 1, x.m, x.e) <= 0) est++;
  return est;
}

function floorDiv10(x: Binary, q: number): bigint {
  let num = x.m;
  let den = 1n;
  if (x.e >= 0) num <<= BigInt(x.e);
  else den <<= BigInt(-x.e);
  if (q >= 0) den *= pow10(q);
  else num *= pow10(-q);
  return num / den;
}

/** The p-significant-digit decimals nearest x that round to x; the closest one (ties: even), or undefined. */
function bestAt(x: Binary, e10: number, p: number): { c: bigint; q: number } | undefined {
  const q = e10 - p + 1;
  const c0 = floorDiv10(x, q);
  const okLow = roundsTo(c0, q, x);
  const okHigh = roundsTo(c0 + 1n, q, x);
  if (!okLow && !okHigh) return undefined;
  if (okLow && !okHigh) return { c: c0, q };
  if (okHigh && !okLow) return { c: c0 + 1n, q };
  const cmp = compareDecimalToBinary(2n * c0 + 1n, q, x.m, x.e + 1); // midpoint vs x
  if (cmp > 0) return { c: c0, q };
  if (cmp < 0) return { c: c0 + 1n, q };
  return (c0 & 1n) === 0n ? { c: c0, q } : { c: c0 + 1n, q };
}

/**
 * Java's shortest decimal for a binary floating-point value (Double.toString / Float.toString since JDK 19): the
 * shortest decimals that round to x; among them the closest (ties to even digit); and when one digit suffices,
 * two-digit decimals compete too (so Double.MIN_VALUE prints 4.9E-324, not 5e-324).
 */
function shortestJava(x: Binary, onlyRefine?: { digits: string; exp: number }): { digits: string; exp: number } {
  const e10 = floorLog10(x);
  let found: { c: bigint; q: number } | undefined;
  if (onlyRefine) {
    found = bestAt(x, e10, 2);
  } else {
    let p = 1;
    for (; p <= 20 && !found; p++) found = bestAt(x, e10, p);
    if (p - 1 === 1) found = bestAt(x, e10, 2) ?? found;
  }
  if (!found) {
    if (onlyRefine) return onlyRefine;
    throw new Error('no shortest decimal found');
  }
  let digits = found.c.toString();
  let q = found.q;
  const stripped = digits.replace(/0+$/, '');
  q += digits.length - stripped.length;
  digits = stripped;
  return { digits, exp: q + digits.length - 1 };
}

/** Double.toString(d). */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const neg = d < 0;
  const x = Math.abs(d);
  // ECMAScript gives the shortest round-tripping digits, closest to x (V8 implements the spec's recommendation).
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  let digits = mant.replace('.', '');
  let exp = Number(expStr);
  if (digits.length === 1) {
    const [m, e] = decomposeDouble(x);
    ({ digits, exp } = shortestJava({ m, e, mantBits: 53, minExp: -1074 }, { digits, exp }));
  }
  return (neg ? '-' : '') + javaLayout(digits, exp);
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Float.toString(f) for a float32 value (a number already rounded with Math.fround). */
export function javaFloatToString(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  F32[0] = Math.abs(f);
  const bits = U32[0]!;
  const biased = bits >>> 23;
  const frac = bits & 0x7fffff;
  const x: Binary = biased === 0 ? { m: BigInt(frac), e: -149, mantBits: 24, minExp: -149 } : { m: BigInt(frac | 0x800000), e: biased - 150, mantBits: 24, minExp: -149 };
  const { digits, exp } = shortestJava(x);
  return (f < 0 ? '-' : '') + javaLayout(digits, exp);
}

// ---------------------------------------------------------------------------------------------------------------
// Timestamps (TimestampUtils, java.sql.Timestamp) — JVM default time zone taken as UTC
// ---------------------------------------------------------------------------------------------------------------

const DAY_MS = 86400000;
/** 1582-10-15, the first Gregorian day of java.util.GregorianCalendar, in days since the epoch. */
const GREGORIAN_CUTOVER_DAYS = -141427;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (day may overflow the month). */
function daysFromGregorian(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = floorDiv(yy, 400);
  const yoe = yy - era * 400;
  const doy = floorDiv(153 * (m > 2 ? m - 3 : m + 9) + 2, 5) + d - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days since 1970-01-01 of a Julian calendar date. */
function daysFromJulian(y: number, m: number, d: number): number {
  const a = floorDiv(14 - m, 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  const jdn = d + floorDiv(153 * mm + 2, 5) + 365 * yy + floorDiv(yy, 4) - 32083;
  return jdn - 2440588;
}

function gregorianFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = floorDiv(zz, 146097);
  const doe = zz - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const d = doy - floorDiv(153 * mp + 2, 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function julianFromDays(z: number): [number, number, number] {
  const c = z + 2440588 + 32082;
  const d = floorDiv(4 * c + 3, 1461);
  const e = c - floorDiv(1461 * d, 4);
  const m = floorDiv(5 * e + 2, 153);
  const day = e - floorDiv(153 * m + 2, 5) + 1;
  const month = m + 3 - 12 * floorDiv(m, 10);
  return [d - 4800 + floorDiv(m, 10), month, day];
}

/** java.util.Date's calendar: Julian before 1582-10-15, Gregorian after (fields as written, day may overflow). */
function daysFromJavaDate(y: number, m: number, d: number): number {
  const julian = y < 1582 || (y === 1582 && (m < 10 || (m === 10 && d < 15)));
  return julian ? daysFromJulian(y, m, 1) + d - 1 : daysFromGregorian(y, m, 1) + d - 1;
}

/** Integer.parseInt(CharSequence, begin, end, 10). */
function parseIntRange(s: string, begin: number, end: number): number | undefined {
  const t = s.slice(begin, end);
  if (!INT_RE.test(t)) return undefined;
  const n = Number(t);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/**
 * java.sql.Timestamp.valueOf(String) in UTC: `yyyy-[m]m-[d]d hh:mm:ss[.f...]`, lenient about hour/minute/second
 * overflow (java.util.Date fields), Julian calendar before 1582-10-15. Returns millis or undefined.
 */
export function timestampValueOf(input: string): number | undefined {
  const s = javaTrim(input);
  const sp = s.indexOf(' ');
  if (sp < 0) return undefined;
  const date = s.slice(0, sp);
  const time = s.slice(sp + 1);
  const firstDash = date.indexOf('-');
  const secondDash = date.indexOf('-', firstDash + 1);
  const firstColon = time.indexOf(':');
  const secondColon = time.indexOf(':', firstColon + 1);
  const period = time.indexOf('.', secondColon + 1);
  if (!(firstDash > 0 && secondDash > 0 && secondDash < date.length - 1)) return undefined;
  if (!(firstDash === 4 && secondDash - firstDash > 1 && secondDash - firstDash <= 3 && date.length - secondDash > 1 && date.length - secondDash <= 3)) return undefined;
  const year = parseIntRange(date, 0, firstDash);
  const month = parseIntRange(date, firstDash + 1, secondDash);
  const day = parseIntRange(date, secondDash + 1, date.length);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31)) return undefined;
  const len = time.length;
  if (!(firstColon > 0 && secondColon > 0 && secondColon < len - 1)) return undefined;
  const hour = parseIntRange(time, 0, firstColon);
  const minute = parseIntRange(time, firstColon + 1, secondColon);
  let second: number | undefined;
  let nanos = 0;
  if (period > 0 && period < len - 1) {
    second = parseIntRange(time, secondColon + 1, period);
    const precision = len - (period + 1);
    if (precision > 9) return undefined;
    if (!/\d/.test(time[period + 1]!)) return undefined;
    const n = parseIntRange(time, period + 1, len);
    if (n === undefined) return undefined;
    nanos = n * 10 ** (9 - precision);
  } else if (period > 0) {
    return undefined;
  } else {
    second = parseIntRange(time, secondColon + 1, len);
  }
  if (hour === undefined || minute === undefined || second === undefined) return undefined;
  const totalSec = hour * 3600 + minute * 60 + second;
  const carry = floorDiv(totalSec, 86400);
  const secOfDay = totalSec - carry * 86400;
  const days = daysFromJavaDate(year, month, day + carry);
  return (days * 86400 + secOfDay) * 1000 + Math.floor(nanos / 1e6);
}

const UNIVERSAL_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?)?(?: (\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * TimestampUtils' UNIVERSAL_DATE_TIME_FORMATTER (java.time, ResolverStyle.SMART): yyyy-MM-dd, optional
 * 'T'HH:mm[:ss][.f{1,9}], optional ' 'HH:mm[:ss][.f{1,9}], optional offset (Z or ±HH:MM). Missing time is 00:00:00,
 * a missing offset means the JVM zone (UTC here). Returns millis or undefined.
 */
export function parseUniversalDateTime(s: string): number | undefined {
  const m = UNIVERSAL_RE.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  // Both time sections may be present; the same field parsed twice must agree.
  const pick = (a: string | undefined, b: string | undefined): number | undefined | null => {
    if (a !== undefined && b !== undefined) return a === b ? Number(a) : null;
    return a !== undefined ? Number(a) : b !== undefined ? Number(b) : undefined;
  };
  const hour = pick(m[4], m[8]);
  const minute = pick(m[5], m[9]);
  const second = pick(m[6], m[10]);
  const fracA = m[7] === undefined ? undefined : m[7].padEnd(9, '0');
  const fracB = m[11] === undefined ? undefined : m[11].padEnd(9, '0');
  const nano = pick(fracA, fracB);
  if (hour === null || minute === null || second === null || nano === null) return undefined;
  let h = hour ?? 0;
  const mi = minute ?? 0;
  const sec = second ?? 0;
  const ns = nano ?? 0;
  let extraDays = 0;
  if (h === 24 && mi === 0 && sec === 0 && ns === 0) {
    h = 0;
    extraDays = 1;
  } else if (h > 23) return undefined;
  if (mi > 59 || sec > 59) return undefined;
  const monthLength = month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
  if (day > monthLength) day = monthLength; // SMART: day-of-month clamped to the month
  let offsetSec = 0;
  const off = m[12];
  if (off !== undefined && off !== 'Z') {
    const oh = Number(off.slice(1, 3));
    const om = Number(off.slice(4, 6));
    if (oh > 18 || om > 59 || (oh === 18 && om !== 0)) return undefined;
    offsetSec = (off[0] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const days = daysFromGregorian(year, month, day) + extraDays;
  return (days * 86400 + h * 3600 + mi * 60 + sec - offsetSec) * 1000 + Math.floor(ns / 1e6);
}

/**
 * TimestampUtils.toMillisSinceEpoch(String) / toTimestamp(String).getTime(): Timestamp.valueOf, then Long.parseLong,
 * then the universal ISO-8601 formatter with an offset, then without (JVM zone = UTC).
 */
export function timestampStringToMillis(s: string): bigint {
  const v = timestampValueOf(s);
  if (v !== undefined) return BigInt(v);
  if (INT_RE.test(s)) {
    const n = BigInt(s);
    if (n >= LONG_MIN && n <= LONG_MAX) return n;
  }
  const u = parseUniversalDateTime(s);
  if (u !== undefined) return BigInt(u);
  throw new JavaError(`Invalid timestamp: '${s}'`);
}

/** java.sql.Timestamp.toString() in UTC: `yyyy-mm-dd hh:mm:ss.f` (fraction trimmed, at least one digit). */
export function javaTimestampToString(millis: bigint): string {
  const ms = Number(millis);
  const days = floorDiv(ms, DAY_MS);
  const msOfDay = ms - days * DAY_MS;
  const [y, mo, d] = days < GREGORIAN_CUTOVER_DAYS ? julianFromDays(days) : gregorianFromDays(days);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const hh = Math.floor(msOfDay / 3600000);
  const mi = Math.floor((msOfDay % 3600000) / 60000);
  const ss = Math.floor((msOfDay % 60000) / 1000);
  const nanos = (msOfDay % 1000) * 1e6;
  const frac = nanos === 0 ? '0' : String(nanos).padStart(9, '0').replace(/0+$/, '');
  const year = y >= 0 && y < 1000 ? String(y).padStart(4, '0') : String(y);
  return `${year}-${p2(mo)}-${p2(d)} ${p2(hh)}:${p2(mi)}:${p2(ss)}.${frac}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Booleans, bytes
// ---------------------------------------------------------------------------------------------------------------

/** BooleanUtils.toBoolean(String): "true" (any case) or "1". */
export function javaStringToBoolean(s: string): boolean {
  return s.toLowerCase() === 'true' || s === '1';
}

/** BytesUtils.toBytes: commons-codec Hex.decodeHex (either case; ASCII hex digits). */
export function hexToBytes(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new JavaError(`Value: ${s} is not Hex encoded (Odd number of characters.)`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < s.length; i += 2) {
    const hi = hexDigit(s.charCodeAt(i));
    const lo = hexDigit(s.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? i : i + 1;
      throw new JavaError(`Value: ${s} is not Hex encoded (Illegal hexadecimal character ${s[at]} at index ${at})`);
    }
    out[i / 2] = (hi << 4) | lo;
  }
  return out;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** BytesUtils.toHexString: lower-case hex. */
export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Java HashMap iteration order (JSONRecordExtractor builds Maps.newHashMapWithExpectedSize(size))
// ---------------------------------------------------------------------------------------------------------------

/** String.hashCode over UTF-16 units. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a java.util.HashMap created with Guava's Maps.newHashMapWithExpectedSize(keys.length) and
 * filled in the given order: buckets by (h ^ h >>> 16) & (table - 1), insertion order within a bucket (bins are
 * never treeified at these sizes in practice).
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const n = keys.length;
  if (n <= 1) return [...keys];
  const capacity = n < 3 ? n + 1 : Math.ceil(n / 0.75);
  let table = 1;
  while (table < capacity) table *= 2;
  const buckets = new Map<number, string[]>();
  for (const k of keys) {
    const h = javaStringHashCode(k);
    const idx = (h ^ (h >>> 16)) & (table - 1);
    let b = buckets.get(idx);
    if (!b) buckets.set(idx, (b = []));
    b.push(k);
  }
  return [...buckets.keys()].sort((a, b) => a - b).flatMap((i) => buckets.get(i)!);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON as Pinot writes it (Jackson 2.x defaults)
// ---------------------------------------------------------------------------------------------------------------

/** Jackson's string escaping: \" \\ \b \t \n \f \r, other controls as \u00XX (upper-case hex), the rest raw. */
export function jacksonQuote(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${s.replace(/["\\\u0000-\u001f]/g, (c) => {
    switch (c) {
      case '"':
        return '\\"';
      case '\\':
        return '\\\\';
      case '\b':
        return '\\b';
      case '\t':
        return '\\t';
      case '\n':
        return '\\n';
      case '\f':
        return '\\f';
      case '\r':
        return '\\r';
      default:
        return `\\u00${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    }
  })}"`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v) || v instanceof Uint8Array || v instanceof Date || isBigDecimal(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Jackson serialization of a JS value standing for a Java object graph. `sortMaps`: MapUtils' writer
 * (ORDER_MAP_ENTRIES_BY_KEYS, String.compareTo order); otherwise JsonUtils' default writer, where a JSON-reader Map is
 * a HashMap and iterates in hash order.
 */
function jacksonWrite(v: unknown, sortMaps: boolean, depth = 0): string {
  if (depth > 1000) throw new JavaError('JSON nesting is deeper than 1000 levels');
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'string':
      return jacksonQuote(v);
    case 'number': {
      if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) return BigInt(v).toString();
      // Jackson quotes non-finite doubles (QUOTE_NON_NUMERIC_NUMBERS is on by default).
      if (!Number.isFinite(v)) return `"${javaDoubleToString(v)}"`;
      return javaDoubleToString(v);
    }
    default:
      break;
  }
  if (v instanceof Uint8Array) return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
  if (v instanceof Date) return String(dateMillis(v));
  if (isBigDecimal(v)) return bigDecimalToString(v);
  if (Array.isArray(v)) return `[${v.map((e) => jacksonWrite(e, sortMaps, depth + 1)).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    const ordered = sortMaps ? [...keys].sort(javaStringCompare) : javaHashMapOrder(keys);
    return `{${ordered.map((k) => `${jacksonQuote(k)}:${jacksonWrite(v[k], sortMaps, depth + 1)}`).join(',')}}`;
  }
  throw new JavaError(`Unable to convert ${Object.prototype.toString.call(v)} to JSON`);
}

class JsonSyntax extends Error {}

const JSON_NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Roughly Character.isJavaIdentifierPart (for chars >= '0'), as Jackson checks after true/false/null. */
const JAVA_IDENT_PART = /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Sc}\u007f-\u009f]/u;

/**
 * JsonUtils.stringToJsonNodeWithBigDecimal(s).toString(): Jackson's tree model re-serialized compactly. Floats
 * become BigDecimals with trailing zeros stripped and are printed with BigDecimal.toString ("100.0" → "1E+2");
 * integers print canonically ("-0" → "0"); duplicate keys keep their first position and last value. Like
 * ObjectReader.readTree, only the first root value is read (trailing content is ignored), and empty input gives
 * MissingNode (""). Returns undefined where Jackson throws JsonParseException.
 */
export function canonicalizeJsonText(s: string): string | undefined {
  let i = 0;
  const n = s.length;
  const ws = (): void => {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (isJsonSpace(c)) i++;
      else if (c < 0x20) throw new JsonSyntax('illegal control character');
      else break;
    }
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) throw new JsonSyntax('unterminated string');
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) throw new JsonSyntax('unescaped control character');
      if (c === 0x5c) {
        out += s.slice(start, i);
        const e = s[i + 1];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            i += 2;
            break;
          case 'b':
            out += '\b';
            i += 2;
            break;
          case 'f':
            out += '\f';
            i += 2;
            break;
          case 'n':
            out += '\n';
            i += 2;
            break;
          case 'r':
            out += '\r';
            i += 2;
            break;
          case 't':
            out += '\t';
            i += 2;
            break;
          case 'u': {
            const h = s.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) throw new JsonSyntax('bad unicode escape');
            out += String.fromCharCode(parseInt(h, 16));
            i += 6;
            break;
          }
          default:
            throw new JsonSyntax('bad escape');
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  const value = (depth: number, root: boolean): string => {
    if (depth > 1000) throw new JavaError('JSON nesting is deeper than 1000 levels');
    if (i >= n) throw new JsonSyntax('unexpected end');
    const c = s[i]!;
    if (c === '{') {
      i++;
      ws();
      const entries = new Map<string, string>();
      if (s[i] === '}') {
        i++;
        return '{}';
      }
      for (;;) {
        if (s[i] !== '"') throw new JsonSyntax('expected a field name');
        const k = str();
        ws();
        if (s[i] !== ':') throw new JsonSyntax("expected ':'");
        i++;
        ws();
        entries.set(k, value(depth + 1, false));
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          continue;
        }
        if (s[i] === '}') {
          i++;
          break;
        }
        throw new JsonSyntax("expected ',' or '}'");
      }
      return `{${[...entries].map(([k, v]) => `${jacksonQuote(k)}:${v}`).join(',')}}`;
    }
    if (c === '[') {
      i++;
      ws();
      const items: string[] = [];
      if (s[i] === ']') {
        i++;
        return '[]';
      }
      for (;;) {
        items.push(value(depth + 1, false));
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          continue;
        }
        if (s[i] === ']') {
          i++;
          break;
        }
        throw new JsonSyntax("expected ',' or ']'");
      }
      return `[${items.join(',')}]`;
    }
    if (c === '"') return jacksonQuote(str());
    if (c === '-' || (c >= '0' && c <= '9')) {
      JSON_NUMBER_RE.lastIndex = i;
      const m = JSON_NUMBER_RE.exec(s);
      if (!m) throw new JsonSyntax('bad number');
      const text = m[0];
      i += text.length;
      const next = i < n ? s.charCodeAt(i) : -1;
      // leading zeros, "1.", "1e": Jackson reports them; a root-level number must be followed by white space.
      if (next >= 0x30 && next <= 0x39) throw new JsonSyntax('leading zeros');
      if (next === 0x2e || next === 0x65 || next === 0x45) throw new JsonSyntax('incomplete number');
      if (root && next !== -1 && !isJsonSpace(next)) throw new JsonSyntax('expected space separating root-level values');
      if (text.length > 1000) throw new JavaError('Number value length exceeds the maximum allowed (1000)');
      if (/^-?\d+$/.test(text)) return BigInt(text).toString();
      try {
        return bigDecimalToString(stripTrailingZeros(parseBigDecimal(text)));
      } catch {
        throw new JsonSyntax('bad number');
      }
    }
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        if (i < n) {
          const ch = s[i]!;
          if (ch >= '0' && ch !== ']' && ch !== '}' && JAVA_IDENT_PART.test(ch)) throw new JsonSyntax('unrecognized token');
        }
        return lit;
      }
    }
    throw new JsonSyntax('unexpected character');
  };
  try {
    ws();
    if (i >= n) return '';
    return value(0, true);
  } catch (e) {
    if (e instanceof JsonSyntax) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Source values (the Java type a record reader would have produced)
// ---------------------------------------------------------------------------------------------------------------

type Src = 'INT' | 'LONG' | 'DOUBLE' | 'BIG_DECIMAL' | 'BOOLEAN' | 'TIMESTAMP' | 'STRING' | 'BYTES' | 'MAP';

interface J {
  t: Src;
  v: unknown;
}

function dateMillis(d: Date): number {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new JavaError('Invalid Date');
  return t;
}

function classify(v: unknown): J {
  switch (typeof v) {
    case 'boolean':
      return { t: 'BOOLEAN', v };
    case 'number':
      if (Number.isInteger(v)) {
        if (v >= -2147483648 && v <= 2147483647) return { t: 'INT', v: v === 0 ? 0 : v };
        if (v >= -(2 ** 63) && v < 2 ** 63) return { t: 'LONG', v: BigInt(v) };
      }
      return { t: 'DOUBLE', v };
    case 'bigint':
      if (v >= LONG_MIN && v <= LONG_MAX) return { t: 'LONG', v };
      return { t: 'BIG_DECIMAL', v: bigDecimal(v, 0) };
    case 'string':
      return { t: 'STRING', v };
    default:
      break;
  }
  if (v instanceof Uint8Array) return { t: 'BYTES', v };
  if (v instanceof Date) return { t: 'TIMESTAMP', v: BigInt(dateMillis(v)) };
  if (isBigDecimal(v)) return { t: 'BIG_DECIMAL', v };
  if (isPlainObject(v)) return { t: 'MAP', v };
  throw new JavaError(`unsupported value type ${Object.prototype.toString.call(v)}`);
}

function unsupported(from: Src, to: string): never {
  throw new JavaError(`Cannot convert value from ${from} to ${to}`);
}

function toIntJ(j: J): number {
  switch (j.t) {
    case 'INT':
      return j.v as number;
    case 'LONG':
      return Number(BigInt.asIntN(32, j.v as bigint));
    case 'DOUBLE':
      return doubleToInt(j.v as number);
    case 'BIG_DECIMAL':
      return bigDecimalIntValue(j.v as BigDecimal);
    case 'BOOLEAN':
      return j.v ? 1 : 0;
    case 'STRING':
      return parseJavaInt(javaTrim(j.v as string));
    default:
      return unsupported(j.t, 'INT');
  }
}

function toLongJ(j: J): bigint {
  switch (j.t) {
    case 'INT':
      return BigInt(j.v as number);
    case 'LONG':
    case 'TIMESTAMP':
      return j.v as bigint;
    case 'DOUBLE':
      return doubleToLong(j.v as number);
    case 'BIG_DECIMAL':
      return bigDecimalLongValue(j.v as BigDecimal);
    case 'BOOLEAN':
      return j.v ? 1n : 0n;
    case 'STRING':
      return parseJavaLong(javaTrim(j.v as string));
    default:
      return unsupported(j.t, 'LONG');
  }
}

function toFloatJ(j: J): number {
  switch (j.t) {
    case 'INT':
    case 'DOUBLE':
      return Math.fround(j.v as number);
    case 'LONG':
      return longToFloat(j.v as bigint);
    case 'BIG_DECIMAL':
      return bigDecimalFloatValue(j.v as BigDecimal);
    case 'BOOLEAN':
      return j.v ? 1 : 0;
    case 'STRING':
      return parseJavaFloat(j.v as string);
    default:
      return unsupported(j.t, 'FLOAT');
  }
}

function toDoubleJ(j: J): number {
  switch (j.t) {
    case 'INT':
    case 'DOUBLE':
      return j.v as number;
    case 'LONG':
    case 'TIMESTAMP':
      return Number(j.v as bigint);
    case 'BIG_DECIMAL':
      return bigDecimalDoubleValue(j.v as BigDecimal);
    case 'BOOLEAN':
      return j.v ? 1 : 0;
    case 'STRING':
      return parseJavaDouble(j.v as string);
    default:
      return unsupported(j.t, 'DOUBLE');
  }
}

function toBigDecimalJ(j: J): BigDecimal {
  switch (j.t) {
    case 'INT':
      return bigDecimal(BigInt(j.v as number), 0);
    case 'LONG':
    case 'TIMESTAMP':
      return bigDecimal(j.v as bigint, 0);
    case 'DOUBLE': {
      // new BigDecimal(Double.toString(d)); NaN / Infinity are rejected there.
      const d = j.v as number;
      if (!Number.isFinite(d)) throw new JavaError(`Character ${javaDoubleToString(d)} is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`);
      return parseBigDecimal(javaDoubleToString(d));
    }
    case 'BIG_DECIMAL':
      return j.v as BigDecimal;
    case 'BOOLEAN':
      return j.v ? BIG_DECIMAL_ONE : BIG_DECIMAL_ZERO;
    case 'STRING':
      return parseBigDecimal(javaTrim(j.v as string));
    case 'BYTES':
      return deserializeBigDecimal(j.v as Uint8Array);
    default:
      return unsupported(j.t, 'BIG_DECIMAL');
  }
}

function toBooleanJ(j: J): boolean {
  switch (j.t) {
    case 'INT':
    case 'DOUBLE':
      return (j.v as number) !== 0;
    case 'LONG':
      return (j.v as bigint) !== 0n;
    case 'BIG_DECIMAL':
      // !value.equals(BigDecimal.ZERO): scale-sensitive, so 0.0 is true.
      return !bigDecimalEquals(j.v as BigDecimal, BIG_DECIMAL_ZERO);
    case 'BOOLEAN':
      return j.v as boolean;
    case 'STRING':
      return javaStringToBoolean(javaTrim(j.v as string));
    default:
      return unsupported(j.t, 'BOOLEAN');
  }
}

function toTimestampJ(j: J): bigint {
  switch (j.t) {
    // Pinot's JSON reader would hand an Integer here and PinotDataType.INT.toTimestamp throws; Avro longs of the
    // same magnitude work. JS cannot tell them apart, so small integral numbers are accepted as Longs.
    case 'INT':
      return BigInt(j.v as number);
    case 'LONG':
    case 'TIMESTAMP':
      return j.v as bigint;
    case 'DOUBLE':
      return doubleToLong(j.v as number);
    case 'BIG_DECIMAL':
      return bigDecimalLongValue(j.v as BigDecimal);
    case 'STRING':
      return timestampStringToMillis(javaTrim(j.v as string));
    default:
      return unsupported(j.t, 'TIMESTAMP');
  }
}

/** Java's Object.toString() of the source object (what PinotDataType.STRING's methods call on foreign elements). */
function javaObjectToString(j: J): string {
  switch (j.t) {
    case 'INT':
      return String(j.v);
    case 'LONG':
      return (j.v as bigint).toString();
    case 'DOUBLE':
      return javaDoubleToString(j.v as number);
    case 'BIG_DECIMAL':
      return bigDecimalToString(j.v as BigDecimal);
    case 'BOOLEAN':
      return j.v ? 'true' : 'false';
    case 'TIMESTAMP':
      return javaTimestampToString(j.v as bigint);
    case 'STRING':
      return j.v as string;
    default:
      throw new JavaError(`a ${j.t} value has no usable Java toString()`);
  }
}

function toStringJ(j: J): string {
  switch (j.t) {
    case 'BIG_DECIMAL':
      return bigDecimalToPlainString(j.v as BigDecimal);
    case 'BYTES':
      return bytesToHex(j.v as Uint8Array);
    case 'MAP':
      return jacksonWrite(j.v, true);
    default:
      return javaObjectToString(j);
  }
}

function toBytesJ(j: J): Uint8Array {
  switch (j.t) {
    case 'STRING':
      return hexToBytes(javaTrim(j.v as string));
    case 'BIG_DECIMAL':
      return serializeBigDecimal(j.v as BigDecimal);
    case 'BYTES':
      return j.v as Uint8Array;
    default:
      return unsupported(j.t, 'BYTES');
  }
}

/** PinotDataType.toJson: strings are parsed as JSON when they are JSON, else quoted; objects serialized by Jackson. */
function toJsonValue(raw: unknown): string {
  if (typeof raw === 'string') {
    const canonical = canonicalizeJsonText(raw);
    return canonical !== undefined ? canonical : jacksonQuote(raw);
  }
  // A Map source goes through MapUtils.toString (keys sorted); Object[] and scalars through JsonUtils' default writer.
  return jacksonWrite(raw, isPlainObject(raw));
}

/** PinotDataType single-value conversion to the column's data type, then toInternal(). */
function convertSingle(dataType: DataType, j: J): StoredValue {
  switch (dataType) {
    case 'INT':
      return toIntJ(j);
    case 'LONG':
      return toLongJ(j);
    case 'FLOAT':
      return toFloatJ(j);
    case 'DOUBLE':
      return toDoubleJ(j);
    case 'BIG_DECIMAL':
      return toBigDecimalJ(j);
    case 'BOOLEAN':
      return toBooleanJ(j) ? 1 : 0;
    case 'TIMESTAMP':
      return toTimestampJ(j);
    case 'STRING':
      return toStringJ(j);
    case 'BYTES':
      return toBytesJ(j);
    case 'JSON':
      return toJsonValue(j.v);
  }
}

function classCast(elem: J, first: Src): never {
  throw new JavaError(`mixed element types in one array (${elem.t} after ${first}): Pinot fails with a ClassCastException`);
}

/**
 * One element of a multi-value array. Pinot picks the array's PinotDataType from its first element and applies that
 * type's toX() to every element: numeric targets fall back to each element's own type on a ClassCastException,
 * STRING-typed arrays go through the element's toString(), other mixes fail.
 */
function convertElement(dataType: DataType, first: Src, e: J): StoredValue {
  if (e.t === first) return convertSingle(dataType, e);
  const viaString = (): J => ({ t: 'STRING', v: javaObjectToString(e) });
  switch (dataType) {
    case 'INT':
    case 'LONG':
    case 'FLOAT':
    case 'DOUBLE':
      if (first === 'STRING') return convertSingle(dataType, viaString());
      if (first === 'TIMESTAMP') return dataType === 'INT' || dataType === 'FLOAT' ? unsupported('TIMESTAMP', dataType) : classCast(e, first);
      if (first === 'BYTES') return unsupported('BYTES', dataType);
      return convertSingle(dataType, e);
    case 'BOOLEAN':
      if (first === 'STRING') return convertSingle(dataType, viaString());
      if (first === 'BIG_DECIMAL') return 1; // !element.equals(BigDecimal.ZERO)
      if (first === 'TIMESTAMP' || first === 'BYTES') return unsupported(first, 'BOOLEAN');
      return classCast(e, first);
    case 'TIMESTAMP':
      if (first === 'STRING') return convertSingle(dataType, viaString());
      if (first === 'BIG_DECIMAL' && (e.t === 'INT' || e.t === 'LONG' || e.t === 'DOUBLE')) return convertSingle(dataType, e);
      if (first === 'INT' || first === 'BOOLEAN' || first === 'BYTES') return unsupported(first, 'TIMESTAMP');
      return classCast(e, first);
    case 'BIG_DECIMAL':
      if (first === 'STRING') return convertSingle(dataType, { t: 'STRING', v: javaTrim(javaObjectToString(e)) });
      if (first === 'DOUBLE') return parseBigDecimal(javaObjectToString(e));
      return classCast(e, first);
    case 'STRING':
      if (first === 'BIG_DECIMAL' || first === 'BYTES') return classCast(e, first);
      return javaObjectToString(e);
    case 'BYTES':
      if (first === 'STRING') return hexToBytes(javaTrim(javaObjectToString(e)));
      if (first === 'BIG_DECIMAL' || first === 'BYTES') return classCast(e, first);
      return unsupported(first, 'BYTES');
    case 'JSON':
      return toJsonValue(e.v);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DataTypeTransformerUtils.standardize
// ---------------------------------------------------------------------------------------------------------------

class StandardizeError extends Error {}

/**
 * Empty arrays / objects → null; one entry → that entry (standardized); several → an array of the standardized,
 * non-null entries (which must be single values) — an error for a single-value column. Object values are taken in
 * Java HashMap order (keys ignored).
 */
function standardize(value: unknown, singleValue: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return standardizeList(value, singleValue);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    return standardizeList(javaHashMapOrder(keys).map((k) => value[k]), singleValue);
  }
  return value;
}

function standardizeList(values: unknown[], singleValue: boolean): unknown {
  if (values.length === 0) return null;
  if (values.length === 1) return standardize(values[0], singleValue);
  const out: unknown[] = [];
  for (const v of values) {
    const s = standardize(v, true);
    if (s !== null) out.push(s);
  }
  if (out.length === 0) return null;
  if (out.length === 1) return out[0];
  if (singleValue) throw new StandardizeError(`${out.length} values for a single-value column (Pinot: Cannot read single-value from Object[])`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// SpecialValueTransformer, SanitizationTransformer
// ---------------------------------------------------------------------------------------------------------------

function special(field: FieldSpec, v: StoredValue): StoredValue | null {
  switch (field.dataType) {
    case 'FLOAT':
    case 'DOUBLE':
      if (Number.isNaN(v as number)) return null;
      return Object.is(v, -0) ? 0 : v;
    case 'BIG_DECIMAL':
      return field.allowTrailingZeros ? v : stripTrailingZeros(v as BigDecimal);
    default:
      return v;
  }
}

function sanitizeOne(field: FieldSpec, v: StoredValue, raw: unknown): StoredValue {
  const max = field.effectiveMaxLength;
  const strategy = field.effectiveMaxLengthExceedStrategy;
  if (v instanceof Uint8Array) {
    if (v.length <= max) return v;
    switch (strategy) {
      case 'TRIM_LENGTH':
        return v.slice(0, max);
      case 'SUBSTITUTE_DEFAULT_VALUE':
        return field.defaultNullValue;
      case 'ERROR':
        throw new ConversionError(field.name, abbreviate(raw), typeLabel(field), `value of ${v.length} bytes exceeds the configured max length ${max}`);
      default:
        return v;
    }
  }
  const s = v as string;
  const nul = s.indexOf('\0');
  const sanitized = nul < 0 ? (s.length <= max ? s : s.slice(0, max)) : s.slice(0, Math.min(nul, max));
  if (sanitized === s) return s;
  switch (strategy) {
    case 'TRIM_LENGTH':
      return sanitized;
    case 'SUBSTITUTE_DEFAULT_VALUE':
      return field.defaultNullValue;
    case 'ERROR':
      throw new ConversionError(
        field.name,
        abbreviate(raw),
        typeLabel(field),
        nul < 0 ? `value of ${s.length} characters exceeds the configured max length ${max}` : 'value contains a null character (\\0)',
      );
    default:
      // NO_ACTION: over-long values are kept; a null character still cuts the value (and applies maxLength).
      return nul < 0 ? s : sanitized;
  }
}

/**
 * SanitizationTransformer for one stored value (or array): STRING always; JSON / BYTES only with a strategy other
 * than NO_ACTION. Also useful for default null values, which Pinot sanitizes after substituting them.
 */
export function sanitizeStored(field: FieldSpec, v: StoredValue | StoredValue[], raw: unknown = v): StoredValue | StoredValue[] {
  const applies = field.dataType === 'STRING' || ((field.dataType === 'JSON' || field.dataType === 'BYTES') && field.effectiveMaxLengthExceedStrategy !== 'NO_ACTION');
  if (!applies) return v;
  return Array.isArray(v) ? v.map((x) => sanitizeOne(field, x, raw)) : sanitizeOne(field, v, raw);
}

// ---------------------------------------------------------------------------------------------------------------
// convertValue
// ---------------------------------------------------------------------------------------------------------------

function typeLabel(field: FieldSpec): string {
  return field.singleValue ? field.dataType : `${field.dataType} (multi-value)`;
}

/** A short rendering of an input value for error messages. */
export function abbreviate(v: unknown, max = 60): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (typeof v === 'bigint') s = `${v}n`;
  else if (v instanceof Uint8Array) s = `bytes[${v.length}] ${bytesToHex(v.subarray(0, 16))}${v.length > 16 ? '...' : ''}`;
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? 'Invalid Date' : `Date(${v.toISOString()})`;
  else if (isBigDecimal(v)) s = bigDecimalToString(v);
  else if (typeof v === 'number') s = Object.is(v, -0) ? '-0' : String(v);
  else {
    try {
      s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : isBigDecimal(x) ? bigDecimalToString(x) : x)) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/**
 * Converts one raw input value to the column's stored form, as Pinot's ingestion pipeline does (see the module doc).
 * Returns null for null/undefined, empty arrays/objects, NaN (FLOAT/DOUBLE), and multi-value arrays whose elements are
 * all null/NaN: the caller then stores the default null value and marks the null vector. SUBSTITUTE_DEFAULT_VALUE
 * sanitization returns the default value itself (not null: Pinot does not mark those as null).
 * Multi-value columns return a non-empty array; a scalar for a multi-value column becomes a one-element array.
 */
export function convertValue(field: FieldSpec, raw: unknown): StoredValue | StoredValue[] | null {
  if (raw === null || raw === undefined) return null;
  try {
    if (field.dataType === 'JSON') {
      // JSON columns are not standardized: arrays and objects are serialized whole ("[]" and "{}" included).
      return sanitizeStored(field, toJsonValue(raw), raw);
    }
    const std = standardize(raw, field.singleValue);
    if (std === null) return null;
    if (Array.isArray(std)) {
      const elems = std.map(classify);
      const first = elems[0]!.t;
      const out: StoredValue[] = [];
      for (const e of elems) {
        const v = special(field, convertElement(field.dataType, first, e));
        if (v !== null) out.push(v);
      }
      if (out.length === 0) return null;
      return sanitizeStored(field, out, raw);
    }
    const v = special(field, convertSingle(field.dataType, classify(std)));
    if (v === null) return null;
    const sanitized = sanitizeStored(field, v, raw) as StoredValue;
    return field.singleValue ? sanitized : [sanitized];
  } catch (e) {
    if (e instanceof ConversionError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new ConversionError(field.name, abbreviate(raw), typeLabel(field), reason);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DataType.convert(String), DataType.toString(value), ordering, metadata formatting
// ---------------------------------------------------------------------------------------------------------------

/**
 * FieldSpec.DataType.convert(String) — how Pinot parses a defaultNullValue: Integer.valueOf / Long.valueOf /
 * Float.valueOf / Double.valueOf / new BigDecimal (none of them trim, except the floating-point ones),
 * BooleanUtils.toInt ("true" in any case or "1" → 1, anything else → 0), TimestampUtils.toMillisSinceEpoch,
 * BytesUtils.toBytes (hex). Throws an Error on invalid input.
 */
export function convertDataTypeString(dataType: DataType, s: string): StoredValue {
  switch (dataType) {
    case 'INT':
      return parseJavaInt(s);
    case 'LONG':
      return parseJavaLong(s);
    case 'FLOAT':
      return parseJavaFloat(s);
    case 'DOUBLE':
      return parseJavaDouble(s);
    case 'BIG_DECIMAL':
      return parseBigDecimal(s);
    case 'BOOLEAN':
      return javaStringToBoolean(s) ? 1 : 0;
    case 'TIMESTAMP':
      return timestampStringToMillis(s);
    case 'STRING':
    case 'JSON':
      return s;
    case 'BYTES':
      return hexToBytes(s);
  }
}

/** FieldSpec.DataType.toString(value) (getDefaultNullValueString): like formatStored, but BIG_DECIMAL is plain. */
export function dataTypeToString(dataType: DataType, v: StoredValue): string {
  if (dataType === 'BIG_DECIMAL') return bigDecimalToPlainString(v as BigDecimal);
  return formatStored(dataType, v);
}

export function isNaNValue(v: StoredValue): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

/**
 * Java ordering of stored values (dictionary order, min/max): Integer/Long compare, Float/Double.compare (-0.0 < 0.0,
 * NaN last), BigDecimal.compareTo, String.compareTo (UTF-16 units), ByteArray.compare (unsigned bytes, then length).
 */
export function compareStored(storedType: StoredType, a: StoredValue, b: StoredValue): number {
  switch (storedType) {
    case 'INT':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 'LONG':
      return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case 'FLOAT':
    case 'DOUBLE':
      return javaFloatCompare(a as number, b as number);
    case 'BIG_DECIMAL':
      return compareBigDecimal(a as BigDecimal, b as BigDecimal);
    case 'STRING':
      return javaStringCompare(a as string, b as string);
    case 'BYTES':
      return Math.sign(byteArrayCompare(a as Uint8Array, b as Uint8Array));
  }
}

/**
 * The Java toString() of a stored value as Pinot writes column min/max values to metadata
 * (BaseSegmentCreator.addColumnMinMaxValueInfo calls minValue.toString()): Integer / Long, Float.toString,
 * Double.toString, BigDecimal.toString() (scientific notation when Java uses it, e.g. "1E+2"), the string itself,
 * BYTES as lower-case hex (ByteArray.toString). The caller still applies Pinot's property escaping for strings.
 */
export function formatStored(dataType: DataType, v: StoredValue): string {
  switch (dataType) {
    case 'INT':
    case 'BOOLEAN':
      return String(v as number);
    case 'LONG':
    case 'TIMESTAMP':
      return (v as bigint).toString();
    case 'FLOAT':
      return javaFloatToString(v as number);
    case 'DOUBLE':
      return javaDoubleToString(v as number);
    case 'BIG_DECIMAL':
      return bigDecimalToString(v as BigDecimal);
    case 'STRING':
    case 'JSON':
      return v as string;
    case 'BYTES':
      return bytesToHex(v as Uint8Array);
  }
}
