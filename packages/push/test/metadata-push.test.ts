import { execFile } from 'node:child_process';
import { copyFileSync, createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerPeer, type ControllerPeer } from '@deepstore/peer-controller';
import { startS3Peer, type S3Peer } from '@deepstore/peer-s3';
import { extractMetadataFiles, listSegmentsToPush, metadataTarGzUri, pushMetadataSegments, writeMetadataTarball, type PushError } from '@deepstore/push';
import { TempDirs, failure, makeSegment, makeSegments, registry, s3Settings } from './helpers.js';

const run = promisify(execFile);
const tmp = new TempDirs();
let s3: S3Peer;
let controller: ControllerPeer;
let localDir: string;
const client = registry();
const controllerFs = registry();

beforeAll(async () => {
  localDir = tmp.make();
  await makeSegments(localDir, 'orders', 2);
  s3 = await startS3Peer({ buckets: ['deep'] });
  client.configure(s3Settings(s3));
  controllerFs.configure(s3Settings(s3));
  // The controller's deep store is in the same bucket, so it can copy (PinotFS.copy) segments into it.
  controller = await startControllerPeer({
    tables: [{ tableName: 'orders', tableType: 'OFFLINE', timeColumnName: 'day' }],
    registry: controllerFs,
    dataDir: 's3://deep/controller',
  });
  const fs = await client.resolve('s3://deep/');
  for (const name of ['orders_0', 'orders_1']) await fs.copyFromLocal(`${localDir}/${name}.tar.gz`, `s3://deep/out/${name}.tar.gz`);
});
afterAll(async () => {
  await controller?.stop();
  await client.close();
  await controllerFs.close();
  await s3?.stop();
  tmp.cleanup();
});

describe('the metadata tarball', () => {
  it('holds only metadata.properties and creation.meta of the segment, in one directory', async () => {
    const files = await extractMetadataFiles(createReadStream(`${localDir}/orders_0.tar.gz`), 'orders_0.tar.gz');
    const work = tmp.make();
    await run('tar', ['xzf', `${localDir}/orders_0.tar.gz`], { cwd: work });
    expect(files.metadataProperties.equals(readFileSync(`${work}/orders_0/v3/metadata.properties`))).toBe(true);
    expect(files.creationMeta.equals(readFileSync(`${work}/orders_0/v3/creation.meta`))).toBe(true);
    const tarball = await writeMetadataTarball(files, 'orders_0', tmp.make());
    const { stdout } = await run('tar', ['tzf', tarball]);
    expect(stdout.trim().split('\n')).toEqual(['orders_0/', 'orders_0/metadata.properties', 'orders_0/creation.meta']);
  });

  it('stops reading the segment once both files are found', async () => {
    const work = tmp.make();
    await run('tar', ['xzf', `${localDir}/orders_0.tar.gz`], { cwd: work });
    writeFileSync(`${work}/orders_0/v3/columns.psf`, Buffer.alloc(8 << 20, 7));
    const big = `${work}/big.tar.gz`;
    await createTar({ gzip: { level: 0 }, file: big, cwd: work, portable: true }, ['orders_0/v3/metadata.properties', 'orders_0/v3/creation.meta', 'orders_0/v3/columns.psf']);
    let read = 0;
    const source = createReadStream(big, { highWaterMark: 64 * 1024 });
    source.on('data', (c) => (read += c.length));
    await extractMetadataFiles(source, 'big.tar.gz');
    expect(read).toBeLessThan(1 << 20);
  });

  it('names what is missing in a tarball that is not a segment', async () => {
    const work = tmp.make();
    writeFileSync(`${work}/readme.txt`, 'hi');
    await createTar({ gzip: true, file: `${work}/x.tar.gz`, cwd: work }, ['readme.txt']);
    const err = await failure(extractMetadataFiles(createReadStream(`${work}/x.tar.gz`), 'x.tar.gz'));
    expect(err.message).toBe('Failed to find file: metadata.properties and creation.meta in: x.tar.gz (is it a Pinot segment tarball?)');
    const notTar = await failure(extractMetadataFiles(Readable.from([Buffer.from('definitely not a tarball')]), 'y.tar.gz'));
    expect(notTar.message).toMatch(/y\.tar\.gz/);
  });
});

describe('pushMetadataSegments', () => {
  it('sends the metadata with DOWNLOAD_URI and COPY_SEGMENT_TO_DEEP_STORE: false; the controller keeps the URI', async () => {
    const uris = await listSegmentsToPush('s3://deep/out', { registry: client });
    const results = await pushMetadataSegments(uris, { controllerUris: [controller.url], tableName: 'orders', registry: client });
    expect(results.map((r) => [r.segmentName, r.uploadType, r.downloadUri, r.status])).toEqual([
      ['orders_0', 'METADATA', 's3://deep/out/orders_0.tar.gz', 200],
      ['orders_1', 'METADATA', 's3://deep/out/orders_1.tar.gz', 200],
    ]);
    expect(controller.uploads.slice(-2).map((u) => [u.uploadType, u.copyToDeepStore, u.enableParallelPushProtection, u.partName, u.downloadUri])).toEqual([
      ['METADATA', false, false, 'orders_0', 's3://deep/out/orders_0.tar.gz'],
      ['METADATA', false, false, 'orders_1', 's3://deep/out/orders_1.tar.gz'],
    ]);
    // Only the metadata travelled: a few KiB, not the segment.
    expect(controller.uploads.at(-1)?.bytes).toBeLessThan(4096);
    const stored = controller.segments.find((s) => s.segmentName === 'orders_0');
    expect(stored).toMatchObject({ downloadUrl: 's3://deep/out/orders_0.tar.gz', location: undefined });
  });

  it('with copyToDeepStore the controller copies each segment into its deep store', async () => {
    const seg = await makeSegment(tmp.make(), 'orders_9', [20009]);
    await (await client.resolve('s3://deep/')).copyFromLocal(seg.tarFile, 's3://deep/out/orders_9.tar.gz');
    const results = await pushMetadataSegments(['s3://deep/out/orders_9.tar.gz'], { controllerUris: [controller.url], tableName: 'orders', copyToDeepStore: true, registry: client });
    expect(results[0]?.status).toBe(200);
    expect(controller.uploads.at(-1)).toMatchObject({ copyToDeepStore: true, segmentName: 'orders_9' });
    const stored = controller.segments.find((s) => s.segmentName === 'orders_9');
    expect(stored?.location).toBe('s3://deep/controller/orders/orders_9');
    expect(stored?.downloadUrl).toBe('s3://deep/controller/orders/orders_9');
    const copy = `${tmp.make()}/copy.tar.gz`;
    await (await client.resolve('s3://deep/')).copyToLocal('s3://deep/controller/orders/orders_9', copy);
    expect(readFileSync(copy).equals(readFileSync(seg.tarFile))).toBe(true);
  });

  it('copyToDeepStore from another scheme than the deep store fails as the controller fails (500)', async () => {
    const uri = pathToFileURL(`${localDir}/orders_1.tar.gz`).href;
    const other = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE' }], registry: controllerFs, dataDir: 's3://deep/other', allowRefresh: true });
    try {
      const err = await failure<PushError>(pushMetadataSegments([uri], { controllerUris: [other.url], tableName: 'orders', copyToDeepStore: true, registry: client }));
      expect(err.status).toBe(500);
      expect(err.kind).toBe('Transient');
      expect(err.controllerError).toContain('Exception while uploading segment: cannot copy the segment to the deep store');
      // Without the copy, a file: DOWNLOAD_URI is accepted for METADATA pushes (only URI pushes refuse file:).
      const ok = await pushMetadataSegments([uri], { controllerUris: [other.url], tableName: 'orders', registry: client });
      expect(ok[0]?.downloadUri).toBe(uri);
    } finally {
      await other.stop();
    }
  });

  it('uses an existing <segment>.metadata.tar.gz beside the segment (preferMetadataTarGz), which listing skips', async () => {
    const dir = tmp.make();
    const seg = await makeSegment(dir, 'orders_7', [20007]);
    const files = await extractMetadataFiles(createReadStream(seg.tarFile), seg.tarFile);
    const meta = await writeMetadataTarball(files, 'orders_7', tmp.make());
    const segUri = pathToFileURL(seg.tarFile).href;
    copyFileSync(meta, new URL(metadataTarGzUri(segUri, 'orders_7')));
    // The segment itself is now unreadable: only the metadata tarball can make the push work.
    writeFileSync(seg.tarFile, 'not a tarball any more');
    expect(await listSegmentsToPush(pathToFileURL(dir).href, { registry: client })).toEqual([segUri]);
    const lax = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE' }], verifySegments: false });
    try {
      const ok = await pushMetadataSegments([segUri], { controllerUris: [lax.url], tableName: 'orders', registry: client });
      expect(ok[0]?.response).toBe('Successfully uploaded segment: orders_7 of table: orders_OFFLINE');
      const err = await failure<PushError>(pushMetadataSegments([segUri], { controllerUris: [lax.url], tableName: 'orders', preferMetadataTarGz: false, registry: client }));
      expect(err.message).toContain('METADATA push of segment orders_7: cannot read its metadata from');
      expect(lax.uploads.length).toBe(1);
    } finally {
      await lax.stop();
    }
  });
});
