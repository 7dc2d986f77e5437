/**
 * HTTP plumbing shared by the namenode and datanode servers: the request log, response writers,
 * and draining request bodies the server does not want.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RemoteError, RuntimeException } from './errors.js';

export interface RequestRecord {
  server: 'namenode' | 'datanode';
  index: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  bodyBytes: number;
}

export class RequestLog {
  private readonly records: RequestRecord[] = [];

  constructor(private readonly limit: number) {}

  add(record: RequestRecord): RequestRecord {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    return record;
  }

  snapshot(): RequestRecord[] {
    return this.records.map((r) => ({ ...r, query: { ...r.query } }));
  }
}

/** Counts (and discards) whatever body the client sends that the server does not read. */
export function drain(req: IncomingMessage, record: RequestRecord): void {
  if (req.readableEnded || req.destroyed) return;
  req.on('data', (chunk: Buffer) => {
    record.bodyBytes += chunk.length;
  });
  req.on('error', () => {});
  req.resume();
}

export function sendJson(res: ServerResponse, record: RequestRecord, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  record.status = status;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** A zero-length 200, as Jersey's Response.ok().type(APPLICATION_OCTET_STREAM) sends it. */
export function sendEmpty(res: ServerResponse, record: RequestRecord, status = 200, extra: Record<string, string> = {}): void {
  record.status = status;
  res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0, ...extra });
  res.end();
}

export function sendRedirect(res: ServerResponse, record: RequestRecord, location: string): void {
  record.status = 307;
  res.writeHead(307, { Location: location, 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
  res.end();
}

export function sendError(res: ServerResponse, record: RequestRecord, err: unknown, extra: Record<string, string> = {}): void {
  const e = err instanceof RemoteError ? err : RuntimeException(err instanceof Error ? err.message : String(err));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, record, e.status, e.toJSON(), extra);
}

export function sendPlain(res: ServerResponse, record: RequestRecord, status: number, text: string): void {
  record.status = status;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
