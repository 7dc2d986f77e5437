import { InvalidInputError, decodedPath, redactUri, parseUri, uriFromPath, type UriLike } from '@deepstore/core';

/** Where a URI points in S3: `s3://bucket/a/b` -> bucket `bucket`, key `a/b`. */
export interface S3Location {
  scheme: string;
  bucket: string;
  /** The object key without leading or trailing slashes; '' for the bucket root. */
  key: string;
  /** The URI named a directory explicitly (ended with `/`). */
  trailingSlash: boolean;
}

const SCHEMES = new Set(['s3', 's3a', 's3n']);
/** Lenient on purpose: legacy us-east-1 buckets and S3-compatible stores allow uppercase and "_". */
const BUCKET = /^[A-Za-z0-9._-]{3,255}$/;

export function locate(uri: UriLike, operation: string): S3Location {
  const url = parseUri(uri, operation);
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!SCHEMES.has(scheme)) throw new InvalidInputError('not an s3:, s3a: or s3n: URI', { operation, uri: url });
  if (!url.hostname) throw new InvalidInputError('the URI names no bucket (expected s3://bucket/key)', { operation, uri: url });
  if (url.username || url.password) {
    throw new InvalidInputError('credentials in the URI are not accepted; use the accessKey/secretKey settings or the AWS environment', { operation, uri: url });
  }
  if (!BUCKET.test(url.hostname)) {
    throw new InvalidInputError(
      `"${url.hostname}" is not a bucket name: S3 bucket names are 3-63 lowercase letters, digits, "." and "-" (legacy buckets: up to 255, also uppercase and "_")`,
      { operation, uri: url },
    );
  }
  const path = decodedPath(url);
  // Pinot collapses repeated slashes in keys; so do we.
  const key = path.replace(/\/{2,}/g, '/').replace(/^\/+/, '').replace(/\/+$/, '');
  if (key.split('/').some((s) => s === '.' || s === '..')) throw new InvalidInputError('"." and ".." are not allowed in S3 keys', { operation, uri: url });
  if (Buffer.byteLength(key) > 1024) throw new InvalidInputError('key longer than S3 allows (1024 bytes)', { operation, uri: url });
  return { scheme, bucket: url.hostname, key, trailingSlash: path.length > 1 && path.endsWith('/') };
}

/** The canonical URI of a key in a bucket. */
export function uriOf(loc: { scheme: string; bucket: string }, key: string): string {
  return uriFromPath(loc.scheme, loc.bucket, `/${key}`);
}

/** The prefix under which a directory's children live (`a/b/`), or '' for the bucket root. */
export function dirPrefix(key: string): string {
  return key === '' ? '' : `${key}/`;
}

/** The value of an x-amz-copy-source header: bucket/key, each segment URL-encoded. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export function describe(loc: S3Location): string {
  return redactUri(uriOf(loc, loc.key));
}
