import { constants as fsc, createReadStream, type Stats } from 'node:fs';
import { copyFile, lstat, mkdir, open, opendir, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  AlreadyExistsError,
  BaseFileSystem,
  InvalidInputError,
  LOCAL_CHUNK,
  NotEmptyError,
  NotFoundError,
  ProgressReporter,
  asAbortedIfSignalled,
  redactUri,
  syncDir,
  tempSibling,
  parseUri,
  throwIfAborted,
  toUrl,
  validateRange,
  uriFromPath,
  writeFileAtomic,
  type Capabilities,
  type DeleteOptions,
  type FileMetadata,
  type FsConfig,
  type ListOptions,
  type MoveOptions,
  type OperationOptions,
  type ReadOptions,
  type TransferOptions,
  type UriLike,
  type WriteOptions,
  type WriteSource,
} from '@deepstore/core';
import { DEFAULT_LOCAL_CONFIG, parseLocalConfig, type LocalFsConfig } from './config.js';
import { toLocalError } from './errors.js';

const CAPABILITIES: Capabilities = Object.freeze({
  read: true,
  write: true,
  list: true,
  rangedRead: true,
  atomicWrite: true,
  atomicRename: true,
  serverSideCopy: true,
  nativeRecursiveList: false,
  emptyDirectories: true,
  touchUpdatesMtime: true,
});

/**
 * Local disks and NFS mounts (`file:` URIs and plain paths).
 *
 * Writes land in a hidden temp file beside the target, are fsynced and renamed into place, so
 * a reader never sees half a file. Moves are renames (copy + delete across devices).
 * Symlinks: reads and listings follow them (a linked directory is walked once, cycles are cut);
 * delete and move act on the link itself, never on its target.
 */
export class LocalFileSystem extends BaseFileSystem {
  readonly schemes = ['file'] as const;
  readonly capabilities = CAPABILITIES;
  private settings: LocalFsConfig = { ...DEFAULT_LOCAL_CONFIG };

  override async init(config: FsConfig): Promise<void> {
    this.settings = parseLocalConfig(config);
    this.treeConcurrency = this.settings.treeConcurrency;
  }

  async mkdir(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const p = toPath(uri, 'mkdir');
    throwIfAborted(options.signal, { operation: 'mkdir', uri });
    try {
      await mkdir(p, { recursive: true });
    } catch (err) {
      throw toLocalError(err, { operation: 'mkdir', uri });
    }
  }

  async delete(uri: UriLike, options: DeleteOptions = {}): Promise<boolean> {
    const p = toPath(uri, 'delete');
    const ctx = { operation: 'delete', uri };
    throwIfAborted(options.signal, ctx);
    if (p === path.parse(p).root) throw new InvalidInputError('refusing to delete a filesystem root', ctx);
    let st: Stats;
    try {
      st = await lstat(p);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return false;
      throw toLocalError(err, ctx);
    }
    try {
      if (!st.isDirectory()) {
        await unlink(p);
        return true;
      }
      if (!options.force && (await readdir(p)).length > 0) throw new NotEmptyError(undefined, ctx);
      await rm(p, { recursive: true, force: true });
      return true;
    } catch (err) {
      throw toLocalError(err, ctx);
    }
  }

  async stat(uri: UriLike, options: OperationOptions = {}): Promise<FileMetadata> {
    const p = toPath(uri, 'stat');
    throwIfAborted(options.signal, { operation: 'stat', uri });
    try {
      return metadata(p, await stat(p));
    } catch (err) {
      throw toLocalError(err, { operation: 'stat', uri });
    }
  }

  async listWithMetadata(uri: UriLike, options: ListOptions = {}): Promise<FileMetadata[]> {
    const root = toPath(uri, 'list');
    const ctx = { operation: 'list', uri };
    let rootStat: Stats;
    try {
      rootStat = await stat(root);
    } catch (err) {
      throw toLocalError(err, ctx);
    }
    if (!rootStat.isDirectory()) throw new InvalidInputError('is a file, not a directory', ctx);
    const out: FileMetadata[] = [];
    const seen = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
    const walk = async (dir: string): Promise<void> => {
      throwIfAborted(options.signal, ctx);
      let handle;
      try {
        handle = await opendir(dir, { bufferSize: 256 });
      } catch (err) {
        throw toLocalError(err, { operation: 'list', uri: pathToFileURL(dir) });
      }
      const subdirs: string[] = [];
      for await (const entry of handle) {
        const full = path.join(dir, entry.name);
        let st: Stats;
        try {
          st = entry.isSymbolicLink() ? await stat(full) : await lstat(full);
        } catch (err) {
          const code = (err as { code?: string }).code;
          // Gone since readdir, or a dangling symlink: there is nothing to list.
          if (code === 'ENOENT' || code === 'ELOOP') continue;
          throw toLocalError(err, { operation: 'list', uri: pathToFileURL(full) });
        }
        if (!st.isFile() && !st.isDirectory()) continue; // sockets, FIFOs, devices are not data
        out.push(metadata(full, st));
        if (options.recursive && st.isDirectory()) {
          const id = `${st.dev}:${st.ino}`;
          if (!seen.has(id)) {
            seen.add(id);
            subdirs.push(full);
          }
        }
      }
      for (const d of subdirs) await walk(d);
    };
    await walk(root);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async openRead(uri: UriLike, options: ReadOptions = {}): Promise<Readable> {
    const p = toPath(uri, 'openRead');
    const ctx = { operation: 'openRead', uri };
    throwIfAborted(options.signal, ctx);
    const { offset = 0, length } = options;
    validateRange(offset, length, ctx);
    let fh;
    try {
      fh = await open(p, fsc.O_RDONLY);
      const st = await fh.stat();
      if (st.isDirectory()) throw new InvalidInputError('is a directory, expected a file', ctx);
      if (offset > st.size) throw new InvalidInputError(`offset ${offset} is past the end of the file (${st.size} bytes)`, ctx);
    } catch (err) {
      await fh?.close();
      throw toLocalError(err, ctx);
    }
    // Reading from the opened handle: a rename over the path after this point cannot switch files mid-read.
    const end = length === undefined ? undefined : offset + length - 1;
    if (length === 0) {
      await fh.close();
      return Readable.from([], { objectMode: false });
    }
    return createReadStream('', {
      fd: fh,
      start: offset,
      ...(end !== undefined ? { end } : {}),
      highWaterMark: LOCAL_CHUNK,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async write(uri: UriLike, data: WriteSource, options: WriteOptions = {}): Promise<void> {
    const p = toPath(uri, 'write');
    const ctx = { operation: 'write', uri };
    const existing = await stat(p).catch(() => undefined);
    if (existing?.isDirectory()) throw new InvalidInputError('is a directory; cannot write a file over it', ctx);
    if (existing && options.overwrite === false) throw new AlreadyExistsError('already exists (overwrite is off)', ctx);
    await writeFileAtomic(p, data, { ...options, fsync: this.settings.fsync, uri: redactUri(toUrl(uri)), operation: 'write' });
  }

  async touch(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const p = toPath(uri, 'touch');
    const ctx = { operation: 'touch', uri };
    throwIfAborted(options.signal, ctx);
    try {
      await mkdir(path.dirname(p), { recursive: true });
      // O_CREAT without O_TRUNC: creates an empty file, never truncates one that appeared meanwhile.
      const fh = await open(p, fsc.O_WRONLY | fsc.O_CREAT, 0o666).catch(async (err: unknown) => {
        if ((err as { code?: string }).code === 'EISDIR') return undefined; // a directory: just bump its time
        throw err;
      });
      await fh?.close();
      const now = new Date();
      await utimes(p, now, now);
    } catch (err) {
      throw toLocalError(err, ctx);
    }
  }

  protected override async doMove(src: UriLike, dst: UriLike, srcMeta: FileMetadata, dstMeta: FileMetadata | undefined, options: MoveOptions): Promise<void> {
    const from = toPath(src, 'move');
    const to = toPath(dst, 'move');
    const ctx = { operation: 'move', uri: src };
    try {
      await mkdir(path.dirname(to), { recursive: true });
      if (!dstMeta || (!srcMeta.isDirectory && !dstMeta.isDirectory)) {
        // rename(2) replaces a file atomically.
        await rename(from, to);
      } else {
        await replaceByRename(from, to);
      }
      if (this.settings.fsync) await syncDir(path.dirname(to));
    } catch (err) {
      if ((err as { code?: string }).code === 'EXDEV') {
        await super.doMove(src, dst, srcMeta, dstMeta, options);
        return;
      }
      throw toLocalError(err, ctx);
    }
  }

  protected override async copyFile(src: UriLike, dst: UriLike, srcMeta: FileMetadata, options: TransferOptions): Promise<void> {
    const from = toPath(src, 'copy');
    const to = toPath(dst, 'copy');
    const ctx = { operation: 'copy', uri: src };
    throwIfAborted(options.signal, ctx);
    let tmp: string | undefined;
    const reporter = new ProgressReporter(options.onProgress, srcMeta.length, redactUri(toUrl(dst)));
    let poll: NodeJS.Timeout | undefined;
    try {
      await mkdir(path.dirname(to), { recursive: true });
      tmp = tempSibling(to);
      if (options.onProgress) {
        // The kernel copies without telling us how far it got: watch the temp file grow.
        const t = tmp;
        poll = setInterval(() => void stat(t).then((s) => reporter.set(s.size), () => undefined), 200);
      }
      // copy_file_range/reflink inside the kernel: no bytes pass through JavaScript.
      await copyFile(from, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE);
      throwIfAborted(options.signal, ctx);
      const fh = await open(tmp, fsc.O_RDONLY);
      try {
        const previous = await stat(to).catch(() => undefined);
        if (previous?.isFile()) await fh.chmod(previous.mode & 0o7777);
        if (this.settings.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, to);
      tmp = undefined;
      if (this.settings.fsync) await syncDir(path.dirname(to));
      reporter.set(srcMeta.length);
      reporter.done();
    } catch (err) {
      throw toLocalError(asAbortedIfSignalled(err, options.signal, ctx), ctx);
    } finally {
      if (poll) clearInterval(poll);
      if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
    }
  }

  override async copyToLocal(src: UriLike, localPath: string, options: TransferOptions = {}): Promise<void> {
    await this.copy(src, pathToFileURL(path.resolve(localPath)), { ...options, overwrite: true });
  }

  override async copyFromLocal(localPath: string, dst: UriLike, options: TransferOptions = {}): Promise<void> {
    const from = pathToFileURL(path.resolve(localPath));
    if (!(await this.exists(from, options))) throw new NotFoundError('source does not exist', { operation: 'copyFromLocal', uri: from });
    await this.copy(from, dst, { ...options, overwrite: true });
  }
}

/** Converts a `file:` URI or a plain path to an absolute local path without a trailing slash. */
export function toPath(uri: UriLike, operation: string): string {
  const url = parseUri(uri, operation);
  if (url.protocol !== 'file:') throw new InvalidInputError(`not a local path or file: URI`, { operation, uri: url });
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    throw new InvalidInputError(`file: URIs with a host (${url.hostname}) are not local; mount the share and use its path`, { operation, uri: url });
  }
  url.hostname = '';
  url.search = '';
  url.hash = '';
  let p: string;
  try {
    p = fileURLToPath(url);
  } catch (err) {
    throw new InvalidInputError((err as Error).message, { operation, uri: url });
  }
  p = path.resolve(p);
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function metadata(p: string, st: Stats): FileMetadata {
  return {
    uri: uriFromPath('file', '', p),
    isDirectory: st.isDirectory(),
    length: st.isDirectory() ? 0 : st.size,
    lastModified: Math.floor(st.mtimeMs),
  };
}

/**
 * Replaces `to` with `from` where a plain rename cannot (a directory is involved): `to` is
 * renamed aside, `from` into place, then the old one deleted. If the second rename fails the
 * old `to` is put back, so a failure never loses the destination.
 */
async function replaceByRename(from: string, to: string): Promise<void> {
  const aside = path.join(path.dirname(to), `.${path.basename(to).slice(0, 180)}.${randomBytes(6).toString('hex')}.deepstore-old`);
  await rename(to, aside);
  try {
    await rename(from, to);
  } catch (err) {
    await rename(aside, to).catch(() => undefined);
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}
