import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import {
  AlreadyExistsError,
  BaseFileSystem,
  InvalidInputError,
  NotEmptyError,
  NotFoundError,
  ProgressReporter,
  TransientError,
  UnsupportedError,
  asAbortedIfSignalled,
  decodedPath,
  isErrorKind,
  knownSize,
  parentUri,
  parseUri,
  rangedDownload,
  resumingRead,
  retryLocalUpload,
  throwIfAborted,
  toReadable,
  uriFromPath,
  validateRange,
  withRetry,
  type Capabilities,
  type DownloadFileOptions,
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
import { parseHttpConfig, type HttpFsConfig } from './config.js';
import { fromNetworkError, fromStatus } from './errors.js';
import { PROPFIND_BODY, parseMultistatus, type DavEntry } from './webdav.js';

/** Ranged downloads: bytes per request and requests in flight. */
const RANGE_SIZE = 8 * 1024 * 1024;
const RANGE_CONCURRENCY = 4;

const WEBDAV: Capabilities = Object.freeze({
  read: true,
  write: true,
  list: true,
  rangedRead: true,
  atomicWrite: true,
  atomicRename: true,
  serverSideCopy: true,
  nativeRecursiveList: false,
  emptyDirectories: true,
  touchUpdatesMtime: false,
});

const PLAIN_HTTP: Capabilities = Object.freeze({
  read: true,
  write: false,
  list: false,
  rangedRead: true,
  atomicWrite: false,
  atomicRename: false,
  serverSideCopy: false,
  nativeRecursiveList: false,
  emptyDirectories: false,
  touchUpdatesMtime: false,
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

interface SendOptions {
  headers?: Record<string, string>;
  body?: string | Buffer | Readable | AsyncIterable<Buffer>;
  /** Follow redirects (reads only). */
  follow?: boolean;
  signal?: AbortSignal | undefined;
  ctx: ErrorContext;
}

/**
 * HTTP(S) servers, for `http:` and `https:` URIs, on undici with pooled keep-alive connections.
 *
 * Any web server can be read (HEAD, ranged GET, redirects followed). Writing and managing needs
 * WebDAV: PUT to a hidden temporary name then MOVE into place (so a reader never sees half a
 * file, and `Overwrite: F` refuses an existing target atomically), MKCOL for directories, DELETE,
 * COPY and MOVE, PROPFIND Depth 1 for listings (walked for recursive ones).
 */
export class HttpFileSystem extends BaseFileSystem {
  readonly schemes = ['http', 'https'] as const;
  private cfg: HttpFsConfig = parseHttpConfig({});
  private plain: Dispatcher | undefined;
  private following: Dispatcher | undefined;

  get capabilities(): Capabilities {
    return this.cfg.webdav ? WEBDAV : PLAIN_HTTP;
  }

  override async init(config: FsConfig): Promise<void> {
    this.cfg = parseHttpConfig(config);
    this.treeConcurrency = this.cfg.concurrency;
    await this.close();
  }

  override async close(): Promise<void> {
    const agent = this.plain;
    this.plain = undefined;
    this.following = undefined;
    await agent?.close();
  }

  private dispatchers(): { plain: Dispatcher; following: Dispatcher } {
    if (!this.plain || !this.following) {
      const agent = new Agent({
        connect: {
          timeout: this.cfg.connectTimeout,
          ...(this.cfg.ca ? { ca: [this.cfg.ca] } : {}),
          // Only ever off on an explicit opt-in.
          rejectUnauthorized: !this.cfg.insecureSkipTlsVerify,
        },
        headersTimeout: this.cfg.socketTimeout,
        bodyTimeout: this.cfg.socketTimeout,
        keepAliveTimeout: 10_000,
        connections: 64,
      });
      this.plain = agent;
      this.following = agent.compose(interceptors.redirect({ maxRedirections: this.cfg.maxRedirects }));
    }
    return { plain: this.plain, following: this.following };
  }

  private baseHeaders(): Record<string, string> {
    const h: Record<string, string> = { ...this.cfg.headers };
    if (this.cfg.username !== undefined) h.authorization = `Basic ${Buffer.from(`${this.cfg.username}:${this.cfg.password ?? ''}`).toString('base64')}`;
    else if (this.cfg.bearerToken !== undefined) h.authorization = `Bearer ${this.cfg.bearerToken}`;
    return h;
  }

  /** One request; network failures become typed errors (credentials never appear: URLs are redacted by the errors). */
  private async send(method: string, url: URL, options: SendOptions): Promise<Answer> {
    throwIfAborted(options.signal, options.ctx);
    const { plain, following } = this.dispatchers();
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: { ...this.baseHeaders(), ...options.headers },
        ...(options.body !== undefined ? { body: options.body as Readable } : {}), // undici also takes async iterables
        dispatcher: options.follow ? following : plain,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const body = res.body as unknown as Readable;
      // An abort destroys the answer's body too; whoever reads it sees the error, nobody else must.
      body.on('error', () => undefined);
      return { status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      throw fromNetworkError(asAbortedIfSignalled(err, options.signal, options.ctx), options.ctx);
    }
  }

  /** An idempotent request without a stream body, retried with jitter on transient failures. */
  private async call(method: string, url: URL, options: SendOptions, accept: (status: number) => boolean): Promise<Answer> {
    return withRetry(
      async () => {
        const res = await this.send(method, url, options);
        if (accept(res.status)) return res;
        await drain(res.body);
        throw fromStatus(res.status, method, options.ctx);
      },
      { attempts: this.cfg.maxAttempts, ...(options.signal ? { signal: options.signal } : {}), context: options.ctx },
    );
  }

  private requireDav(ctx: ErrorContext): void {
    if (!this.cfg.webdav) throw new UnsupportedError('this filesystem is configured as a read-only web server (webdav=false)', ctx);
  }

  // ---- lookups -------------------------------------------------------------------------

  /** PROPFIND on one URL; undefined when it does not exist. Follows a redirect to the slash form of a directory. */
  private async propfind(url: URL, depth: 0 | 1, ctx: ErrorContext, signal?: AbortSignal): Promise<DavEntry[] | undefined> {
    const res = await this.call(
      'PROPFIND',
      url,
      { headers: { depth: String(depth), 'content-type': 'application/xml; charset=utf-8' }, body: PROPFIND_BODY, signal, ctx },
      (s) => s === 207 || s === 404 || s === 301 || s === 308,
    );
    if (res.status === 404) {
      await drain(res.body);
      return undefined;
    }
    if (res.status === 301 || res.status === 308) {
      await drain(res.body);
      const location = headerOf(res.headers, 'location');
      const target = location ? new URL(location, url) : undefined;
      if (target && target.pathname === `${url.pathname}/`) return this.propfind(target, depth, ctx, signal);
      throw new UnsupportedError(`the server redirected PROPFIND elsewhere (${target?.pathname ?? 'no location'})`, ctx);
    }
    return parseMultistatus(await text(res.body), url);
  }

  async stat(uri: UriLike, options: OperationOptions = {}): Promise<FileMetadata> {
    const url = this.locate(uri, 'stat');
    const ctx = { operation: 'stat', uri: url };
    if (!this.cfg.webdav) return this.head(url, ctx, options.signal);
    const entries = await this.propfind(url, 0, ctx, options.signal);
    const self = entries?.[0];
    if (!self) throw new NotFoundError(undefined, ctx);
    return { uri: canonical(url), isDirectory: self.isDirectory, length: self.length, lastModified: self.lastModified };
  }

  /** Metadata from a HEAD, for servers without WebDAV. */
  private async head(url: URL, ctx: ErrorContext, signal?: AbortSignal): Promise<FileMetadata> {
    const res = await this.call('HEAD', url, { follow: true, signal, ctx }, (s) => (s >= 200 && s < 300) || s === 404);
    await drain(res.body);
    if (res.status === 404) throw new NotFoundError(undefined, ctx);
    const modified = Date.parse(String(headerOf(res.headers, 'last-modified') ?? ''));
    return { uri: canonical(url), isDirectory: false, length: Number(headerOf(res.headers, 'content-length') ?? 0), lastModified: Number.isFinite(modified) ? modified : 0 };
  }

  async listWithMetadata(uri: UriLike, options: ListOptions = {}): Promise<FileMetadata[]> {
    const url = this.locate(uri, 'list');
    const ctx = { operation: 'list', uri: url };
    this.requireDav(ctx);
    const out: FileMetadata[] = [];
    const visit = async (dir: URL, first: boolean): Promise<void> => {
      const entries = await this.propfind(asDirectory(dir), 1, ctx, options.signal);
      if (!entries) throw new NotFoundError(undefined, { operation: 'list', uri: dir });
      const selfPath = decodedPath(asDirectory(dir)).replace(/\/+$/, '');
      const self = entries.find((e) => decodedPath(e.url).replace(/\/+$/, '') === selfPath);
      if (first && self && !self.isDirectory) throw new InvalidInputError('is a file, not a directory', ctx);
      const children = entries.filter((e) => e !== self && decodedPath(e.url).replace(/\/+$/, '') !== selfPath);
      const subdirs: URL[] = [];
      for (const e of children) {
        const child = new URL(dir.href);
        child.pathname = e.url.pathname;
        child.search = '';
        out.push({ uri: canonical(child), isDirectory: e.isDirectory, length: e.length, lastModified: e.lastModified });
        if (options.recursive && e.isDirectory) subdirs.push(child);
      }
      for (const d of subdirs) await visit(d, false);
    };
    await visit(url, true);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  // ---- directories and deletion ---------------------------------------------------------

  async mkdir(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const url = this.locate(uri, 'mkdir');
    const ctx = { operation: 'mkdir', uri: url };
    this.requireDav(ctx);
    const existing = await this.propfind(url, 0, ctx, options.signal);
    if (existing?.[0]) {
      if (!existing[0].isDirectory) throw new AlreadyExistsError('a file is in the way of the directory', ctx);
      return;
    }
    if (decodedPath(url) !== '/' && decodedPath(url) !== '') {
      const parent = new URL(parentUri(url));
      if (parent.pathname !== url.pathname) await this.mkdir(parent, options);
    }
    // 405 means it appeared meanwhile (another writer): fine if it is a directory.
    const res = await this.call('MKCOL', asDirectory(url), { signal: options.signal, ctx }, (s) => (s >= 200 && s < 300) || s === 405);
    await drain(res.body);
    if (res.status === 405) {
      const again = await this.propfind(url, 0, ctx, options.signal);
      if (!again?.[0]?.isDirectory) throw new AlreadyExistsError('a file is in the way of the directory', ctx);
    }
  }

  async delete(uri: UriLike, options: DeleteOptions = {}): Promise<boolean> {
    const url = this.locate(uri, 'delete');
    const ctx = { operation: 'delete', uri: url };
    this.requireDav(ctx);
    if (decodedPath(url).replace(/\/+$/, '') === '') throw new InvalidInputError('refusing to delete the server root', ctx);
    const entries = await this.propfind(url, 1, ctx, options.signal);
    const self = entries?.[0];
    if (!entries || !self) return false;
    // WebDAV DELETE of a collection is always recursive: check emptiness ourselves.
    if (self.isDirectory && !options.force && entries.length > 1) throw new NotEmptyError(undefined, ctx);
    const target = self.isDirectory ? asDirectory(url) : url;
    const res = await this.call('DELETE', target, { signal: options.signal, ctx }, (s) => (s >= 200 && s < 300) || s === 404);
    await drain(res.body);
    return res.status !== 404;
  }

  async touch(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const url = this.locate(uri, 'touch');
    const ctx = { operation: 'touch', uri: url };
    this.requireDav(ctx);
    // WebDAV cannot set a modification time (getlastmodified is protected): only create.
    const existing = await this.propfind(url, 0, ctx, options.signal);
    if (existing?.[0]) return;
    await this.write(url, Buffer.alloc(0), { overwrite: false, ...(options.signal ? { signal: options.signal } : {}) }).catch((err: unknown) => {
      if (!isErrorKind(err, 'AlreadyExists')) throw err;
    });
  }

  // ---- reading -------------------------------------------------------------------------

  async openRead(uri: UriLike, options: ReadOptions = {}): Promise<Readable> {
    const url = this.locate(uri, 'openRead');
    const ctx = { operation: 'openRead', uri: url };
    const { offset = 0, length, signal } = options;
    validateRange(offset, length, ctx);
    if (length === 0) {
      const meta = await this.stat(url, options);
      if (meta.isDirectory) throw new InvalidInputError('is a directory, expected a file', ctx);
      if (offset > meta.length) throw new InvalidInputError(`offset ${offset} is past the end of the file (${meta.length} bytes)`, ctx);
      return Readable.from([], { objectMode: false });
    }
    const ranged = offset > 0 || length !== undefined;
    const rangeHeader = (from: number) => ({ range: `bytes=${from}-${length === undefined ? '' : offset + length - 1}` });
    const first = await this.call('GET', url, { follow: true, headers: ranged ? rangeHeader(offset) : {}, signal, ctx }, (s) => s === 200 || s === 206 || s === 404 || s === 403 || s === 416);
    if (first.status === 404 || first.status === 403 || first.status === 416) {
      await drain(first.body);
      const meta = await this.stat(url, options).catch((err: unknown) => {
        if (isErrorKind(err, 'NotFound') || isErrorKind(err, 'Unsupported')) return undefined;
        throw err;
      });
      if (meta?.isDirectory) throw new InvalidInputError('is a directory, expected a file', ctx);
      if (first.status === 416 && meta && offset === meta.length) return Readable.from([], { objectMode: false });
      if (first.status === 416 && meta) throw new InvalidInputError(`offset ${offset} is past the end of the file (${meta.length} bytes)`, ctx);
      throw fromStatus(first.status, 'GET', ctx);
    }
    // The window actually served: from Content-Range on 206, else the whole body.
    let start = 0;
    let total = Number(headerOf(first.headers, 'content-length') ?? NaN);
    if (first.status === 206) {
      const m = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(String(headerOf(first.headers, 'content-range') ?? ''));
      if (m) start = Number(m[1]);
      total = m ? Number(m[2]) - Number(m[1]) + 1 : total;
    }
    if (!Number.isFinite(total)) {
      // No length to resume against (chunked answer): stream it as it comes.
      return skipBytes(first.body, offset - start, length);
    }
    const etag = headerOf(first.headers, 'etag');
    const end = start + total - 1;
    const body = resumingRead(
      {
        start,
        end,
        attempts: this.cfg.maxAttempts,
        stallTimeout: this.cfg.socketTimeout,
        ctx,
        ...(signal ? { signal } : {}),
        classify: (err) => fromNetworkError(err, ctx),
        open: async (position) => {
          // Resume only from the same version of the file.
          const res = await this.call('GET', url, { follow: true, headers: { range: `bytes=${position}-${end}`, ...(etag ? { 'if-range': String(etag) } : {}) }, signal, ctx }, (s) => s === 206 || s === 200);
          if (res.status !== 206) {
            await drain(res.body);
            throw new TransientError('the file changed while it was being read', ctx);
          }
          return res.body;
        },
      },
      first.body,
    );
    return first.status === 200 && ranged ? skipBytes(body, offset, length) : body;
  }

  // ---- writing -------------------------------------------------------------------------

  async write(uri: UriLike, data: WriteSource, options: WriteOptions = {}): Promise<void> {
    const url = this.locate(uri, 'write');
    const ctx = { operation: 'write', uri: url };
    const source = toReadable(data);
    source.on('error', () => undefined);
    try {
      this.requireDav(ctx);
      if (url.pathname.endsWith('/')) throw new InvalidInputError('is a directory; a file needs a name', ctx);
      const existing = (await this.propfind(url, 0, ctx, options.signal))?.[0];
      if (existing?.isDirectory) throw new InvalidInputError('is a directory; cannot write a file over it', ctx);
      if (existing && options.overwrite === false) throw new AlreadyExistsError('already exists (overwrite is off)', ctx);
      const size = options.size ?? knownSize(data);
      await this.upload(url, source, { ...options, ...(size !== undefined ? { size } : {}) }, ctx);
    } catch (err) {
      source.destroy();
      throw asAbortedIfSignalled(err, options.signal, ctx);
    }
  }

  /** PUT to a hidden sibling, then MOVE into place; the temporary is deleted on any failure. */
  private async upload(url: URL, source: Readable, options: WriteOptions, ctx: ErrorContext): Promise<void> {
    const tmp = new URL(url.href);
    const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    tmp.pathname = `${url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)}.${name.slice(0, 150)}.${randomBytes(6).toString('hex')}.deepstore-tmp`;
    const reporter = new ProgressReporter(options.onProgress, options.size, canonical(url));
    // Servers without nginx's create_full_put_path answer 409 to a PUT under a missing directory.
    await this.mkdir(new URL(parentUri(url)), options.signal ? { signal: options.signal } : {});
    try {
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      if (options.size !== undefined) headers['content-length'] = String(options.size);
      // An async iterable body: undici writes it to the socket faster than a piped stream.
      const body = (async function* () {
        for await (const chunk of source) {
          reporter.add((chunk as Buffer).length);
          yield chunk as Buffer;
        }
      })();
      let res = await this.send('PUT', tmp, { headers, body, signal: options.signal, ctx });
      await drain(res.body);
      if (res.status < 200 || res.status >= 300) throw fromStatus(res.status, 'PUT', ctx);
      res = await this.call(
        'MOVE',
        tmp,
        { headers: { destination: url.href, overwrite: options.overwrite === false ? 'F' : 'T' }, signal: options.signal, ctx },
        (s) => (s >= 200 && s < 300) || s === 412,
      );
      await drain(res.body);
      if (res.status === 412) throw new AlreadyExistsError('already exists (overwrite is off)', ctx);
      reporter.done();
    } catch (err) {
      // Remove the temporary (complete or partial): nothing of a failed write stays visible.
      await this.removeTemporary(tmp, ctx);
      throw err;
    }
  }

  /**
   * Deletes a failed upload's temporary and checks it is gone: the server may still be finishing
   * the interrupted body when the first DELETE arrives (seen under load), so it is retried.
   */
  private async removeTemporary(tmp: URL, ctx: ErrorContext): Promise<void> {
    await withRetry(
      async () => {
        await this.send('DELETE', tmp, { ctx }).then((r) => drain(r.body), () => undefined);
        const res = await this.send('HEAD', tmp, { ctx });
        await drain(res.body);
        if (res.status !== 404) throw new Error('temporary still there');
      },
      { attempts: 5, shouldRetry: () => true },
    ).catch(() => undefined);
  }

  /** Large files come down in concurrent ranges (servers answer each range from the page cache). */
  protected override async downloadFile(src: UriLike, target: string, size: number, options: DownloadFileOptions): Promise<void> {
    const url = this.locate(src, 'copyToLocal');
    const ctx = { operation: 'copyToLocal', uri: url };
    if (size < 4 * RANGE_SIZE) {
      await super.downloadFile(src, target, size, options);
      return;
    }
    const head = await this.call('HEAD', url, { follow: true, signal: options.signal, ctx }, (s) => s >= 200 && s < 300);
    await drain(head.body);
    const etag = headerOf(head.headers, 'etag');
    const total = Number(headerOf(head.headers, 'content-length'));
    if (headerOf(head.headers, 'accept-ranges') !== 'bytes' || !Number.isFinite(total)) {
      await super.downloadFile(src, target, size, options);
      return;
    }
    await rangedDownload({
      target,
      size: total,
      partSize: RANGE_SIZE,
      concurrency: RANGE_CONCURRENCY,
      attempts: this.cfg.maxAttempts,
      stallTimeout: this.cfg.socketTimeout,
      classify: (err) => fromNetworkError(err, ctx),
      ctx,
      uri: canonical(url),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      openRange: async (from, to) => {
        // If-Range: a changed file answers 200 with the whole body instead of our range.
        const res = await this.call('GET', url, { follow: true, headers: { range: `bytes=${from}-${to}`, ...(etag ? { 'if-range': etag } : {}) }, signal: options.signal, ctx }, (s) => s === 206 || s === 200);
        if (res.status !== 206) {
          await drain(res.body);
          throw new TransientError('the file changed while it was being downloaded', ctx);
        }
        return res.body;
      },
    });
  }

  protected override async uploadFile(source: string, dst: UriLike, size: number, options: TransferOptions, fresh = false): Promise<void> {
    const url = this.locate(dst, 'copyFromLocal');
    const ctx = { operation: 'copyFromLocal', uri: url };
    await retryLocalUpload(source, { attempts: this.cfg.maxAttempts, signal: options.signal, context: ctx }, async (stream) => {
      if (fresh) await this.upload(url, stream, { ...options, size }, ctx);
      else await this.write(url, stream, { ...options, size });
    });
  }

  // ---- copying and moving ----------------------------------------------------------------

  protected override async copyFile(src: UriLike, dst: UriLike, srcMeta: FileMetadata, options: TransferOptions): Promise<void> {
    const from = this.locate(src, 'copy');
    const to = this.locate(dst, 'copy');
    const ctx = { operation: 'copy', uri: from };
    if (from.origin !== to.origin) {
      await super.copyFile(src, dst, srcMeta, options);
      return;
    }
    await this.mkdir(new URL(parentUri(to)), options);
    const res = await this.call('COPY', from, { headers: { destination: to.href, overwrite: 'T', depth: '0' }, signal: options.signal, ctx }, (s) => s >= 200 && s < 300);
    await drain(res.body);
    const reporter = new ProgressReporter(options.onProgress, srcMeta.length, canonical(to));
    reporter.set(srcMeta.length);
    reporter.done();
  }

  protected override async doMove(src: UriLike, dst: UriLike, srcMeta: FileMetadata, dstMeta: FileMetadata | undefined, options: MoveOptions): Promise<void> {
    const from = this.locate(src, 'move');
    const to = this.locate(dst, 'move');
    const ctx = { operation: 'move', uri: from };
    if (from.origin !== to.origin) {
      await super.doMove(src, dst, srcMeta, dstMeta, options);
      return;
    }
    await this.mkdir(new URL(parentUri(to)), options);
    const source = srcMeta.isDirectory ? asDirectory(from) : from;
    const target = srcMeta.isDirectory ? asDirectory(to) : to;
    if (dstMeta && dstMeta.isDirectory !== srcMeta.isDirectory) await this.delete(to, { force: true, ...(options.signal ? { signal: options.signal } : {}) });
    const res = await this.call('MOVE', source, { headers: { destination: target.href, overwrite: 'T' }, signal: options.signal, ctx }, (s) => s >= 200 && s < 300);
    await drain(res.body);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private locate(uri: UriLike, operation: string): URL {
    const url = parseUri(uri, operation);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInputError('not an http: or https: URI', { operation, uri: url });
    if (url.username || url.password) {
      throw new InvalidInputError('credentials in the URI are not accepted; use the username/password or bearerToken settings', { operation, uri: url });
    }
    url.hash = '';
    if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.replace(/\/+$/, '');
    return url;
  }
}

/** The same URL with a trailing slash, as WebDAV names collections. */
function asDirectory(url: URL): URL {
  const out = new URL(url.href);
  if (!out.pathname.endsWith('/')) out.pathname = `${out.pathname}/`;
  return out;
}

/** A URL in deepstore's canonical form: each segment encoded the same way, no trailing slash. */
function canonical(url: URL): string {
  const base = uriFromPath(url.protocol.slice(0, -1), url.host, decodedPath(url));
  return url.search ? `${base}${url.search}` : base;
}

function headerOf(headers: Answer['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function drain(body: Readable): Promise<void> {
  try {
    for await (const _ of body) void _;
  } catch {
    // The answer was not needed.
  }
}

async function text(body: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** For servers that ignore Range: drop `skip` bytes, then pass at most `length`. */
function skipBytes(body: Readable, skip: number, length: number | undefined): Readable {
  let toSkip = skip;
  let left = length ?? Number.POSITIVE_INFINITY;
  return Readable.from(
    (async function* () {
      for await (const chunk of body) {
        let buf = chunk as Buffer;
        if (toSkip > 0) {
          const n = Math.min(toSkip, buf.length);
          toSkip -= n;
          buf = buf.subarray(n);
        }
        if (buf.length === 0) continue;
        if (buf.length > left) buf = buf.subarray(0, left);
        left -= buf.length;
        yield buf;
        if (left <= 0) {
          body.destroy();
          return;
        }
      }
    })(),
    { objectMode: false },
  );
}

