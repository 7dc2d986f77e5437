import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SegmentFetcherFactory } from '@deepstore/fetcher';

const run = promisify(execFile);
const here = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-cas-test-'));
afterAll(async () => rm(work, { recursive: true, force: true }));

/** A one-file tar.gz, made with the system tar. */
async function tarball(): Promise<Buffer> {
  const src = path.join(work, 'src', 'seg_0', 'v3');
  await mkdir(src, { recursive: true });
  await writeFile(path.join(src, 'metadata.properties'), 'segment.name = seg_0\n');
  const out = path.join(work, 'seg_0.tar.gz');
  await run('tar', ['-czf', out, '-C', path.join(work, 'src'), 'seg_0']);
  const { readFile } = await import('node:fs/promises');
  return readFile(out);
}

async function store(bytes: Buffer, name = createHash('sha256').update(bytes).digest('hex')): Promise<{ root: string; uri: string }> {
  const root = path.join(work, `store-${Math.random().toString(36).slice(2)}`);
  await mkdir(path.join(root, 'sha256', name.slice(0, 2)), { recursive: true });
  await writeFile(path.join(root, 'sha256', name.slice(0, 2), name), bytes);
  return { root, uri: `cas://sha256/${name}` };
}

async function factoryFor(root: string, extra: Record<string, string> = {}) {
  const f = new SegmentFetcherFactory();
  await f.init({ protocols: 'cas', 'cas.class': path.join(here, 'cas-fetcher.js'), 'cas.root': root, 'cas.retry.wait.ms': '1', ...extra });
  return f;
}

describe('the custom-fetcher example (cas:// plugin by configuration)', () => {
  it('run.js fetches and extracts a segment, then refuses a damaged blob leaving nothing', async () => {
    const { stdout } = await run(process.execPath, [path.join(here, 'run.js')], { cwd: here });
    expect(stdout).toContain('fetcher     CasSegmentFetcher');
    expect(stdout).toMatch(/v3\/metadata\.properties/);
    expect(stdout).toContain('segment fetched OK');
    expect(stdout).toMatch(/damaged blob refused: .*failed after 2 attempts; .*not to its name/);
    expect(stdout).toContain('left behind under segments-2/: nothing');
  });

  it('the plugin streams into the safe extraction and reads mirrors round robin', async () => {
    const bytes = await tarball();
    const good = await store(bytes);
    const digest = good.uri.slice('cas://sha256/'.length);
    const bad = await store(zlib.gzipSync(Buffer.from('not the same bytes')), digest); // a damaged mirror
    const f = await factoryFor(`${bad.root},${good.root}`);
    const dest = path.join(work, 'out');
    const dir = await f.fetchUntarToLocal(good.uri, dest);
    expect(dir).toBe(path.join(dest, 'seg_0'));
    expect(await readdir(path.join(dir, 'v3'))).toEqual(['metadata.properties']);
    await f.fetchToLocal(good.uri, path.join(work, 'copy.tar.gz'));
    await f.close();
  });

  it('names its setting when cas.root is missing, and refuses a malformed URI at once', async () => {
    await expect(factoryFor('')).rejects.toThrow(/setting "cas.root" is required/);
    const f = await factoryFor(work);
    let retries = 0;
    await expect(f.fetchToLocal('cas://md5/abc', path.join(work, 'x'), { onRetry: () => void retries++ })).rejects.toThrow(/expected cas:\/\/sha256/);
    expect(retries).toBe(0);
    await f.close();
  });
});
