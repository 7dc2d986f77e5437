import { constants as fsc } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { forEachLimit } from './concurrency.js';
import { TransientError, asAbortedIfSignalled, type DeepstoreError, type ErrorContext } from './errors.js';
import { syncDir, tempSibling } from './local-files.js';
import { ProgressReporter } from './progress.js';
import { resumingChunks } from './resuming-read.js';
import type { Progress } from './types.js';

/** Bytes after which a download starts an fdatasync in the background. */
const SYNC_EVERY = 64 * 1024 * 1024;
/** Network chunks are small: gather this much per positional write. */
const WRITE_BATCH = 1 << 20;

export interface RangedDownloadOptions {
  /** Local file to create (atomically: temp file, fsync, rename). */
  target: string;
  /** Size of the remote file. */
  size: number;
  /** Bytes per ranged request. */
  partSize: number;
  /** Ranges in flight. */
  concurrency: number;
  /** Opens bytes `from`..`to` (inclusive) of the same version of the remote file. */
  openRange: (from: number, to: number) => Promise<Readable>;
  /** Attempts per range body (resumes from the first missing byte). */
  attempts: number;
  stallTimeout: number;
  classify: (err: unknown) => DeepstoreError;
  ctx: ErrorContext;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** URI named in progress reports. */
  uri?: string;
}

/**
 * Downloads a remote file with concurrent ranged requests written in place into a temporary
 * file beside the target, each range resuming on its own after a reset or stall; the file is
 * fsynced (flushing starts while data still arrives) and renamed into place. On any failure or
 * abort the temporary file is removed.
 */
export async function rangedDownload(options: RangedDownloadOptions): Promise<void> {
  const { target, size, ctx } = options;
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o666);
  const reporter = new ProgressReporter(options.onProgress, size, options.uri);
  let written = 0;
  let lastSync = 0;
  let syncing: Promise<void> = Promise.resolve();
  let ok = false;
  try {
    const ranges: Array<[number, number]> = [];
    for (let start = 0; start < size; start += options.partSize) ranges.push([start, Math.min(size, start + options.partSize) - 1]);
    await forEachLimit(
      ranges,
      options.concurrency,
      async ([start, end]) => {
        const body = resumingChunks(
          {
            start,
            end,
            open: (position) => options.openRange(position, end),
            attempts: options.attempts,
            stallTimeout: options.stallTimeout,
            ctx,
            classify: options.classify,
            ...(options.signal ? { signal: options.signal } : {}),
          },
          await options.openRange(start, end),
        );
        // An abort cuts the body being read, so the loop below ends at once with Aborted.
        const onAbort = () => body.interrupt();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        let pos = start;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async () => {
          if (pendingBytes === 0) return;
          // writev: the batch goes out without being copied into one buffer first.
          let done = 0;
          while (done < pendingBytes) {
            const { bytesWritten } = await fh.writev(done === 0 ? pending : remainingAfter(pending, done), pos + done);
            done += bytesWritten;
          }
          pos += pendingBytes;
          reporter.add(pendingBytes);
          written += pendingBytes;
          pending = [];
          pendingBytes = 0;
          if (written - lastSync >= SYNC_EVERY) {
            lastSync = written;
            syncing = syncing.then(() => fh.datasync()).catch(() => undefined);
          }
        };
        try {
          for await (const chunk of body) {
            pending.push(chunk);
            pendingBytes += chunk.length;
            if (pendingBytes >= WRITE_BATCH) await flush();
          }
          await flush();
        } finally {
          options.signal?.removeEventListener('abort', onAbort);
        }
        if (pos !== end + 1) throw new TransientError(`range ${start}-${end} ended after ${pos - start} bytes`, ctx);
      },
      options.signal,
    );
    await syncing;
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
    await syncDir(path.dirname(target));
    reporter.done();
    ok = true;
  } catch (err) {
    throw asAbortedIfSignalled(err, options.signal, ctx);
  } finally {
    if (!ok) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

/** The buffers of `list` from byte `offset` on (after a short writev). */
function remainingAfter(list: Buffer[], offset: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = offset;
  for (const b of list) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
