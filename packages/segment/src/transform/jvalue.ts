/**
 * The Java object model the transform evaluator works on, and Pinot's value conversions between Java types
 * (pinot-spi `utils/PinotDataType.java`, pinot-common `function/FunctionUtils.java` / `FunctionInvoker.java`).
 *
 * Representation (JValue):
 *   null → null, Boolean → boolean, String → string, Double → number, Long → bigint, Integer → JInt, Float → JFloat,
 *   BigDecimal → BigDecimal (big-decimal.ts), byte[] → Uint8Array, java.sql.Timestamp → JTimestamp,
 *   arrays (Object[], String[], int[], long[], ...) and java.util.List → JArray (with the Java array class),
 *   java.util.Map → JMap.
 *
 * Raw input values (what the record readers produce, see convert.ts) enter through `fromJs` with the same mapping
 * convert.ts uses (integral numbers → Integer / Long, others → Double, bigint → Long, arrays → Object[], plain
 * objects → Map in Java HashMap order); results leave through `toJs`.
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
  decimalToFloat32,
  deserializeBigDecimal,
  isBigDecimal,
  parseBigDecimal,
  serializeBigDecimal,
  type BigDecimal,
} from '../big-decimal.js';
import {
  bytesToHex,
  doubleToInt,
  doubleToLong,
  hexToBytes,
  javaDoubleToString,
  javaFloatToString,
  javaHashMapOrder,
  javaStringToBoolean,
  javaTimestampToString,
  javaTrim,
  parseJavaDouble,
  parseJavaFloat,
  parseJavaInt,
  parseJavaLong,
  timestampStringToMillis,
} from '../convert.js';
import { javaStringCompare } from '../writer/dictionary-writer.js';

/** java.lang.Integer. */
export class JInt {
  constructor(readonly v: number) {}
}

/** java.lang.Float (v already rounded with Math.fround). */
export class JFloat {
  constructor(readonly v: number) {}
}

/** java.sql.Timestamp (millisecond precision). */
export class JTimestamp {
  constructor(readonly millis: bigint) {}
}

/**
 * The Java class of an array value: `Object` = Object[], `int` = int[], ..., `String` = String[], `bytes` = byte[][],
 * `List` = java.util.List (a Collection, not an array).
 */
export type ArrayKind = 'Object' | 'int' | 'long' | 'float' | 'double' | 'boolean' | 'String' | 'BigDecimal' | 'bytes' | 'Timestamp' | 'List';

export class JArray {
  constructor(
    readonly kind: ArrayKind,
    readonly items: JValue[],
  ) {}
}

/** java.util.Map<String, Object>; `hashOrder` = a HashMap (iterates in hash order), else insertion order. */
export class JMap {
  constructor(
    readonly entries: Map<string, JValue>,
    readonly hashOrder: boolean,
  ) {}

  /** Entries in Java iteration order. */
  ordered(): Array<[string, JValue]> {
    if (!this.hashOrder) return [...this.entries];
    return javaHashMapOrder([...this.entries.keys()]).map((k) => [k, this.entries.get(k) as JValue]);
  }

  get(key: string): JValue {
    return this.entries.has(key) ? (this.entries.get(key) as JValue) : null;
  }
}

export type JValue = null | boolean | string | number | bigint | JInt | JFloat | BigDecimal | Uint8Array | JTimestamp | JArray | JMap;

/** A Java exception: `javaClass` is the simple class name, `message` what getMessage() would return. */
export class JavaException extends Error {
  override readonly name = 'JavaException';
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
  }
}

/** ClassCastException: PinotDataType's array conversions fall back to the element's own type on it. */
export class JavaClassCastException extends JavaException {
  constructor(message: string) {
    super('ClassCastException', message);
  }
}

export function unsupportedOp(message: string): never {
  throw new JavaException('UnsupportedOperationException', message);
}

export function illegalArgument(message: string): never {
  throw new JavaException('IllegalArgumentException', message);
}

export function illegalState(message: string): never {
  throw new JavaException('IllegalStateException', message);
}

export function numberFormat(s: string): never {
  throw new JavaException('NumberFormatException', `For input string: "${s}"`);
}

export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;

export function jint(n: number): JInt {
  return new JInt(n | 0);
}

export function jlong(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

export function jfloat(n: number): JFloat {
  return new JFloat(Math.fround(n));
}

export function isNumberValue(v: JValue): v is number | bigint | JInt | JFloat | BigDecimal {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof JInt || v instanceof JFloat || isBigDecimal(v);
}

/** The fully qualified Java class name (for messages). */
export function javaClassName(v: JValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'java.lang.Boolean';
    case 'string':
      return 'java.lang.String';
    case 'number':
      return 'java.lang.Double';
    case 'bigint':
      return 'java.lang.Long';
    default:
      break;
  }
  if (v instanceof JInt) return 'java.lang.Integer';
  if (v instanceof JFloat) return 'java.lang.Float';
  if (v instanceof Uint8Array) return '[B';
  if (v instanceof JTimestamp) return 'java.sql.Timestamp';
  if (v instanceof JMap) return v.hashOrder ? 'java.util.HashMap' : 'java.util.LinkedHashMap';
  if (v instanceof JArray) {
    switch (v.kind) {
      case 'List':
        return 'java.util.ArrayList';
      case 'Object':
        return '[Ljava.lang.Object;';
      case 'String':
        return '[Ljava.lang.String;';
      case 'BigDecimal':
        return '[Ljava.math.BigDecimal;';
      case 'Timestamp':
        return '[Ljava.sql.Timestamp;';
      case 'bytes':
        return '[[B';
      default:
        return `[${v.kind[0]!.toUpperCase()}`;
    }
  }
  return 'java.math.BigDecimal';
}

function castError(v: JValue, target: string): never {
  throw new JavaClassCastException(`class ${javaClassName(v)} cannot be cast to class ${target}`);
}

// ---------------------------------------------------------------------------------------------------------------
// JS ⇄ Java
// ---------------------------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v) || v instanceof Uint8Array || v instanceof Date || isBigDecimal(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isJsMap(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v);
}

/** A raw input value (as record readers produce it) → the Java object Pinot's readers would have produced. */
export function fromJs(v: unknown): JValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      if (Number.isInteger(v)) {
        if (v >= -2147483648 && v <= 2147483647) return new JInt(v === 0 ? 0 : v);
        if (v >= -(2 ** 63) && v < 2 ** 63) return BigInt(v);
      }
      return v;
    case 'bigint':
      return v >= LONG_MIN && v <= LONG_MAX ? v : bigDecimal(v, 0);
    default:
      break;
  }
  if (v instanceof JInt || v instanceof JFloat || v instanceof JTimestamp || v instanceof JArray || v instanceof JMap) return v;
  if (v instanceof Uint8Array) return v;
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isNaN(t)) throw new JavaException('IllegalArgumentException', 'Invalid Date');
    return new JTimestamp(BigInt(t));
  }
  if (isBigDecimal(v)) return v;
  if (Array.isArray(v)) return new JArray('Object', v.map(fromJs));
  if (isPlainObject(v)) {
    const m = new Map<string, JValue>();
    for (const k of Object.keys(v)) m.set(k, fromJs(v[k]));
    return new JMap(m, true);
  }
  throw new JavaException('IllegalArgumentException', `unsupported input value type ${Object.prototype.toString.call(v)}`);
}

/**
 * A Java value → the JS value the rest of the package (convert.ts) reads as that Java type: Double → number,
 * Long → bigint, Integer / Float → number, Timestamp → Date, arrays / lists → arrays, maps → plain objects.
 */
export function toJs(v: JValue): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
    case 'number':
    case 'bigint':
      return v;
    default:
      break;
  }
  if (v instanceof JInt || v instanceof JFloat) return v.v;
  if (v instanceof JTimestamp) return new Date(Number(v.millis));
  if (v instanceof JArray) return v.items.map(toJs);
  if (v instanceof JMap) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.ordered()) Object.defineProperty(o, k, { value: toJs(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Java toString()
// ---------------------------------------------------------------------------------------------------------------

function identityString(prefix: string): string {
  return `${prefix}@${(Math.random() * 0x7fffffff).toString(16).replace('.', '').slice(0, 8)}`;
}

/** Object.toString() of a Java value (what String.valueOf / StringBuilder.append / PinotDataType.STRING use). */
export function javaToString(v: JValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return v;
    case 'number':
      return javaDoubleToString(v);
    case 'bigint':
      return v.toString();
    default:
      break;
  }
  if (v instanceof JInt) return String(v.v);
  if (v instanceof JFloat) return javaFloatToString(v.v);
  if (v instanceof JTimestamp) return javaTimestampToString(v.millis);
  if (v instanceof Uint8Array) return identityString('[B');
  if (v instanceof JMap) return `{${v.ordered().map(([k, x]) => `${k}=${x === v ? '(this Map)' : javaToString(x)}`).join(', ')}}`;
  if (v instanceof JArray) return v.kind === 'List' ? `[${v.items.map(javaToString).join(', ')}]` : identityString(javaClassName(v));
  return bigDecimalToString(v);
}

// ---------------------------------------------------------------------------------------------------------------
// PinotDataType
// ---------------------------------------------------------------------------------------------------------------

export type PinotType =
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BIG_DECIMAL'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'STRING'
  | 'JSON'
  | 'BYTES'
  | 'MAP'
  | 'OBJECT'
  | 'PRIMITIVE_INT_ARRAY'
  | 'PRIMITIVE_LONG_ARRAY'
  | 'PRIMITIVE_FLOAT_ARRAY'
  | 'PRIMITIVE_DOUBLE_ARRAY'
  | 'PRIMITIVE_BOOLEAN_ARRAY'
  | 'INT_ARRAY'
  | 'LONG_ARRAY'
  | 'FLOAT_ARRAY'
  | 'DOUBLE_ARRAY'
  | 'BIG_DECIMAL_ARRAY'
  | 'BOOLEAN_ARRAY'
  | 'TIMESTAMP_ARRAY'
  | 'STRING_ARRAY'
  | 'BYTES_ARRAY'
  | 'OBJECT_ARRAY'
  | 'COLLECTION';

type SingleType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'BOOLEAN' | 'TIMESTAMP' | 'STRING' | 'JSON' | 'BYTES' | 'MAP' | 'OBJECT';

/** PinotDataType.getSingleValueType(value). */
export function singleValueType(v: JValue): SingleType {
  if (v === null) return 'OBJECT';
  switch (typeof v) {
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return 'STRING';
    case 'number':
      return 'DOUBLE';
    case 'bigint':
      return 'LONG';
    default:
      break;
  }
  if (v instanceof JInt) return 'INT';
  if (v instanceof JFloat) return 'FLOAT';
  if (v instanceof JTimestamp) return 'TIMESTAMP';
  if (v instanceof Uint8Array) return 'BYTES';
  if (v instanceof JMap) return 'MAP';
  if (v instanceof JArray) return 'OBJECT';
  return 'BIG_DECIMAL';
}

/** PinotDataType.getMultiValueType(element). */
function multiValueType(e: JValue): PinotType {
  switch (singleValueType(e)) {
    case 'INT':
      return 'INT_ARRAY';
    case 'LONG':
      return 'LONG_ARRAY';
    case 'FLOAT':
      return 'FLOAT_ARRAY';
    case 'DOUBLE':
      return 'DOUBLE_ARRAY';
    case 'BIG_DECIMAL':
      return 'BIG_DECIMAL_ARRAY';
    case 'BOOLEAN':
      return 'BOOLEAN_ARRAY';
    case 'TIMESTAMP':
      return 'TIMESTAMP_ARRAY';
    case 'STRING':
      return 'STRING_ARRAY';
    case 'BYTES':
      return 'BYTES_ARRAY';
    default:
      return 'OBJECT_ARRAY';
  }
}

/** FunctionUtils.getArgumentType(value). */
export function argumentType(v: JValue): PinotType {
  const sv = singleValueType(v);
  if (sv !== 'OBJECT') return sv;
  if (v instanceof JArray) {
    switch (v.kind) {
      case 'int':
        return 'PRIMITIVE_INT_ARRAY';
      case 'long':
        return 'PRIMITIVE_LONG_ARRAY';
      case 'float':
        return 'PRIMITIVE_FLOAT_ARRAY';
      case 'double':
        return 'PRIMITIVE_DOUBLE_ARRAY';
      case 'boolean':
        return 'PRIMITIVE_BOOLEAN_ARRAY';
      case 'List':
        return 'COLLECTION';
      default:
        for (const e of v.items) if (e !== null) return multiValueType(e);
        return 'OBJECT_ARRAY';
    }
  }
  return 'OBJECT';
}

export function isSingleValueType(t: PinotType): boolean {
  return !t.endsWith('_ARRAY') && t !== 'COLLECTION';
}

function elementType(t: PinotType): SingleType {
  switch (t) {
    case 'PRIMITIVE_INT_ARRAY':
    case 'INT_ARRAY':
      return 'INT';
    case 'PRIMITIVE_LONG_ARRAY':
    case 'LONG_ARRAY':
      return 'LONG';
    case 'PRIMITIVE_FLOAT_ARRAY':
    case 'FLOAT_ARRAY':
      return 'FLOAT';
    case 'PRIMITIVE_DOUBLE_ARRAY':
    case 'DOUBLE_ARRAY':
      return 'DOUBLE';
    case 'BIG_DECIMAL_ARRAY':
      return 'BIG_DECIMAL';
    case 'PRIMITIVE_BOOLEAN_ARRAY':
    case 'BOOLEAN_ARRAY':
      return 'BOOLEAN';
    case 'TIMESTAMP_ARRAY':
      return 'TIMESTAMP';
    case 'STRING_ARRAY':
      return 'STRING';
    case 'BYTES_ARRAY':
      return 'BYTES';
    case 'OBJECT_ARRAY':
    case 'COLLECTION':
      return 'OBJECT';
    default:
      return illegalState(`There is no single-value type for ${t}`);
  }
}

function firstElement(v: JValue): JValue {
  const items = (v as JArray).items;
  if (items.length === 0) throw new JavaException('ArrayIndexOutOfBoundsException', 'Index 0 out of bounds for length 0');
  const e = items[0] as JValue;
  if (e === null) throw new JavaException('NullPointerException', 'null array element');
  return e;
}

function asNumber(v: JValue): number | bigint | BigDecimal {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (v instanceof JInt || v instanceof JFloat) return v.v;
  if (v !== null && isBigDecimal(v)) return v;
  return castError(v, 'java.lang.Number');
}

/** Number.intValue() etc. */
function numIntValue(n: number | bigint | BigDecimal): number {
  if (typeof n === 'number') return doubleToInt(n);
  if (typeof n === 'bigint') return Number(BigInt.asIntN(32, n));
  return bigDecimalIntValue(n);
}

function numLongValue(n: number | bigint | BigDecimal): bigint {
  if (typeof n === 'number') return doubleToLong(n);
  if (typeof n === 'bigint') return n;
  return bigDecimalLongValue(n);
}

function numFloatValue(n: number | bigint | BigDecimal): number {
  if (typeof n === 'number') return Math.fround(n);
  if (typeof n === 'bigint') return decimalToFloat32(n, 0);
  return bigDecimalFloatValue(n);
}

function numDoubleValue(n: number | bigint | BigDecimal): number {
  if (typeof n === 'number') return n;
  if (typeof n === 'bigint') return Number(n);
  return bigDecimalDoubleValue(n);
}

/** Number.intValue() of any Java Number (Integer / Long / Float / Double / BigDecimal). */
export function intValueOf(v: JValue): number {
  return numIntValue(asNumber(v));
}
export function longValueOf(v: JValue): bigint {
  return numLongValue(asNumber(v));
}
export function doubleValueOf(v: JValue): number {
  return numDoubleValue(asNumber(v));
}

function expect<T>(v: JValue, ok: (x: JValue) => x is JValue & T, cls: string): T {
  if (ok(v)) return v as T;
  return castError(v, cls);
}

const isJInt = (x: JValue): x is JInt => x instanceof JInt;
const isLong = (x: JValue): x is bigint => typeof x === 'bigint';
const isJFloat = (x: JValue): x is JFloat => x instanceof JFloat;
const isDouble = (x: JValue): x is number => typeof x === 'number';
const isBool = (x: JValue): x is boolean => typeof x === 'boolean';
const isTs = (x: JValue): x is JTimestamp => x instanceof JTimestamp;
const isBd = (x: JValue): x is BigDecimal => x !== null && isBigDecimal(x);
const isBytes = (x: JValue): x is Uint8Array => x instanceof Uint8Array;

/** PinotDataType.<t>.toInt(value). */
function svToInt(t: SingleType, v: JValue): number {
  switch (t) {
    case 'INT':
      return expect(v, isJInt, 'java.lang.Integer').v;
    case 'LONG':
    case 'FLOAT':
    case 'DOUBLE':
    case 'BIG_DECIMAL':
    case 'OBJECT':
      return intValueOf(v);
    case 'BOOLEAN':
      return expect(v, isBool, 'java.lang.Boolean') ? 1 : 0;
    case 'STRING':
    case 'JSON':
      return parseJavaIntJ(javaTrim(javaToString(v)));
    case 'TIMESTAMP':
    case 'BYTES':
      return unsupportedOp(`Cannot convert value from ${t} to INT`);
    case 'MAP':
      return illegalState('There is no single-value type for MAP');
  }
}

function svToLong(t: SingleType, v: JValue): bigint {
  switch (t) {
    case 'LONG':
      return expect(v, isLong, 'java.lang.Long');
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'BIG_DECIMAL':
    case 'OBJECT':
      return longValueOf(v);
    case 'BOOLEAN':
      return expect(v, isBool, 'java.lang.Boolean') ? 1n : 0n;
    case 'TIMESTAMP':
      return expect(v, isTs, 'java.sql.Timestamp').millis;
    case 'STRING':
    case 'JSON':
      return parseJavaLongJ(javaTrim(javaToString(v)));
    case 'BYTES':
      return unsupportedOp('Cannot convert value from BYTES to LONG');
    case 'MAP':
      return illegalState('There is no single-value type for MAP');
  }
}

function svToFloat(t: SingleType, v: JValue): number {
  switch (t) {
    case 'FLOAT':
      return expect(v, isJFloat, 'java.lang.Float').v;
    case 'INT':
    case 'LONG':
    case 'DOUBLE':
    case 'BIG_DECIMAL':
    case 'OBJECT':
      return numFloatValue(asNumber(v));
    case 'BOOLEAN':
      return expect(v, isBool, 'java.lang.Boolean') ? 1 : 0;
    case 'STRING':
    case 'JSON':
      return parseFloatJ(javaToString(v));
    case 'TIMESTAMP':
    case 'BYTES':
      return unsupportedOp(`Cannot convert value from ${t} to FLOAT`);
    case 'MAP':
      return illegalState('There is no single-value type for MAP');
  }
}

function svToDouble(t: SingleType, v: JValue): number {
  switch (t) {
    case 'DOUBLE':
      return expect(v, isDouble, 'java.lang.Double');
    case 'INT':
    case 'LONG':
    case 'FLOAT':
    case 'BIG_DECIMAL':
    case 'OBJECT':
      return doubleValueOf(v);
    case 'BOOLEAN':
      return expect(v, isBool, 'java.lang.Boolean') ? 1 : 0;
    case 'TIMESTAMP':
      return Number(expect(v, isTs, 'java.sql.Timestamp').millis);
    case 'STRING':
    case 'JSON':
      return parseDoubleJ(javaToString(v));
    case 'BYTES':
      return unsupportedOp('Cannot convert value from BYTES to DOUBLE');
    case 'MAP':
      return illegalState('There is no single-value type for MAP');
  }
}

function svToBigDecimal(t: SingleType, v: JValue): BigDecimal {
  switch (t) {
    case 'INT':
      return bigDecimal(BigInt(expect(v, isJInt, 'java.lang.Integer').v), 0);
    case 'LONG':
      return bigDecimal(expect(v, isLong, 'java.lang.Long'), 0);
    case 'FLOAT':
    case 'DOUBLE':
      // new BigDecimal(value.toString())
      return parseBigDecimalJ(javaToString(v));
    case 'BIG_DECIMAL':
      return expect(v, isBd, 'java.math.BigDecimal');
    case 'BOOLEAN':
      return expect(v, isBool, 'java.lang.Boolean') ? BIG_DECIMAL_ONE : BIG_DECIMAL_ZERO;
    case 'TIMESTAMP':
      return bigDecimal(expect(v, isTs, 'java.sql.Timestamp').millis, 0);
    case 'STRING':
    case 'JSON':
      return parseBigDecimalJ(javaTrim(javaToString(v)));
    case 'BYTES':
      return deserializeBigDecimal(expect(v, isBytes, '[B'));
    case 'OBJECT':
      // BigDecimal.valueOf(((Number) value).doubleValue())
      return parseBigDecimalJ(javaDoubleToString(doubleValueOf(v)));
    case 'MAP':
      return illegalState('There is no single-value type for MAP');
  }
}

function svToBoolean(t: SingleType, v: JValue): boolean {
  switch (t) {
    case 'INT':
      return expect(v, isJInt, 'java.lang.Integer').v !== 0;
    case 'LONG':
      return expect(v, isLong, 'java.lang.Long') !== 0n;
    case 'FLOAT':
      return expect(v, isJFloat, 'java.lang.Float').v !== 0;
    case 'DOUBLE':
      return expect(v, isDouble, 'java.lang.Double') !== 0;
    case 'BIG_DECIMAL':
      return !(isBd(v) && bigDecimalEquals(v, BIG_DECIMAL_ZERO));
    case 'BOOLEAN':
      return expect(v, isBool, 'java.lang.Boolean');
    case 'STRING':
      return javaStringToBoolean(javaTrim(javaToString(v)));
    case 'JSON':
      return javaTrim(javaToString(v)).toLowerCase() === 'true';
    case 'OBJECT':
      return doubleValueOf(v) !== 0;
    case 'TIMESTAMP':
    case 'BYTES':
      return unsupportedOp(`Cannot convert value from ${t} to BOOLEAN`);
    case 'MAP':
      return illegalState('There is no single-value type for MAP');
  }
}

function svToTimestamp(t: SingleType, v: JValue): JTimestamp {
  switch (t) {
    case 'TIMESTAMP':
      return expect(v, isTs, 'java.sql.Timestamp');
    case 'LONG':
      return new JTimestamp(expect(v, isLong, 'java.lang.Long'));
    case 'INT':
      // Pinot: UnsupportedOperationException. JS input cannot tell Integer from Long, so small integral numbers are
      // accepted as epoch millis here (as convert.ts does for TIMESTAMP columns).
      return new JTimestamp(BigInt(expect(v, isJInt, 'java.lang.Integer').v));
    case 'DOUBLE':
      return new JTimestamp(doubleToLong(expect(v, isDouble, 'java.lang.Double')));
    case 'BIG_DECIMAL':
    case 'OBJECT':
      return new JTimestamp(longValueOf(v));
    case 'STRING':
      return new JTimestamp(timestampFromString(javaTrim(javaToString(v))));
    case 'FLOAT':
    case 'BOOLEAN':
    case 'BYTES':
    case 'JSON':
      return unsupportedOp(`Cannot convert value from ${t} to TIMESTAMP`);
    case 'MAP':
      return illegalState('There is no single-value type for MAP');
  }
}

/** PinotDataType.<t>.toString(value). */
function svToString(t: SingleType, v: JValue): string {
  switch (t) {
    case 'BIG_DECIMAL':
      return bigDecimalToPlainString(expect(v, isBd, 'java.math.BigDecimal'));
    case 'BYTES':
      return bytesToHex(expect(v, isBytes, '[B'));
    case 'MAP':
      return mapUtilsToString(v as JMap);
    default:
      return javaToString(v);
  }
}

function svToBytes(t: SingleType, v: JValue): Uint8Array {
  switch (t) {
    case 'STRING':
      return hexToBytesJ(javaTrim(javaToString(v)));
    case 'JSON':
      return base64Decode(javaToString(v));
    case 'BIG_DECIMAL':
      return serializeBigDecimal(expect(v, isBd, 'java.math.BigDecimal'));
    case 'BYTES':
      return expect(v, isBytes, '[B');
    default:
      return unsupportedOp(`Cannot convert value from ${t} to BYTES`);
  }
}

/** MapUtils.toString: Jackson with ORDER_MAP_ENTRIES_BY_KEYS. */
let mapWriter: (v: JValue) => string = () => illegalState('JSON writer not initialized');
export function setMapWriter(w: (v: JValue) => string): void {
  mapWriter = w;
}
function mapUtilsToString(v: JMap): string {
  return mapWriter(v);
}

// --- parse helpers that raise Java exceptions

function parseJavaIntJ(s: string): number {
  try {
    return parseJavaInt(s);
  } catch {
    return numberFormat(s);
  }
}
function parseJavaLongJ(s: string): bigint {
  try {
    return parseJavaLong(s);
  } catch {
    return numberFormat(s);
  }
}
function parseDoubleJ(s: string): number {
  try {
    return parseJavaDouble(s);
  } catch {
    return numberFormat(s);
  }
}
function parseFloatJ(s: string): number {
  try {
    return parseJavaFloat(s);
  } catch {
    return numberFormat(s);
  }
}
export function parseBigDecimalJ(s: string): BigDecimal {
  try {
    return parseBigDecimal(s);
  } catch (e) {
    throw new JavaException('NumberFormatException', e instanceof Error ? e.message : String(e));
  }
}
function hexToBytesJ(s: string): Uint8Array {
  try {
    return hexToBytes(s);
  } catch (e) {
    throw new JavaException('IllegalArgumentException', e instanceof Error ? e.message : String(e));
  }
}
export function timestampFromString(s: string): bigint {
  try {
    return timestampStringToMillis(s);
  } catch {
    return illegalArgument(`Invalid timestamp: '${s}'`);
  }
}

/** java.util.Base64 basic decoder (strict: no line breaks, padding optional only at the end). */
export function base64Decode(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || (s.replace(/=+$/, '').length % 4 === 1)) {
    return illegalArgument(`Illegal base64 character or length in input: ${s.length > 40 ? `${s.slice(0, 40)}...` : s}`);
  }
  if (s.includes('=') && s.length % 4 !== 0) return illegalArgument('Input byte array has wrong 4-byte ending unit');
  return new Uint8Array(Buffer.from(s, 'base64'));
}

// ---------------------------------------------------------------------------------------------------------------
// Conversions from any source type (PinotDataType.<source>.toX, multi-value sources taking their first element)
// ---------------------------------------------------------------------------------------------------------------

/**
 * `objectArrayOnly`: toBoolean / toTimestamp read `((Object[]) value)[0]`, so a primitive array or a List fails with a
 * ClassCastException there; the other conversions go through toObjectArray.
 */
function viaSource<T>(v: JValue, sv: (t: SingleType, x: JValue) => T, objectArrayOnly = false): T {
  const t = argumentType(v);
  if (isSingleValueType(t)) return sv(t as SingleType, v);
  if (objectArrayOnly && (t.startsWith('PRIMITIVE_') || t === 'COLLECTION')) return castError(v, '[Ljava.lang.Object;');
  return sv(elementType(t), firstElement(v));
}

export function toJavaInt(v: JValue): number {
  return viaSource(v, svToInt);
}
export function toJavaLong(v: JValue): bigint {
  return viaSource(v, svToLong);
}
export function toJavaFloat(v: JValue): number {
  return viaSource(v, svToFloat);
}
export function toJavaDouble(v: JValue): number {
  return viaSource(v, svToDouble);
}
export function toJavaBigDecimal(v: JValue): BigDecimal {
  return viaSource(v, svToBigDecimal);
}
export function toJavaBoolean(v: JValue): boolean {
  return viaSource(v, svToBoolean, true);
}
export function toJavaTimestamp(v: JValue): JTimestamp {
  return viaSource(v, svToTimestamp, true);
}
/** PinotDataType.STRING.convert(value, sourceType). */
export function toJavaString(v: JValue): string {
  return viaSource(v, svToString);
}
export function toJavaBytes(v: JValue): Uint8Array {
  return viaSource(v, svToBytes);
}

/** PinotDataType.MAP.convert(value, sourceType). */
export function toJavaMap(v: JValue, parseJson: (s: string) => JValue): JMap {
  if (v instanceof JMap) return v;
  if (typeof v === 'string') {
    const m = parseJson(v);
    if (m instanceof JMap) return m;
    return illegalArgument(`Cannot convert '${v}' to MAP`);
  }
  return unsupportedOp(`Cannot convert '${argumentType(v)}' (Class of value: '${javaClassName(v)}') to MAP`);
}

/** One element of a multi-value conversion: the array's element type first, the element's own type on a ClassCastException. */
function elementConvert<T>(declared: SingleType, e: JValue, sv: (t: SingleType, x: JValue) => T): T {
  try {
    return sv(declared, e);
  } catch (err) {
    if (err instanceof JavaClassCastException) return sv(singleValueType(e), e);
    throw err;
  }
}

function toArrayOf<T extends JValue>(v: JValue, kind: ArrayKind, sv: (t: SingleType, x: JValue) => unknown, wrap: (x: never) => T, fallback: boolean): JArray {
  if (v instanceof JArray && v.kind === kind) return v;
  const t = argumentType(v);
  if (isSingleValueType(t)) return new JArray(kind, [wrap(sv(t as SingleType, v) as never)]);
  const et = elementType(t);
  const items = (v as JArray).items.map((e) => {
    if (e === null) throw new JavaException('NullPointerException', 'null element in a multi-value argument');
    return wrap((fallback ? elementConvert(et, e, sv) : sv(et, e)) as never);
  });
  return new JArray(kind, items);
}

export function toIntArray(v: JValue): JArray {
  return toArrayOf(v, 'int', svToInt, (x: number) => new JInt(x), true);
}
export function toLongArray(v: JValue): JArray {
  return toArrayOf(v, 'long', svToLong, (x: bigint) => x, true);
}
export function toFloatArray(v: JValue): JArray {
  return toArrayOf(v, 'float', svToFloat, (x: number) => new JFloat(x), true);
}
export function toDoubleArray(v: JValue): JArray {
  return toArrayOf(v, 'double', svToDouble, (x: number) => x, true);
}
export function toBooleanArray(v: JValue): JArray {
  return toArrayOf(v, 'boolean', svToBoolean, (x: boolean) => x, false);
}
export function toBigDecimalArray(v: JValue): JArray {
  return toArrayOf(v, 'BigDecimal', svToBigDecimal, (x: BigDecimal) => x, false);
}
export function toStringArray(v: JValue): JArray {
  return toArrayOf(v, 'String', svToString, (x: string) => x, false);
}
export function toBytesArray(v: JValue): JArray {
  return toArrayOf(v, 'bytes', svToBytes, (x: Uint8Array) => x, false);
}
export function toTimestampArray(v: JValue): JArray {
  return toArrayOf(v, 'Timestamp', svToTimestamp, (x: JTimestamp) => x, false);
}

// ---------------------------------------------------------------------------------------------------------------
// Function parameters (FunctionInvoker.convertTypes)
// ---------------------------------------------------------------------------------------------------------------

/** A Java parameter class of a scalar function method. */
export type ParamType =
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'String'
  | 'BigDecimal'
  | 'Timestamp'
  | 'bytes'
  | 'Map'
  | 'Object'
  | 'int[]'
  | 'long[]'
  | 'float[]'
  | 'double[]'
  | 'boolean[]'
  | 'String[]'
  | 'BigDecimal[]'
  | 'Timestamp[]'
  | 'bytes[]'
  | 'Object[]';

const REF_ARRAY_KINDS = new Set<ArrayKind>(['Object', 'String', 'BigDecimal', 'bytes', 'Timestamp']);

/** Class.isAssignableFrom(argument.getClass()) for a parameter class. */
function assignable(p: ParamType, v: JValue): boolean {
  switch (p) {
    case 'Object':
      return true;
    case 'String':
      return typeof v === 'string';
    case 'BigDecimal':
      return isBd(v);
    case 'Timestamp':
      return v instanceof JTimestamp;
    case 'bytes':
      return v instanceof Uint8Array;
    case 'Map':
      return v instanceof JMap;
    case 'int[]':
      return v instanceof JArray && v.kind === 'int';
    case 'long[]':
      return v instanceof JArray && v.kind === 'long';
    case 'float[]':
      return v instanceof JArray && v.kind === 'float';
    case 'double[]':
      return v instanceof JArray && v.kind === 'double';
    case 'boolean[]':
      return v instanceof JArray && v.kind === 'boolean';
    case 'String[]':
      return v instanceof JArray && v.kind === 'String';
    case 'BigDecimal[]':
      return v instanceof JArray && v.kind === 'BigDecimal';
    case 'Timestamp[]':
      return v instanceof JArray && v.kind === 'Timestamp';
    case 'bytes[]':
      return v instanceof JArray && v.kind === 'bytes';
    case 'Object[]':
      return v instanceof JArray && REF_ARRAY_KINDS.has(v.kind);
    // Primitive parameter classes are never assignable from boxed classes: Pinot converts (a no-op for the same type).
    default:
      return false;
  }
}

/** Converts one argument to the parameter class, as FunctionInvoker.convertTypes does. */
export function convertArgument(p: ParamType, v: JValue, parseJson: (s: string) => JValue): JValue {
  if (v === null || assignable(p, v)) return v;
  switch (p) {
    case 'int':
      return new JInt(toJavaInt(v));
    case 'long':
      return toJavaLong(v);
    case 'float':
      return new JFloat(toJavaFloat(v));
    case 'double':
      return toJavaDouble(v);
    case 'boolean':
      return toJavaBoolean(v);
    case 'String':
      return toJavaString(v);
    case 'BigDecimal':
      return toJavaBigDecimal(v);
    case 'Timestamp':
      return toJavaTimestamp(v);
    case 'bytes':
      return toJavaBytes(v);
    case 'Map':
      return toJavaMap(v, parseJson);
    case 'int[]':
      return toIntArray(v);
    case 'long[]':
      return toLongArray(v);
    case 'float[]':
      return toFloatArray(v);
    case 'double[]':
      return toDoubleArray(v);
    case 'boolean[]':
      return toBooleanArray(v);
    case 'String[]':
      return toStringArray(v);
    case 'BigDecimal[]':
      return toBigDecimalArray(v);
    case 'Timestamp[]':
      return toTimestampArray(v);
    case 'bytes[]':
      return toBytesArray(v);
    default:
      return illegalArgument(`Cannot convert value from class: ${javaClassName(v)} to class: ${p}`);
  }
}

// --- typed accessors for function bodies (arguments are already converted)

export function argInt(v: JValue | undefined): number {
  return (v as JInt).v;
}
export function argFloat(v: JValue | undefined): number {
  return (v as JFloat).v;
}
export function argStr(v: JValue | undefined): string {
  return v as string;
}
export function argLong(v: JValue | undefined): bigint {
  return v as bigint;
}
export function argDouble(v: JValue | undefined): number {
  return v as number;
}

/** Java String.compareTo as a sign. */
export function stringCompare(a: string, b: string): number {
  return javaStringCompare(a, b);
}

/** Object.equals between two Java values (same class and equal value). */
export function javaEquals(a: JValue, b: JValue): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  // Double.equals / Float.equals compare bits: NaN equals NaN, 0.0 differs from -0.0.
  if (typeof a === 'number') return Object.is(a, b);
  if (typeof a !== 'object') return a === b;
  if (a instanceof JInt) return b instanceof JInt && a.v === b.v;
  if (a instanceof JFloat) return b instanceof JFloat && Object.is(a.v, b.v);
  if (a instanceof JTimestamp) return b instanceof JTimestamp && a.millis === b.millis;
  if (a instanceof Uint8Array) return a === b;
  if (a instanceof JArray) {
    if (!(b instanceof JArray)) return false;
    if (a.kind === 'List' && b.kind === 'List') return a.items.length === b.items.length && a.items.every((x, i) => javaEquals(x, b.items[i] as JValue));
    return a === b;
  }
  if (a instanceof JMap) {
    if (!(b instanceof JMap) || a.entries.size !== b.entries.size) return false;
    for (const [k, x] of a.entries) if (!b.entries.has(k) || !javaEquals(x, b.entries.get(k) as JValue)) return false;
    return true;
  }
  return isBd(b) && isBd(a) && bigDecimalEquals(a, b);
}
