import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthContext } from './auth.js';
import { S3Error } from './errors.js';
import { escapeXml, toXml } from './xml.js';

/** One request as the peer's handlers see it. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Decoded query, first value wins. */
  query: Map<string, string>;
  bucket: string;
  key: string;
  requestId: string;
  auth?: AuthContext;
}

export const OWNER = { ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', DisplayName: 'S3rver' };

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function header(ctx: Ctx, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function commonHeaders(ctx: Ctx): void {
  const { res } = ctx;
  res.setHeader('x-amz-request-id', ctx.requestId);
  res.setHeader('x-amz-id-2', Buffer.from(ctx.requestId + ctx.requestId).toString('base64'));
  res.setHeader('Server', 'AmazonS3');
}

export function sendXml(ctx: Ctx, status: number, xml: string, headers: Record<string, string | number> = {}): void {
  const { res } = ctx;
  if (res.headersSent) return;
  commonHeaders(ctx);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  const body = Buffer.from(xml, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', body.length);
  res.end(ctx.method === 'HEAD' ? undefined : body);
}

export function sendEmpty(ctx: Ctx, status: number, headers: Record<string, string | number> = {}): void {
  const { res } = ctx;
  if (res.headersSent) return;
  commonHeaders(ctx);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.statusCode = status;
  if (status !== 204 && status !== 304 && !res.hasHeader('Content-Length')) res.setHeader('Content-Length', 0);
  res.end();
}

/** Starts a body response (GET object); the caller pipes the bytes. */
export function startBody(ctx: Ctx, status: number, headers: Record<string, string | number>): void {
  commonHeaders(ctx);
  for (const [k, v] of Object.entries(headers)) ctx.res.setHeader(k, v);
  ctx.res.statusCode = status;
}

export function errorXml(err: S3Error, ctx: Ctx): string {
  const detail = Object.entries(err.detail)
    .map(([k, v]) => toXml(k, v))
    .join('');
  const resource = ctx.bucket ? `/${ctx.bucket}${ctx.key ? `/${ctx.key}` : ''}` : '/';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${detail}` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${ctx.requestId}</RequestId>` +
    `<HostId>${Buffer.from(ctx.requestId + ctx.requestId).toString('base64')}</HostId></Error>`
  );
}

const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Sends an S3 error. A request body that was not read is drained first (small ones) so
 * keep-alive clients get the response instead of a reset; big ones close the connection.
 */
export async function sendError(ctx: Ctx, err: S3Error): Promise<void> {
  const { req, res } = ctx;
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (!req.complete && !req.destroyed) {
    const length = Number(req.headers['content-length'] ?? req.headers['x-amz-decoded-content-length'] ?? 0);
    if (length <= DRAIN_LIMIT && !req.readableEnded) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 30_000);
        req.on('end', () => (clearTimeout(timer), resolve()));
        req.on('close', () => (clearTimeout(timer), resolve()));
        req.on('error', () => (clearTimeout(timer), resolve()));
        req.resume();
      });
    } else {
      res.setHeader('Connection', 'close');
    }
  }
  if (res.headersSent || res.destroyed) return;
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  if (err.status === 304) {
    sendEmpty(ctx, 304);
    return;
  }
  sendXml(ctx, err.status, errorXml(err, ctx));
}

/** Percent-encodes like S3 does for encoding-type=url: UTF-8 bytes, unreserved and '/' kept. */
export function urlEncodeKey(s: string): string {
  return encodeURIComponent(s)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function isoSeconds(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

export function unquoteEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

/** Parses a non-negative integer query parameter, or throws InvalidArgument. */
export function intParam(ctx: Ctx, name: string, fallback: number, message: string): number {
  const raw = ctx.query.get(name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw) || Number(raw) < 0 || Number(raw) > 2147483647) {
    throw new S3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: raw });
  }
  return Number(raw);
}
