import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileSystemRegistry, isErrorKind } from '@deepstore/core';
import { openSegment, type CellValue } from '@deepstore/segment';
import { FileBasedSegmentWriter, GenericRow, type FileBasedSegmentWriterOptions } from '@deepstore/writer';
import { TempDirs } from '@deepstore/conformance';

export { TempDirs };

/** Every column type the buffer has to carry, a multi-value column, a custom default and the time column. */
export const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [
    { name: 'country', dataType: 'STRING' },
    { name: 'items', dataType: 'STRING', singleValueField: false },
    { name: 'paid', dataType: 'BOOLEAN' },
    { name: 'big', dataType: 'LONG' },
    { name: 'blob', dataType: 'BYTES' },
    { name: 'qty', dataType: 'INT', defaultNullValue: -1 },
  ],
  metricFieldSpecs: [
    { name: 'amount', dataType: 'DOUBLE' },
    { name: 'price', dataType: 'BIG_DECIMAL' },
  ],
  dateTimeFieldSpecs: [
    { name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' },
    { name: 'ts', dataType: 'TIMESTAMP', format: '1:MILLISECONDS:TIMESTAMP', granularity: '1:MILLISECONDS' },
  ],
};

export const COLUMNS = ['country', 'items', 'paid', 'big', 'blob', 'qty', 'amount', 'price', 'day', 'ts'] as const;

export interface TableOptions {
  /** Extra batchConfigMaps[0] entries. */
  map?: Record<string, unknown>;
  /** tableIndexConfig.nullHandlingEnabled (default true). */
  nullHandling?: boolean;
}

/** An OFFLINE table config writing to outputDirURI, null handling on unless told otherwise. */
export function tableConfig(outputDirURI: string, options: TableOptions = {}): Record<string, unknown> {
  return {
    tableName: 'orders',
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: 'day' },
    tableIndexConfig: {
      nullHandlingEnabled: options.nullHandling ?? true,
      invertedIndexColumns: ['country'],
      noDictionaryColumns: ['amount'],
    },
    ingestionConfig: { batchIngestionConfig: { segmentIngestionType: 'APPEND', batchConfigMaps: [{ outputDirURI, ...options.map }] } },
  };
}

/** A registry that imports adapters from this package's (dev) dependencies, with Pinot-style settings. */
export function registry(settings: Record<string, string> = {}): FileSystemRegistry {
  const r = new FileSystemRegistry({ importers: [(s) => import(s)] });
  r.configure(settings);
  return r;
}

/** storage.factory.s3.* settings for a peer (or a fault proxy in front of it). */
export function s3Settings(peer: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string }, endpoint = peer.endpoint): Record<string, string> {
  return {
    'storage.factory.s3.endpoint': endpoint,
    'storage.factory.s3.accessKey': peer.accessKeyId,
    'storage.factory.s3.secretKey': peer.secretAccessKey,
    'storage.factory.s3.region': peer.region,
    // Failure tests should fail in a fraction of a second, not after five backed-off attempts.
    'storage.factory.s3.maxAttempts': '2',
  };
}

export const CREATION_TIME = 1_700_000_000_000;

export function newWriter(reg: FileSystemRegistry, options: FileBasedSegmentWriterOptions = {}): FileBasedSegmentWriter {
  return new FileBasedSegmentWriter({ registry: reg, creationTime: () => CREATION_TIME, ...options });
}

/**
 * Three rows as an application hands them over: plain objects and GenericRows, values in the
 * wrong JS types (converted as Pinot converts them), null markers, missing fields.
 */
export function sampleRows(): Array<GenericRow | Record<string, unknown>> {
  return [
    {
      country: 'FR',
      items: ['a', 'b'],
      paid: 'true',
      big: '9007199254740993',
      blob: 'cafe',
      qty: '3',
      amount: '10.5',
      price: '12.340',
      day: 20000,
      ts: '1704164645678',
      ignored: 'not in the schema',
    },
    new GenericRow()
      .putValue('country', 'US')
      .putValue('items', 'c')
      .putValue('paid', 0)
      .putValue('big', 5n)
      .putValue('blob', new Uint8Array([1, 2]))
      // Marked null: the value beside the marker must not reach the segment.
      .putDefaultNullValue('qty', 7)
      .putValue('amount', 3)
      .putValue('price', 1000)
      .putValue('day', '20001')
      .putValue('ts', 1_700_000_000_000),
    GenericRow.from({ country: 'DE', day: 20002 }).addNullValueField('country').putDefaultNullValue('items', ['zz']),
  ];
}

/** sampleRows() after Pinot's conversion, as openSegment returns them (null handling on). */
export function sampleExpected(): Array<Record<string, CellValue>> {
  return [
    {
      country: 'FR',
      items: ['a', 'b'],
      paid: true,
      big: 9007199254740993n,
      blob: new Uint8Array([0xca, 0xfe]),
      qty: 3,
      amount: 10.5,
      price: '12.34',
      day: 20000,
      ts: 1704164645678n,
    },
    { country: 'US', items: ['c'], paid: false, big: 5n, blob: new Uint8Array([1, 2]), qty: -1, amount: 3, price: '1000', day: 20001, ts: 1700000000000n },
    // Every field null: Pinot's default null values (dimension LONG min, metric 0, STRING 'null', ...).
    { country: 'null', items: ['null'], paid: false, big: -9223372036854775808n, blob: new Uint8Array(0), qty: -1, amount: 0, price: '0', day: 20002, ts: 0n },
  ];
}

/** The null value vectors of sampleRows(): docIds per column. */
export const SAMPLE_NULLS: Record<string, number[]> = {
  country: [2],
  items: [2],
  paid: [2],
  big: [2],
  blob: [2],
  qty: [1, 2],
  amount: [2],
  price: [2],
  day: [],
  ts: [2],
};

/** Plain rows with `day` (and a country) for tests that only care about which rows landed where. */
export function dayRows(days: number[], country = 'FR'): Array<Record<string, unknown>> {
  return days.map((day, i) => ({ country: `${country}${i}`, day }));
}

export interface ReadBack {
  name: string;
  totalDocs: number;
  rows: Array<Record<string, CellValue>>;
  nulls: Record<string, number[]>;
  /** The tarball on local disk (downloaded for remote URIs). */
  localFile: string;
}

/**
 * Fetches a flushed segment (through the registry for remote schemes), checks its CRC and
 * returns every row and null value vector.
 */
export async function readSegment(reg: FileSystemRegistry, uri: URL | string, tmp: TempDirs, columns: readonly string[] = COLUMNS): Promise<ReadBack> {
  const url = new URL(uri);
  let localFile: string;
  if (url.protocol === 'file:') localFile = fileURLToPath(url);
  else {
    localFile = join(tmp.make('deepstore-writer-fetch-'), 'segment.tar.gz');
    await (await reg.resolve(url)).copyToLocal(url, localFile);
  }
  const seg = await openSegment(localFile);
  try {
    await seg.verifyCrc();
    const totalDocs = seg.metadata.totalDocs;
    const rows: Array<Record<string, CellValue>> = Array.from({ length: totalDocs }, () => ({}));
    const nulls: Record<string, number[]> = {};
    for (const c of columns) {
      const values = totalDocs === 0 ? [] : await seg.values(c);
      values.forEach((v, i) => ((rows[i] as Record<string, CellValue>)[c] = v));
      nulls[c] = await seg.nullDocIds(c);
    }
    return { name: seg.metadata.name, totalDocs, rows, nulls, localFile };
  } finally {
    await seg.close();
  }
}

/** Names directly under a directory URI, through its adapter; [] when the directory does not exist. */
export async function listNames(reg: FileSystemRegistry, dirUri: string): Promise<string[]> {
  const fs = await reg.resolve(dirUri);
  try {
    const entries = await fs.listWithMetadata(dirUri, { recursive: true });
    return entries.map((e) => decodeURIComponent(e.uri.slice(e.uri.lastIndexOf('/') + 1))).sort();
  } catch (e) {
    if (isErrorKind(e, 'NotFound')) return [];
    throw e;
  }
}

/** Every entry below a local directory (hidden ones included), relative, sorted; [] if it is missing. */
export function localTree(dir: string): string[] {
  try {
    return (readdirSync(dir, { recursive: true }) as string[]).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Waits until check() holds (polling), failing after timeoutMs. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface ScenarioResult {
  code: number | null;
  /** The scenario's JSON line, if it got that far. */
  result: Record<string, { rows?: string[]; error?: string } | undefined> | undefined;
  stderr: string;
}

/**
 * Runs a scenario of fixtures/scenarios.mjs in its own Node process: the bugs it shows crash or
 * hang a process, which must not be the test runner's.
 */
export function runScenario(name: string, tmp: TempDirs): Promise<ScenarioResult> {
  const script = fileURLToPath(new URL('./fixtures/scenarios.mjs', import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, [script, name, tmp.make('deepstore-writer-scenario-')], { timeout: 30_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      let result: ScenarioResult['result'];
      try {
        result = line ? (JSON.parse(line) as ScenarioResult['result']) : undefined;
      } catch {
        result = undefined;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, result, stderr });
    });
  });
}
