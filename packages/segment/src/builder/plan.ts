import { bigDecimalByteSize, compareBigDecimal, serializeBigDecimal, type BigDecimal } from '../big-decimal.js';
import { convertValue, formatStored } from '../convert.js';
import { compileConverter } from '../convert-fast.js';
import type { FieldSpec, PinotSchema, StoredValue } from '../schema.js';
import {
  createSegmentNameGenerator,
  FixedSegmentNameGenerator,
  NormalizedDateSegmentNameGenerator,
  SimpleSegmentNameGenerator,
  type SegmentNameGenerator,
  type SegmentNameGeneratorConfig,
} from '../segment-name.js';
import type { TableConfig } from '../table-config.js';
import { createRawForwardIndexWriter } from '../writer/raw-forward.js';
import type { ChunkCompressionName } from '../codecs.js';
import { SegmentUnsupportedError } from '../errors.js';
import { createTransformPipeline } from '../transform/pipeline.js';
import type { BuilderColumn, SegmentLayoutPlan, TimeColumnInfo } from './segment-builder.js';
import { inValidTimeRange, isoOrRaw, parseTimeFormat, unitMillis, validateTimeValue } from './time-format.js';
import { BYTES_OPS, DOUBLE_OPS, FLOAT_OPS, INT_OPS, LONG_OPS, STRING_OPS, type StoredScalar, type TypeOps } from './type-ops.js';

export const BIG_DECIMAL_OPS: TypeOps<BigDecimal> = {
  type: 'BIG_DECIMAL',
  fixedSize: 0,
  // BigDecimal.equals is scale-sensitive (2.0 != 2.00), as Pinot's HashSet of values is.
  key: (v) => `${v.unscaled}e${v.scale}`,
  compare: compareBigDecimal,
  byteLength: bigDecimalByteSize,
  toBytes: serializeBigDecimal,
  write: (w, v) => w.bytes(serializeBigDecimal(v)),
  read: (r) => {
    const b = r.bytes();
    const scale = ((b[0] as number) << 8) | (b[1] as number);
    let unscaled = 0n;
    for (let i = 2; i < b.length; i++) unscaled = (unscaled << 8n) | BigInt(b[i] as number);
    if (b.length > 2 && ((b[2] as number) & 0x80) !== 0) unscaled -= 1n << BigInt(8 * (b.length - 2));
    return { unscaled, scale: scale >= 0x8000 ? scale - 0x10000 : scale } as BigDecimal;
  },
};

const OPS: Record<FieldSpec['storedType'], TypeOps> = {
  INT: INT_OPS as TypeOps,
  LONG: LONG_OPS as TypeOps,
  FLOAT: FLOAT_OPS as TypeOps,
  DOUBLE: DOUBLE_OPS as TypeOps,
  BIG_DECIMAL: BIG_DECIMAL_OPS as TypeOps,
  STRING: STRING_OPS as TypeOps,
  BYTES: BYTES_OPS as TypeOps,
};

export interface PlanOptions {
  /** A fixed segment name (Pinot's `fixed` generator). */
  segmentName?: string;
  /** segmentNameGeneratorSpec: type (simple, normalizedDate, fixed, inputFile, ...) and configs. */
  segmentNameGenerator?: { type?: string; configs?: Record<string, string> };
  /** The sequence id appended by the simple / normalizedDate generators; -1 for none. Default 0. */
  sequenceId?: number;
  /** For the inputFile generator. */
  inputFileUri?: string;
  /**
   * Whose rules name the segment: 'batchJob' (SegmentGenerationTaskRunner: `simple` uses the
   * table name with its type) or 'segmentWriter' (IngestionUtils, used by Pinot's segment writer
   * and minion tasks: `simple` uses the raw table name). Default 'batchJob'.
   */
  nameRules?: 'batchJob' | 'segmentWriter';
  /** The rows were already put through the table's transforms and filter (e.g. by a segment writer). */
  transformsApplied?: boolean;
}

/** IngestionUtils.getSegmentNameGenerator: the batch config's generator type and settings. */
function segmentWriterNameGenerator(table: TableConfig, timeFormat: string | undefined, opts: PlanOptions): SegmentNameGenerator {
  const type = opts.segmentNameGenerator?.type ?? 'simple';
  const c = opts.segmentNameGenerator?.configs ?? {};
  const bool = (k: string): boolean => (c[k] ?? '').toLowerCase() === 'true';
  switch (type) {
    case 'fixed':
      return new FixedSegmentNameGenerator(opts.segmentName ?? (c['segment.name'] as string));
    case 'normalizedDate':
      return new NormalizedDateSegmentNameGenerator({
        tableName: table.tableName,
        segmentNamePrefix: c['segment.name.prefix'] ?? null,
        excludeSequenceId: bool('exclude.sequence.id'),
        pushType: table.segmentIngestionType,
        pushFrequency: table.segmentIngestionFrequency ?? null,
        dateTimeFormat: timeFormat ?? null,
        segmentNamePostfix: c['segment.name.postfix'] ?? null,
        appendUUIDToSegmentName: bool('append.uuid.to.segment.name'),
      });
    case 'simple':
      return new SimpleSegmentNameGenerator(table.tableName, c['segment.name.postfix'] ?? null, bool('append.uuid.to.segment.name'), bool('exclude.time.in.segment.name'));
    default:
      throw new SegmentUnsupportedError(`Unsupported segmentNameGeneratorType: ${type} for table: ${table.tableNameWithType}`);
  }
}

/**
 * Resolves a parsed schema and table config into what the builder executes: per column the
 * stored type, dictionary / inverted / raw layout, conversion and formatting; the time column;
 * and the segment name generator, as SegmentGeneratorConfig sets them up for a batch job.
 */
export function planSegment(schema: PinotSchema, table: TableConfig, opts: PlanOptions = {}): SegmentLayoutPlan {
  // The table's ingestion transforms (complex-type flattening/unnest, expression transforms,
  // filter) run on each input row before conversion, unless the rows come already transformed.
  let transform: SegmentLayoutPlan['transform'];
  if (!opts.transformsApplied) {
    const pipeline = createTransformPipeline(schema, table);
    if (!pipeline.isNoOp) transform = (row) => pipeline.transform(row);
  }
  const columns: BuilderColumn[] = schema.fields.map((field) => {
    const cfg = table.columns.get(field.name);
    if (!cfg) throw new Error(`table config has no index config for column ${field.name}`);
    if (cfg.forwardIndexDisabled) throw new SegmentUnsupportedError(`column ${field.name}: forwardIndexDisabled is not supported`);
    if (cfg.dictIdCompression) throw new SegmentUnsupportedError(`column ${field.name}: dictIdCompressionType MV_ENTRY_DICT is not supported`);
    const ops = OPS[field.storedType];
    const dictionary = cfg.dictionary;
    const rawFromDictionary = dictionary && cfg.forwardEncoding === 'RAW';
    const compression = (cfg.compression ?? 'LZ4') as ChunkCompressionName;
    if (compression === ('DELTA' as string) || compression === ('DELTADELTA' as string)) {
      throw new SegmentUnsupportedError(`column ${field.name}: ${compression} compression is not supported`);
    }
    const writeRaw: BuilderColumn['rawForward'] = (file, values, stats) => {
      const w = createRawForwardIndexWriter({
        file,
        storedType: field.storedType,
        singleValue: field.singleValue,
        compression,
        numDocs: stats.totalDocs,
        maxLength: Math.max(0, stats.lengthOfLongestElement),
        maxNumberOfMultiValues: stats.maxNumberOfMultiValues,
        maxRowLengthInBytes: stats.maxRowLengthInBytes,
        writerVersion: cfg.rawIndexWriterVersion,
        targetDocsPerChunk: cfg.targetDocsPerChunk,
        targetMaxChunkSizeBytes: parseChunkSize(cfg.targetMaxChunkSize),
      });
      try {
        const bytes = field.storedType === 'BIG_DECIMAL';
        for (const v of values()) {
          if (bytes) w.add(Array.isArray(v) ? v.map((x) => serializeBigDecimal(x as BigDecimal)) : serializeBigDecimal(v as BigDecimal));
          else w.add(v as never);
        }
        w.close();
      } catch (e) {
        w.abort();
        throw e;
      }
    };
    return {
      field: {
        name: field.name,
        fieldType: field.fieldType,
        dataType: field.dataType,
        storedType: field.storedType,
        singleValue: field.singleValue,
        defaultNullValue: field.defaultNullValue as StoredScalar,
        defaultNullValueString: field.defaultNullValueString,
        ...(field.nonDefaultMaxLength !== undefined ? { nonDefaultMaxLength: field.nonDefaultMaxLength } : {}),
        ...(field.nonDefaultMaxLengthExceedStrategy !== undefined ? { nonDefaultMaxLengthExceedStrategy: field.nonDefaultMaxLengthExceedStrategy } : {}),
        ...(field.format !== undefined ? { format: field.format } : {}),
        ...(field.granularity !== undefined ? { granularity: field.granularity } : {}),
      },
      ops,
      dictionary,
      inverted: cfg.inverted,
      varLengthDictionary: cfg.varLengthDictionary,
      nullHandling: cfg.nullValueVector,
      convert: compileConverter(field) as (raw: unknown) => StoredScalar | StoredScalar[] | null,
      format: (v) => formatStored(field.dataType, v as StoredValue),
      ...(!dictionary || rawFromDictionary ? { rawForward: writeRaw } : {}),
      ...(rawFromDictionary ? { rawForwardWithDictionary: true } : {}),
    };
  });

  let time: TimeColumnInfo | undefined;
  const timeField = table.timeColumnName ? schema.fieldMap.get(table.timeColumnName) : undefined;
  if (timeField) time = timeColumnInfo(timeField, table);

  const nameConfig: SegmentNameGeneratorConfig = {
    tableName: table.tableNameWithType,
    // As SegmentGenerationTaskRunner: the job's segmentNameGeneratorSpec decides; indexingConfig.segmentNameGeneratorType is not read there.
    type: opts.segmentName !== undefined ? 'fixed' : (opts.segmentNameGenerator?.type ?? null),
    configs: { ...(opts.segmentNameGenerator?.configs ?? {}), ...(opts.segmentName !== undefined ? { 'segment.name': opts.segmentName } : {}) },
    timeColumn: timeField?.format ? { format: timeField.format, dataType: timeField.dataType } : null,
    pushType: table.segmentIngestionType,
    pushFrequency: table.segmentIngestionFrequency ?? null,
    ...(opts.inputFileUri ? { inputFileUri: opts.inputFileUri } : {}),
  };
  const generator =
    opts.nameRules === 'segmentWriter' && opts.segmentName === undefined
      ? segmentWriterNameGenerator(table, timeField?.format, opts)
      : createSegmentNameGenerator(nameConfig);
  const sequenceId = opts.sequenceId ?? 0;
  return {
    tableName: table.tableName,
    columns,
    dimensions: schema.dimensionNames,
    metrics: schema.metricNames,
    dateTimes: schema.dateTimeNames,
    ...(time ? { time } : {}),
    ...(transform ? { transform } : {}),
    checkTimeRange: table.segmentTimeValueCheck,
    continueOnError: table.continueOnError,
    segmentName: (min, max) =>
      generator.generate({
        sequenceId,
        ...(min !== undefined ? { minTimeValue: min as string | number | bigint } : {}),
        ...(max !== undefined ? { maxTimeValue: max as string | number | bigint } : {}),
      }),
  };
}

function parseChunkSize(s: string): number {
  const m = /^\s*(\d+)\s*([KMG]?)B?\s*$/i.exec(s);
  if (!m) throw new Error(`targetMaxChunkSize ${JSON.stringify(s)} is not a size like 1M or 512K`);
  const mult = { '': 1, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 }[(m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

/** The table's time column checks, for callers that must refuse a bad time before building (the segment writer). */
export interface TimeColumnChecks {
  column: string;
  /** rowTimeValueCheck (TimeValidationTransformer), when on: as TimeColumnInfo.rowCheck. */
  row?: (value: StoredScalar) => StoredScalar | null;
  /** segmentTimeValueCheck, when on: why a segment holding this value would fail its time check. */
  segment?: (value: StoredScalar) => string | undefined;
}

export function timeColumnChecks(schema: PinotSchema, table: TableConfig): TimeColumnChecks | undefined {
  const field = table.timeColumnName ? schema.fieldMap.get(table.timeColumnName) : undefined;
  if (!field) return undefined;
  const info = timeColumnInfo(field, table);
  const segment = (v: StoredScalar): string | undefined => {
    let t: ReturnType<TimeColumnInfo['segmentTime']>;
    try {
      t = info.segmentTime(v, v);
    } catch (e) {
      return `time value ${String(v)} cannot be read with format ${field.format ?? 'TIMESTAMP'}: ${(e as Error).message}`;
    }
    if (inValidTimeRange(t.startMillis)) return undefined;
    return `time value ${t.start} ${t.unit} (${isoOrRaw(t.startMillis)}) is outside Pinot's valid range 1971-01-01 .. 2071-01-01`;
  };
  return {
    column: field.name,
    ...(info.rowCheck ? { row: info.rowCheck } : {}),
    ...(table.segmentTimeValueCheck ? { segment } : {}),
  };
}

/** The time column as SegmentGeneratorConfig.setTime + BaseSegmentCreator.writeMetadata use it. */
function timeColumnInfo(field: FieldSpec, table: TableConfig): TimeColumnInfo {
  const format = parseTimeFormat(field.format ?? 'TIMESTAMP');
  const formatText = field.format ?? 'TIMESTAMP';
  // NullValueTransformerUtils.getDefaultTimeValue: the schema default if it is a valid time, else "now".
  let defaultValid = false;
  try {
    const ms = format.toMillis(field.defaultNullValueString);
    defaultValid = inValidTimeRange(ms);
  } catch {
    defaultValid = false;
  }
  return {
    name: field.name,
    ...(table.rowTimeValueCheck
      ? { rowCheck: (v: StoredScalar) => validateTimeValue(format, formatText, table.continueOnError, v as string | number | bigint) }
      : {}),
    segmentTime(min, max) {
      if (format.kind === 'SIMPLE_DATE_FORMAT') {
        const start = format.toMillis(String(min));
        const end = format.toMillis(String(max));
        return { start: BigInt(start), end: BigInt(end), unit: 'MILLISECONDS', startMillis: start, endMillis: end };
      }
      const start = BigInt(String(min));
      const end = BigInt(String(max));
      const unitMs = unitMillis(format.unit);
      return { start, end, unit: format.unit, startMillis: Number(start) * unitMs, endMillis: Number(end) * unitMs };
    },
    emptySegmentTime(now) {
      if (format.kind === 'SIMPLE_DATE_FORMAT') return { start: BigInt(now), end: BigInt(now), unit: 'MILLISECONDS' };
      const v = BigInt(Math.trunc(now / unitMillis(format.unit)));
      return { start: v, end: v, unit: format.unit };
    },
    defaultTime(now) {
      if (defaultValid) return field.defaultNullValue as StoredScalar;
      const v = convertValue(field, String(format.fromMillis(now)));
      return (Array.isArray(v) ? v[0] : v) as StoredScalar;
    },
  };
}
