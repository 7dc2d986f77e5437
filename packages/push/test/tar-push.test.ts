import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinUri } from '@deepstore/core';
import { startControllerPeer, type ControllerPeer } from '@deepstore/peer-controller';
import { startS3Peer, type S3Peer } from '@deepstore/peer-s3';
import { listSegmentsToPush, pushTarSegments, PushError, type PushResult } from '@deepstore/push';
import { TempDirs, failure, makeSegments, registry, s3Settings } from './helpers.js';

const tmp = new TempDirs();
let controller: ControllerPeer;
let second: ControllerPeer;
let s3: S3Peer;
let localDir: string;
const reg = registry();

beforeAll(async () => {
  localDir = tmp.make();
  await makeSegments(localDir, 'orders', 3);
  controller = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE', timeColumnName: 'day' }, { tableName: 'events', tableType: 'REALTIME' }] });
  second = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE' }] });
  s3 = await startS3Peer({ buckets: ['deep'] });
  reg.configure(s3Settings(s3));
});
afterAll(async () => {
  await controller?.stop();
  await second?.stop();
  await reg.close();
  await s3?.stop();
  tmp.cleanup();
});

describe('pushTarSegments', () => {
  it('pushes every listed segment from a local directory as a multipart upload, as Pinot does', async () => {
    const uris = await listSegmentsToPush(pathToFileURL(localDir).href, { registry: reg });
    expect(uris.map((u) => u.slice(u.lastIndexOf('/') + 1))).toEqual(['orders_0.tar.gz', 'orders_1.tar.gz', 'orders_2.tar.gz']);
    const seen: PushResult[] = [];
    const results = await pushTarSegments(uris, { controllerUris: [controller.url], tableName: 'orders', registry: reg, onSegment: (r) => seen.push(r) });
    expect(results.map((r) => [r.segmentName, r.status, r.attempts, r.uploadType])).toEqual([
      ['orders_0', 200, 1, 'SEGMENT'],
      ['orders_1', 200, 1, 'SEGMENT'],
      ['orders_2', 200, 1, 'SEGMENT'],
    ]);
    expect(results[0]?.response).toBe('Successfully uploaded segment: orders_0 of table: orders_OFFLINE');
    expect(seen).toEqual(results);
    const ups = controller.uploads.slice(-3);
    expect(ups.map((u) => [u.partName, u.fileName, u.tableName, u.tableType, u.uploadType, u.parts])).toEqual([
      ['orders_0', 'orders_0', 'orders', 'OFFLINE', 'SEGMENT', 1],
      ['orders_1', 'orders_1', 'orders', 'OFFLINE', 'SEGMENT', 1],
      ['orders_2', 'orders_2', 'orders', 'OFFLINE', 'SEGMENT', 1],
    ]);
    // The controller copied what it received into its data dir: the same bytes as the tarball.
    for (const s of controller.segments.filter((x) => x.tableNameWithType === 'orders_OFFLINE')) {
      expect(readFileSync(fileURLToPath(s.location!)).equals(readFileSync(fileURLToPath(joinUri(pathToFileURL(localDir).href, `${s.segmentName}.tar.gz`))))).toBe(true);
    }
  });

  it('streams segments out of S3 through the registry, to every controller in turn', async () => {
    const fs = await reg.resolve('s3://deep/');
    for (const name of ['orders_0', 'orders_1']) await fs.copyFromLocal(`${localDir}/${name}.tar.gz`, `s3://deep/out/2024/${name}.tar.gz`);
    const uris = await listSegmentsToPush('s3://deep/out', { registry: reg });
    expect(uris).toEqual(['s3://deep/out/2024/orders_0.tar.gz', 's3://deep/out/2024/orders_1.tar.gz']);
    const before = [controller.uploads.length, second.uploads.length];
    const results = await pushTarSegments(uris, { controllerUris: [controller.url, second.url], tableName: 'orders_OFFLINE', registry: reg });
    // Each segment goes to every controller before the next segment starts (pushParallelism 1).
    expect(results.map((r) => `${r.segmentName}@${r.controllerUri === controller.url ? 1 : 2}`)).toEqual(['orders_0@1', 'orders_0@2', 'orders_1@1', 'orders_1@2']);
    expect(controller.uploads.length - (before[0] as number)).toBe(2);
    expect(second.uploads.slice(before[1]).map((u) => [u.segmentName, u.tableName, u.tableType, u.status])).toEqual([
      ['orders_0', 'orders_OFFLINE', 'OFFLINE', 200],
      ['orders_1', 'orders_OFFLINE', 'OFFLINE', 200],
    ]);
    // Bytes received: the tarball and a few hundred bytes of multipart framing.
    const size = readFileSync(`${localDir}/orders_0.tar.gz`).length;
    expect(second.uploads.at(-2)?.bytes).toBeGreaterThan(size);
    expect(second.uploads.at(-2)?.bytes).toBeLessThan(size + 400);
  });

  it('takes the table type from the name suffix, or from tableType', async () => {
    const uri = pathToFileURL(`${localDir}/orders_2.tar.gz`).href;
    await pushTarSegments([uri], { controllerUris: [controller.url], tableName: 'events_REALTIME', registry: reg });
    expect(controller.uploads.at(-1)).toMatchObject({ tableName: 'events_REALTIME', tableType: 'REALTIME', tableNameWithType: 'events_REALTIME', status: 200 });
    await pushTarSegments([uri], { controllerUris: [controller.url], tableName: 'events', tableType: 'REALTIME', registry: reg });
    expect(controller.uploads.at(-1)).toMatchObject({ tableName: 'events', tableType: 'REALTIME', status: 200 });
  });

  it('refuses names that are not <segment>.tar.gz and missing files before sending anything', async () => {
    const count = controller.uploads.length;
    const bad = await failure(pushTarSegments([`${localDir}/orders_0.tgz`], { controllerUris: [controller.url], tableName: 'orders', registry: reg }));
    expect(bad.kind).toBe('InvalidInput');
    expect(bad.message).toContain('must end in .tar.gz');
    const missing = await failure<PushError>(pushTarSegments([`${localDir}/nope.tar.gz`], { controllerUris: [controller.url], tableName: 'orders', registry: reg }));
    expect(missing).toBeInstanceOf(PushError);
    expect(missing.kind).toBe('NotFound');
    expect(missing.segmentName).toBe('nope');
    expect(missing.message).toContain('TAR push of segment nope: cannot read');
    expect(controller.uploads.length).toBe(count);
  });
});
