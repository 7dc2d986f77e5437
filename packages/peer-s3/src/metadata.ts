import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './errors.js';
import type { StoredMetadata } from './store.js';

/** Which request headers become object metadata, and how they come back on GET/HEAD. */

const SYSTEM_HEADERS = ['cache-control', 'content-disposition', 'content-language', 'expires', 'x-amz-website-redirect-location'];
const STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
]);
export const ARCHIVED_STORAGE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);
const CANNED_ACLS = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
]);
const SSE_VALUES = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);
const SSE_HEADERS = [
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-context',
  'x-amz-server-side-encryption-bucket-key-enabled',
];
const MAX_USER_METADATA = 2048;

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Validates the canned ACL header (the peer does not store ACLs). */
export function checkAcl(headers: IncomingHttpHeaders): void {
  const acl = one(headers, 'x-amz-acl');
  if (acl !== undefined && !CANNED_ACLS.has(acl)) throw new S3Error('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: acl });
}

/** Storage class and server-side encryption of a new object (never copied from a copy source). */
export function placementFromHeaders(headers: IncomingHttpHeaders): StoredMetadata {
  const out: StoredMetadata = {};
  const sc = one(headers, 'x-amz-storage-class');
  if (sc !== undefined) {
    if (!STORAGE_CLASSES.has(sc)) throw new S3Error('InvalidStorageClass', 'The storage class you specified is not valid', { StorageClassRequested: sc });
    out['x-amz-storage-class'] = sc;
  }
  const sse = one(headers, 'x-amz-server-side-encryption');
  if (sse !== undefined && !SSE_VALUES.has(sse)) {
    throw new S3Error('InvalidArgument', 'The encryption method specified is not supported', { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: sse });
  }
  const kmsKey = one(headers, 'x-amz-server-side-encryption-aws-kms-key-id');
  if (kmsKey !== undefined && (sse === undefined || !sse.startsWith('aws:kms'))) {
    throw new S3Error('InvalidArgument', 'Server Side Encryption with AWS Key Management Service is not specified', {
      ArgumentName: 'x-amz-server-side-encryption-aws-kms-key-id',
      ArgumentValue: kmsKey,
    });
  }
  if (one(headers, 'x-amz-server-side-encryption-customer-algorithm') !== undefined) {
    throw new S3Error('NotImplemented', 'peer-s3 does not implement SSE-C (customer-provided keys).');
  }
  // Since 2023 S3 encrypts every new object with SSE-S3 unless told otherwise.
  out['x-amz-server-side-encryption'] = sse ?? 'AES256';
  for (const h of SSE_HEADERS.slice(1)) {
    const v = one(headers, h);
    if (v !== undefined) out[h] = v;
  }
  return out;
}

/** Content headers and x-amz-meta-* of a new object. */
export function contentMetadataFromHeaders(headers: IncomingHttpHeaders): StoredMetadata {
  const out: StoredMetadata = {};
  out['content-type'] = one(headers, 'content-type') ?? 'binary/octet-stream';
  for (const h of SYSTEM_HEADERS) {
    const v = one(headers, h);
    if (v !== undefined) out[h] = v;
  }
  const encoding = (one(headers, 'content-encoding') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked')
    .join(',');
  if (encoding) out['content-encoding'] = encoding;
  let userSize = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const v = Array.isArray(value) ? value.join(',') : value;
    out[name] = v;
    userSize += Buffer.byteLength(name.slice('x-amz-meta-'.length)) + Buffer.byteLength(v);
  }
  if (userSize > MAX_USER_METADATA) throw new S3Error('MetadataTooLarge', undefined, { Size: userSize, MaxSizeAllowed: MAX_USER_METADATA });
  return out;
}

const CONTENT_KEYS = new Set(['content-type', 'content-encoding', ...SYSTEM_HEADERS]);

/** The content/user part of stored metadata (what CopyObject's COPY directive carries over). */
export function contentMetadataOf(meta: StoredMetadata): StoredMetadata {
  const out: StoredMetadata = {};
  for (const [k, v] of Object.entries(meta)) if (CONTENT_KEYS.has(k) || k.startsWith('x-amz-meta-')) out[k] = v;
  return out;
}

export function checksumOf(meta: StoredMetadata): { algorithm: string; value: string } | undefined {
  for (const [k, v] of Object.entries(meta)) {
    if (k.startsWith('x-amz-checksum-') && k !== 'x-amz-checksum-type' && typeof v === 'string') return { algorithm: k.slice('x-amz-checksum-'.length), value: v };
  }
  return undefined;
}

/** Headers S3 returns for an object on GET/HEAD (besides length, range, ETag, dates). */
export function objectResponseHeaders(meta: StoredMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string') continue;
    if (k === 'content-type') out['Content-Type'] = v;
    else if (CONTENT_KEYS.has(k) || k.startsWith('x-amz-meta-') || k.startsWith('x-amz-server-side-encryption')) out[k] = v;
    else if (k === 'x-amz-storage-class' && v !== 'STANDARD') out[k] = v;
  }
  return out;
}

export function sseResponseHeaders(meta: StoredMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) if (k.startsWith('x-amz-server-side-encryption') && typeof v === 'string') out[k] = v;
  return out;
}

export function storageClassOf(meta: StoredMetadata): string {
  const sc = meta['x-amz-storage-class'];
  return typeof sc === 'string' ? sc : 'STANDARD';
}
