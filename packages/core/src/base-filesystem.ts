import { mkdir, readdir, stat as localStat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { forEachLimit } from './concurrency.js';
import {
  AbortedError,
  AlreadyExistsError,
  DeepstoreError,
  InvalidInputError,
  NotFoundError,
  isErrorKind,
  throwIfAborted,
} from './errors.js';
import { LOCAL_CHUNK, syncDir, writeFileAtomic } from './local-files.js';
import { fromNodeError } from './node-errors.js';
import { AggregateProgress } from './progress.js';
import type {
  Capabilities,
  CopyOptions,
  DeleteOptions,
  FileMetadata,
  FsConfig,
  ListOptions,
  MoveOptions,
  OperationOptions,
  PinotFS,
  ReadOptions,
  TransferOptions,
  UriLike,
  WriteOptions,
  WriteSource,
} from './types.js';
import { isSameOrUnder, joinUri, redactUri, relativePath, sameUri, toUrl } from './uri.js';

/** Files moved at once by tree operations (copy of a directory, copyToLocal/FromLocal of a tree). */
export const DEFAULT_TREE_CONCURRENCY = 4;
/** downloadFile's options: a tree copy passes `syncDirectory: false` and syncs each directory once at the end. */
export type DownloadFileOptions = TransferOptions & { syncDirectory?: boolean };

/**
 * Shared behaviour for adapters: argument checks and PinotFS semantics live here once, so an
 * adapter implements only the store-specific primitives (stat, list, read, write, delete, mkdir,
 * touch) and overrides the rest where its store does better (rename, server-side copy).
 */
export abstract class BaseFileSystem implements PinotFS {
  abstract readonly schemes: readonly string[];
  abstract readonly capabilities: Capabilities;
  protected treeConcurrency = DEFAULT_TREE_CONCURRENCY;

  async init(_config: FsConfig): Promise<void> {
    // Adapters with settings override this.
  }

  abstract mkdir(uri: UriLike, options?: OperationOptions): Promise<void>;
  abstract delete(uri: UriLike, options?: DeleteOptions): Promise<boolean>;
  abstract stat(uri: UriLike, options?: OperationOptions): Promise<FileMetadata>;
  abstract listWithMetadata(uri: UriLike, options?: ListOptions): Promise<FileMetadata[]>;
  abstract openRead(uri: UriLike, options?: ReadOptions): Promise<import('node:stream').Readable>;
  abstract write(uri: UriLike, data: WriteSource, options?: WriteOptions): Promise<void>;
  abstract touch(uri: UriLike, options?: OperationOptions): Promise<void>;

  async close(): Promise<void> {
    // Adapters holding connections override this.
  }

  async exists(uri: UriLike, options?: OperationOptions): Promise<boolean> {
    return (await this.statOrUndefined(uri, options)) !== undefined;
  }

  async isDirectory(uri: UriLike, options?: OperationOptions): Promise<boolean> {
    return (await this.statOrUndefined(uri, options))?.isDirectory ?? false;
  }

  async length(uri: UriLike, options?: OperationOptions): Promise<number> {
    const meta = await this.stat(uri, options);
    if (meta.isDirectory) throw new InvalidInputError('is a directory; length is defined for files only', { operation: 'length', uri });
    return meta.length;
  }

  async lastModified(uri: UriLike, options?: OperationOptions): Promise<number> {
    return (await this.stat(uri, options)).lastModified;
  }

  async list(uri: UriLike, options?: ListOptions): Promise<string[]> {
    return (await this.listWithMetadata(uri, options)).map((m) => m.uri);
  }

  /** stat that answers undefined instead of throwing NotFound. */
  protected async statOrUndefined(uri: UriLike, options?: OperationOptions): Promise<FileMetadata | undefined> {
    try {
      return await this.stat(uri, options);
    } catch (err) {
      if (isErrorKind(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  /** stat of a source operand: a missing source is reported against the calling operation. */
  protected async statSource(uri: UriLike, operation: string, options?: OperationOptions): Promise<FileMetadata> {
    const meta = await this.statOrUndefined(uri, options);
    if (!meta) throw new NotFoundError('source does not exist', { operation, uri });
    return meta;
  }

  async move(src: UriLike, dst: UriLike, options: MoveOptions = {}): Promise<void> {
    const ctx = { operation: 'move', uri: src };
    throwIfAborted(options.signal, ctx);
    const srcMeta = await this.statSource(src, 'move', options);
    if (sameUri(src, dst)) return;
    if (isSameOrUnder(src, dst)) throw new InvalidInputError(`cannot move into itself: ${redactUri(dst)}`, ctx);
    const dstMeta = await this.statOrUndefined(dst, options);
    if (dstMeta && !options.overwrite) {
      throw new AlreadyExistsError('destination exists (overwrite is off)', { operation: 'move', uri: dst });
    }
    await this.doMove(src, dst, srcMeta, dstMeta, options);
  }

  /**
   * Moves after the checks. The default is copy then delete, for stores without rename:
   * the source is removed only once the copy is complete.
   */
  protected async doMove(src: UriLike, dst: UriLike, _srcMeta: FileMetadata, _dstMeta: FileMetadata | undefined, options: MoveOptions): Promise<void> {
    await this.copy(src, dst, { ...options, overwrite: true });
    await this.delete(src, { force: true, ...(options.signal ? { signal: options.signal } : {}) });
  }

  async copy(src: UriLike, dst: UriLike, options: CopyOptions = {}): Promise<void> {
    const ctx = { operation: 'copy', uri: src };
    throwIfAborted(options.signal, ctx);
    const srcMeta = await this.statSource(src, 'copy', options);
    if (sameUri(src, dst)) throw new InvalidInputError(`source and destination are the same`, ctx);
    if (srcMeta.isDirectory && isSameOrUnder(src, dst)) throw new InvalidInputError(`cannot copy a directory into itself: ${redactUri(dst)}`, ctx);
    const dstMeta = await this.statOrUndefined(dst, options);
    if (dstMeta && options.overwrite === false) {
      throw new AlreadyExistsError('destination exists (overwrite is off)', { operation: 'copy', uri: dst });
    }
    if (dstMeta && dstMeta.isDirectory !== srcMeta.isDirectory) {
      // Replacing a tree by a file (or back) would mean deleting first: refuse rather than risk the data.
      throw new AlreadyExistsError(`destination is a ${dstMeta.isDirectory ? 'directory' : 'file'} and the source is not`, { operation: 'copy', uri: dst });
    }
    if (!srcMeta.isDirectory) {
      await this.copyFile(src, dst, srcMeta, options);
      return;
    }
    await this.copyTree(src, dst, dstMeta, options);
  }

  /** Copies one file inside this store. The default streams it through this process. */
  protected async copyFile(src: UriLike, dst: UriLike, srcMeta: FileMetadata, options: TransferOptions): Promise<void> {
    const stream = await this.openRead(src, signalOf(options));
    await this.write(dst, stream, { ...options, size: srcMeta.length });
  }

  /**
   * Copies a directory tree. If the destination existed, the result replaces it: files are
   * copied over first, then entries the source lacks are deleted, so there is no moment at
   * which the destination holds neither the old nor the new data.
   */
  protected async copyTree(src: UriLike, dst: UriLike, dstMeta: FileMetadata | undefined, options: CopyOptions): Promise<void> {
    const entries = await this.listWithMetadata(src, { recursive: true, ...signalOf(options) });
    await this.mkdir(dst, signalOf(options));
    const files = entries.filter((e) => !e.isDirectory);
    const total = files.reduce((n, f) => n + f.length, 0);
    const progress = new AggregateProgress(options.onProgress, total);
    for (const dir of entries.filter((e) => e.isDirectory)) {
      await this.mkdir(joinUri(dst, relOrThrow(src, dir.uri)), signalOf(options));
    }
    await forEachLimit(
      files,
      this.treeConcurrency,
      async (f) => {
        const rel = relOrThrow(src, f.uri);
        const onProgress = progress.forFile(rel);
        await this.copyFile(f.uri, joinUri(dst, rel), f, { ...signalOf(options), ...(onProgress ? { onProgress } : {}) });
        progress.fileDone(rel, f.length);
      },
      options.signal,
    );
    if (dstMeta?.isDirectory) {
      const keep = new Set(entries.map((e) => relOrThrow(src, e.uri)));
      const existing = await this.listWithMetadata(dst, { recursive: true, ...signalOf(options) });
      // Deepest first, so a stale directory is deleted after its stale children.
      for (const e of existing.reverse()) {
        const rel = relOrThrow(dst, e.uri);
        if (!keep.has(rel)) await this.delete(e.uri, { force: true, ...signalOf(options) });
      }
    }
  }

  async copyToLocal(src: UriLike, localPath: string, options: TransferOptions = {}): Promise<void> {
    const target = path.resolve(localPath);
    throwIfAborted(options.signal, { operation: 'copyToLocal', uri: src });
    const meta = await this.statSource(src, 'copyToLocal', options);
    if (!meta.isDirectory) {
      await this.downloadFile(src, target, meta.length, options);
      return;
    }
    const entries = await this.listWithMetadata(src, { recursive: true, ...signalOf(options) });
    const files = entries.filter((e) => !e.isDirectory);
    const progress = new AggregateProgress(options.onProgress, files.reduce((n, f) => n + f.length, 0));
    try {
      await mkdir(target, { recursive: true });
      for (const d of entries.filter((e) => e.isDirectory)) await mkdir(path.join(target, safeRelative(src, d.uri)), { recursive: true });
    } catch (err) {
      throw fromNodeError(err, { operation: 'copyToLocal', uri: target });
    }
    const dirs = new Set<string>();
    await forEachLimit(
      files,
      this.treeConcurrency,
      async (f) => {
        const rel = safeRelative(src, f.uri);
        const onProgress = progress.forFile(rel);
        const file = path.join(target, rel);
        dirs.add(path.dirname(file));
        // Each file's data is synced before its rename; its directory once, below.
        await this.downloadFile(f.uri, file, f.length, { ...signalOf(options), ...(onProgress ? { onProgress } : {}), syncDirectory: false });
        progress.fileDone(rel, f.length);
      },
      options.signal,
    );
    await forEachLimit([...dirs], this.treeConcurrency, (d) => syncDir(d), options.signal);
  }

  /** Downloads one file to a local path, all-or-nothing. */
  protected async downloadFile(src: UriLike, target: string, size: number, options: DownloadFileOptions): Promise<void> {
    const stream = await this.openRead(src, signalOf(options));
    await writeFileAtomic(target, stream, { ...options, size, uri: redactUri(toUrl(src)), operation: 'copyToLocal' });
  }

  async copyFromLocal(localPath: string, dst: UriLike, options: TransferOptions = {}): Promise<void> {
    const source = path.resolve(localPath);
    const ctx = { operation: 'copyFromLocal', uri: source };
    throwIfAborted(options.signal, ctx);
    let st;
    try {
      st = await localStat(source);
    } catch (err) {
      throw fromNodeError(err, ctx);
    }
    if (!st.isDirectory()) {
      await this.uploadFile(source, dst, st.size, options);
      return;
    }
    const { dirs, files } = await walkLocal(source, options.signal);
    const progress = new AggregateProgress(options.onProgress, files.reduce((n, f) => n + f.size, 0));
    // Into a destination that did not exist, no upload can meet an old file or directory:
    // adapters may then skip their per-file checks (a request or two each on object stores).
    const fresh = !(await this.exists(dst, signalOf(options)));
    await this.mkdir(dst, signalOf(options));
    // Writes create their parents; only directories with nothing below them need a mkdir.
    for (const d of leafDirectories(dirs, files.map((f) => f.rel))) await this.mkdir(joinUri(dst, d), signalOf(options));
    await forEachLimit(
      files,
      this.treeConcurrency,
      async (f) => {
        const onProgress = progress.forFile(f.rel);
        await this.uploadFile(path.join(source, f.rel), joinUri(dst, f.rel), f.size, { ...signalOf(options), ...(onProgress ? { onProgress } : {}) }, fresh);
        progress.fileDone(f.rel, f.size);
      },
      options.signal,
    );
  }

  /**
   * Uploads one local file. `fresh` says the whole destination tree was created by this
   * operation, so nothing can be in the way of `dst`.
   */
  protected async uploadFile(source: string, dst: UriLike, size: number, options: TransferOptions, _fresh = false): Promise<void> {
    await this.write(dst, createReadStream(source, { highWaterMark: LOCAL_CHUNK }), { ...options, size });
  }

  openWrite(uri: UriLike, options: WriteOptions = {}): Writable {
    const pipe = new PassThrough({ highWaterMark: LOCAL_CHUNK });
    // Failures reach the caller through the writable; the upload sees the destroyed pipe.
    pipe.on('error', () => undefined);
    // Assigned right after the stream exists; its callbacks run only later.
    const upload: { settled?: Promise<void> } = {};
    const writable = new Writable({
      highWaterMark: LOCAL_CHUNK,
      write(chunk: Buffer, _enc, cb) {
        if (pipe.write(chunk)) cb();
        else pipe.once('drain', () => cb());
      },
      final(cb) {
        pipe.end();
        upload.settled?.then(() => cb(), cb);
      },
      destroy(err, cb) {
        // Ending the stream early must not publish a truncated file: fail the upload.
        if (!pipe.writableFinished) pipe.destroy(err ?? new AbortedError('write stream destroyed before it finished', { operation: 'openWrite', uri }));
        cb(err);
      },
    });
    upload.settled = this.write(uri, pipe, options);
    upload.settled.catch((err: unknown) => writable.destroy(err instanceof Error ? err : new DeepstoreError('Unexpected', String(err))));
    return writable;
  }
}

export function signalOf(options: OperationOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}

function relOrThrow(root: UriLike, child: string): string {
  const rel = relativePath(root, child);
  if (rel === undefined) throw new DeepstoreError('Unexpected', `listing returned an entry outside the directory: ${redactUri(child)}`, { uri: root });
  return rel;
}

/** A listed entry's relative path, refused if it would climb out of the local target. */
function safeRelative(root: UriLike, child: string): string {
  const rel = relOrThrow(root, child);
  if (rel.split('/').some((s) => s === '..' || s === '.' || s === '') || path.isAbsolute(rel)) {
    throw new InvalidInputError(`refusing entry that would escape the target directory: ${JSON.stringify(rel)}`, { operation: 'copyToLocal', uri: child });
  }
  return rel;
}

/** Directories of a tree that hold no file and no other directory (`a/b` for dirs `a`, `a/b`). */
function leafDirectories(dirs: string[], files: string[]): string[] {
  const covered = new Set<string>();
  for (const p of [...dirs, ...files]) {
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) covered.add(p.slice(0, i));
  }
  return dirs.filter((d) => !covered.has(d));
}

interface LocalFile {
  rel: string;
  size: number;
}

/** Lists a local tree: directories (parents first) and regular files, as `/`-separated relative paths. */
export async function walkLocal(root: string, signal?: AbortSignal): Promise<{ dirs: string[]; files: LocalFile[] }> {
  const dirs: string[] = [];
  const files: LocalFile[] = [];
  const visit = async (rel: string): Promise<void> => {
    throwIfAborted(signal, { operation: 'copyFromLocal', uri: root });
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      throw fromNodeError(err, { operation: 'copyFromLocal', uri: path.join(root, rel) });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(root, childRel);
      // Symlinks are followed to files; linked directories are not walked (no cycles, no escapes).
      const st = e.isSymbolicLink() ? await localStat(full).catch(() => undefined) : undefined;
      if (e.isDirectory()) {
        dirs.push(childRel);
        await visit(childRel);
      } else if (e.isFile() || st?.isFile()) {
        files.push({ rel: childRel, size: st?.size ?? (await localStat(full)).size });
      }
    }
  };
  await visit('');
  return { dirs, files };
}
