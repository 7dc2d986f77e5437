import { join } from 'node:path';
import { DistinctValues, Float64IdTable, hashBytes, hashString } from './id-table.js';
import { SpillWriter } from './spill.js';
import type { StoredScalar, TypeOps } from './type-ops.js';

/**
 * Statistics for one column, gathered in the single pass over the input rows, with the same
 * meaning as Pinot's *ColumnPreIndexStatsCollector (creator/impl/stats): lengths of the distinct
 * values, sortedness of SV columns in arrival order (compareTo >= previous), MV row counts.
 */
export interface ColumnStatistics {
  totalDocs: number;
  totalNumberOfEntries: number;
  /** 0 for single-value columns. */
  maxNumberOfMultiValues: number;
  isSorted: boolean;
  cardinality: number;
  min: StoredScalar | undefined;
  max: StoredScalar | undefined;
  /** Var-width types only: bytes of the shortest / longest value (Integer.MAX_VALUE / 0 when empty). */
  lengthOfShortestElement: number;
  lengthOfLongestElement: number;
  isAscii: boolean;
  maxRowLengthInBytes: number;
  numNulls: number;
}

export interface CollectorOptions {
  column: string;
  ops: TypeOps;
  singleValue: boolean;
  dictionary: boolean;
  /** Record docIds whose value was null (the null value vector). */
  trackNulls: boolean;
  spillDir: string;
}

/**
 * Collects statistics and spills the column to disk. Dictionary columns spill provisional ids
 * (arrival order of distinct values), so the index pass only remaps ints; raw columns spill the
 * values themselves. Memory: the distinct values of dictionary columns, nothing per row.
 */
export class ColumnCollector {
  readonly spill: SpillWriter;
  readonly nullSpill: SpillWriter | undefined;
  private readonly ops: TypeOps;
  private readonly ids = new Map<unknown, number>();
  /** Numeric keys (and LONGs within +-2^53) go to a typed-array table instead of the Map. */
  private readonly numericIds: Float64IdTable | undefined;
  private readonly numericKind: 'number' | 'long' | undefined;
  /** Provisional id -> value (dictionary columns). */
  readonly distinct: DistinctValues;
  private readonly hash = new Uint32Array(2);
  private rawDistinct: Set<unknown> | undefined;
  private docs = 0;
  private entries = 0;
  private maxMv = 0;
  private sorted: boolean;
  private prev: StoredScalar | undefined;
  private minLen = 2147483647;
  private maxLen = 0;
  private ascii = true;
  private maxRowLen = 0;
  private rawMin: StoredScalar | undefined;
  private rawMax: StoredScalar | undefined;
  private nulls = 0;

  constructor(readonly opts: CollectorOptions) {
    this.ops = opts.ops;
    this.sorted = opts.singleValue;
    const safe = encodeURIComponent(opts.column);
    this.spill = new SpillWriter(join(opts.spillDir, `${safe}.col`));
    this.nullSpill = opts.trackNulls ? new SpillWriter(join(opts.spillDir, `${safe}.nulls`)) : undefined;
    const t = opts.ops.type;
    this.numericKind = t === 'INT' || t === 'FLOAT' || t === 'DOUBLE' ? 'number' : t === 'LONG' ? 'long' : undefined;
    // Raw var-width columns count distinct values by 64-bit hash, in the same kind of table.
    this.numericIds = this.numericKind || !opts.dictionary ? new Float64IdTable() : undefined;
    this.distinct = new DistinctValues(this.numericKind ?? 'object');
  }

  /** `value` is already converted to the stored type (defaults applied); isNull marks a substituted null. */
  add(value: StoredScalar | readonly StoredScalar[], isNull: boolean): void {
    const docId = this.docs++;
    if (isNull) {
      this.nulls++;
      this.nullSpill?.int32(docId);
    }
    if (this.opts.singleValue) {
      const v = value as StoredScalar;
      if (this.sorted) {
        if (this.prev !== undefined && this.ops.compare(v, this.prev) < 0) this.sorted = false;
        this.prev = v;
      }
      this.entries++;
      if (this.opts.dictionary) this.spill.int32(this.idOf(v));
      else this.addRaw(v);
      if (this.ops.fixedSize === 0) this.maxRowLen = this.maxLen;
      return;
    }
    const values = value as readonly StoredScalar[];
    this.entries += values.length;
    if (values.length > this.maxMv) this.maxMv = values.length;
    this.spill.int32(values.length);
    let rowLen = 0;
    for (const v of values) {
      if (this.opts.dictionary) this.spill.int32(this.idOf(v));
      else this.addRaw(v);
      if (this.ops.fixedSize === 0) rowLen += this.ops.byteLength(v);
    }
    if (rowLen > this.maxRowLen) this.maxRowLen = rowLen;
  }

  private idOf(v: StoredScalar): number {
    const next = this.distinct.length;
    let id: number;
    if (this.numericKind === 'number') {
      id = (this.numericIds as Float64IdTable).idOf(v as number, next);
    } else if (this.numericKind === 'long' && Number.isSafeInteger(Number(v))) {
      id = (this.numericIds as Float64IdTable).idOf(Number(v), next);
    } else {
      const key = this.ops.key(v);
      const found = this.ids.get(key);
      if (found === undefined) this.ids.set(key, next);
      id = found ?? next;
    }
    if (id === next) {
      this.distinct.push(v);
      if (this.ops.fixedSize === 0) this.trackLength(v);
    }
    return id;
  }

  private trackLength(v: StoredScalar): void {
    const len = this.ops.byteLength(v);
    if (len < this.minLen) this.minLen = len;
    if (len > this.maxLen) this.maxLen = len;
    if (this.ascii && this.ops.type === 'STRING') this.ascii = len === (v as string).length;
  }

  private rawCount = 0;

  private addRaw(v: StoredScalar): void {
    this.ops.write(this.spill, v);
    // Raw columns still report an exact cardinality, as Pinot's default stats collectors do.
    if (this.numericKind === 'number') {
      if ((this.numericIds as Float64IdTable).idOf(v as number, this.rawCount) === this.rawCount) this.rawCount++;
    } else if (this.numericKind === 'long' && Number.isSafeInteger(Number(v))) {
      if ((this.numericIds as Float64IdTable).idOf(Number(v), this.rawCount) === this.rawCount) this.rawCount++;
    } else if (this.numericKind === 'long') {
      const set = this.rawDistinct ?? (this.rawDistinct = new Set());
      const before = set.size;
      set.add(v);
      if (set.size !== before) this.rawCount++;
    } else {
      const h = this.hash;
      if (typeof v === 'string') hashString(v, h);
      else if (v instanceof Uint8Array) hashBytes(v, h);
      else hashString(String(this.ops.key(v)), h);
      if ((this.numericIds as Float64IdTable).idOfBits(h[0] as number, h[1] as number, this.rawCount) === this.rawCount) this.rawCount++;
    }
    if (this.ops.fixedSize === 0) this.trackLength(v);
    if (this.rawMin === undefined || this.ops.compare(v, this.rawMin) < 0) this.rawMin = v;
    else if (this.rawMax === undefined || this.ops.compare(v, this.rawMax) > 0) this.rawMax = v;
    if (this.rawMax === undefined) this.rawMax = v;
  }

  /** Closes the spill files; for dictionary columns min/max come from the sorted dictionary later. */
  finish(): ColumnStatistics {
    this.spill.close();
    this.nullSpill?.close();
    const cardinality = this.opts.dictionary ? this.distinct.length : this.rawCount;
    this.rawDistinct = undefined;
    this.ids.clear();
    return {
      totalDocs: this.docs,
      totalNumberOfEntries: this.entries,
      maxNumberOfMultiValues: this.maxMv,
      isSorted: this.sorted,
      cardinality,
      min: this.rawMin,
      max: this.rawMax,
      // EmptyColumnStatistics for a segment without rows: shortest 0, not ASCII.
      lengthOfShortestElement: this.docs === 0 ? 0 : this.minLen,
      lengthOfLongestElement: this.maxLen,
      isAscii: this.ops.type === 'STRING' && this.docs > 0 ? this.ascii : false,
      maxRowLengthInBytes: this.maxRowLen,
      numNulls: this.nulls,
    };
  }
}
