import { open, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ColumnsPsf } from './columns-psf.js';
import { type CreationMeta, parseCreationMeta } from './creation-meta.js';
import { pinotCrc } from './crc.js';
import { readDictionary, readVarLength, type Value } from './dictionary.js';
import { SegmentFormatError, SegmentUnsupportedError } from './errors.js';
import { rawStoredType, readFixedBitSV, readRawMV, readRawSV, readSortedSV } from './forward-index.js';
import { readFixedBitMV } from './writer/fixed-bit.js';
import { bigDecimalToPlainString, deserializeBigDecimal } from './big-decimal.js';
import { Adler32 } from './crc.js';
import { parseIndexMap } from './index-map.js';
import { parseLegacyRawValueInvertedIndex, readBitmapInvertedIndex } from './inverted-index.js';
import { type ColumnMetadata, parseSegmentMetadata, type SegmentMetadata } from './metadata.js';
import { parseProperties } from './properties.js';
import { decodeRoaring } from './roaring.js';
import { type ExtractOptions, openSegmentSource, type SegmentLayout, type SegmentLocation } from './segment-source.js';

export type IndexId = 'dictionary' | 'forward_index' | 'inverted_index' | 'nullvalue_vector';

/** A doc's value: a scalar for single-value columns, an array for multi-value ones. */
export type CellValue = Value | Value[];

export interface CrcResult {
  expected: bigint;
  actual: bigint;
  expectedData?: bigint;
  actualData?: bigint;
}

/** The v1 file suffix of each v3 index id (V1Constants.Indexes). */
function v1FileName(col: ColumnMetadata, indexId: string): string {
  switch (indexId) {
    case 'dictionary':
      return `${col.name}.dict`;
    case 'forward_index':
      if (!col.hasDictionary) return col.isSingleValue ? `${col.name}.sv.raw.fwd` : `${col.name}.mv.raw.fwd`;
      if (!col.isSingleValue) return `${col.name}.mv.fwd`;
      return col.isSorted ? `${col.name}.sv.sorted.fwd` : `${col.name}.sv.unsorted.fwd`;
    case 'inverted_index':
      return `${col.name}.bitmap.inv`;
    case 'range_index':
      return `${col.name}.bitmap.range`;
    case 'bloom_filter':
      return `${col.name}.bloom`;
    case 'nullvalue_vector':
      return `${col.name}.bitmap.nullvalue`;
    case 'json_index':
      return `${col.name}.json.idx`;
    case 'h3_index':
      return `${col.name}.h3.idx`;
    default:
      throw new SegmentUnsupportedError(`CRC: no known v1 file name for index '${indexId}' of column '${col.name}'`);
  }
}

export class SegmentReader {
  private readonly dictCache = new Map<string, Value[]>();

  private constructor(
    readonly location: SegmentLocation,
    readonly metadata: SegmentMetadata,
    readonly creationMeta: CreationMeta | undefined,
    private readonly psf: ColumnsPsf | undefined,
    private readonly metadataBytes: Buffer,
  ) {}

  static async open(source: string, opts: ExtractOptions = {}): Promise<SegmentReader> {
    const location = await openSegmentSource(source, opts);
    let psf: ColumnsPsf | undefined;
    try {
      const metadataBytes = await readFile(path.join(location.indexDir, 'metadata.properties'));
      const metadata = parseSegmentMetadata(parseProperties(metadataBytes.toString('utf8')));
      let creationMeta: CreationMeta | undefined;
      try {
        creationMeta = parseCreationMeta(await readFile(path.join(location.indexDir, 'creation.meta')));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      if (location.layout === 'v3') {
        const map = parseIndexMap(await readFile(path.join(location.indexDir, 'index_map'), 'utf8'));
        psf = await ColumnsPsf.open(path.join(location.indexDir, 'columns.psf'), map);
      }
      return new SegmentReader(location, metadata, creationMeta, psf, metadataBytes);
    } catch (err) {
      await psf?.close();
      await location.cleanup();
      throw err;
    }
  }

  get layout(): SegmentLayout {
    return this.location.layout;
  }

  get columns(): ColumnMetadata[] {
    return [...this.metadata.columns.values()];
  }

  column(name: string): ColumnMetadata {
    const c = this.metadata.columns.get(name);
    if (!c) throw new SegmentFormatError(`segment ${this.metadata.name} has no column '${name}'`);
    return c;
  }

  /** Whether the index exists on disk. */
  async hasIndex(column: string, indexId: IndexId): Promise<boolean> {
    if (this.psf) return this.psf.find(column, indexId) !== undefined;
    const files = await readdir(this.location.indexDir);
    return files.includes(v1FileName(this.column(column), indexId));
  }

  /** The bytes of one index buffer (v3: sliced from columns.psf; v1: the per-index file). */
  async indexBuffer(column: string, indexId: IndexId): Promise<Buffer> {
    const col = this.column(column);
    if (this.psf) return this.psf.read(column, indexId);
    const file = path.join(this.location.indexDir, v1FileName(col, indexId));
    try {
      return await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new SegmentFormatError(`segment ${this.metadata.name}: no ${indexId} for column '${column}' (${path.basename(file)})`);
      }
      throw err;
    }
  }

  /** The column's dictionary, indexed by dictId. */
  async dictionary(column: string): Promise<Value[]> {
    const cached = this.dictCache.get(column);
    if (cached) return cached;
    const col = this.column(column);
    if (!col.hasDictionary) throw new SegmentFormatError(`column '${column}' has no dictionary (raw column)`);
    const dict = readDictionary(await this.indexBuffer(column, 'dictionary'), col, this.metadata.paddingCharacter);
    this.dictCache.set(column, dict);
    return dict;
  }

  /** Dictionary ids per doc (dictionary-encoded single-value columns). */
  async dictIds(column: string): Promise<Int32Array> {
    const col = this.column(column);
    if (col.forwardIndexEncoding === 'RAW') throw new SegmentFormatError(`column '${column}' has a raw forward index: it has no dictIds`);
    if (!col.isSingleValue) throw new SegmentFormatError(`column '${column}' is multi-value: use mvDictIds`);
    const buf = await this.indexBuffer(column, 'forward_index');
    if (col.isSorted) return readSortedSV(buf, col.cardinality, this.metadata.totalDocs);
    return readFixedBitSV(buf, this.metadata.totalDocs, col.bitsPerElement);
  }

  /** Dictionary ids per doc of a dictionary-encoded multi-value column (FixedBitMVForwardIndex). */
  async mvDictIds(column: string): Promise<number[][]> {
    const col = this.column(column);
    if (col.forwardIndexEncoding === 'RAW' || col.isSingleValue) throw new SegmentFormatError(`column '${column}' is not a dictionary-encoded multi-value column`);
    const buf = await this.indexBuffer(column, 'forward_index');
    return readFixedBitMV(buf, this.metadata.totalDocs, col.totalNumberOfEntries, col.bitsPerElement);
  }

  /** Every doc's value, decoded through the dictionary or from the raw forward index; MV docs are arrays. */
  async values(column: string): Promise<CellValue[]> {
    const col = this.column(column);
    // ForwardIndexReaderFactory picks the reader by the forward index encoding, not by the dictionary.
    if (col.forwardIndexEncoding === 'DICTIONARY') {
      const dict = await this.dictionary(column);
      const lookup = (id: number): Value => {
        const v = dict[id];
        if (v === undefined) throw new SegmentFormatError(`column '${column}': dictId ${id} >= cardinality ${dict.length}`);
        return v;
      };
      if (!col.isSingleValue) return (await this.mvDictIds(column)).map((row) => row.map(lookup));
      return Array.from(await this.dictIds(column), lookup);
    }
    const buf = await this.indexBuffer(column, 'forward_index');
    const stored = rawStoredType(col.dataType);
    const decode = (v: number | bigint | string | Buffer): Value => {
      if (col.dataType === 'BOOLEAN') return v !== 0;
      if (col.dataType === 'BIG_DECIMAL') return bigDecimalToPlainString(deserializeBigDecimal(v as Buffer));
      if (Buffer.isBuffer(v)) return stored === 'STRING' ? v.toString('utf8') : new Uint8Array(v);
      return v;
    };
    if (col.isSingleValue) {
      const raw = readRawSV(buf, stored, this.metadata.totalDocs) as ArrayLike<number | bigint | string | Buffer>;
      return Array.from(raw, decode);
    }
    const rows = readRawMV(buf, stored, this.metadata.totalDocs) as unknown as ArrayLike<ArrayLike<number | bigint | string | Buffer>>;
    return Array.from(rows, (row) => Array.from(row, decode));
  }

  /** DocIds whose value was null at ingestion (the null value vector); empty when there is none. */
  async nullDocIds(column: string): Promise<number[]> {
    if (!(await this.hasIndex(column, 'nullvalue_vector'))) return [];
    return decodeRoaring(await this.indexBuffer(column, 'nullvalue_vector')).values;
  }

  /**
   * The bitmap inverted index as docIds per value (keys in dictId order). Dictionary columns use
   * the standard format; raw columns are read in the legacy embedded-dictionary format (the only
   * one Pinot ever wrote for raw columns, see LegacyRawValueInvertedIndexCleanup).
   */
  async invertedIndex(column: string): Promise<Map<Value, number[]>> {
    const col = this.column(column);
    const buf = await this.indexBuffer(column, 'inverted_index');
    let keys: Value[];
    let bitmaps: number[][];
    if (col.hasDictionary) {
      keys = await this.dictionary(column);
      bitmaps = readBitmapInvertedIndex(buf, col.cardinality);
    } else {
      const legacy = parseLegacyRawValueInvertedIndex(buf, col.cardinality);
      if (!legacy) {
        throw new SegmentUnsupportedError(`column '${column}': raw column with an unrecognised inverted index format`);
      }
      const raw = readVarLength(legacy.dictionary, col);
      keys = col.dataType === 'STRING' ? raw.map((b) => Buffer.from(b).toString('utf8')) : raw;
      bitmaps = readBitmapInvertedIndex(legacy.invertedIndex, col.cardinality);
    }
    if (keys.length !== bitmaps.length) {
      throw new SegmentFormatError(
        `column '${column}': inverted index has ${bitmaps.length} bitmaps for ${keys.length} distinct values`,
      );
    }
    return new Map(keys.map((k, i) => [k, bitmaps[i] as number[]]));
  }

  /** The v1 files Pinot's CRC covers, with their bytes (v3: rebuilt from columns.psf). */
  async crcFiles(): Promise<Array<{ name: string; bytes: Buffer }>> {
    if (!this.psf) {
      const dir = this.location.indexDir;
      const ents = await readdir(dir, { withFileTypes: true });
      return Promise.all(
        ents.filter((e) => e.isFile()).map(async (e) => ({ name: e.name, bytes: await readFile(path.join(dir, e.name)) })),
      );
    }
    const files: Array<{ name: string; bytes: Buffer }> = [];
    for (const e of this.psf.entries) {
      const col = this.column(e.column);
      files.push({ name: v1FileName(col, e.indexId), bytes: await this.psf.read(e.column, e.indexId) });
    }
    files.push({ name: 'metadata.properties', bytes: stripIndexVersionLine(this.metadataBytes) });
    return files;
  }

  /**
   * Computes Pinot's CRCs without comparing. `crc` is over the files as they are now (v1: every
   * file; v3: columns.psf, index_map, metadata.properties, which is what Pinot computes for a
   * segment it builds as v3); `v1Crc` is over the v1 files rebuilt from a v3 segment, which is what
   * a segment converted from v1 carries (the converter copies creation.meta unchanged).
   */
  async computeCrc(): Promise<{ crc: bigint; v1Crc: bigint; dataCrc: bigint }> {
    const files = await this.crcFiles();
    const v1Crc = BigInt(pinotCrc(files));
    const dataCrc = BigInt(pinotCrc(files, true));
    if (!this.psf) return { crc: v1Crc, v1Crc, dataCrc };
    const a = new Adler32();
    for (const name of ['columns.psf', 'index_map', 'metadata.properties']) {
      const handle = await open(path.join(this.location.indexDir, name), 'r');
      try {
        for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) a.update(chunk as Buffer);
      } finally {
        await handle.close();
      }
    }
    return { crc: BigInt(a.value()), v1Crc, dataCrc };
  }

  /** Recomputes the CRCs and throws a SegmentFormatError when they differ from creation.meta. */
  async verifyCrc(): Promise<CrcResult> {
    if (!this.creationMeta) throw new SegmentFormatError(`segment ${this.metadata.name}: no creation.meta to verify against`);
    const { crc, v1Crc, dataCrc } = await this.computeCrc();
    const expected = this.creationMeta.crc;
    const actual = expected === v1Crc ? v1Crc : crc;
    const res: CrcResult = { expected, actual };
    if (this.creationMeta.dataCrc !== undefined) {
      res.expectedData = this.creationMeta.dataCrc;
      res.actualData = dataCrc;
    }
    const hex = (n: bigint) => `0x${n.toString(16).toUpperCase()}`;
    if (actual !== expected) {
      throw new SegmentFormatError(
        `segment ${this.metadata.name}: CRC mismatch: creation.meta says ${hex(expected)}, ` +
          `the files give ${hex(crc)}${this.psf ? ` (as v1 files: ${hex(v1Crc)})` : ''} (the segment is corrupt or was modified)`,
      );
    }
    if (res.expectedData !== undefined && dataCrc !== res.expectedData) {
      throw new SegmentFormatError(
        `segment ${this.metadata.name}: data CRC mismatch: creation.meta says ${hex(res.expectedData)}, files give ${hex(dataCrc)}`,
      );
    }
    return res;
  }

  async close(): Promise<void> {
    await this.psf?.close();
    await this.location.cleanup();
  }
}

/** metadata.properties as it was before the v3 converter appended `segment.index.version = v3`. */
export function stripIndexVersionLine(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const m = /(^|\n)segment\.index\.version = v3\r?\n?$/.exec(text);
  if (!m) return bytes;
  return bytes.subarray(0, m.index + m[1]!.length);
}

/** Opens a segment from a `.tar.gz`, a segment directory or a v3/ directory. */
export function openSegment(source: string, opts: ExtractOptions = {}): Promise<SegmentReader> {
  return SegmentReader.open(source, opts);
}
