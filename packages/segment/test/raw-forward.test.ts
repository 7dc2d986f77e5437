import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHUNK_COMPRESSION_ID,
  type ChunkCompressionName,
  chunkCompressionName,
  decompressChunk,
  getChunkCompressor,
  lz4DecodedLength,
  rawChunkCompression,
} from '../src/codecs.js';
import {
  readFixedByteChunkSV,
  readRawForwardHeader,
  readRawMV,
  readRawSV,
  readVarByteChunkV2,
  readVarByteChunkV4,
  readVarByteChunks,
  readVarByteV4,
  type RawStoredType,
  rawStoredType,
} from '../src/forward-index.js';
import { javaUtf8 } from '../src/writer/dictionary-writer.js';
import { lz4CompressBlock } from '../src/writer/lz4-compress.js';
import {
  createRawForwardIndexWriter,
  fixedByteDocsPerChunk,
  type RawForwardIndexWriterOptions,
  type RawValue,
  targetChunkSize,
  writeVarByteV4,
} from '../src/writer/raw-forward.js';
import { rng } from './helpers/rng.js';

const dir = mkdtempSync(path.join(tmpdir(), 'raw-forward-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

/** mulberry32: a small seeded PRNG. */

type Opts = Omit<RawForwardIndexWriterOptions, 'file' | 'numDocs'>;

/** Streams `rows` through a writer into a fresh file and returns the file's bytes. */
function write(rows: readonly (RawValue | readonly RawValue[])[], opts: Opts): Buffer {
  const file = path.join(dir, `f${fileNo++}.fwd`);
  const w = createRawForwardIndexWriter({ ...opts, file, numDocs: rows.length });
  for (const r of rows) w.add(r);
  w.close();
  expect(existsSync(`${file}.buf`)).toBe(false);
  return readFileSync(file);
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const byteLen = (v: RawValue): number => (typeof v === 'string' ? javaUtf8(v).length : (v as Uint8Array).length);

/** The stats Pinot's collectors would hand the creator. */
function stats(rows: readonly (RawValue | readonly RawValue[])[], sv: boolean) {
  if (sv) return { maxLength: rows.reduce<number>((m, v) => Math.max(m, typeof v === 'number' || typeof v === 'bigint' ? 0 : byteLen(v as RawValue)), 0) };
  let maxNumberOfMultiValues = 0;
  let maxRowLengthInBytes = 0;
  for (const r of rows as readonly (readonly RawValue[])[]) {
    maxNumberOfMultiValues = Math.max(maxNumberOfMultiValues, r.length);
    maxRowLengthInBytes = Math.max(
      maxRowLengthInBytes,
      r.reduce<number>((s, v) => s + (typeof v === 'number' || typeof v === 'bigint' ? 0 : byteLen(v)), 0),
    );
  }
  return { maxNumberOfMultiValues, maxRowLengthInBytes };
}

// ---------------------------------------------------------------------------------------------
// Golden layouts, computed by hand from Pinot's writer code

describe('golden bytes', () => {
  it('SV INT, fixed-byte V4, PASS_THROUGH (BaseChunkForwardIndexWriter header + FixedByteChunkForwardIndexWriter chunk)', () => {
    const buf = write([1, -2, 0x01020304], { storedType: 'INT', singleValue: true, compression: 'PASS_THROUGH' });
    // writeHeader: version 4, numChunks ceil(3/1024) = 1, numDocsPerChunk normalizeDocsPerChunk(4, 1000) = 1024,
    // sizeOfEntry 4, totalDocs 3, compression 0, dataHeaderStart 28; then one long chunk offset (version >= 3):
    // the header size 28 + 8 = 36. The chunk: the three ints big-endian (ByteBuffer.allocateDirect's default order).
    expect(buf.toString('hex')).toBe(
      hex(`00000004 00000001 00000400 00000004 00000003 00000000 0000001c 0000000000000024
           00000001 fffffffe 01020304`).toString('hex'),
    );
  });

  it('SV LONG, fixed-byte V4, LZ4 stays type 3 with plain blocks (getCompressor(type), no length upgrade)', () => {
    const buf = write([0x0102030405060708n], { storedType: 'LONG', singleValue: true, compression: 'LZ4' });
    // An 8-byte input is below LZ4's MFLIMIT (12): one sequence of 8 literals, token 0x80.
    expect(buf.toString('hex')).toBe(
      hex(`00000004 00000001 00000400 00000008 00000001 00000003 0000001c 0000000000000024
           80 0102030405060708`).toString('hex'),
    );
  });

  it('SV DOUBLE with 0 docs: the header alone, no chunk', () => {
    const buf = write([], { storedType: 'DOUBLE', singleValue: true, compression: 'LZ4' });
    expect(buf.toString('hex')).toBe(hex('00000004 00000000 00000400 00000008 00000000 00000003 0000001c').toString('hex'));
    expect(readFixedByteChunkSV(buf, 0, 'DOUBLE')).toEqual(new Float64Array(0));
  });

  it('SV FLOAT, 1025 docs: a full 1024-doc chunk, then a 1-doc chunk', () => {
    const rows = Array.from({ length: 1025 }, (_, i) => i / 4);
    const buf = write(rows, { storedType: 'FLOAT', singleValue: true, compression: 'PASS_THROUGH' });
    expect(buf.readInt32BE(4)).toBe(2);
    expect(buf.readBigInt64BE(28)).toBe(44n); // 28 + 2 x 8
    expect(buf.readBigInt64BE(36)).toBe(44n + 4096n);
    expect(buf.length).toBe(44 + 1025 * 4);
    expect(buf.readFloatBE(44 + 4096)).toBe(256);
  });

  it('SV INT, writerVersion 2: int chunk offsets, 1000 docs a chunk (no power-of-two rounding)', () => {
    const rows = Array.from({ length: 1001 }, (_, i) => i);
    const buf = write(rows, { storedType: 'INT', singleValue: true, compression: 'PASS_THROUGH', writerVersion: 2 });
    expect(buf.subarray(0, 36).toString('hex')).toBe(
      hex('00000002 00000002 000003e8 00000004 000003e9 00000000 0000001c 00000024 00000fc4').toString('hex'),
    );
    expect(Array.from(readFixedByteChunkSV(buf, 1001, 'INT') as Int32Array)).toEqual(rows);
  });

  it('SV STRING, V4 PASS_THROUGH (VarByteChunkForwardIndexWriterV4)', () => {
    const buf = write(['a', '', 'bc'], { storedType: 'STRING', singleValue: true, compression: 'PASS_THROUGH', maxLength: 2 });
    // Header (big-endian): version 4; chunk size getDynamicTargetChunkSize(2, 1000, 1 MB) = max(min(2000, 1 MB), 4096)
    // = 4096; compression 0; chunks offset 16 + one 8-byte metadata entry = 24.
    // Metadata (little-endian): first docId 0, chunk offset 0.
    // Chunk: numDocs 3 (LE), offsets 16, 17, 17 (LE, from the chunk start: 4 + 3 x 4 = 16), then 'a' 'bc'.
    expect(buf.toString('hex')).toBe(
      hex(`00000004 00001000 00000000 00000018
           00000000 00000000
           03000000 10000000 11000000 11000000 61 6263`).toString('hex'),
    );
  });

  it('SV STRING, V4 LZ4 is written as LZ4_LENGTH_PREFIXED (4): int32 LE length + block', () => {
    const buf = write(['a', '', 'bc'], { storedType: 'STRING', singleValue: true, compression: 'LZ4', maxLength: 2 });
    const raw = hex('03000000 10000000 11000000 11000000 61 6263');
    expect(buf.readInt32BE(8)).toBe(4);
    expect(buf.subarray(24).toString('hex')).toBe(
      Buffer.concat([hex('13000000'), lz4CompressBlock(raw)]).toString('hex'),
    );
  });

  it('V4 chunk fill and huge values: a value exactly filling an empty chunk stays regular, one byte more is huge', () => {
    // chunk size 4096 (targetMaxChunkSize clamps it; the minimum is 4 KB). An empty chunk has 4096 - 4 bytes for
    // values, each taking 4 + length: 4088 bytes fit exactly, 4089 do not (putBytes: sizeRequired > capacity - 4).
    const exact = 'x'.repeat(4088);
    const huge = 'y'.repeat(4089);
    const buf = write(['a', exact, huge, 'b'], {
      storedType: 'STRING', singleValue: true, compression: 'PASS_THROUGH', maxLength: 4089, targetMaxChunkSizeBytes: 4096,
    });
    expect(buf.readInt32BE(4)).toBe(4096);
    expect(buf.readInt32BE(12)).toBe(16 + 4 * 8);
    // Chunks: ['a'] (flushed when 'exact' does not fit behind it), [exact], huge, ['b'].
    const meta = [0, 1, 2, 3].map((c) => [buf.readUInt32LE(16 + 8 * c), buf.readUInt32LE(20 + 8 * c)]);
    expect(meta).toEqual([
      [0, 0],
      [1, 9], // 'a' chunk: 4 + 4 + 1
      [(2 | 0x80000000) >>> 0, 9 + 4096], // [exact]: 4 + 4 + 4088 = 4096 bytes
      [3, 9 + 4096 + 4089], // the huge chunk is the value's bytes alone
    ]);
    expect(readVarByteChunkV4(buf, 4).map((b) => b.toString())).toEqual(['a', exact, huge, 'b']);
  });

  it('MV INT V4: [int32 BE count][values BE] per row (serializeIntArrayWithLength)', () => {
    const buf = write([[1, 2], []], { storedType: 'INT', singleValue: false, compression: 'PASS_THROUGH', maxNumberOfMultiValues: 2 });
    // chunk size getDynamicTargetChunkSize(4 + 2 x 4, 1000, 1 MB) = 12 x 1000 = 12000 (0x2ee0)
    expect(buf.toString('hex')).toBe(
      hex(`00000004 00002ee0 00000000 00000018 00000000 00000000
           02000000 0c000000 18000000
           00000002 00000001 00000002
           00000000`).toString('hex'),
    );
  });

  it('MV STRING V4: [count][lengths][bytes] per row, big-endian (serializeStringArray)', () => {
    const buf = write([['ab', '']], { storedType: 'STRING', singleValue: false, compression: 'PASS_THROUGH', maxNumberOfMultiValues: 2, maxRowLengthInBytes: 2 });
    expect(buf.subarray(24).toString('hex')).toBe(hex('01000000 08000000 00000002 00000002 00000000 6162').toString('hex'));
  });

  it('MV LONG V5 drops the count; V6 with compression stores sizes instead of offsets', () => {
    const v5 = write([[5n], [6n, 7n]], { storedType: 'LONG', singleValue: false, compression: 'PASS_THROUGH', maxNumberOfMultiValues: 2, writerVersion: 5 });
    // V5 sizes chunks from 2 x 8 bytes (no count): 16000 (0x3e80)
    expect(v5.toString('hex')).toBe(
      hex(`00000005 00003e80 00000000 00000018 00000000 00000000
           02000000 0c000000 14000000 0000000000000005 0000000000000006 0000000000000007`).toString('hex'),
    );
    const v6 = write([[5n], [6n, 7n]], { storedType: 'LONG', singleValue: false, compression: 'ZSTANDARD', maxNumberOfMultiValues: 2, writerVersion: 6 });
    expect(v6.readInt32BE(0)).toBe(6);
    expect(decompressChunk('ZSTANDARD', v6.subarray(24)).toString('hex')).toBe(
      hex('02000000 08000000 10000000 0000000000000005 0000000000000006 0000000000000007').toString('hex'),
    );
    expect(readRawMV(v6, 'LONG', 2)).toEqual([BigInt64Array.of(5n), BigInt64Array.of(6n, 7n)]);
  });

  it('GZIP: zlib stream + uncompressed size, LE in V4 files, BE in fixed-byte files', () => {
    const v4 = write(['hello'], { storedType: 'STRING', singleValue: true, compression: 'GZIP', maxLength: 5 });
    const chunk = v4.subarray(24);
    expect(chunk.subarray(0, 2).toString('hex')).toBe('789c'); // zlib header, default level
    expect(chunk.readInt32LE(chunk.length - 4)).toBe(4 + 4 + 5);
    const fixed = write([7, 8], { storedType: 'INT', singleValue: true, compression: 'GZIP' });
    const fchunk = fixed.subarray(36);
    expect(fixed.readInt32BE(20)).toBe(5);
    expect(fchunk.readInt32BE(fchunk.length - 4)).toBe(8);
  });

  it('ZSTANDARD frames carry the content size (Pinot sizes huge values with Zstd.decompressedSize)', () => {
    for (const n of [5, 1000, 200_000]) {
      const z = getChunkCompressor('ZSTANDARD').compress(Buffer.alloc(n, 1));
      expect(z.readUInt32LE(0)).toBe(0xfd2fb528);
      const fhd = z[4] as number;
      const singleSegment = (fhd >> 5) & 1;
      expect(fhd >> 6 !== 0 || singleSegment === 1).toBe(true); // FCS field present
      expect((fhd >> 2) & 1).toBe(0); // no checksum, as zstd-jni's default
    }
  });

  it('SNAPPY: a raw block starting with the varint length (no framing format)', () => {
    const s = getChunkCompressor('SNAPPY').compress(Buffer.alloc(3000, 7));
    expect(s.subarray(0, 2).toString('hex')).toBe('b817'); // 3000 = 0x0bb8
    expect(decompressChunk('SNAPPY', s)).toEqual(Buffer.alloc(3000, 7));
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips

const CODECS: ChunkCompressionName[] = ['PASS_THROUGH', 'SNAPPY', 'ZSTANDARD', 'LZ4', 'LZ4_LENGTH_PREFIXED', 'GZIP'];
const TYPES: RawStoredType[] = ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'STRING', 'BYTES', 'BIG_DECIMAL'];

function value(t: RawStoredType, r: () => number, i: number): RawValue {
  switch (t) {
    case 'INT':
      return i % 97 === 0 ? -2147483648 : Math.floor(r() * 4e9) - 2e9;
    case 'LONG':
      return i % 97 === 0 ? -(2n ** 63n) : BigInt(Math.floor(r() * 2 ** 53)) * 1021n - 7n;
    case 'FLOAT':
      return Math.fround(r() * 1000 - 500);
    case 'DOUBLE':
      return i % 101 === 0 ? Number.NaN : r() * 1e12 - 5e11;
    case 'STRING': {
      const k = r();
      if (k < 0.1) return '';
      if (k < 0.12) return `é${'ö'.repeat(3000)}😀`; // bigger than a 4 KB chunk: a huge chunk
      return `v${i}-${'abc'.repeat(Math.floor(r() * 10))}`;
    }
    default: {
      const k = r();
      const n = k < 0.1 ? 0 : k < 0.12 ? 5000 : Math.floor(r() * 40);
      return Uint8Array.from({ length: n }, (_, j) => (j * 31 + i) & 255);
    }
  }
}

function expectedSV(t: RawStoredType, rows: RawValue[]): unknown[] {
  if (t === 'STRING') return rows;
  if (t === 'BYTES' || t === 'BIG_DECIMAL') return rows.map((v) => Buffer.from(v as Uint8Array).toString('hex'));
  return rows;
}

function norm(t: RawStoredType, v: unknown): unknown {
  if (t === 'BYTES' || t === 'BIG_DECIMAL') return (v as Buffer[]).map((b) => b.toString('hex'));
  return Array.from(v as ArrayLike<unknown>);
}

describe('round trips: stored type x SV/MV x codec', () => {
  for (const t of TYPES) {
    for (const codec of CODECS) {
      it(`SV ${t} ${codec}`, () => {
        const r = rng(t.length * 31 + codec.length);
        const sizes = [0, 1, 1023, 1024, 1025, 2500];
        for (const n of sizes) {
          const rows = Array.from({ length: n }, (_, i) => value(t, r, i));
          // a 4 KB var-byte chunk, so the 6 KB values land in huge chunks
          const buf = write(rows, { storedType: t, singleValue: true, compression: codec, ...stats(rows, true), targetMaxChunkSizeBytes: 4096 });
          const back = readRawSV(buf, t, n);
          if (t === 'FLOAT' || t === 'DOUBLE') {
            expect(Array.from(back as Float64Array).map((x) => (Number.isNaN(x) ? 'NaN' : x))).toEqual(
              rows.map((x) => (Number.isNaN(x) ? 'NaN' : x)),
            );
          } else {
            expect(norm(t, back)).toEqual(expectedSV(t, rows));
          }
        }
      });
      it(`MV ${t} ${codec}`, () => {
        const r = rng(t.length * 17 + codec.length * 3);
        for (const version of [4, 5, 6]) {
          for (const n of [0, 1, 700]) {
            const rows = Array.from({ length: n }, (_, i) => Array.from({ length: Math.floor(r() * 5) }, (_, j) => value(t, r, i * 5 + j)));
            const buf = write(rows, {
              storedType: t, singleValue: false, compression: codec, writerVersion: version, ...stats(rows, false), targetMaxChunkSizeBytes: 4096,
            });
            const back = readRawMV(buf, t, n) as unknown[];
            const got = back.map((row) =>
              t === 'BYTES' || t === 'BIG_DECIMAL'
                ? (row as Buffer[]).map((b) => b.toString('hex'))
                : Array.from(row as ArrayLike<unknown>, (x) => (typeof x === 'number' && Number.isNaN(x) ? 'NaN' : x)),
            );
            const want = rows.map((row) =>
              row.map((x) =>
                t === 'BYTES' || t === 'BIG_DECIMAL'
                  ? Buffer.from(x as Uint8Array).toString('hex')
                  : typeof x === 'number' && Number.isNaN(x)
                    ? 'NaN'
                    : x,
              ),
            );
            expect(got).toEqual(want);
          }
        }
      });
    }
  }

  it('SV STRING V6 with and without compression', () => {
    const rows = ['', 'a', 'ü'.repeat(100), 'z'];
    for (const codec of ['PASS_THROUGH', 'LZ4'] as const) {
      const buf = write(rows, { storedType: 'STRING', singleValue: true, compression: codec, writerVersion: 6, maxLength: 200 });
      expect(buf.readInt32BE(0)).toBe(6);
      expect(readRawSV(buf, 'STRING', 4)).toEqual(rows);
    }
  });

  it('lone surrogates are written as Java does (\'?\')', () => {
    const buf = write(['a\uD800b'], { storedType: 'STRING', singleValue: true, compression: 'LZ4', maxLength: 3 });
    expect(readRawSV(buf, 'STRING', 1)).toEqual(['a?b']);
  });
});

// ---------------------------------------------------------------------------------------------
// Writer choices and the in-memory V4 writer

describe('Pinot defaults and options', () => {
  it('default chunk sizes', () => {
    expect(fixedByteDocsPerChunk(4)).toBe(1024);
    expect(fixedByteDocsPerChunk(3)).toBe(1000);
    expect(fixedByteDocsPerChunk(4, 1024)).toBe(1024);
    expect(targetChunkSize(0)).toBe(4096);
    expect(targetChunkSize(100)).toBe(100_000);
    expect(targetChunkSize(5000)).toBe(1 << 20);
    expect(targetChunkSize(3_000_000)).toBe(1 << 20); // 3e9 overflows an int: the max chunk size
    const mvFixed = createRawForwardIndexWriter({ file: path.join(dir, 'mvf.fwd'), storedType: 'DOUBLE', singleValue: false, compression: 'LZ4', numDocs: 0, maxNumberOfMultiValues: 100 });
    expect(mvFixed.layout).toEqual({ format: 'VAR_BYTE_CHUNK', version: 4, compression: 'LZ4_LENGTH_PREFIXED', chunkSize: 804_000 });
    mvFixed.close();
    const mvVar = createRawForwardIndexWriter({ file: path.join(dir, 'mvv.fwd'), storedType: 'STRING', singleValue: false, compression: 'ZSTANDARD', numDocs: 0, maxNumberOfMultiValues: 3, maxRowLengthInBytes: 20 });
    expect(mvVar.layout.chunkSize).toBe(36_000); // (4 x 3 + 4 + 20) x 1000
    mvVar.close();
    expect(readFileSync(path.join(dir, 'mvv.fwd')).toString('hex')).toBe('0000000400008ca00000000200000010');
  });

  it('rawChunkCompression: METRIC -> PASS_THROUGH, others -> LZ4, compressionCodec wins', () => {
    expect(rawChunkCompression('METRIC')).toBe('PASS_THROUGH');
    expect(rawChunkCompression('DIMENSION')).toBe('LZ4');
    expect(rawChunkCompression('DATE_TIME', null)).toBe('LZ4');
    expect(rawChunkCompression('METRIC', 'ZSTANDARD')).toBe('ZSTANDARD');
    expect(() => rawChunkCompression('DIMENSION', 'CLP')).toThrow();
    expect(rawStoredType('BOOLEAN')).toBe('INT');
    expect(rawStoredType('TIMESTAMP')).toBe('LONG');
    expect(rawStoredType('JSON')).toBe('STRING');
    expect(Object.values(CHUNK_COMPRESSION_ID)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(chunkCompressionName(4)).toBe('LZ4_LENGTH_PREFIXED');
    expect(() => chunkCompressionName(6)).toThrow(/DELTA/);
  });

  it('writeVarByteV4 (in memory) equals the streaming writer', () => {
    const r = rng(5);
    const rows = Array.from({ length: 3000 }, (_, i) => value('STRING', r, i) as string);
    const maxLength = stats(rows, true).maxLength;
    for (const compression of ['PASS_THROUGH', 'LZ4', 'GZIP'] as const) {
      const streamed = write(rows, { storedType: 'STRING', singleValue: true, compression, maxLength });
      expect(writeVarByteV4(rows, { compression }).equals(streamed)).toBe(true);
      expect(readVarByteV4(streamed, rows.length).map((b) => b.toString())).toEqual(rows);
    }
  });

  it('checks doc counts and value types; abort() removes the files', () => {
    const file = path.join(dir, 'bad.fwd');
    const w = createRawForwardIndexWriter({ file, storedType: 'INT', singleValue: true, compression: 'LZ4', numDocs: 2 });
    w.add(1);
    expect(() => w.add('x')).toThrow(TypeError);
    expect(() => w.close()).toThrow(/1 values added, numDocs is 2/);
    expect(existsSync(file)).toBe(false);
    const v = createRawForwardIndexWriter({ file, storedType: 'STRING', singleValue: true, compression: 'LZ4', numDocs: 1, maxLength: 1 });
    expect(() => v.add(5)).toThrow(TypeError);
    v.add('a');
    expect(() => v.add('b')).toThrow(/more than numDocs/);
    v.abort();
    expect(existsSync(file) || existsSync(`${file}.buf`)).toBe(false);
    expect(() => createRawForwardIndexWriter({ file, storedType: 'STRING', singleValue: true, compression: 'LZ4', numDocs: 1 })).toThrow(/maxLength/);
  });
});

// ---------------------------------------------------------------------------------------------
// Readers for formats only older Pinot wrote

describe('older layouts', () => {
  it('reads a hand-built version 2 var-byte file (VarByteChunkForwardIndexWriter, the default before apache/pinot#16943)', () => {
    // 3 docs, 2 a chunk, PASS_THROUGH. Header: version 2, 2 chunks, 2 docs/chunk, longest entry 3, 3 docs,
    // compression 0, data header at 28; int chunk offsets 36 and 36 + 11.
    // Chunk 0: offsets 8, 9 (BE, after the 2 x 4-byte header) then 'a' 'bc'. Chunk 1: offsets 8, 0 (absent row) then 'xyz'.
    const buf = hex(`00000002 00000002 00000002 00000003 00000003 00000000 0000001c 00000024 0000002f
                     00000008 00000009 61 6263
                     00000008 00000000 78797a`);
    expect(readVarByteChunkV2(buf, 3).map((b) => b.toString())).toEqual(['a', 'bc', 'xyz']);
    expect(readVarByteChunks(buf, 3).map((b) => b.toString())).toEqual(['a', 'bc', 'xyz']);
    expect(readRawForwardHeader(buf, 'STRING', true)).toMatchObject({ format: 'VAR_BYTE_CHUNK', version: 2, docsPerChunk: 2 });
    // MV INT in the same layout: rows are [count][values].
    const mv = hex(`00000002 00000001 00000002 0000000c 00000002 00000000 0000001c 00000020
                    00000008 00000014 00000002 00000001 00000002 00000000`);
    expect(readRawMV(mv, 'INT', 2)).toEqual([Int32Array.of(1, 2), Int32Array.of()]);
  });

  it('readVarByteV4 still refuses other versions; readVarByteChunkV4 takes 4-6', () => {
    const v6 = write(['q'], { storedType: 'STRING', singleValue: true, compression: 'PASS_THROUGH', writerVersion: 6, maxLength: 1 });
    expect(() => readVarByteV4(v6, 1)).toThrow(/only V4/);
    expect(readVarByteChunkV4(v6, 1).map(String)).toEqual(['q']);
    expect(readRawForwardHeader(v6, 'STRING', true)).toEqual({ format: 'VAR_BYTE_CHUNK_V4', version: 6, compression: 'PASS_THROUGH', chunkSize: 4096 });
  });

  it('plain LZ4 blocks without a known length are measured by walking them', () => {
    const src = Buffer.from('abcabcabcabcabcabcabcabcabcabcxyz'.repeat(50));
    const block = lz4CompressBlock(src);
    expect(lz4DecodedLength(block)).toBe(src.length);
    expect(decompressChunk(CHUNK_COMPRESSION_ID.LZ4, block).equals(src)).toBe(true);
    expect(() => decompressChunk('LZ4', block, src.length + 1)).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Streaming: memory stays bounded

describe('streaming', () => {
  function* ints(n: number): Generator<number> {
    let x = 1;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      yield x >> 8;
    }
  }

  it('writes 5M INT rows (20 MB of values) with RSS growing by a few MB', () => {
    const n = 5_000_000;
    const file = path.join(dir, 'big.fwd');
    const before = process.memoryUsage().rss;
    let peak = before;
    const w = createRawForwardIndexWriter({ file, storedType: 'INT', singleValue: true, compression: 'PASS_THROUGH', numDocs: n });
    // A plain loop: no per-row allocation in the test itself (a generator's result objects would grow the
    // young generation and RSS with it).
    let x = 1;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      w.add(x >> 8);
      if ((i & 0x7ffff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    w.close();
    peak = Math.max(peak, process.memoryUsage().rss);
    // The writer holds one 4 KB chunk, a 256 KB write buffer and the 39 KB chunk-offset table.
    expect(peak - before).toBeLessThan(8 * 1024 * 1024);
    const buf = readFileSync(file);
    expect(buf.length).toBe(28 + 8 * Math.ceil(n / 1024) + 4 * n);
    const back = readFixedByteChunkSV(buf, n, 'INT');
    let j = 0;
    let mismatches = 0;
    for (const v of ints(n)) if (back[j++] !== v) mismatches++;
    expect(mismatches).toBe(0);
    rmSync(file);
  });

  it('writes 5M INT rows with LZ4 retaining no values (live heap + buffers measured after GC)', () => {
    // RSS is not a fair measure here: every LZ4 call allocates (and drops) a hash table and an output buffer,
    // and malloc keeps the freed pages. Live memory, after a full GC, is what must stay flat.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = (): number => {
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const n = 5_000_000;
    const file = path.join(dir, 'big-lz4.fwd');
    const before = live();
    const w = createRawForwardIndexWriter({ file, storedType: 'INT', singleValue: true, compression: 'LZ4', numDocs: n });
    let i = 0;
    const samples: number[] = [];
    for (const v of ints(n)) {
      w.add(v);
      if (++i % 1_000_000 === 0) samples.push(live() - before);
    }
    w.close();
    // Holding the values would add 4 MB per sample (16 MB from first to last); the samples stay flat
    // but for a few MB of noise (V8's compiled code and feedback, earlier tests' garbage).
    expect(Math.max(...samples)).toBeLessThan(8 * 1024 * 1024);
    expect(Math.max(...samples) - Math.min(...samples)).toBeLessThan(6 * 1024 * 1024);
    const buf = readFileSync(file);
    expect(buf.readInt32BE(20)).toBe(3);
    const back = readFixedByteChunkSV(buf, n, 'INT');
    let j = 0;
    let mismatches = 0;
    for (const v of ints(n)) if (back[j++] !== v) mismatches++;
    expect(mismatches).toBe(0);
    rmSync(file);
  });

  it('streams a 200k-row STRING column through V4 chunks and the .buf scratch file', () => {
    const n = 200_000;
    const file = path.join(dir, 'strings.fwd');
    const w = createRawForwardIndexWriter({ file, storedType: 'STRING', singleValue: true, compression: 'LZ4', numDocs: n, maxLength: 12 });
    for (let k = 0; k < n; k++) w.add(`row-${k}`);
    expect(existsSync(`${file}.buf`)).toBe(true);
    w.close();
    expect(existsSync(`${file}.buf`)).toBe(false);
    const back = readRawSV(readFileSync(file), 'STRING', n) as string[];
    expect(back.length).toBe(n);
    expect(back[0]).toBe('row-0');
    expect(back[n - 1]).toBe(`row-${n - 1}`);
    expect(back.every((s, k) => s === `row-${k}`)).toBe(true);
  });
});
