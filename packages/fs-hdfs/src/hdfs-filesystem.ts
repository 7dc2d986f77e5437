import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import {
  AlreadyExistsError,
  BaseFileSystem,
  DeepstoreError,
  InvalidInputError,
  NotFoundError,
  ProgressReporter,
  TransientError,
  asAbortedIfSignalled,
  decodedPath,
  encodeSegment,
  fromNodeError,
  isErrorKind,
  parseUri,
  resumingRead,
  retryLocalUpload,
  throwIfAborted,
  toReadable,
  uriFromPath,
  validateRange,
  withRetry,
  type Capabilities,
  type DeleteOptions,
  type ErrorContext,
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
import { parseHdfsConfig, type HdfsFsConfig } from './config.js';
import { fromRemoteException, isStandby, type RemoteException } from './errors.js';

const CAPABILITIES: Capabilities = Object.freeze({
  read: true,
  write: true,
  list: true,
  rangedRead: true,
  // A new file appears whole (temp + RENAME), but WebHDFS RENAME cannot replace: replacing a
  // file is delete-then-rename, so a reader may briefly find no file (never half of one).
  atomicWrite: false,
  atomicRename: true,
  serverSideCopy: false,
  nativeRecursiveList: false,
  emptyDirectories: true,
  touchUpdatesMtime: true,
});

interface HdfsLocation {
  scheme: string;
  authority: string;
  /** Absolute HDFS path, decoded, without a trailing slash ('/' for the root). */
  path: string;
  namenodes: string[];
}

interface FileStatus {
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  modificationTime: number;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * HDFS over the WebHDFS REST API, for `hdfs://namenode:port/path` and `webhdfs://host:port/path`
 * URIs, on undici. Writes are CREATE to a temporary name (namenode, then the datanode it
 * redirects to: the body never goes to the namenode) followed by RENAME, so a partial file is
 * never visible under the target name. Two namenodes fail over on StandbyException.
 */
export class HdfsFileSystem extends BaseFileSystem {
  readonly schemes = ['hdfs', 'webhdfs'] as const;
  readonly capabilities = CAPABILITIES;
  private cfg: HdfsFsConfig = parseHdfsConfig({});
  private agent: Agent | undefined;
  /** Which namenode answered last, per namenode list, so failover sticks. */
  private readonly active = new Map<string, number>();

  override async init(config: FsConfig): Promise<void> {
    this.cfg = parseHdfsConfig(config);
    this.treeConcurrency = this.cfg.concurrency;
    await this.close();
  }

  override async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close();
  }

  private dispatcher(): Dispatcher {
    this.agent ??= new Agent({
      connect: { timeout: this.cfg.connectTimeout },
      headersTimeout: this.cfg.socketTimeout,
      bodyTimeout: this.cfg.socketTimeout,
      keepAliveTimeout: 10_000,
      connections: 64,
    });
    return this.agent;
  }

  private locate(uri: UriLike, operation: string): HdfsLocation {
    const url = parseUri(uri, operation);
    const scheme = url.protocol.slice(0, -1).toLowerCase();
    if (scheme !== 'hdfs' && scheme !== 'webhdfs') throw new InvalidInputError('not an hdfs: or webhdfs: URI', { operation, uri: url });
    if (url.username || url.password) throw new InvalidInputError('credentials in the URI are not accepted; use the user or delegationToken settings', { operation, uri: url });
    const path = `/${decodedPath(url).split('/').filter((s) => s !== '').join('/')}`;
    if (path.split('/').some((s) => s === '.' || s === '..')) throw new InvalidInputError('"." and ".." are not allowed in HDFS paths', { operation, uri: url });
    let namenodes = this.cfg.namenodes;
    if (namenodes.length === 0) {
      if (!url.hostname) throw new InvalidInputError('the URI names no namenode and the namenodes setting is empty', { operation, uri: url });
      const port = scheme === 'webhdfs' ? url.port || '9870' : String(this.cfg.httpPort);
      namenodes = [`http://${url.hostname}:${port}`];
    }
    return { scheme, authority: url.host, path, namenodes };
  }

  private uriOf(loc: HdfsLocation, path: string): string {
    return uriFromPath(loc.scheme, loc.authority, path);
  }

  private opUrl(namenode: string, path: string, op: string, params: Record<string, string | number | boolean>): URL {
    const url = new URL(`${namenode}/webhdfs/v1${path.split('/').map((s) => (s ? encodeSegment(s) : s)).join('/')}`);
    url.searchParams.set('op', op);
    if (this.cfg.delegationToken) url.searchParams.set('delegation', this.cfg.delegationToken);
    else if (this.cfg.user) url.searchParams.set('user.name', this.cfg.user);
    else if (process.env.HADOOP_USER_NAME) url.searchParams.set('user.name', process.env.HADOOP_USER_NAME);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    return url;
  }

  private async send(method: string, url: URL, ctx: ErrorContext, signal?: AbortSignal, body?: Readable | AsyncIterable<Buffer> | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
    throwIfAborted(signal, ctx);
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body: body as Readable } : {}), // undici also takes async iterables
        dispatcher: this.dispatcher(),
        ...(signal ? { signal } : {}),
      });
      const out = res.body as unknown as Readable;
      out.on('error', () => undefined);
      return { status: res.statusCode, headers: res.headers, body: out };
    } catch (err) {
      const e = asAbortedIfSignalled(err, signal, ctx);
      if (e instanceof DeepstoreError) throw e;
      throw fromNodeError(e, ctx);
    }
  }

  /** Reads a failure body and throws it as a typed error. */
  private async fail(res: Answer, ctx: ErrorContext): Promise<never> {
    const text = await readText(res.body);
    let remote: RemoteException | undefined;
    try {
      remote = (JSON.parse(text) as { RemoteException?: RemoteException }).RemoteException;
    } catch {
      remote = undefined;
    }
    throw fromRemoteException(res.status, remote, ctx);
  }

  /**
   * A namenode operation: tries the active namenode, fails over to the next one on
   * StandbyException or when it cannot be reached, and retries transient failures with jitter.
   */
  private async namenode(loc: HdfsLocation, method: string, op: string, params: Record<string, string | number | boolean>, ctx: ErrorContext, signal?: AbortSignal, path = loc.path): Promise<Answer> {
    const key = loc.namenodes.join(',');
    return withRetry(
      async () => {
        let lastError: unknown;
        const start = this.active.get(key) ?? 0;
        for (let i = 0; i < loc.namenodes.length; i++) {
          const index = (start + i) % loc.namenodes.length;
          let res: Answer;
          try {
            res = await this.send(method, this.opUrl(loc.namenodes[index]!, path, op, params), ctx, signal);
          } catch (err) {
            if (isErrorKind(err, 'Aborted')) throw err;
            lastError = err; // unreachable: try the other namenode
            continue;
          }
          if (res.status === 403) {
            const err = await this.fail(res, ctx).catch((e: unknown) => e);
            if (isStandby(err)) {
              lastError = err;
              continue;
            }
            throw err;
          }
          this.active.set(key, index);
          // Busy or failing: a typed, retryable error, so the retry loop tries again.
          if (res.status >= 500 || res.status === 429 || res.status === 408) await this.fail(res, ctx);
          return res;
        }
        throw lastError instanceof DeepstoreError ? lastError : new TransientError('no namenode is reachable', { ...ctx, cause: lastError });
      },
      { attempts: this.cfg.maxAttempts, ...(signal ? { signal } : {}), context: ctx },
    );
  }

  /** A namenode operation answered with JSON; non-2xx answers become typed errors. */
  private async json<T>(loc: HdfsLocation, method: string, op: string, params: Record<string, string | number | boolean>, ctx: ErrorContext, signal?: AbortSignal, path = loc.path): Promise<T> {
    const res = await this.namenode(loc, method, op, params, ctx, signal, path);
    if (res.status < 200 || res.status >= 300) await this.fail(res, ctx);
    const text = await readText(res.body);
    return (text ? JSON.parse(text) : {}) as T;
  }

  private async fileStatus(loc: HdfsLocation, ctx: ErrorContext, signal?: AbortSignal, path = loc.path): Promise<FileStatus | undefined> {
    try {
      return (await this.json<{ FileStatus: FileStatus }>(loc, 'GET', 'GETFILESTATUS', {}, ctx, signal, path)).FileStatus;
    } catch (err) {
      if (isErrorKind(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  async stat(uri: UriLike, options: OperationOptions = {}): Promise<FileMetadata> {
    const loc = this.locate(uri, 'stat');
    const ctx = { operation: 'stat', uri };
    const st = await this.fileStatus(loc, ctx, options.signal);
    if (!st) throw new NotFoundError(undefined, ctx);
    return toMeta(this.uriOf(loc, loc.path), st);
  }

  async listWithMetadata(uri: UriLike, options: ListOptions = {}): Promise<FileMetadata[]> {
    const loc = this.locate(uri, 'list');
    const ctx = { operation: 'list', uri };
    const out: FileMetadata[] = [];
    const visit = async (dir: string): Promise<void> => {
      const children = await this.listDirectory(loc, dir, ctx, options.signal);
      const subdirs: string[] = [];
      for (const st of children) {
        const child = dir === '/' ? `/${st.pathSuffix}` : `${dir}/${st.pathSuffix}`;
        out.push(toMeta(this.uriOf(loc, child), st));
        if (options.recursive && st.type === 'DIRECTORY') subdirs.push(child);
      }
      for (const d of subdirs) await visit(d);
    };
    const self = await this.fileStatus(loc, ctx, options.signal);
    if (!self) throw new NotFoundError(undefined, ctx);
    if (self.type !== 'DIRECTORY') throw new InvalidInputError('is a file, not a directory', ctx);
    await visit(loc.path);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  /** One directory's entries, paged with LISTSTATUS_BATCH (LISTSTATUS where the server lacks it). */
  private async listDirectory(loc: HdfsLocation, dir: string, ctx: ErrorContext, signal?: AbortSignal): Promise<FileStatus[]> {
    const out: FileStatus[] = [];
    let startAfter: string | undefined;
    for (;;) {
      let page: { DirectoryListing?: { partialListing?: { FileStatuses?: { FileStatus?: FileStatus[] } }; remainingEntries?: number } };
      try {
        page = await this.json(loc, 'GET', 'LISTSTATUS_BATCH', startAfter !== undefined ? { startAfter } : {}, ctx, signal, dir);
      } catch (err) {
        if (!isErrorKind(err, 'InvalidInput') || startAfter !== undefined) throw err;
        // An older server without LISTSTATUS_BATCH (Hadoop 2.x): one LISTSTATUS.
        const all = await this.json<{ FileStatuses?: { FileStatus?: FileStatus[] } }>(loc, 'GET', 'LISTSTATUS', {}, ctx, signal, dir);
        return all.FileStatuses?.FileStatus ?? [];
      }
      const entries = page.DirectoryListing?.partialListing?.FileStatuses?.FileStatus ?? [];
      out.push(...entries);
      if (!page.DirectoryListing?.remainingEntries || entries.length === 0) return out;
      startAfter = entries[entries.length - 1]!.pathSuffix;
    }
  }

  async mkdir(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const loc = this.locate(uri, 'mkdir');
    const ctx = { operation: 'mkdir', uri };
    const st = await this.fileStatus(loc, ctx, options.signal);
    if (st?.type === 'DIRECTORY') return;
    if (st) throw new AlreadyExistsError('a file is in the way of the directory', ctx);
    try {
      await this.json(loc, 'PUT', 'MKDIRS', {}, ctx, options.signal);
    } catch (err) {
      if (isErrorKind(err, 'InvalidInput') || isErrorKind(err, 'AlreadyExists')) throw new AlreadyExistsError('a file is in the way of the directory', { ...ctx, cause: err });
      throw err;
    }
  }

  async delete(uri: UriLike, options: DeleteOptions = {}): Promise<boolean> {
    const loc = this.locate(uri, 'delete');
    const ctx = { operation: 'delete', uri };
    if (loc.path === '/') throw new InvalidInputError('refusing to delete the filesystem root', ctx);
    const res = await this.json<{ boolean?: boolean }>(loc, 'DELETE', 'DELETE', { recursive: options.force === true }, ctx, options.signal);
    return res.boolean === true;
  }

  async touch(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const loc = this.locate(uri, 'touch');
    const ctx = { operation: 'touch', uri };
    const st = await this.fileStatus(loc, ctx, options.signal);
    if (!st) {
      await this.write(uri, Buffer.alloc(0), { overwrite: false, ...(options.signal ? { signal: options.signal } : {}) }).catch((err: unknown) => {
        if (!isErrorKind(err, 'AlreadyExists')) throw err;
      });
      return;
    }
    await this.json(loc, 'PUT', 'SETTIMES', { modificationtime: Date.now(), accesstime: -1 }, ctx, options.signal);
  }

  // ---- reading -------------------------------------------------------------------------

  async openRead(uri: UriLike, options: ReadOptions = {}): Promise<Readable> {
    const loc = this.locate(uri, 'openRead');
    const ctx = { operation: 'openRead', uri };
    const { offset = 0, length, signal } = options;
    validateRange(offset, length, ctx);
    // Errors (missing, a directory, offset past the end) come before the stream.
    const st = await this.fileStatus(loc, ctx, signal);
    if (!st) throw new NotFoundError(undefined, ctx);
    if (st.type === 'DIRECTORY') throw new InvalidInputError('is a directory, expected a file', ctx);
    if (offset > st.length) throw new InvalidInputError(`offset ${offset} is past the end of the file (${st.length} bytes)`, ctx);
    const end = length === undefined ? st.length - 1 : Math.min(st.length, offset + length) - 1;
    if (end < offset) return Readable.from([], { objectMode: false });
    const open = async (position: number): Promise<Readable> => {
      const redirect = await this.namenode(loc, 'GET', 'OPEN', { offset: position, length: end - position + 1 }, ctx, signal);
      const location = await this.datanodeLocation(redirect, ctx);
      const res = await this.send('GET', location, ctx, signal);
      if (res.status !== 200) await this.fail(res, ctx);
      return res.body;
    };
    return resumingRead(
      {
        start: offset,
        end,
        open,
        attempts: this.cfg.maxAttempts,
        stallTimeout: this.cfg.socketTimeout,
        ctx,
        ...(signal ? { signal } : {}),
        classify: (err) => (err instanceof DeepstoreError ? err : fromNodeError(err, ctx)),
      },
      await open(offset),
    );
  }

  /** The datanode URL from a namenode's 307 (or its `noredirect` JSON). */
  private async datanodeLocation(res: Answer, ctx: ErrorContext): Promise<URL> {
    if (res.status === 307 || res.status === 302 || res.status === 301) {
      await readText(res.body);
      const location = res.headers.location;
      if (typeof location !== 'string') throw new DeepstoreError('Unexpected', 'the namenode redirected without a Location', ctx);
      return new URL(location);
    }
    if (res.status === 200) {
      const body = JSON.parse(await readText(res.body)) as { Location?: string };
      if (body.Location) return new URL(body.Location);
    }
    if (res.status >= 300) await this.fail(res, ctx);
    throw new DeepstoreError('Unexpected', `the namenode answered ${res.status} without naming a datanode`, ctx);
  }

  // ---- writing -------------------------------------------------------------------------

  async write(uri: UriLike, data: WriteSource, options: WriteOptions = {}): Promise<void> {
    const loc = this.locate(uri, 'write');
    const ctx = { operation: 'write', uri };
    const source = toReadable(data);
    source.on('error', () => undefined);
    try {
      if (loc.path === '/') throw new InvalidInputError('is a directory; a file needs a name', ctx);
      const existing = await this.fileStatus(loc, ctx, options.signal);
      if (existing?.type === 'DIRECTORY') throw new InvalidInputError('is a directory; cannot write a file over it', ctx);
      if (existing && options.overwrite === false) throw new AlreadyExistsError('already exists (overwrite is off)', ctx);
      await this.upload(loc, source, options, ctx, existing !== undefined);
    } catch (err) {
      source.destroy();
      throw asAbortedIfSignalled(err, options.signal, ctx);
    }
  }

  /**
   * CREATE a hidden temporary beside the target (namenode 307, then the body to the datanode),
   * then RENAME it into place. HDFS shows a file while it is being written, so the temporary is
   * what a failure leaves, and it is deleted.
   */
  private async upload(loc: HdfsLocation, source: Readable, options: WriteOptions, ctx: ErrorContext, replace: boolean): Promise<void> {
    const dir = loc.path.slice(0, loc.path.lastIndexOf('/')) || '/';
    const name = loc.path.slice(loc.path.lastIndexOf('/') + 1);
    const tmpPath = `${dir === '/' ? '' : dir}/.${name.slice(0, 150)}.${randomBytes(6).toString('hex')}.deepstore-tmp`;
    const reporter = new ProgressReporter(options.onProgress, options.size, this.uriOf(loc, loc.path));
    // Set before CREATE: an interrupted CREATE may still leave the file (deleting a missing one is harmless).
    let created = true;
    try {
      // CREATE makes missing parents itself.
      const redirect = await this.namenode(loc, 'PUT', 'CREATE', { overwrite: false }, ctx, options.signal, tmpPath);
      const location = await this.datanodeLocation(redirect, ctx);
      const body = (async function* () {
        for await (const chunk of source) {
          reporter.add((chunk as Buffer).length);
          yield chunk as Buffer;
        }
      })();
      const res = await this.send('PUT', location, ctx, options.signal, body, {
        'content-type': 'application/octet-stream',
        ...(options.size !== undefined ? { 'content-length': String(options.size) } : {}),
      });
      if (res.status !== 201 && res.status !== 200) await this.fail(res, ctx);
      await readText(res.body);
      // WebHDFS RENAME never replaces: remove the old file first (a reader may find nothing, never
      // half a file). Concurrent writers can put a file back in between: the last one to rename wins.
      for (let attempt = 0; ; attempt++) {
        if ((replace || attempt > 0) && options.overwrite !== false) await this.json(loc, 'DELETE', 'DELETE', { recursive: false }, ctx, options.signal);
        const renamed = await this.json<{ boolean?: boolean }>(loc, 'PUT', 'RENAME', { destination: loc.path }, ctx, options.signal, tmpPath);
        if (renamed.boolean) break;
        if (options.overwrite === false) throw new AlreadyExistsError('already exists (overwrite is off)', ctx);
        if (attempt >= 10) throw new TransientError('other writers kept replacing the target; giving up', ctx);
      }
      created = false;
      reporter.done();
    } finally {
      if (created) await this.removeTemporary(loc, tmpPath, ctx);
    }
  }

  /**
   * Deletes a failed upload's temporary and checks it is gone: the datanode may still be closing
   * the interrupted write when the first DELETE arrives (seen under load), so it is retried.
   */
  private async removeTemporary(loc: HdfsLocation, tmpPath: string, ctx: ErrorContext): Promise<void> {
    await withRetry(
      async () => {
        await this.json(loc, 'DELETE', 'DELETE', { recursive: false }, ctx, undefined, tmpPath).catch(() => undefined);
        const gone = await this.json(loc, 'GET', 'GETFILESTATUS', {}, ctx, undefined, tmpPath).then(
          () => false,
          (e: unknown) => isErrorKind(e, 'NotFound'),
        );
        if (!gone) throw new Error('temporary still there');
      },
      { attempts: 5, shouldRetry: () => true },
    ).catch(() => undefined);
  }

  protected override async uploadFile(source: string, dst: UriLike, size: number, options: TransferOptions, fresh = false): Promise<void> {
    const loc = this.locate(dst, 'copyFromLocal');
    const ctx = { operation: 'copyFromLocal', uri: dst };
    await retryLocalUpload(source, { attempts: this.cfg.maxAttempts, signal: options.signal, context: ctx }, async (stream) => {
      if (fresh) await this.upload(loc, stream, { ...options, size }, ctx, false);
      else await this.write(dst, stream, { ...options, size });
    });
  }

  // ---- moving --------------------------------------------------------------------------

  protected override async doMove(src: UriLike, dst: UriLike, _srcMeta: FileMetadata, dstMeta: FileMetadata | undefined, options: MoveOptions): Promise<void> {
    const from = this.locate(src, 'move');
    const to = this.locate(dst, 'move');
    const ctx = { operation: 'move', uri: src };
    if (from.namenodes.join(',') !== to.namenodes.join(',')) {
      await super.doMove(src, dst, _srcMeta, dstMeta, options);
      return;
    }
    // HDFS RENAME moves *into* an existing directory and fails onto an existing file: clear the target first.
    if (dstMeta) await this.delete(dst, { force: true, ...(options.signal ? { signal: options.signal } : {}) });
    const parent = to.path.slice(0, to.path.lastIndexOf('/')) || '/';
    await this.mkdir(this.uriOf(to, parent), options);
    const res = await this.json<{ boolean?: boolean }>(from, 'PUT', 'RENAME', { destination: to.path }, ctx, options.signal);
    if (!res.boolean) throw new DeepstoreError('Unexpected', `RENAME to ${to.path} was refused`, ctx);
  }
}

function toMeta(uri: string, st: FileStatus): FileMetadata {
  const isDirectory = st.type === 'DIRECTORY';
  return { uri, isDirectory, length: isDirectory ? 0 : st.length, lastModified: st.modificationTime };
}

async function readText(body: Readable): Promise<string> {
  const parts: Buffer[] = [];
  try {
    for await (const c of body) parts.push(c as Buffer);
  } catch {
    // A broken error body: the status still tells what happened.
  }
  return Buffer.concat(parts).toString('utf8');
}
