/**
 * Object operations of the JSON API: get (metadata and `alt=media`), patch, update, delete, copyTo,
 * rewriteTo and compose.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { PeerContext, RewriteState } from './context.js';
import { errors } from './errors.js';
import { ContentHasher } from './hashing.js';
import { empty, header, json, readJson, type PeerRequest, type PeerResponse } from './http.js';
import { checkPreconditions, parseInt64, parsePreconditions } from './preconditions.js';
import {
  applyMetaPatch,
  metaFromResource,
  objectResource,
  pickMeta,
  readMetaPatch,
  validateObjectName,
  type StoredObject,
} from './resources.js';

const MIB = 1024 * 1024;

export function nowIso(generation: number): string {
  return new Date(Math.floor(generation / 1000)).toISOString();
}

/** The live object, honouring a `generation` parameter (only the live generation exists here). */
export function lookupObject(ctx: PeerContext, bucket: string, name: string, generation?: number): StoredObject {
  ctx.store.requireBucket(bucket);
  const obj = ctx.store.getObject(bucket, name);
  if (!obj || (generation !== undefined && generation !== obj.generation)) {
    throw errors.objectNotFound(bucket, name);
  }
  return obj;
}

function generationParam(req: PeerRequest, name = 'generation'): number | undefined {
  return parseInt64(name, req.query.get(name));
}

// ---- get -----------------------------------------------------------------------------------

export async function getObject(ctx: PeerContext, req: PeerRequest, bucket: string, name: string): Promise<PeerResponse> {
  const obj = lookupObject(ctx, bucket, name, generationParam(req));
  checkPreconditions(obj, parsePreconditions(req.query), true);
  if (req.query.get('alt') === 'media') return media(ctx, req, obj);
  return json(req, 200, objectResource(obj, req.origin), { etag: `"${objectResource(obj, req.origin).etag as string}"` });
}

type RangeResult = { start: number; end: number } | 'unsatisfiable' | undefined;

/** A single `bytes=` range (RFC 9110); anything unparsable or multi-range is ignored (full content). */
export function parseRange(value: string | undefined, size: number): RangeResult {
  if (!value) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (!m) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (b !== '' && Number(b) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  return { start, end };
}

function acceptsGzip(req: PeerRequest): boolean {
  const ae = header(req, 'accept-encoding') ?? '';
  return ae
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .some((s) => (s === 'gzip' || s.startsWith('gzip;') || s === '*') && !/;\s*q=0(\.0*)?$/.test(s));
}

export function xGoogHash(obj: StoredObject): string {
  return obj.md5Hash !== undefined ? `crc32c=${obj.crc32c},md5=${obj.md5Hash}` : `crc32c=${obj.crc32c}`;
}

function media(ctx: PeerContext, req: PeerRequest, obj: StoredObject): PeerResponse {
  const headers: Record<string, string> = {
    'content-type': obj.contentType ?? 'application/octet-stream',
    'x-goog-generation': String(obj.generation),
    'x-goog-metageneration': String(obj.metageneration),
    'x-goog-hash': xGoogHash(obj),
    'x-goog-stored-content-length': String(obj.size),
    'x-goog-stored-content-encoding': obj.contentEncoding ?? 'identity',
    'x-goog-storage-class': obj.storageClass ?? 'STANDARD',
    'x-guploader-uploadid': randomBytes(12).toString('base64url'),
    etag: `"${objectResource(obj, req.origin).etag as string}"`,
    'last-modified': new Date(obj.updated).toUTCString(),
    'cache-control': obj.cacheControl ?? 'no-cache, no-store, max-age=0, must-revalidate',
    'accept-ranges': 'bytes',
  };
  if (obj.contentDisposition !== undefined) headers['content-disposition'] = obj.contentDisposition;
  if (obj.contentLanguage !== undefined) headers['content-language'] = obj.contentLanguage;

  const transcode = obj.contentEncoding === 'gzip' && !acceptsGzip(req);
  if (!transcode && obj.contentEncoding !== undefined) headers['content-encoding'] = obj.contentEncoding;

  const path = ctx.store.blobPath(obj.blob);
  const store = ctx.store;
  store.retain(obj.blob);
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      store.release(obj.blob);
    }
  };

  if (transcode) {
    // Decompressive transcoding: ranges are ignored and the gunzipped bytes are served.
    headers['x-guploader-response-body-transformations'] = 'gunzipped';
    const file = createReadStream(path);
    const gunzip = createGunzip();
    file.on('close', release);
    file.on('error', (e) => gunzip.destroy(e));
    gunzip.on('close', () => file.destroy());
    file.pipe(gunzip);
    return { status: 200, headers, body: gunzip };
  }

  const range = parseRange(header(req, 'range'), obj.size);
  if (range === 'unsatisfiable') {
    release();
    throw errors.rangeNotSatisfiable(obj.size);
  }
  if (obj.size === 0) {
    release();
    return { status: 200, headers: { ...headers, 'content-length': '0' }, body: '' };
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? obj.size - 1;
  const file = createReadStream(path, { start, end, highWaterMark: 256 * 1024 });
  file.on('close', release);
  headers['content-length'] = String(end - start + 1);
  if (range) {
    headers['content-range'] = `bytes ${start}-${end}/${obj.size}`;
    return { status: 206, headers, body: file };
  }
  return { status: 200, headers, body: file };
}

// ---- patch / update / delete ---------------------------------------------------------------

export async function patchObject(
  ctx: PeerContext,
  req: PeerRequest,
  bucket: string,
  name: string,
  replace: boolean,
): Promise<PeerResponse> {
  const body = await readJson(req);
  const obj = lookupObject(ctx, bucket, name, generationParam(req));
  checkPreconditions(obj, parsePreconditions(req.query));
  const patch = readMetaPatch(body);
  // The storage class of an object changes only by rewriting it.
  delete patch.storageClass;
  const current = pickMeta(obj);
  const meta = replace
    ? { ...metaFromResource(patch), storageClass: obj.storageClass }
    : applyMetaPatch(current, patch);
  const updatedAt = new Date(Math.max(Date.now(), Date.parse(obj.updated))).toISOString();
  const next: StoredObject = {
    bucket: obj.bucket,
    name: obj.name,
    generation: obj.generation,
    metageneration: obj.metageneration + 1,
    size: obj.size,
    crc32c: obj.crc32c,
    ...(obj.md5Hash !== undefined ? { md5Hash: obj.md5Hash } : {}),
    ...(obj.componentCount !== undefined ? { componentCount: obj.componentCount } : {}),
    timeCreated: obj.timeCreated,
    updated: updatedAt,
    timeStorageClassUpdated: obj.timeStorageClassUpdated,
    blob: obj.blob,
    ...stripUndefined(meta),
  };
  ctx.store.putObject(next);
  return json(req, 200, objectResource(next, req.origin));
}

function stripUndefined<T extends object>(o: T): T {
  const out = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

export async function deleteObject(ctx: PeerContext, req: PeerRequest, bucket: string, name: string): Promise<PeerResponse> {
  const obj = lookupObject(ctx, bucket, name, generationParam(req));
  checkPreconditions(obj, parsePreconditions(req.query));
  ctx.store.deleteObject(bucket, name);
  return empty(204);
}

// ---- copy / rewrite ------------------------------------------------------------------------

/** A new generation of `dstBucket/dstName` sharing the (immutable) data of `source`. */
function copyRecord(ctx: PeerContext, source: StoredObject, dstBucket: string, dstName: string, destMeta: ReturnType<typeof pickMeta>): StoredObject {
  const generation = ctx.store.newGeneration();
  const time = nowIso(generation);
  return {
    bucket: dstBucket,
    name: dstName,
    generation,
    metageneration: 1,
    size: source.size,
    crc32c: source.crc32c,
    ...(source.md5Hash !== undefined ? { md5Hash: source.md5Hash } : {}),
    ...(source.componentCount !== undefined ? { componentCount: source.componentCount } : {}),
    timeCreated: time,
    updated: time,
    timeStorageClassUpdated: time,
    blob: source.blob,
    ...stripUndefined(destMeta),
  };
}

function checkSameBucketName(body: Record<string, unknown> | undefined, dstBucket: string, dstName: string): void {
  if (!body) return;
  if (typeof body.name === 'string' && body.name !== dstName) {
    throw errors.invalid(`Value '${body.name}' in content does not agree with value '${dstName}'.`);
  }
  if (typeof body.bucket === 'string' && body.bucket !== dstBucket) {
    throw errors.invalid(`Value '${body.bucket}' in content does not agree with value '${dstBucket}'.`);
  }
}

export async function copyObject(
  ctx: PeerContext,
  req: PeerRequest,
  srcBucket: string,
  srcName: string,
  dstBucket: string,
  dstName: string,
): Promise<PeerResponse> {
  const body = await readJson(req);
  validateObjectName(dstName);
  const source = lookupObject(ctx, srcBucket, srcName, generationParam(req, 'sourceGeneration'));
  ctx.store.requireBucket(dstBucket);
  checkSameBucketName(body, dstBucket, dstName);
  checkPreconditions(source, parsePreconditions(req.query, 'ifSource'));
  checkPreconditions(ctx.store.getObject(dstBucket, dstName), parsePreconditions(req.query));
  const patch = readMetaPatch(body);
  const record = copyRecord(ctx, source, dstBucket, dstName, applyMetaPatch(pickMeta(source), patch));
  ctx.store.putObject(record);
  return json(req, 200, objectResource(record, req.origin));
}

export async function rewriteObject(
  ctx: PeerContext,
  req: PeerRequest,
  srcBucket: string,
  srcName: string,
  dstBucket: string,
  dstName: string,
): Promise<PeerResponse> {
  const body = await readJson(req);
  const token = req.query.get('rewriteToken');
  let state: RewriteState;
  if (token) {
    const found = ctx.rewrites.get(token);
    if (!found || found.srcBucket !== srcBucket || found.srcName !== srcName || found.dstBucket !== dstBucket || found.dstName !== dstName) {
      throw errors.invalid('Invalid rewrite token.');
    }
    state = found;
    // The source must still be the generation the rewrite started from.
    const live = ctx.store.getObject(srcBucket, srcName);
    if (!live || live.generation !== state.source.generation) {
      dropRewrite(ctx, state);
      throw errors.objectNotFound(srcBucket, srcName);
    }
    checkPreconditions(live, parsePreconditions(req.query, 'ifSource'));
  } else {
    validateObjectName(dstName);
    const source = lookupObject(ctx, srcBucket, srcName, generationParam(req, 'sourceGeneration'));
    ctx.store.requireBucket(dstBucket);
    checkSameBucketName(body, dstBucket, dstName);
    checkPreconditions(source, parsePreconditions(req.query, 'ifSource'));
    const destPreconditions = parsePreconditions(req.query);
    checkPreconditions(ctx.store.getObject(dstBucket, dstName), destPreconditions);
    const maxPerCall = parseInt64('maxBytesRewrittenPerCall', req.query.get('maxBytesRewrittenPerCall'));
    if (maxPerCall !== undefined && (maxPerCall <= 0 || maxPerCall % MIB !== 0)) {
      throw errors.invalid('maxBytesRewrittenPerCall must be a positive multiple of 1048576.');
    }
    state = {
      token: randomBytes(24).toString('base64url'),
      srcBucket,
      srcName,
      dstBucket,
      dstName,
      source,
      destPatch: readMetaPatch(body),
      destPreconditions,
      bytesRewritten: 0,
      bytesPerCall: maxPerCall ?? ctx.rewriteBytesPerCall,
    };
  }

  state.bytesRewritten = Math.min(state.source.size, state.bytesRewritten + state.bytesPerCall);
  const done = state.bytesRewritten >= state.source.size;
  if (!done) {
    if (!ctx.rewrites.has(state.token)) {
      ctx.store.retain(state.source.blob);
      ctx.rewrites.set(state.token, state);
    }
    return json(req, 200, {
      kind: 'storage#rewriteResponse',
      totalBytesRewritten: String(state.bytesRewritten),
      objectSize: String(state.source.size),
      done: false,
      rewriteToken: state.token,
    });
  }
  try {
    ctx.store.requireBucket(dstBucket);
    checkPreconditions(ctx.store.getObject(dstBucket, dstName), state.destPreconditions);
    const meta = applyMetaPatch(pickMeta(state.source), state.destPatch);
    const record = copyRecord(ctx, state.source, dstBucket, dstName, meta);
    ctx.store.putObject(record);
    return json(req, 200, {
      kind: 'storage#rewriteResponse',
      totalBytesRewritten: String(state.source.size),
      objectSize: String(state.source.size),
      done: true,
      resource: objectResource(record, req.origin),
    });
  } finally {
    dropRewrite(ctx, state);
  }
}

function dropRewrite(ctx: PeerContext, state: RewriteState): void {
  if (ctx.rewrites.delete(state.token)) ctx.store.release(state.source.blob);
}

// ---- compose -------------------------------------------------------------------------------

export async function composeObject(ctx: PeerContext, req: PeerRequest, bucket: string, name: string): Promise<PeerResponse> {
  const body = await readJson(req);
  validateObjectName(name);
  ctx.store.requireBucket(bucket);
  const list = body?.sourceObjects;
  if (!Array.isArray(list) || list.length === 0) throw errors.required('Required');
  if (list.length > 32) throw errors.invalid('The number of source components provided (' + list.length + ') exceeds the maximum (32)');
  const sources: StoredObject[] = [];
  for (const entry of list as unknown[]) {
    if (!entry || typeof entry !== 'object') throw errors.invalid('Invalid source object.');
    const e = entry as { name?: unknown; generation?: unknown; objectPreconditions?: { ifGenerationMatch?: unknown } };
    if (typeof e.name !== 'string' || e.name === '') throw errors.required('Required');
    const gen = e.generation === undefined ? undefined : parseInt64('generation', String(e.generation));
    const src = lookupObject(ctx, bucket, e.name, gen);
    const ifGen = e.objectPreconditions?.ifGenerationMatch;
    if (ifGen !== undefined && parseInt64('ifGenerationMatch', String(ifGen)) !== src.generation) {
      throw errors.conditionNotMet();
    }
    sources.push(src);
  }
  const componentCount = sources.reduce((n, s) => n + (s.componentCount ?? 1), 0);
  if (componentCount > 1024) {
    throw errors.invalid(`The number of components in the composite object (${componentCount}) exceeds the maximum (1024).`);
  }
  const pre = parsePreconditions(req.query);
  checkPreconditions(ctx.store.getObject(bucket, name), pre);
  const destination = body?.destination;
  const destMeta = metaFromResource(readMetaPatch(destination && typeof destination === 'object' ? (destination as Record<string, unknown>) : undefined));

  // Concatenate the sources into a new blob (sources are retained while we read them).
  for (const s of sources) ctx.store.retain(s.blob);
  const blob = ctx.store.newBlobId();
  const hasher = new ContentHasher();
  try {
    const out = createWriteStream(ctx.store.blobPath(blob));
    const hash = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hasher.update(chunk);
        cb(null, chunk);
      },
    });
    async function* concat() {
      for (const s of sources) {
        if (s.size === 0) continue;
        for await (const chunk of createReadStream(ctx.store.blobPath(s.blob))) yield chunk as Buffer;
      }
    }
    await pipeline(concat, hash, out);
  } catch (e) {
    await unlink(ctx.store.blobPath(blob)).catch(() => undefined);
    throw e;
  } finally {
    for (const s of sources) ctx.store.release(s.blob);
  }
  try {
    checkPreconditions(ctx.store.getObject(bucket, name), pre);
  } catch (e) {
    ctx.store.discard(blob);
    throw e;
  }
  const generation = ctx.store.newGeneration();
  const time = nowIso(generation);
  const record: StoredObject = {
    bucket,
    name,
    generation,
    metageneration: 1,
    size: hasher.length,
    crc32c: hasher.digest().crc32c,
    componentCount,
    timeCreated: time,
    updated: time,
    timeStorageClassUpdated: time,
    blob,
    ...stripUndefined(destMeta),
  };
  ctx.store.putObject(record);
  return json(req, 200, objectResource(record, req.origin));
}

export { stripUndefined };
