import {
  AbortedError,
  AlreadyExistsError,
  DeepstoreError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  TransientError,
  fromNodeError,
  type ErrorContext,
} from '@deepstore/core';

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'BadDigest', // bytes changed in transit: sending again fixes it
  'TimeoutError',
  'RequestTimeTooSkewed',
]);

/** Maps an AWS SDK error (or a network error under it) onto deepstore's typed errors. */
export function toS3Error(err: unknown, context: ErrorContext): DeepstoreError {
  if (err instanceof DeepstoreError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const ctx = { ...context, cause: err };
  const detail = (what: string) => `${what} (S3 ${name || 'error'}${status ? ` ${status}` : ''})`;
  if (name === 'AbortError' || e.code === 'ABORT_ERR') return new AbortedError(undefined, ctx);
  if (name === 'NoSuchBucket') return new NotFoundError(detail('bucket does not exist'), ctx);
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new NotFoundError(detail('no such object'), ctx);
  if (name === 'PreconditionFailed' || status === 412) {
    const reading = context.operation === 'openRead' || context.operation === 'copyToLocal';
    return new AlreadyExistsError(detail(reading ? 'the object changed while it was being read' : 'already exists'), ctx);
  }
  if (name === 'InvalidRange' || status === 416) return new InvalidInputError(detail('range not satisfiable'), ctx);
  if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'ExpiredToken' || status === 403 || status === 401) {
    return new PermissionDeniedError(detail('access denied'), ctx);
  }
  if (TRANSIENT_NAMES.has(name) || status === 429 || status === 408 || (status !== undefined && status >= 500)) {
    return new TransientError(detail('the store is unavailable or throttling'), ctx);
  }
  if (status === undefined && e.code) return fromNodeError(err, context); // a socket error under the SDK
  if (status !== undefined && status >= 400) return new InvalidInputError(detail(e.message ?? 'request refused'), ctx);
  return new DeepstoreError('Unexpected', detail(e.message ?? String(err)), ctx);
}

/** True for errors that say the credentials expired, after which one retry with fresh credentials is worth it (Pinot #16553). */
export function isExpiredCredentials(err: unknown): boolean {
  const name = (err as SdkError | undefined)?.name;
  return name === 'ExpiredToken' || name === 'TokenRefreshRequired' || name === 'ExpiredTokenException';
}
