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

interface ApiError {
  code?: number | string;
  message?: string;
  name?: string;
  errors?: Array<{ reason?: string }>;
}

/** Maps a @google-cloud/storage ApiError (or a socket error under it) onto deepstore's typed errors. */
export function toGcsError(err: unknown, context: ErrorContext): DeepstoreError {
  if (err instanceof DeepstoreError) return err;
  const e = (err ?? {}) as ApiError;
  const status = typeof e.code === 'number' ? e.code : undefined;
  const reason = e.errors?.[0]?.reason;
  const ctx = { ...context, cause: err };
  const detail = (what: string) => `${what} (GCS ${status ?? e.code ?? 'error'}${reason ? ` ${reason}` : ''})`;
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR' || e.code === 'UND_ERR_ABORTED') return new AbortedError(undefined, ctx);
  if (status === 404) return new NotFoundError(detail('no such object or bucket'), ctx);
  if (status === 412) return new AlreadyExistsError(detail('precondition failed: the object exists or changed'), ctx);
  if (status === 409) return new AlreadyExistsError(detail('conflict'), ctx);
  if (status === 401 || status === 403) return new PermissionDeniedError(detail('access denied'), ctx);
  if (status === 416) return new InvalidInputError(detail('range not satisfiable'), ctx);
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) return new TransientError(detail('the store is unavailable or throttling'), ctx);
  // The resumable uploader gives up with a plain Error once its own retries are spent.
  if (/Retry limit exceeded/i.test(e.message ?? '')) return new TransientError(detail(`the store kept failing: ${e.message}`), ctx);
  // A connection cut mid-chunk leaves the session behind the bytes sent; a new upload succeeds.
  if (/Initiate a new upload|offset is lower than the number of bytes written/i.test(e.message ?? '')) {
    return new TransientError(detail(`the upload session lost track of its offset: ${e.message}`), ctx);
  }
  if (typeof e.code === 'string') return fromNodeError(err, context);
  if (/mismatch|validation/i.test(e.message ?? '')) return new TransientError(detail(`integrity check failed: ${e.message}`), ctx);
  if (status !== undefined && status >= 400) return new InvalidInputError(detail(e.message ?? 'request refused'), ctx);
  return new DeepstoreError('Unexpected', detail(e.message ?? String(err)), ctx);
}
