import { parseSchema, type PinotSchema } from '../schema.js';
import { parseTableConfig, type TableConfig } from '../table-config.js';
import { planSegment, type PlanOptions } from './plan.js';
import { SegmentBuilder, type BuildOptions, type BuiltSegment } from './segment-builder.js';

export type Row = Readonly<Record<string, unknown>>;

export interface BuildSegmentOptions extends BuildOptions, PlanOptions {
  /** Pinot schema JSON (parsed object) or an already parsed schema. */
  schema: unknown;
  /** Pinot table config JSON (parsed object) or an already parsed config. */
  tableConfig: unknown;
  /** Names used in error messages for the two JSON documents (e.g. their file paths). */
  schemaSource?: string;
  tableConfigSource?: string;
  onProgress?: (rows: number) => void;
}

function isParsedSchema(s: unknown): s is PinotSchema {
  return typeof s === 'object' && s !== null && 'fieldMap' in s && (s as PinotSchema).fieldMap instanceof Map;
}

function isParsedTable(t: unknown): t is TableConfig {
  return typeof t === 'object' && t !== null && 'columns' in t && (t as TableConfig).columns instanceof Map;
}

/** Validates schema and table config, then opens a builder for rows of that table. */
export async function openSegmentBuilder(opts: BuildSegmentOptions): Promise<SegmentBuilder> {
  const schema = isParsedSchema(opts.schema) ? opts.schema : parseSchema(opts.schema, opts.schemaSource);
  const table = isParsedTable(opts.tableConfig) ? opts.tableConfig : parseTableConfig(opts.tableConfig, schema, opts.tableConfigSource);
  const plan = planSegment(schema, table, opts);
  return SegmentBuilder.create(plan, opts);
}

/**
 * Builds one Pinot segment from rows: validates the schema and table config, converts and
 * indexes every row, and writes `<outDir>/<segmentName>.tar.gz`.
 */
export async function buildSegment(
  rows: Iterable<Row> | AsyncIterable<Row>,
  opts: BuildSegmentOptions,
): Promise<BuiltSegment> {
  const builder = await openSegmentBuilder(opts);
  try {
    await builder.addAll(rows, opts.onProgress);
    return await builder.build();
  } finally {
    await builder.close();
  }
}
