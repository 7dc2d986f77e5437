/**
 * openSegment / extractSegmentTarball on hostile tarballs: the cases reader.test.ts does not
 * already cover ('..' and a plain symlink are there). Every archive is refused with a
 * SegmentFormatError, the extraction target stays empty, and a sentinel directory beside it
 * (the target of every escape attempt) is unchanged.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { MiB, tarBytes, type TarEntry } from '../../fetcher/test/helpers.js';
import { SegmentFormatError } from '../src/errors.js';
import { openSegment } from '../src/segment-reader.js';
import { extractSegmentTarball, type ExtractOptions } from '../src/segment-source.js';
import { TempDirs } from './helpers/tmp.js';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

let work: string;
let sentinel: string;
const SENTINEL_TEXT = 'untouched\n';

/** What a directory holds, recursively, with file contents. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out[r] = e.isFile() ? readFileSync(join(d, e.name), 'utf8') : `<${e.isSymbolicLink() ? 'symlink' : 'special'}>`;
    }
  };
  walk(dir, '');
  return out;
}

beforeEach(() => {
  work = tmp.make('ds-hostile-');
  sentinel = join(work, 'sentinel');
  mkdirSync(sentinel);
  writeFileSync(join(sentinel, 'keep.txt'), SENTINEL_TEXT);
});

const file = (name: string, data: string | Buffer = 'x'): TarEntry => ({ name, data });
const meta = file('seg/v3/metadata.properties', 'segment.name = seg\nsegment.total.docs = 0\n');

/** Each case: a name, the entries (paths may use SENTINEL for the sentinel dir), the expected message, extract options. */
const cases: Array<[string, () => TarEntry[], RegExp, ExtractOptions?]> = [
  ['absolute path into the sentinel dir', () => [meta, file(join(sentinel, 'pwned.txt'), 'pwned')], /absolute path/],
  ['absolute path overwriting a sentinel file', () => [meta, file(join(sentinel, 'keep.txt'), 'pwned')], /absolute path/],
  ["'..' after good entries, into the sentinel dir", () => [{ name: 'seg/', type: '5' }, meta, file('seg/../../sentinel/pwned.txt', 'pwned')], /'\.\.'/],
  ["backslash '..' (Windows-style)", () => [meta, file('seg\\..\\..\\sentinel\\pwned.txt', 'pwned')], /'\.\.'/],
  ['symlink to the sentinel dir, then a file through it', () => [meta, { name: 'seg/v3/out', type: '2', linkname: sentinel }, file('seg/v3/out/pwned.txt', 'pwned')], /SymbolicLink is not allowed/],
  ['relative symlink escaping, then a file through it', () => [meta, { name: 'seg/up', type: '2', linkname: '../../sentinel' }, file('seg/up/keep.txt', 'pwned')], /SymbolicLink is not allowed/],
  ['hard link to a sentinel file, then data written to it', () => [meta, { name: 'seg/v3/hl', type: '1', linkname: join(sentinel, 'keep.txt') }, file('seg/v3/hl', 'pwned')], /Link is not allowed/],
  ['hard link to /etc/passwd', () => [meta, { name: 'seg/v3/columns.psf', type: '1', linkname: '/etc/passwd' }], /Link is not allowed/],
  ['character device', () => [meta, { name: 'seg/v3/null', type: '3' }], /CharacterDevice is not allowed/],
  ['block device', () => [meta, { name: 'seg/v3/blk', type: '4' }], /BlockDevice is not allowed/],
  ['FIFO', () => [meta, { name: 'seg/v3/fifo', type: '6' }], /FIFO is not allowed/],
  // 8 GiB - 1 declared, 1 byte present: the archive is truncated as far as tar is concerned.
  ['huge declared size with a short body', () => [meta, { name: 'seg/v3/columns.psf', data: 'x', size: 0o77777777777 }], /corrupt or truncated|bytes uncompressed/],
  ['declared sizes over maxTotalBytes', () => [meta, { name: 'seg/v3/columns.psf', data: Buffer.alloc(2 * MiB) }], /bytes uncompressed \(max 1048576\)/, { maxTotalBytes: MiB }],
  // 64 MiB of zeros, ~64 KiB gzipped: refused before anything is written, by node-tar's
  // 1000:1 decompression-ratio guard (which fires before the maxTotalBytes total is reached).
  ['decompression bomb (64 MiB of zeros) over maxTotalBytes', () => [meta, { name: 'seg/v3/columns.psf', data: Buffer.alloc(64 * MiB) }], /bytes uncompressed \(max 16777216\)|max decompression ratio exceeded/, { maxTotalBytes: 16 * MiB }],
  ['decompression bomb (64 MiB of zeros) with the default limits', () => [meta, { name: 'seg/v3/columns.psf', data: Buffer.alloc(64 * MiB) }], /max decompression ratio exceeded/],
  ['more entries than maxEntries', () => [meta, ...Array.from({ length: 40 }, (_, i) => file(`seg/v3/f${i}`))], /41 entries \(max 20\)/, { maxEntries: 20 }],
];

describe('hostile tarballs are refused and nothing escapes', () => {
  it.each(cases)('%s', async (_name, entries, message, opts) => {
    const tgz = join(work, 'evil.tar.gz');
    writeFileSync(tgz, gzipSync(tarBytes(entries())));
    const before = snapshot(sentinel);

    const target = join(work, 'target');
    mkdirSync(target);
    const e1 = await extractSegmentTarball(tgz, target, opts).then(() => undefined, (e: unknown) => e);
    expect(e1).toBeInstanceOf(SegmentFormatError);
    expect((e1 as Error).message).toMatch(message);
    expect(readdirSync(target)).toEqual([]);

    const e2 = await openSegment(tgz, opts).then(() => undefined, (e: unknown) => e);
    expect(e2).toBeInstanceOf(SegmentFormatError);
    expect((e2 as Error).message).toMatch(message);

    expect(snapshot(sentinel)).toEqual(before);
    expect(readFileSync(join(sentinel, 'keep.txt'), 'utf8')).toBe(SENTINEL_TEXT);
    expect(readdirSync(work).sort()).toEqual(['evil.tar.gz', 'sentinel', 'target']);
    expect(statSync(join(work, 'sentinel')).isDirectory()).toBe(true);
  });
});
