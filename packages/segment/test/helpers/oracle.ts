/**
 * An independent model of what Pinot stores for a column: per-doc values (null → default, MV
 * wrapping, NaN/-0.0 handling, STRING sanitization at '\0' and 512 chars), Java ordering,
 * Java toString of min/max, byte lengths, and the column statistics Pinot writes to
 * metadata.properties. Values are kept in the form SegmentReader returns them (BOOLEAN as
 * boolean, BIG_DECIMAL as its plain string, LONG/TIMESTAMP as bigint, BYTES as Uint8Array).
 *
 * Only JSON values go through convertValue (Jackson serialization is not modelled here).
 */
import { convertValue } from '../../src/convert.js';
import { javaDoubleToString, javaFloatToString } from '../../src/convert.js';
import type { FieldSpec } from '../../src/schema.js';

export type DataType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'BOOLEAN' | 'TIMESTAMP' | 'STRING' | 'JSON' | 'BYTES';
export type FieldType = 'DIMENSION' | 'METRIC' | 'DATE_TIME';
export const DATA_TYPES: readonly DataType[] = ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL', 'BOOLEAN', 'TIMESTAMP', 'STRING', 'JSON', 'BYTES'];
export const METRIC_TYPES: readonly DataType[] = ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL', 'BYTES'];
export const DATE_TIME_TYPES: readonly DataType[] = ['INT', 'LONG', 'TIMESTAMP', 'STRING'];

/** A stored value as SegmentReader.values() returns it. */
export type Sc = number | bigint | string | boolean | Uint8Array;

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;

export function storedTypeOf(t: DataType): 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'STRING' | 'BYTES' {
  if (t === 'BOOLEAN') return 'INT';
  if (t === 'TIMESTAMP') return 'LONG';
  if (t === 'JSON') return 'STRING';
  return t;
}

export function isVarWidth(t: DataType): boolean {
  const s = storedTypeOf(t);
  return s === 'STRING' || s === 'BYTES' || s === 'BIG_DECIMAL';
}

// ---------------------------------------------------------------------------------------------
// BigDecimal as plain strings
// ---------------------------------------------------------------------------------------------

/** new BigDecimal(s).stripTrailingZeros().toPlainString() for a plain decimal string. */
export function normalizeDecimal(s: string): string {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(s);
  if (!m) throw new Error(`not a plain decimal: ${s}`);
  const intPart = (m[2] ?? '').replace(/^0+/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (intPart === '' && frac === '') return '0';
  return `${m[1] === '-' ? '-' : ''}${intPart === '' ? '0' : intPart}${frac ? `.${frac}` : ''}`;
}

/** (unscaled, scale) of a stripped BigDecimal given its normalized plain string. */
export function decimalParts(plain: string): { unscaled: bigint; scale: number } {
  const neg = plain.startsWith('-');
  const body = neg ? plain.slice(1) : plain;
  const [i = '', f = ''] = body.split('.');
  let digits: string;
  let scale: number;
  if (f.length > 0) {
    digits = i + f;
    scale = f.length;
  } else if (/^0+$/.test(i)) {
    return { unscaled: 0n, scale: 0 };
  } else {
    const z = /0*$/.exec(i)![0].length;
    digits = i.slice(0, i.length - z);
    scale = -z;
  }
  const u = BigInt(digits);
  return { unscaled: neg ? -u : u, scale };
}

export function compareDecimal(a: string, b: string): number {
  const x = decimalParts(a);
  const y = decimalParts(b);
  const s = Math.max(x.scale, y.scale);
  const xa = x.unscaled * 10n ** BigInt(s - x.scale);
  const ya = y.unscaled * 10n ** BigInt(s - y.scale);
  return xa < ya ? -1 : xa > ya ? 1 : 0;
}

/** BigDecimal.toString() (scientific notation when Java uses it) of a stripped value. */
export function javaBigDecimalToString(plain: string): string {
  const { unscaled, scale } = decimalParts(plain);
  const neg = unscaled < 0n;
  const coeff = (neg ? -unscaled : unscaled).toString();
  const adjusted = -scale + (coeff.length - 1);
  if (scale >= 0 && adjusted >= -6) return plain;
  const mant = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
  return `${neg ? '-' : ''}${mant}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** BigDecimalUtils.byteSize: 2 bytes of scale + BigInteger.toByteArray() of the unscaled value. */
export function decimalByteSize(plain: string): number {
  const { unscaled } = decimalParts(plain);
  const x = unscaled < 0n ? -unscaled - 1n : unscaled;
  const bitLength = x === 0n ? 0 : x.toString(2).length;
  return 2 + Math.floor(bitLength / 8) + 1;
}

// ---------------------------------------------------------------------------------------------
// Per-type ordering, identity, formatting
// ---------------------------------------------------------------------------------------------

export function compareSc(t: DataType, a: Sc, b: Sc): number {
  switch (t) {
    case 'BIG_DECIMAL':
      return compareDecimal(a as string, b as string);
    case 'BYTES':
      return Math.sign(Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)));
    case 'BOOLEAN':
      return Number(a) - Number(b);
    default:
      // numbers (no NaN / -0.0 are ever stored), bigints, and strings by UTF-16 code unit as String.compareTo
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
}

export function keyOf(t: DataType, v: Sc): string {
  if (t === 'BYTES') return Buffer.from(v as Uint8Array).toString('hex');
  return `${typeof v}:${String(v)}`;
}

/** The Java toString of the stored value, as Pinot writes min/max. */
export function javaToString(t: DataType, v: Sc): string {
  switch (t) {
    case 'BOOLEAN':
      return v ? '1' : '0';
    case 'FLOAT':
      return javaFloatToString(v as number);
    case 'DOUBLE':
      return javaDoubleToString(v as number);
    case 'BIG_DECIMAL':
      return javaBigDecimalToString(v as string);
    case 'BYTES':
      return Buffer.from(v as Uint8Array).toString('hex');
    default:
      return String(v);
  }
}

export function byteLength(t: DataType, v: Sc): number {
  switch (storedTypeOf(t)) {
    case 'STRING':
      return Buffer.byteLength(v as string, 'utf8');
    case 'BYTES':
      return (v as Uint8Array).length;
    case 'BIG_DECIMAL':
      return decimalByteSize(v as string);
    default:
      throw new Error(`${t} is fixed width`);
  }
}

// ---------------------------------------------------------------------------------------------
// Defaults and conversion
// ---------------------------------------------------------------------------------------------

/** FieldSpec's default null value (reader form) and its defaultNullValueString. */
export function defaultNull(t: DataType, fieldType: FieldType, custom?: string): { value: Sc; text: string } {
  if (custom !== undefined) {
    switch (t) {
      case 'INT':
        return { value: Number(custom), text: custom };
      case 'LONG':
        return { value: BigInt(custom), text: custom };
      case 'DOUBLE':
        return { value: Number(custom), text: javaDoubleToString(Number(custom)) };
      case 'STRING':
        return { value: custom, text: custom };
      default:
        throw new Error(`no custom default modelled for ${t}`);
    }
  }
  if (fieldType === 'METRIC') {
    switch (t) {
      case 'INT':
        return { value: 0, text: '0' };
      case 'LONG':
        return { value: 0n, text: '0' };
      case 'FLOAT':
      case 'DOUBLE':
        return { value: 0, text: '0.0' };
      case 'BIG_DECIMAL':
        return { value: '0', text: '0' };
      case 'BYTES':
        return { value: new Uint8Array(0), text: '' };
      default:
        throw new Error(`${t} cannot be a metric`);
    }
  }
  switch (t) {
    case 'INT':
      return { value: INT_MIN, text: String(INT_MIN) };
    case 'LONG':
      return { value: LONG_MIN, text: String(LONG_MIN) };
    case 'FLOAT':
    case 'DOUBLE':
      return { value: -Infinity, text: '-Infinity' };
    case 'BOOLEAN':
      return { value: false, text: '0' };
    case 'TIMESTAMP':
      return { value: 0n, text: '0' };
    case 'STRING':
    case 'JSON':
      return { value: 'null', text: 'null' };
    case 'BYTES':
      return { value: new Uint8Array(0), text: '' };
    case 'BIG_DECIMAL':
      return { value: '0', text: '0' };
  }
}

/** StringUtil.sanitizeStringValue(value, 512): cut at the first '\0', then at 512 UTF-16 units. */
export function sanitizeString(s: string, max = 512): string {
  const nul = s.indexOf('\0');
  const cut = nul < 0 ? s : s.slice(0, nul);
  return cut.length <= max ? cut : cut.slice(0, max);
}

/** One input element → stored value, or null when Pinot turns it into null (NaN). */
export function expectScalar(t: DataType, raw: unknown): Sc | null {
  switch (t) {
    case 'INT':
      return typeof raw === 'string' ? Number(raw.trim()) : (raw as number);
    case 'LONG':
      return typeof raw === 'string' ? BigInt(raw.trim()) : BigInt(raw as number | bigint);
    case 'FLOAT':
    case 'DOUBLE': {
      const x = typeof raw === 'string' ? Number(raw) : (raw as number);
      const v = t === 'FLOAT' ? Math.fround(x) : x;
      if (Number.isNaN(v)) return null;
      return Object.is(v, -0) ? 0 : v;
    }
    case 'BIG_DECIMAL':
      return normalizeDecimal(String(raw));
    case 'BOOLEAN':
      if (typeof raw === 'string') return raw.trim().toLowerCase() === 'true';
      return Boolean(raw);
    case 'TIMESTAMP':
      if (raw instanceof Date) return BigInt(raw.getTime());
      return BigInt(raw as number | bigint);
    case 'STRING':
      return sanitizeString(String(raw));
    case 'BYTES':
      if (typeof raw === 'string') return new Uint8Array(Buffer.from(raw, 'hex'));
      return new Uint8Array(raw as Uint8Array);
    case 'JSON':
      throw new Error('JSON goes through expectCell');
  }
}

export interface ExpectedCell {
  isNull: boolean;
  value: Sc | Sc[];
}

/** What one row's input for a column becomes in the segment. */
export function expectCell(col: { dataType: DataType; sv: boolean }, field: FieldSpec, raw: unknown, dflt: Sc): ExpectedCell {
  const nullCell: ExpectedCell = { isNull: true, value: col.sv ? dflt : [dflt] };
  if (raw === null || raw === undefined) return nullCell;
  if (col.dataType === 'JSON') {
    const v = convertValue(field, raw);
    return v === null ? nullCell : { isNull: false, value: v as string };
  }
  const elems = Array.isArray(raw) ? raw.filter((x) => x !== null && x !== undefined) : [raw];
  const conv = elems.map((e) => expectScalar(col.dataType, e)).filter((x): x is Sc => x !== null);
  if (conv.length === 0) return nullCell;
  if (col.sv) {
    if (conv.length !== 1) throw new Error('generator produced several values for a single-value column');
    return { isNull: false, value: conv[0] as Sc };
  }
  return { isNull: false, value: conv };
}

// ---------------------------------------------------------------------------------------------
// Column statistics (the *ColumnPreIndexStatsCollector semantics)
// ---------------------------------------------------------------------------------------------

export interface ExpectedStats {
  totalDocs: number;
  /** Distinct values in Java order. */
  sortedDistinct: Sc[];
  cardinality: number;
  isSorted: boolean;
  totalNumberOfEntries: number;
  maxNumberOfMultiValues: number;
  min?: Sc;
  max?: Sc;
  lengthOfShortestElement?: number;
  lengthOfLongestElement?: number;
  isAscii?: boolean;
  maxRowLengthInBytes?: number;
  nullDocIds: number[];
}

export function expectStats(col: { dataType: DataType; sv: boolean }, cells: ExpectedCell[]): ExpectedStats {
  const t = col.dataType;
  const distinct = new Map<string, Sc>();
  let entries = 0;
  let maxMv = 0;
  let maxRow = 0;
  let sorted = col.sv;
  let prev: Sc | undefined;
  const nullDocIds: number[] = [];
  cells.forEach((c, doc) => {
    if (c.isNull) nullDocIds.push(doc);
    const vals = col.sv ? [c.value as Sc] : (c.value as Sc[]);
    if (col.sv) {
      const v = vals[0] as Sc;
      if (prev !== undefined && compareSc(t, v, prev) < 0) sorted = false;
      prev = v;
    } else {
      maxMv = Math.max(maxMv, vals.length);
      if (isVarWidth(t)) maxRow = Math.max(maxRow, vals.reduce<number>((s, v) => s + byteLength(t, v), 0));
    }
    entries += vals.length;
    for (const v of vals) if (!distinct.has(keyOf(t, v))) distinct.set(keyOf(t, v), v);
  });
  const sortedDistinct = [...distinct.values()].sort((a, b) => compareSc(t, a, b));
  const stats: ExpectedStats = {
    totalDocs: cells.length,
    sortedDistinct,
    cardinality: sortedDistinct.length,
    isSorted: sorted,
    totalNumberOfEntries: entries,
    maxNumberOfMultiValues: col.sv ? 0 : maxMv,
    nullDocIds,
  };
  if (sortedDistinct.length > 0) {
    stats.min = sortedDistinct[0];
    stats.max = sortedDistinct[sortedDistinct.length - 1];
  }
  if (isVarWidth(t) && sortedDistinct.length > 0) {
    const lens = sortedDistinct.map((v) => byteLength(t, v));
    stats.lengthOfShortestElement = Math.min(...lens);
    stats.lengthOfLongestElement = Math.max(...lens);
    if (storedTypeOf(t) === 'STRING') stats.isAscii = sortedDistinct.every((v) => Buffer.byteLength(v as string, 'utf8') === (v as string).length);
    if (!col.sv) stats.maxRowLengthInBytes = maxRow;
  }
  return stats;
}

/** BaseSegmentCreator.getValidPropertyValue: null when longer than 512 chars or (STRING) holding a surrogate. */
export function validPropertyValue(t: DataType, v: Sc): string | undefined {
  const s = javaToString(t, v);
  if (s.length > 512) return undefined;
  if (storedTypeOf(t) === 'STRING' && /[\uD800-\uDFFF]/.test(s)) return undefined;
  return s;
}

/** PinotDataBitSet.getNumBitsPerValue(cardinality - 1). */
export function bitsPerElement(cardinality: number): number {
  const max = cardinality - 1;
  return max > 1 ? 32 - Math.clz32(max) : 1;
}
