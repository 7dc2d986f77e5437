import { fileURLToPath } from 'node:url';
import { signalOf } from './base-filesystem.js';
import { forEachLimit } from './concurrency.js';
import { AlreadyExistsError, InvalidInputError, NotFoundError, isErrorKind, throwIfAborted } from './errors.js';
import { AggregateProgress } from './progress.js';
import { defaultRegistry, type FileSystemRegistry } from './registry.js';
import type { FileMetadata, PinotFS, TransferOptions, UriLike } from './types.js';
import { isSameOrUnder, joinUri, redactUri, relativePath, sameUri, schemeOf, toUrl } from './uri.js';

export interface CopyAcrossOptions extends TransferOptions {
  registry?: FileSystemRegistry;
  /** Required to copy a directory. */
  recursive?: boolean;
  /** Replace existing files at the destination (default true). */
  overwrite?: boolean;
  /** Files in flight at once for directory copies (default 4). */
  concurrency?: number;
}

/**
 * Copies a file or a tree from any scheme to any scheme, streaming. Within one store it uses
 * the store's own copy (a local copy, a server-side copy); between stores bytes stream through
 * this process without being held in memory. `dst` is the full target path. A directory copy
 * writes every file of the source over the destination, keeping the destination's other files,
 * as `cp -r` does.
 */
export async function copyAcross(src: UriLike, dst: UriLike, options: CopyAcrossOptions = {}): Promise<void> {
  const registry = options.registry ?? defaultRegistry;
  const ctx = { operation: 'copy', uri: src };
  throwIfAborted(options.signal, ctx);
  const [srcFs, dstFs] = await Promise.all([registry.resolve(src), registry.resolve(dst)]);
  const srcMeta = await statOrUndefined(srcFs, src, options);
  if (!srcMeta) throw new NotFoundError('source does not exist', ctx);
  if (srcMeta.isDirectory && !options.recursive) throw new InvalidInputError('is a directory (copy it recursively)', ctx);
  if (sameUri(src, dst)) throw new InvalidInputError('source and destination are the same', ctx);
  if (srcMeta.isDirectory && isSameOrUnder(src, dst)) throw new InvalidInputError(`cannot copy a directory into itself: ${redactUri(dst)}`, ctx);
  const dstMeta = await statOrUndefined(dstFs, dst, options);
  if (dstMeta && options.overwrite === false) throw new AlreadyExistsError('destination exists (overwrite is off)', { operation: 'copy', uri: dst });
  if (dstMeta && dstMeta.isDirectory !== srcMeta.isDirectory) {
    throw new AlreadyExistsError(`destination is a ${dstMeta.isDirectory ? 'directory' : 'file'}, source is a ${srcMeta.isDirectory ? 'directory' : 'file'}`, {
      operation: 'copy',
      uri: dst,
    });
  }
  const transfer = { ...signalOf(options), ...(options.onProgress ? { onProgress: options.onProgress } : {}) };

  if (srcFs === dstFs && !srcMeta.isDirectory) return srcFs.copy(src, dst, { ...transfer, overwrite: true });
  if (schemeOf(src) === 'file' && srcFs !== dstFs) return dstFs.copyFromLocal(fileURLToPath(toUrl(src)), dst, transfer);
  if (schemeOf(dst) === 'file' && srcFs !== dstFs) return srcFs.copyToLocal(src, fileURLToPath(toUrl(dst)), transfer);
  if (!srcMeta.isDirectory) return streamFile(srcFs, src, dstFs, dst, srcMeta.length, transfer);

  const entries = await srcFs.listWithMetadata(src, { recursive: true, ...signalOf(options) });
  await dstFs.mkdir(dst, signalOf(options));
  for (const d of entries.filter((e) => e.isDirectory)) await dstFs.mkdir(joinUri(dst, rel(src, d)), signalOf(options));
  const files = entries.filter((e) => !e.isDirectory);
  const progress = new AggregateProgress(options.onProgress, files.reduce((n, f) => n + f.length, 0));
  await forEachLimit(
    files,
    options.concurrency ?? 4,
    async (f) => {
      const r = rel(src, f);
      const onProgress = progress.forFile(r);
      const fileOptions = { ...signalOf(options), ...(onProgress ? { onProgress } : {}) };
      // Within one store, let the store copy (server-side on object stores).
      if (srcFs === dstFs) await srcFs.copy(f.uri, joinUri(dst, r), { ...fileOptions, overwrite: true });
      else await streamFile(srcFs, f.uri, dstFs, joinUri(dst, r), f.length, fileOptions);
      progress.fileDone(r, f.length);
    },
    options.signal,
  );
}

async function streamFile(srcFs: PinotFS, src: UriLike, dstFs: PinotFS, dst: UriLike, size: number, options: TransferOptions): Promise<void> {
  const stream = await srcFs.openRead(src, signalOf(options));
  await dstFs.write(dst, stream, { ...options, size });
}

async function statOrUndefined(fs: PinotFS, uri: UriLike, options: TransferOptions): Promise<FileMetadata | undefined> {
  try {
    return await fs.stat(uri, signalOf(options));
  } catch (err) {
    if (isErrorKind(err, 'NotFound')) return undefined;
    throw err;
  }
}

function rel(root: UriLike, entry: FileMetadata): string {
  const r = relativePath(root, entry.uri);
  if (r === undefined) throw new InvalidInputError(`listing returned an entry outside the directory: ${redactUri(entry.uri)}`, { operation: 'copy', uri: root });
  return r;
}
