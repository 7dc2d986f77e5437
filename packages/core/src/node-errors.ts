import {
  AbortedError,
  AlreadyExistsError,
  DeepstoreError,
  InvalidInputError,
  NotEmptyError,
  NotFoundError,
  PermissionDeniedError,
  TransientError,
  UnsupportedError,
  type ErrorContext,
} from './errors.js';

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAGAIN',
  'EBUSY',
  'ESTALE', // NFS: the handle went stale, a retry re-resolves the path
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Maps an error from Node's fs or net layer (by its `code`) onto a deepstore error kind.
 * Errors that already are deepstore errors pass through unchanged.
 */
export function fromNodeError(err: unknown, context: ErrorContext): DeepstoreError {
  if (err instanceof DeepstoreError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const ctx = { ...context, cause: err };
  switch (code) {
    case 'ENOENT':
      return new NotFoundError('no such file or directory', ctx);
    case 'EEXIST':
      return new AlreadyExistsError('already exists', ctx);
    case 'ENOTEMPTY':
      return new NotEmptyError(undefined, ctx);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new PermissionDeniedError(`permission denied (${code})`, ctx);
    case 'EISDIR':
      return new InvalidInputError('is a directory, expected a file', ctx);
    case 'ENOTDIR':
      return new InvalidInputError('a path component is a file, not a directory', ctx);
    case 'ENAMETOOLONG':
      return new InvalidInputError('name too long', ctx);
    case 'ELOOP':
      return new InvalidInputError('too many levels of symbolic links', ctx);
    case 'EINVAL':
      return new InvalidInputError('invalid argument', ctx);
    case 'ENOSPC':
    case 'EDQUOT':
      return new DeepstoreError('Unexpected', `no space left (${code})`, ctx);
    case 'ENOTSUP':
    case 'EOPNOTSUPP':
    case 'EXDEV':
      return new UnsupportedError(`not supported by this filesystem (${code})`, ctx);
    case 'ABORT_ERR':
      return new AbortedError(undefined, ctx);
    default:
      if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return new TransientError(`transient failure (${code})`, ctx);
      if (err instanceof Error && err.name === 'AbortError') return new AbortedError(undefined, ctx);
      return new DeepstoreError('Unexpected', err instanceof Error ? err.message : String(err), ctx);
  }
}
