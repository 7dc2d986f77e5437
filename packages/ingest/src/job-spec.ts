import { InvalidInputError } from '@deepstore/core';
import type { CsvReaderOptions, InputFormat } from '@deepstore/segment';
import { parse as parseYaml } from 'yaml';

/** Pinot's SegmentGenerationJobSpec job types. */
export const JOB_TYPES = [
  'SegmentCreation',
  'SegmentTarPush',
  'SegmentUriPush',
  'SegmentMetadataPush',
  'SegmentCreationAndTarPush',
  'SegmentCreationAndUriPush',
  'SegmentCreationAndMetadataPush',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

export interface PushJobSpec {
  pushAttempts: number;
  pushParallelism: number;
  pushRetryIntervalMillis: number;
  copyToDeepStoreForMetadataPush: boolean;
  segmentUriPrefix?: string;
  segmentUriSuffix?: string;
  pushFileNamePattern?: string;
}

/** A job spec, validated, with Java class names resolved to what runs here. */
export interface JobSpec {
  source: string;
  jobType: JobType;
  inputDirURI?: string;
  searchRecursively: boolean;
  includeFileNamePattern?: string;
  excludeFileNamePattern?: string;
  outputDirURI: string;
  overwriteOutput: boolean;
  segmentCreationJobParallelism: number;
  /** scheme -> settings for the registry (`storage.factory.<scheme>.<key>`). */
  fileSystems: Array<{ scheme: string; configs: Record<string, string> }>;
  recordReader?: { format: InputFormat; csv?: CsvReaderOptions };
  tableSpec: { tableName: string; schemaURI?: string; tableConfigURI?: string };
  segmentNameGenerator?: { type?: string; configs: Record<string, string> };
  controllerURIs: string[];
  push: PushJobSpec;
  failOnEmptySegment: boolean;
  authToken?: string;
}

/** Java class names a Pinot job spec carries, and what they mean here. */
const RUNNERS = new Set([
  'org.apache.pinot.plugin.ingestion.batch.standalone.SegmentGenerationJobRunner',
  'org.apache.pinot.plugin.ingestion.batch.standalone.SegmentTarPushJobRunner',
  'org.apache.pinot.plugin.ingestion.batch.standalone.SegmentUriPushJobRunner',
  'org.apache.pinot.plugin.ingestion.batch.standalone.SegmentMetadataPushJobRunner',
]);
const RECORD_READERS: Record<string, InputFormat> = {
  'org.apache.pinot.plugin.inputformat.csv.CSVRecordReader': 'csv',
  'org.apache.pinot.plugin.inputformat.json.JSONRecordReader': 'json',
  'org.apache.pinot.plugin.inputformat.avro.AvroRecordReader': 'avro',
};
const READER_CONFIGS: Record<string, InputFormat> = {
  'org.apache.pinot.plugin.inputformat.csv.CSVRecordReaderConfig': 'csv',
  'org.apache.pinot.plugin.inputformat.json.JSONRecordReaderConfig': 'json',
  'org.apache.pinot.plugin.inputformat.avro.AvroRecordReaderConfig': 'avro',
};
const FILE_SYSTEMS: Record<string, string[]> = {
  'org.apache.pinot.spi.filesystem.LocalPinotFS': ['file'],
  'org.apache.pinot.plugin.filesystem.S3PinotFS': ['s3', 's3a', 's3n'],
  'org.apache.pinot.plugin.filesystem.GcsPinotFS': ['gs'],
  'org.apache.pinot.plugin.filesystem.HadoopPinotFS': ['hdfs', 'webhdfs'],
};
const DATA_FORMATS: Record<string, InputFormat> = { csv: 'csv', json: 'json', avro: 'avro' };

const TOP_KEYS = new Set([
  'executionFrameworkSpec',
  'jobType',
  'inputDirURI',
  'searchRecursively',
  'includeFileNamePattern',
  'excludeFileNamePattern',
  'outputDirURI',
  'segmentCreationJobParallelism',
  'overwriteOutput',
  'pinotFSSpecs',
  'tableSpec',
  'recordReaderSpec',
  'segmentNameGeneratorSpec',
  'pushJobSpec',
  'pinotClusterSpecs',
  'cleanUpOutputDir',
  'tlsSpec',
  'failOnEmptySegment',
  'authToken',
  'createMetadataTarGz',
]);

type Obj = Record<string, unknown>;

/**
 * Renders `${name}` placeholders as Pinot's job launcher does with `-values name=value` (its
 * Groovy template engine also reads environment variables); an unknown name is an error.
 */
export function renderTemplate(text: string, values: Record<string, string>, source: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g, (_m, name: string) => {
    const v = values[name] ?? process.env[name];
    if (v === undefined) throw new InvalidInputError(`${source}: no value for \${${name}} (pass --values ${name}=...)`, { operation: 'ingest' });
    return v;
  });
}

/** Parses and validates a job spec YAML; every error names the file and the key. */
export function parseJobSpec(text: string, source: string): JobSpec {
  const fail = (key: string, what: string): never => {
    throw new InvalidInputError(`${source}: ${key}: ${what}`, { operation: 'ingest' });
  };
  let doc: unknown;
  try {
    // Problems are reported as errors naming the file, not as process warnings.
    doc = parseYaml(text, { logLevel: 'error' });
  } catch (e) {
    throw new InvalidInputError(`${source}: not valid YAML: ${(e as Error).message}`, { operation: 'ingest', cause: e });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('(document)', 'a job spec must be a YAML mapping');
  const d = doc as Obj;
  for (const k of Object.keys(d)) if (!TOP_KEYS.has(k)) fail(k, 'unknown key');

  const str = (o: Obj, key: string, path: string, required = false): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) fail(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(path, `must be a string, got ${JSON.stringify(v)}`);
    return String(v);
  };
  const bool = (o: Obj, key: string, path: string, dflt: boolean): boolean => {
    const v = o[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    return fail(path, `must be true or false, got ${JSON.stringify(v)}`);
  };
  const int = (o: Obj, key: string, path: string, dflt: number, min = 0): number => {
    const v = o[key];
    if (v === undefined || v === null) return dflt;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min) fail(path, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const obj = (v: unknown, path: string): Obj | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) fail(path, 'must be a mapping');
    return v as Obj;
  };
  const stringMap = (v: unknown, path: string): Record<string, string> => {
    const o = obj(v, path) ?? {};
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(o)) {
      if (x === null || typeof x === 'object') fail(`${path}.${k}`, 'must be a string');
      out[k] = String(x);
    }
    return out;
  };

  const jobTypeRaw = str(d, 'jobType', 'jobType', true) as string;
  const jobType = JOB_TYPES.find((t) => t.toLowerCase() === jobTypeRaw.toLowerCase());
  if (!jobType) fail('jobType', `unknown job type ${JSON.stringify(jobTypeRaw)} (one of ${JOB_TYPES.join(', ')})`);
  const creates = (jobType as string).startsWith('SegmentCreation');
  const pushes = jobType !== 'SegmentCreation';

  const efs = obj(d.executionFrameworkSpec, 'executionFrameworkSpec');
  if (efs) {
    for (const key of ['segmentGenerationJobRunnerClassName', 'segmentTarPushJobRunnerClassName', 'segmentUriPushJobRunnerClassName', 'segmentMetadataPushJobRunnerClassName']) {
      const cls = str(efs, key, `executionFrameworkSpec.${key}`);
      if (cls !== undefined && !RUNNERS.has(cls)) {
        fail(`executionFrameworkSpec.${key}`, `${cls} cannot run here: deepstore runs the standalone runners (org.apache.pinot.plugin.ingestion.batch.standalone.*) itself`);
      }
    }
  }

  const fileSystems: JobSpec['fileSystems'] = [];
  const fsSpecs = d.pinotFSSpecs;
  if (fsSpecs !== undefined && fsSpecs !== null) {
    if (!Array.isArray(fsSpecs)) fail('pinotFSSpecs', 'must be a list');
    (fsSpecs as unknown[]).forEach((spec, i) => {
      const path = `pinotFSSpecs[${i}]`;
      const o = obj(spec, path);
      if (!o) fail(path, 'must be a mapping');
      const scheme = (str(o as Obj, 'scheme', `${path}.scheme`, true) as string).toLowerCase();
      const cls = str(o as Obj, 'className', `${path}.className`);
      if (cls !== undefined && !(Object.hasOwn(FILE_SYSTEMS, cls) ? (FILE_SYSTEMS[cls] as string[]) : []).includes(scheme)) {
        fail(`${path}.className`, `${cls} for scheme ${scheme} is not a file system deepstore knows (known: ${Object.entries(FILE_SYSTEMS).map(([c, s]) => `${c} (${s.join('/')})`).join(', ')})`);
      }
      fileSystems.push({ scheme, configs: stringMap((o as Obj).configs, `${path}.configs`) });
    });
  }

  let recordReader: JobSpec['recordReader'];
  const rr = obj(d.recordReaderSpec, 'recordReaderSpec');
  if (creates && !rr) fail('recordReaderSpec', 'is required for a segment creation job');
  if (rr) {
    const dataFormat = str(rr, 'dataFormat', 'recordReaderSpec.dataFormat');
    const cls = str(rr, 'className', 'recordReaderSpec.className');
    const cfgCls = str(rr, 'configClassName', 'recordReaderSpec.configClassName');
    let format: InputFormat | undefined;
    if (cls !== undefined) {
      format = Object.hasOwn(RECORD_READERS, cls) ? RECORD_READERS[cls] : undefined;
      if (!format) fail('recordReaderSpec.className', `${cls} is not a record reader deepstore knows (known: ${Object.keys(RECORD_READERS).join(', ')})`);
    }
    if (dataFormat !== undefined) {
      const f = Object.hasOwn(DATA_FORMATS, dataFormat.toLowerCase()) ? DATA_FORMATS[dataFormat.toLowerCase()] : undefined;
      if (!f) fail('recordReaderSpec.dataFormat', `${dataFormat} is not supported here (csv, json, avro)`);
      if (format && format !== f) fail('recordReaderSpec.dataFormat', `${dataFormat} does not match className ${cls}`);
      format = f;
    }
    if (!format) fail('recordReaderSpec', 'needs dataFormat or className');
    if (cfgCls !== undefined && !(Object.hasOwn(READER_CONFIGS, cfgCls) && READER_CONFIGS[cfgCls] === format)) fail('recordReaderSpec.configClassName', `${cfgCls} is not a ${format} record reader config`);
    const configs = stringMap(rr.configs, 'recordReaderSpec.configs');
    recordReader = { format: format as InputFormat };
    if (format === 'csv') recordReader.csv = csvOptions(configs, fail);
  }

  const ts = obj(d.tableSpec, 'tableSpec');
  if (!ts) fail('tableSpec', 'is required');
  const tableSpec = {
    tableName: str(ts as Obj, 'tableName', 'tableSpec.tableName', true) as string,
    ...(str(ts as Obj, 'schemaURI', 'tableSpec.schemaURI') !== undefined ? { schemaURI: str(ts as Obj, 'schemaURI', 'tableSpec.schemaURI') as string } : {}),
    ...(str(ts as Obj, 'tableConfigURI', 'tableSpec.tableConfigURI') !== undefined ? { tableConfigURI: str(ts as Obj, 'tableConfigURI', 'tableSpec.tableConfigURI') as string } : {}),
  };

  const controllerURIs: string[] = [];
  const clusters = d.pinotClusterSpecs;
  if (clusters !== undefined && clusters !== null) {
    if (!Array.isArray(clusters)) fail('pinotClusterSpecs', 'must be a list');
    (clusters as unknown[]).forEach((c, i) => {
      const o = obj(c, `pinotClusterSpecs[${i}]`);
      if (!o) fail(`pinotClusterSpecs[${i}]`, 'must be a mapping');
      controllerURIs.push(str(o as Obj, 'controllerURI', `pinotClusterSpecs[${i}].controllerURI`, true) as string);
    });
  }
  if (pushes && controllerURIs.length === 0) fail('pinotClusterSpecs', `a ${jobType as string} job needs at least one controllerURI`);
  if (creates && (!tableSpec.schemaURI || !tableSpec.tableConfigURI) && controllerURIs.length === 0) {
    fail('tableSpec', 'schemaURI and tableConfigURI are required when no pinotClusterSpecs controller can provide them');
  }

  const pj = obj(d.pushJobSpec, 'pushJobSpec') ?? {};
  const push: PushJobSpec = {
    pushAttempts: int(pj, 'pushAttempts', 'pushJobSpec.pushAttempts', 1, 1),
    pushParallelism: int(pj, 'pushParallelism', 'pushJobSpec.pushParallelism', 1, 1),
    pushRetryIntervalMillis: int(pj, 'pushRetryIntervalMillis', 'pushJobSpec.pushRetryIntervalMillis', 1000, 0),
    copyToDeepStoreForMetadataPush: bool(pj, 'copyToDeepStoreForMetadataPush', 'pushJobSpec.copyToDeepStoreForMetadataPush', false),
    ...(str(pj, 'segmentUriPrefix', 'pushJobSpec.segmentUriPrefix') !== undefined ? { segmentUriPrefix: str(pj, 'segmentUriPrefix', 'pushJobSpec.segmentUriPrefix') as string } : {}),
    ...(str(pj, 'segmentUriSuffix', 'pushJobSpec.segmentUriSuffix') !== undefined ? { segmentUriSuffix: str(pj, 'segmentUriSuffix', 'pushJobSpec.segmentUriSuffix') as string } : {}),
    ...(str(pj, 'pushFileNamePattern', 'pushJobSpec.pushFileNamePattern') !== undefined ? { pushFileNamePattern: str(pj, 'pushFileNamePattern', 'pushJobSpec.pushFileNamePattern') as string } : {}),
  };

  const sng = obj(d.segmentNameGeneratorSpec, 'segmentNameGeneratorSpec');
  const inputDirURI = str(d, 'inputDirURI', 'inputDirURI', creates);
  const outputDirURI = str(d, 'outputDirURI', 'outputDirURI', true) as string;
  for (const key of ['includeFileNamePattern', 'excludeFileNamePattern']) {
    const p = str(d, key, key);
    if (p !== undefined && !/^(glob|regex):/.test(p)) fail(key, `must start with glob: or regex:, got ${JSON.stringify(p)}`);
  }
  return {
    source,
    jobType: jobType as JobType,
    ...(inputDirURI !== undefined ? { inputDirURI } : {}),
    searchRecursively: bool(d, 'searchRecursively', 'searchRecursively', true),
    ...(str(d, 'includeFileNamePattern', 'includeFileNamePattern') !== undefined ? { includeFileNamePattern: str(d, 'includeFileNamePattern', 'includeFileNamePattern') as string } : {}),
    ...(str(d, 'excludeFileNamePattern', 'excludeFileNamePattern') !== undefined ? { excludeFileNamePattern: str(d, 'excludeFileNamePattern', 'excludeFileNamePattern') as string } : {}),
    outputDirURI,
    overwriteOutput: bool(d, 'overwriteOutput', 'overwriteOutput', false),
    segmentCreationJobParallelism: int(d, 'segmentCreationJobParallelism', 'segmentCreationJobParallelism', 0, 0),
    fileSystems,
    ...(recordReader ? { recordReader } : {}),
    tableSpec,
    ...(sng ? { segmentNameGenerator: { ...(str(sng, 'type', 'segmentNameGeneratorSpec.type') !== undefined ? { type: str(sng, 'type', 'segmentNameGeneratorSpec.type') as string } : {}), configs: stringMap(sng.configs, 'segmentNameGeneratorSpec.configs') } } : {}),
    controllerURIs,
    push,
    failOnEmptySegment: bool(d, 'failOnEmptySegment', 'failOnEmptySegment', false),
    ...(str(d, 'authToken', 'authToken') !== undefined ? { authToken: str(d, 'authToken', 'authToken') as string } : {}),
  };
}

/** CSVRecordReaderConfig keys. */
function csvOptions(c: Record<string, string>, fail: (key: string, what: string) => never): CsvReaderOptions {
  const known = new Set(['fileFormat', 'header', 'delimiter', 'multiValueDelimiter', 'multiValueDelimiterEnabled', 'commentMarker', 'escapeCharacter', 'nullStringValue', 'skipHeader', 'ignoreEmptyLines', 'ignoreSurroundingSpaces', 'quoteCharacter', 'quoteMode', 'recordSeparator', 'skipUnParseableLines', 'stopOnError']);
  for (const k of Object.keys(c)) if (!known.has(k)) fail(`recordReaderSpec.configs.${k}`, 'unknown CSV reader setting');
  const ch = (k: string): string | undefined => {
    const v = c[k];
    if (v === undefined) return undefined;
    if (v.length !== 1) fail(`recordReaderSpec.configs.${k}`, `must be one character, got ${JSON.stringify(v)}`);
    return v;
  };
  const opts: CsvReaderOptions = {};
  const delimiter = ch('delimiter');
  if (delimiter !== undefined) opts.delimiter = delimiter;
  if ((c.multiValueDelimiterEnabled ?? 'true').toLowerCase() === 'false') opts.multiValueDelimiter = null;
  else {
    const mvd = ch('multiValueDelimiter');
    if (mvd !== undefined) opts.multiValueDelimiter = mvd;
  }
  const comment = ch('commentMarker');
  if (comment !== undefined) opts.commentMarker = comment;
  const escape = ch('escapeCharacter');
  if (escape !== undefined) opts.escapeCharacter = escape;
  const quote = ch('quoteCharacter');
  if (quote !== undefined) opts.quoteCharacter = quote;
  if (c.nullStringValue !== undefined) opts.nullStringValue = c.nullStringValue;
  if (c.header !== undefined) opts.header = c.header.split(opts.delimiter ?? ',').map((h) => h.trim());
  if (c.skipHeader !== undefined) opts.skipHeader = c.skipHeader.toLowerCase() === 'true';
  return opts;
}
