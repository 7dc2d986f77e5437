import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent } from 'undici';
import { CRC32C, IdempotencyStrategy, Storage, type File, type FileMetadata as GcsMetadata, type StorageOptions } from '@google-cloud/storage';
import {
  AbortedError,
  AlreadyExistsError,
  BaseFileSystem,
  InvalidInputError,
  LOCAL_CHUNK,
  NotEmptyError,
  NotFoundError,
  PartReader,
  ProgressReporter,
  TransientError,
  addImplicitParents,
  asAbortedIfSignalled,
  forEachLimit,
  isErrorKind,
  progressStream,
  resumingRead,
  throwIfAborted,
  toReadable,
  validateRange,
  withRetry,
  type Capabilities,
  type ContentVerifier,
  type DeleteOptions,
  type ErrorContext,
  type FileMetadata,
  type FsConfig,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type TransferOptions,
  type UriLike,
  type WriteOptions,
  type WriteSource,
} from '@deepstore/core';
import { batchDelete } from './batch.js';
import { parseGcsConfig, type GcsFsConfig } from './config.js';
import { toGcsError } from './errors.js';
import { openMediaRange } from './media.js';
import { dirPrefix, locate, uriOf, type GcsLocation } from './location.js';

const CAPABILITIES: Capabilities = Object.freeze({
  read: true,
  write: true,
  list: true,
  rangedRead: true,
  atomicWrite: true,
  atomicRename: false,
  serverSideCopy: true,
  nativeRecursiveList: true,
  emptyDirectories: true,
  touchUpdatesMtime: true,
});

const BATCH_SIZE = 100; // the JSON API's limit per batch request

/**
 * Google Cloud Storage, for `gs:` URIs, on `@google-cloud/storage`.
 *
 * Directories are Pinot's: a name prefix ending in `/`, with a zero-byte marker written by
 * `mkdir`. Large uploads are resumable (chunked, each chunk resent on failure), every upload is
 * checked by CRC32C, and a failed or aborted resumable session is cancelled. Copies are
 * server-side rewrites; deletes of directories go 100 objects per batch request.
 */
export class GcsFileSystem extends BaseFileSystem {
  readonly schemes = ['gs'] as const;
  readonly capabilities = CAPABILITIES;
  private cfg: GcsFsConfig = parseGcsConfig({});
  private storageInstance: Storage | undefined;
  private pool: Agent | undefined;

  override async init(config: FsConfig): Promise<void> {
    this.cfg = parseGcsConfig(config);
    this.treeConcurrency = this.cfg.concurrency;
    this.storageInstance = undefined;
    // A new timeout needs a new pool; requests on the old one finish first.
    void this.pool?.close();
    this.pool = undefined;
  }

  get settings(): Readonly<GcsFsConfig> {
    return this.cfg;
  }

  private get storage(): Storage {
    if (!this.storageInstance) {
      const options: StorageOptions = {
        timeout: this.cfg.timeout,
        retryOptions: {
          autoRetry: this.cfg.maxRetries > 0,
          maxRetries: this.cfg.maxRetries,
          maxRetryDelay: 16,
          totalTimeout: 600,
          // Whole-object writes are safe to repeat: retry them too, not only conditional ones.
          idempotencyStrategy: IdempotencyStrategy.RetryAlways,
        },
      };
      if (this.cfg.projectId) options.projectId = this.cfg.projectId;
      if (this.cfg.credentials) options.credentials = this.cfg.credentials as StorageOptions['credentials'];
      if (this.cfg.keyFilename) options.keyFilename = this.cfg.keyFilename;
      if (this.cfg.apiEndpoint) options.apiEndpoint = this.cfg.apiEndpoint;
      this.storageInstance = new Storage(options);
    }
    return this.storageInstance;
  }

  private file(loc: GcsLocation, name = loc.name): File {
    return this.storage.bucket(loc.bucket).file(name);
  }

  private async call<T>(fn: () => Promise<T>, ctx: ErrorContext, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal, ctx);
    try {
      if (!signal) return await fn();
      // The client takes no AbortSignal for metadata calls: stop waiting when the signal fires.
      return await new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(new AbortedError(undefined, ctx));
        signal.addEventListener('abort', onAbort, { once: true });
        fn().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } catch (err) {
      throw toGcsError(asAbortedIfSignalled(err, signal, ctx), ctx);
    }
  }

  private async metadata(loc: GcsLocation, ctx: ErrorContext, signal?: AbortSignal): Promise<GcsMetadata | undefined> {
    if (loc.name === '' || loc.trailingSlash) return undefined;
    try {
      const [meta] = await this.call(() => this.file(loc).getMetadata(), ctx, signal);
      return meta;
    } catch (err) {
      if (isErrorKind(err, 'NotFound')) {
        // A missing bucket must not look like a missing object.
        if (/bucket/i.test(String((err as Error & { cause?: { message?: string } }).cause?.message ?? ''))) throw err;
        return undefined;
      }
      throw err;
    }
  }

  private async page(loc: GcsLocation, prefix: string, delimiter: boolean, maxResults: number, pageToken: string | undefined, ctx: ErrorContext, signal?: AbortSignal) {
    const [files, next, response] = await this.call(
      () =>
        this.storage.bucket(loc.bucket).getFiles({
          prefix,
          autoPaginate: false,
          maxResults,
          ...(delimiter ? { delimiter: '/' } : {}),
          ...(pageToken ? { pageToken } : {}),
        }),
      ctx,
      signal,
    );
    const nextToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
    const prefixes = ((response as { prefixes?: string[] } | undefined)?.prefixes ?? []) as string[];
    return { files, prefixes, nextToken };
  }

  private async firstChild(loc: GcsLocation, ctx: ErrorContext, signal?: AbortSignal): Promise<File | undefined> {
    const { files } = await this.page(loc, dirPrefix(loc.name), false, 1, undefined, ctx, signal);
    return files[0];
  }

  async stat(uri: UriLike, options: OperationOptions = {}): Promise<FileMetadata> {
    const loc = locate(uri, 'stat');
    const ctx = { operation: 'stat', uri };
    if (loc.name === '') {
      const [exists] = await this.call(() => this.storage.bucket(loc.bucket).exists(), ctx, options.signal);
      if (!exists) throw new NotFoundError('bucket does not exist', ctx);
      return { uri: uriOf(loc.bucket, ''), isDirectory: true, length: 0, lastModified: 0 };
    }
    const [meta, child] = await Promise.all([this.metadata(loc, ctx, options.signal), this.firstChild(loc, ctx, options.signal)]);
    if (meta) return { uri: uriOf(loc.bucket, loc.name), isDirectory: false, length: Number(meta.size ?? 0), lastModified: timeOf(meta) };
    if (child) {
      const marker = child.name === dirPrefix(loc.name);
      return { uri: uriOf(loc.bucket, loc.name), isDirectory: true, length: 0, lastModified: marker ? timeOf(child.metadata) : 0 };
    }
    throw new NotFoundError(undefined, ctx);
  }

  async listWithMetadata(uri: UriLike, options: ListOptions = {}): Promise<FileMetadata[]> {
    const loc = locate(uri, 'list');
    const ctx = { operation: 'list', uri };
    const prefix = dirPrefix(loc.name);
    const entries = new Map<string, FileMetadata>();
    let exists = loc.name === '';
    let token: string | undefined;
    do {
      const { files, prefixes, nextToken } = await this.page(loc, prefix, !options.recursive, 1000, token, ctx, options.signal);
      for (const f of files) {
        exists = true;
        if (f.name === prefix) continue;
        const rel = f.name.slice(prefix.length);
        if (f.name.endsWith('/')) entries.set(rel.slice(0, -1), { uri: uriOf(loc.bucket, f.name.slice(0, -1)), isDirectory: true, length: 0, lastModified: timeOf(f.metadata) });
        else entries.set(rel, { uri: uriOf(loc.bucket, f.name), isDirectory: false, length: Number(f.metadata.size ?? 0), lastModified: timeOf(f.metadata) });
        if (options.recursive) addImplicitParents(entries, rel, (dir) => ({ uri: uriOf(loc.bucket, `${prefix}${dir}`), isDirectory: true, length: 0, lastModified: 0 }));
      }
      for (const p of prefixes) {
        exists = true;
        const rel = p.slice(prefix.length).replace(/\/$/, '');
        if (rel && !entries.has(rel)) entries.set(rel, { uri: uriOf(loc.bucket, `${prefix}${rel}`), isDirectory: true, length: 0, lastModified: 0 });
      }
      token = nextToken;
    } while (token);
    if (!exists) {
      if (await this.metadata(loc, ctx, options.signal)) throw new InvalidInputError('is a file, not a directory', ctx);
      throw new NotFoundError(undefined, ctx);
    }
    return [...entries.values()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async mkdir(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const loc = locate(uri, 'mkdir');
    const ctx = { operation: 'mkdir', uri };
    if (loc.name === '') {
      await this.stat(uri, options);
      return;
    }
    if (await this.metadata(loc, ctx, options.signal)) throw new AlreadyExistsError('a file is in the way of the directory', ctx);
    await this.call(() => this.file(loc, dirPrefix(loc.name)).save(Buffer.alloc(0), { resumable: false, validation: 'crc32c' }), ctx, options.signal);
  }

  async delete(uri: UriLike, options: DeleteOptions = {}): Promise<boolean> {
    const loc = locate(uri, 'delete');
    const ctx = { operation: 'delete', uri };
    if (loc.name === '') throw new InvalidInputError('refusing to delete a whole bucket', ctx);
    if (await this.metadata(loc, ctx, options.signal)) {
      await this.call(() => this.file(loc).delete({ ignoreNotFound: true }), ctx, options.signal);
      return true;
    }
    const prefix = dirPrefix(loc.name);
    if (!options.force) {
      const { files } = await this.page(loc, prefix, false, 2, undefined, ctx, options.signal);
      if (files.some((f) => f.name !== prefix)) throw new NotEmptyError(undefined, ctx);
    }
    let deleted = false;
    let token: string | undefined;
    do {
      const { files, nextToken } = await this.page(loc, prefix, false, 1000, token, ctx, options.signal);
      if (files.length > 0) {
        await this.deleteMany(loc.bucket, files.map((f) => f.name), ctx, options.signal);
        deleted = true;
      }
      token = nextToken;
    } while (token);
    return deleted;
  }

  /** Deletes names 100 per batch request; what a batch could not delete is deleted one by one. */
  private async deleteMany(bucket: string, names: string[], ctx: ErrorContext, signal?: AbortSignal): Promise<void> {
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += BATCH_SIZE) batches.push(names.slice(i, i + BATCH_SIZE));
    const leftovers: string[] = [];
    await forEachLimit(
      batches,
      4,
      async (batch) => {
        try {
          const results = await batchDelete(this.endpoint, bucket, batch, await this.authHeaders(), signal);
          for (const r of results) if (r.status !== 204 && r.status !== 200 && r.status !== 404) leftovers.push(r.name);
        } catch (err) {
          throwIfAborted(signal, ctx);
          void err; // the batch endpoint refused: fall back to single deletes
          leftovers.push(...batch);
        }
      },
      signal,
    );
    await forEachLimit(
      leftovers,
      this.cfg.concurrency,
      async (name) => {
        await this.call(() => this.storage.bucket(bucket).file(name).delete({ ignoreNotFound: true }), ctx, signal);
      },
      signal,
    );
  }

  /** Our own connection pool for media reads (see media.ts for why not the client's). */
  private get dispatcher(): Agent {
    this.pool ??= new Agent({
      connect: { timeout: this.cfg.timeout },
      headersTimeout: this.cfg.timeout,
      bodyTimeout: this.cfg.timeout,
      keepAliveTimeout: 4_000,
    });
    return this.pool;
  }

  private get endpoint(): string {
    return this.cfg.apiEndpoint ?? (process.env.STORAGE_EMULATOR_HOST ? withScheme(process.env.STORAGE_EMULATOR_HOST) : 'https://storage.googleapis.com');
  }

  private async authHeaders(): Promise<Record<string, string>> {
    // Like the client, send no credentials to a custom endpoint (an emulator).
    if (this.cfg.apiEndpoint || process.env.STORAGE_EMULATOR_HOST) return {};
    const headers = await this.storage.authClient.getRequestHeaders();
    const out: Record<string, string> = {};
    if (typeof (headers as Headers).forEach === 'function') (headers as Headers).forEach((v, k) => (out[k] = v));
    else Object.assign(out, headers);
    return out;
  }

  async touch(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const loc = locate(uri, 'touch');
    const ctx = { operation: 'touch', uri };
    const meta = await this.metadata(loc, ctx, options.signal);
    if (meta) {
      // A metadata update moves `updated` to now without rewriting the data.
      await this.call(() => this.file(loc).setMetadata({ metadata: { ...(meta.metadata ?? {}), deepstoreTouched: new Date().toISOString() } }), ctx, options.signal);
      return;
    }
    if (loc.name !== '' && (await this.firstChild(loc, ctx, options.signal))) {
      await this.mkdir(uri, options);
      return;
    }
    await this.write(uri, Buffer.alloc(0), options.signal ? { signal: options.signal } : {});
  }

  async openRead(uri: UriLike, options: ReadOptions = {}): Promise<Readable> {
    const loc = locate(uri, 'openRead');
    const ctx = { operation: 'openRead', uri };
    const { offset = 0, length, signal } = options;
    validateRange(offset, length, ctx);
    if (loc.name === '' || loc.trailingSlash) throw new InvalidInputError('is a directory, expected a file', ctx);
    // The client reports a missing object only once the stream is read: look first, so errors come before the stream.
    const meta = await this.metadata(loc, ctx, signal);
    if (!meta) {
      if (await this.firstChild(loc, ctx, signal)) throw new InvalidInputError('is a directory, expected a file', ctx);
      throw new NotFoundError(undefined, ctx);
    }
    const size = Number(meta.size ?? 0);
    if (offset > size) throw new InvalidInputError(`offset ${offset} is past the end of the object (${size} bytes)`, ctx);
    const end = length === undefined ? size - 1 : Math.min(size, offset + length) - 1;
    if (end < offset) return Readable.from([], { objectMode: false });
    const whole = offset === 0 && end === size - 1;
    // Pin the read to the generation we looked at, so a resumed or concurrent read cannot splice two versions.
    // Each piece is a plain ranged read; the whole-object CRC32C is checked here, across resumes.
    const open = async (position: number): Promise<Readable> => {
      try {
        return await openMediaRange({
          endpoint: this.endpoint,
          bucket: loc.bucket,
          name: loc.name,
          generation: meta.generation,
          start: position,
          end,
          headers: await this.authHeaders(),
          dispatcher: this.dispatcher,
          signal,
        });
      } catch (err) {
        throw toGcsError(asAbortedIfSignalled(err, signal, ctx), ctx);
      }
    };
    const expected = whole && typeof meta.crc32c === 'string' ? meta.crc32c : undefined;
    return resumingRead(
      {
        start: offset,
        end,
        open,
        attempts: this.cfg.maxRetries + 1,
        stallTimeout: this.cfg.timeout,
        ctx,
        ...(signal ? { signal } : {}),
        ...(expected ? { verifier: crc32cVerifier(expected, ctx) } : {}),
        classify: (err) => toGcsError(err, ctx),
      },
      // Refusals (503, 429, resets) of the first request are retried here, so they come before the stream.
      await withRetry(() => open(offset), { attempts: this.cfg.maxRetries + 1, context: ctx, ...(signal ? { signal } : {}) }),
    );
  }

  async write(uri: UriLike, data: WriteSource, options: WriteOptions = {}): Promise<void> {
    const loc = locate(uri, 'write');
    const ctx = { operation: 'write', uri };
    if (loc.name === '' || loc.trailingSlash) throw new InvalidInputError('is a directory; a file needs a name', ctx);
    const source = toReadable(data);
    source.on('error', () => undefined);
    try {
      throwIfAborted(options.signal, ctx);
      const [existing, child] = await Promise.all([this.metadata(loc, ctx, options.signal), this.firstChild(loc, ctx, options.signal)]);
      if (child) throw new InvalidInputError('is a directory; cannot write a file over it', ctx);
      if (existing && options.overwrite === false) throw new AlreadyExistsError('already exists (overwrite is off)', ctx);
    } catch (err) {
      source.destroy();
      throw err;
    }
    await this.upload(loc, source, options, ctx);
  }

  protected override async uploadFile(source: string, dst: UriLike, size: number, options: TransferOptions, fresh = false): Promise<void> {
    if (!fresh) {
      await super.uploadFile(source, dst, size, options);
      return;
    }
    // Nothing can be in the way in a tree this call created: skip the existence checks.
    const stream = createReadStream(source, { highWaterMark: LOCAL_CHUNK });
    stream.on('error', () => undefined);
    await this.upload(locate(dst, 'copyFromLocal'), stream, { ...options, size }, { operation: 'copyFromLocal', uri: dst });
  }

  /** Uploads after the checks; on any failure the source is released and a resumable session cancelled. */
  private async upload(loc: GcsLocation, source: Readable, options: WriteOptions, ctx: ErrorContext): Promise<void> {
    let sessionUri: string | undefined;
    const onAbort = () => source.destroy(new AbortedError(undefined, ctx));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      throwIfAborted(options.signal, ctx);
      const file = this.file(loc);
      // overwrite=false is enforced by the store too (ifGenerationMatch=0), against racing writers.
      const preconditionOpts = options.overwrite === false ? { ifGenerationMatch: 0 } : undefined;
      const metadata = { contentType: 'application/octet-stream' };
      const reporter = new ProgressReporter(options.onProgress, options.size, uriOf(loc.bucket, loc.name));
      // Read up to the threshold first: what fits is one request we can resend ourselves (the client
      // does not retry non-resumable uploads); what does not becomes a chunked resumable upload.
      const reader = new PartReader(source);
      const head = await reader.read(Math.max(this.cfg.resumableThreshold, 1));
      if (reader.ended && head.length < Math.max(this.cfg.resumableThreshold, 1)) {
        await this.saveWithRetries(file, head, { resumable: false, validation: 'crc32c', metadata, ...(preconditionOpts ? { preconditionOpts } : {}) }, ctx, options.signal);
        reporter.add(head.length);
        reporter.done();
        return;
      }
      [sessionUri] = await this.call(() => file.createResumableUpload({ metadata, ...(preconditionOpts ? { preconditionOpts } : {}) }), ctx, options.signal);
      const sink = file.createWriteStream({
        resumable: true,
        uri: sessionUri,
        chunkSize: this.cfg.chunkSize,
        validation: 'crc32c',
        metadata,
        ...(preconditionOpts ? { preconditionOpts } : {}),
      });
      const rest = (async function* () {
        yield head;
        for (;;) {
          const next = await reader.read(1 << 20);
          if (next.length > 0) yield next;
          if (reader.ended) return;
        }
      })();
      await pipeline(Readable.from(rest, { objectMode: false }), progressStream(reporter), sink, options.signal ? { signal: options.signal } : {});
      sessionUri = undefined;
    } catch (err) {
      source.destroy();
      if (sessionUri) await cancelSession(sessionUri);
      throw toGcsError(asAbortedIfSignalled(err, options.signal, ctx), ctx);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** One-request upload of a buffer, resent on transient failures with jittered backoff. */
  private async saveWithRetries(file: File, data: Buffer, saveOptions: Parameters<File['save']>[1], ctx: ErrorContext, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.call(() => file.save(data, saveOptions), ctx, signal);
        return;
      } catch (err) {
        if (!(err as { retryable?: boolean }).retryable || attempt >= this.cfg.maxRetries) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(16_000, 250 * 2 ** attempt)));
      }
    }
  }

  protected override async copyFile(src: UriLike, dst: UriLike, srcMeta: FileMetadata, options: TransferOptions): Promise<void> {
    const from = locate(src, 'copy');
    const to = locate(dst, 'copy');
    const ctx = { operation: 'copy', uri: src };
    // copy() drives rewriteTo, repeating with the rewrite token until the store says done.
    await this.call(() => this.file(from).copy(this.file(to)), ctx, options.signal);
    const reporter = new ProgressReporter(options.onProgress, srcMeta.length, uriOf(to.bucket, to.name));
    reporter.set(srcMeta.length);
    reporter.done();
  }

  override async close(): Promise<void> {
    this.storageInstance = undefined;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}

/** Checks the bytes read against the object's CRC32C (base64, as GCS records it). */
function crc32cVerifier(expected: string, ctx: ErrorContext): ContentVerifier {
  const crc = new CRC32C();
  return {
    update: (chunk) => crc.update(chunk),
    verify: () => {
      if (!crc.validate(expected)) throw new TransientError(`downloaded bytes have CRC32C ${crc.toString()}, the object records ${expected}`, ctx);
    },
  };
}

function timeOf(meta: GcsMetadata | undefined): number {
  const t = meta?.updated ?? meta?.timeCreated;
  return t ? Date.parse(String(t)) : 0;
}

function withScheme(host: string): string {
  return /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `http://${host}`;
}

/** Cancels a resumable session so the partial upload is dropped at once (the store answers 499). */
async function cancelSession(uri: string): Promise<void> {
  // Retried: the cancel itself can meet the same 5xx or reset that failed the upload. An
  // unreachable store lets the session expire by itself (a week) without ever making an object.
  await withRetry(
    async () => {
      const res = await fetch(uri, { method: 'DELETE', headers: { 'content-length': '0' }, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer().catch(() => undefined);
      if (!(res.status === 499 || res.status === 404 || res.status === 410 || (res.status >= 200 && res.status < 300))) throw new Error(`cancel answered ${res.status}`);
    },
    { attempts: 4, shouldRetry: () => true },
  ).catch(() => undefined);
}

