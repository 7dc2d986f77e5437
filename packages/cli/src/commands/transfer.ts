import {
  InvalidInputError,
  baseName,
  copyAcross,
  joinUri,
  type FileMetadata,
  type PinotFS,
} from '@deepstore/core';
import { fsFor, missingAs, progressSink, type CommandContext } from '../context.js';

export interface CpOptions {
  recursive?: boolean;
}

/**
 * `cp [-r] SRC DST`: copies a file, or a directory tree with -r, from any scheme to any scheme.
 * Like Unix cp, when DST is an existing directory or ends with `/`, the copy goes to
 * DST/<name of SRC>. Existing files are replaced. If a directory copy fails or is interrupted
 * and its target did not exist before, the partial target is removed.
 */
export async function cp(ctx: CommandContext, src: string, dst: string, options: CpOptions): Promise<void> {
  const [srcFs, dstFs] = await Promise.all([fsFor(ctx, src), fsFor(ctx, dst)]);
  const srcMeta = await statSource(srcFs, src, 'cp', ctx.signal);
  if (srcMeta.isDirectory && options.recursive !== true) {
    throw new InvalidInputError('is a directory (use cp -r to copy it with everything under it)', { operation: 'cp', uri: src });
  }
  const target = await targetOf(dstFs, src, dst, ctx.signal);
  await copyWithCleanup(ctx, src, srcMeta, target, dstFs);
}

/**
 * `mv SRC DST`: moves a file or a directory; DST is resolved as for cp. Within one scheme
 * this is the store's move (a rename where the store has one), replacing an existing target.
 * Across schemes it is a copy followed by deleting the source, which happens only once the
 * copy is complete.
 */
export async function mv(ctx: CommandContext, src: string, dst: string): Promise<void> {
  const [srcFs, dstFs] = await Promise.all([fsFor(ctx, src), fsFor(ctx, dst)]);
  const srcMeta = await statSource(srcFs, src, 'mv', ctx.signal);
  const target = await targetOf(dstFs, src, dst, ctx.signal);
  if (srcFs === dstFs) {
    const progress = progressSink(ctx);
    try {
      await srcFs.move(src, target, { overwrite: true, signal: ctx.signal, ...(progress ? { onProgress: progress.onProgress } : {}) });
    } finally {
      progress?.finish();
    }
    return;
  }
  await copyWithCleanup(ctx, src, srcMeta, target, dstFs);
  // The copy is complete: finish the move even if Ctrl-C comes now, so the data ends up in
  // exactly one complete place (a second Ctrl-C still ends the process).
  await srcFs.delete(src, { force: true });
}

/** Copies with copyAcross; on failure removes a directory target this copy created. */
async function copyWithCleanup(ctx: CommandContext, src: string, srcMeta: FileMetadata, target: string, dstFs: PinotFS): Promise<void> {
  const existed = srcMeta.isDirectory ? await dstFs.exists(target, { signal: ctx.signal }) : true;
  const progress = progressSink(ctx);
  try {
    await copyAcross(src, target, {
      registry: ctx.registry,
      recursive: srcMeta.isDirectory,
      overwrite: true,
      signal: ctx.signal,
      ...(progress ? { onProgress: progress.onProgress } : {}),
    });
  } catch (err) {
    // A file copy is all-or-nothing already; a tree copy is undone here. No signal: the
    // cleanup must run even though the operation was aborted.
    if (!existed) await dstFs.delete(target, { force: true }).catch(() => undefined);
    throw err;
  } finally {
    progress?.finish();
  }
}

/** Unix cp/mv target rule: into DST when DST is an existing directory or ends with a slash. */
async function targetOf(dstFs: PinotFS, src: string, dst: string, signal: AbortSignal): Promise<string> {
  if (dst.endsWith('/') || (await dstFs.isDirectory(dst, { signal }))) {
    const name = baseName(src);
    return name ? joinUri(dst, name) : dst;
  }
  return dst;
}

function statSource(fs: PinotFS, uri: string, operation: string, signal: AbortSignal): Promise<FileMetadata> {
  return fs.stat(uri, { signal }).catch(missingAs(operation, uri));
}
