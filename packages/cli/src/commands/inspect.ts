import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, baseName, schemeOf, toUrl } from '@deepstore/core';
import { SegmentReader, SegmentUnsupportedError, type ColumnMetadata } from '@deepstore/segment';
import { fsFor, progressSink, writeOut, type CommandContext } from '../context.js';

export interface InspectOptions {
  json?: boolean;
  rows?: string;
}

type Cell = string | number | bigint | boolean | null | Cell[];

interface ColumnReport {
  name: string;
  dataType: string;
  columnType: string;
  singleValue: boolean;
  cardinality: number;
  sorted: boolean;
  dictionary: boolean;
  minValue: string | null;
  maxValue: string | null;
  /** Index ids present on disk (dictionary, forward_index, inverted_index, nullvalue_vector). */
  indexes: string[];
  /** Why the values could not be read, when they could not. */
  unreadable?: string;
}

/**
 * `inspect [--json] [--rows N] SEGMENT`: a Pinot segment (`.tar.gz`, a segment directory, or
 * a URI on any scheme, fetched first) — its metadata, its columns and the first N rows. The CRC
 * in creation.meta is verified: a mismatch, like any layout error, fails with exit code 1.
 */
export async function inspect(ctx: CommandContext, segment: string, options: InspectOptions): Promise<void> {
  const rows = options.rows === undefined ? 10 : Number(options.rows);
  if (!Number.isInteger(rows) || rows < 0 || rows > 1_000_000) throw new InvalidInputError(`--rows must be an integer from 0 to 1000000, got ${JSON.stringify(options.rows)}`, { operation: 'inspect' });
  let tmp: string | undefined;
  try {
    let local: string;
    if (schemeOf(segment) === 'file') {
      local = fileURLToPath(toUrl(segment));
    } else {
      // Other schemes: fetch to a private temp directory first (streamed, with progress).
      const fs = await fsFor(ctx, segment);
      tmp = await mkdtemp(path.join(os.tmpdir(), 'deepstore-inspect-'));
      local = path.join(tmp, baseName(segment) || 'segment');
      const progress = progressSink(ctx);
      try {
        await fs.copyToLocal(segment, local, { signal: ctx.signal, ...(progress ? { onProgress: progress.onProgress } : {}) });
      } finally {
        progress?.finish();
      }
    }
    const reader = await SegmentReader.open(local);
    try {
      const crc = await reader.verifyCrc();
      const columns: ColumnReport[] = reader.columns.map(describe).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const c of columns) {
        for (const id of ['dictionary', 'forward_index', 'inverted_index', 'nullvalue_vector'] as const) if (await reader.hasIndex(c.name, id)) c.indexes.push(id);
      }
      const values = new Map<string, Cell[]>();
      for (const c of columns) {
        if (rows === 0) break;
        try {
          const read = ((await reader.values(c.name)) as Cell[]).slice(0, rows);
          values.set(c.name, c.dataType === 'FLOAT' ? read.map(shortestFloat) : read);
        } catch (err) {
          if (!(err instanceof SegmentUnsupportedError)) throw err;
          c.unreadable = err.message;
        }
      }
      const n = Math.min(rows, reader.metadata.totalDocs);
      const table = Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map((c) => [c.name, values.get(c.name)?.[i] ?? null])));
      const m = reader.metadata;
      const summary = {
        segment: m.name,
        table: m.tableName ?? null,
        totalDocs: m.totalDocs,
        indexVersion: m.indexVersion ?? 'v1',
        timeColumn: m.timeColumn ?? null,
        timeUnit: m.timeUnit ?? null,
        startTime: m.startTime ?? null,
        endTime: m.endTime ?? null,
        crc: { expected: hex(crc.expected), actual: hex(crc.actual), ok: true },
      };
      if (options.json) {
        // LONG values arrive as bigint: numbers where exact, decimal strings beyond 2^53.
        const json = JSON.stringify({ ...summary, columns, rows: table }, (_k, v: unknown) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v), 2);
        await writeOut(ctx, `${json}\n`);
        return;
      }
      await writeOut(ctx, humanReport(summary, columns, table));
    } finally {
      await reader.close();
    }
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

function describe(c: ColumnMetadata): ColumnReport {
  return {
    name: c.name,
    dataType: c.dataType,
    columnType: c.columnType,
    singleValue: c.isSingleValue,
    cardinality: c.cardinality,
    sorted: c.isSorted,
    dictionary: c.hasDictionary,
    minValue: c.minValue ?? null,
    maxValue: c.maxValue ?? null,
    indexes: [],
  };
}

/** A FLOAT as Java prints it: the shortest decimal that reads back as the same 32-bit float. */
function shortestFloat(v: Cell): Cell {
  if (Array.isArray(v)) return v.map(shortestFloat);
  if (typeof v !== 'number' || !Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

function hex(n: bigint): string {
  return `0x${n.toString(16).toUpperCase()}`;
}

function humanReport(summary: Record<string, unknown>, columns: ColumnReport[], table: Array<Record<string, Cell>>): string {
  const lines: string[] = [];
  const crc = summary.crc as { expected: string };
  lines.push(`segment     ${String(summary.segment)}`);
  lines.push(`table       ${String(summary.table ?? '-')}`);
  lines.push(`docs        ${String(summary.totalDocs)}`);
  lines.push(`layout      ${String(summary.indexVersion)}`);
  if (summary.timeColumn) lines.push(`time        ${String(summary.timeColumn)} ${String(summary.startTime)}..${String(summary.endTime)} ${String(summary.timeUnit ?? '')}`.trimEnd());
  lines.push(`crc         ${crc.expected} (verified)`);
  lines.push('');
  const header = ['column', 'type', 'kind', 'values', 'cardinality', 'encoding', 'min', 'max', 'indexes'];
  const body = columns.map((c) => [
    c.name,
    c.dataType,
    c.columnType,
    c.singleValue ? 'single' : 'multi',
    String(c.cardinality),
    `${c.dictionary ? 'dictionary' : 'raw'}${c.sorted ? ', sorted' : ''}`,
    c.minValue ?? '-',
    c.maxValue ?? '-',
    c.indexes.map((i) => i.replace(/_index$|_vector$/, '')).join(',') || '-',
  ]);
  lines.push(...alignColumns([header, ...body]));
  for (const c of columns) if (c.unreadable) lines.push(`note: values of ${c.name} not shown: ${c.unreadable}`);
  if (table.length > 0) {
    lines.push('');
    const names = columns.map((c) => c.name);
    lines.push(...alignColumns([names, ...table.map((r) => names.map((n) => cellText(r[n] ?? null)))]));
  }
  return `${lines.join('\n')}\n`;
}

function cellText(v: Cell): string {
  if (v === null) return '-';
  if (Array.isArray(v)) return `[${v.map(cellText).join(', ')}]`;
  return String(v);
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}
