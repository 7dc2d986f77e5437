import {
  AlreadyExistsError,
  DeepstoreError,
  InvalidInputError,
  NotEmptyError,
  NotFoundError,
  PermissionDeniedError,
  TransientError,
  UnsupportedError,
  type ErrorContext,
} from '@deepstore/core';

/** The body WebHDFS sends with every failure. */
export interface RemoteException {
  exception?: string;
  javaClassName?: string;
  message?: string;
}

/** Maps a WebHDFS RemoteException (or a bare status) onto deepstore's typed errors. */
export function fromRemoteException(status: number, remote: RemoteException | undefined, ctx: ErrorContext): DeepstoreError {
  const name = remote?.exception ?? '';
  const what = (text: string) => `${text} (WebHDFS ${status}${name ? ` ${name}` : ''}${remote?.message ? `: ${remote.message}` : ''})`;
  switch (name) {
    case 'FileNotFoundException':
      return new NotFoundError(what('no such file or directory'), ctx);
    case 'AccessControlException':
    case 'SecurityException':
    case 'InvalidToken':
    case 'AuthorizationException':
      return new PermissionDeniedError(what('access denied'), ctx);
    case 'FileAlreadyExistsException':
      return new AlreadyExistsError(what('already exists'), ctx);
    case 'PathIsNotEmptyDirectoryException':
      return new NotEmptyError(what('directory is not empty (use force to delete it with its contents)'), ctx);
    case 'ParentNotDirectoryException':
      return new InvalidInputError(what('a path component is a file, not a directory'), ctx);
    case 'IllegalArgumentException':
    case 'InvalidPathException':
    case 'HadoopIllegalArgumentException':
      return new InvalidInputError(what('refused'), ctx);
    case 'UnsupportedOperationException':
      return new UnsupportedError(what('not supported by this server'), ctx);
    case 'StandbyException':
    case 'SafeModeException':
    case 'RetriableException':
    case 'ObserverRetryOnActiveException':
      return new TransientError(what('the namenode cannot serve this now'), ctx);
    default:
      if (status === 404) return new NotFoundError(what('no such file or directory'), ctx);
      if (status === 401 || status === 403) return new PermissionDeniedError(what('access denied'), ctx);
      if (status === 408 || status === 429 || status >= 500) return new TransientError(what('the server is unavailable'), ctx);
      return new DeepstoreError('Unexpected', what('unexpected answer'), ctx);
  }
}

/** True for the answer a standby namenode gives: try the other one. */
export function isStandby(err: unknown): boolean {
  return /StandbyException/.test((err as Error | undefined)?.message ?? '');
}
