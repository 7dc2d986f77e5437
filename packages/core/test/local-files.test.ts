import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/local-files.js';

const root = mkdtempSync(join(tmpdir(), 'ds-core-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Yields `parts`, then fails with `error` if given. */
async function* source(parts: Buffer[], error?: Error): AsyncGenerator<Buffer> {
  for (const p of parts) {
    await new Promise((r) => setImmediate(r));
    yield p;
  }
  if (error) throw error;
}

// Sizes on both sides of the one-write path for small files (256 KiB when the size is known).
const SIZES = [0, 1, 1000, 256 * 1024, 256 * 1024 + 1, 3 * 1024 * 1024];

describe('writeFileAtomic', () => {
  it.each(SIZES)('writes %i bytes byte-identical, with progress, and leaves no temporary', async (size) => {
    const dir = mkdtempSync(join(root, 'ok-'));
    const data = Buffer.alloc(size, 7);
    for (let i = 0; i < size; i += 4093) data[i] = i & 255;
    const parts = size === 0 ? [] : [data.subarray(0, Math.floor(size / 3)), data.subarray(Math.floor(size / 3))];
    const seen: number[] = [];
    await writeFileAtomic(join(dir, 'f.bin'), Readable.from(source(parts)), { size, onProgress: (p) => seen.push(p.bytes) });
    expect(readFileSync(join(dir, 'f.bin')).equals(data)).toBe(true);
    expect(readdirSync(dir)).toEqual(['f.bin']);
    expect(seen.at(-1) ?? 0).toBe(size);
  });

  it.each(SIZES.filter((s) => s > 0))('a source failing after part of %i bytes keeps the old file and leaves no temporary', async (size) => {
    const dir = mkdtempSync(join(root, 'fail-'));
    writeFileSync(join(dir, 'f.bin'), 'old');
    chmodSync(join(dir, 'f.bin'), 0o640);
    const data = Buffer.alloc(size, 1);
    const err = await writeFileAtomic(join(dir, 'f.bin'), Readable.from(source([data.subarray(0, Math.ceil(size / 2))], Object.assign(new Error('boom'), { code: 'ECONNRESET' }))), { size }).catch((e: unknown) => e as Error & { kind?: string });
    expect(err?.kind).toBe('Transient');
    expect(readFileSync(join(dir, 'f.bin'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['f.bin']);
  });

  it('an abort while a small file is being gathered leaves the old file', async () => {
    const dir = mkdtempSync(join(root, 'abort-'));
    writeFileSync(join(dir, 'f.bin'), 'old');
    const ac = new AbortController();
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(100, 1);
      ac.abort();
      await new Promise((r) => setTimeout(r, 20));
      yield Buffer.alloc(100, 2);
    }
    const err = await writeFileAtomic(join(dir, 'f.bin'), Readable.from(slow()), { size: 200, signal: ac.signal }).catch((e: unknown) => e as Error & { kind?: string });
    expect(err?.kind).toBe('Aborted');
    expect(readFileSync(join(dir, 'f.bin'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['f.bin']);
  });

  it('a source far larger than the size it announced is written whole (the small-file path does not gather it all)', async () => {
    const dir = mkdtempSync(join(root, 'grew-'));
    const data = Buffer.alloc(5 * 1024 * 1024 + 11);
    for (let i = 0; i < data.length; i += 997) data[i] = (i >>> 3) & 255;
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i += 64 * 1024) parts.push(data.subarray(i, i + 64 * 1024));
    await writeFileAtomic(join(dir, 'f.bin'), Readable.from(source(parts)), { size: 1000 });
    expect(readFileSync(join(dir, 'f.bin')).equals(data)).toBe(true);
  });

  it('a replaced file keeps its permission bits', async () => {
    const dir = mkdtempSync(join(root, 'mode-'));
    writeFileSync(join(dir, 'f.bin'), 'old');
    chmodSync(join(dir, 'f.bin'), 0o640);
    await writeFileAtomic(join(dir, 'f.bin'), Buffer.from('new'), { size: 3 });
    expect(readFileSync(join(dir, 'f.bin'), 'utf8')).toBe('new');
    expect(statSync(join(dir, 'f.bin')).mode & 0o777).toBe(0o640);
  });
});
