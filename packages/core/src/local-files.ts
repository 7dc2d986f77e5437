import { randomBytes } from 'node:crypto';
import { constants as fsc, createReadStream } from 'node:fs';
import { chmod, link, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AlreadyExistsError, asAbortedIfSignalled, throwIfAborted, type ErrorContext } from './errors.js';
import { withRetry } from './retry.js';
import { fromNodeError } from './node-errors.js';
import { ProgressReporter, progressStream } from './progress.js';
import type { Progress, WriteSource } from './types.js';

/** Bytes after which a long local write starts an fdatasync in the background. */
const SYNC_EVERY = 64 * 1024 * 1024;

/** Chunk size for local file streams: large chunks cut per-chunk overhead on big segment files. */
export const LOCAL_CHUNK = 1 << 20;

export function toReadable(data: WriteSource): Readable {
  if (data instanceof Readable) return data;
  if (typeof data === 'string' || data instanceof Uint8Array) return Readable.from([Buffer.from(data)], { objectMode: false });
  return Readable.from(data, { objectMode: false });
}

/** The byte size of in-memory data (a string or a buffer); undefined for streams. */
export function knownSize(data: WriteSource): number | undefined {
  if (typeof data === 'string') return Buffer.byteLength(data);
  return data instanceof Uint8Array ? data.length : undefined;
}

/**
 * Uploads a local file with `send`, reopening the file for each attempt: unlike a stream, a
 * file can be sent again, so transient failures retry the whole upload (full-jitter backoff).
 */
export async function retryLocalUpload(
  file: string,
  options: { attempts: number; signal?: AbortSignal | undefined; context: ErrorContext },
  send: (stream: Readable) => Promise<void>,
): Promise<void> {
  await withRetry(
    async () => {
      const stream = createReadStream(file, { highWaterMark: LOCAL_CHUNK });
      stream.on('error', () => undefined); // surfaced through send's reads
      await send(stream);
    },
    { attempts: options.attempts, ...(options.signal ? { signal: options.signal } : {}), context: options.context },
  );
}

/** A temp name next to `target`, hidden, short enough for NAME_MAX even for long target names. */
export function tempSibling(target: string): string {
  const base = Buffer.from(path.basename(target)).subarray(0, 180).toString().replace(/\uFFFD+$/, '');
  return path.join(path.dirname(target), `.${base}.${randomBytes(6).toString('hex')}.deepstore-tmp`);
}

export interface AtomicWriteOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  size?: number;
  /** With false an existing target is refused atomically (link(2) fails with EEXIST). Default true. */
  overwrite?: boolean;
  /** fsync the data before it becomes visible (default true). */
  fsync?: boolean;
  /** URI to name in errors and progress (defaults to the path). */
  uri?: string;
  operation?: string;
  /**
   * Also fsync the directory after the rename (default: as `fsync`). A caller writing many files
   * turns it off and syncs each directory once at the end (a tree copy): the data is still synced
   * before every rename, so a crash can lose a name, never leave a torn file.
   */
  syncDirectory?: boolean;
}

/** Below this size (when the caller knows it) the data is gathered and written in one call. */
const SMALL_WRITE = 256 * 1024;

/**
 * Writes a local file all-or-nothing: data goes to a hidden temp file beside the target,
 * is fsynced, then renamed into place. On any error or abort the temp file is removed and
 * the target is left as it was.
 */
export async function writeFileAtomic(target: string, data: WriteSource, options: AtomicWriteOptions = {}): Promise<void> {
  const context = { operation: options.operation ?? 'write', uri: options.uri ?? target };
  throwIfAborted(options.signal, context);
  const source = toReadable(data);
  // An error the source emits before the pipeline attaches must not become an uncaught exception;
  // the pipeline still sees the destroyed source and fails.
  source.on('error', () => undefined);
  let tmp: string | undefined;
  try {
    await mkdir(path.dirname(target), { recursive: true });
    tmp = tempSibling(target);
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o666);
    const reporter = new ProgressReporter(options.onProgress, options.size, options.uri);
    if (options.size !== undefined && options.size <= SMALL_WRITE) {
      // Small files (segment trees are full of them): no stream chain per file, one write and one sync.
      await writeSmall(fh, source, reporter, options);
    } else {
      await writeStreamed(fh, source, reporter, options);
    }
    // A replaced file keeps its permission bits, as an in-place rewrite would.
    const previous = await stat(target).catch(() => undefined);
    if (previous?.isFile()) await chmod(tmp, previous.mode & 0o7777);
    throwIfAborted(options.signal, context);
    if (options.overwrite === false) {
      // link() refuses an existing target atomically, unlike rename().
      await link(tmp, target);
      await unlink(tmp);
    } else {
      await rename(tmp, target);
    }
    tmp = undefined;
    if (options.fsync !== false && options.syncDirectory !== false) await syncDir(path.dirname(target));
  } catch (err) {
    source.destroy();
    if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
    const e = asAbortedIfSignalled(err, options.signal, context);
    if ((e as { code?: string }).code === 'EEXIST') throw new AlreadyExistsError('already exists (overwrite is off)', context);
    throw fromNodeError(e, context);
  }
}

/** Gathers a small source and writes it with one call; the handle is always closed. */
async function writeSmall(fh: FileHandle, source: Readable, reporter: ProgressReporter, options: AtomicWriteOptions): Promise<void> {
  try {
    let chunks: Buffer[] = [];
    let gathered = 0;
    let position = 0;
    const writeOut = async (): Promise<void> => {
      if (gathered === 0) return;
      await fh.write(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, gathered), 0, gathered, position);
      position += gathered;
      chunks = [];
      gathered = 0;
    };
    for await (const chunk of source) {
      options.signal?.throwIfAborted();
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(b);
      gathered += b.length;
      reporter.add(b.length);
      // More than the announced size (the object grew since it was listed): memory stays bounded.
      if (gathered > SMALL_WRITE) await writeOut();
    }
    options.signal?.throwIfAborted();
    await writeOut();
    if (options.fsync !== false) await fh.datasync();
    reporter.done();
  } finally {
    await fh.close();
  }
}

/** Streams a source into the file, syncing as it goes so the final fsync is short. */
async function writeStreamed(fh: FileHandle, source: Readable, reporter: ProgressReporter, options: AtomicWriteOptions): Promise<void> {
  // The stream owns the handle and closes it; `flush` fsyncs the data before the close.
  const out = fh.createWriteStream({ highWaterMark: LOCAL_CHUNK, flush: options.fsync !== false });
  // Large files: start flushing to disk while data still arrives, so the final fsync is short.
  let written = 0;
  let syncing: Promise<void> = Promise.resolve();
  const flusher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const before = written;
      written += chunk.length;
      if (options.fsync !== false && Math.floor(written / SYNC_EVERY) > Math.floor(before / SYNC_EVERY)) {
        syncing = syncing.then(() => fh.datasync()).catch(() => undefined);
      }
      cb(null, chunk);
    },
  });
  await pipeline(source, progressStream(reporter), flusher, out, options.signal ? { signal: options.signal } : {});
  await syncing;
}

/** fsyncs a directory so a rename in it survives a crash; filesystems that refuse it (some NFS) are tolerated. */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
    await fh.sync();
  } catch {
    // Best effort: durability of the directory entry, not correctness, depends on it.
  } finally {
    await fh?.close();
  }
}
