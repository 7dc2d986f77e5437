// Hostile and odd tarballs: each is refused before anything lands outside the target, and a
// refused or failed extraction leaves nothing under destDir (no partial segment, no work dir).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemRegistry } from '@deepstore/core';
import { SegmentFetcherFactory, UnsafeArchiveError, extractTarStream, unsafeEntryReason } from '@deepstore/fetcher';
import { MiB, digestTree, gzip, listAll, makeSegmentDir, tarBytes, tarGz, type TarEntry } from './helpers.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'fetcher-extract-'));
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
const factory = new SegmentFetcherFactory({ registry });
await factory.init({ 'retry.wait.ms': '1', 'untar.max.bytes': String(4 * MiB), 'untar.max.entries': '50' });
afterAll(async () => {
  await factory.close();
  await registry.close();
  await rm(work, { recursive: true, force: true });
});

let n = 0;
/** Writes the tarball to a file and fetches it with file: URI into a fresh destDir beside a sentinel. */
async function fetchHostile(bytes: Buffer) {
  const dir = path.join(work, `case-${++n}`);
  const src = path.join(dir, 'in.tar.gz');
  const dest = path.join(dir, 'sandbox', 'dest');
  await rm(dir, { recursive: true, force: true });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dest, { recursive: true });
  await writeFile(src, bytes);
  await writeFile(path.join(dir, 'sandbox', 'sentinel.txt'), 'untouched');
  let attempts = 0;
  const err = await factory
    .fetchUntarToLocal(pathToFileURL(src).href, dest, { onRetry: () => void attempts++ })
    .then(() => undefined, (e: unknown) => e);
  return { err: err as Error | undefined, dest, dir, retries: attempts };
}

async function expectRefused(entries: TarEntry[], reason: RegExp) {
  const { err, dest, dir, retries } = await fetchHostile(gzip(tarBytes(entries)));
  expect(err).toBeInstanceOf(UnsafeArchiveError);
  expect(err!.message).toMatch(reason);
  expect(retries).toBe(0); // a hostile archive does not get better on retry
  expect(await listAll(dest)).toEqual([]); // no partial segment, no work dir
  expect(await readFile(path.join(dir, 'sandbox', 'sentinel.txt'), 'utf8')).toBe('untouched');
  expect(await listAll(path.join(dir, 'sandbox'))).toEqual(['dest', 'sentinel.txt']);
  return err!;
}

const seg = (name: string, data = 'x'): TarEntry => ({ name, data });

describe('safe extraction of hostile tarballs', () => {
  it("refuses '..' paths, even after good entries were already written", async () => {
    await expectRefused([{ name: 'seg/', type: '5' }, seg('seg/v3/metadata.properties', 'a=b\n'), seg('seg/../../sentinel.txt', 'pwned')], /'\.\.'/);
  });

  it('refuses absolute paths', async () => {
    const target = path.join(work, 'abs-evil.txt');
    await expectRefused([seg('seg/ok.txt'), seg(target, 'pwned')], /absolute path/);
    await expect(readFile(target)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a symlink out of the target, and a file written through it', async () => {
    await expectRefused([{ name: 'seg/', type: '5' }, { name: 'seg/link', type: '2', linkname: '../..' }, seg('seg/link/sentinel.txt', 'pwned')], /SymbolicLink is not allowed/);
  });

  it('refuses hard links', async () => {
    await expectRefused([seg('seg/a.txt'), { name: 'seg/hl', type: '1', linkname: '/etc/passwd' }], /Link is not allowed/);
  });

  it('refuses device files and FIFOs (headers crafted by hand)', async () => {
    await expectRefused([seg('seg/a.txt'), { name: 'seg/null', type: '3' }], /CharacterDevice is not allowed/);
    await expectRefused([{ name: 'seg/blk', type: '4' }], /BlockDevice is not allowed/);
    await expectRefused([{ name: 'seg/fifo', type: '6' }], /FIFO is not allowed/);
  });

  it('refuses a decompression bomb over untar.max.bytes before writing it', async () => {
    // 5 MiB of zeros declared in one entry: a few KiB compressed, over the 4 MiB cap.
    const err = await expectRefused([seg('seg/v3/metadata.properties', 'a=b'), { name: 'seg/v3/columns.psf', data: Buffer.alloc(5 * MiB) }], /untar\.max\.bytes/);
    expect(err.message).toMatch(/decompression bomb/);
  });

  it('cuts a stream that decompresses far beyond the cap even outside entries', async () => {
    // A valid tiny tar, then 16 MiB of zeros after its end: the decompressor is stopped, not drained.
    const bomb = Buffer.concat([tarBytes([seg('seg/a.txt')]), Buffer.alloc(16 * MiB)]);
    const { err, dest } = await fetchHostile(gzip(bomb));
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect(err!.message).toMatch(/decompresses to more than its entries account for/);
    expect(await listAll(dest)).toEqual([]);
  });

  it('refuses archives with more than untar.max.entries entries', async () => {
    await expectRefused(Array.from({ length: 60 }, (_, i) => seg(`seg/f${i}`)), /more than 50 entries/);
  });

  it('names the rules like segment-source does', () => {
    expect(unsafeEntryReason('seg/v3/x', 'File')).toBeUndefined();
    expect(unsafeEntryReason('seg\\..\\x', 'File')).toMatch(/'\.\.'/);
    expect(unsafeEntryReason('C:/x', 'File')).toBe('absolute path');
    expect(unsafeEntryReason('a\0b', 'File')).toMatch(/NUL/);
    expect(unsafeEntryReason('x', 'GNUDumpDir')).toMatch(/not allowed/);
  });
});

describe('extraction of good and broken tarballs', () => {
  it('extracts a tarball made by tar czf (Pinot layout) and returns the segment directory', async () => {
    const src = await makeSegmentDir(path.join(work, 'src'), 'myTable_OFFLINE_0');
    const tarball = await tarGz(path.join(work, 'src'), 'myTable_OFFLINE_0', path.join(work, 'seg.tar.gz'));
    const dest = path.join(work, 'good');
    const dir = await factory.fetchUntarToLocal(tarball, dest); // a plain path: the local filesystem
    expect(dir).toBe(path.join(dest, 'myTable_OFFLINE_0'));
    expect(await digestTree(dir)).toEqual(await digestTree(src));
    expect(await listAll(dest)).toEqual(await listAll(path.dirname(src)));
  });

  it('extracts zstd tarballs too, and replaces an existing segment directory whole', async () => {
    const src = await makeSegmentDir(path.join(work, 'zsrc'), 'z_0', 300_000);
    const tarball = await tarGz(path.join(work, 'zsrc'), 'z_0', path.join(work, 'z.tar.zst'), ['--zstd']);
    const dest = path.join(work, 'zdest');
    await makeSegmentDir(dest, 'z_0', 10);
    await writeFile(path.join(dest, 'z_0', 'stale-file'), 'old');
    const dir = await factory.fetchUntarToLocal(pathToFileURL(tarball).href, dest);
    expect(await digestTree(dir)).toEqual(await digestTree(src));
    expect(await listAll(dest)).not.toContain('z_0/stale-file');
  });

  it('accepts ./ prefixes and pax long names; files only get 0644', async () => {
    const long = `seg/${'d'.repeat(120)}/${'f'.repeat(90)}.bin`;
    const bytes = gzip(tarBytes([{ name: './', type: '5' }, { name: './seg/', type: '5' }, { name: './seg/a.txt', data: 'A', mode: 0o4755 }, { name: long, data: 'L' }]));
    const { err, dest } = await fetchHostile(bytes);
    expect(err).toBeUndefined();
    expect(await readFile(path.join(dest, long), 'utf8')).toBe('L');
    const { stat } = await import('node:fs/promises');
    expect((await stat(path.join(dest, 'seg', 'a.txt'))).mode & 0o7777).toBe(0o644);
  });

  it('fails cleanly on data that is not a compressed tarball, on a corrupt one, and on an empty one', async () => {
    const notGz = await fetchHostile(Buffer.from('<html>not a tarball</html>'));
    expect(notGz.err?.message).toMatch(/not a compressed tarball/);
    expect(notGz.retries).toBe(0);
    const good = gzip(tarBytes([seg('seg/a.txt', 'x'.repeat(10_000))]));
    const corrupt = Buffer.concat([good.subarray(0, 40), Buffer.alloc(100, 0xff), good.subarray(140)]);
    const bad = await fetchHostile(corrupt);
    expect(bad.err?.message).toMatch(/corrupt or truncated|not a valid tar/);
    expect(bad.retries).toBe(2); // transient: Pinot retries it (another replica may be whole)
    expect(await listAll(bad.dest)).toEqual([]);
    const empty = await fetchHostile(gzip(Buffer.alloc(1024)));
    expect(empty.err?.message).toMatch(/no entries|Unrecognized archive format/);
    const lz4 = await fetchHostile(Buffer.from([0x04, 0x22, 0x4d, 0x18, 1, 2, 3]));
    expect(lz4.err?.message).toMatch(/LZ4/);
  });

  it('extractTarStream can be used on any stream, and honours an abort', async () => {
    const dest = path.join(work, 'direct');
    const ac = new AbortController();
    const body = zlib.createGzip();
    const p = extractTarStream(body, dest, { maxBytes: 1 << 30, maxEntries: 10, signal: ac.signal, ctx: { operation: 'test' } });
    body.write(tarBytes([seg('seg/a.txt', 'x'.repeat(5000))]).subarray(0, 1024));
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ kind: 'Aborted' });
    expect(await listAll(dest)).toEqual([]);
  });
});
