import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/** Pinot's CSVRecordReaderConfig, the parts that apply here. */
export interface CsvReaderOptions {
  /** Field delimiter. Default ','. */
  delimiter?: string;
  /** Splits a cell into a multi-value array. Default ';'; null disables splitting. */
  multiValueDelimiter?: string | null;
  /** Column names when the file has no header line (`header` in Pinot's config, comma-separated there). */
  header?: string[];
  /** With `header`, skip the file's own first line. */
  skipHeader?: boolean;
  commentMarker?: string;
  escapeCharacter?: string;
  quoteCharacter?: string;
  /** A cell equal to this is null. */
  nullStringValue?: string;
  signal?: AbortSignal;
}

/**
 * Rows of a CSV file as Pinot's CSVRecordReader + CSVRecordExtractor produce them: strings;
 * an empty cell is null; a cell with the multi-value delimiter becomes an array when it splits
 * into 2+ non-empty parts (StringUtils.split drops empty tokens), otherwise stays a string;
 * surrounding spaces trimmed and empty lines skipped (Commons CSV defaults Pinot sets).
 */
export async function* readCsv(source: string | Readable, opts: CsvReaderOptions = {}): AsyncGenerator<Record<string, unknown>> {
  const input = typeof source === 'string' ? createReadStream(source, opts.signal ? { signal: opts.signal } : {}) : source;
  const mvd = opts.multiValueDelimiter === undefined ? ';' : opts.multiValueDelimiter;
  const parser = input.pipe(
    parse({
      delimiter: opts.delimiter ?? ',',
      quote: opts.quoteCharacter ?? '"',
      ...(opts.escapeCharacter ? { escape: opts.escapeCharacter } : {}),
      ...(opts.commentMarker ? { comment: opts.commentMarker } : {}),
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
    }),
  );
  let columns: string[] | undefined = opts.header;
  let skip = Boolean(opts.header && opts.skipHeader);
  let line = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    line++;
    if (!columns) {
      columns = record.map((c) => c.trim());
      const dup = columns.find((c, i) => columns?.indexOf(c) !== i);
      if (dup !== undefined) throw new Error(`CSV header has column ${JSON.stringify(dup)} twice`);
      continue;
    }
    if (skip) {
      skip = false;
      continue;
    }
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const cell = record[i];
      row[columns[i] as string] = convertCell(cell, mvd, opts.nullStringValue);
    }
    yield row;
  }
  void line;
}

function convertCell(cell: string | undefined, mvd: string | null, nullString: string | undefined): unknown {
  if (cell === undefined || cell === '' || (nullString !== undefined && cell === nullString)) return null;
  if (mvd === null || !cell.includes(mvd)) return cell;
  const parts = cell.split(mvd).filter((p) => p !== '');
  return parts.length > 1 ? parts : cell;
}
