/**
 * A minimal, exact java.math.BigDecimal: an unscaled bigint and a 32-bit scale (value = unscaled × 10^-scale).
 *
 * Covers what segment creation needs: Java's BigDecimal(String) grammar, compareTo / equals, stripTrailingZeros,
 * toString / toPlainString (Java's layouts), intValue / longValue / doubleValue / floatValue, and Pinot's
 * BigDecimalUtils.serialize / deserialize byte format (pinot-spi/src/main/java/org/apache/pinot/spi/utils/
 * BigDecimalUtils.java).
 */

export interface BigDecimal {
  readonly unscaled: bigint;
  /** Java int: value = unscaled × 10^-scale. */
  readonly scale: number;
}

/** Raised where Java would throw NumberFormatException / ArithmeticException. */
export class BigDecimalFormatError extends Error {
  override readonly name = 'BigDecimalFormatError';
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export function bigDecimal(unscaled: bigint, scale = 0): BigDecimal {
  if (!Number.isInteger(scale) || scale < INT_MIN || scale > INT_MAX) throw new BigDecimalFormatError(`Scale out of range: ${scale}`);
  return Object.freeze({ unscaled, scale });
}

export const BIG_DECIMAL_ZERO: BigDecimal = bigDecimal(0n, 0);
export const BIG_DECIMAL_ONE: BigDecimal = bigDecimal(1n, 0);

export function isBigDecimal(v: unknown): v is BigDecimal {
  return typeof v === 'object' && v !== null && typeof (v as BigDecimal).unscaled === 'bigint' && typeof (v as BigDecimal).scale === 'number';
}

const BIG_DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * `new BigDecimal(String)`: optional sign, digits with at most one '.', at least one digit, optional exponent
 * (e/E, optional sign, digits). No whitespace. The scale is the number of fraction digits minus the exponent and must
 * fit a Java int. (Java also accepts non-ASCII Unicode digits; this does not.)
 */
export function parseBigDecimal(s: string): BigDecimal {
  const m = BIG_DECIMAL_RE.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new BigDecimalFormatError(`Character array is not a valid decimal number: "${s}"`);
  const sign = m[1] === '-' ? -1n : 1n;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  let exp = 0;
  if (m[4] !== undefined) {
    const e = Number(m[4]);
    // Java parses the exponent as a long and then requires the resulting scale to fit an int.
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1e12) throw new BigDecimalFormatError(`Exponent overflow: "${s}"`);
    exp = e;
  }
  const scale = fracPart.length - exp;
  if (scale < INT_MIN || scale > INT_MAX) throw new BigDecimalFormatError(`Scale out of range: "${s}"`);
  const unscaled = sign * BigInt((intPart + fracPart).replace(/^0+(?=\d)/, '') || '0');
  return bigDecimal(unscaled, scale);
}

/** BigDecimal.valueOf(long) / new BigDecimal(BigInteger): scale 0. */
export function bigDecimalFromBigInt(v: bigint): BigDecimal {
  return bigDecimal(v, 0);
}

const POW10_CACHE: bigint[] = [1n];
export function pow10(n: number): bigint {
  if (n < 0) throw new RangeError(`negative power of ten: ${n}`);
  if (n < 512) {
    for (let i = POW10_CACHE.length; i <= n; i++) POW10_CACHE.push(POW10_CACHE[i - 1]! * 10n);
    return POW10_CACHE[n]!;
  }
  return 10n ** BigInt(n);
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

export function bigDecimalSignum(v: BigDecimal): number {
  return v.unscaled > 0n ? 1 : v.unscaled < 0n ? -1 : 0;
}

/** BigDecimal.compareTo: numeric comparison, 2.0 == 2.00. */
export function compareBigDecimal(a: BigDecimal, b: BigDecimal): number {
  const sa = bigDecimalSignum(a);
  const sb = bigDecimalSignum(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  if (a.scale === b.scale) return a.unscaled < b.unscaled ? -1 : a.unscaled > b.unscaled ? 1 : 0;
  // Quick magnitude check by adjusted exponent before scaling (avoids huge powers of ten).
  const adjA = abs(a.unscaled).toString().length - 1 - a.scale;
  const adjB = abs(b.unscaled).toString().length - 1 - b.scale;
  if (adjA !== adjB) return (adjA < adjB ? -1 : 1) * sa;
  const x = a.scale < b.scale ? a.unscaled * pow10(b.scale - a.scale) : a.unscaled;
  const y = b.scale < a.scale ? b.unscaled * pow10(a.scale - b.scale) : b.unscaled;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * BigDecimal.equals: same value AND same scale (2.0 != 2.00). Pinot's BIG_DECIMAL dictionary/stats collector dedups
 * with a HashSet (equals/hashCode) and sorts with compareTo (BigDecimalColumnPreIndexStatsCollector), so two values
 * that compare equal but differ in scale are distinct dictionary entries. By default ingestion strips trailing zeros
 * (SpecialValueTransformer), which makes equals and compareTo agree; they only differ for allowTrailingZeros columns.
 */
export function bigDecimalEquals(a: BigDecimal, b: BigDecimal): boolean {
  return a.unscaled === b.unscaled && a.scale === b.scale;
}

/** BigDecimal.stripTrailingZeros (Java 8+: zero becomes BigDecimal.ZERO with scale 0). */
export function stripTrailingZeros(v: BigDecimal): BigDecimal {
  if (v.unscaled === 0n) return v.scale === 0 ? v : BIG_DECIMAL_ZERO;
  let u = v.unscaled;
  let scale = v.scale;
  while (u % 10n === 0n && scale > INT_MIN) {
    u /= 10n;
    scale--;
  }
  return u === v.unscaled ? v : bigDecimal(u, scale);
}

/** BigDecimal.toString(): scientific notation when scale < 0 or the adjusted exponent < -6 (Java's layoutChars(true)). */
export function bigDecimalToString(v: BigDecimal): string {
  const neg = v.unscaled < 0n;
  const coeff = abs(v.unscaled).toString();
  const sign = neg ? '-' : '';
  if (v.scale === 0) return sign + coeff;
  const adjusted = -v.scale + (coeff.length - 1);
  if (v.scale > 0 && adjusted >= -6) return sign + insertPoint(coeff, v.scale);
  let out = sign + coeff[0]!;
  if (coeff.length > 1) out += '.' + coeff.slice(1);
  if (adjusted !== 0) out += 'E' + (adjusted > 0 ? '+' : '') + String(adjusted);
  return out;
}

/** BigDecimal.toPlainString(). */
export function bigDecimalToPlainString(v: BigDecimal): string {
  const neg = v.unscaled < 0n;
  const coeff = abs(v.unscaled).toString();
  const sign = neg ? '-' : '';
  if (v.scale === 0) return sign + coeff;
  if (v.scale < 0) {
    if (v.unscaled === 0n) return '0';
    return sign + coeff + '0'.repeat(-v.scale);
  }
  return sign + insertPoint(coeff, v.scale);
}

function insertPoint(coeff: string, scale: number): string {
  if (coeff.length > scale) return coeff.slice(0, coeff.length - scale) + '.' + coeff.slice(coeff.length - scale);
  return '0.' + '0'.repeat(scale - coeff.length) + coeff;
}

/** toBigInteger(): truncates toward zero. */
export function bigDecimalToBigInt(v: BigDecimal): bigint {
  if (v.scale <= 0) {
    if (v.unscaled === 0n) return 0n;
    return v.unscaled * pow10(-v.scale);
  }
  const digits = abs(v.unscaled).toString().length;
  if (v.scale >= digits) return 0n;
  return v.unscaled / pow10(v.scale); // bigint division truncates toward zero
}

/** BigDecimal.longValue(): truncation toward zero, then the low 64 bits (two's complement wrap). */
export function bigDecimalLongValue(v: BigDecimal): bigint {
  // 10^k is divisible by 2^64 for k >= 64, so the low 64 bits are zero.
  if (v.scale <= -64) return 0n;
  return BigInt.asIntN(64, bigDecimalToBigInt(v));
}

/** BigDecimal.intValue(): truncation toward zero, then the low 32 bits. */
export function bigDecimalIntValue(v: BigDecimal): number {
  if (v.scale <= -64) return 0;
  return Number(BigInt.asIntN(32, bigDecimalToBigInt(v)));
}

/** BigDecimal.doubleValue(): correctly rounded (JS number parsing is correctly rounded). */
export function bigDecimalDoubleValue(v: BigDecimal): number {
  return decimalToDouble(v.unscaled, -v.scale);
}

/** BigDecimal.floatValue(): correctly rounded to float32. */
export function bigDecimalFloatValue(v: BigDecimal): number {
  return decimalToFloat32(v.unscaled, -v.scale);
}

/** digits × 10^exp10, correctly rounded to a double. */
export function decimalToDouble(digits: bigint, exp10: number): number {
  if (digits === 0n) return 0;
  if (exp10 > 400) {
    // Avoid building an enormous string: anything >= 10^309 is Infinity.
    const len = abs(digits).toString().length;
    if (len - 1 + exp10 > 400) return digits < 0n ? -Infinity : Infinity;
  }
  if (exp10 < -400) {
    const len = abs(digits).toString().length;
    if (len + exp10 < -400) return digits < 0n ? -0 : 0;
  }
  return Number(`${digits}e${exp10}`);
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The float32 adjacent to f (finite, non-NaN) in the direction of `towards` (+1 or -1). */
function nextFloat(f: number, towards: 1 | -1): number {
  if (f === 0) return towards * 1.401298464324817e-45;
  F32[0] = f;
  const up = (f > 0) === (towards > 0);
  U32[0] = up ? U32[0]! + 1 : U32[0]! - 1;
  return F32[0]!;
}

/**
 * digits × 10^exp10, correctly rounded to float32 (Float.parseFloat / BigDecimal.floatValue). Rounding through a
 * double first is only wrong when the double lands exactly on a midpoint between two floats; that case is settled
 * exactly with bigint arithmetic.
 */
export function decimalToFloat32(digits: bigint, exp10: number): number {
  const d = decimalToDouble(digits, exp10);
  const f = Math.fround(d);
  if (f === d || !Number.isFinite(d)) return f;
  // Is d exactly the midpoint between f and its neighbour on d's side?
  if (f === Infinity || f === -Infinity) {
    // d rounded past MAX_VALUE; the midpoint between MAX_VALUE and 2^128 is 2^128 - 2^103.
    const max = f > 0 ? 3.4028234663852886e38 : -3.4028234663852886e38;
    const mid = (f > 0 ? 1 : -1) * (2 ** 128 - 2 ** 103);
    if (d !== mid) return f;
    const c = compareDecimalToBinary(abs(digits), exp10, 2n ** 128n - 2n ** 103n, 0);
    return c > 0 ? f : c < 0 ? max : f; // tie: even mantissa is 2^128 -> Infinity
  }
  const other = nextFloat(f, d > f ? 1 : -1);
  const mid = (f + other) / 2;
  if (mid !== d) return f;
  // Exact comparison of |digits × 10^exp10| with |mid|.
  const [mm, me] = decomposeDouble(Math.abs(mid));
  const c = compareDecimalToBinary(abs(digits), exp10, mm, me);
  const lo = Math.abs(f) < Math.abs(other) ? f : other;
  const hi = lo === f ? other : f;
  if (c < 0) return lo;
  if (c > 0) return hi;
  F32[0] = lo;
  return (U32[0]! & 1) === 0 ? lo : hi;
}

/** x = mantissa × 2^exp exactly, for finite x >= 0. */
export function decomposeDouble(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return [mant, -1074];
  mant |= 1n << 52n;
  return [mant, biased - 1075];
}

/** Compares c × 10^q with n × 2^j exactly (c, n >= 0). */
export function compareDecimalToBinary(c: bigint, q: number, n: bigint, j: number): number {
  let left = c;
  let right = n;
  if (q >= 0) left *= pow10(q);
  else right *= pow10(-q);
  if (j >= 0) right <<= BigInt(j);
  else left <<= BigInt(-j);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** BigInteger.toByteArray(): minimal big-endian two's complement (at least one byte). */
export function bigIntToByteArray(x: bigint): Uint8Array {
  let len = 1;
  // Smallest len with -2^(8len-1) <= x < 2^(8len-1).
  while (x >= 1n << BigInt(8 * len - 1) || x < -(1n << BigInt(8 * len - 1))) len++;
  const out = new Uint8Array(len);
  let v = BigInt.asUintN(8 * len, x);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** new BigInteger(byte[]): big-endian two's complement. */
export function bigIntFromByteArray(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new BigDecimalFormatError('Zero length BigInteger');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(8 * bytes.length, v);
}

/**
 * BigDecimalUtils.serialize: 2 bytes of scale (big-endian; Java writes `(byte) (scale >> 8), (byte) scale`, i.e. the
 * low 16 bits) followed by BigInteger.toByteArray() of the unscaled value.
 */
export function serializeBigDecimal(v: BigDecimal): Uint8Array {
  const unscaled = bigIntToByteArray(v.unscaled);
  const out = new Uint8Array(unscaled.length + 2);
  out[0] = (v.scale >> 8) & 0xff;
  out[1] = v.scale & 0xff;
  out.set(unscaled, 2);
  return out;
}

/** BigDecimalUtils.deserialize: scale read as a signed 16-bit big-endian short. */
export function deserializeBigDecimal(bytes: Uint8Array): BigDecimal {
  if (bytes.length < 3) throw new BigDecimalFormatError(`Serialized BigDecimal needs at least 3 bytes, got ${bytes.length}`);
  const scale = ((((bytes[0]! << 8) | bytes[1]!) << 16) >> 16);
  return bigDecimal(bigIntFromByteArray(bytes.subarray(2)), scale);
}

/** BigDecimalUtils.byteSize: (unscaled.bitLength() >>> 3) + 3, equal to the serialized length. */
export function bigDecimalByteSize(v: BigDecimal): number {
  return (bitLength(v.unscaled) >>> 3) + 3;
}

/** BigInteger.bitLength(): bits of the minimal two's complement representation, excluding the sign bit. */
export function bitLength(x: bigint): number {
  const y = x < 0n ? -x - 1n : x;
  return y === 0n ? 0 : y.toString(2).length;
}
