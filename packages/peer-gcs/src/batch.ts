/**
 * JSON API batches (https://cloud.google.com/storage/docs/batch): POST /batch/storage/v1 with a
 * multipart/mixed body whose parts (Content-Type: application/http, optional Content-ID) each hold one HTTP
 * request. Each is run like a direct request; the answer is multipart/mixed with one application/http part
 * per request, in order, with Content-ID `<response-ID>`. At most 100 parts; the body must be under 10 MiB.
 * Uploads and media downloads are not allowed inside a batch.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { errorResponse, errors } from './errors.js';
import { header, readBody, type PeerRequest, type PeerResponse } from './http.js';
import { boundaryOf, collect, parseMultipart } from './multipart.js';

export const MAX_BATCH_PARTS = 100;
const MAX_BATCH_BYTES = 10 * 1024 * 1024;

export type Dispatch = (req: PeerRequest) => Promise<PeerResponse>;

interface SubRequest {
  contentId?: string;
  request?: PeerRequest;
  error?: PeerResponse;
}

function statusText(code: number): string {
  if (code === 308) return 'Resume Incomplete';
  if (code === 499) return 'Client Closed Request';
  return STATUS_CODES[code] ?? 'Unknown';
}

async function bodyBuffer(body: PeerResponse['body']): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  return collect(body as AsyncIterable<Buffer>, 64 * 1024 * 1024);
}

function parseSubRequest(outer: PeerRequest, raw: Buffer): PeerRequest {
  const text = raw.toString('latin1');
  let headEnd = text.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (headEnd < 0) {
    headEnd = text.indexOf('\n\n');
    sepLen = 2;
  }
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const bodyBytes = headEnd < 0 ? Buffer.alloc(0) : raw.subarray(headEnd + sepLen);
  const lines = head.split(/\r?\n/).filter((l, i) => i > 0 || l.trim() !== '');
  const requestLine = (lines.shift() ?? '').trim();
  const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?$/i.exec(requestLine);
  if (!m) throw errors.badRequest(`Invalid request line in batch part: ${requestLine}`);
  const method = m[1]!.toUpperCase();
  const target = m[2]!;
  const url = new URL(target, outer.origin);

  // Outer headers apply to every part except Content-* ones; the part's own headers win.
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(outer.headers)) {
    if (!k.startsWith('content-') && k !== 'transfer-encoding' && k !== 'expect') headers[k] = v;
  }
  for (const line of lines) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    headers[line.slice(0, c).trim().toLowerCase()] = Buffer.from(line.slice(c + 1).trim(), 'latin1').toString('utf8');
  }
  let body = bodyBytes;
  const declared = headers['content-length'];
  if (typeof declared === 'string' && /^\d+$/.test(declared)) body = body.subarray(0, Number(declared));
  else if (body.length >= 2 && body.subarray(body.length - 2).toString('latin1') === '\r\n') body = body.subarray(0, body.length - 2);
  headers['content-length'] = String(body.length);

  const query = new URLSearchParams(outer.query);
  for (const [k, v] of url.searchParams) query.set(k, v);
  return {
    method,
    rawPath: url.pathname,
    query,
    headers,
    body: Readable.from(body.length > 0 ? [body] : []),
    origin: outer.origin,
    inBatch: true,
  };
}

export async function batch(req: PeerRequest, dispatch: Dispatch): Promise<PeerResponse> {
  if (req.inBatch) throw errors.invalid('Nested batch requests are not allowed.');
  const boundary = boundaryOf(header(req, 'content-type'), 'mixed');
  if (!boundary) throw errors.invalid('A batch request must have Content-Type multipart/mixed with a boundary.');
  let raw = await readBody(req.body, MAX_BATCH_BYTES);
  if (!raw.includes('\r\n')) raw = Buffer.from(raw.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');

  const subs: SubRequest[] = [];
  for await (const part of parseMultipart(Readable.from([raw]), boundary)) {
    const body = await collect(part.body, MAX_BATCH_BYTES);
    const cid = part.headers['content-id'];
    const sub: SubRequest = {};
    if (cid !== undefined) sub.contentId = cid.replace(/^<|>$/g, '');
    try {
      sub.request = parseSubRequest(req, body);
    } catch (e) {
      sub.error = errorResponse(e);
    }
    subs.push(sub);
  }
  if (subs.length === 0) throw errors.invalid('The batch request contains no parts.');
  if (subs.length > MAX_BATCH_PARTS) {
    throw errors.invalid(`Too many requests in batch: ${subs.length} (the limit is ${MAX_BATCH_PARTS}).`);
  }

  const outBoundary = `batch_${randomBytes(12).toString('base64url')}`;
  const chunks: Buffer[] = [];
  for (const sub of subs) {
    let res: PeerResponse;
    if (sub.error) {
      res = sub.error;
    } else {
      const r = sub.request!;
      const isMedia = r.rawPath.startsWith('/upload/') || r.rawPath.startsWith('/download/') || r.query.get('alt') === 'media';
      if (isMedia) {
        res = errorResponse(errors.invalid('Uploads and media downloads are not supported in batch requests.'));
      } else {
        res = await dispatch(r);
      }
    }
    const body = await bodyBuffer(res.body);
    const lines = [`--${outBoundary}`, 'Content-Type: application/http'];
    if (sub.contentId !== undefined) lines.push(`Content-ID: <response-${sub.contentId}>`);
    lines.push('', `HTTP/1.1 ${res.status} ${statusText(res.status)}`);
    for (const [k, v] of Object.entries(res.headers ?? {})) {
      if (k.toLowerCase() === 'content-length') continue;
      lines.push(`${k}: ${v}`);
    }
    lines.push(`Content-Length: ${body.length}`, '', '');
    chunks.push(Buffer.from(lines.join('\r\n'), 'utf8'), body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${outBoundary}--\r\n`));
  return {
    status: 200,
    headers: { 'content-type': `multipart/mixed; boundary=${outBoundary}` },
    body: Buffer.concat(chunks),
  };
}
