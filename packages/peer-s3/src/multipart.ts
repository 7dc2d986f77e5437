import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ingestBody, MAX_OBJECT_SIZE, MemorySink } from './body.js';
import { S3Error } from './errors.js';
import { header, intParam, isoSeconds, OWNER, quoteEtag, sendEmpty, sendXml, unquoteEtag, urlEncodeKey, type Ctx } from './http.js';
import { checkAcl, contentMetadataFromHeaders, placementFromHeaders, sseResponseHeaders, storageClassOf } from './metadata.js';
import { checkWriteConditions, copyRangeToTemp, openCopySource, PART_SIZES, receiveToTemp } from './objects.js';
import { checkKey, compareUtf8, type StoredMetadata, type Store } from './store.js';
import { child, childrenNamed, parseXml, xmlDocument, XmlSyntaxError } from './xml.js';

export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10000;

function partNumberParam(ctx: Ctx): number {
  const raw = ctx.query.get('partNumber') ?? '';
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PARTS) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: raw });
  }
  return Number(raw);
}

// ---------- CreateMultipartUpload ----------

export async function createMultipartUpload(ctx: Ctx, store: Store): Promise<void> {
  checkKey(ctx.key);
  await store.requireBucket(ctx.bucket);
  checkAcl(ctx.req.headers);
  const metadata: StoredMetadata = { ...contentMetadataFromHeaders(ctx.req.headers), ...placementFromHeaders(ctx.req.headers) };
  const algorithm = header(ctx, 'x-amz-checksum-algorithm');
  if (algorithm !== undefined) metadata['x-amz-checksum-algorithm'] = algorithm.toUpperCase();
  const upload = await store.createUpload(ctx.bucket, ctx.key, metadata);
  sendXml(ctx, 200, xmlDocument('InitiateMultipartUploadResult', { Bucket: ctx.bucket, Key: ctx.key, UploadId: upload.uploadId }), {
    ...sseResponseHeaders(metadata),
    ...(algorithm !== undefined ? { 'x-amz-checksum-algorithm': algorithm.toUpperCase() } : {}),
  });
}

// ---------- UploadPart / UploadPartCopy ----------

export async function uploadPart(ctx: Ctx, store: Store): Promise<void> {
  checkKey(ctx.key);
  await store.requireBucket(ctx.bucket);
  const partNumber = partNumberParam(ctx);
  const uploadId = ctx.query.get('uploadId');
  const upload = await store.requireUpload(ctx.bucket, ctx.key, uploadId);
  const { tmp, info } = await receiveToTemp(ctx, store);
  const md5hex = info.md5.toString('hex');
  try {
    await store.locks.run(store.uploadLock(ctx.bucket, upload.uploadId), () => store.commitPart(ctx.bucket, upload.uploadId, partNumber, tmp, md5hex));
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  sendEmpty(ctx, 200, {
    ETag: quoteEtag(md5hex),
    ...sseResponseHeaders(upload.metadata),
    ...(info.checksum ? { [`x-amz-checksum-${info.checksum.algorithm}`]: info.checksum.value } : {}),
  });
}

const RANGE_FORM_MESSAGE = 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy';

export async function uploadPartCopy(ctx: Ctx, store: Store): Promise<void> {
  checkKey(ctx.key);
  await store.requireBucket(ctx.bucket);
  const partNumber = partNumberParam(ctx);
  const upload = await store.requireUpload(ctx.bucket, ctx.key, ctx.query.get('uploadId'));
  const rangeHeader = header(ctx, 'x-amz-copy-source-range');
  let requested: { start: number; end: number } | undefined;
  if (rangeHeader !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeHeader.trim());
    if (!m) throw new S3Error('InvalidArgument', RANGE_FORM_MESSAGE, { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: rangeHeader });
    requested = { start: Number(m[1]), end: Number(m[2]) };
  }
  const { info, handle } = await openCopySource(ctx, store);
  let tmp: string | undefined;
  try {
    const range = requested ?? { start: 0, end: info.size - 1 };
    if (requested && (requested.start > requested.end || requested.end >= info.size)) {
      throw new S3Error('InvalidArgument', `Range specified is not valid for source object of size: ${info.size}`, {
        ArgumentName: 'x-amz-copy-source-range',
        ArgumentValue: rangeHeader!,
      });
    }
    if (range.end - range.start + 1 > MAX_OBJECT_SIZE) {
      throw new S3Error('InvalidRequest', `The specified copy range is larger than the maximum allowable size for a copy part: ${MAX_OBJECT_SIZE}`);
    }
    const copied = await copyRangeToTemp(store, handle, range.start, range.end);
    tmp = copied.tmp;
    const etag = copied.md5.toString('hex');
    await store.locks.run(store.uploadLock(ctx.bucket, upload.uploadId), () => store.commitPart(ctx.bucket, upload.uploadId, partNumber, copied.tmp, etag));
    tmp = undefined;
    const part = (await store.listParts(ctx.bucket, upload.uploadId)).find((p) => p.partNumber === partNumber);
    sendXml(ctx, 200, xmlDocument('CopyPartResult', { LastModified: isoSeconds(part?.lastModified ?? new Date()), ETag: quoteEtag(etag) }), sseResponseHeaders(upload.metadata));
  } finally {
    await handle.close();
    if (tmp) await fs.rm(tmp, { force: true });
  }
}

// ---------- CompleteMultipartUpload ----------

export async function completeMultipartUpload(ctx: Ctx, store: Store): Promise<void> {
  checkKey(ctx.key);
  await store.requireBucket(ctx.bucket);
  const sink = new MemorySink(4 * 1024 * 1024);
  await ingestBody(ctx.req, sink, { maxSize: 4 * 1024 * 1024, requireLength: false, auth: ctx.auth });
  let requested: Array<{ partNumber: number; etag: string }>;
  try {
    const root = parseXml(sink.data.toString('utf8'));
    if (root.name !== 'CompleteMultipartUpload') throw new XmlSyntaxError('root');
    requested = childrenNamed(root, 'Part').map((p) => {
      const n = child(p, 'PartNumber')?.text.trim();
      const etag = child(p, 'ETag')?.text;
      if (n === undefined || !/^-?\d+$/.test(n) || etag === undefined) throw new XmlSyntaxError('Part');
      return { partNumber: Number(n), etag: unquoteEtag(etag) };
    });
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new S3Error('MalformedXML');
    throw err;
  }
  if (requested.length === 0) throw new S3Error('MalformedXML');
  for (const p of requested) {
    if (p.partNumber < 1 || p.partNumber > MAX_PARTS) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: p.partNumber });
  }
  const uploadId = ctx.query.get('uploadId');
  const upload0 = await store.requireUpload(ctx.bucket, ctx.key, uploadId);
  const { etag, metadata } = await store.locks.run(store.uploadLock(ctx.bucket, upload0.uploadId), async () => {
    const upload = await store.requireUpload(ctx.bucket, ctx.key, uploadId);
    for (let i = 1; i < requested.length; i++) {
      if (requested[i]!.partNumber <= requested[i - 1]!.partNumber) throw new S3Error('InvalidPartOrder', undefined, { UploadId: upload.uploadId });
    }
    const stored = new Map((await store.listParts(ctx.bucket, upload.uploadId)).map((p) => [p.partNumber, p]));
    const chosen = requested.map((r) => {
      const p = stored.get(r.partNumber);
      if (!p || p.etag !== r.etag) throw new S3Error('InvalidPart', undefined, { UploadId: upload.uploadId, PartNumber: r.partNumber, ETag: r.etag });
      return p;
    });
    chosen.forEach((p, i) => {
      if (i < chosen.length - 1 && p.size < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', undefined, { ProposedSize: p.size, MinSizeAllowed: MIN_PART_SIZE, PartNumber: p.partNumber, ETag: quoteEtag(p.etag) });
      }
    });
    checkWriteConditions(ctx, await store.locks.run(store.lockKey(ctx.bucket, ctx.key), () => store.headObject(ctx.bucket, ctx.key)));

    const md5s = Buffer.concat(chosen.map((p) => Buffer.from(p.etag, 'hex')));
    const etag = `${createHash('md5').update(md5s).digest('hex')}-${chosen.length}`;
    const metadata: StoredMetadata = { ...upload.metadata, [PART_SIZES]: chosen.map((p) => p.size) };
    delete metadata['x-amz-checksum-algorithm'];
    const tmp = store.tmpPath();
    try {
      const files = chosen.map((p) => store.partPath(ctx.bucket, upload.uploadId, p.partNumber));
      await pipeline(
        Readable.from(
          (async function* () {
            for (const f of files) for await (const chunk of createReadStream(f)) yield chunk as Buffer;
          })(),
        ),
        createWriteStream(tmp, { flags: 'wx' }),
      );
      await store.locks.run(store.lockKey(ctx.bucket, ctx.key), async () => {
        checkWriteConditions(ctx, await store.headObject(ctx.bucket, ctx.key));
        await store.commitObject(ctx.bucket, ctx.key, tmp, etag, metadata);
      });
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await store.removeUpload(ctx.bucket, upload.uploadId);
    return { etag, metadata };
  });
  const host = header(ctx, 'host') ?? '127.0.0.1';
  sendXml(
    ctx,
    200,
    xmlDocument('CompleteMultipartUploadResult', {
      Location: `http://${host}/${ctx.bucket}/${ctx.key.split('/').map(encodeURIComponent).join('/')}`,
      Bucket: ctx.bucket,
      Key: ctx.key,
      ETag: quoteEtag(etag),
    }),
    sseResponseHeaders(metadata),
  );
}

// ---------- AbortMultipartUpload ----------

export async function abortMultipartUpload(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  const uploadId = ctx.query.get('uploadId');
  const upload0 = await store.requireUpload(ctx.bucket, ctx.key, uploadId);
  await store.locks.run(store.uploadLock(ctx.bucket, upload0.uploadId), async () => {
    await store.requireUpload(ctx.bucket, ctx.key, uploadId);
    await store.removeUpload(ctx.bucket, upload0.uploadId);
  });
  sendEmpty(ctx, 204);
}

// ---------- ListParts ----------

export async function listParts(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  const maxParts = Math.min(1000, intParam(ctx, 'max-parts', 1000, 'Argument max-parts must be an integer between 0 and 2147483647'));
  const marker = intParam(ctx, 'part-number-marker', 0, 'Argument part-number-marker must be an integer between 0 and 2147483647');
  const upload = await store.requireUpload(ctx.bucket, ctx.key, ctx.query.get('uploadId'));
  const parts = await store.locks.run(store.uploadLock(ctx.bucket, upload.uploadId), () => store.listParts(ctx.bucket, upload.uploadId));
  const after = parts.filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const encode = ctx.query.get('encoding-type') === 'url';
  sendXml(
    ctx,
    200,
    xmlDocument('ListPartsResult', {
      Bucket: ctx.bucket,
      Key: encode ? urlEncodeKey(ctx.key) : ctx.key,
      UploadId: upload.uploadId,
      Initiator: OWNER,
      Owner: OWNER,
      StorageClass: storageClassOf(upload.metadata),
      PartNumberMarker: marker,
      NextPartNumberMarker: page.length ? page[page.length - 1]!.partNumber : marker,
      MaxParts: maxParts,
      IsTruncated: truncated,
      Part: page.map((p) => ({ PartNumber: p.partNumber, LastModified: isoSeconds(p.lastModified), ETag: quoteEtag(p.etag), Size: p.size })),
    }),
  );
}

// ---------- ListMultipartUploads ----------

export async function listMultipartUploads(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  const maxUploads = Math.min(1000, intParam(ctx, 'max-uploads', 1000, 'Argument max-uploads must be an integer between 0 and 2147483647'));
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker ? (ctx.query.get('upload-id-marker') ?? '') : '';
  const encodingType = ctx.query.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  const enc = (s: string): string => (encodingType === 'url' ? urlEncodeKey(s) : s);

  const all = (await store.listUploads(ctx.bucket))
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => compareUtf8(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime() || (a.uploadId < b.uploadId ? -1 : 1));

  // Position after the markers: keys > key-marker, or the same key after upload-id-marker.
  let startIndex = 0;
  if (keyMarker) {
    const markerIdx = uploadIdMarker ? all.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker) : -1;
    startIndex = markerIdx >= 0 ? markerIdx + 1 : all.findIndex((u) => compareUtf8(u.key, keyMarker) > 0);
    if (startIndex < 0) startIndex = all.length;
  }
  const uploads: typeof all = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { key: string; uploadId: string } | undefined;
  for (let i = startIndex; i < all.length; i++) {
    const u = all[i]!;
    let cp: string | undefined;
    if (delimiter) {
      const idx = u.key.indexOf(delimiter, prefix.length);
      if (idx >= 0) cp = u.key.slice(0, idx + delimiter.length);
    }
    if (cp !== undefined) {
      if (prefixes[prefixes.length - 1] === cp || (keyMarker && compareUtf8(cp, keyMarker) <= 0)) continue;
    }
    if (uploads.length + prefixes.length >= maxUploads) {
      truncated = true;
      break;
    }
    if (cp !== undefined) {
      prefixes.push(cp);
      last = { key: cp, uploadId: '' };
    } else {
      uploads.push(u);
      last = { key: u.key, uploadId: u.uploadId };
    }
  }
  sendXml(
    ctx,
    200,
    xmlDocument('ListMultipartUploadsResult', {
      Bucket: ctx.bucket,
      KeyMarker: enc(keyMarker),
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: truncated && last ? enc(last.key) : undefined,
      NextUploadIdMarker: truncated && last ? last.uploadId : undefined,
      Delimiter: delimiter ? enc(delimiter) : undefined,
      Prefix: enc(prefix),
      EncodingType: encodingType,
      MaxUploads: maxUploads,
      IsTruncated: truncated,
      Upload: uploads.map((u) => ({
        Key: enc(u.key),
        UploadId: u.uploadId,
        Initiator: OWNER,
        Owner: OWNER,
        StorageClass: storageClassOf(u.metadata),
        Initiated: u.initiated.toISOString(),
      })),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
}
