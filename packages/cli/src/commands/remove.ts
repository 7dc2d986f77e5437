import { NotEmptyError, NotFoundError, isErrorKind } from '@deepstore/core';
import { fsFor, type CommandContext } from '../context.js';

export interface RmOptions {
  recursive?: boolean;
}

/**
 * `rm [-r] URI`: deletes a file or an empty directory; a non-empty directory needs -r.
 * Deleting something that is not there is an error.
 */
export async function rm(ctx: CommandContext, uri: string, options: RmOptions): Promise<void> {
  const fs = await fsFor(ctx, uri);
  let deleted: boolean;
  try {
    deleted = await fs.delete(uri, { force: options.recursive === true, signal: ctx.signal });
  } catch (err) {
    if (options.recursive !== true && isErrorKind(err, 'NotEmpty')) {
      throw new NotEmptyError('directory is not empty (use rm -r to delete it with everything under it)', { operation: 'rm', uri, cause: err });
    }
    throw err;
  }
  if (!deleted) throw new NotFoundError('no such file or directory', { operation: 'rm', uri });
}

/** `mkdir URI`: creates a directory and its missing parents; succeeds if it already exists. */
export async function mkdir(ctx: CommandContext, uri: string): Promise<void> {
  const fs = await fsFor(ctx, uri);
  await fs.mkdir(uri, { signal: ctx.signal });
}
