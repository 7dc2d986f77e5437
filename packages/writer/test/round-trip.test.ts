/**
 * Rows in, segment out, against a local directory and real remote servers (S3 via
 * @deepstore/peer-s3, HTTP/WebDAV via nginx from @deepstore/peer-nginx): every flushed segment is
 * fetched back through its adapter, opened with openSegment and CRC-checked.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { joinUri, type FileSystemRegistry } from '@deepstore/core';
import { startNginxPeer } from '@deepstore/peer-nginx';
import { startS3Peer } from '@deepstore/peer-s3';
import { buildSegment } from '@deepstore/segment';
import { FileBasedSegmentWriter, GenericRow } from '@deepstore/writer';
import {
  CREATION_TIME,
  SAMPLE_NULLS,
  TempDirs,
  dayRows,
  listNames,
  newWriter,
  readSegment,
  registry,
  s3Settings,
  sampleExpected,
  sampleRows,
  schema,
  tableConfig,
} from './helpers.js';

const tmp = new TempDirs();
const s3 = await startS3Peer({ buckets: ['segments'] });
const nginx = await startNginxPeer();
const registries: FileSystemRegistry[] = [];
afterAll(async () => {
  await Promise.all(registries.map((r) => r.close()));
  await s3.stop();
  await nginx.stop();
  tmp.cleanup();
});

interface Target {
  registry: FileSystemRegistry;
  /** A fresh output directory URI for one test. */
  dir(name: string): string;
}

function target(reg: FileSystemRegistry, root: () => string): Target {
  registries.push(reg);
  return { registry: reg, dir: (name) => `${root()}/${name}` };
}

const localRoot = pathToFileURL(tmp.make('deepstore-writer-out-')).href;
const targets: Array<[string, Target]> = [
  ['file', target(registry(), () => localRoot)],
  ['s3', target(registry(s3Settings(s3)), () => 's3://segments/tables')],
  ['http (WebDAV)', target(registry({ 'storage.factory.http.maxAttempts': '2' }), () => `${nginx.httpUrl}/tables`)],
];

const plain = (rows: Array<GenericRow | Record<string, unknown>>) => rows.map((r) => (r instanceof GenericRow ? r.toObject() : r));

describe.each(targets)('FileBasedSegmentWriter to %s', (_scheme, t) => {
  const reg = t.registry;

  it('turns collected rows into one segment that reads back with the converted values, null value vectors and a valid CRC', async () => {
    const out = t.dir('round-trip');
    await using w = newWriter(reg);
    await w.init(tableConfig(out), schema);
    const rows = sampleRows();
    await w.collect(rows[0] as Record<string, unknown>);
    await w.collect(rows.slice(1));
    expect(w.rowCount).toBe(3);

    const uri = await w.flush();
    // IngestionUtils' simple generator: raw table name, time range, no sequence id.
    expect(uri.href).toBe(joinUri(out, 'orders_20000_20002.tar.gz'));
    expect(await listNames(reg, out)).toEqual(['orders_20000_20002.tar.gz']);

    const back = await readSegment(reg, uri, tmp);
    expect(back.name).toBe('orders_20000_20002');
    expect(back.totalDocs).toBe(3);
    expect(back.rows).toEqual(sampleExpected());
    expect(back.nulls).toEqual(SAMPLE_NULLS);

    // The buffer changes nothing: the same bytes as building the same rows directly.
    const direct = await buildSegment(plain(rows), {
      schema,
      tableConfig: tableConfig(out),
      outDir: tmp.make(),
      creationTime: CREATION_TIME,
      nameRules: 'segmentWriter',
      sequenceId: -1,
    });
    expect(readFileSync(back.localFile).equals(readFileSync(direct.tarFile))).toBe(true);
  });

  it('gives two flushes in a row two distinct segments, each holding only its own rows', async () => {
    const out = t.dir('two-flushes');
    await using w = newWriter(reg);
    await w.init(tableConfig(out), schema);
    await w.collect(dayRows([20000, 20001], 'A'));
    const first = await w.flush();
    await w.collect(dayRows([20010, 20011, 20012], 'B'));
    const second = await w.flush();

    expect(first.href).toBe(joinUri(out, 'orders_20000_20001.tar.gz'));
    expect(second.href).toBe(joinUri(out, 'orders_20010_20012.tar.gz'));
    expect(await listNames(reg, out)).toEqual(['orders_20000_20001.tar.gz', 'orders_20010_20012.tar.gz']);
    const a = await readSegment(reg, first, tmp, ['country', 'day']);
    const b = await readSegment(reg, second, tmp, ['country', 'day']);
    expect(a.rows).toEqual([
      { country: 'A0', day: 20000 },
      { country: 'A1', day: 20001 },
    ]);
    expect(b.rows).toEqual([
      { country: 'B0', day: 20010 },
      { country: 'B1', day: 20011 },
      { country: 'B2', day: 20012 },
    ]);
  });

  it('with append.uuid.to.segment.name, gives two flushes of the same time range distinct names', async () => {
    const out = t.dir('uuid');
    await using w = newWriter(reg);
    await w.init(tableConfig(out, { map: { 'segmentNameGenerator.configs.append.uuid.to.segment.name': 'true' } }), schema);
    await w.collect(dayRows([20000], 'A'));
    const first = await w.flush();
    await w.collect(dayRows([20000], 'B'));
    const second = await w.flush();

    const names = await listNames(reg, out);
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toMatch(/^orders_20000_20000_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tar\.gz$/);
    expect(first.href).not.toBe(second.href);
    expect((await readSegment(reg, first, tmp, ['country'])).rows).toEqual([{ country: 'A0' }]);
    expect((await readSegment(reg, second, tmp, ['country'])).rows).toEqual([{ country: 'B0' }]);
  });

  it("refuses a duplicate segment name with Pinot's message unless overwriteOutput is true, which replaces the segment", async () => {
    const out = t.dir('duplicate');
    const fs = await reg.resolve(out);
    await using w = newWriter(reg);
    await w.init(tableConfig(out), schema);
    await w.collect(dayRows([20000], 'A'));
    const first = await w.flush();

    await w.collect(dayRows([20000], 'B'));
    const err = await w.flush().then(
      () => undefined,
      (e: unknown) => e as Error & { kind?: string },
    );
    expect(err?.message).toContain(
      `Duplicate segment name generated 'orders_20000_20000' in '${out}', please adjust segment name generator config to avoid duplicates, or allow batch config overwrite`,
    );
    expect(err?.kind).toBe('AlreadyExists');
    // The existing segment is untouched.
    expect((await readSegment(reg, first, tmp, ['country'])).rows).toEqual([{ country: 'A0' }]);

    // overwriteOutput (here through init's override map) replaces it.
    await using over = newWriter(reg);
    await over.init(tableConfig(out), schema, { overwriteOutput: 'true' });
    await over.collect(dayRows([20000, 20000], 'C'));
    const replaced = await over.flush();
    expect(replaced.href).toBe(first.href);
    expect(await listNames(reg, out)).toEqual(['orders_20000_20000.tar.gz']);
    expect((await readSegment(reg, replaced, tmp, ['country'])).rows).toEqual([{ country: 'C0' }, { country: 'C1' }]);

    // The refused flush kept its rows: once the name is free, they flush.
    await fs.delete(replaced);
    const retried = await w.flush();
    expect((await readSegment(reg, retried, tmp, ['country'])).rows).toEqual([{ country: 'B0' }]);
  });
});

describe('FileBasedSegmentWriter without a registry', () => {
  it('configures the output adapter from output.fs.prop.* in the batch config map, and closes it', async () => {
    const out = 's3://segments/own-registry';
    const w = new FileBasedSegmentWriter({ creationTime: () => CREATION_TIME });
    await w.init(
      tableConfig(out, {
        map: {
          'output.fs.prop.endpoint': s3.endpoint,
          'output.fs.prop.accessKey': s3.accessKeyId,
          'output.fs.prop.secretKey': s3.secretAccessKey,
          'output.fs.prop.region': s3.region,
        },
      }),
      schema,
    );
    await w.collect(sampleRows());
    const uri = await w.flush();
    await w.close();
    expect(uri.href).toBe('s3://segments/own-registry/orders_20000_20002.tar.gz');
    const reg = registry(s3Settings(s3));
    registries.push(reg);
    const back = await readSegment(reg, uri, tmp);
    expect(back.rows).toEqual(sampleExpected());
    expect(back.nulls).toEqual(SAMPLE_NULLS);
  });
});
