import { AlreadyExistsError, InvalidInputError, fromNodeError, type DeepstoreError, type ErrorContext } from '@deepstore/core';

/**
 * Maps a Node fs error onto deepstore's typed errors, with messages that say what was in
 * the way for the operation at hand.
 */
export function toLocalError(err: unknown, context: ErrorContext): DeepstoreError {
  const code = (err as { code?: unknown } | null)?.code;
  const ctx = { ...context, cause: err };
  if (code === 'ENOTDIR' && (context.operation === 'list' || context.operation === 'listWithMetadata')) {
    return new InvalidInputError('is a file, not a directory', ctx);
  }
  if ((code === 'EEXIST' || code === 'ENOTDIR') && context.operation === 'mkdir') {
    return new AlreadyExistsError('a file is in the way of the directory', ctx);
  }
  return fromNodeError(err, context);
}
