/**
 * A streaming CSV tokenizer with the Commons CSV behaviour Pinot's CSVRecordReader configures:
 * RFC 4180 quoting (`""` inside quotes), CR, LF or CRLF line ends, surrounding spaces ignored
 * outside quotes, empty lines skipped, optional comment marker and escape character. It works on
 * bytes and decodes each field on its own (ASCII fast path), which is what lets `deepstore
 * build` read CSV at several hundred MB/s — the general-purpose parsers we measured spent more
 * time than the whole rest of the build.
 */
export interface CsvTokenizerOptions {
  delimiter?: number;
  quote?: number;
  escape?: number;
  comment?: number;
}

const CACHE_SLOTS = 8192;
const CACHE_MAX_LEN = 24;
const CR = 13;
const LF = 10;
const SP = 32;
const TAB = 9;

export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly escape: number;
  private readonly comment: number;
  /** The unfinished record carried over from the last chunk sits at the start of `work`. */
  private work: Buffer = Buffer.alloc(0);
  private pendingLength = 0;
  /** 1-based line number of the next record's first line, for error messages. */
  line = 1;
  /** Fields (by position) whose text is not needed: they are scanned but not decoded ('' instead). */
  skip: boolean[] | undefined;

  constructor(opts: CsvTokenizerOptions = {}) {
    this.delimiter = opts.delimiter ?? 44;
    this.quote = opts.quote ?? 34;
    this.escape = opts.escape ?? -1;
    this.comment = opts.comment ?? -1;
  }

  /**
   * Feeds a chunk; calls onRecord for every complete record. Nothing refers to `chunk` once this
   * returns (fields are decoded into strings, the unfinished tail is copied), so the caller may
   * reuse it. The carried-over tail and the next chunk meet in one reused buffer: a fresh
   * chunk-sized allocation per chunk kept ~30 MB of dead buffers alive between collections.
   */
  push(chunk: Buffer, onRecord: (fields: string[], line: number) => void): void {
    let buf = chunk;
    if (this.pendingLength > 0) {
      const total = this.pendingLength + chunk.length;
      this.reserve(total, this.pendingLength);
      chunk.copy(this.work, this.pendingLength);
      buf = this.work.subarray(0, total);
    }
    const consumed = this.scan(buf, false, onRecord);
    const rest = buf.length - consumed;
    if (rest > 0) {
      this.reserve(rest, buf === chunk ? 0 : this.pendingLength);
      // Overlapping copies within `work` are fine: Buffer#copy moves like memmove.
      buf.copy(this.work, 0, consumed);
    }
    this.pendingLength = rest;
  }

  /** Flushes the last record (no trailing newline needed). */
  end(onRecord: (fields: string[], line: number) => void): void {
    if (this.pendingLength > 0) this.scan(this.work.subarray(0, this.pendingLength), true, onRecord);
    this.pendingLength = 0;
  }

  /** Makes `work` hold at least `size` bytes, keeping its first `keep`. */
  private reserve(size: number, keep: number): void {
    if (this.work.length >= size) return;
    const bigger = Buffer.allocUnsafe(Math.max(size, this.work.length * 2, 64 * 1024));
    this.work.copy(bigger, 0, 0, keep);
    this.work = bigger;
  }

  // A direct-mapped cache of short ASCII fields: repeated values (countries, flags, tags) come
  // back as the same string, so no new string is made and its hash is already computed when the
  // statistics pass looks it up.
  private readonly cacheStrings: Array<string | undefined> = new Array<string | undefined>(CACHE_SLOTS);
  private readonly cacheBytes = Buffer.alloc(CACHE_SLOTS * CACHE_MAX_LEN);
  private readonly cacheLengths = new Uint8Array(CACHE_SLOTS);

  private ascii(buf: Buffer, start: number, end: number, field: number): string {
    const len = end - start;
    if (len > CACHE_MAX_LEN || len === 0) return buf.toString('latin1', start, end);
    let h = Math.imul(field + 1, 0x9e3779b1);
    for (let k = start; k < end; k++) h = Math.imul(h ^ (buf[k] as number), 0x01000193);
    const slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
    const cached = this.cacheStrings[slot];
    const base = slot * CACHE_MAX_LEN;
    if (cached !== undefined && this.cacheLengths[slot] === len) {
      let same = true;
      for (let k = 0; k < len; k++) {
        if (this.cacheBytes[base + k] !== buf[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const value = buf.toString('latin1', start, end);
    this.cacheStrings[slot] = value;
    this.cacheLengths[slot] = len;
    buf.copy(this.cacheBytes, base, start, end);
    return value;
  }

  /** Returns how many bytes were consumed (complete records only unless `final`). */
  private scan(buf: Buffer, final: boolean, onRecord: (fields: string[], line: number) => void): number {
    const n = buf.length;
    const { delimiter, quote, escape, comment } = this;
    let pos = 0;
    outer: while (pos < n) {
      const recordStart = pos;
      const startLine = this.line;
      let linesInRecord = 0;
      // Empty lines and comment lines are skipped.
      const c0 = buf[pos] as number;
      if (c0 === LF || c0 === CR) {
        pos += c0 === CR && buf[pos + 1] === LF ? 2 : 1;
        if (c0 === CR && pos >= n && !final) return recordStart; // a CR at the chunk end may be followed by LF
        this.line++;
        continue;
      }
      if (c0 === comment) {
        const nl = nextLineEnd(buf, pos);
        if (nl < 0) {
          if (!final) return recordStart;
          return n;
        }
        pos = nl + (buf[nl] === CR && buf[nl + 1] === LF ? 2 : 1);
        this.line++;
        continue;
      }
      const fields: string[] = [];
      for (;;) {
        // One field.
        let i = pos;
        while (i < n && ((buf[i] as number) === SP || (buf[i] as number) === TAB) && (buf[i] as number) !== delimiter) i++;
        if (i < n && buf[i] === quote) {
          // Quoted field: bytes up to the closing quote, "" standing for one quote.
          let j = i + 1;
          let parts: Buffer[] | undefined;
          let segStart = j;
          for (;;) {
            if (j >= n) {
              if (!final) return recordStart;
              throw new Error(`CSV line ${startLine}: a quoted field is not closed before the end of the input`);
            }
            const c = buf[j] as number;
            if (c === escape && j + 1 < n) {
              (parts ??= []).push(buf.subarray(segStart, j));
              segStart = j + 1;
              j += 2;
              continue;
            }
            if (c === quote) {
              if (buf[j + 1] === quote) {
                (parts ??= []).push(buf.subarray(segStart, j + 1));
                j += 2;
                segStart = j;
                continue;
              }
              if (j + 1 >= n && !final) return recordStart;
              break;
            }
            if (c === LF) linesInRecord++;
            j++;
          }
          const last = buf.subarray(segStart, j);
          fields.push(parts ? Buffer.concat([...parts, last]).toString('utf8') : decode(buf, segStart, j));
          j++;
          while (j < n && ((buf[j] as number) === SP || (buf[j] as number) === TAB)) j++;
          if (j >= n) {
            if (!final) return recordStart;
            this.line += 1 + linesInRecord;
            onRecord(fields, startLine);
            return n;
          }
          const c = buf[j] as number;
          if (c === delimiter) {
            pos = j + 1;
            continue;
          }
          if (c === LF || c === CR) {
            if (c === CR && j + 1 >= n && !final) return recordStart;
            pos = j + (c === CR && buf[j + 1] === LF ? 2 : 1);
            this.line += 1 + linesInRecord;
            onRecord(fields, startLine);
            continue outer;
          }
          throw new Error(`CSV line ${startLine}: unexpected character ${JSON.stringify(String.fromCharCode(c))} after a closing quote`);
        }
        // Unquoted field: up to the delimiter or the line end.
        let j = i;
        let ascii = true;
        let hasEscape = false;
        while (j < n) {
          const c = buf[j] as number;
          if (c === delimiter || c === LF || c === CR) break;
          if (c === escape) {
            hasEscape = true;
            j += 2;
            continue;
          }
          if (c > 0x7f) ascii = false;
          j++;
        }
        if (j >= n && !final) return recordStart;
        let end = Math.min(j, n);
        while (end > i && ((buf[end - 1] as number) === SP || (buf[end - 1] as number) === TAB)) end--;
        let value = this.skip?.[fields.length] ? '' : ascii ? this.ascii(buf, i, end, fields.length) : buf.toString('utf8', i, end);
        if (hasEscape) value = unescape(value, String.fromCharCode(escape));
        fields.push(value);
        if (j >= n) {
          this.line++;
          onRecord(fields, startLine);
          return n;
        }
        const c = buf[j] as number;
        if (c === delimiter) {
          pos = j + 1;
          continue;
        }
        if (c === CR && j + 1 >= n && !final) return recordStart;
        pos = j + (c === CR && buf[j + 1] === LF ? 2 : 1);
        this.line++;
        onRecord(fields, startLine);
        continue outer;
      }
    }
    return pos;
  }
}

function nextLineEnd(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const c = buf[i] as number;
    if (c === LF || c === CR) return i;
  }
  return -1;
}

function decode(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) if ((buf[i] as number) > 0x7f) return buf.toString('utf8', start, end);
  return buf.toString('latin1', start, end);
}

function unescape(s: string, esc: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === esc && i + 1 < s.length) i++;
    out += s[i];
  }
  return out;
}
