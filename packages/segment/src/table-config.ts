/**
 * Pinot table config JSON → what segment creation needs, validated the way pinot-segment-local TableConfigUtils.validate
 * validates those parts (validateValidationConfig, validateRetentionConfig's push type, validateIngestionConfig's
 * transform/filter checks, validateIndexingConfigAndFieldConfigList with the dictionary / forward / inverted
 * IndexType.validate checks) and the way FieldIndexConfigsUtil + DictionaryIndexType / ForwardIndexType /
 * InvertedIndexType deserialize per-column index configs (legacy lists and fieldConfigList `indexes`).
 *
 * Not implemented here (reported in `ignoredIndexes` / returned raw): range, bloom, JSON, text, FST, H3, vector,
 * timestamp and star-tree indexes; segment partitioning (segmentPartitionConfig is validated and returned, partition
 * metadata is not computed); ingestion transforms and filters (returned raw, not evaluated); the optimizeDictionary*
 * heuristics (flags returned; they need column statistics).
 */
import { readComplexTypeConfig, type ComplexTypeConfig } from './transform/complex-type.js';
import type { FieldSpec, FieldType, PinotSchema } from './schema.js';

export type TableType = 'OFFLINE' | 'REALTIME';
/** FieldConfig.CompressionCodec. */
export type CompressionCodec =
  | 'PASS_THROUGH'
  | 'SNAPPY'
  | 'ZSTANDARD'
  | 'LZ4'
  | 'GZIP'
  | 'MV_ENTRY_DICT'
  | 'CLP'
  | 'CLPV2'
  | 'CLPV2_ZSTD'
  | 'CLPV2_LZ4'
  | 'DELTA'
  | 'DELTADELTA';
/** ChunkCompressionType of a raw forward index. */
export type RawChunkCompression = 'PASS_THROUGH' | 'SNAPPY' | 'ZSTANDARD' | 'LZ4' | 'LZ4_LENGTH_PREFIXED' | 'GZIP' | 'DELTA' | 'DELTADELTA';

export interface ColumnIndexConfig {
  column: string;
  /**
   * Whether segment creation builds a dictionary (BaseSegmentCreator.createDictionaryForColumn without the
   * optimizeDictionary heuristics): true when the dictionary is enabled or an enabled index requires one (inverted).
   */
  dictionary: boolean;
  /** The forward index encoding (ForwardIndexConfig.encodingType). RAW with `dictionary` true is Pinot's shared-dictionary layout. */
  forwardEncoding: 'DICTIONARY' | 'RAW';
  /** fieldConfig properties.forwardIndexDisabled = "true" (OFFLINE only; a no-op for sorted columns). */
  forwardIndexDisabled: boolean;
  /** Inverted index configured (BaseSegmentCreator skips it when the column turns out to be sorted). */
  inverted: boolean;
  /** The codec as configured (fieldConfig.compressionCodec or indexes.forward.compressionCodec / chunkCompressionType). */
  compressionCodec?: CompressionCodec;
  /**
   * RAW forward index: the chunk compression Pinot uses — the configured codec's chunk type, else
   * ForwardIndexType.getDefaultCompressionType: PASS_THROUGH for METRIC columns, LZ4 for everything else.
   */
  compression?: RawChunkCompression;
  /** Dictionary-encoded MV forward index with MV_ENTRY_DICT. */
  dictIdCompression?: 'MV_ENTRY_DICT';
  /** DictionaryIndexConfig.useVarLengthDictionary (varLengthDictionaryColumns or indexes.dictionary). */
  varLengthDictionary: boolean;
  /** ForwardIndexConfig raw writer settings (defaults: version 4, 1MB chunks, 1000 docs per chunk). */
  rawIndexWriterVersion: number;
  deriveNumDocsPerChunk: boolean;
  targetMaxChunkSize: string;
  targetDocsPerChunk: number;
  /** A null value vector is written: schema column-based null handling ? !notNull : tableIndexConfig.nullHandlingEnabled. */
  nullValueVector: boolean;
}

export interface ColumnPartitionConfig {
  functionName: string;
  numPartitions: number;
  functionConfig?: Record<string, string>;
}

export interface TransformConfig {
  columnName: string;
  transformFunction: string;
}

export interface TableConfig {
  /** Raw table name (TableNameBuilder.extractRawTableName of the name with type). */
  tableName: string;
  tableNameWithType: string;
  tableType: TableType;
  timeColumnName?: string;
  /** One entry per (non-virtual) schema column, in schema order. */
  columns: Map<string, ColumnIndexConfig>;
  /** tableIndexConfig.sortedColumn (Pinot takes the list as the column sort order; in practice one column). */
  sortedColumns: string[];
  sortedColumn?: string;
  nullHandling: 'table' | 'column' | 'off';
  /** Kept for completeness: Pinot at HEAD ignores it and always builds configured inverted indexes at creation. */
  createInvertedIndexDuringSegmentGeneration: boolean;
  segmentNameGeneratorType?: string;
  /** tableIndexConfig.segmentFormatVersion (v1 / v2 / v3), if set. */
  segmentVersion?: 'v1' | 'v2' | 'v3';
  /** Validated (columns exist and are single-value); partition values are NOT computed by this package yet. */
  segmentPartitionConfig?: { columnPartitionMap: Record<string, ColumnPartitionConfig> };
  /** IngestionConfigUtils.getBatchSegmentIngestionType: batchIngestionConfig, else segmentsConfig.segmentPushType, else APPEND. */
  segmentIngestionType: string;
  segmentIngestionFrequency?: string;
  transformConfigs?: TransformConfig[];
  filterConfig?: { filterFunction?: string };
  /** ingestionConfig.complexTypeConfig (flattening / unnesting), validated against the schema. */
  complexTypeConfig?: ComplexTypeConfig;
  continueOnError: boolean;
  rowTimeValueCheck: boolean;
  segmentTimeValueCheck: boolean;
  optimizeDictionary: boolean;
  optimizeDictionaryForMetrics: boolean;
  optimizeDictionaryType: boolean;
  /** Index / config features configured in the table that this package does not build (path + what). */
  ignoredIndexes: Array<{ path: string; feature: string; column?: string }>;
}

export class TableConfigError extends Error {
  override readonly name = 'TableConfigError';
  constructor(
    readonly detail: string,
    readonly path: string,
    readonly source?: string,
  ) {
    super(`${source !== undefined ? `${source}: ` : ''}${path ? `${path}: ` : ''}${detail}`);
  }
}

type Fail = (message: string, path: string) => never;

const CODECS: readonly CompressionCodec[] = ['PASS_THROUGH', 'SNAPPY', 'ZSTANDARD', 'LZ4', 'GZIP', 'MV_ENTRY_DICT', 'CLP', 'CLPV2', 'CLPV2_ZSTD', 'CLPV2_LZ4', 'DELTA', 'DELTADELTA'];
const RAW_APPLICABLE = new Set<CompressionCodec>(['PASS_THROUGH', 'SNAPPY', 'ZSTANDARD', 'LZ4', 'GZIP']);
const CLP_CODECS = new Set<CompressionCodec>(['CLP', 'CLPV2', 'CLPV2_ZSTD', 'CLPV2_LZ4']);
/** ChunkCompressionType names accepted by the deprecated indexes.forward.chunkCompressionType (getActualCompressionCodec). */
const CHUNK_TYPES: Record<string, CompressionCodec> = {
  PASS_THROUGH: 'PASS_THROUGH',
  SNAPPY: 'SNAPPY',
  ZSTANDARD: 'ZSTANDARD',
  LZ4: 'LZ4',
  DELTA: 'DELTA',
  DELTADELTA: 'DELTADELTA',
};
const FIELD_INDEX_TYPES = ['INVERTED', 'SORTED', 'TEXT', 'FST', 'IFST', 'H3', 'JSON', 'TIMESTAMP', 'VECTOR', 'RANGE', 'OPEN_STRUCT'];
const SEGMENT_NAME_GENERATORS = ['simple', 'normalizedDate', 'fixed', 'uploadedRealtime', 'inputFile'];
// eslint-disable-next-line no-control-regex -- Java's Character.isWhitespace includes U+000B and U+001C-U+001F
const JAVA_WHITESPACE = /[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]/;
const TIME_UNITS = ['NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS'];

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

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function readBool(v: unknown, path: string, fail: Fail): boolean {
  if (!present(v)) return false;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return fail(`must be true or false, got ${describe(v)}`, path);
}

function readStr(v: unknown, path: string, fail: Fail): string {
  if (typeof v !== 'string') return fail(`must be a string, got ${describe(v)}`, path);
  return v;
}

function readObj(v: unknown, path: string, fail: Fail): Record<string, unknown> | undefined {
  if (!present(v)) return undefined;
  if (!isObject(v)) return fail(`must be a JSON object, got ${describe(v)}`, path);
  return v;
}

/** A list of column names; empty strings are dropped as TableConfigUtils.sanitize does. Returns [name, original index]. */
function readColumnList(v: unknown, path: string, fail: Fail): Array<[string, number]> {
  if (!present(v)) return [];
  if (!Array.isArray(v)) return fail(`must be an array of column names, got ${describe(v)}`, path);
  const out: Array<[string, number]> = [];
  v.forEach((c, i) => {
    const name = readStr(c, `${path}[${i}]`, fail);
    if (name.length > 0) out.push([name, i]);
  });
  return out;
}

function readCodec(v: unknown, path: string, fail: Fail): CompressionCodec | undefined {
  if (!present(v)) return undefined;
  if (typeof v === 'string' && (CODECS as readonly string[]).includes(v)) return v as CompressionCodec;
  return fail(`unknown compression codec ${describe(v)} (expected one of ${CODECS.join(', ')})`, path);
}

function chunkOf(codec: CompressionCodec): RawChunkCompression | undefined {
  switch (codec) {
    case 'PASS_THROUGH':
    case 'CLP':
    case 'CLPV2':
    case 'CLPV2_ZSTD':
    case 'CLPV2_LZ4':
      return 'PASS_THROUGH';
    case 'MV_ENTRY_DICT':
      return undefined;
    default:
      return codec;
  }
}

/** ForwardIndexType.getDefaultCompressionType. */
export function defaultRawCompression(fieldType: FieldType): RawChunkCompression {
  return fieldType === 'METRIC' ? 'PASS_THROUGH' : 'LZ4';
}

interface DictConfig {
  disabled: boolean;
  useVarLength: boolean;
  path: string;
}

interface FwdConfig {
  disabled: boolean;
  encoding: 'DICTIONARY' | 'RAW';
  codec?: CompressionCodec;
  rawIndexWriterVersion: number;
  deriveNumDocsPerChunk: boolean;
  targetMaxChunkSize: string;
  targetDocsPerChunk: number;
  path: string;
}

const DEFAULT_FWD = { rawIndexWriterVersion: 4, deriveNumDocsPerChunk: false, targetMaxChunkSize: '1MB', targetDocsPerChunk: 1000 };

/**
 * Parses a Pinot table config (OFFLINE or REALTIME) against a parsed schema. Errors are TableConfigErrors naming the
 * JSON path, e.g. `tableIndexConfig.invertedIndexColumns[1]`.
 */
export function parseTableConfig(json: unknown, schema: PinotSchema, source?: string): TableConfig {
  const fail: Fail = (message, path) => {
    throw new TableConfigError(message, path, source);
  };
  if (!isObject(json)) fail(`a table config must be a JSON object, got ${describe(json)}`, '');
  const cfg = json as Record<string, unknown>;

  // --- TableConfig(@JsonCreator) ---
  if (!present(cfg.tableName)) fail("'tableName' must be configured", 'tableName');
  const rawName = readStr(cfg.tableName, 'tableName', fail);
  if (rawName.includes('__')) fail("'tableName' cannot contain double underscore ('__')", 'tableName');
  if (!present(cfg.tableType)) fail("'tableType' must be configured", 'tableType');
  const typeStr = readStr(cfg.tableType, 'tableType', fail).toUpperCase();
  if (typeStr !== 'OFFLINE' && typeStr !== 'REALTIME') fail(`unknown table type ${describe(cfg.tableType)} (expected OFFLINE or REALTIME)`, 'tableType');
  const tableType = typeStr as TableType;
  const suffix = `_${tableType}`;
  const tableNameWithType = rawName.endsWith(suffix) ? rawName : rawName + suffix;
  const tableName = tableNameWithType.endsWith('_OFFLINE')
    ? tableNameWithType.slice(0, -'_OFFLINE'.length)
    : tableNameWithType.endsWith('_REALTIME')
      ? tableNameWithType.slice(0, -'_REALTIME'.length)
      : tableNameWithType;
  // TableConfigUtils.validateTableName
  if ((tableNameWithType.match(/\./g) ?? []).length > 1) fail(`Table name: '${tableNameWithType}' containing more than one '.' is not allowed`, 'tableName');
  if (JAVA_WHITESPACE.test(tableNameWithType)) fail(`Table name: '${tableNameWithType}' containing space is not allowed`, 'tableName');
  if (!present(cfg.segmentsConfig)) fail("'segmentsConfig' must be configured", 'segmentsConfig');
  const segmentsConfig = readObj(cfg.segmentsConfig, 'segmentsConfig', fail)!;
  if (!present(cfg.tableIndexConfig)) fail("'tableIndexConfig' must be configured", 'tableIndexConfig');
  const idx = readObj(cfg.tableIndexConfig, 'tableIndexConfig', fail)!;
  const ingestion = readObj(cfg.ingestionConfig, 'ingestionConfig', fail);

  const hasColumn = (c: string): boolean => schema.fieldMap.has(c) || schema.virtualColumns.includes(c);
  // Index configs may name virtual columns (Pinot accepts them and ignores them at segment creation).
  const requireColumn = (c: string, path: string, what = 'column'): FieldSpec | undefined => {
    const spec = schema.fieldMap.get(c);
    if (!spec && !schema.virtualColumns.includes(c)) fail(`${what} "${c}" is not in schema "${schema.schemaName}" — Pinot: Failed to find column: ${c} in schema`, path);
    return spec;
  };

  // --- segmentsConfig (validateValidationConfig, validateRetentionConfig) ---
  let timeColumnName: string | undefined;
  if (present(segmentsConfig.timeColumnName)) {
    timeColumnName = readStr(segmentsConfig.timeColumnName, 'segmentsConfig.timeColumnName', fail);
    const spec = schema.fieldMap.get(timeColumnName);
    if (!spec || (spec.fieldType !== 'DATE_TIME' && spec.fieldType !== 'TIME')) {
      fail(
        `time column "${timeColumnName}" ${spec ? `is a ${spec.fieldType} field, not a DATE_TIME (or TIME) field` : 'is not in the schema'} — Pinot: Cannot find valid fieldSpec for timeColumn: ${timeColumnName} from the table config: ${tableNameWithType}, in the schema: ${schema.schemaName}`,
        'segmentsConfig.timeColumnName',
      );
    }
  }
  if (tableType === 'REALTIME' && timeColumnName === undefined) fail("'timeColumnName' cannot be null in REALTIME table config", 'segmentsConfig.timeColumnName');
  if (present(segmentsConfig.retentionTimeUnit) && segmentsConfig.retentionTimeUnit !== '') {
    const u = readStr(segmentsConfig.retentionTimeUnit, 'segmentsConfig.retentionTimeUnit', fail);
    if (!TIME_UNITS.includes(u.toUpperCase())) fail(`Table: ${tableNameWithType}, invalid retention time unit: ${u}`, 'segmentsConfig.retentionTimeUnit');
  }

  const batch = readObj(ingestion?.batchIngestionConfig, 'ingestionConfig.batchIngestionConfig', fail);
  let segmentIngestionType = 'APPEND';
  let ingestionTypePath = '';
  if (present(batch?.segmentIngestionType)) {
    segmentIngestionType = readStr(batch!.segmentIngestionType, 'ingestionConfig.batchIngestionConfig.segmentIngestionType', fail);
    ingestionTypePath = 'ingestionConfig.batchIngestionConfig.segmentIngestionType';
  } else if (present(segmentsConfig.segmentPushType)) {
    segmentIngestionType = readStr(segmentsConfig.segmentPushType, 'segmentsConfig.segmentPushType', fail);
    ingestionTypePath = 'segmentsConfig.segmentPushType';
  }
  if (tableType === 'OFFLINE' && segmentIngestionType !== '' && !/^(refresh|append)$/i.test(segmentIngestionType)) {
    fail(`Table: ${tableNameWithType}, invalid push type: ${segmentIngestionType} (expected APPEND or REFRESH)`, ingestionTypePath);
  }
  let segmentIngestionFrequency: string | undefined;
  if (present(batch?.segmentIngestionFrequency)) segmentIngestionFrequency = readStr(batch!.segmentIngestionFrequency, 'ingestionConfig.batchIngestionConfig.segmentIngestionFrequency', fail);
  else if (present(segmentsConfig.segmentPushFrequency)) segmentIngestionFrequency = readStr(segmentsConfig.segmentPushFrequency, 'segmentsConfig.segmentPushFrequency', fail);
  if (readBool(cfg.isDimTable, 'isDimTable', fail)) {
    if (tableType !== 'OFFLINE') fail('Dimension table must be of OFFLINE table type.', 'isDimTable');
    if (!schema.primaryKeyColumns || schema.primaryKeyColumns.length === 0) fail('Dimension table must have primary key[s]', 'isDimTable');
  }

  const ignoredIndexes: TableConfig['ignoredIndexes'] = [];

  // --- tableIndexConfig ---
  const ip = 'tableIndexConfig';
  const invertedCols = readColumnList(idx.invertedIndexColumns, `${ip}.invertedIndexColumns`, fail);
  const noDictCols = readColumnList(idx.noDictionaryColumns, `${ip}.noDictionaryColumns`, fail);
  const sortedCols = readColumnList(idx.sortedColumn, `${ip}.sortedColumn`, fail);
  const varLenCols = readColumnList(idx.varLengthDictionaryColumns, `${ip}.varLengthDictionaryColumns`, fail);
  const onHeapCols = readColumnList(idx.onHeapDictionaryColumns, `${ip}.onHeapDictionaryColumns`, fail);
  const noDictConfig = readObj(idx.noDictionaryConfig, `${ip}.noDictionaryConfig`, fail) ?? {};
  for (const [c, v] of Object.entries(noDictConfig)) {
    if (present(v)) readStr(v, `${ip}.noDictionaryConfig.${c}`, fail);
  }
  const nullHandlingEnabled = readBool(idx.nullHandlingEnabled, `${ip}.nullHandlingEnabled`, fail);
  const createInvertedIndexDuringSegmentGeneration = readBool(idx.createInvertedIndexDuringSegmentGeneration, `${ip}.createInvertedIndexDuringSegmentGeneration`, fail);
  let segmentNameGeneratorType: string | undefined;
  if (present(idx.segmentNameGeneratorType)) {
    segmentNameGeneratorType = readStr(idx.segmentNameGeneratorType, `${ip}.segmentNameGeneratorType`, fail);
    if (!SEGMENT_NAME_GENERATORS.includes(segmentNameGeneratorType)) {
      fail(`Unsupported segmentNameGeneratorType: ${segmentNameGeneratorType} (expected one of ${SEGMENT_NAME_GENERATORS.join(', ')})`, `${ip}.segmentNameGeneratorType`);
    }
  }
  let segmentVersion: TableConfig['segmentVersion'];
  if (present(idx.segmentFormatVersion)) {
    const v = readStr(idx.segmentFormatVersion, `${ip}.segmentFormatVersion`, fail);
    if (v !== 'v1' && v !== 'v2' && v !== 'v3') fail(`unknown segment format version ${describe(v)} (expected v1, v2 or v3)`, `${ip}.segmentFormatVersion`);
    segmentVersion = v;
  }
  const optimizeDictionary = readBool(idx.optimizeDictionary, `${ip}.optimizeDictionary`, fail);
  const optimizeDictionaryForMetrics = readBool(idx.optimizeDictionaryForMetrics, `${ip}.optimizeDictionaryForMetrics`, fail);
  const optimizeDictionaryType = readBool(idx.optimizeDictionaryType, `${ip}.optimizeDictionaryType`, fail);
  const ignoreList = (key: string, feature: string): void => {
    for (const [c, i] of readColumnList(idx[key], `${ip}.${key}`, fail)) {
      requireColumn(c, `${ip}.${key}[${i}]`);
      ignoredIndexes.push({ path: `${ip}.${key}[${i}]`, feature, column: c });
    }
  };
  ignoreList('rangeIndexColumns', 'range index');
  ignoreList('bloomFilterColumns', 'bloom filter');
  ignoreList('jsonIndexColumns', 'JSON index');
  for (const key of ['bloomFilterConfigs', 'jsonIndexConfigs']) {
    const m = readObj(idx[key], `${ip}.${key}`, fail);
    for (const c of Object.keys(m ?? {})) {
      requireColumn(c, `${ip}.${key}.${c}`);
      ignoredIndexes.push({ path: `${ip}.${key}.${c}`, feature: key === 'bloomFilterConfigs' ? 'bloom filter' : 'JSON index', column: c });
    }
  }
  if (Array.isArray(idx.starTreeIndexConfigs) && idx.starTreeIndexConfigs.length > 0) ignoredIndexes.push({ path: `${ip}.starTreeIndexConfigs`, feature: 'star-tree index' });
  if (readBool(idx.enableDefaultStarTree, `${ip}.enableDefaultStarTree`, fail)) ignoredIndexes.push({ path: `${ip}.enableDefaultStarTree`, feature: 'default star-tree index' });
  if (present(idx.multiColumnTextIndexConfig)) ignoredIndexes.push({ path: `${ip}.multiColumnTextIndexConfig`, feature: 'multi-column text index' });

  // --- fieldConfigList ---
  const fieldConfigs: FieldConfigLike[] = [];
  if (present(cfg.fieldConfigList)) {
    if (!Array.isArray(cfg.fieldConfigList)) fail(`must be an array, got ${describe(cfg.fieldConfigList)}`, 'fieldConfigList');
    const seen = new Set<string>();
    (cfg.fieldConfigList as unknown[]).forEach((raw, i) => {
      const p = `fieldConfigList[${i}]`;
      if (!isObject(raw)) fail(`must be a JSON object, got ${describe(raw)}`, p);
      const o = raw as Record<string, unknown>;
      if (!present(o.name)) fail("'name' must be configured", `${p}.name`);
      const name = readStr(o.name, `${p}.name`, fail);
      if (seen.has(name)) fail(`Duplicate FieldConfig for column: ${name}`, `${p}.name`);
      seen.add(name);
      const spec = requireColumn(name, `${p}.name`);
      let encoding: 'RAW' | 'DICTIONARY' = 'DICTIONARY';
      if (present(o.encodingType)) {
        if (o.encodingType !== 'RAW' && o.encodingType !== 'DICTIONARY') fail(`unknown encodingType ${describe(o.encodingType)} (expected RAW or DICTIONARY)`, `${p}.encodingType`);
        encoding = o.encodingType as 'RAW' | 'DICTIONARY';
      }
      let indexTypesRaw: unknown[] = [];
      if (present(o.indexTypes)) {
        if (!Array.isArray(o.indexTypes)) fail(`must be an array, got ${describe(o.indexTypes)}`, `${p}.indexTypes`);
        indexTypesRaw = o.indexTypes as unknown[];
      } else if (present(o.indexType)) indexTypesRaw = [o.indexType];
      const indexTypes = indexTypesRaw.map((t, j) => {
        const tp = present(o.indexTypes) ? `${p}.indexTypes[${j}]` : `${p}.indexType`;
        if (typeof t !== 'string' || !FIELD_INDEX_TYPES.includes(t)) fail(`unknown index type ${describe(t)} (expected one of ${FIELD_INDEX_TYPES.join(', ')})`, tp);
        if (t !== 'INVERTED' && t !== 'SORTED' && t !== 'TIMESTAMP') ignoredIndexes.push({ path: tp, feature: `${(t as string).toLowerCase()} index`, column: name });
        return t as string;
      });
      const codec = readCodec(o.compressionCodec, `${p}.compressionCodec`, fail);
      // validateGorillaCompressionCodecIfPresent
      if (spec && (codec === 'DELTA' || codec === 'DELTADELTA')) {
        if (!spec.singleValue) fail(`Compression codec ${codec} can only be used on single-value columns, found multi-value column: ${name}`, `${p}.compressionCodec`);
        if (spec.storedType !== 'INT' && spec.storedType !== 'LONG') fail(`Compression codec ${codec} can only be used on INT/LONG data types, found ${spec.storedType} for column: ${name}`, `${p}.compressionCodec`);
      }
      let properties: Record<string, string> | undefined;
      if (present(o.properties)) {
        const props = readObj(o.properties, `${p}.properties`, fail)!;
        properties = {};
        for (const [k, v] of Object.entries(props)) if (present(v)) properties[k] = readStr(v, `${p}.properties.${k}`, fail);
      }
      let indexes: Record<string, unknown> | undefined;
      if (present(o.indexes)) {
        indexes = readObj(o.indexes, `${p}.indexes`, fail);
        for (const key of Object.keys(indexes ?? {})) {
          if (!['forward', 'dictionary', 'inverted', 'nullValueVector'].includes(key)) {
            const entry = indexes![key];
            if (!(isObject(entry) && entry.disabled === true)) ignoredIndexes.push({ path: `${p}.indexes.${key}`, feature: `${key} index`, column: name });
          }
        }
      }
      if (present(o.timestampConfig)) ignoredIndexes.push({ path: `${p}.timestampConfig`, feature: 'timestamp index', column: name });
      const fc: FieldConfigLike = { name, path: p, encoding, indexTypes };
      if (indexes) fc.indexes = indexes;
      if (codec) fc.codec = codec;
      if (properties) fc.properties = properties;
      fieldConfigs.push(fc);
    });
  }

  // Every column named in tableIndexConfig must exist (validateIndexingConfigAndFieldConfigList: "Failed to find column").
  for (const [list, key] of [
    [invertedCols, 'invertedIndexColumns'],
    [noDictCols, 'noDictionaryColumns'],
    [varLenCols, 'varLengthDictionaryColumns'],
    [onHeapCols, 'onHeapDictionaryColumns'],
  ] as const) {
    for (const [c, i] of list) requireColumn(c, `${ip}.${key}[${i}]`);
  }
  for (const c of Object.keys(noDictConfig)) requireColumn(c, `${ip}.noDictionaryConfig.${c}`);
  // Sorted column: exists and is single-value.
  for (const [c, i] of sortedCols) {
    const spec = schema.fieldMap.get(c);
    if (!spec) fail(`sorted column "${c}" is not in the schema — Pinot: Failed to find sorted column: ${c} in schema`, `${ip}.sortedColumn[${i}]`);
    if (!spec!.singleValue) fail(`Cannot sort on multi-value column: ${c}`, `${ip}.sortedColumn[${i}]`);
  }
  // validateIndexingConfigAndFieldConfigListCompatibility
  const noDictFromIndexing = new Set([...noDictCols.map(([c]) => c), ...Object.keys(noDictConfig)]);
  for (const fc of fieldConfigs) {
    // FieldConfig.encodingType defaults to DICTIONARY, so any fieldConfig of a noDictionary column must say RAW.
    if (fc.encoding === 'DICTIONARY' && noDictFromIndexing.has(fc.name)) {
      fail(`FieldConfig encoding type is different from indexingConfig for column: ${fc.name}`, `${fc.path}.encodingType`);
    }
  }

  // --- per-column index configs (FieldIndexConfigsUtil.createIndexConfigsByColName) ---
  const dictConfigs = resolveDictionary(fieldConfigs, noDictCols, noDictConfig, varLenCols, onHeapCols, fail);
  const invertedConfigs = resolveInverted(fieldConfigs, invertedCols, fail);
  const fwdConfigs = resolveForward(fieldConfigs, noDictFromIndexing, fail);

  // Segment partitioning
  let segmentPartitionConfig: TableConfig['segmentPartitionConfig'];
  const spc = readObj(idx.segmentPartitionConfig, `${ip}.segmentPartitionConfig`, fail);
  if (spc) {
    const map = readObj(spc.columnPartitionMap, `${ip}.segmentPartitionConfig.columnPartitionMap`, fail);
    if (!map) fail("'columnPartitionMap' must be configured", `${ip}.segmentPartitionConfig.columnPartitionMap`);
    const out: Record<string, ColumnPartitionConfig> = {};
    for (const [c, v] of Object.entries(map!)) {
      const p = `${ip}.segmentPartitionConfig.columnPartitionMap.${c}`;
      const spec = schema.fieldMap.get(c);
      if (!spec) fail(`partition column "${c}" is not in the schema — Pinot: Failed to find partition column: ${c} in schema`, p);
      if (!spec!.singleValue) fail(`Cannot partition on multi-value column: ${c}`, p);
      const o = readObj(v, p, fail);
      if (!o || !present(o.functionName)) fail("'functionName' must be configured", `${p}.functionName`);
      const functionName = readStr(o!.functionName, `${p}.functionName`, fail);
      const n = o!.numPartitions;
      if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) fail(`'numPartitions' must be positive, got ${describe(n)}`, `${p}.numPartitions`);
      const pc: ColumnPartitionConfig = { functionName, numPartitions: n as number };
      const fcfg = readObj(o!.functionConfig, `${p}.functionConfig`, fail);
      if (fcfg) pc.functionConfig = Object.fromEntries(Object.entries(fcfg).map(([k, x]) => [k, String(x)]));
      out[c] = pc;
    }
    segmentPartitionConfig = { columnPartitionMap: out };
  }

  // --- ingestionConfig: transforms and filter (validated structurally, returned raw) ---
  let transformConfigs: TransformConfig[] | undefined;
  if (present(ingestion?.transformConfigs)) {
    const list = ingestion!.transformConfigs;
    if (!Array.isArray(list)) fail(`must be an array, got ${describe(list)}`, 'ingestionConfig.transformConfigs');
    transformConfigs = [];
    const destinations = new Set<string>();
    const functions = (list as unknown[]).map((t) => (isObject(t) && typeof t.transformFunction === 'string' ? t.transformFunction : ''));
    (list as unknown[]).forEach((t, i) => {
      const p = `ingestionConfig.transformConfigs[${i}]`;
      if (!isObject(t) || !present(t.columnName) || !present(t.transformFunction)) fail(`columnName/transformFunction cannot be null in TransformConfig ${describe(t)}`, p);
      const o = t as Record<string, unknown>;
      const columnName = readStr(o.columnName, `${p}.columnName`, fail);
      const transformFunction = readStr(o.transformFunction, `${p}.transformFunction`, fail);
      if (destinations.has(columnName)) fail(`Duplicate transform config found for column '${columnName}'`, `${p}.columnName`);
      destinations.add(columnName);
      // The destination must be a schema column or an intermediate consumed by another transform (approximated here by
      // the name appearing as a word in another transform function).
      const word = new RegExp(`(^|[^A-Za-z0-9_$])${columnName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_$])`);
      const consumed = functions.some((f, j) => j !== i && word.test(f));
      if (!hasColumn(columnName) && !consumed) {
        fail(`The destination column '${columnName}' of the transform function must be present in the schema, be consumed as the input of another transform function, or be a source column for aggregations`, `${p}.columnName`);
      }
      transformConfigs!.push({ columnName, transformFunction });
    });
  }
  let filterConfig: TableConfig['filterConfig'];
  const filter = readObj(ingestion?.filterConfig, 'ingestionConfig.filterConfig', fail);
  if (filter) {
    filterConfig = {};
    if (present(filter.filterFunction)) filterConfig.filterFunction = readStr(filter.filterFunction, 'ingestionConfig.filterConfig.filterFunction', fail);
  }

  // --- assemble and validate columns (DictionaryIndexType / ForwardIndexType / InvertedIndexType .validate) ---
  const nullHandling: TableConfig['nullHandling'] = schema.enableColumnBasedNullHandling ? 'column' : nullHandlingEnabled ? 'table' : 'off';
  const columns = new Map<string, ColumnIndexConfig>();
  for (const spec of schema.fields) {
    const c = spec.name;
    const dict = dictConfigs.get(c);
    const inv = invertedConfigs.get(c);
    const fwd = fwdConfigs.get(c) ?? { disabled: false, encoding: 'DICTIONARY' as const, ...DEFAULT_FWD, path: '' };
    const dictEnabled = !(dict?.disabled ?? false);
    const inverted = inv ? !inv.disabled : false;
    const useVarLength = dict?.useVarLength ?? false;
    if (dictEnabled && useVarLength && spec.storedType !== 'STRING' && spec.storedType !== 'BYTES' && spec.storedType !== 'BIG_DECIMAL') {
      fail(`Cannot create var-length dictionary on column: ${c} of fixed-width stored type: ${spec.storedType}`, dict!.path);
    }
    if (!fwd.disabled) {
      if (fwd.encoding === 'DICTIONARY' && !dictEnabled) fail(`Dictionary must be enabled for dictionary-encoded forward index column: ${c}`, dict?.path || fwd.path || `${ip}`);
      const codec = fwd.codec;
      if (dictEnabled) {
        if (codec !== undefined && codec !== 'MV_ENTRY_DICT') fail(`Compression codec: ${codec} is not applicable to dictionary encoded column: ${c}`, fwd.path);
      } else if (codec !== undefined && CLP_CODECS.has(codec)) {
        if (spec.storedType !== 'STRING') fail(`Cannot apply CLP compression codec to column: ${c} of stored type other than STRING`, fwd.path);
      } else if (codec !== undefined && !RAW_APPLICABLE.has(codec)) {
        fail(`Compression codec: ${codec} is not applicable to raw column: ${c}`, fwd.path);
      }
    } else if (tableType === 'REALTIME') {
      fail(`Cannot disable forward index for column: ${c}, as the table type is REALTIME`, fwd.path);
    }
    if (inverted && !dictEnabled) {
      fail(`Cannot create inverted index on column: ${c} without dictionary`, inv!.path);
    }
    const dictionary = dictEnabled || inverted; // DictionaryIndexConfig.requiresDictionary
    const col: ColumnIndexConfig = {
      column: c,
      dictionary,
      forwardEncoding: fwd.encoding,
      forwardIndexDisabled: fwd.disabled,
      inverted,
      varLengthDictionary: dictionary && useVarLength,
      rawIndexWriterVersion: fwd.rawIndexWriterVersion,
      deriveNumDocsPerChunk: fwd.deriveNumDocsPerChunk,
      targetMaxChunkSize: fwd.targetMaxChunkSize,
      targetDocsPerChunk: fwd.targetDocsPerChunk,
      nullValueVector: schema.enableColumnBasedNullHandling ? !spec.notNull : nullHandlingEnabled,
    };
    if (fwd.codec !== undefined) col.compressionCodec = fwd.codec;
    if (fwd.encoding === 'RAW') col.compression = (fwd.codec !== undefined ? chunkOf(fwd.codec) : undefined) ?? defaultRawCompression(spec.fieldType);
    else if (fwd.codec === 'MV_ENTRY_DICT') col.dictIdCompression = 'MV_ENTRY_DICT';
    columns.set(c, col);
  }

  const sortedColumns = sortedCols.map(([c]) => c);
  const result: TableConfig = {
    tableName,
    tableNameWithType,
    tableType,
    columns,
    sortedColumns,
    nullHandling,
    createInvertedIndexDuringSegmentGeneration,
    segmentIngestionType,
    continueOnError: readBool(ingestion?.continueOnError, 'ingestionConfig.continueOnError', fail),
    rowTimeValueCheck: readBool(ingestion?.rowTimeValueCheck, 'ingestionConfig.rowTimeValueCheck', fail),
    segmentTimeValueCheck: present(ingestion?.segmentTimeValueCheck) ? readBool(ingestion!.segmentTimeValueCheck, 'ingestionConfig.segmentTimeValueCheck', fail) : true,
    optimizeDictionary,
    optimizeDictionaryForMetrics,
    optimizeDictionaryType,
    ignoredIndexes,
  };
  if (timeColumnName !== undefined) result.timeColumnName = timeColumnName;
  if (sortedColumns.length > 0) result.sortedColumn = sortedColumns[0]!;
  if (segmentNameGeneratorType !== undefined) result.segmentNameGeneratorType = segmentNameGeneratorType;
  if (segmentVersion !== undefined) result.segmentVersion = segmentVersion;
  if (segmentPartitionConfig) result.segmentPartitionConfig = segmentPartitionConfig;
  if (segmentIngestionFrequency !== undefined) result.segmentIngestionFrequency = segmentIngestionFrequency;
  if (transformConfigs) result.transformConfigs = transformConfigs;
  if (filterConfig) result.filterConfig = filterConfig;
  if (present(ingestion?.complexTypeConfig)) {
    try {
      result.complexTypeConfig = readComplexTypeConfig(ingestion?.complexTypeConfig, 'ingestionConfig.complexTypeConfig', schema);
    } catch (e) {
      fail((e as Error).message, 'ingestionConfig.complexTypeConfig');
    }
  }
  return result;
}

interface FieldConfigLike {
  name: string;
  path: string;
  encoding: 'RAW' | 'DICTIONARY';
  indexTypes: string[];
  indexes?: Record<string, unknown>;
  codec?: CompressionCodec;
  properties?: Record<string, string>;
}

function indexEntryEnabled(entry: unknown): boolean {
  return !(isObject(entry) && entry.disabled === true);
}

/**
 * DictionaryIndexType: `indexes.dictionary` XOR the legacy signals (noDictionaryConfig, else noDictionaryColumns, else
 * encodingType RAW without an index that needs a dictionary, else on-heap / var-length lists).
 */
function resolveDictionary(
  fcs: FieldConfigLike[],
  noDictCols: Array<[string, number]>,
  noDictConfig: Record<string, unknown>,
  varLen: Array<[string, number]>,
  onHeap: Array<[string, number]>,
  fail: Fail,
): Map<string, DictConfig> {
  const fromIndexes = new Map<string, DictConfig>();
  for (const fc of fcs) {
    const entry = fc.indexes?.dictionary;
    if (entry === undefined) continue;
    const p = `${fc.path}.indexes.dictionary`;
    if (!isObject(entry)) fail(`must be a JSON object, got ${describe(entry)}`, p);
    const e = entry as Record<string, unknown>;
    fromIndexes.set(fc.name, { disabled: readBool(e.disabled, `${p}.disabled`, fail), useVarLength: readBool(e.useVarLengthDictionary, `${p}.useVarLengthDictionary`, fail), path: p });
  }
  const legacy = new Map<string, DictConfig>();
  const putFirst = (c: string, d: DictConfig): void => {
    if (!legacy.has(c)) legacy.set(c, d);
  };
  for (const c of Object.keys(noDictConfig)) putFirst(c, { disabled: true, useVarLength: false, path: `tableIndexConfig.noDictionaryConfig.${c}` });
  for (const [c, i] of noDictCols) putFirst(c, { disabled: true, useVarLength: false, path: `tableIndexConfig.noDictionaryColumns[${i}]` });
  for (const fc of fcs) {
    if (fc.encoding !== 'RAW' || fc.indexes?.dictionary !== undefined) continue;
    const needsDict = fc.indexTypes.some((t) => t === 'INVERTED' || t === 'FST' || t === 'IFST') || ['inverted', 'fst', 'ifst'].some((k) => fc.indexes?.[k] !== undefined && indexEntryEnabled(fc.indexes[k]));
    if (!needsDict) putFirst(fc.name, { disabled: true, useVarLength: false, path: `${fc.path}.encodingType` });
  }
  const varSet = new Set(varLen.map(([c]) => c));
  for (const [c, i] of [...onHeap, ...varLen]) {
    putFirst(c, { disabled: false, useVarLength: varSet.has(c), path: varSet.has(c) ? `tableIndexConfig.varLengthDictionaryColumns[${varLen.find(([x]) => x === c)![1]}]` : `tableIndexConfig.onHeapDictionaryColumns[${i}]` });
  }
  for (const [c, d] of legacy) {
    if (fromIndexes.has(c)) fail(`Configuration is declared in two different ways for index dictionary on column ${c}`, fromIndexes.get(c)!.path);
    fromIndexes.set(c, d);
  }
  return fromIndexes;
}

/** InvertedIndexType: `indexes.inverted` XOR (invertedIndexColumns, else fieldConfig indexTypes INVERTED). */
function resolveInverted(fcs: FieldConfigLike[], invertedCols: Array<[string, number]>, fail: Fail): Map<string, { disabled: boolean; path: string }> {
  const fromIndexes = new Map<string, { disabled: boolean; path: string }>();
  for (const fc of fcs) {
    const entry = fc.indexes?.inverted;
    if (entry === undefined) continue;
    const p = `${fc.path}.indexes.inverted`;
    if (!isObject(entry)) fail(`must be a JSON object, got ${describe(entry)}`, p);
    fromIndexes.set(fc.name, { disabled: readBool((entry as Record<string, unknown>).disabled, `${p}.disabled`, fail), path: p });
  }
  const legacy = new Map<string, { disabled: boolean; path: string }>();
  for (const [c, i] of invertedCols) if (!legacy.has(c)) legacy.set(c, { disabled: false, path: `tableIndexConfig.invertedIndexColumns[${i}]` });
  for (const fc of fcs) {
    const j = fc.indexTypes.indexOf('INVERTED');
    if (j >= 0 && !legacy.has(fc.name)) legacy.set(fc.name, { disabled: false, path: `${fc.path}.indexTypes[${j}]` });
  }
  for (const [c, d] of legacy) {
    if (fromIndexes.has(c)) fail(`Configuration is declared in two different ways for index inverted on column ${c}`, fromIndexes.get(c)!.path);
    fromIndexes.set(c, d);
  }
  return fromIndexes;
}

/** ForwardIndexType.createDeserializer: one pass reconciling noDictionary lists, encodingType, codecs and indexes.forward. */
function resolveForward(fcs: FieldConfigLike[], noDictFromIndexing: Set<string>, fail: Fail): Map<string, FwdConfig> {
  const result = new Map<string, FwdConfig>();
  const remaining = new Set(noDictFromIndexing);
  for (const fc of fcs) {
    const inNoDict = remaining.delete(fc.name);
    const base = { ...DEFAULT_FWD };
    const props = fc.properties ?? {};
    if ((props.forwardIndexDisabled ?? 'false').toLowerCase() === 'true') {
      result.set(fc.name, { disabled: true, encoding: 'DICTIONARY', ...base, path: `${fc.path}.properties.forwardIndexDisabled` });
      continue;
    }
    const encoding: 'RAW' | 'DICTIONARY' = inNoDict ? 'RAW' : fc.encoding;
    const node = fc.indexes?.forward;
    let codec = fc.codec;
    let path = fc.codec !== undefined ? `${fc.path}.compressionCodec` : `${fc.path}.encodingType`;
    let disabled = false;
    if (node !== undefined) {
      const p = `${fc.path}.indexes.forward`;
      if (!isObject(node)) fail(`Invalid forward index config for column: ${fc.name}`, p);
      const n = node as Record<string, unknown>;
      disabled = readBool(n.disabled, `${p}.disabled`, fail);
      if (present(n.encodingType)) {
        if (n.encodingType !== 'RAW' && n.encodingType !== 'DICTIONARY') fail(`unknown encodingType ${describe(n.encodingType)}`, `${p}.encodingType`);
        if (n.encodingType !== encoding) {
          fail(`Conflicting forward-index encoding for column: ${fc.name} — FieldConfig.encodingType=${encoding} but indexes.forward.encodingType=${n.encodingType as string}`, `${p}.encodingType`);
        }
      }
      const inner = readCodec(n.compressionCodec, `${p}.compressionCodec`, fail);
      if (inner !== undefined && codec !== undefined && inner !== codec) {
        fail(`Conflicting forward-index compressionCodec for column: ${fc.name} — FieldConfig.compressionCodec=${codec} but indexes.forward.compressionCodec=${inner}`, `${p}.compressionCodec`);
      }
      if (inner !== undefined) {
        codec = inner;
        path = `${p}.compressionCodec`;
      } else if (codec === undefined && present(n.chunkCompressionType)) {
        const t = n.chunkCompressionType;
        if (typeof t !== 'string' || !Object.hasOwn(CHUNK_TYPES, t)) fail(`unsupported chunkCompressionType ${describe(t)}`, `${p}.chunkCompressionType`);
        codec = CHUNK_TYPES[t as string]!;
        path = `${p}.chunkCompressionType`;
      } else if (codec === undefined && n.dictIdCompressionType === 'MV_ENTRY_DICT') {
        codec = 'MV_ENTRY_DICT';
        path = `${p}.dictIdCompressionType`;
      }
      if (present(n.codecSpec)) fail('codecSpec forward index configs are not supported by @deepstore/segment', `${p}.codecSpec`);
      if (present(n.rawIndexWriterVersion)) base.rawIndexWriterVersion = Number(n.rawIndexWriterVersion);
      if (present(n.deriveNumDocsPerChunk)) base.deriveNumDocsPerChunk = readBool(n.deriveNumDocsPerChunk, `${p}.deriveNumDocsPerChunk`, fail);
      if (present(n.targetMaxChunkSize)) base.targetMaxChunkSize = readStr(n.targetMaxChunkSize, `${p}.targetMaxChunkSize`, fail);
      if (present(n.targetDocsPerChunk)) base.targetDocsPerChunk = Number(n.targetDocsPerChunk);
    } else {
      // ForwardIndexConfig.Builder.withLegacyProperties
      if (props.deriveNumDocsPerChunkForRawIndex !== undefined) base.deriveNumDocsPerChunk = props.deriveNumDocsPerChunkForRawIndex.toLowerCase() === 'true';
      if (props.rawIndexWriterVersion !== undefined) {
        const v = Number(props.rawIndexWriterVersion);
        if (!Number.isInteger(v)) fail(`rawIndexWriterVersion must be an integer, got ${describe(props.rawIndexWriterVersion)}`, `${fc.path}.properties.rawIndexWriterVersion`);
        base.rawIndexWriterVersion = v;
      }
    }
    const cfg: FwdConfig = { disabled, encoding, ...base, path };
    if (codec !== undefined) cfg.codec = codec;
    result.set(fc.name, cfg);
  }
  for (const c of remaining) result.set(c, { disabled: false, encoding: 'RAW', ...DEFAULT_FWD, path: `tableIndexConfig.noDictionaryColumns` });
  return result;
}
