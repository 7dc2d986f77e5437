import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openSegment } from '@deepstore/segment';
import { GenericRow, type SegmentWriter } from '@deepstore/writer';
import { MemorySegmentWriter } from '../memory-segment-writer.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'segment-writer-example-test-'));
  dirs.push(d);
  return d;
}

const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [{ name: 'country', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};
const table = (out: string, map: Record<string, string> = {}) => ({
  tableName: 'orders',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'day' },
  tableIndexConfig: { nullHandlingEnabled: true },
  ingestionConfig: { batchIngestionConfig: { batchConfigMaps: [{ outputDirURI: out, ...map }] } },
});

async function rowsOf(uri: URL): Promise<Array<Record<string, unknown>>> {
  const seg = await openSegment(fileURLToPath(uri));
  try {
    await seg.verifyCrc();
    const [country, amount, day] = await Promise.all(['country', 'amount', 'day'].map((c) => seg.values(c)));
    return (country ?? []).map((c, i) => ({ country: c, amount: amount?.[i], day: day?.[i] }));
  } finally {
    await seg.close();
  }
}

describe('the in-memory SegmentWriter example', () => {
  it('runs: two segments flushed, read back with a valid CRC', async () => {
    const out = tempDir();
    const { stdout } = await run(process.execPath, [path.join(here, '..', 'run.js'), out]);
    expect(stdout).toContain('refused: row 3, column amount');
    expect(stdout).toContain('orders_20000_20001: 2 rows, CRC OK');
    expect(stdout).toContain('orders_20010_20010: 1 rows, CRC OK');
    expect(stdout).toContain('segment writer example OK');
    expect(readdirSync(out).sort()).toEqual(['orders_20000_20001.tar.gz', 'orders_20010_20010.tar.gz']);
  });

  it('implements SegmentWriter: rows in, one segment per flush, null markers as null value vectors', async () => {
    const out = tempDir();
    const writer: SegmentWriter = new MemorySegmentWriter();
    await writer.init(table(out), schema);
    await writer.collect([{ country: 'FR', amount: '1.5', day: 20000 }, new GenericRow().putValue('country', 'US').putDefaultNullValue('amount', 9).putValue('day', 20001)]);
    const first = await writer.flush();
    await writer.collect({ country: 'DE', amount: 2, day: 20002 });
    const second = await writer.flush();
    await writer.close();
    expect(first.href).toBe(pathToFileURL(path.join(out, 'orders_20000_20001.tar.gz')).href);
    expect(await rowsOf(first)).toEqual([
      { country: 'FR', amount: 1.5, day: 20000 },
      { country: 'US', amount: 0, day: 20001 },
    ]);
    expect(await rowsOf(second)).toEqual([{ country: 'DE', amount: 2, day: 20002 }]);
    const seg = await openSegment(fileURLToPath(first));
    expect(await seg.nullDocIds('amount')).toEqual([1]);
    await seg.close();
  });

  it('keeps rows collected during a flush for the next one, and runs flushes one at a time', async () => {
    const out = tempDir();
    await using writer = new MemorySegmentWriter();
    await writer.init(table(out, { 'segmentNameGenerator.configs.append.uuid.to.segment.name': 'true' }), schema);
    await writer.collect({ country: 'A', day: 20000 });
    const f1 = writer.flush();
    await writer.collect({ country: 'B', day: 20001 });
    const f2 = writer.flush();
    const [a, b] = await Promise.all([f1, f2]);
    expect((await rowsOf(a)).map((r) => r.country)).toEqual(['A']);
    expect((await rowsOf(b)).map((r) => r.country)).toEqual(['B']);
  });

  it('refuses a bad row by position and column, and a duplicate name; a failed flush keeps its rows', async () => {
    const out = tempDir();
    await using writer = new MemorySegmentWriter();
    await writer.init(table(out), schema);
    await writer.collect({ country: 'A', day: 20000 });
    await expect(writer.collect([{ country: 'B', day: 20000 }, { country: 'C', day: 'tomorrow' }])).rejects.toThrow(/^row 3, column day: /);
    expect(writer.rowCount).toBe(1);
    await writer.flush();

    await writer.collect({ country: 'D', day: 20000 });
    await expect(writer.flush()).rejects.toThrow(
      `Duplicate segment name generated 'orders_20000_20000' in '${out}', please adjust segment name generator config to avoid duplicates, or allow batch config overwrite`,
    );
    rmSync(path.join(out, 'orders_20000_20000.tar.gz'));
    expect((await rowsOf(await writer.flush())).map((r) => r.country)).toEqual(['D']);

    await expect(writer.flush({ signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('puts back the rows of a flush that could not publish', async () => {
    const root = tempDir();
    await using writer = new MemorySegmentWriter();
    await writer.init(table(path.join(root, 'out')), schema);
    await writer.collect({ country: 'A', day: 20000 });
    // The output directory is replaced by a file: publishing fails.
    rmSync(path.join(root, 'out'), { recursive: true });
    writeFileSync(path.join(root, 'out'), 'not a directory');
    await expect(writer.flush()).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/);
    await writer.collect({ country: 'B', day: 20001 });
    rmSync(path.join(root, 'out'));
    mkdirSync(path.join(root, 'out'));
    expect((await rowsOf(await writer.flush())).map((r) => r.country)).toEqual(['A', 'B']);
  });

  it('checks its configuration at init and refuses use after close', async () => {
    const w = new MemorySegmentWriter();
    await expect(w.collect({})).rejects.toThrow('not initialised');
    await expect(w.init(table('s3://bucket/x'), schema)).rejects.toThrow('local directories only');
    await expect(w.init({ ...table(tempDir()), ingestionConfig: undefined }, schema)).rejects.toThrow('Must provide ingestionConfig.batchIngestionConfig.batchConfigMaps');
    await w.close();
    await w.close();
    await expect(w.collect({})).rejects.toThrow('closed');
    await expect(w.init(table(tempDir()), schema)).rejects.toThrow('closed');
  });
});
