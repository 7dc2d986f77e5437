/**
 * Pinot's segment name generators (pinot-segment-spi `creator/name/`): Simple, NormalizedDate,
 * Fixed, InputFile and UploadedRealtime, and the batch-ingestion factory that maps a job spec's
 * `segmentNameGeneratorSpec` (`type` + `configs`) onto them (SegmentGenerationTaskRunner).
 *
 * NormalizedDate formats and parses dates with Joda-Time patterns (Pinot's DateTimeFormatPatternSpec
 * uses `DateTimeFormat.forPattern(p).withZone(zone).withLocale(Locale.ENGLISH)`), so a subset of
 * Joda's pattern engine is reproduced here; unsupported letters throw instead of guessing.
 */
import { randomUUID } from 'node:crypto';
import { SegmentUnsupportedError } from './errors.js';

/** Pinot's IllegalArgumentException / IllegalStateException / NullPointerException equivalents. */
export class SegmentNameError extends Error {
  override readonly name = 'SegmentNameError';
}

export type TimeValue = string | number | bigint;

export interface SegmentNameInput {
  /** Negative (the default, -1) means "no sequence id". */
  sequenceId?: number;
  minTimeValue?: TimeValue | null;
  maxTimeValue?: TimeValue | null;
}

export interface SegmentNameGenerator {
  /** `generateSegmentName(sequenceId, minTimeValue, maxTimeValue)`. */
  generate(input?: SegmentNameInput): string;
  /** The generator's `toString()`, as Pinot logs it. */
  toString(): string;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/**
 * SegmentNameUtils.validatePartialOrFullSegmentName: `.*[\\/:\*?"<>|].*` with `matches()`. Java's
 * `.` stops at line terminators, so a name holding one never matches (and is accepted).
 */
export function validatePartialOrFullSegmentName(name: string): void {
  if (!/[\n\r\u0085\u2028\u2029]/.test(name) && /[\\/:*?"<>|]/.test(name)) {
    throw new SegmentNameError(`Invalid partial or full segment name: ${name}`);
  }
}

/** `Joiner.on('_').skipNulls()`: nulls are skipped, empty strings are kept. */
function joinSkipNulls(parts: readonly (string | null | undefined)[]): string {
  return parts.filter((p): p is string => p !== null && p !== undefined).join('_');
}

/** Java `Object.toString()` of a time value: Long for numbers, the string itself otherwise. */
function timeValueToString(v: TimeValue): string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`time value ${v} is not an integer; pass a string or bigint`);
    return String(v === 0 ? 0 : v);
  }
  return typeof v === 'bigint' ? v.toString() : v;
}

function sequencePart(sequenceId: number | undefined, exclude = false): string | null {
  const id = sequenceId ?? -1;
  if (!Number.isInteger(id)) throw new TypeError(`sequenceId must be an integer, got ${id}`);
  return !exclude && id >= 0 ? String(id) : null;
}

/** Java `String.trim()`: strips chars <= U+0020. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** commons-lang3 `StringUtils.isBlank` (Character.isWhitespace: no non-breaking spaces). */
function isBlank(s: string | null | undefined): boolean {
  if (s === null || s === undefined) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ws = (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c === 0x1680 || (c >= 0x2000 && c <= 0x2006)
      || (c >= 0x2008 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
    if (!ws) return false;
  }
  return true;
}

/** `Boolean.parseBoolean`: true only for "true", any case. */
function parseJavaBoolean(s: string | undefined): boolean {
  return s !== undefined && s.toLowerCase() === 'true';
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** `Long.parseLong` / `Integer.parseInt` (ASCII digits, optional sign, range checked). */
function parseJavaInteger(s: string, bits: 32 | 64): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new SegmentNameError(`NumberFormatException: For input string: "${s}"`);
  const v = BigInt(s);
  const max = bits === 64 ? LONG_MAX : 2147483647n;
  const min = bits === 64 ? LONG_MIN : -2147483648n;
  if (v > max || v < min) throw new SegmentNameError(`NumberFormatException: For input string: "${s}"`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Generators

/** SimpleSegmentNameGenerator: `prefix[_min_max][_postfix][_sequenceId][_uuid]`, no time conversion. */
export class SimpleSegmentNameGenerator implements SegmentNameGenerator {
  constructor(
    readonly segmentNamePrefix: string,
    readonly segmentNamePostfix: string | null = null,
    readonly appendUUIDToSegmentName = false,
    readonly excludeTimeInSegmentName = false,
  ) {
    if (segmentNamePrefix === null || segmentNamePrefix === undefined) {
      throw new SegmentNameError('Missing segmentNamePrefix for SimpleSegmentNameGenerator');
    }
    validatePartialOrFullSegmentName(segmentNamePrefix);
    if (segmentNamePostfix !== null) validatePartialOrFullSegmentName(segmentNamePostfix);
  }

  generate(input: SegmentNameInput = {}): string {
    const uuid = this.appendUUIDToSegmentName ? randomUUID() : null;
    const seq = sequencePart(input.sequenceId);
    if (this.excludeTimeInSegmentName) return joinSkipNulls([this.segmentNamePrefix, this.segmentNamePostfix, seq, uuid]);
    const min = input.minTimeValue === null || input.minTimeValue === undefined ? null : timeValueToString(input.minTimeValue);
    const max = input.maxTimeValue === null || input.maxTimeValue === undefined ? null : timeValueToString(input.maxTimeValue);
    if (min !== null) validatePartialOrFullSegmentName(min);
    if (max !== null) validatePartialOrFullSegmentName(max);
    return joinSkipNulls([this.segmentNamePrefix, min, max, this.segmentNamePostfix, seq, uuid]);
  }

  toString(): string {
    let s = `SimpleSegmentNameGenerator: tableName=${this.segmentNamePrefix}`;
    if (this.segmentNamePostfix !== null) s += `, segmentNamePostfix=${this.segmentNamePostfix}`;
    return `${s}, appendUUIDToSegmentName=${this.appendUUIDToSegmentName}, excludeTimeInSegmentName=${this.excludeTimeInSegmentName}`;
  }
}

/** FixedSegmentNameGenerator: always the configured name. */
export class FixedSegmentNameGenerator implements SegmentNameGenerator {
  constructor(readonly segmentName: string) {
    if (segmentName === null || segmentName === undefined) {
      throw new SegmentNameError('Missing segmentName for FixedSegmentNameGenerator');
    }
    validatePartialOrFullSegmentName(segmentName);
  }

  generate(): string {
    return this.segmentName;
  }

  toString(): string {
    return `FixedSegmentNameGenerator: segmentName=${this.segmentName}`;
  }
}

export interface NormalizedDateOptions {
  tableName: string;
  segmentNamePrefix?: string | null;
  excludeSequenceId?: boolean;
  /** Only "APPEND" (any case) puts dates in the name; REFRESH and anything else do not. */
  pushType?: string | null;
  /** "hourly" (any case) adds the hour: yyyy-MM-dd-HH. */
  pushFrequency?: string | null;
  /** The time column's format, e.g. `1:DAYS:EPOCH`, `1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd`, `EPOCH|HOURS`. */
  dateTimeFormat?: string | DateTimeFormatSpec | null;
  segmentNamePostfix?: string | null;
  appendUUIDToSegmentName?: boolean;
}

const PUSH_FREQUENCY_HOURLY = 'hourly';

/**
 * NormalizedDateSegmentNameGenerator: for APPEND tables `prefix_minDate_maxDate[_postfix][_seq]`
 * with dates in UTC `yyyy-MM-dd` (`yyyy-MM-dd-HH` when hourly); otherwise `prefix[_postfix][_seq]`.
 */
export class NormalizedDateSegmentNameGenerator implements SegmentNameGenerator {
  readonly segmentNamePrefix: string;
  readonly segmentNamePostfix: string | null;
  readonly excludeSequenceId: boolean;
  readonly appendPushType: boolean;
  readonly appendUUIDToSegmentName: boolean;
  private readonly outputPattern: string | null = null;
  private readonly outputFormatter: JodaFormatter | null = null;
  /** EPOCH/TIMESTAMP input: the column's java TimeUnit (null for WEEKS/MONTHS/YEARS). */
  private readonly inputTimeUnit: JavaTimeUnit | null = null;
  private readonly inputSpec: DateTimeFormatSpec | null = null;

  constructor(options: NormalizedDateOptions) {
    const prefix = options.segmentNamePrefix ?? null;
    const trimmedPrefix = prefix !== null ? javaTrim(prefix) : options.tableName;
    if (trimmedPrefix === null || trimmedPrefix === undefined) {
      throw new SegmentNameError('Missing segmentNamePrefix for NormalizedDateSegmentNameGenerator');
    }
    this.segmentNamePrefix = trimmedPrefix;
    validatePartialOrFullSegmentName(this.segmentNamePrefix);
    this.excludeSequenceId = options.excludeSequenceId ?? false;
    this.appendPushType = (options.pushType ?? '').toUpperCase() === 'APPEND';
    this.segmentNamePostfix = options.segmentNamePostfix === null || options.segmentNamePostfix === undefined ? null : javaTrim(options.segmentNamePostfix);
    this.appendUUIDToSegmentName = options.appendUUIDToSegmentName ?? false;
    if (this.segmentNamePostfix !== null) validatePartialOrFullSegmentName(this.segmentNamePostfix);

    if (!this.appendPushType) return;
    this.outputPattern = (options.pushFrequency ?? '').toLowerCase() === PUSH_FREQUENCY_HOURLY ? 'yyyy-MM-dd-HH' : 'yyyy-MM-dd';
    this.outputFormatter = compileJodaPattern(this.outputPattern);
    const spec = typeof options.dateTimeFormat === 'string' ? parseDateTimeFormatSpec(options.dateTimeFormat) : options.dateTimeFormat;
    if (spec === null || spec === undefined) {
      throw new SegmentNameError(
        'Must provide date time format spec for NormalizedDateSegmentNameGenerator. Common problems: missing '
          + 'timeColumnName in table config, missing schema for timeColumnName, timeColumnName is not a date time '
          + 'field, or missing format spec in timeColumnName schema',
      );
    }
    if (spec.timeFormat === 'EPOCH' || spec.timeFormat === 'TIMESTAMP') {
      this.inputTimeUnit = spec.timeUnit;
    } else {
      if (spec.sdfPattern === null) {
        throw new SegmentNameError(
          'Must provide pattern for SIMPLE_DATE_FORMAT for NormalizedDateSegmentNameGenerator. Common problem: the '
            + 'format spec in timeColumnName schema is SIMPLE_DATE_FORMAT but pattern is missing',
        );
      }
      this.inputSpec = spec;
    }
  }

  generate(input: SegmentNameInput = {}): string {
    const seq = sequencePart(input.sequenceId, this.excludeSequenceId);
    const uuid = this.appendUUIDToSegmentName ? randomUUID() : null;
    if (!this.appendPushType) return joinSkipNulls([this.segmentNamePrefix, this.segmentNamePostfix, seq, uuid]);
    const { minTimeValue, maxTimeValue } = input;
    if (minTimeValue === null || minTimeValue === undefined) {
      throw new SegmentNameError('Missing minTimeValue for NormalizedDateSegmentNameGenerator');
    }
    if (maxTimeValue === null || maxTimeValue === undefined) {
      throw new SegmentNameError('Missing maxTimeValue for NormalizedDateSegmentNameGenerator');
    }
    return joinSkipNulls([
      this.segmentNamePrefix, this.getNormalizedDate(minTimeValue), this.getNormalizedDate(maxTimeValue),
      this.segmentNamePostfix, seq, uuid,
    ]);
  }

  /** `getNormalizedDate`: the time value as a UTC date in the output pattern. */
  getNormalizedDate(timeValue: TimeValue): string {
    const out = this.outputFormatter as JodaFormatter;
    const text = timeValueToString(timeValue);
    if (this.inputTimeUnit !== null) {
      // The column size is ignored: `_inputTimeUnit.toMillis(Long.parseLong(value))`.
      return out.print(timeUnitToMillis(this.inputTimeUnit, parseJavaInteger(text, 64)), 0);
    }
    if (this.inputSpec === null) {
      // Pinot dereferences a null _inputSDF here (EPOCH with WEEKS/MONTHS/YEARS): a NullPointerException.
      throw new SegmentNameError('NullPointerException: EPOCH time format with a unit that is not a java TimeUnit');
    }
    try {
      return out.print(this.inputSpec.formatter().parseMillis(text), 0);
    } catch (e) {
      throw new SegmentNameError(
        `Caught exception while parsing simple date format: ${this.inputSpec.sdfPattern} with value: ${text}`,
        { cause: e },
      );
    }
  }

  toString(): string {
    let s = `NormalizedDateSegmentNameGenerator: segmentNamePrefix=${this.segmentNamePrefix}`;
    if (this.segmentNamePostfix !== null) s += `, segmentNamePostfix=${this.segmentNamePostfix}`;
    s += `, appendPushType=${this.appendPushType}`;
    if (this.excludeSequenceId) s += ', excludeSequenceId=true';
    if (this.outputPattern !== null) s += `, outputSDF=${this.outputPattern}`;
    if (this.inputTimeUnit !== null) s += `, inputTimeUnit=${this.inputTimeUnit}`;
    if (this.inputSpec !== null) s += `, inputSDF=${this.inputSpec.sdfPattern}`;
    return s;
  }
}

const FILE_PATH_PARAMETER = (i: number) => `\${filePathPattern:\\${i}}`;

/**
 * InputFileSegmentNameGenerator: the name comes from the input file's URI path matched (whole) by
 * `filePathPattern`, with `${filePathPattern:\N}` in the template replaced by group N; without a
 * match, the path with leading `/` removed and `/` and `.` turned into `_`.
 * The pattern runs as a JS RegExp: Java-only syntax (possessive quantifiers, inline flags) fails.
 */
export class InputFileSegmentNameGenerator implements SegmentNameGenerator {
  readonly segmentName: string;

  constructor(
    readonly filePathPattern: string,
    readonly segmentNameTemplate: string,
    readonly inputFileUri: string,
    readonly appendUUIDToSegmentName = false,
  ) {
    if (filePathPattern === null || filePathPattern === undefined) {
      throw new SegmentNameError('Missing filePathPattern for InputFileSegmentNameGenerator');
    }
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${filePathPattern})$`);
    } catch (e) {
      throw new SegmentNameError(`Invalid filePathPattern: ${filePathPattern} for InputFileSegmentNameGenerator`, { cause: e });
    }
    if (segmentNameTemplate === null || segmentNameTemplate === undefined) {
      throw new SegmentNameError('Missing segmentNameTemplate for InputFileSegmentNameGenerator');
    }
    const inputFilePath = javaUriPath(inputFileUri);
    const m = re.exec(inputFilePath);
    let name: string;
    if (m === null) {
      name = inputFilePath.replace(/^\/+/, '').replace(/[/.]/g, '_');
    } else {
      name = segmentNameTemplate;
      for (let i = 1; i < m.length; i++) {
        const value = m[i] ?? '';
        name = name.replaceAll(FILE_PATH_PARAMETER(i), () => value);
      }
    }
    this.segmentName = appendUUIDToSegmentName ? joinSkipNulls([name, randomUUID()]) : name;
  }

  generate(): string {
    return this.segmentName;
  }

  toString(): string {
    return `InputFileSegmentNameGenerator: filePathPattern=${this.filePathPattern}, segmentNameTemplate=${this.segmentNameTemplate}, `
      + `inputFileUri=${this.inputFileUri}, segmentName=${this.segmentName}`;
  }
}

/**
 * `new URI(s).getPath()`: the decoded path of a hierarchical URI. Characters java.net.URI rejects
 * (space, `"<>\^\`{|}`, controls, bad `%` escapes) throw like its URISyntaxException.
 */
function javaUriPath(uri: string): string {
  const invalid = (): never => {
    throw new SegmentNameError(`Invalid inputFileUri: ${uri} for InputFileSegmentNameGenerator`);
  };
  if (uri === null || uri === undefined) throw new SegmentNameError('NullPointerException: inputFileUri');
  if (/[\0-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})/.test(uri) || uri.indexOf('#') !== uri.lastIndexOf('#')) invalid();
  let rest = uri.replace(/#.*$/s, '');
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
  if (scheme) {
    rest = rest.slice(scheme[0].length);
    if (rest === '') invalid();
    // An opaque URI (`s3:bucket`) has no path; Pinot's matcher(null) would throw.
    if (!rest.startsWith('/')) throw new SegmentNameError(`NullPointerException: opaque inputFileUri ${uri} has no path`);
  }
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  const path = rest.replace(/\?.*$/s, '');
  // URI.decode: %XX runs are UTF-8 bytes.
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

const UPLOADED_DELIMITER = '__';

/** UploadedRealtimeSegmentNameGenerator: `prefix__table__partition__creationTimeMs__(suffix|sequenceId)`. */
export class UploadedRealtimeSegmentNameGenerator implements SegmentNameGenerator {
  constructor(
    readonly tableName: string,
    readonly partitionId: number,
    readonly creationTimeMillis: bigint | number,
    readonly prefix: string,
    readonly suffix: string | null = null,
  ) {
    if (isBlank(tableName) || tableName.includes(UPLOADED_DELIMITER) || isBlank(prefix) || prefix.includes(UPLOADED_DELIMITER)) {
      throw new SegmentNameError('Invalid tableName or prefix for UploadedRealtimeSegmentNameGenerator');
    }
    if (!(BigInt(creationTimeMillis) > 0n)) throw new SegmentNameError('Creation time must be greater than 0');
    if (suffix !== null && (isBlank(suffix) || suffix.includes(UPLOADED_DELIMITER))) {
      throw new SegmentNameError('Invalid suffix for UploadedRealtimeSegmentNameGenerator');
    }
  }

  generate(input: SegmentNameInput = {}): string {
    // Joiner.on("__") without skipNulls: a missing sequence id prints as -1.
    const last = isBlank(this.suffix) ? String(input.sequenceId ?? -1) : (this.suffix as string);
    return [this.prefix, this.tableName, String(this.partitionId), BigInt(this.creationTimeMillis).toString(), last].join(UPLOADED_DELIMITER);
  }

  toString(): string {
    let s = `UploadedRealtimeSegmentNameGenerator: tableName=${this.tableName}, prefix=${this.prefix}, partitionId=${this.partitionId}`;
    if (this.suffix !== null) s += `, suffix=${this.suffix}`;
    return `${s}, creationTimeMillis=${BigInt(this.creationTimeMillis)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Factories

/** BatchConfigProperties.SegmentNameGeneratorType (the task runner compares them case-sensitively). */
export const SegmentNameGeneratorType = {
  SIMPLE: 'simple',
  NORMALIZED_DATE: 'normalizedDate',
  FIXED: 'fixed',
  UPLOADED_REALTIME: 'uploadedRealtime',
  INPUT_FILE: 'inputFile',
} as const;

/** `segmentNameGeneratorSpec.configs` keys (SegmentGenerationTaskRunner / BatchConfigProperties). */
export const SegmentNameConfigKey = {
  SEGMENT_NAME: 'segment.name',
  SEGMENT_NAME_PREFIX: 'segment.name.prefix',
  SEGMENT_NAME_POSTFIX: 'segment.name.postfix',
  EXCLUDE_SEQUENCE_ID: 'exclude.sequence.id',
  APPEND_UUID_TO_SEGMENT_NAME: 'append.uuid.to.segment.name',
  EXCLUDE_TIME_IN_SEGMENT_NAME: 'exclude.time.in.segment.name',
  FILE_PATH_PATTERN: 'file.path.pattern',
  SEGMENT_NAME_TEMPLATE: 'segment.name.template',
  SEGMENT_PARTITION_ID: 'segment.partitionId',
  SEGMENT_UPLOAD_TIME_MS: 'segment.uploadTimeMs',
} as const;

export interface SegmentNameGeneratorConfig {
  /** `segmentNameGeneratorSpec.type`; absent: inferred like SegmentGeneratorConfig.inferSegmentNameGeneratorType. */
  type?: string | null;
  /** `tableConfig.getTableName()`: with the type suffix, e.g. `airlineStats_OFFLINE`. */
  tableName: string;
  /** `segmentNameGeneratorSpec.configs`. */
  configs?: Record<string, string>;
  /** The schema's spec for `segmentsConfig.timeColumnName`, if any. */
  timeColumn?: { format: string; dataType?: string } | null;
  /** Batch segmentIngestionType (or the deprecated segmentPushType); Pinot defaults to APPEND. */
  pushType?: string | null;
  /** Batch segmentIngestionFrequency (or segmentPushFrequency). */
  pushFrequency?: string | null;
  /** For `inputFile`: the `input.data.file.uri` custom property. */
  inputFileUri?: string;
  /** For `uploadedRealtime` without `segment.uploadTimeMs`: the segment creation time. */
  creationTime?: string | null;
}

/**
 * SegmentGenerationTaskRunner.getSegmentNameGenerator: a batch job's segmentNameGeneratorSpec.
 * Note `simple` ignores `segment.name.prefix` here (only the NormalizedDate and uploadedRealtime
 * types read it) and uses the table name with its type suffix.
 */
export function createSegmentNameGenerator(cfg: SegmentNameGeneratorConfig): SegmentNameGenerator {
  const configs = cfg.configs ?? {};
  const get = (k: string): string | null => (Object.hasOwn(configs, k) ? (configs[k] as string) : null);
  const appendUUID = parseJavaBoolean(get(SegmentNameConfigKey.APPEND_UUID_TO_SEGMENT_NAME) ?? undefined);
  const excludeTime = parseJavaBoolean(get(SegmentNameConfigKey.EXCLUDE_TIME_IN_SEGMENT_NAME) ?? undefined);
  let type = cfg.type ?? null;
  if (type === null) {
    // inferSegmentNameGeneratorType: no fixed name and no uploaded partition id in a batch task.
    const isSdf = cfg.timeColumn ? parseDateTimeFormatSpec(cfg.timeColumn.format).timeFormat === 'SIMPLE_DATE_FORMAT' : false;
    type = cfg.timeColumn?.dataType === 'STRING' && isSdf ? SegmentNameGeneratorType.NORMALIZED_DATE : SegmentNameGeneratorType.SIMPLE;
  }
  switch (type) {
    case SegmentNameGeneratorType.FIXED:
      return new FixedSegmentNameGenerator(get(SegmentNameConfigKey.SEGMENT_NAME) as string);
    case SegmentNameGeneratorType.SIMPLE:
      return new SimpleSegmentNameGenerator(cfg.tableName, get(SegmentNameConfigKey.SEGMENT_NAME_POSTFIX), appendUUID, excludeTime);
    case SegmentNameGeneratorType.NORMALIZED_DATE:
      return new NormalizedDateSegmentNameGenerator({
        tableName: cfg.tableName,
        segmentNamePrefix: get(SegmentNameConfigKey.SEGMENT_NAME_PREFIX),
        excludeSequenceId: parseJavaBoolean(get(SegmentNameConfigKey.EXCLUDE_SEQUENCE_ID) ?? undefined),
        pushType: cfg.pushType ?? 'APPEND',
        pushFrequency: cfg.pushFrequency ?? null,
        dateTimeFormat: cfg.timeColumn ? cfg.timeColumn.format : null,
        segmentNamePostfix: get(SegmentNameConfigKey.SEGMENT_NAME_POSTFIX),
        appendUUIDToSegmentName: appendUUID,
      });
    case SegmentNameGeneratorType.INPUT_FILE:
      return new InputFileSegmentNameGenerator(
        get(SegmentNameConfigKey.FILE_PATH_PATTERN) as string,
        get(SegmentNameConfigKey.SEGMENT_NAME_TEMPLATE) as string,
        cfg.inputFileUri as string,
        appendUUID,
      );
    case SegmentNameGeneratorType.UPLOADED_REALTIME: {
      const partition = get(SegmentNameConfigKey.SEGMENT_PARTITION_ID);
      if (partition === null) {
        throw new SegmentNameError('Valid partition id must be set for uploaded realtime segment name generator');
      }
      const uploadTime = get(SegmentNameConfigKey.SEGMENT_UPLOAD_TIME_MS) ?? cfg.creationTime ?? null;
      if (uploadTime === null) throw new SegmentNameError('Upload time must be set for uploaded realtime segment name generator');
      let time: bigint;
      try {
        time = parseJavaInteger(uploadTime, 64);
      } catch {
        throw new SegmentNameError('Upload time must be a valid long value in segmentNameGeneratorSpec');
      }
      let partitionId: number;
      try {
        partitionId = Number(parseJavaInteger(partition, 32));
      } catch {
        throw new SegmentNameError('Partition Id must be a valid integer value in segmentNameGeneratorSpec');
      }
      return new UploadedRealtimeSegmentNameGenerator(
        cfg.tableName, partitionId, time, get(SegmentNameConfigKey.SEGMENT_NAME_PREFIX) as string,
        get(SegmentNameConfigKey.SEGMENT_NAME_POSTFIX),
      );
    }
    default:
      throw new SegmentUnsupportedError(`Unsupported segment name generator type: ${type}`);
  }
}

export interface TableSegmentNameGeneratorConfig {
  /** `indexingConfig.segmentNameGeneratorType`: fixed / simple / normalizeddate, any case; default simple. */
  type?: string | null;
  tableName: string;
  timeColumn?: { format: string } | null;
  prefix?: string | null;
  postfix?: string | null;
  fixedSegmentName?: string | null;
  excludeSequenceId?: boolean;
  pushType?: string | null;
  pushFrequency?: string | null;
}

/**
 * SegmentNameGeneratorFactory.createSegmentNameGenerator (minion / SegmentProcessorFramework): the
 * type comes from the table config and is case-insensitive, and `simple` honours the prefix.
 */
export function createSegmentNameGeneratorForTable(cfg: TableSegmentNameGeneratorConfig): SegmentNameGenerator {
  const type = cfg.type === null || cfg.type === undefined || cfg.type === '' ? 'simple' : cfg.type;
  switch (type.toLowerCase()) {
    case 'fixed':
      return new FixedSegmentNameGenerator(cfg.fixedSegmentName as string);
    case 'simple':
      return new SimpleSegmentNameGenerator(cfg.prefix ?? cfg.tableName, cfg.postfix ?? null);
    case 'normalizeddate':
      return new NormalizedDateSegmentNameGenerator({
        tableName: cfg.tableName,
        segmentNamePrefix: cfg.prefix ?? null,
        excludeSequenceId: cfg.excludeSequenceId ?? false,
        pushType: cfg.pushType ?? 'APPEND',
        pushFrequency: cfg.pushFrequency ?? null,
        dateTimeFormat: cfg.timeColumn ? cfg.timeColumn.format : null,
        segmentNamePostfix: cfg.postfix ?? null,
      });
    default:
      throw new SegmentUnsupportedError(`Unsupported segment name generator type: ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// DateTimeFormatSpec (pinot-spi data/DateTimeFormatSpec, DateTimeFormatPatternSpec)

export type JavaTimeUnit = 'NANOSECONDS' | 'MICROSECONDS' | 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';
const JAVA_TIME_UNITS: readonly string[] = ['NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS'];
const TRANSFORM_UNITS: readonly string[] = ['MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS', 'WEEKS', 'MONTHS', 'YEARS'];

export interface DateTimeFormatSpec {
  timeFormat: 'EPOCH' | 'TIMESTAMP' | 'SIMPLE_DATE_FORMAT';
  size: number;
  /** The unit token (a TimeUnit or DateTimeTransformUnit name). */
  unit: string;
  /** The java TimeUnit, null for WEEKS/MONTHS/YEARS. */
  timeUnit: JavaTimeUnit | null;
  sdfPattern: string | null;
  /** Offset of the pattern's time zone in ms (only UTC and fixed offsets are supported). */
  zoneOffsetMillis: number;
  /** The Joda formatter for SIMPLE_DATE_FORMAT with a pattern. */
  formatter(): JodaFormatter;
}

function unitSpec(unit: string): { unit: string; timeUnit: JavaTimeUnit | null } {
  const isTimeUnit = JAVA_TIME_UNITS.includes(unit);
  if (!isTimeUnit && !TRANSFORM_UNITS.includes(unit)) {
    throw new SegmentNameError(`Unit must belong to enum TimeUnit or DateTimeTransformUnit, got: ${unit}`);
  }
  return { unit, timeUnit: isTimeUnit ? (unit as JavaTimeUnit) : null };
}

/** StringUtil.split(str, separator, max): at most `max` tokens, the last keeps the rest. */
function splitMax(s: string, sep: string, max: number): string[] {
  if (s.length === 0) return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === sep) {
      out.push(s.slice(start, i));
      start = i + 1;
      if (out.length === max - 1) break;
    }
  }
  out.push(s.slice(start));
  return out;
}

const SDF_PATTERN_WITH_TIMEZONE = /^(.+)( tz[ ]*\((.+)\))[ ]*/;

function sdfSpec(patternWithTz: string | null, timeZone?: string): DateTimeFormatSpec {
  let pattern = patternWithTz;
  let offset = 0;
  if (timeZone !== undefined) {
    offset = javaTimeZoneOffset(timeZone);
  } else if (patternWithTz !== null) {
    const m = SDF_PATTERN_WITH_TIMEZONE.exec(patternWithTz);
    if (m) {
      pattern = javaTrim(m[1] as string);
      offset = javaTimeZoneOffset(javaTrim(m[3] as string));
    }
  }
  let formatter: JodaFormatter | null = null;
  if (pattern !== null) {
    try {
      formatter = compileJodaPattern(pattern, offset);
    } catch (e) {
      if (e instanceof SegmentUnsupportedError) throw e;
      throw new SegmentNameError(`Invalid SIMPLE_DATE_FORMAT pattern: ${pattern}`, { cause: e });
    }
  }
  return {
    timeFormat: 'SIMPLE_DATE_FORMAT', size: 1, unit: 'MILLISECONDS', timeUnit: 'MILLISECONDS', sdfPattern: pattern,
    zoneOffsetMillis: offset,
    formatter() {
      // A null pattern means ISODateTimeFormat.dateOptionalTimeParser, which is not reproduced.
      if (formatter === null) throw new SegmentUnsupportedError('SIMPLE_DATE_FORMAT without a pattern (ISO parser)');
      return formatter;
    },
  };
}

function simpleSpec(timeFormat: 'EPOCH' | 'TIMESTAMP', size: number, unit: string): DateTimeFormatSpec {
  const u = unitSpec(unit);
  return {
    timeFormat, size, unit: u.unit, timeUnit: u.timeUnit, sdfPattern: null, zoneOffsetMillis: 0,
    formatter() {
      throw new SegmentNameError(`${timeFormat} has no date pattern`);
    },
  };
}

/**
 * `new DateTimeFormatSpec(format)`: colon format `size:unit:timeFormat(:pattern tz(zone))` when it
 * starts with a digit, else pipe format `EPOCH|unit(|size)`, `SIMPLE_DATE_FORMAT|pattern(|zone)`,
 * `TIMESTAMP`.
 */
export function parseDateTimeFormatSpec(format: string): DateTimeFormatSpec {
  if (!format) throw new SegmentNameError('Must provide format');
  const parseTimeFormat = (t: string): DateTimeFormatSpec['timeFormat'] => {
    if (t === 'EPOCH' || t === 'TIMESTAMP' || t === 'SIMPLE_DATE_FORMAT') return t;
    throw new SegmentNameError(`Invalid time format: ${t} in format: ${format}`);
  };
  const parseSize = (s: string, shown: string): number => {
    let size: number;
    try {
      size = Number(parseJavaInteger(s, 32));
    } catch {
      throw new SegmentNameError(`Invalid size: ${shown} in format: ${format}`);
    }
    if (size <= 0) throw new SegmentNameError(`Invalid size: ${size} in format: ${format}, must be positive`);
    return size;
  };
  const withUnit = (fn: () => DateTimeFormatSpec, unit: string): DateTimeFormatSpec => {
    try {
      return fn();
    } catch {
      throw new SegmentNameError(`Invalid time unit: ${unit} in format: ${format}`);
    }
  };
  const withPattern = (fn: () => DateTimeFormatSpec, what: string): DateTimeFormatSpec => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof SegmentUnsupportedError) throw e;
      throw new SegmentNameError(`Invalid SIMPLE_DATE_FORMAT pattern: ${what} in format: ${format}`, { cause: e });
    }
  };

  if (format.charCodeAt(0) >= 0x30 && format.charCodeAt(0) <= 0x39) {
    const tokens = splitMax(format, ':', 4);
    if (tokens.length < 3 || tokens.length > 4) {
      throw new SegmentNameError(`Invalid format:${format}, must be of format 'size:timeUnit:timeFormat(:patternWithTz)'`);
    }
    const timeFormat = parseTimeFormat(tokens[2] as string);
    if (timeFormat === 'EPOCH') {
      const size = parseSize(tokens[0] as string, tokens[0] as string);
      return withUnit(() => simpleSpec('EPOCH', size, tokens[1] as string), tokens[1] as string);
    }
    if (timeFormat === 'TIMESTAMP') return simpleSpec('TIMESTAMP', 1, 'MILLISECONDS');
    const pattern = tokens.length > 3 ? (tokens[3] as string) : null;
    return withPattern(() => sdfSpec(pattern), String(pattern));
  }
  const tokens = splitMax(format, '|', 3);
  if (tokens.length < 1 || tokens.length > 3) {
    throw new SegmentNameError(
      `Invalid format: ${format}, must be of format 'EPOCH|<timeUnit>(|<size>)' or 'SIMPLE_DATE_FORMAT|<pattern>(|<timeZone>)' or 'TIMESTAMP'`,
    );
  }
  const timeFormat = parseTimeFormat(tokens[0] as string);
  if (timeFormat === 'EPOCH') {
    // Pinot's message shows tokens[0] here (it reuses the colon format's size position).
    const size = tokens.length > 2 ? parseSize(tokens[2] as string, tokens[0] as string) : 1;
    const unit = tokens.length > 1 ? (tokens[1] as string) : 'MILLISECONDS';
    return withUnit(() => simpleSpec('EPOCH', size, unit), unit);
  }
  if (timeFormat === 'TIMESTAMP') return simpleSpec('TIMESTAMP', 1, 'MILLISECONDS');
  if (tokens.length > 2) {
    return withPattern(() => sdfSpec(tokens[1] as string, tokens[2] as string), `${tokens[1]}, time zone: ${tokens[2]}`);
  }
  const pattern = tokens.length > 1 ? (tokens[1] as string) : null;
  return withPattern(() => sdfSpec(pattern), String(pattern));
}

/**
 * `DateTimeZone.forTimeZone(TimeZone.getTimeZone(id))` for the zones that need no tz database:
 * UTC aliases, Etc/GMT±N and Java custom ids `GMT±h`, `GMT±hh:mm`, `GMT±hhmm` (a malformed one,
 * e.g. `GMT+24`, is GMT). Java also maps any unknown id to GMT silently; since telling unknown ids
 * from region ids (America/Chicago, CST...) needs Java's tz database, all others are refused.
 */
export function javaTimeZoneOffset(id: string): number {
  const utc = ['UTC', 'GMT', 'UCT', 'Universal', 'Zulu', 'Greenwich', 'GMT0', 'GMT+0', 'GMT-0'];
  if (utc.includes(id) || utc.includes(id.replace(/^Etc\//, ''))) return 0;
  const etc = /^Etc\/GMT([+-])([0-9]{1,2})$/.exec(id);
  if (etc) {
    const h = Number(etc[2]);
    if ((etc[1] === '+' && h <= 12) || (etc[1] === '-' && h <= 14)) return (etc[1] === '+' ? -1 : 1) * h * 3600000;
  }
  // TimeZone.parseCustomTimeZone
  const custom = /^GMT([+-])(?:([0-9]{1,2}):([0-9]{2})|([0-9]{1,4}))$/.exec(id);
  if (custom) {
    let hours: number;
    let minutes: number;
    if (custom[4] !== undefined) {
      const num = Number(custom[4]);
      [hours, minutes] = custom[4].length <= 2 ? [num, 0] : [Math.floor(num / 100), num % 100];
    } else {
      hours = Number(custom[2]);
      minutes = Number(custom[3]);
    }
    if (hours <= 23 && minutes <= 59) return (custom[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60000 + 0;
  }
  // No tz database id starts with GMT besides the aliases above: a malformed custom id falls back to GMT.
  if (id.startsWith('GMT')) return 0;
  throw new SegmentUnsupportedError(`time zone '${id}' is not supported (only UTC and fixed GMT offsets)`);
}

const UNIT_MILLIS: Record<JavaTimeUnit, bigint> = {
  NANOSECONDS: 0n, MICROSECONDS: 0n, MILLISECONDS: 1n, SECONDS: 1000n, MINUTES: 60000n, HOURS: 3600000n, DAYS: 86400000n,
};

/** `TimeUnit.toMillis(d)`: truncating division below millis, saturating multiplication above. */
export function timeUnitToMillis(unit: JavaTimeUnit, d: bigint): bigint {
  if (unit === 'NANOSECONDS') return d / 1000000n;
  if (unit === 'MICROSECONDS') return d / 1000n;
  const r = UNIT_MILLIS[unit];
  const max = LONG_MAX / r;
  if (d > max) return LONG_MAX;
  if (d < -max) return LONG_MIN;
  return d * r;
}

// ---------------------------------------------------------------------------------------------
// Joda-Time patterns (DateTimeFormat.forPattern, Locale.ENGLISH, ISO chronology)

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MIN_YEAR = -292275054;
const MAX_YEAR = 292278993;
const DAY_MS = 86400000;

type NumField =
  | 'monthOfYear' | 'dayOfMonth' | 'dayOfYear' | 'dayOfWeek' | 'hourOfDay' | 'clockhourOfDay' | 'hourOfHalfday'
  | 'clockhourOfHalfday' | 'minuteOfHour' | 'secondOfMinute';
type TextField = 'monthOfYear' | 'dayOfWeek' | 'halfdayOfDay';
type Field = NumField | 'year' | 'yearOfEra' | 'halfdayOfDay' | 'millisOfSecond';

type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'number'; field: Field; minDigits: number; maxDigits: number; signed: boolean }
  | { kind: 'twoDigitYear'; pivot: number; lenient: boolean }
  | { kind: 'text'; field: TextField; short: boolean }
  | { kind: 'fraction'; minDigits: number; maxDigits: number }
  | { kind: 'offset'; separators: boolean };

const FIELD_MAX_DIGITS: Record<NumField, number> = {
  monthOfYear: 2, dayOfMonth: 2, dayOfYear: 3, dayOfWeek: 1, hourOfDay: 2, clockhourOfDay: 2, hourOfHalfday: 2,
  clockhourOfHalfday: 2, minuteOfHour: 2, secondOfMinute: 2,
};
const LETTER_FIELDS: Record<string, NumField> = {
  d: 'dayOfMonth', D: 'dayOfYear', e: 'dayOfWeek', H: 'hourOfDay', k: 'clockhourOfDay', K: 'hourOfHalfday',
  h: 'clockhourOfHalfday', m: 'minuteOfHour', s: 'secondOfMinute',
};

/** DateTimeFormat.parseToken: a run of one letter, or literal text with '' quoting. */
function parseToken(pattern: string, start: number): { token: string; end: number } {
  let i = start;
  const c = pattern[i] as string;
  if (/[A-Za-z]/.test(c)) {
    let buf = c;
    while (i + 1 < pattern.length && pattern[i + 1] === c) {
      buf += c;
      i++;
    }
    return { token: buf, end: i };
  }
  let buf = "'";
  let inLiteral = false;
  for (; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      if (i + 1 < pattern.length && pattern[i + 1] === "'") {
        i++;
        buf += ch;
      } else {
        inLiteral = !inLiteral;
      }
    } else if (!inLiteral && /[A-Za-z]/.test(ch)) {
      i--;
      break;
    } else {
      buf += ch;
    }
  }
  return { token: buf, end: i };
}

/** DateTimeFormat.isNumericToken. */
function isNumericToken(token: string): boolean {
  const c = token[0];
  if (c === undefined) return false;
  if ('cCxyYdhHmsSeDFwWkK'.includes(c)) return true;
  return c === 'M' && token.length <= 2;
}

export interface JodaFormatter {
  readonly pattern: string;
  /** `formatter.print(instant)` in the formatter's zone (or `offsetMillis` if given). */
  print(epochMillis: bigint | number, offsetMillis?: number): string;
  /** `formatter.parseMillis(text)`: Joda's lenient-but-validated parse. */
  parseMillis(text: string): bigint;
}

/**
 * Compiles a Joda pattern (DateTimeFormat.parsePatternTo). Supported: y Y M d D e E H k K h a m s S
 * Z ZZ and literals; G C x w z ZZZ throw SegmentUnsupportedError; other letters are Joda's
 * "Illegal pattern component".
 */
export function compileJodaPattern(pattern: string, zoneOffsetMillis = 0): JodaFormatter {
  if (!pattern) throw new SegmentNameError('Invalid pattern specification: Pattern is null or empty');
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const { token, end } = parseToken(pattern, i);
    i = end;
    const c = token[0] as string;
    const len = token.length;
    const nextIsNumeric = i + 1 < pattern.length && isNumericToken(parseToken(pattern, i + 1).token);
    switch (c) {
      case 'y':
      case 'Y':
        if (len === 2) {
          // Pivot compatible with SimpleDateFormat: "now" - 30 years (Joda reads the clock here).
          tokens.push({ kind: 'twoDigitYear', pivot: new Date().getUTCFullYear() - 30, lenient: !nextIsNumeric });
        } else {
          const maxDigits = nextIsNumeric ? len : 9;
          tokens.push({ kind: 'number', field: c === 'y' ? 'year' : 'yearOfEra', minDigits: len, maxDigits: Math.max(len, maxDigits), signed: c === 'y' });
        }
        break;
      case 'M':
        if (len >= 3) tokens.push({ kind: 'text', field: 'monthOfYear', short: len < 4 });
        else tokens.push(numberToken('monthOfYear', len));
        break;
      case 'E':
        tokens.push({ kind: 'text', field: 'dayOfWeek', short: len < 4 });
        break;
      case 'a':
        tokens.push({ kind: 'text', field: 'halfdayOfDay', short: false });
        break;
      case 'S':
        // Fraction caps its precision at 18 digits.
        tokens.push({ kind: 'fraction', minDigits: len, maxDigits: Math.min(len, 18) });
        break;
      case 'Z':
        if (len > 2) throw new SegmentUnsupportedError(`Joda pattern '${pattern}': time zone ids (ZZZ) are not supported`);
        tokens.push({ kind: 'offset', separators: len === 2 });
        break;
      case "'":
        if (len > 1) tokens.push({ kind: 'literal', text: token.slice(1) });
        break;
      case 'G':
      case 'C':
      case 'x':
      case 'w':
      case 'z':
        throw new SegmentUnsupportedError(`Joda pattern '${pattern}': '${token}' is not supported`);
      default: {
        const field = LETTER_FIELDS[c];
        if (field === undefined) throw new SegmentNameError(`Illegal pattern component: ${token}`);
        tokens.push(numberToken(field, len));
      }
    }
  }
  return {
    pattern,
    print: (millis, offset = zoneOffsetMillis) => printTokens(tokens, BigInt(millis), offset),
    parseMillis: (text) => parseTokens(tokens, text, zoneOffsetMillis),
  };
}

function numberToken(field: NumField, len: number): Token {
  return { kind: 'number', field, minDigits: len, maxDigits: Math.max(len, FIELD_MAX_DIGITS[field]), signed: false };
}

// --- calendar arithmetic (proleptic Gregorian, ISO chronology)

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { year: number; month: number; day: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

interface Local {
  days: number;
  msOfDay: number;
}

function fieldsOf(l: Local) {
  const { year, month, day } = civilFromDays(l.days);
  const hour = Math.floor(l.msOfDay / 3600000);
  return {
    year, month, day, hour,
    minute: Math.floor(l.msOfDay / 60000) % 60,
    second: Math.floor(l.msOfDay / 1000) % 60,
    millis: l.msOfDay % 1000,
    dayOfWeek: (((l.days % 7) + 7 + 3) % 7) + 1, // 1970-01-01 was a Thursday (4); Monday = 1
    dayOfYear: l.days - daysFromCivil(year, 1, 1) + 1,
  };
}

// --- printing

function padded(value: number, size: number): string {
  // FormatUtils.appendPaddedInteger: the sign, then the digits padded to `size`.
  return (value < 0 ? '-' : '') + String(Math.abs(value)).padStart(size, '0');
}

function printTokens(tokens: readonly Token[], millis: bigint, offset: number): string {
  const local = millis + BigInt(offset);
  const days = local >= 0n ? local / BigInt(DAY_MS) : -((-local + BigInt(DAY_MS) - 1n) / BigInt(DAY_MS));
  const l: Local = { days: Number(days), msOfDay: Number(local - days * BigInt(DAY_MS)) };
  const f = fieldsOf(l);
  let out = '';
  for (const t of tokens) {
    switch (t.kind) {
      case 'literal':
        out += t.text;
        break;
      case 'twoDigitYear':
        out += padded(Math.abs(f.year) % 100, 2);
        break;
      case 'number': {
        const v = numberFieldValue(t.field, f);
        out += t.minDigits <= 1 ? String(v) : padded(v, t.minDigits);
        break;
      }
      case 'text':
        if (t.field === 'monthOfYear') out += (MONTHS[f.month - 1] as string).slice(0, t.short ? 3 : undefined);
        else if (t.field === 'dayOfWeek') out += (DAYS[f.dayOfWeek - 1] as string).slice(0, t.short ? 3 : undefined);
        else out += f.hour < 12 ? 'AM' : 'PM';
        break;
      case 'fraction':
        out += printFraction(f.millis, t.minDigits, t.maxDigits);
        break;
      case 'offset':
        out += printOffset(offset, t.separators);
        break;
    }
  }
  return out;
}

function numberFieldValue(field: Field, f: ReturnType<typeof fieldsOf>): number {
  switch (field) {
    case 'year': return f.year;
    case 'yearOfEra': return f.year <= 0 ? 1 - f.year : f.year;
    case 'monthOfYear': return f.month;
    case 'dayOfMonth': return f.day;
    case 'dayOfYear': return f.dayOfYear;
    case 'dayOfWeek': return f.dayOfWeek;
    case 'hourOfDay': return f.hour;
    case 'clockhourOfDay': return f.hour === 0 ? 24 : f.hour;
    case 'hourOfHalfday': return f.hour % 12;
    case 'clockhourOfHalfday': return f.hour % 12 === 0 ? 12 : f.hour % 12;
    case 'minuteOfHour': return f.minute;
    case 'secondOfMinute': return f.second;
    case 'halfdayOfDay': return f.hour < 12 ? 0 : 1;
    case 'millisOfSecond': return f.millis;
  }
}

/**
 * Fraction.printTo for a pattern (min = pattern length >= max): zero prints min zeros, anything
 * else the scaled millis padded to max digits, where max drops to 15 when 10^max * 1000 overflows.
 */
function printFraction(millis: number, minDigits: number, max: number): string {
  if (millis === 0) return '0'.repeat(minDigits);
  let maxDigits = max;
  const scaleOf = (digits: number) => (digits >= 1 && digits <= 18 ? 10n ** BigInt(digits) : 1n);
  while (1000n * scaleOf(maxDigits) > LONG_MAX) maxDigits--;
  const scalar = scaleOf(maxDigits);
  const str = ((BigInt(millis) * scalar) / 1000n).toString();
  return str.padStart(maxDigits, '0');
}

function printOffset(offset: number, separators: boolean): string {
  // TimeZoneOffset(zeroOffsetPrintText=null, showSeparators, minFields=2, maxFields=2)
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const hours = Math.floor(abs / 3600000);
  const minutes = Math.floor((abs - hours * 3600000) / 60000);
  return sign + padded(hours, 2) + (separators ? ':' : '') + padded(minutes, 2);
}

// --- parsing

interface Saved {
  field: Field;
  value: number;
}

class ParseFailure extends Error {
  constructor(readonly position: number) {
    super('parse failure');
  }
}

/** FormatUtils.createErrorMessage. */
function parseErrorMessage(text: string, errorPos: number): string {
  const sampleLen = errorPos + 32;
  const sample = text.length <= sampleLen + 3 ? text : `${text.slice(0, sampleLen)}...`;
  if (errorPos <= 0) return `Invalid format: "${sample}"`;
  if (errorPos >= text.length) return `Invalid format: "${sample}" is too short`;
  return `Invalid format: "${sample}" is malformed at "${sample.slice(errorPos)}"`;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function charsEqualIgnoreCase(a: string, b: string): boolean {
  if (a === b) return true;
  const ua = a.toUpperCase();
  const ub = b.toUpperCase();
  return ua === ub || ua.toLowerCase() === ub.toLowerCase();
}

function parseTokens(tokens: readonly Token[], text: string, zoneOffset: number): bigint {
  const saved: Saved[] = [];
  let offset: number | null = null;
  let pos = 0;
  try {
    for (const t of tokens) {
      switch (t.kind) {
        case 'literal': {
          // CharacterLiteral / StringLiteral parse case-insensitively.
          if (text.length - pos < t.text.length) throw new ParseFailure(pos);
          for (let i = 0; i < t.text.length; i++) {
            if (!charsEqualIgnoreCase(text[pos + i] as string, t.text[i] as string)) throw new ParseFailure(pos);
          }
          pos += t.text.length;
          break;
        }
        case 'number':
          pos = parseNumber(text, pos, t.maxDigits, t.signed, (v) => saved.push({ field: t.field, value: v }));
          break;
        case 'twoDigitYear':
          pos = parseTwoDigitYear(text, pos, t, (v) => saved.push({ field: 'year', value: v }));
          break;
        case 'text':
          pos = parseText(text, pos, t.field, (v) => saved.push({ field: t.field, value: v }));
          break;
        case 'fraction':
          pos = parseFraction(text, pos, t.maxDigits, (v) => saved.push({ field: 'millisOfSecond', value: v }));
          break;
        case 'offset': {
          const r = parseOffset(text, pos);
          offset = r.offset;
          pos = r.pos;
          break;
        }
      }
    }
    if (pos < text.length) throw new ParseFailure(pos);
  } catch (e) {
    if (e instanceof ParseFailure) throw new SegmentNameError(parseErrorMessage(text, e.position));
    throw e;
  }
  const local = computeLocal(saved, text);
  return BigInt(local.days) * BigInt(DAY_MS) + BigInt(local.msOfDay) - BigInt(offset ?? zoneOffset);
}

/** NumberFormatter.parseInto. */
function parseNumber(text: string, position: number, maxDigits: number, signed: boolean, save: (v: number) => void): number {
  let limit = Math.min(maxDigits, text.length - position);
  let positive = false;
  let length = 0;
  while (length < limit) {
    const c = text[position + length] as string;
    if (length === 0 && (c === '-' || c === '+') && signed) {
      positive = c === '+';
      if (length + 1 >= limit || !isDigit(text[position + length + 1])) break;
      length++;
      limit = Math.min(limit + 1, text.length - position);
      continue;
    }
    if (!isDigit(c)) break;
    length++;
  }
  if (length === 0) throw new ParseFailure(position);
  let digits = text.slice(position, position + length);
  if (positive) digits = digits.slice(1);
  if (length >= 9) {
    // Integer.parseInt: out-of-range values throw NumberFormatException.
    const v = Number(digits);
    if (v > 2147483647 || v < -2147483648) throw new SegmentNameError(`NumberFormatException: For input string: "${digits}"`);
  }
  save(Number(digits));
  return position + length;
}

/** TwoDigitYear.parseInto. */
function parseTwoDigitYear(text: string, position: number, t: { pivot: number; lenient: boolean }, save: (v: number) => void): number {
  let limit = text.length - position;
  if (!t.lenient) {
    if (Math.min(2, limit) < 2) throw new ParseFailure(position);
  } else {
    let hasSign = false;
    let length = 0;
    let pos = position;
    while (length < limit) {
      const c = text[pos + length] as string;
      if (length === 0 && (c === '-' || c === '+')) {
        hasSign = true;
        // '-' stays in the digits; '+' is skipped for Integer.parseInt.
        if (c === '-') length++;
        else {
          pos++;
          limit--;
        }
        continue;
      }
      if (!isDigit(c)) break;
      length++;
    }
    if (length === 0) throw new ParseFailure(pos);
    if (hasSign || length !== 2) {
      const digits = text.slice(pos, pos + length);
      if (digits === '-') {
        // Joda reads the char after a lone '-' as a digit whatever it is.
        if (pos + 1 >= text.length) throw new ParseFailure(pos);
        save(-(text.charCodeAt(pos + 1) - 48));
        return pos + 1;
      }
      const v = Number(digits);
      if (length >= 9 && (v > 2147483647 || v < -2147483648)) {
        throw new SegmentNameError(`NumberFormatException: For input string: "${digits}"`);
      }
      save(v);
      return pos + length;
    }
  }
  const c0 = text[position];
  const c1 = text[position + 1];
  if (!isDigit(c0) || !isDigit(c1)) throw new ParseFailure(position);
  let year = Number(c0) * 10 + Number(c1);
  const low = t.pivot - 50;
  const tt = low >= 0 ? low % 100 : 99 + ((low + 1) % 100);
  year += low + (year < tt ? 100 : 0) - tt;
  save(year);
  return position + 2;
}

/** TextField.parseInto: longest match among the short/long names as is, lower- or upper-cased. */
function parseText(text: string, position: number, field: TextField, save: (v: number) => void): number {
  const names = field === 'monthOfYear' ? MONTHS : field === 'dayOfWeek' ? DAYS : ['AM', 'PM'];
  const valid = new Map<string, number>();
  names.forEach((n, i) => {
    const value = field === 'halfdayOfDay' ? i : i + 1;
    for (const s of field === 'halfdayOfDay' ? [n] : [n.slice(0, 3), n]) {
      for (const v of [s, s.toLowerCase(), s.toUpperCase()]) valid.set(v, value);
    }
  });
  const maxLength = Math.max(...names.map((n) => n.length));
  for (let i = Math.min(text.length, position + maxLength); i > position; i--) {
    const v = valid.get(text.slice(position, i));
    if (v !== undefined) {
      save(v);
      return i;
    }
  }
  throw new ParseFailure(position);
}

/** Fraction.parseInto (fraction of second): later digits scale down, the result is truncated. */
function parseFraction(text: string, position: number, maxDigits: number, save: (v: number) => void): number {
  const limit = Math.min(maxDigits, text.length - position);
  let value = 0;
  let n = 10000; // seconds' unit millis * 10
  let length = 0;
  while (length < limit) {
    const c = text[position + length] as string;
    if (!isDigit(c)) break;
    length++;
    const nn = Math.floor(n / 10);
    value += Number(c) * nn;
    n = nn;
  }
  value = Math.floor(value / 10);
  if (length === 0) throw new ParseFailure(position);
  save(value);
  return position + length;
}

/** TimeZoneOffset.parseInto with zero-offset text "Z": `Z`, `±hh`, `±hhmm`, `±hh:mm` (and seconds/millis). */
function parseOffset(text: string, start: number): { offset: number; pos: number } {
  let position = start;
  let limit = text.length - position;
  if (limit >= 1 && charsEqualIgnoreCase(text[position] as string, 'Z')) return { offset: 0, pos: position + 1 };
  if (limit <= 1) throw new ParseFailure(position);
  const sign = text[position];
  if (sign !== '-' && sign !== '+') throw new ParseFailure(position);
  const negative = sign === '-';
  limit--;
  position++;
  const digitCount = (p: number, amount: number) => {
    let n = 0;
    while (n < Math.min(text.length - p, amount) && isDigit(text[p + n])) n++;
    return n;
  };
  const two = (p: number) => Number(text.slice(p, p + 2));
  if (digitCount(position, 2) < 2) throw new ParseFailure(position);
  const hours = two(position);
  if (hours > 23) throw new ParseFailure(position);
  let offset = hours * 3600000;
  limit -= 2;
  position += 2;
  parse: {
    if (limit <= 0) break parse;
    let expectSeparators: boolean;
    const c = text[position] as string;
    if (c === ':') {
      expectSeparators = true;
      limit--;
      position++;
    } else if (isDigit(c)) {
      expectSeparators = false;
    } else {
      break parse;
    }
    let count = digitCount(position, 2);
    if (count === 0 && !expectSeparators) break parse;
    if (count < 2) throw new ParseFailure(position);
    const minutes = two(position);
    if (minutes > 59) throw new ParseFailure(position);
    offset += minutes * 60000;
    limit -= 2;
    position += 2;
    if (limit <= 0) break parse;
    if (expectSeparators) {
      if (text[position] !== ':') break parse;
      limit--;
      position++;
    }
    count = digitCount(position, 2);
    if (count === 0 && !expectSeparators) break parse;
    if (count < 2) throw new ParseFailure(position);
    const seconds = two(position);
    if (seconds > 59) throw new ParseFailure(position);
    offset += seconds * 1000;
    limit -= 2;
    position += 2;
    if (limit <= 0) break parse;
    if (expectSeparators) {
      if (text[position] !== '.' && text[position] !== ',') break parse;
      position++;
    }
    count = digitCount(position, 3);
    if (count === 0 && !expectSeparators) break parse;
    if (count < 1) throw new ParseFailure(position);
    offset += Number(text[position++]) * 100;
    if (count > 1) {
      offset += Number(text[position++]) * 10;
      if (count > 2) offset += Number(text[position++]);
    }
  }
  return { offset: negative ? -offset : offset, pos: position };
}

// Joda's DurationField unit lengths, used to order saved fields like DateTimeParserBucket.sort.
const ERA = Number.POSITIVE_INFINITY;
const YEARS = 31556952000;
const MONTHS_MS = 2629746000;
const WEEKS = 604800000;
const HALFDAYS = 43200000;
const FIELD_ORDER: Record<Field, { range: number; duration: number }> = {
  year: { range: ERA, duration: YEARS },
  yearOfEra: { range: ERA, duration: YEARS },
  monthOfYear: { range: YEARS, duration: MONTHS_MS },
  dayOfYear: { range: YEARS, duration: DAY_MS },
  dayOfMonth: { range: MONTHS_MS, duration: DAY_MS },
  dayOfWeek: { range: WEEKS, duration: DAY_MS },
  halfdayOfDay: { range: DAY_MS, duration: HALFDAYS },
  hourOfDay: { range: DAY_MS, duration: 3600000 },
  clockhourOfDay: { range: DAY_MS, duration: 3600000 },
  hourOfHalfday: { range: HALFDAYS, duration: 3600000 },
  clockhourOfHalfday: { range: HALFDAYS, duration: 3600000 },
  minuteOfHour: { range: 3600000, duration: 60000 },
  secondOfMinute: { range: 60000, duration: 1000 },
  millisOfSecond: { range: 1000, duration: 1 },
};

/**
 * DateTimeParserBucket.computeMillis: fields sorted largest range first (stable), year 2000 when the
 * largest field is a month or day one, then every field set twice (setExtended, then set), each set
 * checking its bounds against the date built so far. Returns local date + time of day.
 */
function computeLocal(fields: Saved[], text: string): Local {
  const sorted = [...fields].sort(
    (a, b) => FIELD_ORDER[b.field].range - FIELD_ORDER[a.field].range || FIELD_ORDER[b.field].duration - FIELD_ORDER[a.field].duration,
  );
  const first = sorted[0];
  if (first !== undefined) {
    const d = FIELD_ORDER[first.field].duration;
    if (d <= MONTHS_MS && d >= DAY_MS) return computeLocal([...fields, { field: 'year', value: 2000 }], text);
  }
  let l: Local = { days: 0, msOfDay: 0 };
  for (let pass = 0; pass < 2; pass++) {
    for (const s of sorted) l = setField(l, s, text);
  }
  return l;
}

function setField(l: Local, s: Saved, text: string): Local {
  const f = fieldsOf(l);
  const check = (min: number, max: number) => {
    if (s.value < min || s.value > max) {
      throw new SegmentNameError(`Cannot parse "${text}": Value ${s.value} for ${s.field} must be in the range [${min},${max}]`);
    }
  };
  const withHour = (hour: number): Local => ({ days: l.days, msOfDay: l.msOfDay + (hour - f.hour) * 3600000 });
  switch (s.field) {
    case 'year':
    case 'yearOfEra': {
      if (s.field === 'year') check(MIN_YEAR, MAX_YEAR);
      else check(1, MAX_YEAR);
      // Era stays AD (the base instant is 1970), so yearOfEra is the year.
      const year = s.value;
      // BasicChronology.setYear keeps the day of year, shifted across Feb 29.
      let doy = f.dayOfYear;
      if (doy > 59) {
        if (isLeap(f.year) && !isLeap(year)) doy--;
        else if (!isLeap(f.year) && isLeap(year)) doy++;
      }
      return { days: daysFromCivil(year, 1, 1) + doy - 1, msOfDay: l.msOfDay };
    }
    case 'monthOfYear': {
      check(1, 12);
      const day = Math.min(f.day, daysInMonth(f.year, s.value));
      return { days: daysFromCivil(f.year, s.value, day), msOfDay: l.msOfDay };
    }
    case 'dayOfMonth':
      check(1, daysInMonth(f.year, f.month));
      return { days: l.days + s.value - f.day, msOfDay: l.msOfDay };
    case 'dayOfYear':
      check(1, isLeap(f.year) ? 366 : 365);
      return { days: l.days + s.value - f.dayOfYear, msOfDay: l.msOfDay };
    case 'dayOfWeek':
      check(1, 7);
      return { days: l.days + s.value - f.dayOfWeek, msOfDay: l.msOfDay };
    case 'halfdayOfDay':
      check(0, 1);
      return withHour((f.hour % 12) + s.value * 12);
    case 'hourOfDay':
      check(0, 23);
      return withHour(s.value);
    case 'clockhourOfDay':
      check(1, 24);
      return withHour(s.value === 24 ? 0 : s.value);
    case 'hourOfHalfday':
      check(0, 11);
      return withHour(f.hour - (f.hour % 12) + s.value);
    case 'clockhourOfHalfday':
      check(1, 12);
      return withHour(f.hour - (f.hour % 12) + (s.value === 12 ? 0 : s.value));
    case 'minuteOfHour':
      check(0, 59);
      return { days: l.days, msOfDay: l.msOfDay + (s.value - f.minute) * 60000 };
    case 'secondOfMinute':
      check(0, 59);
      return { days: l.days, msOfDay: l.msOfDay + (s.value - f.second) * 1000 };
    case 'millisOfSecond':
      check(0, 999);
      return { days: l.days, msOfDay: l.msOfDay + s.value - f.millis };
  }
}
