import { InvalidInputError, readBool, readInt, type FsConfig } from '@deepstore/core';

const MiB = 1024 * 1024;
/** S3's own limits. */
export const S3_MIN_PART = 5 * MiB;
export const S3_MAX_PARTS = 10_000;
export const S3_MAX_SINGLE_COPY = 5 * 1024 * MiB;

const STORAGE_CLASSES = [
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
] as const;
const SSE_MODES = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
const CHECKSUM_MODES = ['WHEN_REQUIRED', 'WHEN_SUPPORTED'] as const;

/** Settings of the S3 filesystem, named as Pinot's S3PinotFS names them where Pinot has them. */
export interface S3FsConfig {
  /** Required unless the environment or profile provides one (AWS_REGION, AWS_PROFILE); `us-east-1` with a custom endpoint. */
  region: string | undefined;
  /** Static credentials; without them the standard AWS chain (env, profile, SSO, web identity, container, IMDS) is used and refreshed. */
  accessKey: string | undefined;
  secretKey: string | undefined;
  sessionToken: string | undefined;
  /** An S3-compatible endpoint (MinIO, Ceph, ...); AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL are read by the SDK when unset. */
  endpoint: string | undefined;
  /** Path-style addressing (`endpoint/bucket/key`); defaults to true when `endpoint` is set, as Pinot does. */
  pathStyleAccess: boolean;
  /** Pinot: when false, objects are written with `bucket-owner-full-control`. Default true. */
  disableAcl: boolean;
  serverSideEncryption: (typeof SSE_MODES)[number] | undefined;
  ssekmsKeyId: string | undefined;
  /** JSON object string, sent base64-encoded as S3 requires. */
  ssekmsEncryptionContext: string | undefined;
  storageClass: (typeof STORAGE_CLASSES)[number] | undefined;
  /** Part size for multipart uploads (default 8 MiB; Pinot's 128 MB default would cost 128 MB of memory per part in flight). */
  multiPartUploadPartSize: number;
  /** Objects of at least this size go multipart (default: the part size, so every part carries its own Content-MD5). */
  minObjectSizeForMultiPartUpload: number;
  /** Parts uploaded (and ranges downloaded) at once per object (default 8). */
  multiPartUploadConcurrency: number;
  /** Total attempts per request, with exponential backoff and full jitter on 5xx, 429, 408 and connection errors (default 5). */
  maxAttempts: number;
  /** Socket inactivity limit in ms: a stalled transfer fails after this long (Pinot: httpclient.socketTimeout; default 60000). */
  socketTimeout: number;
  /** TCP connect limit in ms (Pinot: httpclient.connectionTimeout; default 10000). */
  connectionTimeout: number;
  /** Sockets per host (Pinot: httpclient.maxConnections; default 64). */
  maxConnections: number;
  /** SDK flexible checksums; WHEN_REQUIRED by default, as in Pinot (deepstore adds Content-MD5 to every upload itself). */
  requestChecksumCalculation: (typeof CHECKSUM_MODES)[number];
  responseChecksumValidation: (typeof CHECKSUM_MODES)[number];
}

const KEYS: ReadonlyArray<keyof S3FsConfig> = [
  'region',
  'accessKey',
  'secretKey',
  'sessionToken',
  'endpoint',
  'pathStyleAccess',
  'disableAcl',
  'serverSideEncryption',
  'ssekmsKeyId',
  'ssekmsEncryptionContext',
  'storageClass',
  'multiPartUploadPartSize',
  'minObjectSizeForMultiPartUpload',
  'multiPartUploadConcurrency',
  'maxAttempts',
  'socketTimeout',
  'connectionTimeout',
  'maxConnections',
  'requestChecksumCalculation',
  'responseChecksumValidation',
];
// Pinot's names for the HTTP client settings.
const ALIASES: Readonly<Record<string, keyof S3FsConfig>> = {
  'httpclient.socketTimeout': 'socketTimeout',
  'httpclient.connectionTimeout': 'connectionTimeout',
  'httpclient.maxConnections': 'maxConnections',
};

/** Parses Pinot-style settings. Unknown keys and bad values are refused by name; secrets never appear in messages. */
export function parseS3Config(config: FsConfig): S3FsConfig {
  const raw = new Map<keyof S3FsConfig, string>();
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const name = ALIASES[key] ?? (KEYS as readonly string[]).find((k) => k === key);
    if (!name) throw bad(`unknown setting "${key}" for s3 (known: ${[...KEYS, ...Object.keys(ALIASES)].join(', ')})`);
    raw.set(name as keyof S3FsConfig, String(value).trim());
  }
  const str = (k: keyof S3FsConfig): string | undefined => (raw.get(k) === '' ? undefined : raw.get(k));
  const endpoint = str('endpoint');
  if (endpoint !== undefined) {
    try {
      const u = new URL(endpoint);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      throw bad(`setting "endpoint" must be an http(s) URL, got ${JSON.stringify(endpoint.replace(/\/\/[^@/]*@/, '//***@'))}`);
    }
  }
  const partSize = size('multiPartUploadPartSize', str('multiPartUploadPartSize'), 8 * MiB);
  if (partSize < S3_MIN_PART) throw bad(`setting "multiPartUploadPartSize" must be at least 5MB (S3's minimum part size), got ${partSize} bytes`);
  if (partSize > 5 * 1024 * MiB) throw bad(`setting "multiPartUploadPartSize" must be at most 5GB, got ${partSize} bytes`);
  const accessKey = str('accessKey');
  const secretKey = str('secretKey');
  if ((accessKey === undefined) !== (secretKey === undefined)) throw bad('settings "accessKey" and "secretKey" must be given together');
  const sse = oneOf('serverSideEncryption', str('serverSideEncryption'), SSE_MODES);
  const ctx = str('ssekmsEncryptionContext');
  if (ctx !== undefined) {
    try {
      const parsed: unknown = JSON.parse(ctx);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    } catch {
      throw bad('setting "ssekmsEncryptionContext" must be a JSON object of string pairs');
    }
  }
  if ((str('ssekmsKeyId') !== undefined || ctx !== undefined) && !sse?.startsWith('aws:kms')) {
    throw bad('settings "ssekmsKeyId" and "ssekmsEncryptionContext" need serverSideEncryption=aws:kms');
  }
  return {
    region: str('region'),
    accessKey,
    secretKey,
    sessionToken: str('sessionToken'),
    endpoint,
    pathStyleAccess: readBool('pathStyleAccess', str('pathStyleAccess'), endpoint !== undefined, 'init s3'),
    disableAcl: readBool('disableAcl', str('disableAcl'), true, 'init s3'),
    serverSideEncryption: sse,
    ssekmsKeyId: str('ssekmsKeyId'),
    ssekmsEncryptionContext: ctx,
    storageClass: oneOf('storageClass', str('storageClass'), STORAGE_CLASSES),
    multiPartUploadPartSize: partSize,
    minObjectSizeForMultiPartUpload: size('minObjectSizeForMultiPartUpload', str('minObjectSizeForMultiPartUpload'), partSize),
    multiPartUploadConcurrency: readInt('multiPartUploadConcurrency', str('multiPartUploadConcurrency'), 8, 1, 64, 'init s3'),
    maxAttempts: readInt('maxAttempts', str('maxAttempts'), 5, 1, 20, 'init s3'),
    socketTimeout: readInt('socketTimeout', str('socketTimeout'), 60_000, 100, 3_600_000, 'init s3'),
    connectionTimeout: readInt('connectionTimeout', str('connectionTimeout'), 10_000, 100, 600_000, 'init s3'),
    maxConnections: readInt('maxConnections', str('maxConnections'), 64, 1, 4096, 'init s3'),
    requestChecksumCalculation: oneOf('requestChecksumCalculation', str('requestChecksumCalculation')?.toUpperCase(), CHECKSUM_MODES) ?? 'WHEN_REQUIRED',
    responseChecksumValidation: oneOf('responseChecksumValidation', str('responseChecksumValidation')?.toUpperCase(), CHECKSUM_MODES) ?? 'WHEN_REQUIRED',
  };
}

/** Parses sizes the way Pinot's DataSizeUtils does: `128MB`, `5G`, `8M`, `1024`. */
export function parseDataSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b?)$/i.exec(text.trim());
  if (!m?.[1]) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[unit] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

function bad(message: string): InvalidInputError {
  return new InvalidInputError(message, { operation: 'init s3' });
}

function size(key: string, value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  const n = parseDataSize(value);
  if (n === undefined || !Number.isSafeInteger(n) || n <= 0) throw bad(`setting "${key}" must be a size such as 8MB or 5G, got ${JSON.stringify(value)}`);
  return n;
}



function oneOf<T extends string>(key: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw bad(`setting "${key}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}
