import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir as mkdirLocal, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinUri, redactUri, relativePath, type ErrorKind, type PinotFS, type Progress } from '@deepstore/core';
import { patternBytes, patternStream, peakRssGrowth, readAll, sha256Of, slowStream } from './data.js';

export interface ConformanceTarget {
  /** Shown in test names, e.g. `fs-local`. */
  name: string;
  /** The filesystem under test, already initialised. The suite does not close it. */
  fs: PinotFS;
  /** A URI under which the suite may create anything; each run works in a fresh random folder below it. */
  baseUri: string;
  /** Bytes of the large streamed file (default 256 MiB, or DEEPSTORE_CONFORMANCE_LARGE_MB). */
  largeFileBytes?: number;
  /** Peak RSS growth allowed while streaming the large file (default 160 MiB). */
  largeFileRssBudget?: number;
}

/** Names that break naive URI handling: they must round-trip through write, list and read. */
export const AWKWARD_NAMES = [
  'with space.txt',
  'unicodé-日本語-🚀.bin',
  'percent%20literal.txt',
  'percent%.txt',
  'hash#tag.txt',
  'question?mark.txt',
  'plus+sign.txt',
  'semi;colon&amp=eq.txt',
  "quote'and(paren).txt",
];

const MiB = 1 << 20;

/**
 * Registers the whole behaviour suite for one adapter with vitest. Call it at the top level of a
 * test file. Tests an adapter cannot support are skipped by its declared capabilities, never
 * faked: a capability that claims too much fails here.
 */
export function describeConformance(target: ConformanceTarget): void {
  const { fs } = target;
  const caps = fs.capabilities;
  const largeBytes = target.largeFileBytes ?? Number(process.env.DEEPSTORE_CONFORMANCE_LARGE_MB ?? 256) * MiB;
  const rssBudget = target.largeFileRssBudget ?? 160 * MiB;
  let runRoot = '';
  let counter = 0;
  /** A fresh folder URI per test, so tests never see each other's files. */
  const fresh = (label: string): string => joinUri(runRoot, `${String(++counter).padStart(3, '0')}-${label}`);
  const put = (uri: string, data: string | Buffer) => fs.write(uri, typeof data === 'string' ? Buffer.from(data) : data);
  const get = async (uri: string, opts: { offset?: number; length?: number } = {}) => readAll(await fs.openRead(uri, opts));
  const text = async (uri: string) => (await get(uri)).toString('utf8');
  const rel = (root: string, uris: string[]) => uris.map((u) => relativePath(root, u));

  describe(`conformance: ${target.name}`, () => {
    beforeAll(async () => {
      runRoot = joinUri(target.baseUri, `run-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`);
      if (caps.write) await fs.mkdir(runRoot);
    });
    afterAll(async () => {
      if (caps.write && runRoot) await fs.delete(runRoot, { force: true });
    });

    describe('declaration', () => {
      it('declares schemes and every capability as a boolean', () => {
        expect(fs.schemes.length).toBeGreaterThan(0);
        for (const key of [
          'read',
          'write',
          'list',
          'rangedRead',
          'atomicWrite',
          'atomicRename',
          'serverSideCopy',
          'nativeRecursiveList',
          'emptyDirectories',
          'touchUpdatesMtime',
        ] as const) {
          expect(typeof caps[key], key).toBe('boolean');
        }
      });
    });

    describe.skipIf(!caps.write || !caps.read)('write and read', () => {
      it('round-trips a small file, an empty file and binary data', async () => {
        const dir = fresh('roundtrip');
        await put(joinUri(dir, 'a.txt'), 'hello deep store');
        await put(joinUri(dir, 'empty'), Buffer.alloc(0));
        const bin = patternBytes(3 * MiB + 17, 7);
        await put(joinUri(dir, 'bin'), bin);
        expect(await text(joinUri(dir, 'a.txt'))).toBe('hello deep store');
        expect((await get(joinUri(dir, 'empty'))).length).toBe(0);
        expect((await get(joinUri(dir, 'bin'))).equals(bin)).toBe(true);
        expect(await fs.length(joinUri(dir, 'empty'))).toBe(0);
        expect(await fs.length(joinUri(dir, 'bin'))).toBe(bin.length);
      });

      it('round-trips awkward names through write, list, stat and read', async () => {
        const dir = fresh('names');
        for (const [i, name] of AWKWARD_NAMES.entries()) await put(joinUri(dir, name), `content ${i}`);
        const listed = await fs.list(dir);
        expect(rel(dir, listed).sort()).toEqual([...AWKWARD_NAMES].sort());
        for (const uri of listed) {
          const name = relativePath(dir, uri)!;
          expect(await text(uri)).toBe(`content ${AWKWARD_NAMES.indexOf(name)}`);
          expect(await fs.exists(uri)).toBe(true);
        }
        // A directory with an awkward name holds files too.
        const sub = joinUri(dir, 'dir with #?%+ chars');
        await put(joinUri(sub, 'inner file.txt'), 'x');
        expect(rel(sub, await fs.list(sub))).toEqual(['inner file.txt']);
      });

      it('creates missing parents of a deep path', async () => {
        const dir = fresh('deep');
        const deep = joinUri(dir, 'a/b/c/d/e/f/g/h/file.txt');
        await put(deep, 'deep');
        expect(await text(deep)).toBe('deep');
        expect(await fs.isDirectory(joinUri(dir, 'a/b/c/d'))).toBe(true);
      });

      it('replaces an existing file by default and refuses with overwrite: false', async () => {
        const dir = fresh('overwrite');
        const f = joinUri(dir, 'f');
        await put(f, 'one');
        await put(f, 'two');
        expect(await text(f)).toBe('two');
        await expectKind(fs.write(f, Buffer.from('three'), { overwrite: false }), 'AlreadyExists', f);
        expect(await text(f)).toBe('two');
      });

      it('refuses to write a file over a directory', async () => {
        const dir = fresh('over-dir');
        await put(joinUri(dir, 'd/child'), 'c');
        await expect(fs.write(joinUri(dir, 'd'), Buffer.from('x'))).rejects.toThrow();
        expect(await text(joinUri(dir, 'd/child'))).toBe('c');
      });

      it('writes from a Readable, an async iterable and a string', async () => {
        const dir = fresh('sources');
        await fs.write(joinUri(dir, 'r'), Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
        await fs.write(
          joinUri(dir, 'i'),
          (async function* () {
            yield Buffer.from('ef');
            yield new Uint8Array([0x67, 0x68]);
          })(),
        );
        await fs.write(joinUri(dir, 's'), 'ij');
        expect(await text(joinUri(dir, 'r'))).toBe('abcd');
        expect(await text(joinUri(dir, 'i'))).toBe('efgh');
        expect(await text(joinUri(dir, 's'))).toBe('ij');
      });

      it('openWrite publishes the file when the stream finishes', async () => {
        const dir = fresh('openwrite');
        const f = joinUri(dir, 'streamed.bin');
        const data = patternBytes(2 * MiB + 3, 3);
        await pipeline(Readable.from([data.subarray(0, MiB), data.subarray(MiB)]), fs.openWrite(f, { size: data.length }));
        expect((await get(f)).equals(data)).toBe(true);
      });

      it('openWrite destroyed before finishing leaves nothing behind', async () => {
        const dir = fresh('openwrite-destroy');
        const f = joinUri(dir, 'never.bin');
        await fs.mkdir(dir);
        const w = fs.openWrite(f);
        w.on('error', () => undefined);
        await new Promise<void>((resolve) => w.write(Buffer.alloc(64 * 1024, 1), () => resolve()));
        w.destroy(new Error('producer failed'));
        await settle();
        expect(await fs.exists(f)).toBe(false);
        expect(await fs.list(dir)).toEqual([]);
      });

      it('reports progress up to the full size', async () => {
        const dir = fresh('progress');
        const seen: Progress[] = [];
        const size = 4 * MiB;
        await fs.write(joinUri(dir, 'p'), patternStream(size, 5), { size, onProgress: (p) => seen.push(p) });
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.at(-1)!.bytes).toBe(size);
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
      });
    });

    describe.skipIf(!caps.write || !caps.read)('ranged reads', () => {
      it('reads offset and length windows', async () => {
        const dir = fresh('ranges');
        const f = joinUri(dir, 'r.bin');
        const data = patternBytes(MiB + 100, 11);
        await put(f, data);
        expect((await get(f, { offset: 0, length: 10 })).equals(data.subarray(0, 10))).toBe(true);
        expect((await get(f, { offset: 1000, length: 5000 })).equals(data.subarray(1000, 6000))).toBe(true);
        expect((await get(f, { offset: MiB })).equals(data.subarray(MiB))).toBe(true);
        expect((await get(f, { offset: data.length - 5, length: 100 })).equals(data.subarray(data.length - 5))).toBe(true);
        expect((await get(f, { offset: data.length })).length).toBe(0);
        expect((await get(f, { offset: 5, length: 0 })).length).toBe(0);
        await expectKind(fs.openRead(f, { offset: data.length + 1 }), 'InvalidInput', f);
        await expectKind(fs.openRead(f, { offset: -1 }), 'InvalidInput', f);
      });
    });

    describe.skipIf(!caps.read)('reading what is not there', () => {
      it('openRead of a missing file is NotFound naming the URI', async () => {
        await expectKind(fs.openRead(joinUri(runRootOr(target.baseUri, runRoot), 'missing/nothing.bin')), 'NotFound', 'nothing.bin');
      });
      it.skipIf(!caps.write)('openRead of a directory is refused', async () => {
        const dir = fresh('read-dir');
        await put(joinUri(dir, 'x'), 'x');
        await expectKind(fs.openRead(dir), 'InvalidInput', dir);
      });
    });

    describe.skipIf(!caps.write)('stat, exists, length, lastModified, isDirectory', () => {
      it('describes files, directories and missing paths', async () => {
        const dir = fresh('stat');
        const before = Date.now();
        await put(joinUri(dir, 'f.txt'), '12345');
        await fs.mkdir(joinUri(dir, 'sub'));
        await put(joinUri(dir, 'sub/g'), 'g');
        const f = await fs.stat(joinUri(dir, 'f.txt'));
        expect(f).toMatchObject({ isDirectory: false, length: 5 });
        expect(relativePath(dir, f.uri)).toBe('f.txt');
        // Allow clock granularity and skew between this process and the store.
        expect(f.lastModified).toBeGreaterThan(before - 5_000);
        expect(f.lastModified).toBeLessThan(Date.now() + 5_000);
        expect(await fs.lastModified(joinUri(dir, 'f.txt'))).toBe(f.lastModified);
        expect(await fs.isDirectory(joinUri(dir, 'sub'))).toBe(true);
        expect(await fs.isDirectory(joinUri(dir, 'f.txt'))).toBe(false);
        expect(await fs.isDirectory(joinUri(dir, 'nope'))).toBe(false);
        expect(await fs.exists(joinUri(dir, 'sub'))).toBe(true);
        expect(await fs.exists(joinUri(dir, 'nope'))).toBe(false);
        expect((await fs.stat(joinUri(dir, 'sub'))).isDirectory).toBe(true);
        await expectKind(fs.length(joinUri(dir, 'sub')), 'InvalidInput', 'sub');
        await expectKind(fs.length(joinUri(dir, 'nope')), 'NotFound', 'nope');
        await expectKind(fs.lastModified(joinUri(dir, 'nope')), 'NotFound', 'nope');
        await expectKind(fs.stat(joinUri(dir, 'nope')), 'NotFound', 'nope');
      });
      it('a trailing slash names the same directory', async () => {
        const dir = fresh('slash');
        await put(joinUri(dir, 'd/x'), 'x');
        expect(await fs.isDirectory(`${joinUri(dir, 'd')}/`)).toBe(true);
        expect(rel(joinUri(dir, 'd'), await fs.list(`${joinUri(dir, 'd')}/`))).toEqual(['x']);
      });
    });

    describe.skipIf(!caps.write)('mkdir', () => {
      it('creates parents, is idempotent, and refuses a file in the way', async () => {
        const dir = fresh('mkdir');
        const deep = joinUri(dir, 'x/y/z');
        await fs.mkdir(deep);
        await fs.mkdir(deep);
        expect(await fs.isDirectory(deep)).toBe(true);
        if (caps.emptyDirectories) expect(await fs.list(deep)).toEqual([]);
        await put(joinUri(dir, 'file'), 'f');
        await expectKind(fs.mkdir(joinUri(dir, 'file')), 'AlreadyExists', 'file');
        expect(await text(joinUri(dir, 'file'))).toBe('f');
      });
    });

    describe.skipIf(!caps.write || !caps.list)('list', () => {
      it('lists children, or the whole tree with recursive, as full sorted URIs without the root', async () => {
        const dir = fresh('list');
        await put(joinUri(dir, 'b.txt'), 'bb');
        await put(joinUri(dir, 'a.txt'), 'a');
        await put(joinUri(dir, 'sub/c.txt'), 'ccc');
        await put(joinUri(dir, 'sub/deeper/d.txt'), 'dddd');
        const flat = await fs.list(dir);
        expect(rel(dir, flat)).toEqual(['a.txt', 'b.txt', 'sub']);
        expect([...flat].sort()).toEqual(flat);
        for (const u of flat) expect(u.startsWith(`${new URL(dir).protocol}`)).toBe(true);
        const deep = await fs.listWithMetadata(dir, { recursive: true });
        expect(deep.map((m) => relativePath(dir, m.uri))).toEqual(['a.txt', 'b.txt', 'sub', 'sub/c.txt', 'sub/deeper', 'sub/deeper/d.txt']);
        const byName = new Map(deep.map((m) => [relativePath(dir, m.uri), m]));
        expect(byName.get('sub/deeper/d.txt')).toMatchObject({ isDirectory: false, length: 4 });
        expect(byName.get('sub')).toMatchObject({ isDirectory: true });
        expect(byName.get('a.txt')!.lastModified).toBeGreaterThan(0);
        expect((await fs.list(dir, { recursive: true })).map((u) => relativePath(dir, u))).toEqual(deep.map((m) => relativePath(dir, m.uri)));
      });
      it('lists a large directory completely (past one listing page)', async () => {
        const dir = fresh('many');
        const n = 1100;
        const names = Array.from({ length: n }, (_, i) => `f${String(i).padStart(5, '0')}`);
        const queue = [...names];
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            for (let name = queue.shift(); name !== undefined; name = queue.shift()) await put(joinUri(dir, name), '');
          }),
        );
        expect(rel(dir, await fs.list(dir))).toEqual(names);
        expect((await fs.list(dir, { recursive: true })).length).toBe(n);
      });
      it('refuses to list a missing path or a file', async () => {
        const dir = fresh('list-bad');
        await put(joinUri(dir, 'f'), 'f');
        await expectKind(fs.list(joinUri(dir, 'missing')), 'NotFound', 'missing');
        await expectKind(fs.list(joinUri(dir, 'f')), 'InvalidInput', 'f');
      });
    });

    describe.skipIf(!caps.write)('delete', () => {
      it('deletes files and empty directories; a missing path answers false', async () => {
        const dir = fresh('delete');
        await put(joinUri(dir, 'f'), 'f');
        await fs.mkdir(joinUri(dir, 'empty'));
        expect(await fs.delete(joinUri(dir, 'f'))).toBe(true);
        expect(await fs.exists(joinUri(dir, 'f'))).toBe(false);
        expect(await fs.delete(joinUri(dir, 'empty'))).toBe(true);
        expect(await fs.exists(joinUri(dir, 'empty'))).toBe(false);
        expect(await fs.delete(joinUri(dir, 'never-was'))).toBe(false);
      });
      it('refuses a non-empty directory without force, deleting nothing', async () => {
        const dir = fresh('delete-nonempty');
        await put(joinUri(dir, 'd/x'), 'x');
        await put(joinUri(dir, 'd/sub/y'), 'y');
        await expectKind(fs.delete(joinUri(dir, 'd')), 'NotEmpty', 'd');
        expect(await text(joinUri(dir, 'd/x'))).toBe('x');
        expect(await text(joinUri(dir, 'd/sub/y'))).toBe('y');
        expect(await fs.delete(joinUri(dir, 'd'), { force: true })).toBe(true);
        expect(await fs.exists(joinUri(dir, 'd'))).toBe(false);
        expect(await fs.exists(joinUri(dir, 'd/sub/y'))).toBe(false);
      });
      it('deletes only the named entry, not siblings sharing its name as a prefix', async () => {
        const dir = fresh('delete-prefix');
        await put(joinUri(dir, 'seg'), 'file');
        await put(joinUri(dir, 'seg1/x'), 'x');
        await put(joinUri(dir, 'seg.tar.gz'), 'tar');
        expect(await fs.delete(joinUri(dir, 'seg'))).toBe(true);
        expect(await text(joinUri(dir, 'seg1/x'))).toBe('x');
        expect(await text(joinUri(dir, 'seg.tar.gz'))).toBe('tar');
      });
    });

    describe.skipIf(!caps.write || !caps.read)('move', () => {
      it('moves a file, creating missing parents of the target', async () => {
        const dir = fresh('move-file');
        await put(joinUri(dir, 'src.txt'), 'moving');
        await fs.move(joinUri(dir, 'src.txt'), joinUri(dir, 'new/parent/dst.txt'));
        expect(await fs.exists(joinUri(dir, 'src.txt'))).toBe(false);
        expect(await text(joinUri(dir, 'new/parent/dst.txt'))).toBe('moving');
      });
      it('moves a directory tree', async () => {
        const dir = fresh('move-dir');
        await put(joinUri(dir, 'a/x'), 'x');
        await put(joinUri(dir, 'a/b/y'), 'y');
        await fs.move(joinUri(dir, 'a'), joinUri(dir, 'z'));
        expect(await fs.exists(joinUri(dir, 'a'))).toBe(false);
        expect(rel(joinUri(dir, 'z'), await fs.list(joinUri(dir, 'z'), { recursive: true }))).toEqual(['b', 'b/y', 'x']);
        expect(await text(joinUri(dir, 'z/b/y'))).toBe('y');
      });
      it('refuses an existing target without overwrite and replaces it with overwrite', async () => {
        const dir = fresh('move-over');
        await put(joinUri(dir, 's'), 'source');
        await put(joinUri(dir, 't'), 'target');
        await expectKind(fs.move(joinUri(dir, 's'), joinUri(dir, 't')), 'AlreadyExists', 't');
        expect(await text(joinUri(dir, 's'))).toBe('source');
        expect(await text(joinUri(dir, 't'))).toBe('target');
        await fs.move(joinUri(dir, 's'), joinUri(dir, 't'), { overwrite: true });
        expect(await text(joinUri(dir, 't'))).toBe('source');
        expect(await fs.exists(joinUri(dir, 's'))).toBe(false);
      });
      it('replaces a directory target with overwrite', async () => {
        const dir = fresh('move-over-dir');
        await put(joinUri(dir, 's/new'), 'new');
        await put(joinUri(dir, 't/old'), 'old');
        await fs.move(joinUri(dir, 's'), joinUri(dir, 't'), { overwrite: true });
        expect(rel(joinUri(dir, 't'), await fs.list(joinUri(dir, 't')))).toEqual(['new']);
      });
      it('refuses a missing source and a move into itself', async () => {
        const dir = fresh('move-bad');
        await expectKind(fs.move(joinUri(dir, 'none'), joinUri(dir, 'x')), 'NotFound', 'none');
        await put(joinUri(dir, 'd/f'), 'f');
        await expectKind(fs.move(joinUri(dir, 'd'), joinUri(dir, 'd/inside')), 'InvalidInput', 'd');
        expect(await text(joinUri(dir, 'd/f'))).toBe('f');
      });
    });

    describe.skipIf(!caps.write || !caps.read)('copy', () => {
      it('copies a file and leaves the source', async () => {
        const dir = fresh('copy-file');
        const data = patternBytes(MiB + 1, 13);
        await put(joinUri(dir, 'a'), data);
        await fs.copy(joinUri(dir, 'a'), joinUri(dir, 'x/b'));
        expect((await get(joinUri(dir, 'x/b'))).equals(data)).toBe(true);
        expect((await get(joinUri(dir, 'a'))).equals(data)).toBe(true);
      });
      it('copies a directory tree, and a copy over an existing tree replaces it exactly', async () => {
        const dir = fresh('copy-dir');
        await put(joinUri(dir, 'src/one'), '1');
        await put(joinUri(dir, 'src/sub/two'), '2');
        await put(joinUri(dir, 'dst/stale'), 'old');
        await put(joinUri(dir, 'dst/one'), 'old one');
        await fs.copy(joinUri(dir, 'src'), joinUri(dir, 'fresh'));
        expect(rel(joinUri(dir, 'fresh'), await fs.list(joinUri(dir, 'fresh'), { recursive: true }))).toEqual(['one', 'sub', 'sub/two']);
        await fs.copy(joinUri(dir, 'src'), joinUri(dir, 'dst'));
        expect(rel(joinUri(dir, 'dst'), await fs.list(joinUri(dir, 'dst'), { recursive: true }))).toEqual(['one', 'sub', 'sub/two']);
        expect(await text(joinUri(dir, 'dst/one'))).toBe('1');
        expect(await text(joinUri(dir, 'dst/sub/two'))).toBe('2');
      });
      it('refuses overwrite: false onto an existing target, a missing source, and a copy into itself', async () => {
        const dir = fresh('copy-bad');
        await put(joinUri(dir, 'a'), 'a');
        await put(joinUri(dir, 'b'), 'b');
        await expectKind(fs.copy(joinUri(dir, 'a'), joinUri(dir, 'b'), { overwrite: false }), 'AlreadyExists', 'b');
        expect(await text(joinUri(dir, 'b'))).toBe('b');
        await expectKind(fs.copy(joinUri(dir, 'none'), joinUri(dir, 'c')), 'NotFound', 'none');
        await put(joinUri(dir, 'd/f'), 'f');
        await expectKind(fs.copy(joinUri(dir, 'd'), joinUri(dir, 'd/sub')), 'InvalidInput', 'd');
      });
    });

    describe.skipIf(!caps.write || !caps.read)('copyToLocal and copyFromLocal', () => {
      let local = '';
      beforeAll(async () => {
        local = await mkdtemp(path.join(os.tmpdir(), 'deepstore-conformance-'));
      });
      afterAll(async () => {
        if (local) await rm(local, { recursive: true, force: true });
      });
      it('uploads and downloads a file byte-identical', async () => {
        const dir = fresh('local-file');
        const data = patternBytes(2 * MiB + 9, 17);
        await writeFile(path.join(local, 'up.bin'), data);
        await fs.copyFromLocal(path.join(local, 'up.bin'), joinUri(dir, 'up.bin'));
        await fs.copyToLocal(joinUri(dir, 'up.bin'), path.join(local, 'down', 'down.bin'));
        expect((await readFile(path.join(local, 'down', 'down.bin'))).equals(data)).toBe(true);
      });
      it('uploads and downloads a directory tree', async () => {
        const dir = fresh('local-tree');
        const tree = path.join(local, 'tree');
        await mkdirLocal(path.join(tree, 'a', 'b'), { recursive: true });
        await writeFile(path.join(tree, 'top.txt'), 'top');
        await writeFile(path.join(tree, 'a', 'b', 'leaf name.txt'), 'leaf');
        await fs.copyFromLocal(tree, joinUri(dir, 'tree'));
        expect(rel(joinUri(dir, 'tree'), await fs.list(joinUri(dir, 'tree'), { recursive: true }))).toEqual(['a', 'a/b', 'a/b/leaf name.txt', 'top.txt']);
        const back = path.join(local, 'back');
        await fs.copyToLocal(joinUri(dir, 'tree'), back);
        expect(await readFile(path.join(back, 'a', 'b', 'leaf name.txt'), 'utf8')).toBe('leaf');
        expect(await readFile(path.join(back, 'top.txt'), 'utf8')).toBe('top');
      });
      it('downloads a 48 MiB file byte-identical (large enough for ranged, parallel downloads)', { timeout: 120_000 }, async () => {
        const dir = fresh('local-large');
        const f = joinUri(dir, 'big.bin');
        const size = 48 * MiB + 3;
        await fs.write(f, patternStream(size, 23), { size });
        await fs.copyToLocal(f, path.join(local, 'big', 'big.bin'));
        const { createReadStream } = await import('node:fs');
        expect(await sha256Of(createReadStream(path.join(local, 'big', 'big.bin')))).toEqual(await sha256Of(patternStream(size, 23)));
        // An abort part-way leaves neither the file nor a temporary in the local directory (a
        // kernel-side local copy may finish before it sees the abort: then the file is whole).
        const ac = new AbortController();
        const onProgress = (p: Progress) => {
          if (p.bytes >= 4 * MiB) ac.abort();
        };
        const outcome = await fs.copyToLocal(f, path.join(local, 'big2', 'big.bin'), { signal: ac.signal, onProgress }).then(
          () => 'done',
          (e: unknown) => (e as { kind?: string }).kind,
        );
        if (outcome === 'Aborted') expect(await readdir(path.join(local, 'big2')).catch(() => [])).toEqual([]);
        else {
          expect(outcome).toBe('done');
          expect(await readdir(path.join(local, 'big2'))).toEqual(['big.bin']);
          expect(await sha256Of(createReadStream(path.join(local, 'big2', 'big.bin')))).toEqual(await sha256Of(patternStream(size, 23)));
        }
      });
      it('copyToLocal of a missing file is NotFound and creates nothing', async () => {
        const target = path.join(local, 'never');
        await expectKind(fs.copyToLocal(joinUri(fresh('local-missing'), 'none'), target), 'NotFound', 'none');
        expect((await readdir(local)).includes('never')).toBe(false);
      });
    });

    describe.skipIf(!caps.write)('touch', () => {
      it('creates an empty file, and on an existing file keeps the content', async () => {
        const dir = fresh('touch');
        await fs.touch(joinUri(dir, 'new'));
        expect(await fs.length(joinUri(dir, 'new'))).toBe(0);
        await put(joinUri(dir, 'old'), 'keep me');
        const before = await fs.lastModified(joinUri(dir, 'old'));
        await new Promise((r) => setTimeout(r, 1100));
        await fs.touch(joinUri(dir, 'old'));
        if (caps.read) expect(await text(joinUri(dir, 'old'))).toBe('keep me');
        if (caps.touchUpdatesMtime) expect(await fs.lastModified(joinUri(dir, 'old'))).toBeGreaterThan(before);
      });
    });

    describe.skipIf(!caps.write || !caps.read)('concurrency', () => {
      it('concurrent writes to one path leave exactly one whole version, never a torn file', async () => {
        const dir = fresh('race');
        const f = joinUri(dir, 'contended.bin');
        const versions = Array.from({ length: 8 }, (_, i) => patternBytes(MiB, 100 + i));
        await Promise.all(versions.map((v) => fs.write(f, Readable.from(chunks(v, 64 * 1024)))));
        const final = await get(f);
        expect(versions.some((v) => v.equals(final))).toBe(true);
        if (caps.list) expect(rel(dir, await fs.list(dir))).toEqual(['contended.bin']);
      });
      it.skipIf(!caps.atomicWrite)('a reader during a rewrite sees the old or the new file whole', async () => {
        const dir = fresh('reader');
        const f = joinUri(dir, 'f.bin');
        const oldData = patternBytes(2 * MiB, 1);
        const newData = patternBytes(2 * MiB, 2);
        await put(f, oldData);
        const writing = fs.write(f, Readable.from(chunks(newData, 16 * 1024)));
        const reads: Buffer[] = [];
        for (let i = 0; i < 5; i++) reads.push(await get(f));
        await writing;
        reads.push(await get(f));
        for (const r of reads) expect(r.equals(oldData) || r.equals(newData)).toBe(true);
        expect(reads.at(-1)!.equals(newData)).toBe(true);
      });
    });

    describe.skipIf(!caps.write)('abort', () => {
      it('an abort mid-write leaves nothing behind and keeps the old file', async () => {
        const dir = fresh('abort');
        const f = joinUri(dir, 'aborted.bin');
        const g = joinUri(dir, 'kept.bin');
        await put(g, 'old content');
        const ac = new AbortController();
        const ac2 = new AbortController();
        setTimeout(() => ac.abort(), 150);
        setTimeout(() => ac2.abort(), 150);
        await expectKind(fs.write(f, slowStream(100, 64 * 1024, 20), { signal: ac.signal }), 'Aborted', 'aborted.bin');
        await expectKind(fs.write(g, slowStream(100, 64 * 1024, 20), { signal: ac2.signal }), 'Aborted', 'kept.bin');
        await settle();
        expect(await fs.exists(f)).toBe(false);
        if (caps.read) expect(await text(g)).toBe('old content');
        if (caps.list) expect(rel(dir, await fs.list(dir))).toEqual(['kept.bin']);
      });
      it('an already-aborted signal stops an operation before it starts', async () => {
        const dir = fresh('pre-abort');
        const ac = new AbortController();
        ac.abort();
        await expectKind(fs.write(joinUri(dir, 'x'), Buffer.from('x'), { signal: ac.signal }), 'Aborted');
        await expectKind(fs.mkdir(joinUri(dir, 'y'), { signal: ac.signal }), 'Aborted');
        expect(await fs.exists(joinUri(dir, 'x'))).toBe(false);
        expect(await fs.exists(joinUri(dir, 'y'))).toBe(false);
      });
      it.skipIf(!caps.read)('an abort mid-read ends the stream with an error', async () => {
        const dir = fresh('abort-read');
        const f = joinUri(dir, 'r.bin');
        await fs.write(f, patternStream(16 * MiB, 4));
        const ac = new AbortController();
        const stream = await fs.openRead(f, { signal: ac.signal });
        let got = 0;
        const consume = (async () => {
          for await (const c of stream) {
            got += c.length;
            if (got >= MiB) ac.abort();
            await new Promise((r) => setImmediate(r));
          }
        })();
        await expect(consume).rejects.toThrow();
        expect(got).toBeLessThan(16 * MiB);
      });
    });

    describe.skipIf(!caps.write || !caps.read)('large files', () => {
      it(`streams a ${Math.round(largeBytes / MiB)} MiB file in and out with bounded memory`, { timeout: 600_000 }, async () => {
        const dir = fresh('large');
        const f = joinUri(dir, 'large.bin');
        const expected = await sha256Of(patternStream(largeBytes, 42));
        const up = await peakRssGrowth(() => fs.write(f, patternStream(largeBytes, 42), { size: largeBytes }));
        expect(await fs.length(f)).toBe(largeBytes);
        const down = await peakRssGrowth(async () => sha256Of(await fs.openRead(f)));
        expect(down.result).toEqual(expected);
        expect(up.growth, `upload grew RSS by ${Math.round(up.growth / MiB)} MiB`).toBeLessThan(rssBudget);
        expect(down.growth, `download grew RSS by ${Math.round(down.growth / MiB)} MiB`).toBeLessThan(rssBudget);
        const tail = await get(f, { offset: largeBytes - 10 });
        expect(tail.equals(patternBytes(largeBytes, 42).subarray(largeBytes - 10))).toBe(true);
        await fs.delete(f);
      });
    });

    describe('errors', () => {
      it('name the operation and URI and strip credentials', async () => {
        const missing = joinUri(target.baseUri, `no-such-${randomBytes(4).toString('hex')}`);
        const err = await fs.stat(missing).then(
          () => undefined,
          (e: unknown) => e as { kind?: string; message?: string; uri?: string },
        );
        expect(err?.kind).toBe('NotFound');
        expect(err?.message).toContain(redactUri(missing));
        expect(err?.uri).toBe(redactUri(missing));
      });
    });
  });
}

function runRootOr(base: string, root: string): string {
  return root || base;
}

function* chunks(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** Lets in-flight cleanup (temp-file removal, aborted uploads) finish. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 200));
}

/** Asserts a typed deepstore error of `kind` whose message mentions `mention`. */
export async function expectKind(promise: Promise<unknown>, kind: ErrorKind, mention?: string): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a ${kind} error`).toBeInstanceOf(Error);
  const e = caught as { kind?: string; message: string };
  expect(e.kind, `${e.message}`).toBe(kind);
  if (mention !== undefined) {
    const decoded = safeDecode(e.message);
    expect(e.message.includes(mention) || decoded.includes(mention), `message "${e.message}" should mention ${mention}`).toBe(true);
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
