import { javaUtf8 } from './dictionary-writer.js';
import { lz4CompressBlock } from './lz4-compress.js';

/**
 * Raw var-byte chunk forward index V4 (VarByteChunkForwardIndexWriterV4) for STRING/BYTES.
 *
 * Header (big-endian): int version 4, int target chunk size, int compression type, int offset of
 * the chunk data; then per chunk (little-endian) int first docId (MSB set for a huge chunk) and
 * uint offset of the chunk relative to the chunk data. A regular chunk, before compression, is
 * int32 LE numDocs, numDocs int32 LE offsets (from the chunk start), the values' bytes; a value
 * whose 4-byte length plus bytes do not fit in an empty chunk is written alone as a huge chunk.
 *
 * Compression: V4 asks ChunkCompressorFactory.getCompressor(type, upgradeToLengthPrefixed=true),
 * so LZ4 is always written as LZ4_LENGTH_PREFIXED (id 4): int32 LE uncompressed length + one LZ4
 * block from lz4CompressBlock (a port of the lz4 C fast compressor lz4-java calls natively).
 */
export type RawCompression = 'PASS_THROUGH' | 'LZ4' | 'LZ4_LENGTH_PREFIXED';

const COMPRESSION_ID: Record<RawCompression, number> = { PASS_THROUGH: 0, LZ4: 4, LZ4_LENGTH_PREFIXED: 4 };

/** ForwardIndexUtils.getDynamicTargetChunkSize with Pinot's defaults (1000 docs/chunk, 1 MB max, 4 KB min). */
export function targetChunkSize(maxLength: number, targetDocsPerChunk = 1000, targetMaxChunkSizeBytes = 1024 * 1024): number {
  const MIN = 4 * 1024;
  if (targetDocsPerChunk < 0 || maxLength * targetDocsPerChunk > 2147483647) return Math.max(targetMaxChunkSizeBytes, MIN);
  return Math.max(Math.min(maxLength * targetDocsPerChunk, targetMaxChunkSizeBytes), MIN);
}

export interface RawForwardOptions {
  compression?: RawCompression;
  /** Target decompressed chunk size; default targetChunkSize(longest value). */
  chunkSize?: number;
}

function compress(kind: RawCompression, data: Uint8Array): Buffer {
  if (kind === 'PASS_THROUGH') return Buffer.from(data);
  const block = lz4CompressBlock(data);
  const len = Buffer.alloc(4);
  len.writeInt32LE(data.length, 0);
  return Buffer.concat([len, block]);
}

export function writeVarByteV4(values: Iterable<string | Uint8Array>, opts: RawForwardOptions = {}): Buffer {
  const vals = [...values].map((v) => (typeof v === 'string' ? javaUtf8(v) : v));
  const kind = opts.compression ?? 'PASS_THROUGH';
  const chunkSize = opts.chunkSize ?? targetChunkSize(vals.reduce((m, v) => Math.max(m, v.length), 0));
  const meta: Buffer[] = [];
  const chunks: Buffer[] = [];
  let chunkOffset = 0;
  let docIdOffset = 0;
  let nextDocId = 0;
  let pending: Uint8Array[] = [];
  let position = 4; // the chunk buffer's position: numDocs slot reserved

  const emit = (data: Buffer, huge: boolean): void => {
    const m = Buffer.alloc(8);
    m.writeUInt32LE((docIdOffset | (huge ? 0x80000000 : 0)) >>> 0, 0);
    m.writeUInt32LE(chunkOffset >>> 0, 4);
    meta.push(m);
    chunks.push(data);
    chunkOffset += data.length;
    docIdOffset = nextDocId;
  };
  const flush = (): void => {
    if (nextDocId <= docIdOffset) return;
    const numDocs = pending.length;
    const raw = Buffer.alloc(position);
    raw.writeInt32LE(numDocs, 0);
    let off = 4 * (numDocs + 1);
    pending.forEach((v, i) => {
      raw.writeInt32LE(off, 4 + i * 4);
      raw.set(v, off);
      off += v.length;
    });
    emit(compress(kind, raw), false);
    pending = [];
    position = 4;
  };
  for (const v of vals) {
    const sizeRequired = 4 + v.length;
    if (position > chunkSize - sizeRequired) {
      flush();
      if (sizeRequired > chunkSize - 4) {
        nextDocId++;
        emit(compress(kind, v), true);
        continue;
      }
    }
    pending.push(v);
    position += sizeRequired;
    nextDocId++;
  }
  flush();
  const header = Buffer.alloc(16);
  header.writeInt32BE(4, 0);
  header.writeInt32BE(chunkSize, 4);
  header.writeInt32BE(COMPRESSION_ID[kind], 8);
  header.writeInt32BE(16 + meta.length * 8, 12);
  return Buffer.concat([header, ...meta, ...chunks]);
}
