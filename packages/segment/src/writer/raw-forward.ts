import { closeSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { getChunkCompressor, type ChunkCompressionName, type ChunkCompressor, CHUNK_COMPRESSION_ID } from '../codecs.js';
import type { RawStoredType } from '../forward-index.js';
import { javaUtf8 } from './dictionary-writer.js';

/**
 * Raw (no-dictionary) forward index writers, byte-compatible with what Pinot writes by default
 * (ForwardIndexCreatorFactory with ForwardIndexConfig's defaults: rawIndexWriterVersion 4,
 * targetDocsPerChunk 1000, targetMaxChunkSize 1 MB, deriveNumDocsPerChunk false):
 *
 * - SV INT/LONG/FLOAT/DOUBLE (BOOLEAN, TIMESTAMP: their INT/LONG stored type):
 *   SingleValueFixedByteRawIndexCreator -> FixedByteChunkForwardIndexWriter, version 4, 1024 docs a
 *   chunk (targetDocsPerChunk rounded up to a power of two), compression type as configured (plain
 *   LZ4 stays type 3 here).
 * - SV STRING/BYTES/BIG_DECIMAL/JSON: SingleValueVarByteRawIndexCreator -> VarByteChunkForwardIndexWriterV4,
 *   chunk size ForwardIndexUtils.getDynamicTargetChunkSize(lengthOfLongestEntry, 1000, 1 MB).
 * - MV INT/LONG/FLOAT/DOUBLE: MultiValueFixedByteRawIndexCreator -> V4 writer, each row
 *   [int32 BE count][values BE], chunk size from 4 + maxNumberOfMultiValues * size.
 * - MV STRING/BYTES/BIG_DECIMAL: MultiValueVarByteRawIndexCreator -> V4 writer, each row
 *   [int32 BE count][count x int32 BE length][bytes], chunk size from
 *   4 * maxNumberOfMultiValues + 4 + maxRowLengthInBytes.
 *
 * The writers stream: memory is bounded by a chunk (plus the fixed-byte chunk-offset table of 8
 * bytes per 1024 docs). Like Pinot's V4 writer, the var-byte writer appends its chunk metadata to
 * the output file and its chunks to `<file>.buf`, copied after the metadata on close.
 */

export type RawValue = number | bigint | string | Uint8Array;
/** Kept for older callers: any chunk compression. */
export type RawCompression = ChunkCompressionName;

const FIXED_SIZE: Partial<Record<RawStoredType, number>> = { INT: 4, LONG: 8, FLOAT: 4, DOUBLE: 8 };

/** ForwardIndexConfig defaults. */
export const DEFAULT_RAW_INDEX_WRITER_VERSION = 4;
export const DEFAULT_TARGET_DOCS_PER_CHUNK = 1000;
export const DEFAULT_TARGET_MAX_CHUNK_SIZE_BYTES = 1024 * 1024;

/** ForwardIndexUtils.getDynamicTargetChunkSize with Pinot's defaults (1000 docs/chunk, 1 MB max, 4 KB min). */
export function targetChunkSize(
  maxLength: number,
  targetDocsPerChunk = DEFAULT_TARGET_DOCS_PER_CHUNK,
  targetMaxChunkSizeBytes = DEFAULT_TARGET_MAX_CHUNK_SIZE_BYTES,
): number {
  const MIN = 4 * 1024;
  if (targetDocsPerChunk < 0 || maxLength * targetDocsPerChunk > 2147483647) return Math.max(targetMaxChunkSizeBytes, MIN);
  return Math.max(Math.min(maxLength * targetDocsPerChunk, targetMaxChunkSizeBytes), MIN);
}

/** FixedByteChunkForwardIndexWriter.normalizeDocsPerChunk: version >= 4 rounds up to a power of two. */
export function fixedByteDocsPerChunk(writerVersion: number, targetDocsPerChunk = DEFAULT_TARGET_DOCS_PER_CHUNK): number {
  if (writerVersion >= 4 && (targetDocsPerChunk & (targetDocsPerChunk - 1)) !== 0) {
    return 2 ** Math.ceil(Math.log2(targetDocsPerChunk));
  }
  return targetDocsPerChunk;
}

// ---------------------------------------------------------------------------------------------
// Byte sinks

interface ByteSink {
  write(data: Uint8Array): void;
}

/** Buffered sequential writes to a file descriptor; memory bounded by the buffer. */
class FileSink implements ByteSink {
  private readonly buf: Buffer;
  private used = 0;
  /** Bytes handed to write() so far. */
  length = 0;

  constructor(
    readonly fd: number,
    private position: number,
    size = 256 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  write(data: Uint8Array): void {
    this.length += data.length;
    if (data.length >= this.buf.length) {
      this.flush();
      this.writeAll(data);
      return;
    }
    if (this.used + data.length > this.buf.length) this.flush();
    this.buf.set(data, this.used);
    this.used += data.length;
  }

  flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) {
      const n = writeSync(this.fd, data, off, data.length - off, this.position);
      off += n;
      this.position += n;
    }
  }
}

function pwriteAll(fd: number, data: Uint8Array, position: number): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off, position + off);
}

// ---------------------------------------------------------------------------------------------
// Var-byte chunks, versions 4, 5 and 6 (VarByteChunkForwardIndexWriterV4/V5/V6)

/**
 * The chunking of VarByteChunkForwardIndexWriterV4: values packed into chunks of at most
 * `chunkSize` decompressed bytes; a regular chunk is int32 LE numDocs, numDocs int32 LE value
 * offsets from the chunk start (V6 with compression: each value's size instead), then the values.
 * A value whose 4-byte length and bytes do not fit an empty chunk goes alone into a huge chunk
 * (the value's bytes, compressed). Each chunk yields one 8-byte LE metadata entry: first docId
 * (MSB set for a huge chunk), then the chunk's offset from the start of the chunk data.
 */
class VarByteChunker {
  readonly compressor: ChunkCompressor;
  private readonly values: Buffer; // this chunk's value bytes, back to back
  private readonly lengths: Int32Array; // their lengths
  private readonly out: Buffer; // scratch for the assembled chunk
  private numDocs = 0;
  private valueBytes = 0;
  /** Pinot's chunk buffer position: 4 (numDocs slot) + per value 4 + length. */
  private position = 4;
  private docIdOffset = 0;
  private nextDocId = 0;
  private chunkOffset = 0;
  private readonly meta = Buffer.alloc(8);

  constructor(
    readonly version: 4 | 5 | 6,
    readonly chunkSize: number,
    compression: ChunkCompressionName,
    private readonly metaSink: ByteSink,
    private readonly dataSink: ByteSink,
  ) {
    if (!Number.isInteger(chunkSize) || chunkSize < 8) throw new RangeError(`bad chunk size ${chunkSize}`);
    this.compressor = getChunkCompressor(compression, { upgradeToLengthPrefixed: true, gzipSizeOrder: 'LE' });
    this.values = Buffer.allocUnsafe(chunkSize);
    this.lengths = new Int32Array(chunkSize >>> 2);
    this.out = Buffer.allocUnsafe(chunkSize);
  }

  get docs(): number {
    return this.nextDocId;
  }

  /** The 16-byte big-endian header; chunksOffset is 16 + 8 * chunk count, known on close. */
  header(chunksOffset: number): Buffer {
    const h = Buffer.alloc(16);
    h.writeInt32BE(this.version, 0);
    h.writeInt32BE(this.chunkSize, 4);
    h.writeInt32BE(CHUNK_COMPRESSION_ID[this.compressor.type], 8);
    h.writeInt32BE(chunksOffset, 12);
    return h;
  }

  put(bytes: Uint8Array): void {
    if (this.chunkOffset >= 2 ** 32) throw new RangeError('raw forward index: exceeded 4GB of compressed chunks');
    const sizeRequired = 4 + bytes.length;
    if (this.position > this.chunkSize - sizeRequired) {
      this.flush();
      if (sizeRequired > this.chunkSize - 4) {
        this.nextDocId++;
        this.emit(this.compressor.compress(bytes), true);
        return;
      }
    }
    this.values.set(bytes, this.valueBytes);
    this.lengths[this.numDocs++] = bytes.length;
    this.valueBytes += bytes.length;
    this.position += sizeRequired;
    this.nextDocId++;
  }

  flush(): void {
    const n = this.numDocs;
    if (n === 0) return;
    const out = this.out;
    const headerSize = 4 * (n + 1);
    out.writeInt32LE(n, 0);
    const delta = this.version === 6 && this.compressor.type !== 'PASS_THROUGH';
    let off = headerSize;
    for (let i = 0; i < n; i++) {
      const len = this.lengths[i] as number;
      out.writeInt32LE(delta ? len : off, 4 + 4 * i);
      off += len;
    }
    this.values.copy(out, headerSize, 0, this.valueBytes);
    this.emit(this.compressor.compress(out.subarray(0, off)), false);
    this.numDocs = 0;
    this.valueBytes = 0;
    this.position = 4;
  }

  private emit(data: Buffer, huge: boolean): void {
    this.meta.writeUInt32LE((this.docIdOffset | (huge ? 0x80000000 : 0)) >>> 0, 0);
    this.meta.writeUInt32LE(this.chunkOffset >>> 0, 4);
    this.metaSink.write(this.meta);
    this.dataSink.write(data);
    this.chunkOffset += data.length;
    this.docIdOffset = this.nextDocId;
  }
}

class MemorySink implements ByteSink {
  readonly parts: Buffer[] = [];
  length = 0;
  write(data: Uint8Array): void {
    this.parts.push(Buffer.from(data));
    this.length += data.length;
  }
}

export interface RawForwardOptions {
  compression?: ChunkCompressionName;
  /** Target decompressed chunk size; default targetChunkSize(longest value). */
  chunkSize?: number;
  /** 4 (Pinot's default), 5 or 6; SV values are laid out the same in all three except V6's chunk header. */
  version?: 4 | 5 | 6;
}

/** In-memory V4 var-byte forward index of already-serialized values (STRING values as Java UTF-8). */
export function writeVarByteV4(values: Iterable<string | Uint8Array>, opts: RawForwardOptions = {}): Buffer {
  const vals = [...values].map((v) => (typeof v === 'string' ? javaUtf8(v) : v));
  const chunkSize = opts.chunkSize ?? targetChunkSize(vals.reduce((m, v) => Math.max(m, v.length), 0));
  const meta = new MemorySink();
  const data = new MemorySink();
  const chunker = new VarByteChunker(opts.version ?? 4, chunkSize, opts.compression ?? 'PASS_THROUGH', meta, data);
  for (const v of vals) chunker.put(v);
  chunker.flush();
  return Buffer.concat([chunker.header(16 + meta.length), ...meta.parts, ...data.parts]);
}

// ---------------------------------------------------------------------------------------------
// Value serialization

function typeError(storedType: RawStoredType, singleValue: boolean, value: unknown): TypeError {
  const what = value instanceof Uint8Array ? 'Uint8Array' : Array.isArray(value) ? 'array' : typeof value;
  return new TypeError(`raw ${singleValue ? 'SV' : 'MV'} ${storedType} forward index: unexpected ${what} value`);
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new TypeError(`LONG value ${String(v)} is not a bigint or an integer number`);
}

function toBytes(v: unknown, storedType: RawStoredType): Uint8Array {
  if (typeof v === 'string' && storedType === 'STRING') return javaUtf8(v);
  if (v instanceof Uint8Array && storedType !== 'STRING') return v;
  throw new TypeError(`${storedType} value must be ${storedType === 'STRING' ? 'a string' : 'a Uint8Array'}`);
}

function isList(v: unknown): v is ArrayLike<RawValue> {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && typeof (v as ArrayLike<unknown>).length === 'number';
}

/** ArraySerDeUtils.serialize{Int,Long,Float,Double}Array{With,Without}Length (big-endian). */
function serializeFixedMV(storedType: RawStoredType, values: ArrayLike<RawValue>, withLength: boolean): Buffer {
  const size = FIXED_SIZE[storedType] as number;
  const n = values.length;
  const head = withLength ? 4 : 0;
  const out = Buffer.allocUnsafe(head + n * size);
  if (withLength) out.writeInt32BE(n, 0);
  for (let i = 0, p = head; i < n; i++, p += size) {
    const v = values[i];
    switch (storedType) {
      case 'INT':
        if (typeof v !== 'number') throw new TypeError('INT values must be numbers');
        out.writeInt32BE(v, p);
        break;
      case 'LONG':
        out.writeBigInt64BE(toBigInt(v), p);
        break;
      case 'FLOAT':
        if (typeof v !== 'number') throw new TypeError('FLOAT values must be numbers');
        out.writeFloatBE(v, p);
        break;
      default:
        if (typeof v !== 'number') throw new TypeError('DOUBLE values must be numbers');
        out.writeDoubleBE(v, p);
    }
  }
  return out;
}

/** ArraySerDeUtils.serializeStringArray / serializeBytesArray / serializeBigDecimalArray. */
function serializeVarMV(storedType: RawStoredType, values: ArrayLike<RawValue>): Buffer {
  const n = values.length;
  const parts: Uint8Array[] = new Array(n);
  let size = 4 + 4 * n;
  for (let i = 0; i < n; i++) {
    const b = toBytes(values[i], storedType);
    parts[i] = b;
    size += b.length;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(n, 0);
  let p = 4 + 4 * n;
  for (let i = 0; i < n; i++) {
    const b = parts[i] as Uint8Array;
    out.writeInt32BE(b.length, 4 + 4 * i);
    out.set(b, p);
    p += b.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Streaming writers

export interface RawForwardIndexWriter {
  /** SV: one value; MV: the row's values (an array or typed array). */
  add(value: RawValue | ArrayLike<RawValue>): void;
  /** Writes the remaining chunk and the header; the file is complete afterwards. */
  close(): void;
  /** Stops writing and deletes the output and temporary files. */
  abort(): void;
  /** Docs added so far. */
  readonly numDocsAdded: number;
  /** The header's chunk size: decompressed bytes per chunk (var-byte) or docs per chunk (fixed-byte). */
  readonly layout: RawForwardLayout;
}

export interface RawForwardLayout {
  format: 'FIXED_BYTE_CHUNK' | 'VAR_BYTE_CHUNK';
  version: number;
  /** The compression type written in the header. */
  compression: ChunkCompressionName;
  /** VAR_BYTE_CHUNK: target decompressed chunk size in bytes. */
  chunkSize?: number;
  /** FIXED_BYTE_CHUNK: docs per chunk. */
  docsPerChunk?: number;
}

export interface RawForwardIndexWriterOptions {
  /** Output path, e.g. `<column>.sv.raw.fwd` / `<column>.mv.raw.fwd`. `<file>.buf` is used as scratch. */
  file: string;
  /** The column's stored type: BOOLEAN -> INT, TIMESTAMP -> LONG, JSON -> STRING. BIG_DECIMAL values are
   *  BigDecimalUtils.serialize bytes (Uint8Array). */
  storedType: RawStoredType;
  singleValue: boolean;
  /** The chunk compression (see rawChunkCompression in codecs.ts for Pinot's choice). */
  compression: ChunkCompressionName;
  /** Docs the column holds; close() checks that exactly this many were added. */
  numDocs: number;
  /** SV var-byte: the longest value in bytes (Java UTF-8 for STRING); Pinot's lengthOfLongestEntry. */
  maxLength?: number;
  /** MV: the most values in one row (maxNumberOfMultiValues). */
  maxNumberOfMultiValues?: number;
  /** MV STRING/BYTES/BIG_DECIMAL: the largest sum of a row's value lengths in bytes (maxRowLengthInBytes). */
  maxRowLengthInBytes?: number;
  /** ForwardIndexConfig.rawIndexWriterVersion; default 4. Fixed-byte SV takes 2..6, var-byte 4..6. */
  writerVersion?: number;
  /** ForwardIndexConfig.targetDocsPerChunk; default 1000. */
  targetDocsPerChunk?: number;
  /** ForwardIndexConfig.targetMaxChunkSize in bytes; default 1 MB. */
  targetMaxChunkSizeBytes?: number;
}

/**
 * Opens a streaming raw forward index writer laid out as Pinot's ForwardIndexCreatorFactory
 * would for this column: a FixedByteChunkForwardIndexWriter file for SV fixed-width types, a
 * VarByteChunkForwardIndexWriterV4 file (V6 when writerVersion is 6, V5 for MV fixed-width when 5)
 * for everything else.
 */
export function createRawForwardIndexWriter(opts: RawForwardIndexWriterOptions): RawForwardIndexWriter {
  const { storedType, singleValue } = opts;
  const version = opts.writerVersion ?? DEFAULT_RAW_INDEX_WRITER_VERSION;
  const targetDocs = opts.targetDocsPerChunk ?? DEFAULT_TARGET_DOCS_PER_CHUNK;
  const targetMax = opts.targetMaxChunkSizeBytes ?? DEFAULT_TARGET_MAX_CHUNK_SIZE_BYTES;
  if (!Number.isInteger(opts.numDocs) || opts.numDocs < 0) throw new RangeError(`bad numDocs ${opts.numDocs}`);
  const size = FIXED_SIZE[storedType];
  if (FIXED_SIZE[storedType] === undefined && !['BIG_DECIMAL', 'STRING', 'BYTES'].includes(storedType)) {
    throw new TypeError(`unsupported stored type ${String(storedType)}`);
  }
  if (singleValue && size !== undefined) {
    if (![2, 3, 4, 5, 6].includes(version)) throw new RangeError(`fixed-byte raw index version ${version} is not supported`);
    return new FixedByteChunkWriter(opts, version, size, fixedByteDocsPerChunk(version, targetDocs));
  }
  if (version !== 4 && version !== 5 && version !== 6) {
    throw new RangeError(`var-byte raw index writer version ${version} is not supported (4, 5 or 6)`);
  }
  const need = (name: 'maxLength' | 'maxNumberOfMultiValues' | 'maxRowLengthInBytes'): number => {
    const v = opts[name];
    if (v === undefined || !Number.isInteger(v) || v < 0) throw new RangeError(`${name} is required (a non-negative integer)`);
    return v;
  };
  let put: (v: RawValue | ArrayLike<RawValue>) => Uint8Array;
  let chunkSize: number;
  let fileVersion: 4 | 5 | 6;
  if (singleValue) {
    // SingleValueVarByteRawIndexCreator: V6 only when asked, V4 otherwise (also for 5).
    fileVersion = version === 6 ? 6 : 4;
    chunkSize = targetChunkSize(need('maxLength'), targetDocs, targetMax);
    put = (v) => {
      if (isList(v) || typeof v === 'number' || typeof v === 'bigint') throw typeError(storedType, true, v);
      return toBytes(v, storedType);
    };
  } else if (size !== undefined) {
    // MultiValueFixedByteRawIndexCreator: V5/V6 drop the count prefix.
    fileVersion = version;
    const withLength = version === 4;
    chunkSize = targetChunkSize((withLength ? 4 : 0) + need('maxNumberOfMultiValues') * size, targetDocs, targetMax);
    put = (v) => {
      if (!isList(v) || typeof v === 'string') throw typeError(storedType, false, v);
      return serializeFixedMV(storedType, v, withLength);
    };
  } else {
    // MultiValueVarByteRawIndexCreator: getTotalRowStorageBytes.
    fileVersion = version === 6 ? 6 : 4;
    const total = 4 * need('maxNumberOfMultiValues') + 4 + need('maxRowLengthInBytes');
    if (total > 2147483647) throw new RangeError('integer overflow detected');
    chunkSize = targetChunkSize(total, targetDocs, targetMax);
    put = (v) => {
      if (!isList(v) || typeof v === 'string') throw typeError(storedType, false, v);
      return serializeVarMV(storedType, v);
    };
  }
  return new VarByteChunkWriter(opts, fileVersion, chunkSize, put);
}

class VarByteChunkWriter implements RawForwardIndexWriter {
  private readonly fd: number;
  private readonly bufFd: number;
  private readonly bufFile: string;
  private readonly metaSink: FileSink;
  private readonly dataSink: FileSink;
  private readonly chunker: VarByteChunker;
  private done = false;
  readonly layout: RawForwardLayout;

  constructor(
    private readonly opts: RawForwardIndexWriterOptions,
    version: 4 | 5 | 6,
    chunkSize: number,
    private readonly serialize: (v: RawValue | ArrayLike<RawValue>) => Uint8Array,
  ) {
    this.bufFile = `${opts.file}.buf`;
    this.fd = openSync(opts.file, 'w+');
    try {
      this.bufFd = openSync(this.bufFile, 'w+');
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
    // The header's chunks-offset slot is filled in on close.
    this.metaSink = new FileSink(this.fd, 16, 64 * 1024);
    this.dataSink = new FileSink(this.bufFd, 0, Math.max(256 * 1024, chunkSize));
    this.chunker = new VarByteChunker(version, chunkSize, opts.compression, this.metaSink, this.dataSink);
    this.layout = { format: 'VAR_BYTE_CHUNK', version, compression: this.chunker.compressor.type, chunkSize };
  }

  get numDocsAdded(): number {
    return this.chunker.docs;
  }

  add(value: RawValue | ArrayLike<RawValue>): void {
    if (this.done) throw new Error('raw forward index writer is closed');
    if (this.chunker.docs >= this.opts.numDocs) throw new RangeError(`more than numDocs (${this.opts.numDocs}) values added`);
    this.chunker.put(this.serialize(value));
  }

  close(): void {
    if (this.done) return;
    if (this.chunker.docs !== this.opts.numDocs) {
      this.abort();
      throw new RangeError(`raw forward index: ${this.chunker.docs} values added, numDocs is ${this.opts.numDocs}`);
    }
    this.done = true;
    try {
      this.chunker.flush();
      this.metaSink.flush();
      this.dataSink.flush();
      const chunksOffset = 16 + this.metaSink.length;
      pwriteAll(this.fd, this.chunker.header(chunksOffset), 0);
      // Append the chunks after the metadata, a block at a time.
      const block = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(this.dataSink.length, 1)));
      let pos = 0;
      while (pos < this.dataSink.length) {
        const n = readSync(this.bufFd, block, 0, Math.min(block.length, this.dataSink.length - pos), pos);
        if (n <= 0) throw new Error(`short read of ${this.bufFile}`);
        pwriteAll(this.fd, block.subarray(0, n), chunksOffset + pos);
        pos += n;
      }
      ftruncateSync(this.fd, chunksOffset + this.dataSink.length);
    } finally {
      closeSync(this.bufFd);
      closeSync(this.fd);
      unlinkSync(this.bufFile);
    }
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    closeSync(this.bufFd);
    closeSync(this.fd);
    unlinkSync(this.bufFile);
    unlinkSync(this.opts.file);
  }
}

/**
 * FixedByteChunkForwardIndexWriter (BaseChunkForwardIndexWriter layout), all big-endian: int version,
 * int numChunks, int docsPerChunk, int sizeOfEntry, int totalDocs, int compression type, int offset
 * of the chunk-offset table (28); then per chunk the file offset of its start (long; int in
 * version 2); then the chunks, each docsPerChunk values big-endian (the last may be short),
 * compressed without the LZ4 length upgrade. The header is written last, as in Pinot.
 */
class FixedByteChunkWriter implements RawForwardIndexWriter {
  private readonly fd: number;
  private readonly sink: FileSink;
  private readonly header: Buffer;
  private readonly chunk: Buffer;
  private readonly compressor: ChunkCompressor;
  private readonly offsetSize: number;
  private readonly numChunks: number;
  private pos = 0;
  private docs = 0;
  private chunksWritten = 0;
  private dataOffset: number;
  private done = false;
  private readonly putValue: (v: unknown, at: number) => void;
  readonly layout: RawForwardLayout;

  constructor(
    private readonly opts: RawForwardIndexWriterOptions,
    version: number,
    private readonly size: number,
    docsPerChunk: number,
  ) {
    if (!Number.isInteger(docsPerChunk) || docsPerChunk < 1) throw new RangeError(`bad docs per chunk ${docsPerChunk}`);
    this.compressor = getChunkCompressor(opts.compression, { gzipSizeOrder: 'BE' });
    this.offsetSize = version === 2 ? 4 : 8;
    this.numChunks = Math.ceil(opts.numDocs / docsPerChunk);
    const headerSize = 28 + this.numChunks * this.offsetSize;
    this.header = Buffer.alloc(headerSize);
    const h = this.header;
    h.writeInt32BE(version, 0);
    h.writeInt32BE(this.numChunks, 4);
    h.writeInt32BE(docsPerChunk, 8);
    h.writeInt32BE(size, 12);
    h.writeInt32BE(opts.numDocs, 16);
    h.writeInt32BE(CHUNK_COMPRESSION_ID[opts.compression], 20);
    h.writeInt32BE(28, 24);
    this.dataOffset = headerSize;
    this.chunk = Buffer.allocUnsafe(size * docsPerChunk);
    const c = this.chunk;
    switch (opts.storedType) {
      case 'INT':
        this.putValue = (v, at) => {
          if (typeof v !== 'number') throw typeError('INT', true, v);
          c.writeInt32BE(v, at);
        };
        break;
      case 'LONG':
        this.putValue = (v, at) => c.writeBigInt64BE(toBigInt(v), at);
        break;
      case 'FLOAT':
        this.putValue = (v, at) => {
          if (typeof v !== 'number') throw typeError('FLOAT', true, v);
          c.writeFloatBE(v, at);
        };
        break;
      default:
        this.putValue = (v, at) => {
          if (typeof v !== 'number') throw typeError('DOUBLE', true, v);
          c.writeDoubleBE(v, at);
        };
    }
    this.fd = openSync(opts.file, 'w+');
    this.sink = new FileSink(this.fd, headerSize, Math.max(256 * 1024, this.chunk.length));
    this.layout = { format: 'FIXED_BYTE_CHUNK', version, compression: opts.compression, docsPerChunk };
  }

  get numDocsAdded(): number {
    return this.docs;
  }

  add(value: RawValue | ArrayLike<RawValue>): void {
    if (this.done) throw new Error('raw forward index writer is closed');
    if (this.docs >= this.opts.numDocs) throw new RangeError(`more than numDocs (${this.opts.numDocs}) values added`);
    this.putValue(value, this.pos);
    this.pos += this.size;
    this.docs++;
    if (this.pos === this.chunk.length) this.writeChunk();
  }

  private writeChunk(): void {
    const data = this.compressor.compress(this.chunk.subarray(0, this.pos));
    const at = 28 + this.chunksWritten * this.offsetSize;
    if (this.offsetSize === 4) {
      if (this.dataOffset > 2147483647) {
        throw new RangeError('Integer overflow detected. Try to use raw version 3 or 4, reduce targetDocsPerChunk or targetMaxChunkSize');
      }
      this.header.writeInt32BE(this.dataOffset, at);
    } else {
      this.header.writeBigInt64BE(BigInt(this.dataOffset), at);
    }
    this.sink.write(data);
    this.dataOffset += data.length;
    this.chunksWritten++;
    this.pos = 0;
  }

  close(): void {
    if (this.done) return;
    if (this.docs !== this.opts.numDocs) {
      this.abort();
      throw new RangeError(`raw forward index: ${this.docs} values added, numDocs is ${this.opts.numDocs}`);
    }
    this.done = true;
    try {
      if (this.pos > 0) this.writeChunk();
      this.sink.flush();
      pwriteAll(this.fd, this.header, 0);
      ftruncateSync(this.fd, this.dataOffset);
    } finally {
      closeSync(this.fd);
    }
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    closeSync(this.fd);
    unlinkSync(this.opts.file);
  }
}
