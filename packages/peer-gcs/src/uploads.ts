/**
 * Object uploads (https://cloud.google.com/storage/docs/uploads-downloads):
 * `uploadType=media`, `uploadType=multipart` (multipart/related: JSON metadata + media) and
 * `uploadType=resumable` (session URI, chunks with Content-Range, 308 Resume Incomplete, status queries,
 * cancellation with DELETE -> 499).
 *
 * Data always streams to a file; hashes (CRC32C, MD5) are computed on the way.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { finished, Readable, Writable } from 'node:stream';
import type { PeerContext } from './context.js';
import { errors, GcsError } from './errors.js';
import { checkHashSyntax, ContentHasher, parseXGoogHash, verifyHashes, type ExpectedHashes } from './hashing.js';
import { drain, empty, header, json, readJson, type PeerRequest, type PeerResponse } from './http.js';
import { boundaryOf, collect, parseMultipart } from './multipart.js';
import { nowIso, stripUndefined } from './objects.js';
import { checkPreconditions, parseInt64, parsePreconditions, type Preconditions } from './preconditions.js';
import {
  metaFromResource,
  objectResource,
  readMetaPatch,
  validateObjectName,
  type ObjectMeta,
  type StoredObject,
} from './resources.js';

/** Resumable uploads persist data in multiples of this; only the final chunk may be shorter. */
export const CHUNK_QUANTUM = 256 * 1024;

export interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  meta: ObjectMeta;
  /** crc32c/md5Hash given in the initiation metadata. */
  expected: ExpectedHashes;
  preconditions: Preconditions;
  /** X-Upload-Content-Length, when the client declared it. */
  declaredSize?: number;
  path: string;
  /** Bytes persisted (always a multiple of CHUNK_QUANTUM until the upload is finalized). */
  committed: number;
  /** Hash state over the committed bytes. */
  hasher: ContentHasher;
  state: 'open' | 'done' | 'cancelled' | 'failed';
  result?: StoredObject;
  failure?: GcsError;
  /** Set while the session is being turned into an object. */
  finalizing?: Promise<PeerResponse>;
  active?: { abort: () => void; done: Promise<void>; sink: BlobSink };
}

/**
 * Writes a request body into a file at a position, skipping the first `skip` bytes (data the server
 * already has), hashing what it writes, and remembering the hash state at every CHUNK_QUANTUM boundary.
 */
export class BlobSink extends Writable {
  readonly hasher: ContentHasher;
  /** Bytes seen from the body, skipped ones included. */
  received = 0;
  /** Last state at a quantum boundary (the initial state counts as one). */
  checkpoint: ContentHasher;
  private skip: number;
  private position: number;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly fh: FileHandle;
  private readonly quantum: number;
  private readonly limit: number;

  constructor(fh: FileHandle, hasher: ContentHasher, opts: { skip?: number; quantum?: number; limit?: number } = {}) {
    super({ highWaterMark: 1024 * 1024 });
    this.fh = fh;
    this.hasher = hasher;
    this.position = hasher.length;
    this.checkpoint = hasher.copy();
    this.skip = opts.skip ?? 0;
    this.quantum = opts.quantum ?? 0;
    this.limit = opts.limit ?? Number.POSITIVE_INFINITY;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.received += chunk.length;
    if (this.received > this.limit) {
      cb(errors.invalid('Upload is larger than the declared object size.'));
      return;
    }
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
      if (chunk.length === 0) {
        cb();
        return;
      }
    }
    let rest = chunk;
    while (rest.length > 0) {
      const room = this.quantum > 0 ? this.quantum - (this.hasher.length % this.quantum) : rest.length;
      const piece = rest.subarray(0, Math.min(room, rest.length));
      this.hasher.update(piece);
      if (this.quantum > 0 && this.hasher.length % this.quantum === 0) this.checkpoint = this.hasher.copy();
      rest = rest.subarray(piece.length);
    }
    const at = this.position;
    this.position += chunk.length;
    const p = this.fh.write(chunk, 0, chunk.length, at);
    this.pending = p;
    p.then(
      () => cb(),
      (e: unknown) => cb(e as Error),
    );
  }

  /** Resolves once no file write is in flight (also after the sink was destroyed). */
  async settled(): Promise<void> {
    await this.pending.catch(() => undefined);
  }
}

/**
 * Pipes `source` into `sink` and resolves when the sink has finished. Unlike `pipeline`, an error of the
 * sink does not destroy the source: the request stays readable so the server can drain it and answer.
 */
export function pump(source: Readable, sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      source.unpipe(sink);
      sink.destroy();
      reject(e);
    };
    finished(source, { writable: false }, (err) => {
      if (err) fail(err);
    });
    sink.on('error', fail);
    sink.on('finish', () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    });
    source.pipe(sink);
  });
}

function uploadId(): string {
  // Real upload ids are long opaque strings; these are URL-safe too.
  return `ADPyc${randomBytes(30).toString('base64url')}`;
}

function uploadHeaders(id: string): Record<string, string> {
  return { 'x-guploader-uploadid': id };
}

// ---- shared commit -------------------------------------------------------------------------

interface Received {
  blob: string;
  hasher: ContentHasher;
}

/** Streams `body` into a new blob file. */
async function receiveBlob(ctx: PeerContext, body: Readable | AsyncIterable<Buffer>): Promise<Received> {
  const blob = ctx.store.newBlobId();
  const path = ctx.store.blobPath(blob);
  const fh = await open(path, 'w');
  const sink = new BlobSink(fh, new ContentHasher());
  try {
    await pump(body instanceof Readable ? body : Readable.from(body), sink);
    await sink.settled();
  } catch (e) {
    await sink.settled();
    await fh.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw e;
  }
  await fh.close();
  return { blob, hasher: sink.hasher };
}

/**
 * Turns received data into the live object: verifies the hashes the client sent, re-checks the
 * preconditions against the current live object, assigns a generation. Synchronous, so it is atomic.
 */
function commitUpload(
  ctx: PeerContext,
  bucket: string,
  name: string,
  meta: ObjectMeta,
  data: Received,
  expected: ExpectedHashes[],
  preconditions: Preconditions,
): StoredObject {
  const digest = data.hasher.digest();
  try {
    verifyHashes(expected, digest);
    ctx.store.requireBucket(bucket);
    checkPreconditions(ctx.store.getObject(bucket, name), preconditions);
  } catch (e) {
    ctx.store.discard(data.blob);
    throw e;
  }
  const generation = ctx.store.newGeneration();
  const time = nowIso(generation);
  const record: StoredObject = {
    bucket,
    name,
    generation,
    metageneration: 1,
    size: data.hasher.length,
    crc32c: digest.crc32c,
    md5Hash: digest.md5Hash,
    timeCreated: time,
    updated: time,
    timeStorageClassUpdated: time,
    blob: data.blob,
    ...stripUndefined(meta),
    contentType: meta.contentType ?? 'application/octet-stream',
  };
  ctx.store.putObject(record);
  return record;
}

function objectNameFrom(req: PeerRequest, body: Record<string, unknown> | undefined): string {
  const q = req.query.get('name');
  const b = typeof body?.name === 'string' ? body.name : undefined;
  if (q !== null && b !== undefined && q !== b) {
    throw errors.invalid(`Value '${b}' in content does not agree with value '${q}'.`);
  }
  const name = q ?? b;
  if (name === undefined || name === '') throw errors.required('Required');
  validateObjectName(name);
  return name;
}

function expectedFromResource(body: Record<string, unknown> | undefined): ExpectedHashes {
  const e: ExpectedHashes = {};
  if (typeof body?.crc32c === 'string') e.crc32c = body.crc32c;
  if (typeof body?.md5Hash === 'string') e.md5Hash = body.md5Hash;
  checkHashSyntax(e);
  return e;
}

function headerHashes(req: PeerRequest): ExpectedHashes {
  const h = parseXGoogHash(header(req, 'x-goog-hash'));
  checkHashSyntax(h);
  return h;
}

function rejectCustomerKeys(req: PeerRequest): void {
  if (header(req, 'x-goog-encryption-key') !== undefined) {
    throw errors.notImplemented('Customer-supplied encryption keys');
  }
}

// ---- POST /upload/storage/v1/b/{bucket}/o --------------------------------------------------

export async function uploadPost(ctx: PeerContext, req: PeerRequest, bucket: string): Promise<PeerResponse> {
  const type = req.query.get('uploadType');
  if (req.query.get('upload_id') !== null && type === 'resumable') return resumableChunk(ctx, req);
  rejectCustomerKeys(req);
  switch (type) {
    case 'media':
      return mediaUpload(ctx, req, bucket);
    case 'multipart':
      return multipartUpload(ctx, req, bucket);
    case 'resumable':
      return resumableStart(ctx, req, bucket);
    case null:
      throw errors.invalid('Upload requests must include an uploadType URL parameter and a URL-encoded object name.');
    default:
      throw errors.invalid(`Invalid upload type: ${type}`);
  }
}

async function mediaUpload(ctx: PeerContext, req: PeerRequest, bucket: string): Promise<PeerResponse> {
  ctx.store.requireBucket(bucket);
  const name = objectNameFrom(req, undefined);
  const preconditions = parsePreconditions(req.query);
  checkPreconditions(ctx.store.getObject(bucket, name), preconditions);
  const expected = headerHashes(req);
  const meta: ObjectMeta = { contentType: header(req, 'content-type') ?? 'application/octet-stream' };
  const enc = req.query.get('contentEncoding');
  if (enc) meta.contentEncoding = enc;
  const data = await receiveBlob(ctx, req.body);
  const record = commitUpload(ctx, bucket, name, meta, data, [expected], preconditions);
  return json(req, 200, objectResource(record, req.origin), uploadHeaders(uploadId()));
}

async function multipartUpload(ctx: PeerContext, req: PeerRequest, bucket: string): Promise<PeerResponse> {
  ctx.store.requireBucket(bucket);
  const boundary = boundaryOf(header(req, 'content-type'), 'related');
  if (!boundary) throw errors.invalid('Invalid multipart request: Content-Type must be multipart/related with a boundary.');
  const parts = parseMultipart(req.body, boundary);
  const first = await parts.next();
  if (first.done) throw errors.invalid('Invalid multipart request with 0 mime parts.');
  const metaText = (await collect(first.value.body, 2 * 1024 * 1024)).toString('utf8').trim();
  let body: Record<string, unknown> | undefined;
  if (metaText !== '') {
    try {
      const parsed = JSON.parse(metaText) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      throw errors.parseError();
    }
  }
  const name = objectNameFrom(req, body);
  const meta = metaFromResource(readMetaPatch(body));
  const preconditions = parsePreconditions(req.query);
  checkPreconditions(ctx.store.getObject(bucket, name), preconditions);
  const expected = [expectedFromResource(body), headerHashes(req)];
  const second = await parts.next();
  if (second.done) throw errors.invalid('Invalid multipart request with 1 mime parts.');
  if (meta.contentType === undefined) meta.contentType = second.value.headers['content-type'] ?? 'application/octet-stream';
  const data = await receiveBlob(ctx, second.value.body);
  try {
    // Consume the closing boundary (and ignore any further parts).
    for await (const p of parts) for await (const _ of p.body) void _;
  } catch (e) {
    ctx.store.discard(data.blob);
    throw e;
  }
  const record = commitUpload(ctx, bucket, name, meta, data, expected, preconditions);
  return json(req, 200, objectResource(record, req.origin), uploadHeaders(uploadId()));
}

// ---- resumable -----------------------------------------------------------------------------

async function resumableStart(ctx: PeerContext, req: PeerRequest, bucket: string): Promise<PeerResponse> {
  const body = await readJson(req);
  ctx.store.requireBucket(bucket);
  const name = objectNameFrom(req, body);
  const meta = metaFromResource(readMetaPatch(body));
  if (meta.contentType === undefined) {
    meta.contentType = header(req, 'x-upload-content-type') ?? 'application/octet-stream';
  }
  const enc = req.query.get('contentEncoding');
  if (enc && meta.contentEncoding === undefined) meta.contentEncoding = enc;
  const preconditions = parsePreconditions(req.query);
  checkPreconditions(ctx.store.getObject(bucket, name), preconditions);
  const expected = expectedFromResource(body);
  const declared = parseInt64('X-Upload-Content-Length', header(req, 'x-upload-content-length') ?? null);
  if (declared !== undefined && declared < 0) throw errors.invalid('Invalid X-Upload-Content-Length.');
  const id = uploadId();
  const path = ctx.store.uploadPath(id);
  await writeFile(path, '');
  const session: UploadSession = {
    id,
    bucket,
    name,
    meta,
    expected,
    preconditions,
    ...(declared !== undefined ? { declaredSize: declared } : {}),
    path,
    committed: 0,
    hasher: new ContentHasher(),
    state: 'open',
  };
  ctx.uploads.set(id, session);
  const location =
    `${req.origin}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable` +
    `&name=${encodeURIComponent(name)}&upload_id=${encodeURIComponent(id)}`;
  return empty(200, { location, ...uploadHeaders(id), 'content-length': '0' });
}

type ContentRange =
  | { kind: 'status'; total: number | undefined }
  | { kind: 'data'; first: number; last: number | undefined; total: number | undefined };

export function parseContentRange(value: string | undefined): ContentRange {
  if (value === undefined) return { kind: 'data', first: 0, last: undefined, total: undefined };
  const v = value.trim();
  let m = /^bytes\s+\*\/(\d+|\*)$/i.exec(v);
  if (m) return { kind: 'status', total: m[1] === '*' ? undefined : Number(m[1]) };
  m = /^bytes\s+(\d+)-(\d+|\*)\/(\d+|\*)$/i.exec(v);
  if (m) {
    return {
      kind: 'data',
      first: Number(m[1]),
      last: m[2] === '*' ? undefined : Number(m[2]),
      total: m[3] === '*' ? undefined : Number(m[3]),
    };
  }
  throw errors.invalid(`Failed to parse Content-Range header.`);
}

/** Bytes persisted, including quantum-aligned progress of a request still streaming. */
function persisted(s: UploadSession): number {
  return Math.max(s.committed, s.active?.sink.checkpoint.length ?? 0);
}

function incomplete(s: UploadSession): PeerResponse {
  const n = persisted(s);
  const headers: Record<string, string> = { ...uploadHeaders(s.id), 'content-length': '0' };
  if (n > 0) headers.range = `bytes=0-${n - 1}`;
  return empty(308, headers);
}

function findSession(ctx: PeerContext, req: PeerRequest): UploadSession {
  const id = req.query.get('upload_id');
  const s = id ? ctx.uploads.get(id) : undefined;
  if (!s || s.state === 'cancelled') throw errors.uploadNotFound();
  return s;
}

function doneResponse(req: PeerRequest, s: UploadSession): PeerResponse {
  return json(req, 200, objectResource(s.result!, req.origin), uploadHeaders(s.id));
}

/** PUT (or POST) to a session URI: a chunk, the final chunk, or a status query. */
export async function resumableChunk(ctx: PeerContext, req: PeerRequest): Promise<PeerResponse> {
  const s = findSession(ctx, req);
  if (s.finalizing) {
    await s.finalizing.catch(() => undefined);
    return resumableChunk(ctx, req);
  }
  if (s.state === 'done') {
    await drain(req.body);
    return doneResponse(req, s);
  }
  if (s.state === 'failed') {
    await drain(req.body);
    throw errors.gone('The upload session has failed and cannot be resumed; start a new upload.');
  }
  const range = parseContentRange(header(req, 'content-range'));
  const expectedHeader = headerHashes(req);

  if (range.kind === 'status') {
    await drain(req.body);
    if (range.total !== undefined && s.active === undefined) {
      if (range.total === s.committed) return finalize(ctx, req, s, expectedHeader);
      if (range.total < s.committed) {
        throw errors.invalid(`The upload's size (${range.total}) is smaller than the bytes already received (${s.committed}).`);
      }
    }
    return incomplete(s);
  }

  const { first, last, total } = range;
  if (last !== undefined && last < first) throw errors.invalid(`Invalid Content-Range: ${header(req, 'content-range')}`);
  if (last !== undefined && total !== undefined && last >= total) {
    throw errors.invalid(`Invalid Content-Range: ${header(req, 'content-range')}`);
  }
  let fh: FileHandle;
  while (true) {
    // A newer request on the session supersedes one still streaming (the client gave up on it).
    while (s.active) {
      s.active.abort();
      await s.active.done;
    }
    if (s.state !== 'open' || s.finalizing) return resumableChunk(ctx, req);
    if (total !== undefined && total < s.committed) {
      throw errors.invalid(`The upload's size (${total}) is smaller than the bytes already received (${s.committed}).`);
    }
    if (first > s.committed) {
      throw errors.invalid(
        `Invalid request. According to the Content-Range header, the upload offset is ${first} byte(s), ` +
          `which exceeds already uploaded size of ${s.committed} byte(s).`,
      );
    }
    fh = await open(s.path, 'r+');
    if (!s.active && s.state === 'open' && !s.finalizing) break;
    await fh.close(); // another request got in while the file was opening: start over
  }
  const sizeLimit = total ?? s.declaredSize;
  const sink = new BlobSink(fh, s.hasher.copy(), {
    skip: s.committed - first,
    quantum: CHUNK_QUANTUM,
    limit: last !== undefined ? last - first + 1 : sizeLimit !== undefined ? sizeLimit - first : Number.POSITIVE_INFINITY,
  });
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  s.active = { abort: () => req.body.destroy(new Error('superseded by a newer request')), done, sink };

  let failure: unknown;
  try {
    await pump(req.body, sink);
  } catch (e) {
    failure = e;
  }
  await sink.settled();
  let final = false;
  try {
    const end = first + sink.received;
    let error: GcsError | undefined;
    if (failure === undefined) {
      if (last !== undefined && sink.received !== last - first + 1) {
        error = errors.invalid(
          `Invalid request. The number of bytes received (${sink.received}) does not match the Content-Range header.`,
        );
      } else if (total !== undefined) {
        final = end === total;
      } else {
        final = last === undefined;
      }
      if (!error && final && sink.hasher.length !== end) {
        error = errors.invalid(
          `Invalid request. The upload ends at byte ${end}, before the ${sink.hasher.length} byte(s) already received.`,
        );
        final = false;
      }
      if (!error && final && s.declaredSize !== undefined && end !== s.declaredSize) {
        error = errors.invalid(`The upload size (${end}) does not match X-Upload-Content-Length (${s.declaredSize}).`);
        final = false;
      }
    } else if (failure instanceof GcsError) {
      error = failure;
    }
    if (final && !error) {
      s.hasher = sink.hasher;
      s.committed = sink.hasher.length;
    } else {
      // Keep what was persisted at a 256 KiB boundary; anything after it is dropped.
      s.hasher = sink.checkpoint;
      s.committed = sink.checkpoint.length;
    }
    await fh.truncate(s.committed);
    await fh.close();
    if (error) {
      await drain(req.body);
      throw error;
    }
    if (failure !== undefined) throw failure;
  } finally {
    s.active = undefined;
    finish();
  }
  if (!final) return incomplete(s);
  return finalize(ctx, req, s, expectedHeader);
}

function finalize(ctx: PeerContext, req: PeerRequest, s: UploadSession, expectedHeader: ExpectedHashes): Promise<PeerResponse> {
  if (s.finalizing) return s.finalizing.then(() => doneResponse(req, s));
  const p = (async () => {
    if (s.declaredSize !== undefined && s.committed !== s.declaredSize) {
      throw errors.invalid(`The upload size (${s.committed}) does not match X-Upload-Content-Length (${s.declaredSize}).`);
    }
    const blob = ctx.store.newBlobId();
    await rename(s.path, ctx.store.blobPath(blob));
    try {
      s.result = commitUpload(ctx, s.bucket, s.name, s.meta, { blob, hasher: s.hasher }, [s.expected, expectedHeader], s.preconditions);
      s.state = 'done';
    } catch (e) {
      s.state = 'failed';
      if (e instanceof GcsError) s.failure = e;
      throw e;
    }
    return doneResponse(req, s);
  })();
  s.finalizing = p;
  p.then(
    () => (s.finalizing = undefined),
    () => (s.finalizing = undefined),
  );
  return p;
}

/** DELETE on a session URI cancels the upload: 499 Client Closed Request. */
export async function resumableCancel(ctx: PeerContext, req: PeerRequest): Promise<PeerResponse> {
  const s = findSession(ctx, req);
  await drain(req.body);
  while (s.active) {
    s.active.abort();
    await s.active.done;
  }
  const wasOpen = s.state === 'open' || s.state === 'failed';
  s.state = 'cancelled';
  if (wasOpen) await unlink(s.path).catch(() => undefined);
  return empty(499, { ...uploadHeaders(s.id), 'content-length': '0' });
}

export function openSessions(ctx: PeerContext): Array<{ bucket: string; name: string; uploadId: string; receivedBytes: number }> {
  const out: Array<{ bucket: string; name: string; uploadId: string; receivedBytes: number }> = [];
  for (const s of ctx.uploads.values()) {
    if (s.state === 'open') out.push({ bucket: s.bucket, name: s.name, uploadId: s.id, receivedBytes: persisted(s) });
  }
  return out;
}
