import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bitsPerElement, fixedBitMVGeometry } from '../writer/fixed-bit.js';
import { writeVarLength } from '../writer/dictionary-writer.js';
import { serializeRoaring } from '../writer/roaring-writer.js';
import type { ColumnCollector, ColumnStatistics } from './column-collector.js';
import type { DistinctValues } from './id-table.js';
import { BitPackWriter, PositionalWriter, writeAll } from './file-writers.js';
import { SpillReader } from './spill.js';
import type { StoredScalar, TypeOps } from './type-ops.js';

/** How the index pass should lay out one column. */
export interface ColumnIndexPlan {
  column: string;
  ops: TypeOps;
  singleValue: boolean;
  dictionary: boolean;
  inverted: boolean;
  /** STRING: write the var-length dictionary format instead of the padded fixed one. */
  varLengthDictionary: boolean;
  /** A dictionary column whose forward index is RAW (forwardIndexEncoding RAW, e.g. an inverted index on a no-dictionary column). */
  rawForwardWithDictionary?: boolean;
  /** Raw columns: writes the raw forward index from the spilled values (chunked, compressed). */
  rawForward?: (file: string, values: () => Iterable<StoredScalar | StoredScalar[]>, stats: ColumnStatistics) => void;
}

/** What the index pass produced, for metadata.properties and the v3 layout. */
export interface ColumnIndexResult {
  column: string;
  stats: ColumnStatistics;
  hasDictionary: boolean;
  /** The forward index is RAW (forwardIndexEncoding). */
  rawForward: boolean;
  /** lengthOfEachEntry / getNumBytesPerEntry: 0 for fixed-width numerics. */
  dictionaryElementSize: number;
  min: StoredScalar | undefined;
  max: StoredScalar | undefined;
  /** v1 file names written, by Pinot index id. */
  files: Map<string, string>;
  /** The column has a null value vector creator (null handling on for it). */
  nullHandling: boolean;
  hasNullVector: boolean;
}

/** Entries per inverted-index pass: bounds the docId buffer (4 bytes each) whatever the row count. */
const INVERTED_BUDGET = 4 * 1024 * 1024;
const ID_BLOCK = 64 * 1024;

/**
 * The index pass for one column (Pinot's per-column creators, then seal): dictionary, forward
 * index, inverted index and null value vector as v1 files in `v1Dir`.
 */
export function indexColumn(plan: ColumnIndexPlan, collector: ColumnCollector, stats: ColumnStatistics, v1Dir: string): ColumnIndexResult {
  const files = new Map<string, string>();
  const col = plan.column;
  let min = stats.min;
  let max = stats.max;
  let dictionaryElementSize = 0;
  const totalDocs = stats.totalDocs;

  if (plan.dictionary && totalDocs > 0) {
    const dict = buildSortedDictionary(plan, collector.distinct, stats);
    const { remap, bytes, elementSize } = dict;
    dictionaryElementSize = elementSize;
    min = dict.min;
    max = dict.max;
    const dictFile = `${col}.dict`;
    writeFileSync(join(v1Dir, dictFile), bytes);
    files.set('dictionary', dictFile);
    const cardinality = dict.cardinality;
    const bits = bitsPerElement(cardinality);

    if (plan.rawForwardWithDictionary) {
      if (!plan.rawForward) throw new Error(`column ${col}: no raw forward index writer`);
      const fwd = plan.singleValue ? `${col}.sv.raw.fwd` : `${col}.mv.raw.fwd`;
      const distinct = collector.distinct;
      const file = collector.spill.file;
      const sv = plan.singleValue;
      plan.rawForward(join(v1Dir, fwd), () => readIdsAsValues(file, distinct, sv, totalDocs), stats);
      files.set('forward_index', fwd);
    } else if (plan.singleValue && stats.isSorted) {
      const fwd = `${col}.sv.sorted.fwd`;
      writeSortedForward(collector.spill.file, remap, cardinality, join(v1Dir, fwd));
      files.set('forward_index', fwd);
    } else if (plan.singleValue) {
      const fwd = `${col}.sv.unsorted.fwd`;
      writeUnsortedSV(collector.spill.file, remap, bits, totalDocs, join(v1Dir, fwd));
      files.set('forward_index', fwd);
    } else {
      const fwd = `${col}.mv.fwd`;
      writeFixedBitMVStream(collector.spill.file, remap, bits, totalDocs, stats.totalNumberOfEntries, join(v1Dir, fwd));
      files.set('forward_index', fwd);
    }
    // A sorted column answers filters from its forward index; Pinot skips the inverted index.
    if (plan.inverted && !(plan.singleValue && stats.isSorted)) {
      const inv = `${col}.bitmap.inv`;
      writeInvertedIndex(collector.spill.file, remap, cardinality, plan.singleValue, totalDocs, join(v1Dir, inv));
      files.set('inverted_index', inv);
    }
  } else if (totalDocs > 0) {
    if (!plan.rawForward) throw new Error(`column ${col}: no raw forward index writer`);
    const fwd = plan.singleValue ? `${col}.sv.raw.fwd` : `${col}.mv.raw.fwd`;
    const file = collector.spill.file;
    const ops = plan.ops;
    const sv = plan.singleValue;
    plan.rawForward(join(v1Dir, fwd), () => readRawValues(file, ops, sv, totalDocs), stats);
    files.set('forward_index', fwd);
  }

  let hasNullVector = false;
  if (collector.nullSpill && stats.numNulls > 0) {
    const docIds = new Uint32Array(stats.numNulls);
    const r = new SpillReader(collector.nullSpill.file);
    try {
      for (let i = 0; i < docIds.length; i++) docIds[i] = r.int32();
    } finally {
      r.close();
    }
    const nv = `${col}.bitmap.nullvalue`;
    writeFileSync(join(v1Dir, nv), serializeRoaring(docIds));
    files.set('nullvalue_vector', nv);
    hasNullVector = true;
  }
  return { column: col, stats, hasDictionary: plan.dictionary && totalDocs > 0, rawForward: !plan.dictionary || plan.rawForwardWithDictionary === true, dictionaryElementSize, min, max, files, nullHandling: collector.nullSpill !== undefined, hasNullVector };
}

function* readIdsAsValues(file: string, distinct: DistinctValues, singleValue: boolean, numDocs: number): Generator<StoredScalar | StoredScalar[]> {
  const r = new SpillReader(file);
  try {
    for (let d = 0; d < numDocs; d++) {
      if (singleValue) {
        yield distinct.get(r.int32()) as StoredScalar;
      } else {
        const n = r.int32();
        const row: StoredScalar[] = new Array<StoredScalar>(n);
        for (let i = 0; i < n; i++) row[i] = distinct.get(r.int32()) as StoredScalar;
        yield row;
      }
    }
  } finally {
    r.close();
  }
}

function* readRawValues(file: string, ops: TypeOps, singleValue: boolean, numDocs: number): Generator<StoredScalar | StoredScalar[]> {
  const r = new SpillReader(file);
  try {
    for (let d = 0; d < numDocs; d++) {
      if (singleValue) {
        yield ops.read(r);
      } else {
        const n = r.int32();
        const row: StoredScalar[] = new Array<StoredScalar>(n);
        for (let i = 0; i < n; i++) row[i] = ops.read(r);
        yield row;
      }
    }
  } finally {
    r.close();
  }
}

interface SortedDictionary {
  /** provisional id -> dictId */
  remap: Int32Array;
  cardinality: number;
  min: StoredScalar;
  max: StoredScalar;
  bytes: Buffer;
  elementSize: number;
}

/** Java Double.compare order for numbers (-0.0 < 0.0, NaN last), as typed-array sort uses. */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = sorted[mid] as number;
    // m < v in the total order
    const less = m < v || (m === v && Object.is(m, -0) && Object.is(v, 0)) || (Number.isNaN(v) && !Number.isNaN(m));
    if (less) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * SegmentDictionaryCreator.build: distinct values sorted by compareTo; fixed-width numerics
 * big-endian (getNumBytesPerEntry stays 0), STRING padded with '\0' to the longest UTF-8 value,
 * BYTES/BIG_DECIMAL var-length unless every value has the same length. Numeric columns sort a
 * Float64Array natively (its order is Java's Double.compare order) and find each value's dictId
 * by binary search.
 */
function buildSortedDictionary(plan: ColumnIndexPlan, distinct: DistinctValues, stats: ColumnStatistics): SortedDictionary {
  const ops = plan.ops;
  const n = distinct.length;
  const remap = new Int32Array(n);
  if (distinct.numeric) {
    const values = distinct.numberView();
    const sorted = Float64Array.from(values).sort();
    for (let p = 0; p < n; p++) remap[p] = lowerBound(sorted, values[p] as number);
    const bytes = Buffer.alloc(n * ops.fixedSize);
    for (let i = 0; i < n; i++) {
      const v = sorted[i] as number;
      switch (ops.type) {
        case 'INT':
          bytes.writeInt32BE(v, i * 4);
          break;
        case 'LONG':
          bytes.writeBigInt64BE(BigInt(v), i * 8);
          break;
        case 'FLOAT':
          bytes.writeFloatBE(v, i * 4);
          break;
        default:
          bytes.writeDoubleBE(v, i * 8);
      }
    }
    const asStored = (v: number): StoredScalar => (ops.type === 'LONG' ? BigInt(v) : v);
    return { remap, cardinality: n, min: asStored(sorted[0] as number), max: asStored(sorted[n - 1] as number), bytes, elementSize: 0 };
  }
  const objects = distinct.objectView() as StoredScalar[];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ops.compare(objects[a] as StoredScalar, objects[b] as StoredScalar));
  const sorted: StoredScalar[] = new Array<StoredScalar>(n);
  order.forEach((p, k) => {
    remap[p] = k;
    sorted[k] = objects[p] as StoredScalar;
  });
  const min = sorted[0] as StoredScalar;
  const max = sorted[n - 1] as StoredScalar;
  if (ops.fixedSize > 0) {
    // LONG beyond +-2^53.
    const bytes = Buffer.alloc(n * ops.fixedSize);
    for (let i = 0; i < n; i++) bytes.writeBigInt64BE(sorted[i] as bigint, i * 8);
    return { remap, cardinality: n, min, max, bytes, elementSize: 0 };
  }
  const encoded = sorted.map((v) => ops.toBytes(v as never));
  const elementSize = encoded.reduce((m, b) => Math.max(m, b.length), 0);
  const fixedLength = stats.lengthOfShortestElement === stats.lengthOfLongestElement;
  const varLength = plan.varLengthDictionary || (ops.type !== 'STRING' && !fixedLength);
  if (varLength) return { remap, cardinality: n, min, max, bytes: writeVarLength(encoded), elementSize };
  // FixedByteValueReaderWriter.writeBytes: values left-aligned, the rest zero ('\0' is the padding character).
  const bytes = Buffer.alloc(n * elementSize);
  encoded.forEach((b, i) => bytes.set(b, i * elementSize));
  return { remap, cardinality: n, min, max, bytes, elementSize };
}

/** Calls fn(docId, dictId) for every value of a dictionary-encoded spill, SV or MV. */
function forEachId(spillFile: string, remap: Int32Array, singleValue: boolean, numDocs: number, fn: (docId: number, dictId: number) => void): void {
  const r = new SpillReader(spillFile);
  try {
    if (singleValue) {
      const block = new Int32Array(ID_BLOCK);
      let doc = 0;
      for (let n = r.int32Block(block); n > 0; n = r.int32Block(block)) {
        for (let i = 0; i < n; i++) fn(doc++, remap[block[i] as number] as number);
      }
    } else {
      for (let doc = 0; doc < numDocs; doc++) {
        const count = r.int32();
        for (let i = 0; i < count; i++) fn(doc, remap[r.int32()] as number);
      }
    }
  } finally {
    r.close();
  }
}

/** SingleValueSortedForwardIndexCreator: per dictId int32 BE first and last docId. */
function writeSortedForward(spillFile: string, remap: Int32Array, cardinality: number, out: string): void {
  const min = new Int32Array(cardinality).fill(2147483647);
  const max = new Int32Array(cardinality).fill(-2147483648);
  forEachId(spillFile, remap, true, -1, (doc, id) => {
    if ((min[id] as number) > doc) min[id] = doc;
    if ((max[id] as number) < doc) max[id] = doc;
  });
  const buf = Buffer.alloc(cardinality * 8);
  for (let i = 0; i < cardinality; i++) {
    buf.writeInt32BE(min[i] as number, i * 8);
    buf.writeInt32BE(max[i] as number, i * 8 + 4);
  }
  writeFileSync(out, buf);
}

/** FixedBitSVForwardIndexWriter, streamed. */
function writeUnsortedSV(spillFile: string, remap: Int32Array, bits: number, numDocs: number, out: string): void {
  const fd = openSync(out, 'w');
  try {
    const w = new PositionalWriter(fd, 0);
    const packer = new BitPackWriter(w, bits);
    let docs = 0;
    forEachId(spillFile, remap, true, -1, (_doc, id) => {
      packer.add(id);
      docs++;
    });
    if (docs !== numDocs) throw new Error(`forward index: ${docs} docs spilled, ${numDocs} expected`);
    packer.finish();
  } finally {
    closeSync(fd);
  }
}

/**
 * FixedBitMVForwardIndexWriter, streamed: the chunk-offset header and the first-value bitset
 * (totalValues / 8 bytes) are kept in memory, the bit-packed dictIds go straight to the file.
 */
function writeFixedBitMVStream(spillFile: string, remap: Int32Array, bits: number, numDocs: number, totalValues: number, out: string): void {
  const g = fixedBitMVGeometry(numDocs, totalValues, bits);
  const head = Buffer.alloc(g.chunkOffsetHeaderSize + g.bitsetSize);
  const fd = openSync(out, 'w');
  try {
    const w = new PositionalWriter(fd, head.length);
    const packer = new BitPackWriter(w, bits);
    let valueIndex = 0;
    let lastDoc = -1;
    forEachId(spillFile, remap, false, numDocs, (doc, id) => {
      if (doc !== lastDoc) {
        // Rows are never empty: nulls become the default value.
        if (doc % g.docsPerChunk === 0) head.writeInt32BE(valueIndex, (doc / g.docsPerChunk) * 4);
        const b = g.chunkOffsetHeaderSize * 8 + valueIndex;
        head[b >>> 3] = (head[b >>> 3] as number) | (0x80 >>> (b & 7));
        lastDoc = doc;
      }
      packer.add(id);
      valueIndex++;
    });
    packer.finish();
    writeAll(fd, head, 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Bitmap inverted index (BitmapInvertedIndexWriter layout): cardinality+1 int32 BE file offsets,
 * then a portable RoaringBitmap per dictId. DocIds are gathered for a range of dictIds at a time
 * (counted first), so the buffer never exceeds INVERTED_BUDGET entries whatever the row count.
 */
function writeInvertedIndex(spillFile: string, remap: Int32Array, cardinality: number, singleValue: boolean, numDocs: number, out: string): void {
  const counts = new Int32Array(cardinality);
  forEachId(spillFile, remap, singleValue, numDocs, (_doc, id) => {
    counts[id] = (counts[id] as number) + 1;
  });
  const headerSize = (cardinality + 1) * 4;
  const header = Buffer.alloc(headerSize);
  const fd = openSync(out, 'w');
  try {
    const w = new PositionalWriter(fd, headerSize);
    let offset = headerSize;
    let lo = 0;
    while (lo < cardinality) {
      let hi = lo;
      let total = 0;
      while (hi < cardinality && (hi === lo || total + (counts[hi] as number) <= INVERTED_BUDGET)) total += counts[hi++] as number;
      const starts = new Int32Array(hi - lo + 1);
      for (let i = lo; i < hi; i++) starts[i - lo + 1] = (starts[i - lo] as number) + (counts[i] as number);
      const cursor = starts.slice(0, hi - lo);
      const docs = new Uint32Array(total);
      const from = lo;
      const to = hi;
      forEachId(spillFile, remap, singleValue, numDocs, (doc, id) => {
        if (id >= from && id < to) {
          const k = id - from;
          docs[cursor[k] as number] = doc;
          cursor[k] = (cursor[k] as number) + 1;
        }
      });
      for (let i = lo; i < hi; i++) {
        header.writeUInt32BE(offset, i * 4);
        const bitmap = serializeRoaring(docs.subarray(starts[i - lo] as number, starts[i - lo + 1] as number));
        w.bytes(bitmap);
        offset += bitmap.length;
      }
      lo = hi;
    }
    header.writeUInt32BE(offset, cardinality * 4);
    w.flush();
    writeAll(fd, header, 0);
  } finally {
    closeSync(fd);
  }
}
