import { SegmentFormatError, SegmentUnsupportedError } from './errors.js';
import { lz4DecodeBlock, lz4DecodeLengthPrefixed } from './lz4.js';

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

export const ChunkCompression = {
  PASS_THROUGH: 0,
  SNAPPY: 1,
  ZSTANDARD: 2,
  LZ4: 3,
  LZ4_LENGTH_PREFIXED: 4,
  GZIP: 5,
} as const;

function decompress(type: number, chunk: Buffer, targetSize: number): Buffer {
  switch (type) {
    case ChunkCompression.PASS_THROUGH:
      return chunk;
    case ChunkCompression.LZ4_LENGTH_PREFIXED:
      return lz4DecodeLengthPrefixed(chunk);
    case ChunkCompression.LZ4: {
      // Plain LZ4 has no length: decode into the target chunk size, then trim.
      return decodeLz4Unknown(chunk, targetSize);
    }
    default:
      throw new SegmentUnsupportedError(`raw forward index: chunk compression type ${type} is not supported yet`);
  }
}

function decodeLz4Unknown(chunk: Buffer, max: number): Buffer {
  // lz4DecodeBlock needs the exact length; find it by a counting pass.
  let ip = 0;
  let op = 0;
  while (ip < chunk.length) {
    const token = chunk[ip++] as number;
    let lit = token >>> 4;
    if (lit === 15) for (let b = 255; b === 255; ) lit += b = chunk[ip++] as number;
    ip += lit;
    op += lit;
    if (ip >= chunk.length) break;
    ip += 2;
    let len = token & 15;
    if (len === 15) for (let b = 255; b === 255; ) len += b = chunk[ip++] as number;
    op += len + 4;
  }
  if (op > max) throw new SegmentFormatError(`LZ4 chunk decodes to ${op} bytes, more than the chunk size ${max}`);
  return lz4DecodeBlock(chunk, op);
}

/**
 * Raw var-byte chunk forward index, version 4 (VarByteChunkForwardIndexWriterV4): a big-endian
 * header (version, target chunk size, compression, chunks offset), little-endian metadata
 * entries (first docId with MSB = huge chunk, chunk offset), then chunks. A regular chunk,
 * once decompressed, is int32 LE numDocs, numDocs int32 LE value offsets, then the values.
 * Returns every doc's bytes.
 */
export function readVarByteV4(buf: Buffer, numDocs: number): Buffer[] {
  if (buf.length < 16) throw new SegmentFormatError('raw forward index shorter than its 16-byte header');
  const version = buf.readInt32BE(0);
  if (version !== 4) {
    throw new SegmentUnsupportedError(`raw forward index version ${version} is not supported (only V4)`);
  }
  const targetSize = buf.readInt32BE(4);
  const compression = buf.readInt32BE(8);
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
    const data = decompress(compression, buf.subarray(start, end), huge ? Number.MAX_SAFE_INTEGER : targetSize);
    if (huge) {
      out.push(data);
      continue;
    }
    const n = data.readInt32LE(0);
    for (let i = 0; i < n; i++) {
      const off = data.readInt32LE(4 + i * 4);
      const next = i + 1 < n ? data.readInt32LE(4 + (i + 1) * 4) : data.length;
      if (off > next || next > data.length) {
        throw new SegmentFormatError(`raw forward index: chunk ${c} value ${i} out of bounds`);
      }
      out.push(data.subarray(off, next));
    }
  }
  if (out.length !== numDocs) {
    throw new SegmentFormatError(`raw forward index holds ${out.length} values, metadata says ${numDocs} docs`);
  }
  return out;
}
