import { SegmentFormatError, SegmentUnsupportedError } from './errors.js';
import { chunkCompressionName, decompressChunk, type ChunkCompressionName } from './codecs.js';

/** Reads `numDocs` dictIds bit-packed MSB-first with `bits` bits each (FixedBitSVForwardIndexWriter / PinotDataBitSet). */
export function readFixedBitSV(buf: Uint8Array, numDocs: number, bits: number): Int32Array {
  if (bits < 1 || bits > 32) throw new SegmentFormatError(`fixed-bit forward index: bad bitsPerElement ${bits}`);
  const needBytes = Math.ceil((numDocs * bits) / 8);
  if (buf.length < needBytes) {
    throw new SegmentFormatError(`fixed-bit forward index: ${buf.length} bytes, expected ${needBytes}`);
  }
  const out = new Int32Array(numDocs);
  for (let d = 0; d < numDocs; d++) {
    let v = 0;
    let bit = d * bits;
    for (let k = 0; k < bits; k++, bit++) {
      v = v * 2 + (((buf[bit >>> 3] as number) >>> (7 - (bit & 7))) & 1);
    }
    out[d] = v;
  }
  return out;
}

/** Sorted SV forward index: per dictId an int32 first docId and int32 last docId (big-endian). */
export function readSortedSV(buf: Buffer, cardinality: number, numDocs: number): Int32Array {
  if (buf.length < cardinality * 8) {
    throw new SegmentFormatError(`sorted forward index: ${buf.length} bytes, expected ${cardinality * 8}`);
  }
  // The ranges must end at the last doc: checked before allocating numDocs (a metadata value).
  let maxLast = -1;
  for (let id = 0; id < cardinality; id++) maxLast = Math.max(maxLast, buf.readInt32BE(id * 8 + 4));
  if (maxLast + 1 !== numDocs) {
    throw new SegmentFormatError(`sorted forward index: its ranges end at doc ${maxLast}, metadata says ${numDocs} docs`);
  }
  const out = new Int32Array(numDocs).fill(-1);
  for (let id = 0; id < cardinality; id++) {
    const first = buf.readInt32BE(id * 8);
    const last = buf.readInt32BE(id * 8 + 4);
    if (first < 0 || last >= numDocs || first > last + 1) {
      throw new SegmentFormatError(`sorted forward index: dictId ${id} has bad doc range [${first}, ${last}]`);
    }
    for (let d = first; d <= last; d++) out[d] = id;
  }
  const gap = out.indexOf(-1);
  if (gap >= 0) throw new SegmentFormatError(`sorted forward index: doc ${gap} is in no dictId's range`);
  return out;
}


/** Chunk compression ids (ChunkCompressionType.getValue()); see codecs.ts for the codecs. */
export const ChunkCompression = {
  PASS_THROUGH: 0,
  SNAPPY: 1,
  ZSTANDARD: 2,
  LZ4: 3,
  LZ4_LENGTH_PREFIXED: 4,
  GZIP: 5,
} as const;

/** A raw forward index's stored type (FieldSpec.DataType.getStoredType()). */
export type RawStoredType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'STRING' | 'BYTES';
export type FixedStoredType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE';
export type FixedValues = Int32Array | BigInt64Array | Float32Array | Float64Array;
/** SV values: typed arrays for fixed widths, strings for STRING, bytes for BYTES and BIG_DECIMAL. */
export type RawSVValues = FixedValues | string[] | Buffer[];
/** MV values: one array per doc. */
export type RawMVValues = Int32Array[] | BigInt64Array[] | Float32Array[] | Float64Array[] | string[][] | Buffer[][];

const FIXED_WIDTH: Record<FixedStoredType, number> = { INT: 4, LONG: 8, FLOAT: 4, DOUBLE: 8 };

/** The stored type of a column data type: BOOLEAN -> INT, TIMESTAMP -> LONG, JSON -> STRING. */
export function rawStoredType(dataType: string): RawStoredType {
  switch (dataType) {
    case 'INT':
    case 'BOOLEAN':
      return 'INT';
    case 'LONG':
    case 'TIMESTAMP':
      return 'LONG';
    case 'FLOAT':
    case 'DOUBLE':
    case 'BIG_DECIMAL':
    case 'STRING':
    case 'BYTES':
      return dataType;
    case 'JSON':
      return 'STRING';
    default:
      throw new SegmentUnsupportedError(`raw forward index: data type ${dataType} is not supported`);
  }
}

function isFixed(t: RawStoredType): t is FixedStoredType {
  return t in FIXED_WIDTH;
}

/** What a raw forward index file is, from its header. */
export interface RawForwardHeader {
  format: 'FIXED_BYTE_CHUNK' | 'VAR_BYTE_CHUNK' | 'VAR_BYTE_CHUNK_V4';
  version: number;
  compression: ChunkCompressionName;
  /** VAR_BYTE_CHUNK_V4 (versions 4-6): target decompressed chunk size. */
  chunkSize?: number;
  /** BaseChunk formats: docs per chunk, entry size (longest entry for var-byte), total docs, chunk count. */
  docsPerChunk?: number;
  sizeOfEntry?: number;
  totalDocs?: number;
  numChunks?: number;
}

/**
 * Reads a raw forward index header the way ForwardIndexReaderFactory.createRawIndexReader picks its
 * reader: SV fixed-width columns use the BaseChunk layout whatever the version; otherwise versions
 * 4, 5 and 6 are VarByteChunkForwardIndexWriterV4/V5/V6 files and lower versions the BaseChunk
 * var-byte layout (VarByteChunkForwardIndexWriter).
 */
export function readRawForwardHeader(buf: Buffer, storedType: RawStoredType, singleValue: boolean): RawForwardHeader {
  if (buf.length < 4) throw new SegmentFormatError('raw forward index shorter than its version');
  const version = buf.readInt32BE(0);
  if ((singleValue && isFixed(storedType)) || version < 4) {
    const h = baseChunkHeader(buf);
    return {
      format: singleValue && isFixed(storedType) ? 'FIXED_BYTE_CHUNK' : 'VAR_BYTE_CHUNK',
      version,
      compression: h.compression,
      docsPerChunk: h.docsPerChunk,
      sizeOfEntry: h.sizeOfEntry,
      totalDocs: h.totalDocs,
      numChunks: h.numChunks,
    };
  }
  if (version > 6) throw new SegmentUnsupportedError(`raw forward index version ${version} is not supported`);
  if (buf.length < 16) throw new SegmentFormatError('raw forward index shorter than its 16-byte header');
  return { format: 'VAR_BYTE_CHUNK_V4', version, compression: chunkCompressionName(buf.readInt32BE(8)), chunkSize: buf.readInt32BE(4) };
}

interface BaseChunkHeader {
  version: number;
  numChunks: number;
  docsPerChunk: number;
  sizeOfEntry: number;
  totalDocs: number | undefined;
  compression: ChunkCompressionName;
  /** Absolute start and end of every chunk. */
  bounds: Array<[number, number]>;
}

/** BaseChunkForwardIndexWriter's header (BaseChunkForwardIndexReader's parsing, versions 1-6). */
function baseChunkHeader(buf: Buffer): BaseChunkHeader {
  if (buf.length < 16) throw new SegmentFormatError('chunk forward index shorter than its header');
  const version = buf.readInt32BE(0);
  const numChunks = buf.readInt32BE(4);
  const docsPerChunk = buf.readInt32BE(8);
  const sizeOfEntry = buf.readInt32BE(12);
  let totalDocs: number | undefined;
  let compression: ChunkCompressionName = 'SNAPPY'; // version 1 was always Snappy
  let dataHeaderStart = 16;
  if (version < 1) throw new SegmentFormatError(`chunk forward index: bad version ${version}`);
  if (version > 1) {
    if (buf.length < 28) throw new SegmentFormatError('chunk forward index shorter than its 28-byte header');
    totalDocs = buf.readInt32BE(16);
    compression = chunkCompressionName(buf.readInt32BE(20));
    dataHeaderStart = buf.readInt32BE(24);
  }
  const offsetSize = version <= 2 ? 4 : 8;
  if (numChunks < 0 || docsPerChunk < 1 || dataHeaderStart + numChunks * offsetSize > buf.length) {
    throw new SegmentFormatError(`chunk forward index: bad header (${numChunks} chunks of ${docsPerChunk} docs)`);
  }
  const starts: number[] = [];
  for (let c = 0; c < numChunks; c++) {
    const at = dataHeaderStart + c * offsetSize;
    starts.push(offsetSize === 4 ? buf.readInt32BE(at) : Number(buf.readBigInt64BE(at)));
  }
  const bounds: Array<[number, number]> = starts.map((s, c) => {
    const e = c + 1 < numChunks ? (starts[c + 1] as number) : buf.length;
    if (s < dataHeaderStart + numChunks * offsetSize || s > e || e > buf.length) {
      throw new SegmentFormatError(`chunk forward index: chunk ${c} at [${s}, ${e}) is out of bounds`);
    }
    return [s, e];
  });
  return { version, numChunks, docsPerChunk, sizeOfEntry, totalDocs, compression, bounds };
}

/**
 * SV fixed-width raw forward index (FixedByteChunkForwardIndexWriter, any version; Pinot's default
 * is version 4 with 1024 docs a chunk): every doc's value, big-endian in the file.
 */
export function readFixedByteChunkSV(buf: Buffer, numDocs: number, storedType: FixedStoredType): FixedValues {
  const size = FIXED_WIDTH[storedType];
  const h = baseChunkHeader(buf);
  if (h.sizeOfEntry !== size) {
    throw new SegmentFormatError(`fixed-byte forward index: entry size ${h.sizeOfEntry}, ${storedType} needs ${size}`);
  }
  if (h.totalDocs !== undefined && h.totalDocs !== numDocs) {
    throw new SegmentFormatError(`fixed-byte forward index holds ${h.totalDocs} docs, metadata says ${numDocs}`);
  }
  if (h.numChunks !== Math.ceil(numDocs / h.docsPerChunk)) {
    throw new SegmentFormatError(`fixed-byte forward index: ${h.numChunks} chunks cannot hold ${numDocs} docs`);
  }
  // No codec here expands more than ~255:1: a larger claim is corrupt metadata, refused before allocating.
  if (numDocs * size > buf.length * 256 + 65536) {
    throw new SegmentFormatError(`fixed-byte forward index: ${buf.length} bytes cannot hold ${numDocs} ${storedType} values`);
  }
  const out =
    storedType === 'INT'
      ? new Int32Array(numDocs)
      : storedType === 'LONG'
        ? new BigInt64Array(numDocs)
        : storedType === 'FLOAT'
          ? new Float32Array(numDocs)
          : new Float64Array(numDocs);
  let d = 0;
  h.bounds.forEach(([s, e], c) => {
    const docs = Math.min(h.docsPerChunk, numDocs - c * h.docsPerChunk);
    const chunk = decompressChunk(h.compression, buf.subarray(s, e), h.compression === 'PASS_THROUGH' ? undefined : docs * size);
    if (chunk.length < docs * size) throw new SegmentFormatError(`fixed-byte forward index: chunk ${c} is short`);
    switch (storedType) {
      case 'INT':
        for (let i = 0; i < docs; i++) out[d++] = chunk.readInt32BE(i * 4);
        break;
      case 'LONG':
        for (let i = 0; i < docs; i++) out[d++] = chunk.readBigInt64BE(i * 8);
        break;
      case 'FLOAT':
        for (let i = 0; i < docs; i++) out[d++] = chunk.readFloatBE(i * 4);
        break;
      default:
        for (let i = 0; i < docs; i++) out[d++] = chunk.readDoubleBE(i * 8);
    }
  });
  return out;
}

/**
 * Var-byte chunk forward index, versions 4, 5 and 6 (VarByteChunkForwardIndexWriterV4/V5/V6): a
 * big-endian header (version, target chunk size, compression, chunks offset), little-endian
 * metadata entries (first docId with MSB = huge chunk, chunk offset), then chunks. A regular
 * chunk, once decompressed, is int32 LE numDocs, numDocs int32 LE value offsets (V6 with
 * compression: value sizes), then the values; a huge chunk is one value. Returns every doc's bytes
 * (for MV columns, the serialized row).
 */
export function readVarByteChunkV4(buf: Buffer, numDocs: number): Buffer[] {
  if (buf.length < 16) throw new SegmentFormatError('raw forward index shorter than its 16-byte header');
  const version = buf.readInt32BE(0);
  if (version < 4 || version > 6) {
    throw new SegmentUnsupportedError(`var-byte chunk forward index version ${version} is not 4, 5 or 6`);
  }
  const compression = chunkCompressionName(buf.readInt32BE(8));
  const sizes = version === 6 && compression !== 'PASS_THROUGH';
  const chunksOffset = buf.readInt32BE(12);
  if (chunksOffset < 16 || chunksOffset > buf.length || (chunksOffset - 16) % 8 !== 0) {
    throw new SegmentFormatError(`raw forward index: bad chunks offset ${chunksOffset}`);
  }
  const nChunks = (chunksOffset - 16) / 8;
  const out: Buffer[] = [];
  for (let c = 0; c < nChunks; c++) {
    const info = buf.readUInt32LE(16 + c * 8);
    const firstDoc = info & 0x7fffffff;
    const huge = info !== firstDoc;
    const start = chunksOffset + buf.readUInt32LE(16 + c * 8 + 4);
    const end = c + 1 < nChunks ? chunksOffset + buf.readUInt32LE(16 + (c + 1) * 8 + 4) : buf.length;
    if (start > end || end > buf.length) throw new SegmentFormatError(`raw forward index: chunk ${c} out of bounds`);
    if (firstDoc !== out.length) {
      throw new SegmentFormatError(`raw forward index: chunk ${c} starts at doc ${firstDoc}, expected ${out.length}`);
    }
    const data = decompressChunk(compression, buf.subarray(start, end));
    if (huge) {
      out.push(data);
      continue;
    }
    if (data.length < 4) throw new SegmentFormatError(`raw forward index: chunk ${c} is shorter than its doc count`);
    const n = data.readInt32LE(0);
    if (n < 1 || 4 * (n + 1) > data.length) throw new SegmentFormatError(`raw forward index: chunk ${c} has bad doc count ${n}`);
    let next = 4 * (n + 1);
    for (let i = 0; i < n; i++) {
      let off: number;
      let end2: number;
      if (sizes) {
        off = next;
        end2 = off + data.readInt32LE(4 + i * 4);
      } else {
        off = data.readInt32LE(4 + i * 4);
        end2 = i + 1 < n ? data.readInt32LE(4 + (i + 1) * 4) : data.length;
      }
      if (off < 4 * (n + 1) || off > end2 || end2 > data.length) {
        throw new SegmentFormatError(`raw forward index: chunk ${c} value ${i} out of bounds`);
      }
      out.push(data.subarray(off, end2));
      next = end2;
    }
  }
  if (out.length !== numDocs) {
    throw new SegmentFormatError(`raw forward index holds ${out.length} values, metadata says ${numDocs}`);
  }
  return out;
}

/** readVarByteChunkV4 restricted to version 4 files (kept for existing callers). */
export function readVarByteV4(buf: Buffer, numDocs: number): Buffer[] {
  if (buf.length >= 4 && buf.readInt32BE(0) !== 4) {
    throw new SegmentUnsupportedError(`raw forward index version ${buf.readInt32BE(0)} is not supported (only V4)`);
  }
  return readVarByteChunkV4(buf, numDocs);
}

/**
 * Var-byte forward index in the BaseChunk layout (VarByteChunkForwardIndexWriter, versions 1-3:
 * Pinot's default before V4 became the default): fixed docs per chunk; a chunk is docsPerChunk
 * int32 BE value offsets (0 for the absent rows of a short last chunk), then the values.
 */
export function readVarByteChunkV2(buf: Buffer, numDocs: number): Buffer[] {
  const h = baseChunkHeader(buf);
  if (h.totalDocs !== undefined && h.totalDocs !== numDocs) {
    throw new SegmentFormatError(`var-byte forward index holds ${h.totalDocs} docs, metadata says ${numDocs}`);
  }
  if (h.numChunks !== Math.ceil(numDocs / h.docsPerChunk)) {
    throw new SegmentFormatError(`var-byte forward index: ${h.numChunks} chunks cannot hold ${numDocs} docs`);
  }
  const out: Buffer[] = [];
  const headerSize = 4 * h.docsPerChunk;
  h.bounds.forEach(([s, e], c) => {
    const docs = Math.min(h.docsPerChunk, numDocs - c * h.docsPerChunk);
    const data = decompressChunk(h.compression, buf.subarray(s, e));
    if (data.length < headerSize) throw new SegmentFormatError(`var-byte forward index: chunk ${c} is short`);
    for (let i = 0; i < docs; i++) {
      const off = data.readInt32BE(4 * i);
      let end = i + 1 < h.docsPerChunk ? data.readInt32BE(4 * (i + 1)) : data.length;
      if (end === 0) end = data.length;
      if (off < headerSize || off > end || end > data.length) {
        throw new SegmentFormatError(`var-byte forward index: chunk ${c} value ${i} out of bounds`);
      }
      out.push(data.subarray(off, end));
    }
  });
  return out;
}

/** Every doc's bytes of a var-byte raw forward index (any version Pinot reads). */
export function readVarByteChunks(buf: Buffer, numDocs: number): Buffer[] {
  if (buf.length < 4) throw new SegmentFormatError('raw forward index shorter than its version');
  return buf.readInt32BE(0) >= 4 ? readVarByteChunkV4(buf, numDocs) : readVarByteChunkV2(buf, numDocs);
}

/** SV values of a raw forward index: typed arrays for INT/LONG/FLOAT/DOUBLE, strings, or bytes. */
export function readRawSV(buf: Buffer, storedType: RawStoredType, numDocs: number): RawSVValues {
  if (isFixed(storedType)) return readFixedByteChunkSV(buf, numDocs, storedType);
  const raw = readVarByteChunks(buf, numDocs);
  return storedType === 'STRING' ? raw.map((b) => b.toString('utf8')) : raw;
}

/**
 * MV values of a raw forward index, one array per doc. Rows are ArraySerDeUtils arrays
 * (big-endian): fixed widths [int count][values] (versions 5 and 6: no count), STRING/BYTES/
 * BIG_DECIMAL [int count][count x int length][bytes].
 */
export function readRawMV(buf: Buffer, storedType: RawStoredType, numDocs: number): RawMVValues {
  const version = buf.length >= 4 ? buf.readInt32BE(0) : 0;
  const rows = readVarByteChunks(buf, numDocs);
  if (isFixed(storedType)) {
    const size = FIXED_WIDTH[storedType];
    const counted = version < 5;
    const decode = (row: Buffer, d: number): FixedValues => {
      const head = counted ? 4 : 0;
      const n = counted ? row.readInt32BE(0) : (row.length / size) | 0;
      if (n < 0 || head + n * size > row.length || (!counted && row.length % size !== 0)) {
        throw new SegmentFormatError(`raw MV forward index: doc ${d} has a bad row of ${row.length} bytes`);
      }
      switch (storedType) {
        case 'INT':
          return Int32Array.from({ length: n }, (_, i) => row.readInt32BE(head + 4 * i));
        case 'LONG':
          return BigInt64Array.from({ length: n }, (_, i) => row.readBigInt64BE(head + 8 * i));
        case 'FLOAT':
          return Float32Array.from({ length: n }, (_, i) => row.readFloatBE(head + 4 * i));
        default:
          return Float64Array.from({ length: n }, (_, i) => row.readDoubleBE(head + 8 * i));
      }
    };
    return rows.map(decode) as RawMVValues;
  }
  const decodeVar = (row: Buffer, d: number): Buffer[] => {
    const n = row.length >= 4 ? row.readInt32BE(0) : -1;
    if (n < 0 || 4 * (n + 1) > row.length) throw new SegmentFormatError(`raw MV forward index: doc ${d} has a bad row`);
    const vals: Buffer[] = [];
    let p = 4 * (n + 1);
    for (let i = 0; i < n; i++) {
      const len = row.readInt32BE(4 * (i + 1));
      if (len < 0 || p + len > row.length) throw new SegmentFormatError(`raw MV forward index: doc ${d} value ${i} out of bounds`);
      vals.push(row.subarray(p, p + len));
      p += len;
    }
    return vals;
  };
  const vals = rows.map(decodeVar);
  return storedType === 'STRING' ? vals.map((r) => r.map((b) => b.toString('utf8'))) : vals;
}
