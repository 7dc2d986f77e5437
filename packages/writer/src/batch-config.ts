import { InvalidInputError } from '@deepstore/core';

/** What the file-based writer takes from `batchConfigMaps` (Pinot's BatchConfig / BatchConfigProperties keys). */
export interface WriterBatchConfig {
  outputDirURI: string;
  overwriteOutput: boolean;
  segmentNameGenerator: { type: string; configs: Record<string, string> };
  sequenceId?: number;
  /** `output.fs.prop.*` settings for the output filesystem, without the prefix. */
  outputFsProps: Record<string, string>;
  /** The merged map, as Pinot's BatchConfig keeps it. */
  map: Record<string, string>;
}

const NAME_GENERATOR_TYPES = ['simple', 'normalizedDate', 'fixed'];
// Keys the segment writer reads or that Pinot's BatchConfig accepts and a writer may carry.
const KNOWN_KEYS = new Set([
  'outputDirURI',
  'overwriteOutput',
  'segmentNameGenerator.type',
  'sequenceId',
  'inputDirURI',
  'inputFormat',
  'input.fs.className',
  'output.fs.className',
  'recordReader.className',
  'recordReader.configClassName',
  'includeFileNamePattern',
  'excludeFileNamePattern',
  'push.mode',
  'push.attempts',
  'push.parallelism',
  'push.retry.interval.millis',
  'push.controllerUri',
  'push.segmentUriPrefix',
  'push.segmentUriSuffix',
  'fail.on.empty.segment',
  'authToken',
  'tableName',
  'segment.partitionId',
  'segment.uploadTimeMs',
  'output.segment.dir.uri',
]);
const KNOWN_PREFIXES = ['segmentNameGenerator.configs.', 'input.fs.prop.', 'output.fs.prop.', 'recordReader.prop.'];

function fail(message: string): never {
  throw new InvalidInputError(message, { operation: 'init' });
}

/**
 * FileBasedSegmentWriter.init: exactly one map in
 * `ingestionConfig.batchIngestionConfig.batchConfigMaps`, merged with the override, with a
 * non-blank `outputDirURI`. Unlike Pinot, unknown keys and bad values are errors naming the key.
 */
export function parseWriterBatchConfig(tableConfig: unknown, override: Record<string, string> = {}): WriterBatchConfig {
  const t = tableConfig as { tableName?: unknown; ingestionConfig?: { batchIngestionConfig?: { batchConfigMaps?: unknown } } } | null;
  const tableName = typeof t?.tableName === 'string' ? t.tableName : '(unnamed table)';
  const maps = t?.ingestionConfig?.batchIngestionConfig?.batchConfigMaps;
  if (!Array.isArray(maps) || maps.length === 0) {
    fail(`Must provide ingestionConfig.batchIngestionConfig.batchConfigMaps in the table config of ${tableName}`);
  }
  if (maps.length !== 1) fail(`ingestionConfig.batchIngestionConfig.batchConfigMaps must contain exactly 1 map for ${tableName}, found ${maps.length}`);
  const base = maps[0] as unknown;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) fail('ingestionConfig.batchIngestionConfig.batchConfigMaps[0] must be an object of strings');
  const map: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(base as Record<string, unknown>), ...override })) {
    if (typeof v !== 'string') fail(`batchConfigMaps[0].${k} must be a string, got ${JSON.stringify(v)}`);
    map[k] = v;
  }
  for (const k of Object.keys(map)) {
    if (!KNOWN_KEYS.has(k) && !KNOWN_PREFIXES.some((p) => k.startsWith(p))) fail(`batchConfigMaps[0]: unknown key ${JSON.stringify(k)}`);
  }
  const outputDirURI = (map.outputDirURI ?? '').trim();
  if (outputDirURI === '') fail(`Must provide: outputDirURI in batchConfigs for table: ${tableName}`);
  const overwrite = map.overwriteOutput;
  if (overwrite !== undefined && !/^(true|false)$/i.test(overwrite.trim())) fail(`batchConfigMaps[0].overwriteOutput must be true or false, got ${JSON.stringify(overwrite)}`);
  const type = map['segmentNameGenerator.type'] ?? 'simple';
  if (!NAME_GENERATOR_TYPES.includes(type)) fail(`batchConfigMaps[0].segmentNameGenerator.type must be one of ${NAME_GENERATOR_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  const configs: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (k.startsWith('segmentNameGenerator.configs.')) configs[k.slice('segmentNameGenerator.configs.'.length)] = v;
  if (type === 'fixed' && !configs['segment.name']) fail('batchConfigMaps[0].segmentNameGenerator.configs.segment.name is required for the fixed segment name generator');
  let sequenceId: number | undefined;
  if (map.sequenceId !== undefined) {
    // IngestionUtils uses it only when StringUtils.isNumeric.
    if (!/^\d+$/.test(map.sequenceId)) fail(`batchConfigMaps[0].sequenceId must be a non-negative integer, got ${JSON.stringify(map.sequenceId)}`);
    sequenceId = Number(map.sequenceId);
  }
  const outputFsProps: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (k.startsWith('output.fs.prop.')) outputFsProps[k.slice('output.fs.prop.'.length)] = v;
  return {
    outputDirURI,
    overwriteOutput: (overwrite ?? 'false').trim().toLowerCase() === 'true',
    segmentNameGenerator: { type, configs },
    ...(sequenceId !== undefined ? { sequenceId } : {}),
    outputFsProps,
    map,
  };
}
