// @ts-check
// A SegmentWriter of your own: rows are kept in memory and each flush builds one Pinot segment
// with buildSegment from @deepstore/segment, published into a local directory.
//
// It implements the same interface as @deepstore/writer's FileBasedSegmentWriter (init,
// collect, flush, close, `await using`), with the same contract:
// - collect converts each row as Pinot would and refuses a bad batch whole, naming the row
//   (1-based across collects) and the column; the buffer is left as it was;
// - a failed or aborted flush loses nothing: its rows go out with the next flush;
// - rows collected while a flush runs belong to the next segment; flushes run one at a time;
// - a segment name that already exists is refused with Pinot's message unless overwriteOutput.
//
// Memory grows with the rows buffered; FileBasedSegmentWriter keeps them on disk instead.
import { copyFile, link, mkdir, mkdtemp, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSegment, convertValue, parseSchema, parseTableConfig } from '@deepstore/segment';
import { GenericRow, parseWriterBatchConfig } from '@deepstore/writer';

/**
 * @typedef {import('@deepstore/writer').SegmentWriter} SegmentWriter
 * @typedef {import('@deepstore/writer').FlushOptions} FlushOptions
 * @typedef {import('@deepstore/writer').WriterBatchConfig} WriterBatchConfig
 * @typedef {Record<string, unknown>} Row
 */

/** @implements {SegmentWriter} */
export class MemorySegmentWriter {
  /** @type {{ schema: unknown, tableConfig: unknown, fields: import('@deepstore/segment').FieldSpec[], batch: WriterBatchConfig, outDir: string, staging: string } | undefined} */
  #state;
  /** @type {Row[]} rows waiting for the next flush, as plain objects (null markers as null) */
  #rows = [];
  /** rows accepted since init, for error positions */
  #collected = 0;
  /** @type {Promise<unknown>} the flush queue: each flush starts when the previous one has settled */
  #flushing = Promise.resolve();
  #closed = false;

  /** @param {{ creationTime?: () => number }} [options] creationTime: epoch millis recorded in each segment (default: now) */
  constructor(options = {}) {
    this.options = options;
  }

  /**
   * @param {unknown} tableConfig Pinot table config JSON with ingestionConfig.batchIngestionConfig.batchConfigMaps
   * @param {unknown} schema Pinot schema JSON
   * @param {Record<string, string>} [batchConfigOverride] merged over batchConfigMaps[0]
   */
  async init(tableConfig, schema, batchConfigOverride = {}) {
    if (this.#closed) throw new Error('segment writer is closed');
    if (this.#state) throw new Error('segment writer is already initialised');
    const parsedSchema = parseSchema(schema, 'schema');
    const table = parseTableConfig(tableConfig, parsedSchema, 'table config');
    if ((table.transformConfigs?.length ?? 0) > 0 || table.filterConfig?.filterFunction) {
      throw new Error('transformConfigs and filterConfig are not evaluated: transform and filter rows before collect()');
    }
    // The same batchConfigMaps rules as FileBasedSegmentWriter (one map, a non-blank outputDirURI, known keys).
    const batch = parseWriterBatchConfig(tableConfig, batchConfigOverride);
    const outDir = localDir(batch.outputDirURI);
    await mkdir(outDir, { recursive: true });
    const staging = await mkdtemp(path.join(tmpdir(), 'memory-segment-writer-'));
    this.#state = { schema, tableConfig, fields: parsedSchema.fields, batch, outDir, staging };
  }

  /** Rows accepted since init (including rows already flushed). */
  get rowCount() {
    return this.#collected;
  }

  /** @param {GenericRow | Row | ReadonlyArray<GenericRow | Row>} rows */
  async collect(rows) {
    const state = this.#ready();
    const list = Array.isArray(rows) ? rows : [rows];
    /** @type {Row[]} */
    const accepted = [];
    list.forEach((row, i) => {
      // A copy: the caller may reuse its GenericRow or object for the next row.
      const obj = row instanceof GenericRow ? row.toObject() : { ...row };
      // Convert every column now so a bad value is refused here, not at flush time.
      for (const field of state.fields) {
        try {
          convertValue(field, obj[field.name]);
        } catch (e) {
          throw new Error(`row ${this.#collected + i + 1}, column ${field.name}: ${/** @type {Error} */ (e).message}`, { cause: e });
        }
      }
      accepted.push(obj);
    });
    this.#rows.push(...accepted);
    this.#collected += accepted.length;
  }

  /**
   * Builds one segment from every row collected so far and publishes `<segmentName>.tar.gz`
   * into the output directory. Resolves with its file: URL.
   * @param {FlushOptions} [options]
   * @returns {Promise<URL>}
   */
  async flush(options = {}) {
    this.#ready();
    options.signal?.throwIfAborted();
    // Take the rows now: anything collected from here on is for the next flush.
    const rows = this.#rows;
    this.#rows = [];
    const run = this.#flushing.then(() => this.#flushNow(rows, options));
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  /**
   * @param {Row[]} rows
   * @param {FlushOptions} options
   */
  async #flushNow(rows, { signal }) {
    const state = this.#ready();
    const work = await mkdtemp(path.join(state.staging, 'flush-'));
    try {
      const { batch } = state;
      const built = await buildSegment(rows, {
        schema: state.schema,
        tableConfig: state.tableConfig,
        outDir: work,
        creationTime: this.options.creationTime?.() ?? Date.now(),
        // Name segments as Pinot's segment writer does (IngestionUtils), not as a batch job.
        nameRules: 'segmentWriter',
        segmentNameGenerator: batch.segmentNameGenerator,
        sequenceId: batch.sequenceId ?? -1,
        ...(signal ? { signal } : {}),
      });
      signal?.throwIfAborted();
      const target = path.join(state.outDir, `${built.segmentName}.tar.gz`);
      await publish(built.tarFile, target, batch.overwriteOutput, () =>
        new Error(
          `Duplicate segment name generated '${built.segmentName}' in '${batch.outputDirURI}', please adjust segment name generator config to avoid duplicates, or allow batch config overwrite`,
        ),
      );
      return pathToFileURL(target);
    } catch (e) {
      // Nothing was published: the rows go back, ahead of any collected meanwhile.
      this.#rows = rows.concat(this.#rows);
      throw e;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Drops buffered rows and the staging directory; safe to call twice. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing;
    this.#rows = [];
    if (this.#state) await rm(this.#state.staging, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose]() {
    await this.close();
  }

  #ready() {
    if (this.#closed) throw new Error('segment writer is closed');
    if (!this.#state) throw new Error('segment writer is not initialised: call init() first');
    return this.#state;
  }
}

/**
 * A local directory from a file: URI or a plain path; other schemes are FileBasedSegmentWriter's job.
 * @param {string} uri
 */
function localDir(uri) {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(uri)) {
    if (!uri.startsWith('file:')) throw new Error(`outputDirURI ${uri}: this writer writes to local directories only (use FileBasedSegmentWriter for other schemes)`);
    return fileURLToPath(uri);
  }
  return path.resolve(uri);
}

/**
 * Puts the tarball at target all at once: copied to a hidden temporary beside it, then renamed
 * (replacing) or hard-linked (which fails if the name exists, so two writers cannot both win).
 * @param {string} tarFile
 * @param {string} target
 * @param {boolean} overwrite
 * @param {() => Error} duplicate
 */
async function publish(tarFile, target, overwrite, duplicate) {
  if (!overwrite && (await exists(target))) throw duplicate();
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  await copyFile(tarFile, tmp);
  try {
    if (overwrite) await rename(tmp, target);
    else {
      await link(tmp, target).catch((/** @type {NodeJS.ErrnoException} */ e) => {
        throw e.code === 'EEXIST' ? duplicate() : e;
      });
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** @param {string} file */
async function exists(file) {
  try {
    await stat(file);
    return true;
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') return false;
    throw e;
  }
}
