// Retries, resumes, replicas, stalls, aborts and the rate cap, with faults injected by a proxy in
// front of nginx and attempts counted at the proxy.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultRule } from '@deepstore/fault-proxy';
import { SegmentFetcherFactory, type RetryInfo } from '@deepstore/fetcher';
import { startNginxPeer } from '@deepstore/peer-nginx';
import { MiB, deadPort, digestTree, listAll, makeSegmentDir, tarGz } from './helpers.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'fetcher-faults-'));
const peer = await startNginxPeer();
const proxy = await startFaultProxy({ target: peer.httpUrl, seed: 3 });
const sick = await startFaultProxy({ target: peer.httpUrl, rules: [{ fault: { type: 'status', status: 503 } }] });
const src = await makeSegmentDir(path.join(work, 'src'), 'ev_OFFLINE_1', 4 * MiB);
const tarball = await tarGz(path.join(work, 'src'), 'ev_OFFLINE_1', path.join(work, 'ev.tar.gz'));
const size = (await readFile(tarball)).length;
await mkdir(path.join(peer.root, 'segs'), { recursive: true });
await copyFile(tarball, path.join(peer.root, 'segs', 'ev.tar.gz'));
const P = '/segs/ev.tar.gz';
const url = `${proxy.url}${P}`;
const factory = new SegmentFetcherFactory();
await factory.init({ 'retry.count': '3', 'retry.wait.ms': '20', 'retry.delay.scale.factor': '2', 'stall.timeout.ms': '700' });
afterAll(async () => {
  await factory.close();
  await proxy.stop();
  await sick.stop();
  await peer.stop();
  await rm(work, { recursive: true, force: true });
});

let n = 0;
const fresh = () => path.join(work, 'out', String(++n));
let mark = 0;
const requests = () => proxy.log().slice(mark).filter((e) => e.path === P);
const expectWhole = async (dir: string) => expect(await digestTree(dir)).toEqual(await digestTree(src));

describe('retries (Pinot semantics: retry.count total attempts, backoff in [w*f^i, w*f^(i+1)))', () => {
  beforeEach(() => {
    proxy.setRules([]);
    mark = proxy.log().length;
  });

  it('retries 5xx and succeeds on the third and last attempt', async () => {
    proxy.setRules([{ path: /ev\.tar\.gz/, times: 2, fault: { type: 'status', status: 503 } }]);
    const dir = await factory.fetchUntarToLocal(url, fresh());
    await expectWhole(dir);
    expect(requests().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after exactly retry.count attempts, waiting within the backoff bounds', async () => {
    proxy.setRules([{ path: /ev\.tar\.gz/, fault: { type: 'status', status: 500 } }]);
    const f = new SegmentFetcherFactory();
    await f.init({ 'retry.count': '4', 'retry.wait.ms': '40', 'retry.delay.scale.factor': '3' });
    const retries: RetryInfo[] = [];
    const t0 = performance.now();
    const err = await f.fetchToLocal(url, path.join(fresh(), 'x'), { onRetry: (r) => retries.push(r) }).catch((e: unknown) => e);
    const elapsed = performance.now() - t0;
    expect(err).toMatchObject({ name: 'AttemptsExceededError', attempts: 4, kind: 'Transient' });
    expect(requests()).toHaveLength(4);
    expect(retries.map((r) => r.attempt)).toEqual([2, 3, 4]);
    const bounds = [[40, 120], [120, 360], [360, 1080]];
    retries.forEach((r, i) => {
      expect(r.delayMs).toBeGreaterThanOrEqual(bounds[i]![0]!);
      expect(r.delayMs).toBeLessThan(bounds[i]![1]!);
    });
    const slept = retries.reduce((s, r) => s + r.delayMs, 0);
    expect(elapsed).toBeGreaterThanOrEqual(slept - 5);
    expect(elapsed).toBeLessThan(slept + 1500);
    await f.close();
  });

  it('does not retry a permanent status (403)', async () => {
    proxy.setRules([{ path: /ev\.tar\.gz/, fault: { type: 'status', status: 403 } }]);
    await expect(factory.fetchToLocal(url, path.join(fresh(), 'x'))).rejects.toMatchObject({ status: 403, kind: 'PermissionDenied' });
    expect(requests()).toHaveLength(1);
  });
});

describe('resuming and restarting', () => {
  beforeEach(() => {
    proxy.setRules([]);
    mark = proxy.log().length;
  });

  const cuts: [string, FaultRule['fault']][] = [
    ['a reset', { type: 'reset-response', afterBytes: 1 * MiB }],
    ['a truncated body', { type: 'truncate-response', afterBytes: 1 * MiB }],
    ['a stall', { type: 'stall-response', afterBytes: 1 * MiB }],
  ];
  for (const [what, fault] of cuts) {
    it(`resumes a streamed untar after ${what} with a Range request (one attempt)`, async () => {
      proxy.setRules([{ path: /ev\.tar\.gz/, nth: [1], fault }]);
      const retries: RetryInfo[] = [];
      const dest = fresh();
      const dir = await factory.fetchUntarToLocal(url, dest, { onRetry: (r) => retries.push(r) });
      await expectWhole(dir);
      expect(requests().map((r) => r.status)).toEqual([0, 206].map((s, i) => (i === 0 && fault.type === 'truncate-response' ? 200 : s)));
      expect(retries).toHaveLength(1);
      expect(await listAll(dest)).toEqual(await listAll(path.dirname(src)));
    });
  }

  it('resumes a download to a file too, byte-identical', async () => {
    proxy.setRules([{ path: /ev\.tar\.gz/, nth: [1], fault: { type: 'reset-response', afterBytes: 700_000 } }]);
    const dest = path.join(fresh(), 'ev.tar.gz');
    await factory.fetchToLocal(url, dest);
    expect(Buffer.compare(await readFile(dest), await readFile(tarball))).toBe(0);
    expect(requests().map((r) => r.status)).toEqual([0, 206]);
    expect(await listAll(path.dirname(dest))).toEqual(['ev.tar.gz']);
  });

  it('restarts from scratch, cleanly, when the resume is refused', async () => {
    proxy.setRules([
      { path: /ev\.tar\.gz/, nth: [1], fault: { type: 'reset-response', afterBytes: 2 * MiB } },
      { path: /ev\.tar\.gz/, header: 'range', fault: { type: 'status', status: 503 } },
    ]);
    const dest = fresh();
    const dir = await factory.fetchUntarToLocal(url, dest);
    await expectWhole(dir);
    expect(requests().map((r) => r.status)).toEqual([0, 503, 200]);
    expect(await listAll(dest)).toEqual(await listAll(path.dirname(src))); // no leftovers of the first attempt
  });

  it('leaves no partial segment directory when every attempt is cut', async () => {
    proxy.setRules([{ path: /ev\.tar\.gz/, fault: { type: 'reset-response', afterBytes: 1 * MiB } }]);
    const dest = fresh();
    await expect(factory.fetchUntarToLocal(url, dest)).rejects.toMatchObject({ name: 'AttemptsExceededError', attempts: 3 });
    expect(requests()).toHaveLength(3);
    expect(await listAll(dest)).toEqual([]);
  });
});

describe('replicas (round robin from a random start, as Pinot)', () => {
  beforeEach(() => {
    proxy.setRules([]);
    mark = proxy.log().length;
  });

  it('moves past a dead replica and a sick one to the good one', async () => {
    const dead = `http://127.0.0.1:${await deadPort()}${P}`;
    const replicas = [dead, `${sick.url}${P}`, url];
    const starts = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const tried: string[] = [];
      const dir = await factory.fetchUntarToLocal(replicas, fresh(), { onRetry: (r) => tried.push(String((r.error as Error).message)) });
      await expectWhole(dir);
      starts.add(tried[0]?.includes(':' + new URL(dead).port) ? 'dead' : tried[0]?.includes('503') ? 'sick' : 'good');
    }
    // Three replicas and three attempts: always enough, whatever the start; and the start varies.
    expect(starts.size).toBeGreaterThan(1);
    expect(requests().every((r) => r.status === 200)).toBe(true);
  });

  it('goes round robin: two dead replicas and three attempts fail on both, alternating', async () => {
    proxy.setRules([{ path: /ev\.tar\.gz/, fault: { type: 'status', status: 502 } }]);
    const sickLog = () => sick.log().filter((e) => e.path === P).length;
    const before = sickLog();
    await expect(factory.fetchToLocal([`${sick.url}${P}`, url], path.join(fresh(), 'x'))).rejects.toThrow(/after 3 attempts over 2 replicas/);
    const a = sickLog() - before;
    const b = requests().length;
    expect(a + b).toBe(3);
    expect(Math.abs(a - b)).toBe(1);
  });
});

describe('abort, stall and rate cap', () => {
  beforeEach(() => {
    proxy.setRules([]);
    mark = proxy.log().length;
  });

  it('a capped rate paces the download, and an abort stops it at once leaving nothing', async () => {
    const dest = fresh();
    const ac = new AbortController();
    let bytes = 0;
    const t0 = performance.now();
    const p = factory.fetchUntarToLocal(url, dest, {
      signal: ac.signal,
      rateLimitBytesPerSec: 2 * MiB,
      onProgress: (pr) => {
        bytes = pr.bytes;
        if (pr.bytes > 1 * MiB) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ kind: 'Aborted' });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThan(300); // ~1 MiB at 2 MiB/s (one second of burst is allowed only after idling)
    expect(elapsed).toBeLessThan(3000);
    expect(bytes).toBeLessThan(size);
    expect(await listAll(dest)).toEqual([]);
  });

  it('rate.limit.bytes.per.sec from the settings applies to whole downloads', async () => {
    const f = new SegmentFetcherFactory();
    await f.init({ 'rate.limit.bytes.per.sec': String(8 * MiB) });
    const t0 = performance.now();
    await f.fetchToLocal(url, path.join(fresh(), 'x'));
    expect(performance.now() - t0).toBeGreaterThan(((size / (8 * MiB)) * 1000) * 0.8);
    await f.close();
  });

  it('a stall with no resume possible fails the attempt after stall.timeout.ms and retries', async () => {
    proxy.setRules([
      { path: /ev\.tar\.gz/, nth: [1], fault: { type: 'stall-response', afterBytes: 100_000 } },
      { path: /ev\.tar\.gz/, header: 'range', fault: { type: 'status', status: 500 } },
    ]);
    const t0 = performance.now();
    const dir = await factory.fetchUntarToLocal(url, fresh());
    await expectWhole(dir);
    expect(performance.now() - t0).toBeGreaterThan(650);
    expect(requests().map((r) => r.status)).toEqual([0, 500, 200]);
  });
});
