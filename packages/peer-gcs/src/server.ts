/**
 * The HTTP server: routing of JSON API paths, the node:http adapter, and the request log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { batch } from './batch.js';
import { deleteBucket, getBucket, insertBucket, listBuckets, patchBucket } from './buckets.js';
import type { PeerContext } from './context.js';
import { errorResponse, errors, GcsError } from './errors.js';
import { drain, splitPath, type PeerRequest, type PeerResponse } from './http.js';
import { listObjects } from './listing.js';
import { composeObject, copyObject, deleteObject, getObject, patchObject, rewriteObject } from './objects.js';
import { resumableCancel, resumableChunk, uploadPost } from './uploads.js';

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

const LOG_LIMIT = 10_000;

const UNIMPLEMENTED = new Set([
  'acl',
  'defaultObjectAcl',
  'iam',
  'notificationConfigs',
  'lockRetentionPolicy',
  'managedFolders',
  'folders',
  'anywhereCaches',
  'operations',
  'restore',
  'move',
]);

function methodNotAllowed(): GcsError {
  return new GcsError(405, 'methodNotAllowed', 'Method not allowed.');
}

/** Maps a request to its handler. */
async function route(ctx: PeerContext, req: PeerRequest, dispatch: (r: PeerRequest) => Promise<PeerResponse>): Promise<PeerResponse> {
  const segs = splitPath(req.rawPath);
  if (!segs) throw errors.invalid('Invalid percent-encoding in the request path.');
  if (segs.length > 1 && segs[segs.length - 1] === '') segs.pop();
  const m = req.method;
  // /storage/v1/b/{d}/{bucket='o'}/{e}/{object}/{f}/... and /upload|download/storage/v1/{d='b'}/{bucket}/{e='o'}/{object}
  const [a, b, c, d, bucket, e, object, f, ...rest] = segs;

  if (a === 'batch' && (segs.length === 1 || (b === 'storage' && c === 'v1' && segs.length === 3))) {
    if (m !== 'POST') throw methodNotAllowed();
    return batch(req, dispatch);
  }

  if (a === 'storage' && b === 'v1' && c === 'b') {
    if (segs.length === 3) {
      if (m === 'GET') return listBuckets(ctx, req);
      if (m === 'POST') return insertBucket(ctx, req);
      throw methodNotAllowed();
    }
    if (d === undefined) throw errors.notFound();
    if (segs.length === 4) {
      if (m === 'GET') return getBucket(ctx, req, d);
      if (m === 'PATCH' || m === 'PUT') return patchBucket(ctx, req, d);
      if (m === 'DELETE') return deleteBucket(ctx, req, d);
      throw methodNotAllowed();
    }
    if (bucket === 'o') {
      if (segs.length === 5) {
        if (m === 'GET') return listObjects(ctx, req, d);
        if (m === 'POST') return uploadPost(ctx, req, d);
        throw methodNotAllowed();
      }
      const name = e!;
      if (segs.length === 6) {
        if (m === 'GET') return getObject(ctx, req, d, name);
        if (m === 'PATCH') return patchObject(ctx, req, d, name, false);
        if (m === 'PUT') return patchObject(ctx, req, d, name, true);
        if (m === 'DELETE') return deleteObject(ctx, req, d, name);
        throw methodNotAllowed();
      }
      if (segs.length === 7 && object === 'compose') {
        if (m !== 'POST') throw methodNotAllowed();
        return composeObject(ctx, req, d, name);
      }
      if (segs.length === 11 && (object === 'copyTo' || object === 'rewriteTo') && f === 'b' && rest[1] === 'o') {
        if (m !== 'POST') throw methodNotAllowed();
        const [dstBucket, , dstName] = rest as [string, string, string];
        if (object === 'copyTo') return copyObject(ctx, req, d, name, dstBucket, dstName);
        return rewriteObject(ctx, req, d, name, dstBucket, dstName);
      }
      if (object !== undefined && UNIMPLEMENTED.has(object)) throw errors.notImplemented(`objects ${object}`);
      throw errors.notFound();
    }
    if (bucket !== undefined && UNIMPLEMENTED.has(bucket)) throw errors.notImplemented(`buckets ${bucket}`);
    throw errors.notFound();
  }

  if (a === 'download' && b === 'storage' && c === 'v1' && d === 'b' && e === 'o' && bucket !== undefined && object !== undefined && segs.length === 7) {
    if (m !== 'GET') throw methodNotAllowed();
    req.query.set('alt', 'media');
    return getObject(ctx, req, bucket, object);
  }

  if (a === 'upload' && b === 'storage' && c === 'v1' && d === 'b' && e === 'o' && bucket !== undefined && segs.length === 6) {
    if (m === 'POST') return uploadPost(ctx, req, bucket);
    if (m === 'PUT') {
      if (req.query.get('upload_id') === null) throw errors.invalid('Missing upload_id.');
      return resumableChunk(ctx, req);
    }
    if (m === 'DELETE') return resumableCancel(ctx, req);
    throw methodNotAllowed();
  }

  if (a === 'storage' && b === 'v1' && c === 'projects') throw errors.notImplemented('projects (HMAC keys, service account)');
  throw errors.notFound();
}

export class GcsServer {
  readonly server: Server;
  private readonly ctx: PeerContext;
  private log: RequestRecord[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly sockets = new Set<Socket>();

  constructor(ctx: PeerContext) {
    this.ctx = ctx;
    this.server = createServer({ requestTimeout: 0, keepAliveTimeout: 65_000, headersTimeout: 70_000 }, (req, res) => {
      const p = this.onRequest(req, res).catch(() => {
        res.destroy();
      });
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  requests(): ReadonlyArray<RequestRecord> {
    return this.log.length > LOG_LIMIT ? this.log.slice(-LOG_LIMIT) : this.log.slice();
  }

  private record(req: PeerRequest): RequestRecord {
    const entry: RequestRecord = {
      method: req.method,
      path: req.rawPath,
      query: Object.fromEntries(req.query),
      status: 0,
    };
    this.log.push(entry);
    if (this.log.length > 2 * LOG_LIMIT) this.log = this.log.slice(-LOG_LIMIT);
    return entry;
  }

  /** Runs one request (direct or from a batch) and always produces a response. */
  handle = async (req: PeerRequest): Promise<PeerResponse> => {
    const entry = this.record(req);
    let res: PeerResponse;
    try {
      res = await route(this.ctx, req, this.handle);
    } catch (e) {
      res = errorResponse(e);
    }
    entry.status = res.status;
    return res;
  };

  private async onRequest(nreq: IncomingMessage, nres: ServerResponse): Promise<void> {
    let url = nreq.url ?? '/';
    // absolute-form request targets (as sent to proxies)
    const abs = /^https?:\/\/[^/?#]*/i.exec(url);
    if (abs) url = url.slice(abs[0].length) || '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const addr = this.server.address();
    const host = nreq.headers.host ?? (addr && typeof addr === 'object' ? `127.0.0.1:${addr.port}` : '127.0.0.1');
    const req: PeerRequest = {
      method: (nreq.method ?? 'GET').toUpperCase(),
      rawPath,
      query,
      headers: nreq.headers,
      body: nreq,
      origin: `http://${host}`,
      inBatch: false,
    };
    const res = await this.handle(req);
    // Read what is left of the request so the client, still sending, gets to see the answer.
    if (!nreq.complete && !nreq.destroyed) await drain(nreq);
    if (nres.destroyed || nreq.socket?.destroyed) {
      if (res.body instanceof Readable) res.body.destroy();
      return;
    }
    nres.statusCode = res.status;
    if (res.status === 308) nres.statusMessage = 'Resume Incomplete';
    if (res.status === 499) nres.statusMessage = 'Client Closed Request';
    for (const [k, v] of Object.entries(res.headers ?? {})) nres.setHeader(k, v);
    const body = res.body;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      const buf = body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      if (res.status !== 204 && res.status !== 304) nres.setHeader('content-length', String(buf.length));
      nres.end(res.status === 204 || res.status === 304 ? undefined : buf);
      return;
    }
    try {
      await pipeline(body, nres);
    } catch {
      body.destroy();
      nres.destroy();
    }
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        resolve(addr && typeof addr === 'object' ? addr.port : port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
    // Let handlers of requests cut off above wind down (they may still be truncating files).
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 2_000))]);
  }
}
