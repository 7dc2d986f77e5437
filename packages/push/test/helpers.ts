import { FileSystemRegistry } from '@deepstore/core';
import { buildSegment, type BuiltSegment } from '@deepstore/segment';

export { TempDirs } from '@deepstore/conformance';

export const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [{ name: 'country', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};

export const tableConfig = { tableName: 'orders', tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'day' }, tableIndexConfig: {} };

/** A real segment `<outDir>/<name>.tar.gz`, rows on the given days. */
export function makeSegment(outDir: string, name: string, days: number[] = [20000, 20001]): Promise<BuiltSegment> {
  return buildSegment(
    days.map((day, i) => ({ country: `C${i}`, amount: i + 0.5, day })),
    { schema, tableConfig, outDir, segmentName: name, creationTime: 1_700_000_000_000 },
  );
}

/** Builds `count` segments `<prefix>_<i>` into a directory. */
export async function makeSegments(outDir: string, prefix: string, count: number): Promise<BuiltSegment[]> {
  const out: BuiltSegment[] = [];
  for (let i = 0; i < count; i++) out.push(await makeSegment(outDir, `${prefix}_${i}`, [20000 + i]));
  return out;
}

/** A registry importing the adapters this package has as dev dependencies, with Pinot-style settings. */
export function registry(settings: Record<string, string> = {}): FileSystemRegistry {
  const r = new FileSystemRegistry({ importers: [(s) => import(s)] });
  r.configure(settings);
  return r;
}

/** storage.factory.s3.* settings for the S3 peer. */
export function s3Settings(peer: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string }): Record<string, string> {
  return {
    'storage.factory.s3.endpoint': peer.endpoint,
    'storage.factory.s3.accessKey': peer.accessKeyId,
    'storage.factory.s3.secretKey': peer.secretAccessKey,
    'storage.factory.s3.region': peer.region,
    'storage.factory.s3.maxAttempts': '2',
  };
}

/** The rejection of a promise that must fail. */
export async function failure<T = Error & Record<string, unknown>>(p: Promise<unknown>): Promise<T> {
  try {
    await p;
  } catch (err) {
    return err as T;
  }
  throw new Error('expected a failure, but it succeeded');
}
