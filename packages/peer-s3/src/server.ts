import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, parseRawQuery, type Credentials } from './auth.js';
import { createBucket, deleteBucket, headBucket, listBuckets, listObjects } from './buckets.js';
import { S3Error } from './errors.js';
import { newRequestId, sendError, sendXml, type Ctx } from './http.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart, uploadPartCopy } from './multipart.js';
import { copyObject, deleteObject, deleteObjects, getObject, putObject } from './objects.js';
import type { Store } from './store.js';
import { xmlDocument } from './xml.js';

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

/** Keeps the most recent `limit` requests. */
export class RequestLog {
  private entries: RequestRecord[] = [];
  constructor(private readonly limit: number) {}
  add(entry: RequestRecord): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit * 1.5) this.entries = this.entries.slice(-this.limit);
  }
  snapshot(): ReadonlyArray<RequestRecord> {
    return this.entries.slice(-this.limit).map((e) => ({ ...e, query: { ...e.query } }));
  }
}

export interface HandlerOptions {
  store: Store;
  credentials: Credentials;
  region: string;
  /** s3rver's Koa handler: gets the sub-resources the peer does not implement itself. */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
  log: RequestLog;
}

/** Sub-resources s3rver implements (CORS, website, tagging, ACL stubs, location). */
const DELEGATED = ['acl', 'cors', 'website', 'location', 'tagging'];
/** Other S3 sub-resources: answered NotImplemented like S3 answers unknown features. */
const NOT_IMPLEMENTED = [
  'accelerate',
  'analytics',
  'attributes',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'torrent',
  'versioning',
  'versions',
];

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}

export function createHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { log } = opts;
  return (req, res) => {
    const url = req.url ?? '/';
    const qIdx = url.indexOf('?');
    const rawPath = qIdx < 0 ? url : url.slice(0, qIdx);
    const rawQuery = qIdx < 0 ? '' : url.slice(qIdx + 1);
    const ctx: Ctx = {
      req,
      res,
      method: (req.method ?? 'GET').toUpperCase(),
      rawPath,
      rawQuery,
      query: new Map(),
      bucket: '',
      key: '',
      requestId: newRequestId(),
    };
    let decodedPath = rawPath;
    try {
      decodedPath = decodeURIComponent(rawPath);
    } catch {
      // keep the raw path in the log
    }
    const record: RequestRecord = { method: ctx.method, path: decodedPath, query: {}, status: 0 };
    try {
      for (const [k, v] of parseRawQuery(rawQuery)) if (!(k in record.query)) record.query[k] = v;
    } catch {
      // malformed query: reported by the handler below
    }
    log.add(record);
    res.on('close', () => {
      record.status = res.headersSent ? res.statusCode : 0;
    });
    route(ctx, opts).catch((err: unknown) => {
      const s3err = err instanceof S3Error ? err : internalError(err);
      return sendError(ctx, s3err);
    }).catch(() => res.destroy());
  };
}

function internalError(err: unknown): S3Error {
  if (typeof err === 'object' && err !== null && ['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE'].includes((err as { code?: string }).code ?? '')) {
    return new S3Error('IncompleteBody', 'The request body terminated unexpectedly');
  }
  console.error('[peer-s3] internal error:', err);
  return new S3Error('InternalError');
}

async function route(ctx: Ctx, opts: HandlerOptions): Promise<void> {
  const { store } = opts;
  const m = ctx.method;
  for (const [k, v] of parseRawQuery(ctx.rawQuery)) if (!ctx.query.has(k)) ctx.query.set(k, v);
  const path = ctx.rawPath.startsWith('/') ? ctx.rawPath.slice(1) : ctx.rawPath;
  const slash = path.indexOf('/');
  ctx.bucket = decodePath(slash < 0 ? path : path.slice(0, slash));
  ctx.key = slash < 0 ? '' : decodePath(path.slice(slash + 1));
  const has = (name: string): boolean => ctx.query.has(name);

  // CORS preflight and browser form uploads carry no SigV4 signature: s3rver handles them.
  if (m === 'OPTIONS' || (m === 'POST' && ctx.bucket && !ctx.key && !has('delete'))) {
    if (ctx.bucket) store.invalidate(ctx.bucket); // a browser form upload creates an object
    opts.fallback(ctx.req, ctx.res);
    return;
  }

  ctx.auth = authenticate(ctx.req, ctx.rawPath, ctx.rawQuery, opts.credentials, opts.region);

  if (m === 'GET' && ctx.bucket && !ctx.key && has('versioning')) {
    // A bucket that never had versioning enabled answers an empty configuration.
    await store.requireBucket(ctx.bucket);
    sendXml(ctx, 200, xmlDocument('VersioningConfiguration', {}));
    return;
  }
  const notImplemented = NOT_IMPLEMENTED.find(has);
  if (notImplemented) throw new S3Error('NotImplemented', 'A parameter you provided implies functionality that is not implemented', { Parameter: notImplemented });
  if (DELEGATED.some(has)) {
    opts.fallback(ctx.req, ctx.res);
    return;
  }

  if (!ctx.bucket) {
    if (m === 'GET') return listBuckets(ctx, store);
    throw new S3Error('MethodNotAllowed', undefined, { Method: m, ResourceType: 'SERVICE' });
  }

  if (!ctx.key) {
    switch (m) {
      case 'GET':
        return has('uploads') ? listMultipartUploads(ctx, store) : listObjects(ctx, store);
      case 'HEAD':
        return headBucket(ctx, store, opts.region);
      case 'PUT':
        return createBucket(ctx, store);
      case 'DELETE':
        return deleteBucket(ctx, store);
      case 'POST':
        return deleteObjects(ctx, store);
    }
    throw new S3Error('MethodNotAllowed', undefined, { Method: m, ResourceType: 'BUCKET' });
  }

  const copySource = ctx.req.headers['x-amz-copy-source'] !== undefined;
  switch (m) {
    case 'GET':
      if (has('uploads')) throw new S3Error('InvalidRequest', 'Key is not expected for the GET method ?uploads subresource');
      return has('uploadId') ? listParts(ctx, store) : getObject(ctx, store);
    case 'HEAD':
      return getObject(ctx, store);
    case 'PUT':
      if (has('uploadId') || has('partNumber')) {
        if (!has('uploadId')) throw new S3Error('InvalidArgument', 'This operation does not accept partNumber without uploadId', { ArgumentName: 'partNumber' });
        return copySource ? uploadPartCopy(ctx, store) : uploadPart(ctx, store);
      }
      return copySource ? copyObject(ctx, store) : putObject(ctx, store);
    case 'POST':
      if (has('uploads')) return createMultipartUpload(ctx, store);
      if (has('uploadId')) return completeMultipartUpload(ctx, store);
      throw new S3Error('MethodNotAllowed', undefined, { Method: m, ResourceType: 'OBJECT' });
    case 'DELETE':
      return has('uploadId') ? abortMultipartUpload(ctx, store) : deleteObject(ctx, store);
  }
  throw new S3Error('MethodNotAllowed', undefined, { Method: m, ResourceType: 'OBJECT' });
}
