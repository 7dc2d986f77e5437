import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  AbortedError,
  AlreadyExistsError,
  BaseFileSystem,
  DeepstoreError,
  InvalidInputError,
  LOCAL_CHUNK,
  NotEmptyError,
  NotFoundError,
  PartReader,
  ProgressReporter,
  Semaphore,
  md5Verifier,
  rangedDownload,
  TransientError,
  addImplicitParents,
  asAbortedIfSignalled,
  forEachLimit,
  fromNodeError,
  isErrorKind,
  knownSize,
  throwIfAborted,
  resumingRead,
  toReadable,
  validateRange,
  type Capabilities,
  type DownloadFileOptions,
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
import { createS3Client } from './client.js';
import { S3_MAX_PARTS, S3_MAX_SINGLE_COPY, parseS3Config, type S3FsConfig } from './config.js';
import { isExpiredCredentials, toS3Error } from './errors.js';
import { copySource, dirPrefix, locate, uriOf, type S3Location } from './location.js';

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

/** Part size for server-side multipart copies of objects over 5 GiB. */
const COPY_PART = 512 * 1024 * 1024;

interface UploadedPart {
  PartNumber: number;
  ETag: string;
  md5: Buffer;
}

/**
 * Amazon S3 and S3-compatible stores, for `s3:`, `s3a:` and `s3n:` URIs.
 *
 * Directories are Pinot's: a key prefix ending in `/`, with a zero-byte marker object written by
 * `mkdir`. Uploads are single PUTs up to one part and concurrent multipart uploads beyond, every
 * part with a Content-MD5 the server verifies; any failure or abort aborts the multipart upload.
 * Copies and moves are server-side. Downloads stream and are checked against length and ETag.
 */
export class S3FileSystem extends BaseFileSystem {
  readonly schemes = ['s3', 's3a', 's3n'] as const;
  readonly capabilities = CAPABILITIES;
  private cfg: S3FsConfig = parseS3Config({});
  private clientInstance: S3Client | undefined;
  private readonly pool = new BufferPool();
  /** One multipart upload at a time per filesystem: its parts already run in parallel, and this bounds memory when trees upload many files at once. */
  private readonly multipartSlots = new Semaphore(1);

  override async init(config: FsConfig): Promise<void> {
    this.cfg = parseS3Config(config);
    // Small objects are latency-bound: trees move many at once (large ones queue for a multipart slot).
    this.treeConcurrency = 16;
    this.pool.limit = this.cfg.multiPartUploadConcurrency + 1;
    this.clientInstance?.destroy();
    this.clientInstance = createS3Client(this.cfg);
  }

  /** The settings in force (secrets included: do not log this). */
  get settings(): Readonly<S3FsConfig> {
    return this.cfg;
  }

  private get client(): S3Client {
    this.clientInstance ??= createS3Client(this.cfg);
    return this.clientInstance;
  }

  override async close(): Promise<void> {
    this.pool.clear();
    this.clientInstance?.destroy();
    this.clientInstance = undefined;
  }

  /** Sends a command, mapping errors; expired credentials get one retry with a fresh client. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async send<T>(command: any, ctx: ErrorContext, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal, ctx);
    try {
      return (await this.client.send(command, signal ? { abortSignal: signal } : {})) as T;
    } catch (err) {
      if (isExpiredCredentials(err)) {
        this.clientInstance?.destroy();
        this.clientInstance = createS3Client(this.cfg);
        try {
          return (await this.client.send(command, signal ? { abortSignal: signal } : {})) as T;
        } catch (again) {
          throw toS3Error(asAbortedIfSignalled(again, signal, ctx), ctx);
        }
      }
      throw toS3Error(asAbortedIfSignalled(err, signal, ctx), ctx);
    }
  }

  private writeParams(): Record<string, string> {
    const p: Record<string, string> = {};
    if (!this.cfg.disableAcl) p.ACL = 'bucket-owner-full-control';
    if (this.cfg.serverSideEncryption) p.ServerSideEncryption = this.cfg.serverSideEncryption;
    if (this.cfg.ssekmsKeyId) p.SSEKMSKeyId = this.cfg.ssekmsKeyId;
    if (this.cfg.ssekmsEncryptionContext) p.SSEKMSEncryptionContext = Buffer.from(this.cfg.ssekmsEncryptionContext).toString('base64');
    if (this.cfg.storageClass) p.StorageClass = this.cfg.storageClass;
    return p;
  }

  // ---- lookups -------------------------------------------------------------------------

  private async head(loc: S3Location, ctx: ErrorContext, signal?: AbortSignal): Promise<HeadObjectCommandOutput | undefined> {
    if (loc.key === '' || loc.trailingSlash) return undefined;
    try {
      return await this.send<HeadObjectCommandOutput>(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }), ctx, signal);
    } catch (err) {
      if (isErrorKind(err, 'NotFound') && !/bucket/.test((err as Error).message)) return undefined;
      throw err;
    }
  }

  /** The first object under `key/` (the marker itself if there is one), or undefined. */
  private async firstChild(loc: S3Location, ctx: ErrorContext, signal?: AbortSignal): Promise<{ Key?: string; LastModified?: Date } | undefined> {
    const res = await this.send<{ Contents?: Array<{ Key?: string; LastModified?: Date }> }>(
      new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: dirPrefix(loc.key), MaxKeys: 1 }),
      ctx,
      signal,
    );
    return res.Contents?.[0];
  }

  async stat(uri: UriLike, options: OperationOptions = {}): Promise<FileMetadata> {
    const loc = locate(uri, 'stat');
    const ctx = { operation: 'stat', uri };
    if (loc.key === '') {
      await this.send(new HeadBucketCommand({ Bucket: loc.bucket }), ctx, options.signal);
      return { uri: uriOf(loc, ''), isDirectory: true, length: 0, lastModified: 0 };
    }
    const [file, child] = await Promise.all([this.head(loc, ctx, options.signal), this.firstChild(loc, ctx, options.signal)]);
    if (file) return { uri: uriOf(loc, loc.key), isDirectory: false, length: file.ContentLength ?? 0, lastModified: file.LastModified?.getTime() ?? 0 };
    if (child) {
      const marker = child.Key === dirPrefix(loc.key);
      return { uri: uriOf(loc, loc.key), isDirectory: true, length: 0, lastModified: marker ? (child.LastModified?.getTime() ?? 0) : 0 };
    }
    throw new NotFoundError(undefined, ctx);
  }

  // ---- listing -------------------------------------------------------------------------

  async listWithMetadata(uri: UriLike, options: ListOptions = {}): Promise<FileMetadata[]> {
    const loc = locate(uri, 'list');
    const ctx = { operation: 'list', uri };
    const prefix = dirPrefix(loc.key);
    const entries = new Map<string, FileMetadata>();
    let exists = loc.key === '';
    let token: string | undefined;
    do {
      const res = await this.send<{
        Contents?: Array<{ Key?: string; Size?: number; LastModified?: Date }>;
        CommonPrefixes?: Array<{ Prefix?: string }>;
        NextContinuationToken?: string;
        IsTruncated?: boolean;
      }>(
        new ListObjectsV2Command({
          Bucket: loc.bucket,
          Prefix: prefix,
          ...(options.recursive ? {} : { Delimiter: '/' }),
          ...(token ? { ContinuationToken: token } : {}),
        }),
        ctx,
        options.signal,
      );
      for (const obj of res.Contents ?? []) {
        const key = obj.Key ?? '';
        exists = true;
        if (key === prefix) continue; // the directory's own marker
        const rel = key.slice(prefix.length);
        const time = obj.LastModified?.getTime() ?? 0;
        if (key.endsWith('/')) {
          entries.set(rel.slice(0, -1), { uri: uriOf(loc, key.slice(0, -1)), isDirectory: true, length: 0, lastModified: time });
        } else {
          entries.set(rel, { uri: uriOf(loc, key), isDirectory: false, length: obj.Size ?? 0, lastModified: time });
        }
        if (options.recursive) addImplicitParents(entries, rel, (dir) => ({ uri: uriOf(loc, `${prefix}${dir}`), isDirectory: true, length: 0, lastModified: 0 }));
      }
      for (const cp of res.CommonPrefixes ?? []) {
        exists = true;
        const rel = (cp.Prefix ?? '').slice(prefix.length).replace(/\/$/, '');
        if (rel && !entries.has(rel)) entries.set(rel, { uri: uriOf(loc, `${prefix}${rel}`), isDirectory: true, length: 0, lastModified: 0 });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    if (!exists) {
      if (await this.head(loc, ctx, options.signal)) throw new InvalidInputError('is a file, not a directory', ctx);
      throw new NotFoundError(undefined, ctx);
    }
    return [...entries.values()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  // ---- directories and deletion ---------------------------------------------------------

  async mkdir(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const loc = locate(uri, 'mkdir');
    const ctx = { operation: 'mkdir', uri };
    if (loc.key === '') {
      await this.send(new HeadBucketCommand({ Bucket: loc.bucket }), ctx, options.signal);
      return;
    }
    if (await this.head(loc, ctx, options.signal)) throw new AlreadyExistsError('a file is in the way of the directory', ctx);
    await this.send(
      new PutObjectCommand({ Bucket: loc.bucket, Key: dirPrefix(loc.key), Body: Buffer.alloc(0), ContentLength: 0, ContentMD5: md5(Buffer.alloc(0)).toString('base64'), ...this.writeParams() }),
      ctx,
      options.signal,
    );
  }

  async delete(uri: UriLike, options: DeleteOptions = {}): Promise<boolean> {
    const loc = locate(uri, 'delete');
    const ctx = { operation: 'delete', uri };
    if (loc.key === '') throw new InvalidInputError('refusing to delete a whole bucket', ctx);
    if (await this.head(loc, ctx, options.signal)) {
      await this.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: loc.key }), ctx, options.signal);
      return true;
    }
    const prefix = dirPrefix(loc.key);
    if (!options.force) {
      const res = await this.send<{ Contents?: Array<{ Key?: string }> }>(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: prefix, MaxKeys: 2 }), ctx, options.signal);
      if ((res.Contents ?? []).some((o) => o.Key !== prefix)) throw new NotEmptyError(undefined, ctx);
    }
    // Page through the keys and delete each page of up to 1,000 in one DeleteObjects call.
    let deleted = false;
    let token: string | undefined;
    do {
      const res = await this.send<{ Contents?: Array<{ Key?: string }>; NextContinuationToken?: string; IsTruncated?: boolean }>(
        new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: prefix, MaxKeys: 1000, ...(token ? { ContinuationToken: token } : {}) }),
        ctx,
        options.signal,
      );
      const keys = (res.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined);
      if (keys.length > 0) {
        await this.deleteKeys(loc.bucket, keys, ctx, options.signal);
        deleted = true;
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  /** Deletes up to 1,000 keys in one request; a key the store refused fails the call. */
  private async deleteKeys(bucket: string, keys: string[], ctx: ErrorContext, signal?: AbortSignal): Promise<void> {
    const res = await this.send<{ Errors?: Array<{ Key?: string; Code?: string; Message?: string }> }>(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      ctx,
      signal,
    );
    const first = res.Errors?.[0];
    if (first) {
      throw new DeepstoreError('Unexpected', `${res.Errors!.length} of ${keys.length} keys were not deleted; first: ${first.Key} (${first.Code}: ${first.Message})`, ctx);
    }
  }

  async touch(uri: UriLike, options: OperationOptions = {}): Promise<void> {
    const loc = locate(uri, 'touch');
    const ctx = { operation: 'touch', uri };
    const file = await this.head(loc, ctx, options.signal);
    if (file) {
      // S3 cannot set a time: copying the object onto itself with new metadata makes it now.
      await this.send(
        new CopyObjectCommand({
          Bucket: loc.bucket,
          Key: loc.key,
          CopySource: copySource(loc.bucket, loc.key),
          CopySourceIfMatch: file.ETag,
          MetadataDirective: 'REPLACE',
          Metadata: { ...file.Metadata, 'deepstore-touched': new Date().toISOString() },
          ...(file.ContentType ? { ContentType: file.ContentType } : {}),
          ...this.writeParams(),
        }),
        ctx,
        options.signal,
      );
      return;
    }
    if (loc.key !== '' && (await this.firstChild(loc, ctx, options.signal))) {
      await this.mkdir(uri, options);
      return;
    }
    await this.write(uri, Buffer.alloc(0), { ...(options.signal ? { signal: options.signal } : {}) });
  }

  // ---- reading -------------------------------------------------------------------------

  async openRead(uri: UriLike, options: ReadOptions = {}): Promise<Readable> {
    const loc = locate(uri, 'openRead');
    const ctx = { operation: 'openRead', uri };
    const { offset = 0, length, signal } = options;
    validateRange(offset, length, ctx);
    if (loc.key === '' || loc.trailingSlash) throw new InvalidInputError('is a directory, expected a file', ctx);
    const whole = offset === 0 && length === undefined;
    if (length === 0) return this.emptyAfterCheck(loc, offset, ctx, signal);
    let res: { Body?: unknown; ContentLength?: number; ETag?: string; ServerSideEncryption?: string; SSECustomerAlgorithm?: string };
    try {
      res = await this.send(
        new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...(whole ? {} : { Range: `bytes=${offset}-${length === undefined ? '' : offset + length - 1}` }) }),
        ctx,
        signal,
      );
    } catch (err) {
      if (isErrorKind(err, 'NotFound') && (await this.firstChild(loc, ctx, signal))) throw new InvalidInputError('is a directory, expected a file', ctx);
      // A range starting exactly at the end is empty, not an error (S3 answers 416).
      if (isErrorKind(err, 'InvalidInput') && /range/.test((err as Error).message)) return this.emptyAfterCheck(loc, offset, ctx, signal);
      throw err;
    }
    const body = res.Body as Readable;
    const total = res.ContentLength ?? 0;
    const plainMd5 = whole && /^"?[0-9a-f]{32}"?$/i.test(res.ETag ?? '') && !res.ServerSideEncryption?.startsWith('aws:kms') && !res.SSECustomerAlgorithm;
    const etag = res.ETag;
    return resumingRead(
      {
        start: offset,
        end: offset + total - 1,
        attempts: this.cfg.maxAttempts,
        stallTimeout: this.cfg.socketTimeout,
        ...(plainMd5 ? { verifier: md5Verifier(etag!.replace(/"/g, '').toLowerCase(), ctx) } : {}),
        ctx,
        ...(signal ? { signal } : {}),
        classify: (err) => toS3Error(err, ctx),
        open: async (position) => {
          const again = await this.send<{ Body?: unknown }>(
            new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, Range: `bytes=${position}-${offset + total - 1}`, ...(etag ? { IfMatch: etag } : {}) }),
            ctx,
            signal,
          );
          return again.Body as Readable;
        },
      },
      body,
    );
  }

  private async emptyAfterCheck(loc: S3Location, offset: number, ctx: ErrorContext, signal?: AbortSignal): Promise<Readable> {
    const file = await this.head(loc, ctx, signal);
    if (!file) {
      if (await this.firstChild(loc, ctx, signal)) throw new InvalidInputError('is a directory, expected a file', ctx);
      throw new NotFoundError(undefined, ctx);
    }
    const size = file.ContentLength ?? 0;
    if (offset > size) throw new InvalidInputError(`offset ${offset} is past the end of the object (${size} bytes)`, ctx);
    return Readable.from([], { objectMode: false });
  }

  /** Downloads large objects with concurrent ranged GETs written in place, pinned to one version by ETag. */
  protected override async downloadFile(src: UriLike, target: string, size: number, options: DownloadFileOptions): Promise<void> {
    const part = this.cfg.multiPartUploadPartSize;
    if (size <= 2 * part) {
      await super.downloadFile(src, target, size, options);
      return;
    }
    const loc = locate(src, 'copyToLocal');
    const ctx = { operation: 'copyToLocal', uri: src };
    const head = await this.head(loc, ctx, options.signal);
    if (!head) throw new NotFoundError(undefined, ctx);
    await rangedDownload({
      target,
      size: head.ContentLength ?? 0,
      partSize: part,
      concurrency: this.cfg.multiPartUploadConcurrency,
      attempts: this.cfg.maxAttempts,
      stallTimeout: this.cfg.socketTimeout,
      classify: (err) => toS3Error(err, ctx),
      ctx,
      uri: uriOf(loc, loc.key),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      // Every range pinned to the version we looked at.
      openRange: async (from, to) => {
        const res = await this.send<{ Body?: unknown }>(
          new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, Range: `bytes=${from}-${to}`, ...(head.ETag ? { IfMatch: head.ETag } : {}) }),
          ctx,
          options.signal,
        );
        return res.Body as Readable;
      },
    });
  }

  // ---- writing -------------------------------------------------------------------------

  async write(uri: UriLike, data: WriteSource, options: WriteOptions = {}): Promise<void> {
    const loc = locate(uri, 'write');
    const ctx = { operation: 'write', uri };
    if (loc.key === '' || loc.trailingSlash) throw new InvalidInputError('is a directory; a file needs a key', ctx);
    const source = toReadable(data);
    source.on('error', () => undefined); // surfaced through the reads below
    try {
      throwIfAborted(options.signal, ctx);
      const [existing, child] = await Promise.all([this.head(loc, ctx, options.signal), this.firstChild(loc, ctx, options.signal)]);
      if (child) throw new InvalidInputError('is a directory; cannot write a file over it', ctx);
      if (existing && options.overwrite === false) throw new AlreadyExistsError('already exists (overwrite is off)', ctx);
      // In-memory data has a known size: no need to stage it through a whole part buffer.
      const size = options.size ?? knownSize(data);
      await this.upload(loc, source, size === undefined ? options : { ...options, size }, ctx);
    } catch (err) {
      source.destroy();
      throw asAbortedIfSignalled(err, options.signal, ctx);
    }
  }

  protected override async uploadFile(source: string, dst: UriLike, size: number, options: TransferOptions, fresh = false): Promise<void> {
    if (!fresh) {
      await super.uploadFile(source, dst, size, options);
      return;
    }
    // Nothing can be in the way in a tree this call created: skip the existence checks.
    const loc = locate(dst, 'copyFromLocal');
    const ctx = { operation: 'copyFromLocal', uri: dst };
    // A small file is one read and one PUT: no stream machinery per file.
    const stream = size < this.cfg.multiPartUploadPartSize ? Readable.from([await readLocal(source, ctx)], { objectMode: false }) : createReadStream(source, { highWaterMark: LOCAL_CHUNK });
    stream.on('error', () => undefined);
    try {
      await this.upload(loc, stream, { ...options, size }, ctx);
    } catch (err) {
      stream.destroy();
      throw asAbortedIfSignalled(err, options.signal, ctx);
    }
  }

  private async upload(loc: S3Location, source: Readable, options: WriteOptions, ctx: ErrorContext): Promise<void> {
    // Small files of known size go straight through; anything that may need part buffers waits for the slot.
    if (options.size !== undefined && options.size < this.partSizeFor(options.size)) return this.uploadNow(loc, source, options, ctx);
    return this.multipartSlots.run(() => this.uploadNow(loc, source, options, ctx));
  }

  private async uploadNow(loc: S3Location, source: Readable, options: WriteOptions, ctx: ErrorContext): Promise<void> {
    const signal = options.signal;
    const onAbort = () => source.destroy(new AbortedError(undefined, ctx));
    signal?.addEventListener('abort', onAbort, { once: true });
    const reporter = new ProgressReporter(options.onProgress, options.size, uriOf(loc, loc.key));
    const conditional: Record<string, string> = options.overwrite === false ? { IfNoneMatch: '*' } : {};
    // Parts are read into reused buffers (shared by this filesystem's uploads), so memory stays
    // near (concurrency + 1) parts and small files do not each allocate a whole part.
    const pool = this.pool;
    try {
      const partSize = this.partSizeFor(options.size);
      const reader = new PartReader(source);
      // A small file of known size needs only its size (+1 byte to see the end) for its single PUT.
      const small = options.size !== undefined && options.size < partSize;
      const firstBuf = small ? Buffer.allocUnsafe(options.size! + 1) : pool.take(partSize);
      const first = firstBuf.subarray(0, await reader.readInto(firstBuf));
      if (small && !reader.ended) throw new InvalidInputError(`the data is longer than its declared size of ${options.size} bytes`, ctx);
      if (reader.ended && first.length < Math.max(this.cfg.minObjectSizeForMultiPartUpload, 1)) {
        const digest = md5(first);
        const res = await this.send<{ ETag?: string }>(
          new PutObjectCommand({
            Bucket: loc.bucket,
            Key: loc.key,
            Body: first,
            ContentLength: first.length,
            ContentMD5: digest.toString('base64'),
            ...conditional,
            ...this.writeParams(),
          }),
          ctx,
          signal,
        );
        checkEtag(res.ETag, digest.toString('hex'), ctx);
        if (!small) pool.give(firstBuf);
        reporter.add(first.length);
        reporter.done();
        return;
      }
      await this.multipart(loc, reader, pool, firstBuf, first.length, partSize, reporter, conditional, ctx, signal);
      reporter.done();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Part size for an upload: the configured size, raised so a known size fits in S3's 10,000 parts. */
  private partSizeFor(size: number | undefined): number {
    const base = this.cfg.multiPartUploadPartSize;
    if (size === undefined) return base;
    return Math.max(base, Math.ceil(size / (S3_MAX_PARTS - 1)));
  }

  private async multipart(
    loc: S3Location,
    reader: PartReader,
    pool: BufferPool,
    firstBuf: Buffer,
    firstLength: number,
    basePart: number,
    reporter: ProgressReporter,
    conditional: Record<string, string>,
    ctx: ErrorContext,
    signal?: AbortSignal,
  ): Promise<void> {
    const created = await this.send<{ UploadId?: string }>(new CreateMultipartUploadCommand({ Bucket: loc.bucket, Key: loc.key, ...this.writeParams() }), ctx, signal);
    const uploadId = created.UploadId;
    if (!uploadId) throw new DeepstoreError('Unexpected', 'the store returned no UploadId', ctx);
    const parts: UploadedPart[] = [];
    const inflight = new Set<Promise<void>>();
    let failure: { err: unknown } | undefined;
    try {
      let buf = firstBuf;
      let length = firstLength;
      let number = 0;
      for (;;) {
        number += 1;
        if (number > S3_MAX_PARTS) throw new InvalidInputError(`the stream needs more than ${S3_MAX_PARTS} parts; pass its size or raise multiPartUploadPartSize`, ctx);
        const partNumber = number;
        const owned = buf;
        const body = owned.subarray(0, length);
        const task = this.uploadPart(loc, uploadId, partNumber, body, ctx, signal).then(
          (p) => {
            parts.push(p);
            reporter.add(body.length);
          },
          (err: unknown) => {
            failure ??= { err };
          },
        );
        inflight.add(task);
        void task.finally(() => {
          inflight.delete(task);
          pool.give(owned);
        });
        if (reader.ended) break;
        while (inflight.size >= this.cfg.multiPartUploadConcurrency && !failure) await Promise.race(inflight);
        if (failure) break;
        // Without a known size, grow parts every 1,000 so an unbounded stream still fits in 10,000 parts.
        buf = pool.take(basePart * 2 ** Math.floor(partNumber / 1000));
        length = await reader.readInto(buf);
        if (length === 0 && reader.ended) {
          pool.give(buf);
          break;
        }
      }
      await Promise.all(inflight);
      if (failure) throw failure.err;
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      const done = await this.send<{ ETag?: string }>(
        new CompleteMultipartUploadCommand({
          Bucket: loc.bucket,
          Key: loc.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
          ...conditional,
        }),
        ctx,
        signal,
      );
      const expected = `${md5(Buffer.concat(parts.map((p) => p.md5))).toString('hex')}-${parts.length}`;
      if (done.ETag && /^"?[0-9a-f]{32}-\d+"?$/i.test(done.ETag) && done.ETag.replace(/"/g, '') !== expected) {
        await this.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: loc.key }), ctx).catch(() => undefined);
        throw new TransientError(`the stored object's ETag ${done.ETag} does not match the parts sent (${expected}); it was deleted`, ctx);
      }
    } catch (err) {
      failure ??= { err };
      await Promise.allSettled(inflight);
      await this.abortMultipart(loc, uploadId, ctx);
      throw err;
    }
  }

  private async uploadPart(loc: S3Location, uploadId: string, partNumber: number, body: Buffer, ctx: ErrorContext, signal?: AbortSignal): Promise<UploadedPart> {
    const digest = md5(body);
    const res = await this.send<{ ETag?: string }>(
      new UploadPartCommand({ Bucket: loc.bucket, Key: loc.key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length, ContentMD5: digest.toString('base64') }),
      ctx,
      signal,
    );
    if (!res.ETag) throw new DeepstoreError('Unexpected', `part ${partNumber} was stored without an ETag`, ctx);
    checkEtag(res.ETag, digest.toString('hex'), ctx);
    return { PartNumber: partNumber, ETag: res.ETag, md5: digest };
  }

  /** Aborts a multipart upload so no parts stay behind; tried a few times, never with the caller's (maybe aborted) signal. */
  private async abortMultipart(loc: S3Location, uploadId: string, ctx: ErrorContext): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.send(new AbortMultipartUploadCommand({ Bucket: loc.bucket, Key: loc.key, UploadId: uploadId }), ctx);
        return;
      } catch (err) {
        if (isErrorKind(err, 'NotFound')) return; // already gone
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
  }

  // ---- copying -------------------------------------------------------------------------

  protected override async copyFile(src: UriLike, dst: UriLike, srcMeta: FileMetadata, options: TransferOptions): Promise<void> {
    const from = locate(src, 'copy');
    const to = locate(dst, 'copy');
    const ctx = { operation: 'copy', uri: src };
    const reporter = new ProgressReporter(options.onProgress, srcMeta.length, uriOf(to, to.key));
    if (srcMeta.length <= S3_MAX_SINGLE_COPY) {
      await this.send(
        new CopyObjectCommand({ Bucket: to.bucket, Key: to.key, CopySource: copySource(from.bucket, from.key), MetadataDirective: 'COPY', ...this.writeParams() }),
        ctx,
        options.signal,
      );
    } else {
      await this.multipartCopy(from, to, srcMeta.length, reporter, ctx, options.signal);
    }
    reporter.set(srcMeta.length);
    reporter.done();
  }

  /** Server-side copy of objects over 5 GiB with UploadPartCopy, pinned to the source's ETag. */
  private async multipartCopy(from: S3Location, to: S3Location, size: number, reporter: ProgressReporter, ctx: ErrorContext, signal?: AbortSignal): Promise<void> {
    const head = await this.head(from, ctx, signal);
    if (!head) throw new NotFoundError('source does not exist', ctx);
    const created = await this.send<{ UploadId?: string }>(new CreateMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, ...this.writeParams() }), ctx, signal);
    const uploadId = created.UploadId!;
    const ranges: Array<{ n: number; start: number; end: number }> = [];
    for (let start = 0, n = 1; start < size; start += COPY_PART, n++) ranges.push({ n, start, end: Math.min(size, start + COPY_PART) - 1 });
    const parts: Array<{ PartNumber: number; ETag: string }> = [];
    try {
      await forEachLimit(
        ranges,
        this.cfg.multiPartUploadConcurrency,
        async ({ n, start, end }) => {
          const res = await this.send<{ CopyPartResult?: { ETag?: string } }>(
            new UploadPartCopyCommand({
              Bucket: to.bucket,
              Key: to.key,
              UploadId: uploadId,
              PartNumber: n,
              CopySource: copySource(from.bucket, from.key),
              CopySourceRange: `bytes=${start}-${end}`,
              ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
            }),
            ctx,
            signal,
          );
          parts.push({ PartNumber: n, ETag: res.CopyPartResult?.ETag ?? '' });
          reporter.add(end - start + 1);
        },
        signal,
      );
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      await this.send(new CompleteMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId, MultipartUpload: { Parts: parts } }), ctx, signal);
    } catch (err) {
      await this.abortMultipart(to, uploadId, ctx);
      throw err;
    }
  }
}

async function readLocal(file: string, ctx: ErrorContext): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw fromNodeError(err, { ...ctx, uri: file });
  }
}

function md5(buf: Buffer): Buffer {
  return createHash('md5').update(buf).digest();
}

/** A plain (non-multipart, non-KMS) ETag is the MD5 of the bytes: check it when the store gives one. */
function checkEtag(etag: string | undefined, expectedHex: string, ctx: ErrorContext): void {
  if (!etag) return;
  const clean = etag.replace(/"/g, '').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(clean) && clean !== expectedHex) {
    throw new TransientError(`the store acknowledged ETag ${clean} for data whose MD5 is ${expectedHex}`, ctx);
  }
}

/** A few part-sized buffers handed out and given back, so uploads do not churn the heap. */
class BufferPool {
  private readonly free: Buffer[] = [];
  /** Buffers kept for reuse; the rest go to the garbage collector. */
  limit = 9;

  take(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length === size);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    return Buffer.allocUnsafe(size);
  }

  clear(): void {
    this.free.length = 0;
  }

  give(buf: Buffer): void {
    if (this.free.length < this.limit) this.free.push(buf);
  }
}
