import { parentPort, workerData } from 'node:worker_threads';
import { readRows, type InputFile } from '../input/read-rows.js';
import { parseSchema } from '../schema.js';
import { parseTableConfig } from '../table-config.js';
import type { ColumnIndexResult } from './column-indexer.js';
import { planSegment, type PlanOptions } from './plan.js';
import { RowError, SegmentBuilder } from './segment-builder.js';

/** What the parallel file builder hands each worker. */
export interface BuildWorkerData {
  schema: unknown;
  tableConfig: unknown;
  schemaSource?: string;
  tableConfigSource?: string;
  plan: PlanOptions;
  /** The columns this worker converts and indexes. */
  columns: string[];
  inputs: InputFile[];
  /** Shared scratch directory: spill/ and v1/ files are named per column, so workers never collide. */
  dir: string;
  creationTime: number;
  /** Report input bytes read (one worker does, for the progress bar). */
  reportProgress: boolean;
}

export type BuildWorkerMessage =
  | { type: 'progress'; bytes: number; rows: number }
  | { type: 'done'; rows: number; results: ColumnIndexResult[] }
  | { type: 'error'; message: string; name: string; row?: number; column?: string };

async function run(data: BuildWorkerData): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('build-worker must run as a worker thread');
  const schema = parseSchema(data.schema, data.schemaSource);
  const table = parseTableConfig(data.tableConfig, schema, data.tableConfigSource);
  const plan = planSegment(schema, table, data.plan);
  const wanted = new Set(data.columns);
  const subset = { ...plan, columns: plan.columns.filter((c) => wanted.has(c.field.name)) };
  const builder = await SegmentBuilder.createIn(subset, { outDir: data.dir, creationTime: data.creationTime }, data.dir);
  let bytes = 0;
  let lastReport = 0;
  const onBytes = data.reportProgress
    ? (n: number): void => {
        bytes += n;
        const now = Date.now();
        if (now - lastReport >= 100) {
          lastReport = now;
          port.postMessage({ type: 'progress', bytes, rows: builder.rowCount } satisfies BuildWorkerMessage);
        }
      }
    : undefined;
  for (const input of data.inputs) {
    // Transforms may read any input field, so then every field is decoded.
    const rows = await readRows(input, { ...(plan.transform ? {} : { columns: wanted }), ...(onBytes ? { onBytes } : {}) });
    try {
      await builder.addAll(rows);
    } catch (e) {
      throw Object.assign(new Error(`${input.name ?? input.file}: ${(e as Error).message}`, { cause: e }), {
        ...(e instanceof RowError ? { row: e.row, column: e.column, rowError: true } : {}),
      });
    }
  }
  const results = builder.indexColumns();
  port.postMessage({ type: 'done', rows: builder.rowCount, results } satisfies BuildWorkerMessage);
}

run(workerData as BuildWorkerData).catch((e: unknown) => {
  const err = e as Error & { row?: number; column?: string };
  parentPort?.postMessage({
    type: 'error',
    message: err.message,
    name: err.name,
    ...(err.row !== undefined ? { row: err.row } : {}),
    ...(err.column !== undefined ? { column: err.column } : {}),
  } satisfies BuildWorkerMessage);
});
