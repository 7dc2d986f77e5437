import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { errors } from './errors.js';
import { filterFields } from './fields.js';

/**
 * A request as the handlers see it. The node:http adapter and the batch endpoint both produce these, so
 * batched sub-requests run through exactly the same code as direct ones.
 */
export interface PeerRequest {
  method: string;
  /** The path as received, still percent-encoded (object names are single encoded segments). */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Readable;
  /** Scheme and authority the client used, e.g. `http://127.0.0.1:40123` (for Location and links). */
  origin: string;
  /** True for a sub-request of a batch. */
  inBatch: boolean;
}

export interface PeerResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string | Readable;
}

/** First value of a header (node joins most repeated headers already). */
export function header(req: PeerRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  if (Array.isArray(v)) return v.join(', ');
  return v;
}

export async function drain(body: Readable): Promise<number> {
  let n = 0;
  try {
    for await (const chunk of body) n += (chunk as Buffer).length;
  } catch {
    // the client went away; nothing to drain
  }
  return n;
}

/** Reads a whole (small) body; refuses more than `limit` bytes. */
export async function readBody(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    n += b.length;
    if (n > limit) {
      await drain(body);
      throw errors.payloadTooLarge(`Request body exceeds ${limit} bytes.`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; an empty body is `undefined`. */
export async function readJson(req: PeerRequest, limit = 16 * 1024 * 1024): Promise<Record<string, unknown> | undefined> {
  const buf = await readBody(req.body, limit);
  const text = buf.toString('utf8').trim();
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw errors.parseError();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.parseError();
  return parsed as Record<string, unknown>;
}

/** A JSON response honouring the `fields` (partial response) and `prettyPrint` parameters. */
export function json(req: PeerRequest, status: number, value: unknown, headers: Record<string, string> = {}): PeerResponse {
  const fields = req.query.get('fields');
  const filtered = fields ? filterFields(value, fields) : value;
  const pretty = req.query.get('prettyPrint') !== 'false';
  const text = JSON.stringify(filtered, null, pretty ? 2 : undefined) + (pretty ? '\n' : '');
  return {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: text,
  };
}

export function empty(status: number, headers: Record<string, string> = {}): PeerResponse {
  return { status, headers, body: '' };
}

/** Splits a raw path into decoded segments; `undefined` if a segment is not valid percent-encoding. */
export function splitPath(rawPath: string): string[] | undefined {
  const parts = rawPath.split('/').slice(1);
  const out: string[] = [];
  for (const p of parts) {
    try {
      out.push(decodeURIComponent(p));
    } catch {
      return undefined;
    }
  }
  return out;
}
