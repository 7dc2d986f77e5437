import { CsvTokenizer } from './csv-tokenizer.js';
import { fileChunks } from './file-chunks.js';

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
  /** Only these columns are decoded and returned (the others are skipped cheaply). */
  columns?: ReadonlySet<string>;
  signal?: AbortSignal;
}

/**
 * Rows of a CSV file as Pinot's CSVRecordReader + CSVRecordExtractor produce them: strings;
 * an empty cell is null; a cell with the multi-value delimiter becomes an array when it splits
 * into 2+ non-empty parts (StringUtils.split drops empty tokens), otherwise stays a string;
 * surrounding spaces trimmed and empty lines skipped (Commons CSV defaults Pinot sets).
 */
export async function* readCsv(source: string | AsyncIterable<Buffer>, opts: CsvReaderOptions = {}): AsyncGenerator<Record<string, unknown>> {
  // Chunks are used up before the next is read, so a source may reuse its buffer (fileChunks does).
  const input = typeof source === 'string' ? fileChunks(source, opts.signal ? { signal: opts.signal } : {}) : source;
  const mvd = opts.multiValueDelimiter === undefined ? ';' : opts.multiValueDelimiter;
  const one = (s: string | undefined, what: string): number => {
    if (s === undefined) return -1;
    if (s.length !== 1 || s.charCodeAt(0) > 0x7f) throw new Error(`CSV ${what} must be one ASCII character, got ${JSON.stringify(s)}`);
    return s.charCodeAt(0);
  };
  const tokenizer = new CsvTokenizer({
    delimiter: one(opts.delimiter ?? ',', 'delimiter'),
    quote: one(opts.quoteCharacter ?? '"', 'quote character'),
    escape: one(opts.escapeCharacter, 'escape character'),
    comment: one(opts.commentMarker, 'comment marker'),
  });
  let columns: string[] | undefined = opts.header;
  if (columns && opts.columns) {
    const only = opts.columns;
    tokenizer.skip = columns.map((c) => !only.has(c));
  }
  let skip = Boolean(opts.header && opts.skipHeader);
  let bom = true;
  const rows: Array<Record<string, unknown>> = [];
  const mvMemo = new Map<string, string[]>();
  const onRecord = (record: string[]): void => {
    if (!columns) {
      columns = record;
      const dup = columns.find((c, i) => columns?.indexOf(c) !== i);
      if (dup !== undefined) throw new Error(`CSV header has column ${JSON.stringify(dup)} twice`);
      const only = opts.columns;
      if (only) tokenizer.skip = columns.map((c) => !only.has(c));
      return;
    }
    if (skip) {
      skip = false;
      return;
    }
    const row: Record<string, unknown> = {};
    const unused = tokenizer.skip;
    for (let i = 0; i < columns.length; i++) if (!unused?.[i]) row[columns[i] as string] = convertCell(record[i], mvd, opts.nullStringValue, mvMemo);
    rows.push(row);
  };
  let head: Buffer | undefined;
  for await (const chunk of input) {
    let data = chunk;
    if (bom) {
      // The BOM may arrive split over tiny first chunks: hold bytes until three are there.
      head = head ? Buffer.concat([head, data]) : data;
      if (head.length < 3 && head.every((b, i) => b === [0xef, 0xbb, 0xbf][i])) {
        head = Buffer.from(head); // the source may reuse its chunk buffer
        continue;
      }
      bom = false;
      data = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
      head = undefined;
    }
    tokenizer.push(data, onRecord);
    for (const r of rows) yield r;
    rows.length = 0;
  }
  if (head) tokenizer.push(head, onRecord);
  tokenizer.end(onRecord);
  for (const r of rows) yield r;
}

function convertCell(cell: string | undefined, mvd: string | null, nullString: string | undefined, memo: Map<string, string[]>): unknown {
  if (cell === undefined || cell === '' || (nullString !== undefined && cell === nullString)) return null;
  if (mvd === null || !cell.includes(mvd)) return cell;
  // Multi-value cells repeat (tag lists): split each text once, so its parts are the same
  // strings every time and their hashes are already known when the dictionary looks them up.
  let parts = memo.get(cell);
  if (parts === undefined) {
    parts = cell.split(mvd).filter((p) => p !== '');
    if (memo.size < MV_MEMO_SIZE && cell.length <= MV_MEMO_CELL) memo.set(cell, parts);
  }
  return parts.length > 1 ? parts.slice() : cell;
}

const MV_MEMO_SIZE = 8192;
/** Longer cells are split each time: the memo holds at most MV_MEMO_SIZE x this many characters. */
const MV_MEMO_CELL = 256;
