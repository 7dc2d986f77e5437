/**
 * A streaming MIME multipart parser (RFC 2046) for multipart/related uploads and multipart/mixed batches.
 * Part bodies are async iterables, so a media part of any size streams through without being buffered.
 */
import type { Readable } from 'node:stream';
import { errors } from './errors.js';

const CRLF = Buffer.from('\r\n');

function iterate(source: Readable | AsyncIterable<Buffer>): AsyncIterator<Buffer> {
  const r = source as Readable & { iterator?: (o: { destroyOnReturn: boolean }) => AsyncIterableIterator<Buffer> };
  // Never destroy the request when we stop early: the server still has to drain it and answer.
  if (typeof r.iterator === 'function') return r.iterator({ destroyOnReturn: false });
  return (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
}

export class ByteReader {
  private readonly it: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private eof = false;

  constructor(source: Readable | AsyncIterable<Buffer>) {
    this.it = iterate(source);
  }

  private async pull(): Promise<boolean> {
    if (this.eof) return false;
    const r = await this.it.next();
    if (r.done) {
      this.eof = true;
      return false;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return true;
  }

  /** Bytes before `delim` (which is consumed); 400 if the stream ends first or `limit` is exceeded. */
  async readUntil(delim: Buffer, limit: number): Promise<Buffer> {
    let from = 0;
    while (true) {
      const idx = this.buf.indexOf(delim, from);
      if (idx >= 0) {
        const out = this.buf.subarray(0, idx);
        this.buf = this.buf.subarray(idx + delim.length);
        return out;
      }
      if (this.buf.length > limit) throw errors.badRequest('Malformed multipart body.');
      from = Math.max(0, this.buf.length - delim.length + 1);
      if (!(await this.pull())) throw errors.badRequest('Malformed multipart body: unexpected end of data.');
    }
  }

  /** Streams the bytes before `delim`, then consumes it. */
  async *streamUntil(delim: Buffer): AsyncGenerator<Buffer> {
    while (true) {
      const idx = this.buf.indexOf(delim);
      if (idx >= 0) {
        const out = this.buf.subarray(0, idx);
        this.buf = this.buf.subarray(idx + delim.length);
        if (out.length > 0) yield out;
        return;
      }
      const safe = this.buf.length - (delim.length - 1);
      if (safe > 0) {
        const out = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        yield out;
      }
      if (!(await this.pull())) throw errors.badRequest('Malformed multipart body: missing closing boundary.');
    }
  }

  async peek(n: number): Promise<Buffer> {
    while (this.buf.length < n && (await this.pull())) {
      // keep pulling
    }
    return this.buf.subarray(0, n);
  }

  /** Reads and discards everything left. */
  async rest(): Promise<void> {
    this.buf = Buffer.alloc(0);
    while (await this.pull()) this.buf = Buffer.alloc(0);
  }
}

export interface Part {
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: AsyncGenerator<Buffer>;
}

/** Boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | undefined, subtype: string): string | undefined {
  if (!contentType) return undefined;
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== `multipart/${subtype}`) return undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    return v || undefined;
  }
  return undefined;
}

export function parseHeaderLines(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const k = line.slice(0, c).trim().toLowerCase();
    const v = line.slice(c + 1).trim();
    headers[k] = headers[k] !== undefined ? `${headers[k]}, ${v}` : v;
  }
  return headers;
}

/**
 * Yields the parts of a multipart body. Each part's body must be consumed (or is drained) before the next
 * part is produced. The epilogue after the closing boundary is discarded.
 */
export async function* parseMultipart(source: Readable | AsyncIterable<Buffer>, boundary: string): AsyncGenerator<Part> {
  const reader = new ByteReader(source);
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // Preamble (usually empty) up to the first boundary.
  const first = await reader.peek(dashBoundary.length);
  if (first.equals(dashBoundary)) await reader.readUntil(dashBoundary, dashBoundary.length);
  else await reader.readUntil(delimiter, 64 * 1024);
  while (true) {
    const after = await reader.peek(2);
    if (after.toString('latin1') === '--') {
      await reader.rest();
      return;
    }
    // Transport padding then CRLF.
    await reader.readUntil(CRLF, 1024);
    const lines: string[] = [];
    while (true) {
      const line = (await reader.readUntil(CRLF, 64 * 1024)).toString('utf8');
      if (line === '') break;
      lines.push(line);
      if (lines.length > 100) throw errors.badRequest('Too many part headers.');
    }
    const body = reader.streamUntil(delimiter);
    yield { headers: parseHeaderLines(lines), body };
    // Drain whatever the consumer left.
    for await (const _ of body) {
      // discard
    }
  }
}

export async function collect(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > limit) throw errors.payloadTooLarge('Multipart part is too large.');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
