import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readAvro } from './avro-reader.js';
import { readCsv, type CsvReaderOptions } from './csv-reader.js';
import { fileChunks } from './file-chunks.js';
import { readJson } from './json-reader.js';

export type InputFormat = 'csv' | 'json' | 'avro';

/** One input file of a build. */
export interface InputFile {
  file: string;
  format: InputFormat;
  /** Name used in messages (e.g. the URI it was fetched from). Default: file. */
  name?: string;
  /** Pinot's CSVRecordReaderConfig settings (delimiter, multiValueDelimiter, header, ...). */
  csv?: Omit<CsvReaderOptions, 'signal' | 'columns'>;
  /** Field name in the file -> column name (e.g. for Avro, whose names cannot hold every column name). */
  rename?: Record<string, string>;
}

/** The input format named by the file name (ignoring a trailing .gz), or undefined. */
export function inputFormatOf(file: string): InputFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv') || name.endsWith('.tsv')) return 'csv';
  if (name.endsWith('.json') || name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'json';
  if (name.endsWith('.avro')) return 'avro';
  return undefined;
}

/** Whether a file starts with the gzip magic bytes. */
async function isGzipFile(file: string): Promise<boolean> {
  const head = Buffer.alloc(2);
  const fh = await open(file, 'r');
  try {
    await fh.read(head, 0, 2, 0);
  } finally {
    await fh.close();
  }
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** A file's bytes, gunzipped when they start with the gzip magic; onBytes counts raw bytes read. */
export async function openInputStream(file: string, opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}): Promise<Readable> {
  const gzipped = await isGzipFile(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20, ...(opts.signal ? { signal: opts.signal } : {}) });
  const onBytes = opts.onBytes;
  const counted = onBytes
    ? raw.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            onBytes(chunk.length);
            cb(null, chunk);
          },
        }),
      )
    : raw.pipe(new PassThrough({ highWaterMark: 1 << 20 }));
  raw.on('error', (e) => counted.destroy(e));
  if (gzipped) {
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    counted.on('error', (e) => gunzip.destroy(e));
    return counted.pipe(gunzip);
  }
  return counted;
}

/** The rows of one input file, as Pinot's record reader for its format produces them. */
export async function readRows(
  input: InputFile,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void; columns?: ReadonlySet<string> } = {},
): Promise<AsyncIterable<Record<string, unknown>>> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  let rows: AsyncIterable<Record<string, unknown>>;
  if (input.format === 'avro') {
    rows = readAvro(input.file, signal);
  } else if (input.format === 'csv' && !(await isGzipFile(input.file))) {
    // Plain CSV: read in lock-step into one reused buffer (the tokenizer copies what it keeps).
    const chunks = fileChunks(input.file, { ...signal, ...(opts.onBytes ? { onBytes: opts.onBytes } : {}) });
    rows = readCsv(chunks, { ...input.csv, ...signal, ...(opts.columns ? { columns: opts.columns } : {}) });
  } else {
    const stream = await openInputStream(input.file, opts);
    rows = input.format === 'csv' ? readCsv(stream, { ...input.csv, ...signal, ...(opts.columns ? { columns: opts.columns } : {}) }) : readJson(stream, signal);
  }
  return input.rename ? renamed(rows, input.rename) : rows;
}

async function* renamed(rows: AsyncIterable<Record<string, unknown>>, rename: Record<string, string>): AsyncGenerator<Record<string, unknown>> {
  const pairs = Object.entries(rename);
  for await (const row of rows) {
    const out: Record<string, unknown> = {};
    for (const [from, to] of pairs) out[to] = row[from];
    yield out;
  }
}
