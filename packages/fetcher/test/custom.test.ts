// Custom fetchers by configuration (`protocols`, `<protocol>.class`, `<protocol>.*`) and in code.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemRegistry } from '@deepstore/core';
import { HttpSegmentFetcher, HttpsSegmentFetcher, PinotFSSegmentFetcher, SegmentFetcherFactory, type SegmentFetcher } from '@deepstore/fetcher';
import { digestTree, listAll, makeSegmentDir, tarGz } from './helpers.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const work = await mkdtemp(path.join(os.tmpdir(), 'fetcher-custom-'));
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
afterAll(async () => {
  await registry.close();
  await rm(work, { recursive: true, force: true });
});
let n = 0;
const fresh = () => path.join(work, 'out', String(++n));

describe('custom fetchers', () => {
  it('loads <protocol>.class from a file and passes it the <protocol>.* settings plus the global auth.*', async () => {
    const f = new SegmentFetcherFactory({ registry });
    await f.init({
      'pinot.server.segment.fetcher.protocols': 'fixture, http',
      'pinot.server.segment.fetcher.fixture.class': path.join(fixtures, 'echo-fetcher.js'),
      'pinot.server.segment.fetcher.fixture.bucket': 'b1',
      'pinot.server.segment.fetcher.fixture.retry.count': '7',
      'pinot.server.segment.fetcher.auth.token': 'tok',
      'pinot.server.segment.fetcher.other.key': 'not for fixture',
    });
    const dest = path.join(fresh(), 'seg.tar.gz');
    await f.fetchToLocal('fixture://host/seg', dest);
    const written = JSON.parse(await readFile(dest, 'utf8')) as { uri: string; config: Record<string, string> };
    expect(written.uri).toBe('fixture://host/seg');
    expect(written.config).toEqual({ class: path.join(fixtures, 'echo-fetcher.js'), bucket: 'b1', 'retry.count': '7', 'auth.token': 'tok' });
    const dir = await f.fetchUntarToLocal(['fixture://a/s', 'fixture://b/s'], fresh());
    expect(await readFile(path.join(dir, 'uri.txt'), 'utf8')).toBe('fixture://a/s,fixture://b/s');
    // http listed without a class: the default HTTP fetcher, as in Pinot.
    expect(f.getFetcher('http')).toBeInstanceOf(HttpSegmentFetcher);
    await f.close();
  });

  it('keeps a protocol-level auth.* over the global one', async () => {
    const f = new SegmentFetcherFactory({ registry });
    await f.init({ protocols: 'fixture', 'fixture.class': pathToFileURL(path.join(fixtures, 'echo-fetcher.js')).href, 'fixture.auth.token': 'mine', 'auth.token': 'global' });
    const dest = path.join(fresh(), 'x');
    await f.fetchToLocal('fixture://h/x', dest);
    expect(JSON.parse(await readFile(dest, 'utf8')).config['auth.token']).toBe('mine');
    await f.close();
  });

  it('finds a named export SegmentFetcher; names the setting when a module has no fetcher or is missing', async () => {
    const f = new SegmentFetcherFactory({ registry });
    await f.init({ protocols: 'named', 'named.class': path.join(fixtures, 'named-fetcher.mjs'), 'named.marker': 'M' });
    await expect(f.fetchToLocal('named://x/y', fresh())).rejects.toThrow(/named fetcher for M/);
    await expect(f.init({ protocols: 'bad', 'bad.class': path.join(fixtures, 'no-fetcher.mjs') })).rejects.toThrow(/setting "bad\.class": module .*no-fetcher\.mjs exports no segment fetcher class/);
    await expect(f.init({ protocols: 'gone', 'gone.class': './test/fixtures/does-not-exist.js' })).rejects.toThrow(/setting "gone\.class": cannot load the module/);
    await expect(f.init({ protocols: 'java', 'java.class': 'com.example.MyFetcher' })).rejects.toThrow(/setting "java\.class": module com\.example\.MyFetcher cannot be found/);
    await expect(f.init({ protocols: 'fixture', 'fixture.class': path.join(fixtures, 'echo-fetcher.js'), 'fixture.fail.init': 'true' })).rejects.toThrow(/protocol "fixture" failed to initialise: init refused by fixture/);
    await f.close();
  });

  it('maps Pinot class names onto the built-in fetchers', async () => {
    const f = new SegmentFetcherFactory({ registry });
    await f.init({
      protocols: 'file,hdfs,https',
      'file.class': 'org.apache.pinot.common.utils.fetcher.PinotFSSegmentFetcher',
      'https.class': 'org.apache.pinot.common.utils.fetcher.HttpsSegmentFetcher',
    });
    expect(f.getFetcher('file')).toBeInstanceOf(PinotFSSegmentFetcher);
    expect(f.getFetcher('hdfs')).toBeInstanceOf(PinotFSSegmentFetcher);
    expect(f.getFetcher('https')).toBeInstanceOf(HttpsSegmentFetcher);
    await f.close();
  });

  it('runs a BaseSegmentFetcher plugin with only fetchOnce through retries and a safe extraction', async () => {
    const src = await makeSegmentDir(path.join(work, 'src'), 'p_0', 100_000);
    const store = path.join(work, 'store');
    await tarGz(path.join(work, 'src'), 'p_0', path.join(store, 'p_0.tar.gz')).catch(async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(store, { recursive: true });
      return tarGz(path.join(work, 'src'), 'p_0', path.join(store, 'p_0.tar.gz'));
    });
    const f = new SegmentFetcherFactory({ registry });
    await f.init({ protocols: 'dir', 'dir.class': path.join(fixtures, 'file-only-fetcher.mjs'), 'dir.root': store, 'dir.fail.first': '2', 'dir.retry.wait.ms': '1' });
    const dest = fresh();
    const dir = await f.fetchUntarToLocal('dir://p_0.tar.gz', dest);
    expect(await digestTree(dir)).toEqual(await digestTree(src));
    expect((f.getFetcher('dir') as unknown as { attemptsSeen: number }).attemptsSeen).toBe(3);
    expect(await listAll(dest)).toEqual(await listAll(path.dirname(src)));
    // A bad value in a protocol's settings is reported with its full key.
    await expect(f.init({ protocols: 'dir', 'dir.class': path.join(fixtures, 'file-only-fetcher.mjs'), 'dir.root': store, 'dir.retry.count': 'lots' })).rejects.toThrow(
      /setting "dir\.retry\.count" must be an integer/,
    );
    await f.close();
  });

  it('registers a fetcher in code', async () => {
    const calls: string[] = [];
    const mine: SegmentFetcher = {
      init: () => undefined,
      fetchToLocal: async (uri) => void calls.push(String(uri)),
      fetchUntarToLocal: async () => '/nowhere',
    };
    const f = new SegmentFetcherFactory({ registry });
    f.register('mem', mine);
    await f.fetchToLocal('mem://a/b', fresh());
    expect(await f.fetchUntarToLocal('mem://a/b', fresh())).toBe('/nowhere');
    expect(calls).toEqual(['mem://a/b']);
    expect(f.getFetcher('MEM:')).toBe(mine);
    await f.close();
  });
});
