import { InvalidInputError, type ErrorContext } from './errors.js';
import type { UriLike } from './types.js';
import { decodedPath, toUrl } from './uri.js';

/** Parses a URI for an operation; a malformed one is an InvalidInputError naming the operation. */
export function parseUri(uri: UriLike, operation: string): URL {
  let url: URL;
  try {
    url = toUrl(uri);
  } catch (err) {
    throw new InvalidInputError((err as Error).message, { operation });
  }
  // Checked here once, so no adapter meets a URIError or a NUL deep in a path call.
  let path: string;
  try {
    path = decodedPath(url);
  } catch {
    throw new InvalidInputError('malformed percent-encoding in the path (a % must be followed by two hex digits of valid UTF-8)', { operation, uri: url });
  }
  if (path.includes('\0')) throw new InvalidInputError('the path contains a NUL byte (%00), which no store accepts in a name', { operation, uri: url });
  return url;
}

/** Checks the offset and length of a ranged read. */
export function validateRange(offset: number, length: number | undefined, ctx: ErrorContext): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError(`offset must be a non-negative integer, got ${offset}`, ctx);
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new InvalidInputError(`length must be a non-negative integer, got ${length}`, ctx);
  }
}

/**
 * Adds the directories implied by a key found in a recursive listing of an object store
 * (`a` and `a/b` for `a/b/c`), unless a marker already put them there.
 */
export function addImplicitParents<T>(entries: Map<string, T>, rel: string, makeDirectory: (relDir: string) => T): void {
  const parts = rel.replace(/\/$/, '').split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (!entries.has(dir)) entries.set(dir, makeDirectory(dir));
  }
}
