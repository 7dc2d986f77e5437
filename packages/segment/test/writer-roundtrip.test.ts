import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readDictionary } from '../src/dictionary.js';
import { readFixedBitSV, readSortedSV, readVarByteV4 } from '../src/forward-index.js';
import { readBitmapInvertedIndex } from '../src/inverted-index.js';
import { lz4DecodeBlock } from '../src/lz4.js';
import type { ColumnMetadata } from '../src/metadata.js';
import { decodeRoaring } from '../src/roaring.js';
import {
  buildDictionary,
  byteArrayCompare,
  type DictDataType,
  type DictValue,
  javaFloatCompare,
  javaUtf8,
} from '../src/writer/dictionary-writer.js';
import { bitsPerElement, numBitsPerValue, readFixedBitMV, writeFixedBitMV, writeFixedBitSV } from '../src/writer/fixed-bit.js';
import { docIdsPerDictIdMV, writeBitmapInvertedIndex, writeInvertedIndexSV } from '../src/writer/inverted-index-writer.js';
import { lz4CompressBlock } from '../src/writer/lz4-compress.js';
import { targetChunkSize, writeVarByteV4 } from '../src/writer/raw-forward.js';
import { serializeRoaring } from '../src/writer/roaring-writer.js';
import { writeSortedSV } from '../src/writer/sorted-forward.js';
import { rng, int } from './helpers/rng.js';

/** mulberry32: a small seeded PRNG. */

function meta(dataType: string, cardinality: number, dictionaryElementSize: number): ColumnMetadata {
  return {
    name: 'c', dataType, columnType: 'DIMENSION', isSingleValue: true, cardinality, totalDocs: 0, bitsPerElement: 1,
    hasDictionary: true, isSorted: false, dictionaryElementSize, maxNumberOfMultiValues: 0, totalNumberOfEntries: 0,
  };
}

function randomString(r: () => number): string {
  const pool = ['a', 'b', 'Z', ' ', 'é', 'ß', '中', '\uffff', '\u{1F600}', '\u{10000}', '0', '~', '\u0001'];
  return Array.from({ length: int(r, 8) }, () => pool[int(r, pool.length)]).join('');
}

describe('dictionary writer round-trips through readDictionary', () => {
  for (let seed = 1; seed <= 5; seed++) {
    it(`random values, seed ${seed}`, () => {
      const r = rng(seed);
      const n = 1 + int(r, 300);
      const cases: [DictDataType, DictValue[]][] = [
        ['INT', Array.from({ length: n }, () => int(r, 2 ** 32) - 2 ** 31)],
        ['LONG', Array.from({ length: n }, () => BigInt.asIntN(64, BigInt(int(r, 2 ** 53)) * BigInt(int(r, 4096)) - 2n ** 60n))],
        ['FLOAT', [...Array.from({ length: n }, () => (r() - 0.5) * 1e6), 0, -0, NaN, Infinity, -Infinity]],
        ['DOUBLE', [...Array.from({ length: n }, () => (r() - 0.5) * 1e300), 0, -0, NaN, -Infinity, 5e-324]],
        ['STRING', Array.from({ length: n }, () => randomString(r))],
      ];
      for (const [type, input] of cases) {
        const d = buildDictionary(type, input);
        const back = readDictionary(d.bytes, meta(type, d.values.length, d.elementSize), '\0');
        if (type === 'FLOAT' || type === 'DOUBLE') {
          expect(back.map((v) => Object.is(v, -0) ? '-0' : String(v))).toEqual(d.values.map((v) => Object.is(v, -0) ? '-0' : String(v)));
          for (let i = 1; i < d.values.length; i++) expect(javaFloatCompare(d.values[i - 1] as number, d.values[i] as number)).toBe(-1);
        } else {
          expect(back).toEqual(d.values);
        }
        for (const v of input) expect(back[d.dictIdOf(v)]).toEqual(type === 'FLOAT' ? Math.fround(v as number) : v);
        expect(d.values.length).toBe(new Set(d.values.map((v) => (Object.is(v, -0) ? '-0' : String(v)))).size);
      }
    });
  }

  it('sorts as Java does: UTF-16 code units, -0.0 < 0.0, NaN last, ByteArray unsigned', () => {
    const s = buildDictionary('STRING', ['\u{10000}', '\uffff', 'a', 'é', '']);
    expect(s.values).toEqual(['', 'a', 'é', '\u{10000}', '\uffff']); // surrogates (D800) sort before FFFF
    expect(s.elementSize).toBe(4);
    const f = buildDictionary('DOUBLE', [NaN, 1, -0, 0, -Infinity, NaN]);
    expect(f.values.map(String)).toEqual(['-Infinity', '0', '0', '1', 'NaN']);
    expect(Object.is(f.values[1], -0)).toBe(true);
    const b = buildDictionary('BYTES', [Uint8Array.of(0x80), Uint8Array.of(0x7f, 1), Uint8Array.of(0x7f)]);
    expect(b.values.map((v) => Buffer.from(v as Uint8Array).toString('hex'))).toEqual(['7f', '7f01', '80']);
    expect(b.bytes.toString('latin1', 0, 4)).toBe('.vl;'); // mixed lengths: var-length
    expect(b.elementSize).toBe(2);
    const back = readDictionary(b.bytes, meta('BYTES', 3, 0), '\0');
    expect(back).toEqual(b.values);
    const fixed = buildDictionary('BYTES', [Uint8Array.of(2, 0), Uint8Array.of(1, 255)]);
    expect(fixed.bytes.toString('hex')).toBe('01ff0200'); // all the same length: fixed width
    expect(byteArrayCompare(Uint8Array.of(1), Uint8Array.of(1, 0))).toBeLessThan(0);
    expect(javaUtf8('a\ud800b').toString()).toBe('a?b');
  });

  it('writes a var-length STRING dictionary when asked', () => {
    const d = buildDictionary('STRING', ['b', 'aa', 'b'], { varLength: true });
    expect(readDictionary(d.bytes, meta('STRING', 2, 0), '\0')).toEqual(['aa', 'b']);
  });
});

describe('fixed-bit forward indexes', () => {
  it('bits per element as PinotDataBitSet.getNumBitsPerValue', () => {
    expect([0, 1, 2, 3, 4, 255, 256, 65535, 65536, 2 ** 31 - 1].map(numBitsPerValue)).toEqual([1, 1, 2, 2, 3, 8, 9, 16, 17, 31]);
    expect([1, 2, 3, 5, 256, 257].map(bitsPerElement)).toEqual([1, 1, 2, 3, 8, 9]);
  });

  for (let seed = 1; seed <= 8; seed++) {
    it(`SV round-trips through readFixedBitSV, seed ${seed}`, () => {
      const r = rng(seed);
      const card = 1 + int(r, seed === 8 ? 2 ** 31 - 1 : 2 ** (seed * 3));
      const bits = bitsPerElement(card);
      const ids = Array.from({ length: int(r, 2000) }, () => int(r, card));
      const buf = writeFixedBitSV(ids, bits);
      expect(buf.length).toBe(Math.ceil((ids.length * bits) / 8));
      expect(Array.from(readFixedBitSV(buf, ids.length, bits))).toEqual(ids);
    });
  }

  for (let seed = 1; seed <= 4; seed++) {
    it(`MV round-trips and has Pinot's layout, seed ${seed}`, () => {
      const r = rng(seed);
      const card = 1 + int(r, 5000);
      const bits = bitsPerElement(card);
      const rows = Array.from({ length: 1 + int(r, 3000) }, () => Array.from({ length: 1 + int(r, seed * 3) }, () => int(r, card)));
      const total = rows.reduce((s, x) => s + x.length, 0);
      const w = writeFixedBitMV(rows, bits);
      expect(w.docsPerChunk).toBe(Math.ceil(2048 / Math.trunc(total / rows.length)));
      expect(w.bytes.length).toBe(w.numChunks * 4 + Math.ceil(total / 8) + Math.ceil((total * bits) / 8));
      expect(readFixedBitMV(w.bytes, rows.length, total, bits)).toEqual(rows);
      let start = 0;
      rows.forEach((row, d) => {
        if (d % w.docsPerChunk === 0) expect(w.bytes.readInt32BE((d / w.docsPerChunk) * 4)).toBe(start);
        start += row.length;
      });
    });
  }

  it('sorted SV round-trips through readSortedSV', () => {
    const r = rng(7);
    const card = 50;
    const ids = Array.from({ length: card }, (_, i) => Array<number>(1 + int(r, 20)).fill(i)).flat();
    const buf = writeSortedSV(ids, card);
    expect(buf.length).toBe(card * 8);
    expect(Array.from(readSortedSV(buf, card, ids.length))).toEqual(ids);
    // An unused dictId keeps Pinot's initial MAX/MIN values.
    expect(writeSortedSV([0, 0], 2).toString('hex')).toBe('00000000000000017fffffff80000000');
  });
});

describe('roaring writer', () => {
  it('chooses containers as RoaringBitmapWriter + runOptimize does', () => {
    // Single run of 10000: one run container, cookie 12347, no offsets (< 4 containers).
    const run = serializeRoaring(Array.from({ length: 10000 }, (_, i) => i));
    expect(run.toString('hex')).toBe('3b300000' + '01' + '00000f27' + '0100' + '00000f27');
    // Alternating values: array container, cookie 12346 with offsets.
    const arr = serializeRoaring([0, 2, 4]);
    expect(arr.toString('hex')).toBe('3a30000001000000000002001000000000000200' + '0400');
    // 5000 alternating values: a bitmap container (8192 bytes).
    const bm = serializeRoaring(Array.from({ length: 5000 }, (_, i) => i * 2));
    expect(bm.length).toBe(16 + 8192);
    // Tie (2 * card == 2 + 4 * runs) keeps the array: [1, 2, 3] -> 6 bytes vs 6 bytes.
    expect(serializeRoaring([1, 2, 3]).readUInt32LE(0)).toBe(12346);
    expect(serializeRoaring([1, 2, 3, 4]).readUInt16LE(0)).toBe(12347);
    expect(serializeRoaring([1, 2, 3, 4], { runOptimize: false }).readUInt32LE(0)).toBe(12346);
  });

  it('a sorted Uint32Array (the inverted index passes its docIds so), a plain array and an unsorted list with duplicates give the same bytes', () => {
    // Runs, an array container and a bitmap container across several keys.
    const values = [...Array.from({ length: 3000 }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => 70_000 + 7 * i), ...Array.from({ length: 6000 }, (_, i) => 140_000 + 3 * i)];
    const expected = serializeRoaring(values);
    expect(serializeRoaring(Uint32Array.from(values)).equals(expected)).toBe(true);
    expect(serializeRoaring([...values].reverse().concat(values.slice(0, 50))).equals(expected)).toBe(true);
    expect(decodeRoaring(expected).values).toEqual(values);
    expect(serializeRoaring(new Uint32Array(0)).toString('hex')).toBe('3a30000000000000');
  });

  for (let seed = 1; seed <= 6; seed++) {
    it(`random bitmaps round-trip through decodeRoaring, seed ${seed}`, () => {
      const r = rng(seed);
      const set = new Set<number>();
      const nKeys = 1 + int(r, 8);
      for (let k = 0; k < nKeys; k++) {
        const key = int(r, 65536);
        const mode = int(r, 3);
        if (mode === 0) for (let i = 0; i < int(r, 100); i++) set.add(key * 65536 + int(r, 65536));
        else if (mode === 1) for (let i = 0; i < 6000; i++) set.add(key * 65536 + int(r, 65536));
        else {
          const s = int(r, 60000);
          for (let i = s; i < s + int(r, 5000); i++) set.add(key * 65536 + i);
          for (let i = 0; i < 50; i++) set.add(key * 65536 + int(r, 65536));
        }
      }
      const values = [...set].sort((a, b) => a - b);
      const buf = serializeRoaring(values);
      expect(decodeRoaring(buf)).toEqual({ values, bytes: buf.length });
      expect(decodeRoaring(serializeRoaring(values, { runOptimize: false })).values).toEqual(values);
    });
  }

  it('inverted index round-trips through readBitmapInvertedIndex', () => {
    const r = rng(11);
    const card = 37;
    const ids = Array.from({ length: 100000 }, () => (r() < 0.5 ? 0 : int(r, card)));
    const inv = writeInvertedIndexSV(ids, card);
    const back = readBitmapInvertedIndex(inv, card);
    const expected: number[][] = Array.from({ length: card }, () => []);
    ids.forEach((id, doc) => (expected[id] as number[]).push(doc));
    expect(back).toEqual(expected);
    expect(inv.readUInt32BE(card * 4)).toBe(inv.length);
    const mv = [[1, 0, 1], [2], [0, 2]];
    expect(readBitmapInvertedIndex(writeBitmapInvertedIndex(docIdsPerDictIdMV(mv, 3)), 3)).toEqual([[0, 2], [0], [1, 2]]);
  });
});

describe('LZ4 block compressor and raw V4 forward index', () => {
  for (const size of [0, 5, 12, 13, 100, 5000, 65546, 65547, 200000]) {
    it(`LZ4 round-trips ${size} bytes`, () => {
      const r = rng(size + 1);
      const words = ['alpha', 'beta', 'gamma', 'delta', '\u00ff\u0000'];
      const text = Buffer.from(Array.from({ length: size }, () => words[int(r, words.length)]).join('')).subarray(0, size);
      for (const input of [text, Buffer.from(Array.from({ length: size }, () => int(r, 256))), Buffer.alloc(size, 7)]) {
        const c = lz4CompressBlock(input);
        expect(lz4DecodeBlock(c, input.length).equals(input)).toBe(true);
      }
    });
  }

  // The reference C compressor (lz4 CLI, independent 4 MB blocks, level 1 = LZ4_compress_fast) when installed.
  const hasLz4Cli = (() => {
    try {
      execFileSync('lz4', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasLz4Cli)('LZ4 blocks are byte-identical to the reference C compressor (16- and 32-bit tables)', () => {
    const r = rng(42);
    const words = ['alpha', 'beta', 'gamma', 'delta', 'pinot', 'segment'];
    let compared = 0;
    for (const size of [100, 5000, 65546, 65547, 300000]) {
      const inputs = [
        Buffer.from(Array.from({ length: size }, () => words[int(r, words.length)]).join('')).subarray(0, size),
        Buffer.from(Array.from({ length: size }, (_, i) => (i % 1000 < 500 ? int(r, 256) : i & 0xff))),
      ];
      for (const input of inputs) {
        const frame = execFileSync('lz4', ['-1', '-BI', '-B7', '--no-frame-crc', '-c', '-z', '-q'], { input });
        const blockSize = frame.readUInt32LE(7); // after magic, FLG, BD, HC
        if (blockSize & 0x80000000) continue; // stored uncompressed: nothing to compare
        expect(lz4CompressBlock(input).equals(frame.subarray(11, 11 + blockSize))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });

  for (const compression of ['PASS_THROUGH', 'LZ4'] as const) {
    for (let seed = 1; seed <= 3; seed++) {
      it(`${compression} round-trips through readVarByteV4, seed ${seed}`, () => {
        const r = rng(seed * 97);
        const values: (string | Uint8Array)[] = Array.from({ length: 3000 }, () => randomString(r).repeat(1 + int(r, 3)));
        values[5] = 'x'.repeat(10000); // huge chunk with a 4 KB chunk size
        values[6] = Buffer.alloc(100000, 3); // huge chunk compressed with the 32-bit LZ4 table
        values[7] = '';
        const chunkSize = seed === 1 ? 4096 : undefined;
        const buf = writeVarByteV4(values, { compression, chunkSize });
        expect(buf.readInt32BE(0)).toBe(4);
        expect(buf.readInt32BE(4)).toBe(chunkSize ?? targetChunkSize(100000));
        expect(buf.readInt32BE(8)).toBe(compression === 'LZ4' ? 4 : 0);
        const back = readVarByteV4(buf, values.length);
        expect(back.map((b) => b.toString('hex'))).toEqual(
          values.map((v) => (typeof v === 'string' ? javaUtf8(v) : Buffer.from(v)).toString('hex')),
        );
      });
    }
  }
});
