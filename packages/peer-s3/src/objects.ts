import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { ingestBody, MAX_OBJECT_SIZE, MemorySink } from './body.js';
import { createHasher } from './checksums.js';
import { S3Error } from './errors.js';
import { header, isoSeconds, quoteEtag, sendEmpty, sendXml, startBody, unquoteEtag, type Ctx } from './http.js';
import {
  ARCHIVED_STORAGE_CLASSES,
  checkAcl,
  checksumOf,
  contentMetadataFromHeaders,
  contentMetadataOf,
  objectResponseHeaders,
  placementFromHeaders,
  sseResponseHeaders,
  storageClassOf,
} from './metadata.js';
import { checkKey, type ObjectInfo, type StoredMetadata, type Store } from './store.js';
import { child, childrenNamed, parseXml, xmlDocument, XmlSyntaxError } from './xml.js';

export const PART_SIZES = 'x-s3peer-part-sizes';

// ---------- conditions ----------

function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((item) => {
    const t = item.trim();
    return t === '*' || unquoteEtag(t) === etag;
  });
}

function httpDate(s: string | undefined): Date | undefined {
  if (s === undefined) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** RFC 7232 evaluation order, as S3 documents it for GET/HEAD (and the copy-source variants). */
function evaluateReadConditions(
  get: (name: string) => string | undefined,
  prefix: '' | 'x-amz-copy-source-',
  info: ObjectInfo,
): { status: 304 | 412; condition: string } | undefined {
  const ifMatch = get(`${prefix}if-match`);
  const ifUnmodified = httpDate(get(`${prefix}if-unmodified-since`));
  const ifNoneMatch = get(`${prefix}if-none-match`);
  const ifModified = httpDate(get(`${prefix}if-modified-since`));
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, info.etag)) return { status: 412, condition: 'If-Match' };
  } else if (ifUnmodified && info.lastModified.getTime() > ifUnmodified.getTime()) {
    return { status: 412, condition: 'If-Unmodified-Since' };
  }
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, info.etag)) return { status: prefix ? 412 : 304, condition: 'If-None-Match' };
  } else if (ifModified && info.lastModified.getTime() <= ifModified.getTime()) {
    return { status: prefix ? 412 : 304, condition: 'If-Modified-Since' };
  }
  return undefined;
}

/** Conditional writes (PutObject, CompleteMultipartUpload, CopyObject): If-None-Match: * and If-Match. */
export function checkWriteConditions(ctx: Ctx, current: ObjectInfo | undefined): void {
  const ifNoneMatch = header(ctx, 'if-none-match');
  const ifMatch = header(ctx, 'if-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' });
    if (current) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
  }
  if (ifMatch !== undefined) {
    if (!current) throw new S3Error('NoSuchKey', undefined, { Key: ctx.key });
    if (!etagListMatches(ifMatch, current.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  }
}

export function readableKey(key: string): boolean {
  try {
    checkKey(key);
    return true;
  } catch {
    return false;
  }
}

async function removeQuietly(file: string): Promise<void> {
  await fs.rm(file, { force: true }).catch(() => undefined);
}

/** Streams the request body to a temp file with every digest verified; removes it on failure. */
export async function receiveToTemp(ctx: Ctx, store: Store): Promise<{ tmp: string; info: Awaited<ReturnType<typeof ingestBody>> }> {
  const tmp = store.tmpPath();
  try {
    const info = await ingestBody(ctx.req, createWriteStream(tmp, { flags: 'wx' }), { maxSize: MAX_OBJECT_SIZE, requireLength: true, auth: ctx.auth });
    return { tmp, info };
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
}

function checksumHeaders(checksum: { algorithm: string; value: string } | undefined): Record<string, string> {
  return checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {};
}

// ---------- PutObject ----------

export async function putObject(ctx: Ctx, store: Store): Promise<void> {
  checkKey(ctx.key);
  await store.requireBucket(ctx.bucket);
  checkAcl(ctx.req.headers);
  const metadata: StoredMetadata = { ...contentMetadataFromHeaders(ctx.req.headers), ...placementFromHeaders(ctx.req.headers) };
  const lock = store.lockKey(ctx.bucket, ctx.key);
  if (header(ctx, 'if-none-match') !== undefined || header(ctx, 'if-match') !== undefined) {
    checkWriteConditions(ctx, await store.locks.run(lock, () => store.headObject(ctx.bucket, ctx.key)));
  }
  const { tmp, info } = await receiveToTemp(ctx, store);
  if (info.checksum) {
    metadata[`x-amz-checksum-${info.checksum.algorithm}`] = info.checksum.value;
    metadata['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  const md5hex = info.md5.toString('hex');
  try {
    await store.locks.run(lock, async () => {
      checkWriteConditions(ctx, await store.headObject(ctx.bucket, ctx.key));
      await store.commitObject(ctx.bucket, ctx.key, tmp, md5hex, metadata);
    });
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
  sendEmpty(ctx, 200, { ETag: quoteEtag(md5hex), ...sseResponseHeaders(metadata), ...checksumHeaders(info.checksum) });
}

// ---------- GetObject / HeadObject ----------

type Range = { start: number; end: number };

/** S3 range semantics: one range; syntax errors are ignored (whole object); start past the end is 416. */
export function parseRange(value: string, size: number): Range | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    if (size === 0) return undefined; // a suffix of an empty object is the empty object
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Number(m[2]);
  if (m[2] !== '' && end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

export async function getObject(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  const versionId = ctx.query.get('versionId');
  if (versionId !== undefined && versionId !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  for (const name of ctx.query.keys()) {
    if (name.startsWith('response-') && !(name in RESPONSE_OVERRIDES)) {
      throw new S3Error('InvalidArgument', `${name} is not in the set of overridable response headers. Please refer to the S3 API documentation for a complete list of overridable response headers.`, {
        ArgumentName: name,
        ArgumentValue: ctx.query.get(name)!,
      });
    }
  }
  const opened = readableKey(ctx.key) ? await store.openObject(ctx.bucket, ctx.key) : undefined;
  if (!opened) throw new S3Error('NoSuchKey', undefined, { Key: ctx.key });
  const { info, handle } = opened;
  let handed = false;
  try {
    const base: Record<string, string | number> = {
      ETag: quoteEtag(info.etag),
      'Last-Modified': info.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
      ...objectResponseHeaders(info.metadata),
    };
    const failed = evaluateReadConditions((n) => header(ctx, n), '', info);
    if (failed?.status === 304) {
      sendEmpty(ctx, 304, { ETag: base.ETag!, 'Last-Modified': base['Last-Modified']! });
      return;
    }
    if (failed) throw new S3Error('PreconditionFailed', undefined, { Condition: failed.condition });
    if (ctx.method === 'GET' && ARCHIVED_STORAGE_CLASSES.has(storageClassOf(info.metadata))) {
      throw new S3Error('InvalidObjectState', 'The operation is not valid for the object\'s storage class', { StorageClass: storageClassOf(info.metadata) });
    }

    const partSizes = Array.isArray(info.metadata[PART_SIZES]) ? (info.metadata[PART_SIZES] as number[]) : undefined;
    const rangeHeader = header(ctx, 'range');
    const partNumberRaw = ctx.query.get('partNumber');
    let range: Range | undefined;
    if (partNumberRaw !== undefined) {
      if (rangeHeader !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
      if (!/^\d+$/.test(partNumberRaw) || Number(partNumberRaw) < 1 || Number(partNumberRaw) > 10000) {
        throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: partNumberRaw });
      }
      const n = Number(partNumberRaw);
      const sizes = partSizes ?? [info.size];
      if (n > sizes.length) throw new S3Error('InvalidPartNumber');
      const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
      range = { start, end: start + sizes[n - 1]! - 1 };
      if (partSizes) base['x-amz-mp-parts-count'] = partSizes.length;
    } else if (rangeHeader !== undefined) {
      const r = parseRange(rangeHeader, info.size);
      if (r === 'unsatisfiable') {
        throw new S3Error('InvalidRange', undefined, { RangeRequested: rangeHeader, ActualObjectSize: info.size }, { 'Content-Range': `bytes */${info.size}` });
      }
      range = r;
    }

    const checksum = checksumOf(info.metadata);
    if (checksum && !range && header(ctx, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
      base[`x-amz-checksum-${checksum.algorithm}`] = checksum.value;
      base['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    for (const [q, h] of Object.entries(RESPONSE_OVERRIDES)) {
      const v = ctx.query.get(q);
      if (v !== undefined) base[h] = v;
    }
    let status = 200;
    let length = info.size;
    if (range) {
      status = 206;
      length = range.end - range.start + 1;
      base['Content-Range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    }
    base['Content-Length'] = length;
    startBody(ctx, status, base);
    if (ctx.method === 'HEAD' || length === 0) {
      ctx.res.end();
      return;
    }
    handed = true;
    const stream = handle.createReadStream({ start: range?.start ?? 0, end: range ? range.end : Math.max(0, info.size - 1), autoClose: true });
    await pipeline(stream, ctx.res).catch(() => {
      ctx.res.destroy();
    });
  } finally {
    if (!handed) await handle.close();
  }
}

// ---------- DeleteObject / DeleteObjects ----------

export async function deleteObject(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  const versionId = ctx.query.get('versionId');
  if (versionId !== undefined && versionId !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  if (readableKey(ctx.key)) {
    await store.locks.run(store.lockKey(ctx.bucket, ctx.key), async () => {
      const ifMatch = header(ctx, 'if-match');
      if (ifMatch !== undefined) {
        const current = await store.headObject(ctx.bucket, ctx.key);
        if (!current) throw new S3Error('NoSuchKey', undefined, { Key: ctx.key });
        if (!etagListMatches(ifMatch, current.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
      }
      await store.deleteObject(ctx.bucket, ctx.key);
    });
  }
  sendEmpty(ctx, 204);
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
}

export async function deleteObjects(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  const sink = new MemorySink(2 * 1024 * 1024);
  await ingestBody(ctx.req, sink, { maxSize: 2 * 1024 * 1024, requireLength: false, requireChecksum: true, auth: ctx.auth });
  let keys: Array<{ key: string; versionId?: string }>;
  let quiet = false;
  try {
    const root = parseXml(sink.data.toString('utf8'));
    if (root.name !== 'Delete') throw new XmlSyntaxError('root');
    quiet = (child(root, 'Quiet')?.text.trim() ?? 'false') === 'true';
    keys = childrenNamed(root, 'Object').map((o) => {
      const k = child(o, 'Key');
      if (!k) throw new XmlSyntaxError('Key');
      const v = child(o, 'VersionId')?.text;
      return v === undefined ? { key: k.text } : { key: k.text, versionId: v };
    });
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new S3Error('MalformedXML');
    throw err;
  }
  if (keys.length === 0 || keys.length > 1000) throw new S3Error('MalformedXML');
  const results: Array<{ Deleted?: { Key: string; VersionId?: string }; Error?: { Key: string; Code: string; Message: string } }> = new Array(keys.length);
  await forEachLimit(keys, 16, async ({ key, versionId }, i) => {
    try {
      if (versionId !== undefined && versionId !== 'null') throw new S3Error('NoSuchVersion', 'The specified version does not exist.');
      if (key === '') throw new S3Error('InvalidArgument', 'Object key must not be empty.');
      if (readableKey(key)) await store.locks.run(store.lockKey(ctx.bucket, key), () => store.deleteObject(ctx.bucket, key));
      results[i] = { Deleted: versionId === undefined ? { Key: key } : { Key: key, VersionId: versionId } };
    } catch (err) {
      const e = err instanceof S3Error ? err : new S3Error('InternalError');
      results[i] = { Error: { Key: key, Code: e.code, Message: e.message } };
    }
  });
  sendXml(
    ctx,
    200,
    xmlDocument('DeleteResult', {
      Deleted: results.filter((r) => r.Deleted && !quiet).map((r) => r.Deleted!),
      Error: results.filter((r) => r.Error).map((r) => r.Error!),
    }),
  );
}

// ---------- CopyObject ----------

/** Parses x-amz-copy-source ("bucket/key" or "/bucket/key", URL-encoded, optional ?versionId=). */
export function parseCopySource(raw: string): { bucket: string; key: string } {
  let s = raw.trim();
  const q = s.indexOf('?');
  let versionId: string | undefined;
  if (q >= 0) {
    const params = new URLSearchParams(s.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    s = s.slice(0, q);
  }
  if (s.startsWith('/')) s = s.slice(1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  }
  if (versionId !== undefined && versionId !== 'null') {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** Opens the copy source after checking bucket, key and x-amz-copy-source-if-* conditions. */
export async function openCopySource(ctx: Ctx, store: Store): Promise<{ src: { bucket: string; key: string }; info: ObjectInfo; handle: fs.FileHandle }> {
  const src = parseCopySource(header(ctx, 'x-amz-copy-source')!);
  await store.requireBucket(src.bucket);
  const opened = readableKey(src.key) ? await store.openObject(src.bucket, src.key) : undefined;
  if (!opened) throw new S3Error('NoSuchKey', undefined, { Key: src.key });
  const failed = evaluateReadConditions((n) => header(ctx, n), 'x-amz-copy-source-', opened.info);
  if (failed) {
    await opened.handle.close();
    throw new S3Error('PreconditionFailed', undefined, { Condition: `x-amz-copy-source-${failed.condition}` });
  }
  if (ARCHIVED_STORAGE_CLASSES.has(storageClassOf(opened.info.metadata))) {
    await opened.handle.close();
    throw new S3Error('InvalidObjectState', 'Operation is not valid for the source object\'s storage class');
  }
  return { src, ...opened };
}

/** Copies [start, end] of an open file into a new temp file, returning its MD5. */
export async function copyRangeToTemp(store: Store, handle: fs.FileHandle, start: number, end: number): Promise<{ tmp: string; md5: Buffer; size: number }> {
  const tmp = store.tmpPath();
  const md5 = createHasher('md5');
  let size = 0;
  try {
    const out = createWriteStream(tmp, { flags: 'wx' });
    if (end < start) {
      out.end();
      await new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
    } else {
      const tap = new Transform({
        transform(chunk: Buffer, _e, cb) {
          md5.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      await pipeline(handle.createReadStream({ start, end, autoClose: false }), tap, out);
    }
    return { tmp, md5: md5.digest(), size };
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
}

export async function copyObject(ctx: Ctx, store: Store): Promise<void> {
  checkKey(ctx.key);
  await store.requireBucket(ctx.bucket);
  checkAcl(ctx.req.headers);
  const directive = header(ctx, 'x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  const placement = placementFromHeaders(ctx.req.headers);
  const { src, info, handle } = await openCopySource(ctx, store);
  let tmp: string | undefined;
  try {
    if (info.size > MAX_OBJECT_SIZE) {
      throw new S3Error('InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_OBJECT_SIZE}`);
    }
    const sameObject = src.bucket === ctx.bucket && src.key === ctx.key;
    const changesSomething =
      directive === 'REPLACE' ||
      header(ctx, 'x-amz-storage-class') !== undefined ||
      header(ctx, 'x-amz-server-side-encryption') !== undefined ||
      header(ctx, 'x-amz-website-redirect-location') !== undefined;
    if (sameObject && !changesSomething) {
      throw new S3Error(
        'InvalidRequest',
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    const content = directive === 'REPLACE' ? contentMetadataFromHeaders(ctx.req.headers) : contentMetadataOf(info.metadata);
    const metadata: StoredMetadata = { ...content, ...placement };
    const checksum = checksumOf(info.metadata);
    if (checksum) {
      metadata[`x-amz-checksum-${checksum.algorithm}`] = checksum.value;
      metadata['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    const copied = await copyRangeToTemp(store, handle, 0, info.size - 1);
    tmp = copied.tmp;
    const etag = copied.md5.toString('hex');
    const committed = await store.locks.run(store.lockKey(ctx.bucket, ctx.key), async () => {
      checkWriteConditions(ctx, await store.headObject(ctx.bucket, ctx.key));
      return store.commitObject(ctx.bucket, ctx.key, copied.tmp, etag, metadata);
    });
    tmp = undefined;
    sendXml(ctx, 200, xmlDocument('CopyObjectResult', { LastModified: isoSeconds(committed.lastModified), ETag: quoteEtag(etag) }), sseResponseHeaders(metadata));
  } finally {
    await handle.close();
    if (tmp) await removeQuietly(tmp);
  }
}

