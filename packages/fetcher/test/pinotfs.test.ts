// The PinotFS fetcher: any scheme with a registered filesystem, here the S3 peer and local files.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemRegistry } from '@deepstore/core';
import { PinotFSSegmentFetcher, SegmentFetcherFactory } from '@deepstore/fetcher';
import { startS3Peer } from '@deepstore/peer-s3';
import { MiB, digestTree, listAll, makeSegmentDir, tarGz } from './helpers.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'fetcher-pinotfs-'));
const peer = await startS3Peer({ buckets: ['deep'] });
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
registry.setConfig('s3', { endpoint: peer.endpoint, region: peer.region, accessKey: peer.accessKeyId, secretKey: peer.secretAccessKey });
const src = await makeSegmentDir(path.join(work, 'src'), 'trips_OFFLINE_7', 3 * MiB);
const tarball = await tarGz(path.join(work, 'src'), 'trips_OFFLINE_7', path.join(work, 'trips.tar.gz'));
const s3 = await registry.resolve('s3://deep/');
await s3.write('s3://deep/segments/trips/trips_OFFLINE_7.tar.gz', await readFile(tarball));
const factory = new SegmentFetcherFactory({ registry });
await factory.init({ 'retry.wait.ms': '1' });
afterAll(async () => {
  await factory.close();
  await registry.close();
  await peer.stop();
  await rm(work, { recursive: true, force: true });
});
let n = 0;
const fresh = () => path.join(work, 'out', String(++n));
const objectGets = () => peer.requests().filter((r) => r.method === 'GET' && r.path.startsWith('/deep/segments/')).length;

describe('PinotFSSegmentFetcher', () => {
  it('is what the factory gives for s3 and file', () => {
    expect(factory.getFetcher('s3')).toBeInstanceOf(PinotFSSegmentFetcher);
    expect(factory.getFetcher('file')).toBeInstanceOf(PinotFSSegmentFetcher);
  });

  it('fetches from S3 to a local file (copyToLocal) byte-identical, with progress', async () => {
    const dest = path.join(fresh(), 'seg.tar.gz');
    let last: { bytes: number; total?: number } | undefined;
    await factory.fetchToLocal('s3://deep/segments/trips/trips_OFFLINE_7.tar.gz', dest, { onProgress: (p) => (last = p) });
    expect(Buffer.compare(await readFile(dest), await readFile(tarball))).toBe(0);
    expect(last?.bytes).toBe((await readFile(tarball)).length);
    expect(await listAll(path.dirname(dest))).toEqual(['seg.tar.gz']);
  });

  it('streams an S3 object into extraction (openRead)', async () => {
    const dest = fresh();
    let total: number | undefined;
    const dir = await factory.fetchUntarToLocal('s3://deep/segments/trips/trips_OFFLINE_7.tar.gz', dest, { onProgress: (p) => (total = p.total) });
    expect(await digestTree(dir)).toEqual(await digestTree(src));
    expect(total).toBe((await readFile(tarball)).length);
  });

  it('streams through the rate cap when one is set (openRead instead of copyToLocal)', async () => {
    const dest = path.join(fresh(), 'seg.tar.gz');
    const t0 = performance.now();
    await factory.fetchToLocal('s3://deep/segments/trips/trips_OFFLINE_7.tar.gz', dest, { rateLimitBytesPerSec: 4 * MiB });
    expect(performance.now() - t0).toBeGreaterThan(500);
    expect(Buffer.compare(await readFile(dest), await readFile(tarball))).toBe(0);
  });

  it('retries a missing object retry.count times (Pinot retries any failure of the PinotFS fetcher)', async () => {
    const before = objectGets();
    const heads = () => peer.requests().filter((r) => r.path.includes('missing')).length;
    const err = await factory.fetchUntarToLocal('s3://deep/segments/trips/missing.tar.gz', fresh()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AttemptsExceededError', attempts: 3 });
    expect(String((err as Error).message)).toMatch(/not ?found|no such/i);
    expect(heads()).toBeGreaterThanOrEqual(3);
    expect(objectGets() - before).toBeLessThanOrEqual(3);
  });

  it('fetches local files by file: URI and by plain path', async () => {
    const a = path.join(fresh(), 'a.tar.gz');
    await factory.fetchToLocal(pathToFileURL(tarball).href, a);
    expect(Buffer.compare(await readFile(a), await readFile(tarball))).toBe(0);
    const dir = await factory.fetchUntarToLocal(tarball, fresh());
    expect(await digestTree(dir)).toEqual(await digestTree(src));
  });

  it('fails clearly for a scheme nobody serves', async () => {
    expect(() => factory.getFetcher('ftp')).toThrow(/no segment fetcher for protocol "ftp".*protocols=ftp and ftp\.class/);
    await expect(factory.fetchToLocal('ftp://host/x.tar.gz', fresh())).rejects.toMatchObject({ kind: 'Unsupported' });
    await expect(factory.fetchToLocal(['s3://deep/a', 'file:///tmp/a'], fresh())).rejects.toThrow(/share a scheme/);
  });
});
