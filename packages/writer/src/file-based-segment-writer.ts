import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlreadyExistsError, FileSystemRegistry, InvalidInputError, joinUri, toUrl, type PinotFS } from '@deepstore/core';
import {
  buildSegmentFromFiles,
  compileConverter,
  ConversionError,
  createTransformPipeline,
  parseSchema,
  parseTableConfig,
  timeColumnChecks,
  type PinotSchema,
  type TimeColumnChecks,
  type TableConfig,
} from '@deepstore/segment';
import { AvroBuffer, bufferSchema, toAvroValue } from './avro-buffer.js';
import { parseWriterBatchConfig, type WriterBatchConfig } from './batch-config.js';
import { GenericRow } from './generic-row.js';
import type { FlushOptions, SegmentWriter } from './types.js';

export interface FileBasedSegmentWriterOptions {
  /** Resolves outputDirURI to its filesystem (default: a registry configured from `output.fs.prop.*`). */
  registry?: FileSystemRegistry;
  /** Parent of the private staging directory. Default: the OS temp dir. */
  stagingParent?: string;
  /** Epoch millis recorded as each segment's creation time (default: the flush time). */
  creationTime?: () => number;
  /** Worker threads per flush (default: min(2, cores)). */
  parallelism?: number;
}

/** A row transformer run by collect before conversion (the table's transform pipeline). */
export type RowTransform = (row: Record<string, unknown>) => Array<Record<string, unknown>>;

/**
 * Pinot's FileBasedSegmentWriter, writing to any outputDirURI: collect converts rows (Pinot's
 * data-type conversion, nulls kept as null markers) into an Avro buffer on local disk; flush
 * builds one segment from the buffer and puts `<segmentName>.tar.gz` at outputDirURI through
 * the scheme's adapter, whose writes never expose a partial file.
 */
export class FileBasedSegmentWriter implements SegmentWriter {
  private schema: PinotSchema | undefined;
  private table: TableConfig | undefined;
  private tableJson: unknown;
  private schemaJson: unknown;
  private batch: WriterBatchConfig | undefined;
  private staging: string | undefined;
  private buffer: AvroBuffer | undefined;
  private columns: Record<string, string> = {};
  private fieldOrder: PinotSchema['fields'] = [];
  private converters: Array<(raw: unknown) => unknown> = [];
  private timeCheck: (TimeColumnChecks & { index: number }) | undefined;
  private transform: RowTransform | undefined;
  private registry: FileSystemRegistry | undefined;
  private ownsRegistry = false;
  private collected = 0;
  private closed = false;
  /** Flushes run one after another: each builds from the parts sealed when it starts. */
  private flushing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FileBasedSegmentWriterOptions = {}) {}

  async init(tableConfig: unknown, schema: unknown, batchConfigOverride: Record<string, string> = {}): Promise<void> {
    if (this.closed) throw new InvalidInputError('segment writer is closed', { operation: 'init' });
    if (this.staging) throw new InvalidInputError('segment writer is already initialised', { operation: 'init' });
    this.schema = parseSchema(schema, 'schema');
    this.table = parseTableConfig(tableConfig, this.schema, 'table config');
    this.batch = parseWriterBatchConfig(tableConfig, batchConfigOverride);
    try {
      toUrl(this.batch.outputDirURI); // a malformed URI fails here, not at the first flush
    } catch (e) {
      throw new InvalidInputError(`batchConfigMaps[0].outputDirURI ${JSON.stringify(this.batch.outputDirURI)} is not a valid URI: ${(e as Error).message}`, { operation: 'init', cause: e });
    }
    this.tableJson = tableConfig;
    this.schemaJson = schema;
    this.transform = loadTransform(this.schema, this.table);
    const { type, columns, fields } = bufferSchema(this.schema);
    this.columns = columns;
    this.fieldOrder = fields;
    this.converters = fields.map((f) => compileConverter(f));
    this.timeCheck = timeCheckOf(this.schema, this.table, fields);
    if (this.options.registry) {
      this.registry = this.options.registry;
    } else {
      this.registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
      this.ownsRegistry = true;
      const scheme = toUrl(this.batch.outputDirURI).protocol.replace(/:$/, '');
      const props: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.batch.outputFsProps)) props[`storage.factory.${scheme}.${k}`] = v;
      this.registry.configure(props);
    }
    this.staging = await mkdtemp(join(this.options.stagingParent ?? tmpdir(), `segment_writer_staging_${this.table.tableNameWithType}_`));
    this.buffer = new AvroBuffer(this.staging, type);
  }

  private ready(operation: string): { buffer: AvroBuffer; batch: WriterBatchConfig; schema: PinotSchema; table: TableConfig } {
    if (this.closed) throw new InvalidInputError('segment writer is closed', { operation });
    if (!this.buffer || !this.batch || !this.schema || !this.table) throw new InvalidInputError('segment writer is not initialised: call init() first', { operation });
    return { buffer: this.buffer, batch: this.batch, schema: this.schema, table: this.table };
  }

  /** Rows collected since init (including rows already flushed). */
  get rowCount(): number {
    return this.collected;
  }

  async collect(rows: GenericRow | Record<string, unknown> | ReadonlyArray<GenericRow | Record<string, unknown>>): Promise<void> {
    const { buffer } = this.ready('collect');
    const list = Array.isArray(rows) ? (rows as ReadonlyArray<GenericRow | Record<string, unknown>>) : [rows as GenericRow | Record<string, unknown>];
    // Convert the whole batch first: a bad row leaves the buffer exactly as it was.
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < list.length; i++) {
      const input = list[i] as GenericRow | Record<string, unknown>;
      const obj = input instanceof GenericRow ? input.toObject() : input;
      const position = this.collected + i + 1;
      let outputs: Array<Record<string, unknown>>;
      try {
        outputs = this.transform ? this.transform(obj) : [obj];
      } catch (e) {
        throw new InvalidInputError(`row ${position}: ${(e as Error).message}`, { operation: 'collect', cause: e });
      }
      for (const out of outputs) records.push(this.toRecord(out, position));
    }
    await buffer.append(records);
    this.collected += list.length;
  }

  private toRecord(row: Record<string, unknown>, position: number): Record<string, unknown> {
    const rec: Record<string, unknown> = {};
    const fields = this.fieldOrder;
    for (let c = 0; c < fields.length; c++) {
      const f = fields[c] as PinotSchema['fields'][number];
      let v: unknown;
      try {
        v = (this.converters[c] as (raw: unknown) => unknown)(row[f.name]);
      } catch (e) {
        const detail = e instanceof ConversionError ? e.message : (e as Error).message;
        // DataTypeTransformer with continueOnError: the value becomes null (then its default).
        if (!this.table?.continueOnError) throw new InvalidInputError(`row ${position}, column ${f.name}: ${detail}`, { operation: 'collect', cause: e });
        v = null;
      }
      const tc = this.timeCheck;
      if (v !== null && v !== undefined && tc && c === tc.index) {
        // rowTimeValueCheck: null with continueOnError (the build fills the default time), else Pinot's error.
        if (tc.row) {
          try {
            v = tc.row(v as never);
          } catch (e) {
            throw new InvalidInputError(`row ${position}, column ${f.name}: ${(e as Error).message}`, { operation: 'collect' });
          }
        }
        const segmentProblem = v === null ? undefined : tc.segment?.(v as never);
        if (segmentProblem !== undefined) throw new InvalidInputError(`row ${position}, column ${f.name}: ${segmentProblem}${SEGMENT_CHECK_HINT}`, { operation: 'collect' });
      }
      rec[`c${c}`] = v === null ? null : toAvroValue(v);
    }
    return rec;
  }

  async flush(options: FlushOptions = {}): Promise<URL> {
    const { buffer } = this.ready('flush');
    // Sealed now, in call order: rows collected after this call belong to the next segment.
    const sealed = buffer.seal();
    const run = Promise.all([sealed, this.flushing]).then(() => this.flushNow(options));
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async flushNow(options: FlushOptions): Promise<URL> {
    const { buffer, batch } = this.ready('flush');
    const signal = options.signal;
    const { parts } = buffer.claim();
    let flushDir: string | undefined;
    let done = false;
    try {
      signal?.throwIfAborted();
      flushDir = await mkdtemp(join(this.staging as string, 'flush_dir_'));
      const built = await buildSegmentFromFiles({
        schema: this.schemaJson,
        tableConfig: this.tableJson,
        inputs: parts.map((file) => ({ file, format: 'avro' as const, rename: this.columns })),
        outDir: join(flushDir, 'segment_dir'),
        workDir: flushDir,
        creationTime: this.options.creationTime?.() ?? Date.now(),
        nameRules: 'segmentWriter',
        transformsApplied: true,
        segmentNameGenerator: batch.segmentNameGenerator,
        sequenceId: batch.sequenceId ?? -1,
        ...(this.options.parallelism !== undefined ? { parallelism: this.options.parallelism } : {}),
        ...(signal ? { signal } : {}),
      });
      const target = joinUri(batch.outputDirURI, `${built.segmentName}.tar.gz`);
      const fs: PinotFS = await (this.registry as FileSystemRegistry).resolve(target);
      if (!batch.overwriteOutput && (await fs.exists(target, signal ? { signal } : {}))) {
        throw new AlreadyExistsError(
          `Duplicate segment name generated '${built.segmentName}' in '${batch.outputDirURI}', please adjust segment name generator config to avoid duplicates, or allow batch config overwrite`,
          { operation: 'flush', uri: target },
        );
      }
      // Every adapter writes a file whole or not at all (temp + rename, a single PUT, a
      // resumable upload finalised at the end), so a failure leaves no partial segment visible.
      await fs.copyFromLocal(built.tarFile, target, signal ? { signal } : {});
      done = true;
      await buffer.drop(parts);
      return toUrl(target);
    } finally {
      if (!done) buffer.unclaim(parts);
      if (flushDir) await rm(flushDir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.buffer?.close();
    if (this.staging) await rm(this.staging, { recursive: true, force: true });
    if (this.ownsRegistry) await this.registry?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The table's ingestion transforms (complex-type, expressions, filter), or undefined when it has none. */
function loadTransform(schema: PinotSchema, table: TableConfig): RowTransform | undefined {
  let pipeline: ReturnType<typeof createTransformPipeline>;
  try {
    pipeline = createTransformPipeline(schema, table);
  } catch (e) {
    throw new InvalidInputError(`table config: ${(e as Error).message}`, { operation: 'init', cause: e });
  }
  return pipeline.isNoOp ? undefined : (row) => pipeline.transform(row);
}

const SEGMENT_CHECK_HINT =
  ': a segment holding it cannot be built (segmentTimeValueCheck), so the row is refused now rather than failing every flush;' +
  ' set ingestionConfig.rowTimeValueCheck and continueOnError to store the default time instead, or segmentTimeValueCheck false to keep the value';

/**
 * The time column's checks at collect. With rowTimeValueCheck, Pinot validates each row's time
 * (null on continueOnError, else an error). Without it Pinot accepts the row and the segment's
 * time check fails the flush; since a failed flush keeps its rows here, such a row would fail
 * every later flush, so it is refused at collect instead, naming the row.
 */
function timeCheckOf(schema: PinotSchema, table: TableConfig, fields: PinotSchema['fields']): (TimeColumnChecks & { index: number }) | undefined {
  const checks = timeColumnChecks(schema, table);
  const index = checks ? fields.findIndex((f) => f.name === checks.column) : -1;
  if (!checks || index < 0 || (!checks.row && !checks.segment)) return undefined;
  return { ...checks, index };
}
