import {
  AbortedError,
  AlreadyExistsError,
  DeepstoreError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  TransientError,
  UnsupportedError,
  fromNodeError,
  type ErrorContext,
} from '@deepstore/core';

/** Maps an HTTP status (from a response) onto deepstore's typed errors. */
export function fromStatus(status: number, method: string, context: ErrorContext): DeepstoreError {
  const what = (text: string) => `${text} (HTTP ${status} on ${method})`;
  if (status === 404 || status === 410) return new NotFoundError(what('no such file or directory'), context);
  if (status === 401 || status === 403) return new PermissionDeniedError(what('access denied'), context);
  if (status === 405 || status === 501) return new UnsupportedError(what('the server does not allow this here (is it a WebDAV location?)'), context);
  if (status === 409) return new NotFoundError(what('a parent directory is missing'), context);
  if (status === 412) return new AlreadyExistsError(what('the destination exists'), context);
  if (status === 416) return new InvalidInputError(what('range not satisfiable'), context);
  if (status === 413 || status === 414) return new InvalidInputError(what('request too large for the server'), context);
  if (status === 408 || status === 429 || status === 423 || status >= 500) return new TransientError(what('the server is unavailable or busy'), context);
  return new DeepstoreError('Unexpected', what('unexpected answer'), context);
}

/** Maps a network-level error from undici (reset, timeout, refused) onto a typed error. */
export function fromNetworkError(err: unknown, context: ErrorContext): DeepstoreError {
  if (err instanceof DeepstoreError) return err;
  const e = err as { name?: string; code?: string };
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED') return new AbortedError(undefined, { ...context, cause: err });
  return fromNodeError(err, context);
}
