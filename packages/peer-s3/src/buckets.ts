import { MemorySink, ingestBody } from './body.js';
import { S3Error } from './errors.js';
import { intParam, isoSeconds, OWNER, quoteEtag, sendEmpty, sendXml, urlEncodeKey, type Ctx } from './http.js';
import { checksumOf, storageClassOf } from './metadata.js';
import { compareUtf8, type ObjectInfo, type Store } from './store.js';
import { xmlDocument, type XmlNode } from './xml.js';

// ---------- service & bucket operations ----------

export async function listBuckets(ctx: Ctx, store: Store): Promise<void> {
  const buckets = await store.listBuckets();
  sendXml(
    ctx,
    200,
    xmlDocument('ListAllMyBucketsResult', {
      Owner: OWNER,
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoSeconds(b.created) })) },
    }),
  );
}

export async function headBucket(ctx: Ctx, store: Store, region: string): Promise<void> {
  await store.requireBucket(ctx.bucket);
  sendEmpty(ctx, 200, { 'x-amz-bucket-region': region });
}

export async function createBucket(ctx: Ctx, store: Store): Promise<void> {
  // The body (CreateBucketConfiguration) is read and ignored: the peer has a single region.
  await ingestBody(ctx.req, new MemorySink(64 * 1024), { maxSize: 64 * 1024, requireLength: false, auth: ctx.auth });
  await store.createBucket(ctx.bucket);
  // us-east-1 answers 200 again for a bucket you already own.
  sendEmpty(ctx, 200, { Location: `/${ctx.bucket}` });
}

export async function deleteBucket(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  if (await store.hasObjects(ctx.bucket)) throw new S3Error('BucketNotEmpty', undefined, { BucketName: ctx.bucket });
  await store.deleteBucket(ctx.bucket);
  sendEmpty(ctx, 204);
}

// ---------- ListObjects (V1) / ListObjectsV2 ----------

function encodeToken(bucket: string, after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, b: bucket, a: after }), 'utf8').toString('base64');
}

function decodeToken(bucket: string, token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; b?: unknown; a?: unknown };
    if (parsed.v === 1 && parsed.b === bucket && typeof parsed.a === 'string') return parsed.a;
  } catch {
    // fall through
  }
  throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token', ArgumentValue: token });
}

interface Page {
  keys: string[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned (for NextMarker / continuation tokens). */
  last?: string;
}

/**
 * One listing page in S3 order. Keys and common prefixes both count against max-keys;
 * nothing sorting at or before `after` is returned, including a common prefix that does.
 */
async function listPage(store: Store, bucket: string, prefix: string, delimiter: string, after: string, maxKeys: number): Promise<Page> {
  const all = await store.listKeys(bucket, prefix);
  const page: Page = { keys: [], prefixes: [], truncated: false };
  for (const key of all) {
    if (after && compareUtf8(key, after) <= 0) continue;
    let cp: string | undefined;
    if (delimiter) {
      const idx = key.indexOf(delimiter, prefix.length);
      if (idx >= 0) cp = key.slice(0, idx + delimiter.length);
    }
    if (cp !== undefined && (cp === page.last || (after && compareUtf8(cp, after) <= 0))) continue;
    if (page.keys.length + page.prefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    if (cp !== undefined) page.prefixes.push(cp);
    else page.keys.push(key);
    page.last = cp ?? key;
  }
  return page;
}

async function describe(store: Store, bucket: string, keys: string[]): Promise<ObjectInfo[]> {
  const out: Array<ObjectInfo | undefined> = new Array(keys.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(32, keys.length) }, async () => {
      while (next < keys.length) {
        const i = next++;
        out[i] = await store.headObject(bucket, keys[i]!);
      }
    }),
  );
  return out.filter((o): o is ObjectInfo => o !== undefined);
}

export async function listObjects(ctx: Ctx, store: Store): Promise<void> {
  await store.requireBucket(ctx.bucket);
  const v2 = ctx.query.get('list-type') === '2';
  if (ctx.query.has('list-type') && !v2) throw new S3Error('InvalidArgument', 'Invalid List Type specified in Request', { ArgumentName: 'list-type', ArgumentValue: ctx.query.get('list-type')! });
  const maxKeysRaw = ctx.query.get('max-keys');
  if (maxKeysRaw !== undefined && maxKeysRaw !== '' && !/^-?\d+$/.test(maxKeysRaw)) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: maxKeysRaw });
  }
  const maxKeys = Math.min(1000, intParam(ctx, 'max-keys', 1000, 'Argument maxKeys must be an integer between 0 and 2147483647'));
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const encodingType = ctx.query.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  const enc = (s: string): string => (encodingType === 'url' ? urlEncodeKey(s) : s);

  let after: string;
  const token = ctx.query.get('continuation-token');
  const startAfter = ctx.query.get('start-after');
  const marker = ctx.query.get('marker') ?? '';
  if (v2) {
    if (ctx.query.has('marker')) throw new S3Error('InvalidArgument', 'Marker unsupported with REST.GET.BUCKET in list-type=2', { ArgumentName: 'marker' });
    after = token !== undefined ? decodeToken(ctx.bucket, token) : (startAfter ?? '');
  } else {
    if (token !== undefined) throw new S3Error('InvalidArgument', 'continuation-token only supported in REST.GET.BUCKET with list-type=2', { ArgumentName: 'continuation-token' });
    if (startAfter !== undefined) throw new S3Error('InvalidArgument', 'startAfter only supported in REST.GET.BUCKET with list-type=2', { ArgumentName: 'start-after' });
    after = marker;
  }
  const page = maxKeys === 0 ? { keys: [], prefixes: [], truncated: false } : await listPage(store, ctx.bucket, prefix, delimiter, after, maxKeys);
  const infos = await describe(store, ctx.bucket, page.keys);
  const fetchOwner = v2 ? ctx.query.get('fetch-owner') === 'true' : true;
  const contents = infos.map((o) => {
    const c: XmlNode = { Key: enc(o.key), LastModified: isoSeconds(o.lastModified), ETag: quoteEtag(o.etag) };
    const checksum = checksumOf(o.metadata);
    if (checksum) c.ChecksumAlgorithm = checksum.algorithm.toUpperCase();
    c.Size = o.size;
    if (fetchOwner) c.Owner = OWNER;
    c.StorageClass = storageClassOf(o.metadata);
    return c;
  });
  const common = page.prefixes.map((p) => ({ Prefix: enc(p) }));
  const body: XmlNode = v2
    ? {
        Name: ctx.bucket,
        Prefix: enc(prefix),
        ...(token !== undefined ? { ContinuationToken: token } : {}),
        ...(page.truncated && page.last !== undefined ? { NextContinuationToken: encodeToken(ctx.bucket, page.last) } : {}),
        KeyCount: page.keys.length + page.prefixes.length,
        MaxKeys: maxKeys,
        ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
        ...(encodingType ? { EncodingType: encodingType } : {}),
        IsTruncated: page.truncated,
        ...(startAfter !== undefined ? { StartAfter: enc(startAfter) } : {}),
        Contents: contents,
        CommonPrefixes: common,
      }
    : {
        Name: ctx.bucket,
        Prefix: enc(prefix),
        Marker: enc(marker),
        ...(page.truncated && delimiter && page.last !== undefined ? { NextMarker: enc(page.last) } : {}),
        MaxKeys: maxKeys,
        ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
        ...(encodingType ? { EncodingType: encodingType } : {}),
        IsTruncated: page.truncated,
        Contents: contents,
        CommonPrefixes: common,
      };
  sendXml(ctx, 200, xmlDocument('ListBucketResult', body));
}
