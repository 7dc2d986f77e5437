import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { ColumnCollector, type ColumnStatistics } from './column-collector.js';
import { indexColumn, type ColumnIndexPlan, type ColumnIndexResult } from './column-indexer.js';
import { buildSegmentMetadata } from './metadata-writer.js';
import type { StoredScalar, TypeOps } from './type-ops.js';
import { MAX_VALID_TIME_MILLIS, MIN_VALID_TIME_MILLIS, isoOrRaw } from './time-format.js';
import { writeV3Segment } from './v3-layout.js';

/** A field as the builder sees it (from the parsed schema). */
export interface BuilderField {
  name: string;
  fieldType: string;
  dataType: string;
  storedType: TypeOps['type'];
  singleValue: boolean;
  defaultNullValue: StoredScalar;
  defaultNullValueString: string;
  nonDefaultMaxLength?: number;
  nonDefaultMaxLengthExceedStrategy?: string;
  format?: string;
  granularity?: string;
}

/** Everything about one column the builder needs, resolved from schema + table config. */
export interface BuilderColumn {
  field: BuilderField;
  ops: TypeOps;
  dictionary: boolean;
  inverted: boolean;
  varLengthDictionary: boolean;
  nullHandling: boolean;
  /** Converts an input value to the stored type; null/undefined/empty MV mean null. Throws on bad input. */
  convert(raw: unknown): StoredScalar | StoredScalar[] | null;
  /** Java toString of a stored value, as metadata prints min/max. */
  format(v: StoredScalar): string;
  /** Writes the raw forward index (dictionary === false, or rawForwardWithDictionary). */
  rawForward?: ColumnIndexPlan['rawForward'];
  rawForwardWithDictionary?: boolean;
}

export interface TimeColumnInfo {
  name: string;
  /**
   * ingestionConfig.rowTimeValueCheck (TimeValidationTransformer), absent when off: the value if
   * it parses into 1971..2071; else null with continueOnError (then the default time), or an
   * Error with Pinot's message.
   */
  rowCheck?: (value: StoredScalar) => StoredScalar | null;
  /** Stored min/max of the time column -> [start, end, unit] as BaseSegmentCreator.writeMetadata computes them. */
  segmentTime(min: StoredScalar, max: StoredScalar): { start: bigint; end: bigint; unit: string; startMillis: number; endMillis: number };
  /** The value used for a null time (NullValueTransformerUtils.getDefaultTimeValue) given "now". */
  defaultTime(nowMillis: number): StoredScalar;
  /** Start/end time of a segment without rows: now, in the column's unit (millis for SIMPLE_DATE_FORMAT). */
  emptySegmentTime(nowMillis: number): { start: bigint; end: bigint; unit: string };
}

export interface SegmentLayoutPlan {
  tableName: string;
  columns: BuilderColumn[];
  dimensions: string[];
  metrics: string[];
  dateTimes: string[];
  time?: TimeColumnInfo;
  /** Generates the segment name from the time column's min/max (or nulls). */
  segmentName(min: StoredScalar | undefined, max: StoredScalar | undefined): string;
  /** The table's ingestion transforms: one input row to zero (filtered), one or more (unnested) rows. */
  transform?: (row: Readonly<Record<string, unknown>>) => Array<Record<string, unknown>>;
  /** Pinot's segment time check (TimeUtils.isValidTimeInterval): 1971..2071. Default true. */
  checkTimeRange?: boolean;
  /** ingestionConfig.continueOnError: a value that fails conversion becomes null (DataTypeTransformer) instead of failing the row. */
  continueOnError?: boolean;
}

export interface BuildOptions {
  /** Local directory for the finished `<segmentName>.tar.gz` (created if missing). */
  outDir: string;
  /** Scratch space for spill files and the v1/v3 directories; default a temp dir. Removed afterwards. */
  workDir?: string;
  /** Epoch millis recorded in creation.meta; also "now" for null time values. Default Date.now(). */
  creationTime?: number;
  customProperties?: Record<string, string>;
  /** Replace an existing tarball of the same name. Default false. */
  overwrite?: boolean;
  /** zlib level of the tarball (any level is a valid Pinot segment tarball). Default 1. */
  gzipLevel?: number;
  /** Keep the untarred segment directory next to the tarball. Default false. */
  keepSegmentDir?: boolean;
  signal?: AbortSignal;
}

export interface BuiltSegment {
  segmentName: string;
  /** Path of the `.tar.gz`. */
  tarFile: string;
  /** The untarred segment directory, when keepSegmentDir. */
  segmentDir?: string;
  totalDocs: number;
  crc: number;
  dataCrc: number;
  creationTime: number;
  columns: Array<{ column: string; cardinality: number; hasDictionary: boolean; isSorted: boolean }>;
}

/** A row that could not be converted: names the row (1-based) and the column. */
export class RowError extends Error {
  override readonly name = 'RowError';
  constructor(
    message: string,
    readonly row: number,
    readonly column: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export { MIN_VALID_TIME_MILLIS, MAX_VALID_TIME_MILLIS } from './time-format.js';

/**
 * Builds one segment: rows go through conversion and statistics and are spilled column by
 * column to disk; build() then writes each column's indexes from its spill file, the metadata,
 * the v3 layout and the tarball. Memory holds the distinct values of dictionary columns (and
 * raw columns, for their cardinality) but nothing per row.
 */
export class SegmentBuilder {
  private readonly collectors: ColumnCollector[];
  private readonly pending: Array<StoredScalar | StoredScalar[]>;
  private readonly pendingNull: boolean[];
  private rows = 0;
  /** Input rows seen (before filtering / unnesting), for error messages. */
  private inputRows = 0;
  private state: 'open' | 'built' | 'closed' = 'open';
  private readonly now: number;

  private constructor(
    private readonly plan: SegmentLayoutPlan,
    private readonly workDir: string,
    private readonly ownsWorkDir: boolean,
    private readonly opts: BuildOptions,
  ) {
    this.now = opts.creationTime ?? Date.now();
    const spillDir = join(workDir, 'spill');
    this.collectors = plan.columns.map(
      (c) =>
        new ColumnCollector({
          column: c.field.name,
          ops: c.ops,
          singleValue: c.field.singleValue,
          dictionary: c.dictionary,
          trackNulls: c.nullHandling,
          spillDir,
        }),
    );
    this.pending = new Array(plan.columns.length);
    this.pendingNull = new Array<boolean>(plan.columns.length);
  }

  /**
   * A builder working directly in `dir` (shared with other builders of the same segment, each
   * with its own columns); the directory is left in place on close.
   */
  static async createIn(plan: SegmentLayoutPlan, opts: BuildOptions, dir: string): Promise<SegmentBuilder> {
    await mkdir(join(dir, 'spill'), { recursive: true });
    return new SegmentBuilder(plan, dir, false, opts);
  }

  static async create(plan: SegmentLayoutPlan, opts: BuildOptions): Promise<SegmentBuilder> {
    const base = opts.workDir ?? tmpdir();
    await mkdir(base, { recursive: true });
    const workDir = await mkdtemp(join(base, 'deepstore-build-'));
    await mkdir(join(workDir, 'spill'));
    try {
      return new SegmentBuilder(plan, workDir, true, opts);
    } catch (e) {
      await rm(workDir, { recursive: true, force: true });
      throw e;
    }
  }

  get rowCount(): number {
    return this.rows;
  }

  /**
   * Adds one row (column name -> value). Every column is converted before any is recorded, so
   * a row that fails leaves the builder as it was.
   */
  add(row: Readonly<Record<string, unknown>>): void {
    if (this.state !== 'open') throw new Error(`segment builder is ${this.state}`);
    const inputRow = ++this.inputRows;
    if (this.plan.transform) {
      let out: Array<Record<string, unknown>>;
      try {
        out = this.plan.transform(row);
      } catch (e) {
        const column = (e as { column?: string }).column ?? '(transform)';
        throw new RowError(`row ${inputRow}: ${(e as Error).message}`, inputRow, column, { cause: e });
      }
      if (out.length === 1) {
        this.addConverted(out[0] as Record<string, unknown>, inputRow);
      } else if (out.length > 1) {
        // Unnested rows: all of them convert before any is recorded.
        const converted = out.map((r) => {
          this.convertRow(r, inputRow);
          return { values: [...this.pending], nulls: [...this.pendingNull] };
        });
        for (const c of converted) this.commit(c.values, c.nulls);
      }
      return;
    }
    this.addConverted(row, inputRow);
  }

  private addConverted(row: Readonly<Record<string, unknown>>, inputRow: number): void {
    this.convertRow(row, inputRow);
    this.commit(this.pending, this.pendingNull);
  }

  private commit(values: ReadonlyArray<StoredScalar | StoredScalar[]>, nulls: readonly boolean[]): void {
    for (let i = 0; i < values.length; i++) (this.collectors[i] as ColumnCollector).add(values[i] as StoredScalar, nulls[i] as boolean);
    this.rows++;
  }

  /** Converts every column of a row into this.pending / this.pendingNull, or throws naming the column. */
  private convertRow(row: Readonly<Record<string, unknown>>, inputRow: number): void {
    const cols = this.plan.columns;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i] as BuilderColumn;
      const name = c.field.name;
      let v: StoredScalar | StoredScalar[] | null;
      try {
        v = c.convert(row[name]);
      } catch (e) {
        if (!this.plan.continueOnError) throw new RowError(`row ${inputRow}, column ${name}: ${(e as Error).message}`, inputRow, name, { cause: e });
        v = null; // DataTypeTransformer with continueOnError: the null value transformer fills it
      }
      const time = this.plan.time;
      if (v !== null && time?.rowCheck && time.name === name) {
        try {
          v = time.rowCheck(v as StoredScalar);
        } catch (e) {
          throw new RowError(`row ${inputRow}, column ${name}: ${(e as Error).message}`, inputRow, name);
        }
      }
      if (v === null) {
        const dflt = this.plan.time?.name === name ? this.plan.time.defaultTime(this.now) : c.field.defaultNullValue;
        this.pending[i] = c.field.singleValue ? dflt : [dflt];
        this.pendingNull[i] = true;
      } else {
        this.pending[i] = v;
        this.pendingNull[i] = false;
      }
    }
  }

  /** Adds rows from any (async) iterable, checking the signal every 4096 rows. */
  async addAll(rows: Iterable<Readonly<Record<string, unknown>>> | AsyncIterable<Readonly<Record<string, unknown>>>, onProgress?: (rows: number) => void): Promise<void> {
    let n = 0;
    for await (const row of rows) {
      this.add(row);
      if ((++n & 4095) === 0) {
        this.opts.signal?.throwIfAborted();
        onProgress?.(this.rows);
      }
    }
    onProgress?.(this.rows);
  }

  /** Writes the segment and its tarball; the builder cannot take rows afterwards. */
  async build(): Promise<BuiltSegment> {
    try {
      const results = this.indexColumns();
      return await finishSegment(this.plan, results, this.rows, this.opts, this.workDir, this.now);
    } finally {
      await this.close();
    }
  }

  /**
   * The index pass for this builder's columns: v1 index files in `<workDir>/v1`. Used by build()
   * and by the parallel file builder, whose workers each index a share of the columns.
   */
  indexColumns(): ColumnIndexResult[] {
    if (this.state !== 'open') throw new Error(`segment builder is ${this.state}`);
    this.state = 'built';
    const signal = this.opts.signal;
    const stats: ColumnStatistics[] = this.collectors.map((c) => c.finish());
    const v1Dir = join(this.workDir, 'v1');
    mkdirSync(v1Dir, { recursive: true });
    const results: ColumnIndexResult[] = [];
    for (let i = 0; i < this.plan.columns.length; i++) {
      signal?.throwIfAborted();
      const c = this.plan.columns[i] as BuilderColumn;
      const plan: ColumnIndexPlan = {
        column: c.field.name,
        ops: c.ops,
        singleValue: c.field.singleValue,
        dictionary: c.dictionary,
        inverted: c.inverted,
        varLengthDictionary: c.varLengthDictionary,
        ...(c.rawForward ? { rawForward: c.rawForward } : {}),
        ...(c.rawForwardWithDictionary ? { rawForwardWithDictionary: true } : {}),
      };
      const collector = this.collectors[i] as ColumnCollector;
      results.push(indexColumn(plan, collector, stats[i] as ColumnStatistics, v1Dir));
      // The spill file has served its purpose: give the disk space back early.
      rmSync(collector.spill.file, { force: true });
    }
    return results;
  }

  /** Drops the rows and the scratch directory. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'open') for (const c of this.collectors) c.finish();
    this.state = 'closed';
    if (this.ownsWorkDir) await rm(this.workDir, { recursive: true, force: true });
  }
}

/**
 * Everything after the index pass (BaseSegmentCreator.seal from writeMetadata on): segment time
 * and name, metadata.properties, the v3 layout with CRCs, and the tarball in opts.outDir.
 */
export async function finishSegment(
  plan: SegmentLayoutPlan,
  results: ColumnIndexResult[],
  rows: number,
  opts: BuildOptions,
  workDir: string,
  now: number,
): Promise<BuiltSegment> {
  const signal = opts.signal;
  const v1Dir = join(workDir, 'v1');
    const byName = new Map(results.map((r) => [r.column, r]));

    let time: { start: bigint; end: bigint; unit: string } | undefined;
    let timeMin: StoredScalar | undefined;
    let timeMax: StoredScalar | undefined;
    if (plan.time) {
      const r = byName.get(plan.time.name);
      if (r && rows > 0 && r.min !== undefined && r.max !== undefined) {
        timeMin = r.min;
        timeMax = r.max;
        const t = plan.time.segmentTime(r.min, r.max);
        if ((plan.checkTimeRange ?? true) && !(t.startMillis >= MIN_VALID_TIME_MILLIS && t.endMillis <= MAX_VALID_TIME_MILLIS)) {
          throw new Error(
            `time column ${plan.time.name}: segment time range ${t.start}..${t.end} ${t.unit} ` +
              `(${isoOrRaw(t.startMillis)} .. ${isoOrRaw(t.endMillis)}) is outside Pinot's valid range 1971-01-01 .. 2071-01-01; ` +
              'check the column format or pass checkTimeRange: false',
          );
        }
        time = { start: t.start, end: t.end, unit: t.unit };
      } else if (rows === 0) {
        // BaseSegmentCreator: no records, so "now" for the start/end time and for the name.
        time = plan.time.emptySegmentTime(now);
        timeMin = BigInt(now);
        timeMax = BigInt(now);
      }
    }
    const segmentName = plan.segmentName(timeMin, timeMax);

    const metadata = buildSegmentMetadata({
      segmentName,
      tableName: plan.tableName,
      dimensions: plan.dimensions,
      metrics: plan.metrics,
      dateTimes: plan.dateTimes,
      ...(plan.time ? { timeColumnName: plan.time.name } : {}),
      totalDocs: rows,
      ...(time ? { time } : {}),
      ...(opts.customProperties ? { customProperties: opts.customProperties } : {}),
      columns: plan.columns.map((c) => ({ field: c.field, result: byName.get(c.field.name) as ColumnIndexResult, format: c.format })),
    });

    signal?.throwIfAborted();
    const segmentDir = join(workDir, 'out', segmentName);
    const v3 = await writeV3Segment({
      v1Dir,
      columns: results.map((r) => ({ column: r.column, files: r.files })),
      metadata,
      segmentDir,
      creationTime: now,
    });

    await mkdir(opts.outDir, { recursive: true });
    const tarFile = join(opts.outDir, `${segmentName}.tar.gz`);
    if (!opts.overwrite && (await exists(tarFile))) {
      throw Object.assign(new Error(`${tarFile} already exists (use overwrite to replace it)`), { code: 'EEXIST' });
    }
    // Written beside the target and renamed: a failed build never leaves a partial tarball.
    const tmpTar = join(opts.outDir, `.${segmentName}.tar.gz.${randomUUID()}.tmp`);
    try {
      const mtime = new Date(Math.floor(now / 1000) * 1000);
      // gzip level 1: the index data is bit-packed or LZ4-compressed already, so level 6 (Pinot's
      // default) saves under 1% of the size for about 1.7x the time (measured on the benchmark segment).
      await createTar(
        { gzip: { level: opts.gzipLevel ?? 1 }, file: tmpTar, cwd: join(workDir, 'out'), portable: true, noDirRecurse: true, mtime },
        [`${segmentName}/`, `${segmentName}/v3/`, ...['creation.meta', 'index_map', 'metadata.properties', 'columns.psf'].map((f) => `${segmentName}/v3/${f}`)],
      );
      signal?.throwIfAborted();
      await rename(tmpTar, tarFile);
    } catch (e) {
      await rm(tmpTar, { force: true });
      throw e;
    }
    let keptDir: string | undefined;
    if (opts.keepSegmentDir) {
      keptDir = join(opts.outDir, segmentName);
      await rm(keptDir, { recursive: true, force: true });
      await rename(segmentDir, keptDir).catch(async () => {
        const { cp } = await import('node:fs/promises');
        await cp(segmentDir, keptDir as string, { recursive: true });
      });
    }
    return {
      segmentName,
      tarFile,
      ...(keptDir ? { segmentDir: keptDir } : {}),
      totalDocs: rows,
      crc: v3.crc,
      dataCrc: v3.dataCrc,
      creationTime: now,
      columns: results.map((r) => ({ column: r.column, cardinality: r.stats.cardinality, hasDictionary: r.hasDictionary, isSorted: r.stats.isSorted })),
    };
}

/** An instant for an error message; beyond Date's range, the raw millis. */
async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
