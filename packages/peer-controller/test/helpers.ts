import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSegment, type BuiltSegment } from '@deepstore/segment';

const run = promisify(execFile);

export { TempDirs } from '@deepstore/conformance';

export const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [{ name: 'country', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};

export function tableConfig(tableName = 'orders', timeColumn: string | null = 'day', timeCheck = true): Record<string, unknown> {
  return {
    tableName,
    tableType: 'OFFLINE',
    segmentsConfig: timeColumn ? { timeColumnName: timeColumn } : {},
    tableIndexConfig: {},
    ...(timeCheck ? {} : { ingestionConfig: { segmentTimeValueCheck: false } }),
  };
}

/** A real segment `<outDir>/<name>.tar.gz` with one row per day. */
export function makeSegment(outDir: string, name: string, days: number[], opts: { table?: string; timeColumn?: string | null; checkTimeRange?: boolean } = {}): Promise<BuiltSegment> {
  const rows = days.map((day, i) => ({ country: `C${i}`, amount: i * 1.5, day }));
  return buildSegment(rows, {
    schema,
    tableConfig: tableConfig(opts.table ?? 'orders', opts.timeColumn === undefined ? 'day' : opts.timeColumn, opts.checkTimeRange ?? true),
    outDir,
    segmentName: name,
    creationTime: 1_700_000_000_000,
  });
}

export interface CurlAnswer {
  status: number;
  body: string;
  json: Record<string, unknown> | undefined;
}

/** Runs /usr/bin/curl (an independent HTTP client) and returns the status and body. */
export async function curl(args: string[]): Promise<CurlAnswer> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args], { maxBuffer: 64 << 20 });
  const cut = stdout.lastIndexOf('\n');
  const body = stdout.slice(0, cut);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: Number(stdout.slice(cut + 1)), body, json };
}

/** GNU tar, to build tarballs independently of the code under test. */
export async function gnuTar(args: string[], cwd: string): Promise<void> {
  await run('tar', args, { cwd });
}

/**
 * A metadata-only tarball made with GNU tar from a segment tarball: `<dir>/<name>/metadata.properties`
 * and `creation.meta`, as Pinot's SegmentPushUtils.generateSegmentMetadataFile does.
 */
export async function metadataTarball(segmentTar: string, name: string, work: string): Promise<string> {
  await gnuTar(['xzf', segmentTar], work);
  const dir = `meta-${name}`;
  await run('mkdir', ['-p', join(work, dir)]);
  await run('cp', [join(work, name, 'v3', 'metadata.properties'), join(work, name, 'v3', 'creation.meta'), join(work, dir)]);
  const out = join(work, `${name}.metadata.tar.gz`);
  await gnuTar(['czf', out, dir], work);
  return out;
}
