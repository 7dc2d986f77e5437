import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLegacyRawValueInvertedIndex, readBitmapInvertedIndex } from '../src/inverted-index.js';
import { readVarByteV4 } from '../src/forward-index.js';
import { readVarLength } from '../src/dictionary.js';
import type { ColumnMetadata } from '../src/metadata.js';
import { buildDictionary, type DictDataType } from '../src/writer/dictionary-writer.js';
import { bitsPerElement, writeFixedBitSV } from '../src/writer/fixed-bit.js';
import { writeInvertedIndexSV } from '../src/writer/inverted-index-writer.js';
import { targetChunkSize, writeVarByteV4 } from '../src/writer/raw-forward.js';
import { fixturesDir } from './fixtures-dir.js';

const FX = fixturesDir();
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'segment-writer-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Extracts a fixture tarball and returns the folder holding its v1 index files. */
async function extract(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(work, `${name}-`));
  await tar.x({ file: `${FX}/${name}.tar.gz`, cwd: dir });
  const [top] = await readdir(dir);
  return path.join(dir, top as string);
}

function f32(bits: number): number {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(bits);
  return b.readFloatBE(0);
}

const ROWS: Record<string, { type: DictDataType; rows: (number | bigint | string)[] }> = {
  age: { type: 'INT', rows: [1228, 837, 1209, 617, 824] },
  name: { type: 'STRING', rows: ['lynda', 'lynda 2.0', 'lynda 2.0', 'lynda 2.0', 'lynda'] },
  outgoingName1: { type: 'LONG', rows: [902n, 467n, 310n, 246n, 336n] },
  percent: { type: 'FLOAT', rows: [0x43aaefd7, 0x44466a89, 0x44675045, 0x445829c1, 0x43cddc91].map(f32) },
};

describe.each([
  ['paddingNull', '\0'],
  ['paddingOld', '%'],
  ['paddingPercent', '%'],
])('%s: rebuilt dictionaries and forward indexes equal Pinot bytes', (fixture, pad) => {
  it.each(Object.keys(ROWS))('%s', async (col) => {
    const dir = await extract(fixture);
    const { type, rows } = ROWS[col] as (typeof ROWS)[string];
    const dict = buildDictionary(type, rows, { paddingCharacter: pad });
    expect(dict.bytes.equals(await readFile(path.join(dir, `${col}.dict`)))).toBe(true);
    const ids = rows.map((v) => dict.dictIdOf(v));
    const fwd = writeFixedBitSV(ids, bitsPerElement(dict.values.length));
    expect(fwd.equals(await readFile(path.join(dir, `${col}.sv.unsorted.fwd`)))).toBe(true);
    if (col === 'name') expect(dict.elementSize).toBe(9);
  });
});

describe('legacyRawInverted_OFFLINE_0 (v1)', () => {
  it('rewrites the raw V4 LZ4 forward index byte for byte', async () => {
    const dir = await extract('legacyRawInverted_OFFLINE_0');
    const pinot = await readFile(path.join(dir, 'category.sv.raw.fwd'));
    const values = readVarByteV4(pinot, 600).map((b) => b.toString('utf8'));
    const maxLen = values.reduce((m, v) => Math.max(m, Buffer.byteLength(v)), 0);
    expect(targetChunkSize(maxLen)).toBe(pinot.readInt32BE(4));
    const mine = writeVarByteV4(values, { compression: 'LZ4' });
    expect(mine.readInt32BE(8)).toBe(4); // LZ4 upgraded to LZ4_LENGTH_PREFIXED
    expect(mine.toString('hex')).toBe(pinot.toString('hex'));
  });

  it('rewrites the embedded var-length dictionary and bitmap inverted index byte for byte', async () => {
    const dir = await extract('legacyRawInverted_OFFLINE_0');
    const values = readVarByteV4(await readFile(path.join(dir, 'category.sv.raw.fwd')), 600).map((b) => b.toString('utf8'));
    const legacy = parseLegacyRawValueInvertedIndex(await readFile(path.join(dir, 'category.bitmap.inv')), 4);
    expect(legacy).toBeDefined();
    const dict = buildDictionary('STRING', values, { varLength: true });
    expect(dict.bytes.equals(legacy?.dictionary as Buffer)).toBe(true);
    const col = { name: 'category', cardinality: 4 } as ColumnMetadata;
    expect(readVarLength(dict.bytes, col).map((b) => Buffer.from(b).toString())).toEqual(dict.values);
    // Embedded at byte 0x63 of the legacy file: BitmapInvertedIndexWriter offsets are file positions.
    const invStart = Number((await readFile(path.join(dir, 'category.bitmap.inv'))).readBigInt64BE(28));
    const inv = writeInvertedIndexSV(values.map((v) => dict.dictIdOf(v)), 4, { baseOffset: invStart });
    expect(inv.toString('hex')).toBe((legacy?.invertedIndex as Buffer).toString('hex'));
    // The same bitmaps, written as a standalone .bitmap.inv, only differ in the offsets.
    const standalone = writeInvertedIndexSV(values.map((v) => dict.dictIdOf(v)), 4);
    expect(standalone.subarray(20).equals(inv.subarray(20))).toBe(true);
    expect(standalone.readUInt32BE(0)).toBe(20);
    expect(readBitmapInvertedIndex(inv, 4).flat().length).toBe(600);
  });
});
