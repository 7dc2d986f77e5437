/**
 * Chunk compressors and decompressors of Pinot's raw forward indexes, framed exactly as
 * pinot-segment-local's io/compression classes frame them (ChunkCompressorFactory):
 *
 * - PASS_THROUGH (0): the bytes themselves.
 * - SNAPPY (1): one raw Snappy block (snappy-java `Snappy.compress(ByteBuffer, ByteBuffer)`: varint
 *   uncompressed length, then the elements; no framing format, no CRC).
 * - ZSTANDARD (2): one Zstandard frame (zstd-jni `Zstd.compress(dst, src)` at zstd's default level 3,
 *   frame content size recorded, no checksum). The huge-value path of Pinot's V4 reader sizes its
 *   output from the frame content size (`Zstd.decompressedSize`), so frames must carry it.
 * - LZ4 (3): one LZ4 block, no length (lz4-java fast compressor). Only the fixed-width SV chunk
 *   writer keeps this type; V4+ var-byte writers upgrade it to LZ4_LENGTH_PREFIXED.
 * - LZ4_LENGTH_PREFIXED (4): int32 LITTLE-endian decompressed length, then one LZ4 block
 *   (lz4-java LZ4CompressorWithLength).
 * - GZIP (5): despite the name a zlib stream (java.util.zip.Deflater(), default level 6, zlib header
 *   and Adler-32 trailer; no gzip header), then the uncompressed size as an int32 written with
 *   `ByteBuffer.putInt` into the writer's compression buffer: little-endian in the V4/V5/V6 var-byte
 *   writers (their buffers are LITTLE_ENDIAN), big-endian in BaseChunkForwardIndexWriter (fixed-byte
 *   and V2/V3 var-byte), whose buffer keeps Java's default order.
 *
 * DELTA (6) and DELTADELTA (7) (time-series codecs, not applicable to ordinary raw columns) are not
 * implemented.
 */
import { zstdCompressSync, zstdDecompressSync, deflateSync, inflateSync, constants as zlibConstants } from 'node:zlib';
import { createRequire } from 'node:module';
import { SegmentFormatError, SegmentUnsupportedError } from './errors.js';
import { lz4DecodeBlock } from './lz4.js';
import { lz4CompressBlock } from './writer/lz4-compress.js';

/** snappy (napi-rs, prebuilt per platform) is loaded on first use, so readers of other codecs never need it. */
let snappyModule: typeof import('snappy') | undefined;
function snappy(): typeof import('snappy') {
  snappyModule ??= createRequire(import.meta.url)('snappy') as typeof import('snappy');
  return snappyModule;
}

export type ChunkCompressionName = 'PASS_THROUGH' | 'SNAPPY' | 'ZSTANDARD' | 'LZ4' | 'LZ4_LENGTH_PREFIXED' | 'GZIP';

/** ChunkCompressionType.getValue(): the int written in raw forward index headers. */
export const CHUNK_COMPRESSION_ID: Readonly<Record<ChunkCompressionName, number>> = {
  PASS_THROUGH: 0,
  SNAPPY: 1,
  ZSTANDARD: 2,
  LZ4: 3,
  LZ4_LENGTH_PREFIXED: 4,
  GZIP: 5,
};

const NAME_BY_ID: readonly ChunkCompressionName[] = ['PASS_THROUGH', 'SNAPPY', 'ZSTANDARD', 'LZ4', 'LZ4_LENGTH_PREFIXED', 'GZIP'];

/** The compression named by a header's int (ChunkCompressionType.valueOf(int)). */
export function chunkCompressionName(id: number): ChunkCompressionName {
  const name = NAME_BY_ID[id];
  if (name !== undefined) return name;
  if (id === 6 || id === 7) {
    throw new SegmentUnsupportedError(`chunk compression ${id === 6 ? 'DELTA' : 'DELTADELTA'} is not supported`);
  }
  throw new SegmentFormatError(`invalid chunk compression type ${id}`);
}

/** zstd's ZSTD_CLEVEL_DEFAULT, which zstd-jni's Zstd.compress(ByteBuffer, ByteBuffer) uses. */
export const ZSTD_DEFAULT_LEVEL = 3;

export interface ChunkCompressor {
  /** The type written into the index header (LZ4 becomes LZ4_LENGTH_PREFIXED when upgraded). */
  readonly type: ChunkCompressionName;
  /** The compressed chunk. PASS_THROUGH returns a view of `src`: use it before reusing `src`. */
  compress(src: Uint8Array): Buffer;
}

export interface ChunkCompressorOptions {
  /**
   * ChunkCompressorFactory.getCompressor(type, upgradeToLengthPrefixed): the V4/V5/V6 var-byte
   * writers pass true, turning LZ4 into LZ4_LENGTH_PREFIXED.
   */
  upgradeToLengthPrefixed?: boolean;
  /** Byte order of GZIP's trailing uncompressed size: 'LE' for V4+ var-byte writers, 'BE' for BaseChunk writers. */
  gzipSizeOrder?: 'LE' | 'BE';
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A compressor framing its output exactly as Pinot's compressor of the same type. */
export function getChunkCompressor(type: ChunkCompressionName, opts: ChunkCompressorOptions = {}): ChunkCompressor {
  switch (type) {
    case 'PASS_THROUGH':
      return { type, compress: asBuffer };
    case 'SNAPPY':
      return { type, compress: (src) => snappy().compressSync(asBuffer(src)) };
    case 'ZSTANDARD':
      return {
        type,
        compress: (src) =>
          zstdCompressSync(src, {
            params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_DEFAULT_LEVEL },
            pledgedSrcSize: src.length,
          }),
      };
    case 'LZ4':
      if (!opts.upgradeToLengthPrefixed) return { type, compress: (src) => lz4CompressBlock(src) };
      return { type: 'LZ4_LENGTH_PREFIXED', compress: lz4WithLength };
    case 'LZ4_LENGTH_PREFIXED':
      return { type, compress: lz4WithLength };
    case 'GZIP': {
      const le = (opts.gzipSizeOrder ?? 'LE') === 'LE';
      return {
        type,
        compress: (src) => {
          const z = deflateSync(src); // Deflater(): level -1 (= 6), zlib wrapper
          const out = Buffer.allocUnsafe(z.length + 4);
          z.copy(out, 0);
          if (le) out.writeInt32LE(src.length, z.length);
          else out.writeInt32BE(src.length, z.length);
          return out;
        },
      };
    }
    default:
      throw new SegmentUnsupportedError(`chunk compression ${String(type)} is not supported`);
  }
}

function lz4WithLength(src: Uint8Array): Buffer {
  const block = lz4CompressBlock(src);
  const out = Buffer.allocUnsafe(block.length + 4);
  out.writeInt32LE(src.length, 0);
  block.copy(out, 4);
  return out;
}

/**
 * Decompresses one chunk. `expectedLength`, when known, is checked (and needed to bound plain LZ4,
 * which records no length; without it the block is scanned for its decoded length).
 */
export function decompressChunk(type: ChunkCompressionName | number, src: Uint8Array, expectedLength?: number): Buffer {
  const name = typeof type === 'number' ? chunkCompressionName(type) : type;
  let out: Buffer;
  switch (name) {
    case 'PASS_THROUGH':
      out = asBuffer(src);
      break;
    case 'SNAPPY':
      out = snappy().uncompressSync(asBuffer(src), { asBuffer: true }) as Buffer;
      break;
    case 'ZSTANDARD':
      out = zstdDecompressSync(src);
      break;
    case 'LZ4':
      out = lz4DecodeBlock(src, expectedLength ?? lz4DecodedLength(src));
      break;
    case 'LZ4_LENGTH_PREFIXED': {
      if (src.length < 4) throw new SegmentFormatError('LZ4 length-prefixed chunk shorter than 4 bytes');
      const len = asBuffer(src).readInt32LE(0);
      if (len < 0) throw new SegmentFormatError(`LZ4 length-prefixed chunk has negative length ${len}`);
      out = lz4DecodeBlock(src.subarray(4), len);
      break;
    }
    case 'GZIP':
      // Inflater stops at the end of the zlib stream: the 4-byte size trailer is never read.
      if (src.length < 4) throw new SegmentFormatError('GZIP chunk shorter than its 4-byte size trailer');
      out = inflateSync(src.subarray(0, src.length - 4));
      break;
  }
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new SegmentFormatError(`${name} chunk decodes to ${out.length} bytes, expected ${expectedLength}`);
  }
  return out;
}

/** Decoded size of a plain LZ4 block, found by walking its sequences. */
export function lz4DecodedLength(src: Uint8Array): number {
  let ip = 0;
  let op = 0;
  while (ip < src.length) {
    const token = src[ip++] as number;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= src.length) throw new SegmentFormatError('LZ4 block is corrupt: truncated literal length');
        b = src[ip++] as number;
        lit += b;
      } while (b === 255);
    }
    ip += lit;
    op += lit;
    if (ip >= src.length) break;
    ip += 2;
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        if (ip >= src.length) throw new SegmentFormatError('LZ4 block is corrupt: truncated match length');
        b = src[ip++] as number;
        len += b;
      } while (b === 255);
    }
    op += len + 4;
  }
  return op;
}

/** FieldConfig.CompressionCodec values that select a chunk compression for raw forward indexes. */
export type RawCompressionCodec = 'PASS_THROUGH' | 'SNAPPY' | 'ZSTANDARD' | 'LZ4' | 'GZIP';

/**
 * The chunk compression Pinot uses for a raw column: the column's `compressionCodec` (fieldConfigList
 * entry, or `indexes.forward.compressionCodec`) when set, else ForwardIndexType.getDefaultCompressionType:
 * PASS_THROUGH for METRIC columns, LZ4 for every other field type. The values of
 * `indexingConfig.noDictionaryConfig` are ignored by current Pinot (only its keys make columns raw).
 */
export function rawChunkCompression(fieldType: string, compressionCodec?: string | null): ChunkCompressionName {
  if (compressionCodec === undefined || compressionCodec === null) {
    return fieldType.toUpperCase() === 'METRIC' ? 'PASS_THROUGH' : 'LZ4';
  }
  switch (compressionCodec) {
    case 'PASS_THROUGH':
    case 'SNAPPY':
    case 'ZSTANDARD':
    case 'LZ4':
    case 'GZIP':
      return compressionCodec;
    default:
      throw new SegmentUnsupportedError(`compression codec ${compressionCodec} is not supported for raw forward indexes here`);
  }
}
