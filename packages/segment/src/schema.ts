/**
 * Pinot schema JSON → a validated, typed schema, following pinot-spi Schema / FieldSpec / DimensionFieldSpec /
 * MetricFieldSpec / DateTimeFieldSpec / TimeFieldSpec / DateTimeFormatSpec / DateTimeGranularitySpec and the checks of
 * pinot-segment-local SchemaUtils.validate + Schema.validate.
 *
 * Deliberately unsupported (rejected with a clear SchemaError): complexFieldSpecs (COMPLEX / MAP / LIST / STRUCT /
 * OPEN_STRUCT), the UUID data type, and legacy timeFieldSpec with an incoming → outgoing conversion.
 */
import type { BigDecimal } from './big-decimal.js';
import { convertDataTypeString, dataTypeToString, isNaNValue, javaDoubleToString } from './convert.js';
import { javaStringCompare } from './writer/dictionary-writer.js';

export type DataType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'BOOLEAN' | 'TIMESTAMP' | 'STRING' | 'JSON' | 'BYTES';
/** FieldSpec.DataType.getStoredType(). */
export type StoredType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'STRING' | 'BYTES';
export type FieldType = 'DIMENSION' | 'METRIC' | 'DATE_TIME' | 'TIME';
export type MaxLengthExceedStrategy = 'TRIM_LENGTH' | 'ERROR' | 'SUBSTITUTE_DEFAULT_VALUE' | 'NO_ACTION';
/** java.util.concurrent.TimeUnit names. */
export type TimeUnitName = 'NANOSECONDS' | 'MICROSECONDS' | 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';

/**
 * A stored value: INT / BOOLEAN → number (int32; BOOLEAN as 0/1), LONG / TIMESTAMP → bigint, FLOAT → number already
 * rounded with Math.fround, DOUBLE → number, BIG_DECIMAL → BigDecimal, STRING / JSON → string, BYTES → Uint8Array.
 */
export type StoredValue = number | bigint | string | Uint8Array | BigDecimal;

/** DateTimeFormatSpec, parsed. */
export interface DateTimeFormat {
  timeFormat: 'EPOCH' | 'TIMESTAMP' | 'SIMPLE_DATE_FORMAT';
  /** EPOCH size (1 otherwise). */
  size: number;
  /** EPOCH unit: a TimeUnit name or one of WEEKS / MONTHS / YEARS (DateTimeTransformUnit); MILLISECONDS otherwise. */
  unit: string;
  /** SIMPLE_DATE_FORMAT pattern (Joda syntax), without the tz(...) suffix; undefined means ISO date-optional-time. */
  sdfPattern?: string;
  /** SIMPLE_DATE_FORMAT time zone id as written (default UTC). */
  timeZone?: string;
}

/** DateTimeGranularitySpec, parsed. */
export interface DateTimeGranularity {
  size: number;
  unit: TimeUnitName;
}

/** Legacy TimeGranularitySpec (timeFieldSpec.incomingGranularitySpec / outgoingGranularitySpec). */
export interface TimeGranularity {
  name: string;
  dataType: DataType;
  timeType: TimeUnitName;
  timeUnitSize: number;
  /** "EPOCH" or "SIMPLE_DATE_FORMAT:<pattern>". */
  timeFormat: string;
}

export interface FieldSpec {
  name: string;
  fieldType: FieldType;
  dataType: DataType;
  storedType: StoredType;
  singleValue: boolean;
  /** FieldSpec.getDefaultNullValue(): Pinot's default for the data type and field type, or the parsed user value. */
  defaultNullValue: StoredValue;
  /** FieldSpec.getDefaultNullValueString() (DataType.toString: BIG_DECIMAL plain, BYTES hex, BOOLEAN "0"/"1", TIMESTAMP millis). */
  defaultNullValueString: string;
  /** maxLength as written in the schema. */
  maxLength?: number;
  /** maxLengthExceedStrategy as written in the schema. */
  maxLengthExceedStrategy?: MaxLengthExceedStrategy;
  /** getEffectiveMaxLength(): maxLength, else 512 (JSON: the configurable JSON default, 512). */
  effectiveMaxLength: number;
  /** getEffectiveMaxLengthExceedStrategy(): as written, else STRING → TRIM_LENGTH, JSON and others → NO_ACTION. */
  effectiveMaxLengthExceedStrategy: MaxLengthExceedStrategy;
  /**
   * getNonDefaultMaxLength() — set only for stored type STRING / BYTES, the only columns for which
   * BaseSegmentCreator.addFieldSpec writes `schemaMaxLength`.
   */
  nonDefaultMaxLength?: number;
  /** getNonDefaultMaxLengthExceedStrategy() — likewise only for stored STRING / BYTES (`schemaMaxLengthExceedStrategy`). */
  nonDefaultMaxLengthExceedStrategy?: MaxLengthExceedStrategy;
  /** DATE_TIME only, verbatim (TIMESTAMP data type: always "TIMESTAMP", as DateTimeFieldSpec forces it). */
  format?: string;
  /** DATE_TIME only, verbatim. */
  granularity?: string;
  /** DATE_TIME: parsed format; TIME: the format Schema.convertToDateTimeFieldSpec derives from the outgoing spec. */
  formatSpec?: DateTimeFormat;
  /** DATE_TIME: parsed granularity; TIME: derived from the outgoing spec. */
  granularitySpec?: DateTimeGranularity;
  /** TIME only (legacy timeFieldSpec). */
  timeFieldSpec?: { incoming: TimeGranularity; outgoing: TimeGranularity };
  notNull: boolean;
  /** BIG_DECIMAL: keep trailing zeros at ingestion (otherwise SpecialValueTransformer strips them). */
  allowTrailingZeros: boolean;
  /** Deprecated schema-level transform function, returned raw (not evaluated here). */
  transformFunction?: string;
  /** Where the spec sits in the schema JSON, e.g. "dimensionFieldSpecs[2]". */
  path: string;
}

export interface PinotSchema {
  schemaName: string;
  /**
   * Physical (non-virtual) fields ordered by name with Java String.compareTo — Schema keeps its field specs in a
   * TreeMap, and getAllFieldSpecs() / getColumnNames() iterate in that order.
   */
  fields: FieldSpec[];
  fieldMap: ReadonlyMap<string, FieldSpec>;
  enableColumnBasedNullHandling: boolean;
  primaryKeyColumns?: string[];
  /**
   * SegmentGeneratorConfig.getDimensions() / getMetrics() / getDateTimeColumnNames(): non-virtual columns of that
   * field type, sorted with Collections.sort (String.compareTo). The legacy TIME column is in none of them.
   */
  dimensionNames: string[];
  metricNames: string[];
  dateTimeNames: string[];
  /** Name of the legacy TIME field, if any. */
  timeFieldName?: string;
  /** Columns declared with a virtualColumnProvider: not part of the segment, not in `fields`. */
  virtualColumns: string[];
}

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(
    readonly detail: string,
    readonly path: string,
    readonly source?: string,
  ) {
    super(`${source !== undefined ? `${source}: ` : ''}${path ? `${path}: ` : ''}${detail}`);
  }
}

export const DATA_TYPES: readonly DataType[] = ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL', 'BOOLEAN', 'TIMESTAMP', 'STRING', 'JSON', 'BYTES'];
const UNSUPPORTED_DATA_TYPES = ['UUID', 'STRUCT', 'MAP', 'OPEN_STRUCT', 'LIST', 'UNKNOWN'];
const METRIC_TYPES: readonly DataType[] = ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL', 'BYTES'];
const STRATEGIES: readonly MaxLengthExceedStrategy[] = ['TRIM_LENGTH', 'ERROR', 'SUBSTITUTE_DEFAULT_VALUE', 'NO_ACTION'];
export const TIME_UNITS: readonly TimeUnitName[] = ['NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS'];
const TRANSFORM_UNITS = ['WEEKS', 'MONTHS', 'YEARS'];
/** BuiltInVirtualColumnDefinitions.NAMES. */
const RESERVED_COLUMNS = new Set(['$docId', '$hostName', '$segmentName', '$partitionId', '$creationTime', '$startTime', '$endTime', '$totalDocs', '$crc']);
export const DEFAULT_MAX_LENGTH = 512;

export function storedTypeOf(dataType: DataType): StoredType {
  switch (dataType) {
    case 'BOOLEAN':
      return 'INT';
    case 'TIMESTAMP':
      return 'LONG';
    case 'JSON':
      return 'STRING';
    default:
      return dataType;
  }
}

/** Character.isWhitespace for UTF-16 units (StringUtils.containsWhitespace). */
// eslint-disable-next-line no-control-regex -- Java's Character.isWhitespace includes U+000B and U+001C-U+001F
const JAVA_WHITESPACE = /[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

/** Pinot-compatible JSON coercions for scalar properties (Jackson accepts "true"/"false" strings for booleans). */
function readBoolean(v: unknown, path: string, what: string, fail: Fail): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return fail(`${what} must be true or false, got ${describe(v)}`, path);
}

function readInt(v: unknown, path: string, what: string, fail: Fail): number {
  let n: number | undefined;
  if (typeof v === 'number' && Number.isInteger(v)) n = v;
  else if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) n = Number(v);
  if (n === undefined || n < -2147483648 || n > 2147483647) return fail(`${what} must be a 32-bit integer, got ${describe(v)}`, path);
  return n;
}

function readString(v: unknown, path: string, what: string, fail: Fail): string {
  if (typeof v !== 'string') return fail(`${what} must be a string, got ${describe(v)}`, path);
  return v;
}

type Fail = (message: string, path: string) => never;

/**
 * The string Jackson's JsonNode.asText() gives for a defaultNullValue (FieldSpec.setDefaultNullValue(JsonNode)):
 * strings as is, numbers as Java prints them, booleans "true"/"false", arrays/objects as compact JSON.
 * NOTE: JSON.parse has already turned `1.0` into 1, so an INT column's `"defaultNullValue": 1.0` is accepted here
 * while Pinot (DoubleNode → "1.0" → Integer.valueOf) rejects it.
 */
function defaultNullValueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
    return javaDoubleToString(v);
  }
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

/** Pinot's FieldSpec.getDefaultNullValue(fieldType, dataType, null). */
export function pinotDefaultNullValue(fieldType: FieldType, dataType: DataType): StoredValue {
  if (fieldType === 'METRIC') {
    switch (dataType) {
      case 'INT':
      case 'FLOAT':
      case 'DOUBLE':
        return 0;
      case 'LONG':
        return 0n;
      case 'BIG_DECIMAL':
        return { unscaled: 0n, scale: 0 };
      case 'BYTES':
        return new Uint8Array(0);
      case 'STRING':
        return 'null';
      default:
        throw new Error(`Unsupported metric data type: ${dataType}`);
    }
  }
  switch (dataType) {
    case 'INT':
      return -2147483648;
    case 'LONG':
      return -9223372036854775808n;
    case 'FLOAT':
    case 'DOUBLE':
      return -Infinity;
    case 'BOOLEAN':
      return 0;
    case 'TIMESTAMP':
      return 0n;
    case 'STRING':
    case 'JSON':
      return 'null';
    case 'BYTES':
      return new Uint8Array(0);
    case 'BIG_DECIMAL':
      return { unscaled: 0n, scale: 0 };
  }
}

/** StringUtil.split(str, separator, max): like String.split with a limit, keeping empty tokens; "" → []. */
export function pinotSplit(str: string, separator: string, max: number): string[] {
  if (str.length === 0) return [];
  if (max === 1) return [str];
  const out: string[] = [];
  let start = 0;
  for (let end = 0; end < str.length; end++) {
    if (str[end] === separator) {
      out.push(str.slice(start, end));
      start = end + 1;
      if (out.length === max - 1) break;
    }
  }
  out.push(str.slice(start));
  return out;
}

/** Integer.parseInt (ASCII digits). */
function javaParseIntOrUndefined(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

const JODA_LETTERS = new Set('GCxyYMdahHkKmsSeEDwzZ'.split(''));

/**
 * DateTimeFormat.forPattern (Joda) validation: a non-empty pattern whose letter runs are all known pattern letters
 * ('...' quoted text and any non-letter are literals; an unterminated quote is accepted, as Joda does).
 */
function validateJodaPattern(pattern: string): string | undefined {
  if (pattern.length === 0) return 'Invalid pattern specification';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      i++;
      while (i < pattern.length) {
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      if (!JODA_LETTERS.has(c)) return `Illegal pattern component: ${pattern.slice(i, j)}`;
      i = j;
      continue;
    }
    i++;
  }
  return undefined;
}

const SDF_WITH_TZ = /^(.+)( tz[ ]*\((.+)\))[ ]*/;

function sdfPatternSpec(patternWithTz: string | undefined): { sdfPattern?: string; timeZone?: string } {
  if (patternWithTz === undefined) return {};
  const m = SDF_WITH_TZ.exec(patternWithTz);
  if (m) return { sdfPattern: m[1]!.trim(), timeZone: m[3]!.trim() };
  return { sdfPattern: patternWithTz };
}

function isUnit(u: string): boolean {
  return (TIME_UNITS as readonly string[]).includes(u) || TRANSFORM_UNITS.includes(u);
}

/**
 * DateTimeFormatSpec(String): colon form `size:timeUnit:timeFormat(:pattern)` (first character a digit) or pipe form
 * `EPOCH|timeUnit(|size)`, `SIMPLE_DATE_FORMAT|pattern(|timeZone)`, `TIMESTAMP`. Returns the parsed spec or an error
 * message worded like Pinot's. Time zone ids are not checked (Pinot's TimeZone.getTimeZone falls back to GMT).
 */
export function parseDateTimeFormat(format: string | undefined | null): DateTimeFormat | string {
  if (format === undefined || format === null || format.length === 0) return 'Must provide format';
  if (/^\p{Nd}/u.test(format[0]!)) {
    const tokens = pinotSplit(format, ':', 4);
    if (tokens.length < 3) return `Invalid format: ${format}, must be of format 'size:timeUnit:timeFormat(:patternWithTz)'`;
    const tf = tokens[2]!;
    if (tf === 'EPOCH') {
      const size = javaParseIntOrUndefined(tokens[0]!);
      if (size === undefined) return `Invalid size: ${tokens[0]} in format: ${format}`;
      if (size <= 0) return `Invalid size: ${size} in format: ${format}, must be positive`;
      if (!isUnit(tokens[1]!)) return `Invalid time unit: ${tokens[1]} in format: ${format}`;
      return { timeFormat: 'EPOCH', size, unit: tokens[1]! };
    }
    if (tf === 'TIMESTAMP') return { timeFormat: 'TIMESTAMP', size: 1, unit: 'MILLISECONDS' };
    if (tf === 'SIMPLE_DATE_FORMAT') {
      const spec = sdfPatternSpec(tokens[3]);
      if (spec.sdfPattern !== undefined && validateJodaPattern(spec.sdfPattern) !== undefined) {
        return `Invalid SIMPLE_DATE_FORMAT pattern: ${tokens[3]} in format: ${format} (${validateJodaPattern(spec.sdfPattern)})`;
      }
      return { timeFormat: 'SIMPLE_DATE_FORMAT', size: 1, unit: 'MILLISECONDS', ...spec };
    }
    return `Invalid time format: ${tf} in format: ${format}`;
  }
  const tokens = pinotSplit(format, '|', 3);
  const tf = tokens[0]!;
  if (tf === 'EPOCH') {
    let size = 1;
    if (tokens.length > 2) {
      const s = javaParseIntOrUndefined(tokens[2]!);
      if (s === undefined) return `Invalid size: ${tokens[2]} in format: ${format}`;
      if (s <= 0) return `Invalid size: ${s} in format: ${format}, must be positive`;
      size = s;
    }
    const unit = tokens.length > 1 ? tokens[1]! : 'MILLISECONDS';
    if (!isUnit(unit)) return `Invalid time unit: ${unit} in format: ${format}`;
    return { timeFormat: 'EPOCH', size, unit };
  }
  if (tf === 'TIMESTAMP') return { timeFormat: 'TIMESTAMP', size: 1, unit: 'MILLISECONDS' };
  if (tf === 'SIMPLE_DATE_FORMAT') {
    if (tokens.length > 2) {
      const err = validateJodaPattern(tokens[1]!);
      if (err !== undefined) return `Invalid SIMPLE_DATE_FORMAT pattern: ${tokens[1]}, time zone: ${tokens[2]} in format: ${format} (${err})`;
      return { timeFormat: 'SIMPLE_DATE_FORMAT', size: 1, unit: 'MILLISECONDS', sdfPattern: tokens[1]!, timeZone: tokens[2]! };
    }
    const spec = sdfPatternSpec(tokens[1]);
    if (spec.sdfPattern !== undefined) {
      const err = validateJodaPattern(spec.sdfPattern);
      if (err !== undefined) return `Invalid SIMPLE_DATE_FORMAT pattern: ${tokens[1]} in format: ${format} (${err})`;
    }
    return { timeFormat: 'SIMPLE_DATE_FORMAT', size: 1, unit: 'MILLISECONDS', ...spec };
  }
  return `Invalid time format: ${tf} in format: ${format}`;
}

/** DateTimeGranularitySpec(String): `size:timeUnit` (first character a digit) or `timeUnit(|size)`. */
export function parseDateTimeGranularity(granularity: string | undefined | null): DateTimeGranularity | string {
  if (granularity === undefined || granularity === null || granularity.length === 0) return 'Must provide granularity';
  const colon = /^\p{Nd}/u.test(granularity[0]!);
  const tokens = pinotSplit(granularity, colon ? ':' : '|', 2);
  if (colon ? tokens.length !== 2 : tokens.length < 1 || tokens.length > 2) {
    return `Invalid granularity: ${granularity}, must be of format 'timeUnit(|size)' or 'size:timeUnit'`;
  }
  const unit = tokens[colon ? 1 : 0]!;
  if (!(TIME_UNITS as readonly string[]).includes(unit)) return `Invalid time unit: ${unit} in granularity: ${granularity}`;
  if (tokens.length === 1) return { size: 1, unit: unit as TimeUnitName };
  const sizeStr = tokens[colon ? 0 : 1]!;
  const size = javaParseIntOrUndefined(sizeStr);
  if (size === undefined) return `Invalid size: ${sizeStr} in granularity: ${granularity}`;
  if (size <= 0) return `Invalid size: ${size} in granularity: ${granularity}, must be positive`;
  return { size, unit: unit as TimeUnitName };
}

const SDF_ORDER: Record<string, number> = { y: 0, M: 1, d: 2, H: 3, m: 4, s: 5, S: 6 };

/** SchemaUtils.validateDateTimeFieldSpec: the pattern must sort both lexicographically and chronologically. */
function checkSdfOrdering(pattern: string): string | undefined {
  const maxIndexes = [-1, -1, -1, -1, -1, -1, -1, -1];
  for (let idx = 0; idx < pattern.length; idx++) maxIndexes[SDF_ORDER[pattern[idx]!] ?? 7] = idx;
  for (let idx = 0; idx < maxIndexes.length - 2; idx++) {
    if (!(maxIndexes[idx]! <= maxIndexes[idx + 1]! || maxIndexes[idx + 1] === -1)) {
      return `SIMPLE_DATE_FORMAT pattern ${pattern} has to be sorted by both lexicographical and datetime order`;
    }
    maxIndexes[idx + 1] = Math.max(maxIndexes[idx + 1]!, maxIndexes[idx]!);
  }
  return undefined;
}

interface RawFieldContext {
  path: string;
  fieldType: FieldType;
  listKey: string;
}

const KNOWN_SCHEMA_KEYS = new Set(['schemaName', 'dimensionFieldSpecs', 'metricFieldSpecs', 'dateTimeFieldSpecs', 'timeFieldSpec', 'complexFieldSpecs', 'primaryKeyColumns', 'enableColumnBasedNullHandling', 'description', 'tags']);

/**
 * Parses and validates a Pinot schema JSON (the object users put in `schema.json`). Unknown properties are ignored,
 * as Pinot's @JsonIgnoreProperties(ignoreUnknown = true) does.
 */
export function parseSchema(json: unknown, source?: string): PinotSchema {
  const fail: Fail = (message, path) => {
    throw new SchemaError(message, path, source);
  };
  if (!isObject(json)) fail(`a Pinot schema must be a JSON object, got ${describe(json)}`, '');
  const obj = json as Record<string, unknown>;

  const byName = new Map<string, FieldSpec>();
  const declaredAt = new Map<string, string>();
  const virtual = new Set<string>();
  let timeFieldName: string | undefined;

  // Schema.addField: "Field spec already exists for column" (all lists share one name space).
  const addField = (spec: FieldSpec, isVirtual: boolean): void => {
    const first = declaredAt.get(spec.name);
    if (first !== undefined) {
      fail(`field "${spec.name}" is declared twice (first at ${first}) — Pinot: Field spec already exists for column: ${spec.name}`, spec.path);
    }
    declaredAt.set(spec.name, spec.path);
    if (isVirtual) virtual.add(spec.name);
    else byName.set(spec.name, spec);
  };

  // Jackson calls the list setters in document order, so duplicates are reported at their second occurrence.
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (!KNOWN_SCHEMA_KEYS.has(key)) continue;
    if (value === null || value === undefined) continue;
    switch (key) {
      case 'dimensionFieldSpecs':
      case 'metricFieldSpecs':
      case 'dateTimeFieldSpecs': {
        if (!Array.isArray(value)) fail(`${key} must be an array, got ${describe(value)}`, key);
        const fieldType: FieldType = key === 'dimensionFieldSpecs' ? 'DIMENSION' : key === 'metricFieldSpecs' ? 'METRIC' : 'DATE_TIME';
        (value as unknown[]).forEach((raw, i) => {
          const { spec, isVirtual } = parseFieldSpec(raw, { path: `${key}[${i}]`, fieldType, listKey: key }, fail);
          addField(spec, isVirtual);
        });
        break;
      }
      case 'timeFieldSpec': {
        const { spec, isVirtual } = parseTimeFieldSpec(value, fail);
        addField(spec, isVirtual);
        if (!isVirtual) timeFieldName = spec.name;
        break;
      }
      case 'complexFieldSpecs':
        if (Array.isArray(value) && value.length === 0) break;
        fail('complex field specs (COMPLEX fields: MAP / LIST / STRUCT / OPEN_STRUCT) are not supported by @deepstore/segment', key);
        break;
      default:
        break;
    }
  }

  const schemaName = obj.schemaName;
  if (schemaName === undefined || schemaName === null) fail('schemaName is missing', 'schemaName');
  readString(schemaName, 'schemaName', 'schemaName', fail);
  const enableColumnBasedNullHandling =
    obj.enableColumnBasedNullHandling === undefined || obj.enableColumnBasedNullHandling === null
      ? false
      : readBoolean(obj.enableColumnBasedNullHandling, 'enableColumnBasedNullHandling', 'enableColumnBasedNullHandling', fail);

  let primaryKeyColumns: string[] | undefined;
  if (obj.primaryKeyColumns !== undefined && obj.primaryKeyColumns !== null) {
    if (!Array.isArray(obj.primaryKeyColumns)) fail(`primaryKeyColumns must be an array of column names, got ${describe(obj.primaryKeyColumns)}`, 'primaryKeyColumns');
    primaryKeyColumns = (obj.primaryKeyColumns as unknown[]).map((c, i) => {
      const name = readString(c, `primaryKeyColumns[${i}]`, 'a primary key column', fail);
      // SchemaUtils.validate: "The primary key column must exist" (and be a physical column).
      if (!byName.has(name)) fail(`primary key column "${name}" is not a (non-virtual) column of the schema — Pinot: The primary key column must exist`, `primaryKeyColumns[${i}]`);
      return name;
    });
  }

  const fields = [...byName.values()].sort((a, b) => javaStringCompare(a.name, b.name));
  const namesOf = (t: FieldType): string[] => fields.filter((f) => f.fieldType === t).map((f) => f.name);
  const schema: PinotSchema = {
    schemaName: schemaName as string,
    fields,
    fieldMap: new Map(fields.map((f) => [f.name, f])),
    enableColumnBasedNullHandling,
    dimensionNames: namesOf('DIMENSION'),
    metricNames: namesOf('METRIC'),
    dateTimeNames: namesOf('DATE_TIME'),
    virtualColumns: [...virtual].sort(javaStringCompare),
  };
  if (primaryKeyColumns) schema.primaryKeyColumns = primaryKeyColumns;
  if (timeFieldName !== undefined) schema.timeFieldName = timeFieldName;
  return schema;
}

function readDataType(v: unknown, path: string, name: string, fail: Fail): DataType {
  if (v === undefined || v === null) return fail(`field "${name}": dataType is missing`, path);
  if (typeof v !== 'string') return fail(`field "${name}": dataType must be a string, got ${describe(v)}`, path);
  if ((DATA_TYPES as readonly string[]).includes(v)) return v as DataType;
  if (UNSUPPORTED_DATA_TYPES.includes(v)) return fail(`field "${name}": data type ${v} is not supported by @deepstore/segment`, path);
  return fail(`field "${name}": unknown data type ${describe(v)} (expected one of ${DATA_TYPES.join(', ')})`, path);
}

function readStrategy(v: unknown, path: string, name: string, fail: Fail): MaxLengthExceedStrategy {
  if (typeof v === 'string' && (STRATEGIES as readonly string[]).includes(v)) return v as MaxLengthExceedStrategy;
  return fail(`field "${name}": unknown maxLengthExceedStrategy ${describe(v)} (expected one of ${STRATEGIES.join(', ')})`, path);
}

function checkName(name: unknown, path: string, fail: Fail): string {
  if (name === undefined || name === null) return fail('field name is missing', `${path}.name`);
  if (typeof name !== 'string') return fail(`field name must be a string, got ${describe(name)}`, `${path}.name`);
  if (name.length === 0) return fail('field name is empty', `${path}.name`);
  if (JAVA_WHITESPACE.test(name)) fail(`The column name "${name}" should not contain blank space.`, `${path}.name`);
  return name;
}

function parseFieldSpec(raw: unknown, ctx: RawFieldContext, fail: Fail): { spec: FieldSpec; isVirtual: boolean } {
  const { path, fieldType } = ctx;
  if (!isObject(raw)) fail(`a field spec must be a JSON object, got ${describe(raw)}`, path);
  const o = raw as Record<string, unknown>;
  const name = checkName(o.name, path, fail);
  if (o.fieldType !== undefined && o.fieldType !== null && o.fieldType !== fieldType) {
    if (o.fieldType === 'COMPLEX') fail(`field "${name}": COMPLEX fields are not supported by @deepstore/segment`, `${path}.fieldType`);
    fail(`field "${name}": fieldType ${describe(o.fieldType)} does not belong in ${ctx.listKey} (expected ${fieldType})`, `${path}.fieldType`);
  }
  const dataType = readDataType(o.dataType, `${path}.dataType`, name, fail);
  // Schema.validate(fieldType, dataType)
  if (fieldType === 'METRIC' && !METRIC_TYPES.includes(dataType)) {
    fail(`field "${name}": data type ${dataType} is not allowed for a METRIC field (allowed: ${METRIC_TYPES.join(', ')}) — Pinot: Unsupported data type: ${dataType} in METRIC field`, `${path}.dataType`);
  }
  let singleValue = true;
  if (o.singleValueField !== undefined && o.singleValueField !== null) {
    singleValue = readBoolean(o.singleValueField, `${path}.singleValueField`, `field "${name}": singleValueField`, fail);
  }
  if (!singleValue && fieldType === 'METRIC') fail(`field "${name}": a METRIC field cannot be multi-value — Pinot: Unsupported multi-value for metric field.`, `${path}.singleValueField`);
  if (!singleValue && fieldType === 'DATE_TIME') fail(`field "${name}": a DATE_TIME field cannot be multi-value — Pinot: Unsupported multi-value for date time field.`, `${path}.singleValueField`);
  if (!singleValue && dataType === 'JSON') fail(`field "${name}": JSON columns cannot be of multi-value type`, `${path}.singleValueField`);

  const isVirtual = typeof o.virtualColumnProvider === 'string' && o.virtualColumnProvider.length > 0;
  if (!isVirtual && RESERVED_COLUMNS.has(name)) fail(`The column name "${name}" is reserved for a built-in virtual column.`, `${path}.name`);

  const spec = commonSpec(o, name, fieldType, dataType, singleValue, path, fail);

  if (fieldType === 'DATE_TIME') {
    // DateTimeFieldSpec.setDataType/setFormat: the format of a TIMESTAMP column is always "TIMESTAMP".
    let format: string | undefined;
    if (dataType === 'TIMESTAMP') format = 'TIMESTAMP';
    else if (o.format !== undefined && o.format !== null) format = readString(o.format, `${path}.format`, `field "${name}": format`, fail);
    const formatSpec = parseDateTimeFormat(format);
    if (typeof formatSpec === 'string') fail(`field "${name}": invalid format ${describe(format ?? null)}: ${formatSpec}`, `${path}.format`);
    const fs = formatSpec as DateTimeFormat;
    if (fs.sdfPattern !== undefined) {
      const err = checkSdfOrdering(fs.sdfPattern);
      if (err !== undefined) fail(`field "${name}": ${err}`, `${path}.format`);
    }
    let granularity: string | undefined;
    if (o.granularity !== undefined && o.granularity !== null) granularity = readString(o.granularity, `${path}.granularity`, `field "${name}": granularity`, fail);
    const granularitySpec = parseDateTimeGranularity(granularity);
    if (typeof granularitySpec === 'string') fail(`field "${name}": invalid granularity ${describe(granularity ?? null)}: ${granularitySpec}`, `${path}.granularity`);
    spec.format = format!;
    spec.granularity = granularity!;
    spec.formatSpec = fs;
    spec.granularitySpec = granularitySpec as DateTimeGranularity;
  }
  return { spec, isVirtual };
}

function commonSpec(o: Record<string, unknown>, name: string, fieldType: FieldType, dataType: DataType, singleValue: boolean, path: string, fail: Fail): FieldSpec {
  let maxLength: number | undefined;
  if (o.maxLength !== undefined && o.maxLength !== null) {
    maxLength = readInt(o.maxLength, `${path}.maxLength`, `field "${name}": maxLength`, fail);
    if (maxLength < 0) fail(`field "${name}": maxLength must not be negative, got ${maxLength}`, `${path}.maxLength`);
  }
  let strategy: MaxLengthExceedStrategy | undefined;
  if (o.maxLengthExceedStrategy !== undefined && o.maxLengthExceedStrategy !== null) {
    strategy = readStrategy(o.maxLengthExceedStrategy, `${path}.maxLengthExceedStrategy`, name, fail);
  }
  const notNull = o.notNull === undefined || o.notNull === null ? false : readBoolean(o.notNull, `${path}.notNull`, `field "${name}": notNull`, fail);
  const allowTrailingZeros =
    o.allowTrailingZeros === undefined || o.allowTrailingZeros === null ? false : readBoolean(o.allowTrailingZeros, `${path}.allowTrailingZeros`, `field "${name}": allowTrailingZeros`, fail);

  let defaultNullValue: StoredValue;
  if (o.defaultNullValue === undefined || o.defaultNullValue === null) {
    defaultNullValue = pinotDefaultNullValue(fieldType, dataType);
  } else {
    const text = defaultNullValueText(o.defaultNullValue);
    try {
      defaultNullValue = convertDataTypeString(dataType, text);
    } catch {
      return fail(`field "${name}": defaultNullValue ${describe(o.defaultNullValue)} is not a valid ${dataType} — Pinot: Cannot convert value: '${text}' to type: ${dataType}`, `${path}.defaultNullValue`);
    }
  }
  // SchemaUtils.validateDefaultIsNotNaN
  if ((dataType === 'FLOAT' || dataType === 'DOUBLE') && isNaNValue(defaultNullValue)) {
    fail(`field "${name}": NaN as null default value is not managed yet for ${name}`, `${path}.defaultNullValue`);
  }

  const storedType = storedTypeOf(dataType);
  const effectiveMaxLength = maxLength ?? DEFAULT_MAX_LENGTH;
  const effectiveStrategy: MaxLengthExceedStrategy = strategy ?? (dataType === 'STRING' ? 'TRIM_LENGTH' : 'NO_ACTION');
  const spec: FieldSpec = {
    name,
    fieldType,
    dataType,
    storedType,
    singleValue,
    defaultNullValue,
    defaultNullValueString: dataTypeToString(dataType, defaultNullValue),
    effectiveMaxLength,
    effectiveMaxLengthExceedStrategy: effectiveStrategy,
    notNull,
    allowTrailingZeros,
    path,
  };
  if (maxLength !== undefined) spec.maxLength = maxLength;
  if (strategy !== undefined) spec.maxLengthExceedStrategy = strategy;
  if (storedType === 'STRING' || storedType === 'BYTES') {
    if (effectiveMaxLength !== DEFAULT_MAX_LENGTH) spec.nonDefaultMaxLength = effectiveMaxLength;
    const nonDefault = dataType === 'STRING' ? effectiveStrategy !== 'TRIM_LENGTH' : effectiveStrategy !== 'NO_ACTION';
    if (nonDefault) spec.nonDefaultMaxLengthExceedStrategy = effectiveStrategy;
  }
  if (typeof o.transformFunction === 'string' && o.transformFunction.length > 0) spec.transformFunction = o.transformFunction;
  return spec;
}

function parseTimeGranularity(raw: unknown, path: string, fail: Fail): TimeGranularity {
  if (!isObject(raw)) return fail(`must be a JSON object, got ${describe(raw)}`, path);
  const name = checkName(raw.name, path, fail);
  const dataType = readDataType(raw.dataType, `${path}.dataType`, name, fail);
  const tt = raw.timeType;
  if (typeof tt !== 'string' || !(TIME_UNITS as readonly string[]).includes(tt)) {
    fail(`time field "${name}": timeType must be one of ${TIME_UNITS.join(', ')}, got ${describe(tt)}`, `${path}.timeType`);
  }
  let timeUnitSize = 1;
  const sizeRaw = raw.timeUnitSize ?? raw.timeunitSize;
  if (sizeRaw !== undefined && sizeRaw !== null) {
    timeUnitSize = readInt(sizeRaw, `${path}.timeUnitSize`, `time field "${name}": timeUnitSize`, fail);
    if (timeUnitSize <= 0) fail(`time field "${name}": timeUnitSize must be positive, got ${timeUnitSize}`, `${path}.timeUnitSize`);
  }
  let timeFormat = 'EPOCH';
  if (raw.timeFormat !== undefined && raw.timeFormat !== null) timeFormat = readString(raw.timeFormat, `${path}.timeFormat`, `time field "${name}": timeFormat`, fail);
  if (timeFormat !== 'EPOCH' && !timeFormat.startsWith('SIMPLE_DATE_FORMAT:')) {
    fail(`time field "${name}": timeFormat must be EPOCH or SIMPLE_DATE_FORMAT:<pattern>, got ${describe(timeFormat)}`, `${path}.timeFormat`);
  }
  return { name, dataType, timeType: tt as TimeUnitName, timeUnitSize, timeFormat };
}

function sameGranularity(a: TimeGranularity, b: TimeGranularity): boolean {
  return a.name === b.name && a.dataType === b.dataType && a.timeType === b.timeType && a.timeUnitSize === b.timeUnitSize && a.timeFormat === b.timeFormat;
}

/**
 * Legacy TimeFieldSpec. The column takes name and data type from the outgoing spec (the incoming one when absent).
 * Only the no-conversion case is supported: an outgoing spec that differs from the incoming one makes Pinot convert
 * values from the incoming column at ingestion (TimeSpecFunctionEvaluator), which this package does not do.
 */
function parseTimeFieldSpec(raw: unknown, fail: Fail): { spec: FieldSpec; isVirtual: boolean } {
  const path = 'timeFieldSpec';
  if (!isObject(raw)) return fail(`must be a JSON object, got ${describe(raw)}`, path);
  if (raw.incomingGranularitySpec === undefined || raw.incomingGranularitySpec === null) fail('incomingGranularitySpec is missing', `${path}.incomingGranularitySpec`);
  const incoming = parseTimeGranularity(raw.incomingGranularitySpec, `${path}.incomingGranularitySpec`, fail);
  const outgoing =
    raw.outgoingGranularitySpec === undefined || raw.outgoingGranularitySpec === null
      ? incoming
      : parseTimeGranularity(raw.outgoingGranularitySpec, `${path}.outgoingGranularitySpec`, fail);
  if (!sameGranularity(incoming, outgoing)) {
    // SchemaUtils.validateTimeFieldSpec first, then the unsupported conversion.
    if (incoming.name === outgoing.name) fail(`Cannot convert from incoming field spec to outgoing field spec if name is the same ("${incoming.name}")`, `${path}.outgoingGranularitySpec`);
    if (incoming.timeFormat !== 'EPOCH' || outgoing.timeFormat !== 'EPOCH') fail('Cannot perform time conversion for time format other than EPOCH', `${path}.outgoingGranularitySpec`);
    fail(
      `time field "${outgoing.name}": converting the incoming time column "${incoming.name}" (${incoming.timeUnitSize}:${incoming.timeType}) to the outgoing one (${outgoing.timeUnitSize}:${outgoing.timeType}) is not supported by @deepstore/segment; declare a DATE_TIME field and an ingestion transform instead`,
      `${path}.outgoingGranularitySpec`,
    );
  }
  const name = outgoing.name;
  if (raw.singleValueField === false || raw.singleValueField === 'false') fail(`time field "${name}": Unsupported multi-value for time field.`, `${path}.singleValueField`);
  if (RESERVED_COLUMNS.has(name)) fail(`The column name "${name}" is reserved for a built-in virtual column.`, `${path}.name`);
  const spec = commonSpec(raw, name, 'TIME', outgoing.dataType, true, path, fail);
  // Schema.convertToDateTimeFieldSpec
  const format =
    outgoing.timeFormat === 'EPOCH'
      ? `${outgoing.timeUnitSize}:${outgoing.timeType}:EPOCH`
      : `${outgoing.timeUnitSize}:${outgoing.timeType}:SIMPLE_DATE_FORMAT:${outgoing.timeFormat.slice('SIMPLE_DATE_FORMAT:'.length)}`;
  const formatSpec = parseDateTimeFormat(format);
  if (typeof formatSpec === 'string') fail(`time field "${name}": ${formatSpec}`, `${path}.outgoingGranularitySpec.timeFormat`);
  spec.formatSpec = formatSpec as DateTimeFormat;
  spec.granularitySpec = { size: outgoing.timeUnitSize, unit: outgoing.timeType };
  spec.timeFieldSpec = { incoming, outgoing };
  const isVirtual = typeof raw.virtualColumnProvider === 'string' && raw.virtualColumnProvider.length > 0;
  return { spec, isVirtual };
}
