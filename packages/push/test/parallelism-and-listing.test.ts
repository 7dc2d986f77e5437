import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerPeer, type ControllerPeer } from '@deepstore/peer-controller';
import { compilePathMatcher, listSegmentsToPush, pathsForMatching, pushMetadataSegments, pushTarSegments } from '@deepstore/push';
import { TempDirs, failure, makeSegments, registry } from './helpers.js';

const tmp = new TempDirs();
const reg = registry();
let controller: ControllerPeer;
let uris: string[];

beforeAll(async () => {
  const dir = tmp.make();
  uris = (await makeSegments(dir, 'par', 6)).map((s) => pathToFileURL(s.tarFile).href);
  controller = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE' }], uploadDelayMs: 120 });
});
afterAll(async () => {
  await controller?.stop();
  await reg.close();
  tmp.cleanup();
});

describe('pushParallelism', () => {
  it('pushes that many segments at once, as observed by the controller', async () => {
    for (const [parallelism, expected] of [
      [3, 3],
      [1, 1],
      [0, 6], // < 1: every segment at once, as the Spark runner does
    ] as const) {
      const peer = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE' }], uploadDelayMs: 120 });
      try {
        const results = await pushTarSegments(uris, { controllerUris: [peer.url], tableName: 'orders', pushParallelism: parallelism, registry: reg });
        expect(results.map((r) => r.segmentName)).toEqual(uris.map((_u, i) => `par_${i}`));
        expect(peer.maxInFlight).toBe(expected);
      } finally {
        await peer.stop();
      }
    }
  });

  it('a METADATA push with pushParallelism > 1 asks for parallel push protection', async () => {
    await pushMetadataSegments(uris.slice(0, 4), { controllerUris: [controller.url], tableName: 'orders', pushParallelism: 2, registry: reg });
    expect(controller.maxInFlight).toBe(2);
    expect(controller.uploads.map((u) => u.enableParallelPushProtection)).toEqual([true, true, true, true]);
  });
});

describe('listSegmentsToPush', () => {
  it('lists recursively, keeps *.tar.gz, skips *.metadata.tar.gz, applies glob: and regex: over the whole path', async () => {
    const dir = tmp.make();
    for (const f of ['2022/a.tar.gz', '2022/a.metadata.tar.gz', '2022/deep/stats_1.tar.gz', '2023/stats_2.tar.gz', 'notes.txt', 'x.tar.gz.bak', 'top.tar.gz']) {
      mkdirSync(`${dir}/${f.slice(0, f.lastIndexOf('/') + 1)}`, { recursive: true });
      writeFileSync(`${dir}/${f}`, 'x');
    }
    const base = pathToFileURL(dir).href;
    const names = (list: string[]) => list.map((u) => u.slice(base.length + 1));
    expect(names(await listSegmentsToPush(base, { registry: reg }))).toEqual(['2022/a.tar.gz', '2022/deep/stats_1.tar.gz', '2023/stats_2.tar.gz', 'top.tar.gz']);
    expect(names(await listSegmentsToPush(base, { registry: reg, pushFileNamePattern: 'glob:**/stats_*.tar.gz' }))).toEqual(['2022/deep/stats_1.tar.gz', '2023/stats_2.tar.gz']);
    expect(names(await listSegmentsToPush(base, { registry: reg, pushFileNamePattern: `glob:${dir}/2022/*.tar.gz` }))).toEqual(['2022/a.tar.gz']);
    expect(names(await listSegmentsToPush(base, { registry: reg, pushFileNamePattern: 'regex:.*/20(22|23)/[^/]*\\.tar\\.gz' }))).toEqual(['2022/a.tar.gz', '2023/stats_2.tar.gz']);
    const missing = await failure(listSegmentsToPush(`${base}/nope`, { registry: reg }));
    expect(missing.message).toContain('does not exist');
    expect((await failure(listSegmentsToPush(base, { registry: reg, pushFileNamePattern: 'stats_*' }))).message).toContain('glob:<pattern>');
  });

  it('follows Java PathMatcher glob rules', () => {
    const m = (p: string, path: string) => compilePathMatcher(p)(path);
    expect(m('glob:*.tar.gz', 'a.tar.gz')).toBe(true);
    expect(m('glob:*.tar.gz', 'd/a.tar.gz')).toBe(false);
    expect(m('glob:**.tar.gz', 'd/a.tar.gz')).toBe(true);
    expect(m('glob:/out/{2022,2023}/?.tar.gz', '/out/2023/b.tar.gz')).toBe(true);
    expect(m('glob:/out/{2022,2023}/?.tar.gz', '/out/2024/b.tar.gz')).toBe(false);
    expect(m('glob:/out/[a-c]*.tar.gz', '/out/b1.tar.gz')).toBe(true);
    expect(m('glob:/out/[!a-c]*.tar.gz', '/out/b1.tar.gz')).toBe(false);
    expect(m('glob:/out/\\*.tar.gz', '/out/*.tar.gz')).toBe(true);
    expect(m('glob:/out/\\*.tar.gz', '/out/x.tar.gz')).toBe(false);
    expect(m('regex:.*\\.tar\\.gz', 's3://b/k.tar.gz')).toBe(true);
    expect(() => compilePathMatcher('glob:a/[b/c]')).toThrow(/separator/);
    expect(() => compilePathMatcher('glob:{a,{b}}')).toThrow(/nest/);
    // Remote URIs are matched as written and as Java's Paths.get sees them (s3:/bucket/...).
    expect(pathsForMatching('s3://deep/out/a%20b.tar.gz')).toEqual(['s3://deep/out/a b.tar.gz', 's3:/deep/out/a b.tar.gz']);
    expect(pathsForMatching('file:///tmp/x/a.tar.gz')).toEqual(['/tmp/x/a.tar.gz']);
  });
});
