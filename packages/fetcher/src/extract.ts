import { unsafeEntryReason } from '@deepstore/core';
import { constants as fsc, createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import {
  AbortedError,
  DeepstoreError,
  InvalidInputError,
  TransientError,
  UnsupportedError,
  fromNodeError,
  type ErrorContext,
} from '@deepstore/core';
import { UnsafeArchiveError } from './errors.js';

export interface ExtractLimits {
  /** Refuse when the files' sizes add up to more than this (a decompression bomb). */
  maxBytes: number;
  /** Refuse when the archive has more entries than this. */
  maxEntries: number;
}

export interface ExtractOptions extends ExtractLimits {
  signal?: AbortSignal | undefined;
  ctx: ErrorContext;
}

/** Prefix of the hidden work directory made inside `destDir` while extracting. */
export const WORK_DIR_PREFIX = '.deepstore-untar-';

// The entry rules are core's, shared with @deepstore/segment's extraction.
export { unsafeEntryReason };

/**
 * Extracts a compressed tarball (gzip, as Pinot writes them, or zstd) read from `source` into
 * `destDir`, as the bytes arrive. Everything is written into a hidden work directory inside
 * `destDir` and renamed into place only once the whole archive is extracted, so a failure or an
 * abort leaves nothing behind. Entries that are links, devices or other special files, absolute,
 * or with `..` are refused, as are archives over the size or entry limits. An existing entry of
 * the same name in `destDir` is replaced. Returns the path of the first entry's top-level name
 * (the segment directory, for a Pinot tarball).
 */
export async function extractTarStream(source: Readable | AsyncIterable<Buffer>, destDir: string, options: ExtractOptions): Promise<string> {
  const { ctx, signal } = options;
  if (signal?.aborted) {
    if (source instanceof Readable) source.destroy();
    throw new AbortedError(undefined, ctx);
  }
  await mkdir(destDir, { recursive: true });
  const dest = await realpath(destDir);
  const work = await mkdtemp(path.join(dest, WORK_DIR_PREFIX));
  const root = path.join(work, 'x');
  await mkdir(root);
  const writer = new TarWriter(root, options);
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // Until the pipeline owns the source, an abort must still wake a read blocked on it.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      if (source instanceof Readable) source.destroy();
      reject(new AbortedError(undefined, ctx));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    // The codec is named by the first bytes, as Pinot's TarCompressionUtils detects it.
    let head: Buffer = Buffer.alloc(0);
    while (head.length < 4) {
      const r = await Promise.race([iterator.next(), aborted]);
      if (r.done) break;
      head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
    }
    if (head.length === 0) throw new InvalidInputError('the tarball is empty (0 bytes)', ctx);
    const codec = codecFor(head, ctx);
    async function* rest(): AsyncGenerator<Buffer> {
      yield head;
      for (;;) {
        const r = await iterator.next();
        if (r.done) return;
        yield r.value;
      }
    }
    await pipeline(rest, codec, writer, signal ? { signal } : {});
    await writer.settled();
    const top = writer.firstTop;
    if (top === undefined) throw new InvalidInputError('the tarball has no entries', ctx);
    if (top.startsWith(WORK_DIR_PREFIX)) throw new UnsafeArchiveError(`'${top}': reserved name`, ctx);
    if (signal?.aborted) throw new AbortedError(undefined, ctx);
    for (const name of await readdir(root)) await replaceInto(path.join(root, name), path.join(dest, name), work);
    return path.join(path.resolve(destDir), top);
  } catch (err) {
    writer.destroy();
    await writer.settled();
    throw asFetchError(err, signal, ctx);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (source instanceof Readable) source.destroy();
    else await iterator.return?.().catch(() => undefined);
    await rm(work, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Renames `from` onto `to`; an existing `to` is moved aside into `work` first (and removed with it). */
async function replaceInto(from: string, to: string, work: string): Promise<void> {
  const old = await lstat(to).catch(() => undefined);
  if (!old) {
    await rename(from, to);
    return;
  }
  const aside = path.join(work, `replaced-${path.basename(to)}`);
  await rename(to, aside);
  try {
    await rename(from, to);
  } catch (err) {
    await rename(aside, to).catch(() => undefined);
    throw err;
  }
}

function asFetchError(err: unknown, signal: AbortSignal | undefined, ctx: ErrorContext): unknown {
  if (signal?.aborted) return err instanceof AbortedError ? err : new AbortedError(undefined, { ...ctx, cause: err });
  if (err instanceof DeepstoreError) return err;
  const e = err as { code?: string; tarCode?: string; message?: string };
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return new TransientError(`the compressed tarball is corrupt or truncated (${e.message ?? e.code})`, { ...ctx, cause: err });
  }
  if (typeof e?.tarCode === 'string' || (typeof e?.code === 'string' && e.code.startsWith('TAR_'))) {
    return new TransientError(`not a valid tar archive (${e.message ?? e.code})`, { ...ctx, cause: err });
  }
  if (e?.code === 'ABORT_ERR') return new AbortedError(undefined, { ...ctx, cause: err });
  return fromNodeError(err, ctx);
}

function codecFor(head: Buffer, ctx: ErrorContext): Transform {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return zlib.createGunzip({ chunkSize: 256 * 1024 });
  const magic = head.length >= 4 ? head.readUInt32LE(0) : 0;
  if (magic === 0xfd2fb528) return zlib.createZstdDecompress({ chunkSize: 256 * 1024 });
  if (magic === 0x184d2204) throw new UnsupportedError('LZ4 tarballs (.tar.lz4) are not supported; use .tar.gz or .tar.zst', ctx);
  throw new InvalidInputError(`not a compressed tarball: the data starts with ${head.subarray(0, 4).toString('hex')}, neither gzip (1f8b) nor zstd (28b52ffd)`, ctx);
}

/** Writes tar entries under `root` as they stream by, refusing anything unsafe. */
class TarWriter extends Writable {
  firstTop: string | undefined;
  private readonly parser = new Parser({ strict: true, maxMetaEntrySize: 1 << 20 });
  private failure: Error | undefined;
  private pendingWrite: ((err?: Error | null) => void) | undefined;
  private pendingFinal: ((err?: Error | null) => void) | undefined;
  private readonly open = new Set<WriteStream>();
  private readonly closing = new Set<Promise<void>>();
  private readonly dirs = new Set<string>();
  private entries = 0;
  private declared = 0;
  private received = 0;

  constructor(
    private readonly root: string,
    private readonly options: ExtractOptions,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.dirs.add(root);
    this.parser.on('entry', (entry: ReadEntry) => this.onEntry(entry));
    this.parser.on('ignoredEntry', (entry: ReadEntry) => {
      entry.resume();
      this.fail(new UnsafeArchiveError(`'${entry.path}': entry type ${entry.type} is not allowed (only files and directories)`, options.ctx));
    });
    this.parser.on('error', (err: Error) => this.fail(err));
    this.parser.on('end', () => {
      void this.settled().then(() => {
        const cb = this.pendingFinal;
        this.pendingFinal = undefined;
        if (!cb) return;
        if (this.failure) cb(this.failure);
        else if (this.entries === 0) cb(new InvalidInputError('the tarball has no entries', options.ctx));
        else cb();
      });
    });
  }

  /** Resolves once every file stream opened so far is closed. */
  async settled(): Promise<void> {
    while (this.closing.size > 0) await Promise.allSettled([...this.closing]);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    this.received += chunk.length;
    // The files' bytes, plus headers, padding and long names (8 KiB an entry) and 1 MiB of slack:
    // anything beyond is no tar a segment writer makes, e.g. gigabytes of zeros after the end.
    const allowed = this.declared + this.entries * 8192 + (1 << 20);
    if (this.received > allowed + chunk.length) {
      this.fail(new UnsafeArchiveError(`the archive decompresses to more than its entries account for (${this.received} bytes for ${this.declared} bytes of files)`, this.options.ctx));
      return cb(this.failure);
    }
    const ok = this.parser.write(chunk);
    if (this.failure) return cb(this.failure);
    if (ok) return cb();
    this.pendingWrite = cb;
    this.parser.once('drain', () => {
      const pending = this.pendingWrite;
      this.pendingWrite = undefined;
      pending?.(this.failure ?? null);
    });
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    this.pendingFinal = cb;
    this.parser.end();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.failure) this.failure = err ?? new AbortedError(undefined, this.options.ctx);
    for (const out of this.open) out.destroy();
    cb(err);
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    for (const out of this.open) out.destroy();
    this.parser.abort(this.failure);
    const w = this.pendingWrite;
    const f = this.pendingFinal;
    this.pendingWrite = undefined;
    this.pendingFinal = undefined;
    if (w) w(this.failure);
    else if (f) f(this.failure);
    else this.destroy(this.failure);
  }

  private mkdirs(dir: string): void {
    if (this.dirs.has(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    for (let d = dir; d.length > this.root.length && !this.dirs.has(d); d = path.dirname(d)) this.dirs.add(d);
  }

  private onEntry(entry: ReadEntry): void {
    if (this.failure) {
      entry.resume();
      return;
    }
    const { ctx, maxBytes, maxEntries } = this.options;
    try {
      this.entries += 1;
      if (this.entries > maxEntries) throw new UnsafeArchiveError(`the archive has more than ${maxEntries} entries (untar.max.entries)`, ctx);
      const reason = unsafeEntryReason(entry.path, entry.type);
      if (reason) throw new UnsafeArchiveError(`refusing to extract '${entry.path}': ${reason}`, ctx);
      const parts = entry.path.split('/').filter((p) => p !== '' && p !== '.');
      if (parts.length === 0) {
        entry.resume();
        return;
      }
      const target = path.join(this.root, ...parts);
      if (!target.startsWith(this.root + path.sep)) throw new UnsafeArchiveError(`refusing to extract '${entry.path}': outside the target`, ctx);
      this.firstTop ??= parts[0];
      if (entry.type === 'Directory') {
        this.mkdirs(target);
        entry.resume();
        return;
      }
      this.declared += entry.size;
      if (this.declared > maxBytes) {
        throw new UnsafeArchiveError(`the archive's files add up to more than ${maxBytes} bytes (untar.max.bytes); refusing it as a possible decompression bomb`, ctx);
      }
      this.mkdirs(path.dirname(target));
      // O_NOFOLLOW: never write through a link, even one this extraction could not have made.
      const fd = openSync(target, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | fsc.O_NOFOLLOW, 0o644);
      const out = createWriteStream(target, { fd, highWaterMark: 1 << 20 });
      this.open.add(out);
      const closed = new Promise<void>((resolve) => {
        out.once('close', () => {
          this.open.delete(out);
          resolve();
        });
      });
      this.closing.add(closed);
      void closed.then(() => this.closing.delete(closed));
      out.on('error', (err) => this.fail(fromNodeError(err, ctx)));
      entry.on('error', (err: unknown) => this.fail(err));
      entry.pipe(out);
    } catch (err) {
      entry.resume();
      this.fail(err instanceof DeepstoreError ? err : fromNodeError(err, ctx));
    }
  }
}
