import { InvalidInputError, decodedPath, parseUri, uriFromPath, type UriLike } from '@deepstore/core';

export interface GcsLocation {
  bucket: string;
  /** Object name without leading or trailing slashes; '' for the bucket root. */
  name: string;
  trailingSlash: boolean;
}

export function locate(uri: UriLike, operation: string): GcsLocation {
  const url = parseUri(uri, operation);
  if (url.protocol !== 'gs:') throw new InvalidInputError('not a gs: URI', { operation, uri: url });
  if (!url.hostname) throw new InvalidInputError('the URI names no bucket (expected gs://bucket/object)', { operation, uri: url });
  if (url.username || url.password) throw new InvalidInputError('credentials in the URI are not accepted; use the gcpKey setting or ADC', { operation, uri: url });
  if (!isBucketName(url.hostname)) {
    throw new InvalidInputError(
      `"${url.hostname}" is not a bucket name: GCS bucket names are 3-63 lowercase letters, digits, "-", "_" and "." (up to 222 with dots, 63 between them), starting and ending with a letter or digit`,
      { operation, uri: url },
    );
  }
  const path = decodedPath(url);
  const name = path.replace(/\/{2,}/g, '/').replace(/^\/+/, '').replace(/\/+$/, '');
  if (name.split('/').some((s) => s === '.' || s === '..')) throw new InvalidInputError('"." and ".." are not allowed in object names', { operation, uri: url });
  if (Buffer.byteLength(name) > 1024) throw new InvalidInputError('object name longer than GCS allows (1024 bytes)', { operation, uri: url });
  return { bucket: url.hostname, name, trailingSlash: path.length > 1 && path.endsWith('/') };
}

/** Google's naming rules for buckets (https://cloud.google.com/storage/docs/buckets#naming), syntax only. */
function isBucketName(name: string): boolean {
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(name)) return false;
  if (!name.includes('.')) return name.length >= 3 && name.length <= 63;
  return name.length <= 222 && name.split('.').every((part) => part.length >= 1 && part.length <= 63);
}

export function uriOf(bucket: string, name: string): string {
  return uriFromPath('gs', bucket, `/${name}`);
}

export function dirPrefix(name: string): string {
  return name === '' ? '' : `${name}/`;
}
