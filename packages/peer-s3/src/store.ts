import { randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isErrno, S3Error } from './errors.js';

/**
 * s3rver's on-disk layout, read and written directly (and atomically) by the peer:
 *
 *   <root>/<bucket>/<key dirs...>/<last segment>._S3rver_object          the bytes
 *   <root>/<bucket>/<key dirs...>/<last segment>._S3rver_object.md5      the ETag (hex, or hex-N)
 *   <root>/<bucket>/<key dirs...>/<last segment>._S3rver_metadata.json   content-type, x-amz-meta-*, ...
 *   <root>/<bucket>/._S3rver_uploads/<uploadId>/{key,metadata,<n>,<n>.md5}
 *
 * Writes go to <root>/.s3peer-tmp first and are renamed into place under a per-key lock.
 */

export const SUFFIX = '._S3rver_';
const OBJECT_SUFFIX = `${SUFFIX}object`;
const UPLOADS_DIR = `${SUFFIX}uploads`;
const TMP_DIR = '.s3peer-tmp';

export type StoredMetadata = Record<string, string | number | boolean | number[]>;

export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  /** Without quotes: 32 hex digits, or hex-N for multipart objects. */
  etag: string;
  /** Truncated to whole seconds, as S3 reports it. */
  lastModified: Date;
  metadata: StoredMetadata;
}

export interface UploadInfo {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: Date;
  metadata: StoredMetadata;
}

export interface PartInfo {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: Date;
}

/** Serializes async critical sections per string key. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** UTF-8 byte order, which is how S3 sorts keys. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function isValidBucketName(name: string): boolean {
  return (
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name)
  );
}

/**
 * Keys this layout cannot represent faithfully are refused loudly instead of being aliased:
 * '.', '..' or empty segments (except a trailing '/'), NUL, s3rver's own suffix, over-long segments.
 */
export function checkKey(key: string): void {
  if (key.length === 0) throw new S3Error('InvalidArgument', 'Object key must not be empty.');
  if (Buffer.byteLength(key) > 1024) throw new S3Error('KeyTooLongError', undefined, { Size: Buffer.byteLength(key), MaxSizeAllowed: 1024 });
  const parts = key.split('/');
  parts.forEach((seg, i) => {
    const last = i === parts.length - 1;
    const bad =
      (seg === '' && !(last && i > 0)) ||
      seg === '.' ||
      seg === '..' ||
      seg.includes('\0') ||
      seg.includes(SUFFIX) ||
      Buffer.byteLength(seg) > (last ? 255 - `${SUFFIX}metadata.json`.length : 255);
    if (bad) {
      throw new S3Error('InvalidArgument', `peer-s3 stores objects as files and cannot store the key ${JSON.stringify(key)} (segment ${JSON.stringify(seg)}); real S3 would accept it.`, {
        ArgumentName: 'key',
        ArgumentValue: key,
      });
    }
  });
}

export class Store {
  readonly tmpDir: string;
  readonly locks = new KeyedMutex();
  /** Bumped on every write through the peer; listings are cached per generation. */
  private readonly generations = new Map<string, number>();
  private readonly listCache = new Map<string, { generation: number; keys: readonly string[] }>();

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, TMP_DIR);
  }

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    await fs.rm(this.tmpDir, { recursive: true, force: true });
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  /** Forgets cached listings of a bucket (every write through the peer calls this). */
  invalidate(bucket: string): void {
    this.generations.set(bucket, (this.generations.get(bucket) ?? 0) + 1);
  }

  tmpPath(): string {
    return path.join(this.tmpDir, randomBytes(12).toString('hex'));
  }

  bucketPath(bucket: string): string {
    return path.join(this.root, bucket);
  }

  private resource(bucket: string, key: string, resource: string): string {
    const parts = key.split('/');
    const last = parts.pop()!;
    return path.join(this.root, bucket, ...parts, `${last}${SUFFIX}${resource}`);
  }

  objectPath(bucket: string, key: string): string {
    return this.resource(bucket, key, 'object');
  }

  lockKey(bucket: string, key: string): string {
    return `o\0${bucket}\0${key}`;
  }

  // ---- buckets ----

  async bucketExists(bucket: string): Promise<boolean> {
    if (!isValidBucketName(bucket)) return false;
    try {
      return (await fs.stat(this.bucketPath(bucket))).isDirectory();
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return false;
      throw err;
    }
  }

  async requireBucket(bucket: string): Promise<void> {
    if (!(await this.bucketExists(bucket))) throw new S3Error('NoSuchBucket', undefined, { BucketName: bucket });
  }

  async createBucket(bucket: string): Promise<boolean> {
    if (!isValidBucketName(bucket)) throw new S3Error('InvalidBucketName', undefined, { BucketName: bucket });
    this.invalidate(bucket);
    try {
      await fs.mkdir(this.bucketPath(bucket));
      return true;
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      throw err;
    }
  }

  async deleteBucket(bucket: string): Promise<void> {
    this.invalidate(bucket);
    await fs.rm(this.bucketPath(bucket), { recursive: true, force: true });
    this.invalidate(bucket);
  }

  async listBuckets(): Promise<Array<{ name: string; created: Date }>> {
    const out: Array<{ name: string; created: Date }> = [];
    for (const e of await fs.readdir(this.root, { withFileTypes: true })) {
      if (!e.isDirectory() || !isValidBucketName(e.name)) continue;
      const st = await fs.stat(path.join(this.root, e.name)).catch(() => undefined);
      if (st) out.push({ name: e.name, created: wholeSeconds(st.birthtime.getTime() > 0 ? st.birthtime : st.mtime) });
    }
    return out.sort((a, b) => compareUtf8(a.name, b.name));
  }

  // ---- objects ----

  /** Reads an object's stat, ETag and metadata (call under the key's lock for consistency). */
  async headObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    let st;
    try {
      st = await fs.stat(this.objectPath(bucket, key));
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return undefined;
      throw err;
    }
    if (!st.isFile()) return undefined;
    const [etag, metadata] = await Promise.all([
      fs.readFile(this.resource(bucket, key, 'object.md5'), 'utf8').catch(async (err: unknown) => {
        if (!isErrno(err, 'ENOENT')) throw err;
        return this.md5OfFile(this.objectPath(bucket, key));
      }),
      fs
        .readFile(this.resource(bucket, key, 'metadata.json'), 'utf8')
        .then((s) => JSON.parse(s) as StoredMetadata)
        .catch((err: unknown) => {
          if (isErrno(err, 'ENOENT')) return {} as StoredMetadata;
          throw err;
        }),
    ]);
    return { bucket, key, size: st.size, etag: etag.trim(), lastModified: wholeSeconds(st.mtime), metadata };
  }

  private async md5OfFile(file: string): Promise<string> {
    const { createHash } = await import('node:crypto');
    const h = createHash('md5');
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
    return h.digest('hex');
  }

  /** Opens the object's bytes and reads its info atomically with respect to writers of that key. */
  async openObject(bucket: string, key: string): Promise<{ info: ObjectInfo; handle: fs.FileHandle } | undefined> {
    return this.locks.run(this.lockKey(bucket, key), async () => {
      const info = await this.headObject(bucket, key);
      if (!info) return undefined;
      const handle = await fs.open(this.objectPath(bucket, key), 'r');
      return { info, handle };
    });
  }

  /** mkdir -p the target's directory, then rename; retries if a concurrent delete pruned the directory. */
  private async renameInto(from: string, to: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.mkdir(path.dirname(to), { recursive: true });
        await fs.rename(from, to);
        return;
      } catch (err) {
        if (!isErrno(err, 'ENOENT') || attempt >= 20) throw err;
        // the directory vanished between mkdir and rename; make sure the source still exists
        await fs.stat(from);
      }
    }
  }

  private async writeFileAtomic(target: string, data: string | Buffer): Promise<void> {
    const tmp = this.tmpPath();
    await fs.writeFile(tmp, data);
    await this.renameInto(tmp, target);
  }

  /**
   * Moves a fully written and verified temp file into place as the object. Must be called
   * under the key's lock. Metadata and ETag land before the bytes so readers never see new
   * bytes with old metadata; readers take the same lock anyway.
   */
  async commitObject(bucket: string, key: string, dataTmp: string, etag: string, metadata: StoredMetadata): Promise<ObjectInfo> {
    await this.writeFileAtomic(this.resource(bucket, key, 'metadata.json'), JSON.stringify(metadata, null, 2));
    await this.writeFileAtomic(this.resource(bucket, key, 'object.md5'), etag);
    await this.renameInto(dataTmp, this.objectPath(bucket, key));
    this.invalidate(bucket);
    // s3rver keeps object tags beside the object; a new object version has none.
    await fs.rm(this.resource(bucket, key, 'tagging.xml'), { force: true });
    const info = await this.headObject(bucket, key);
    if (!info) throw new Error(`object ${bucket}/${key} vanished while being committed`);
    return info;
  }

  /** Replaces only the metadata file (CopyObject onto itself with REPLACE). */
  async rewriteMetadata(bucket: string, key: string, metadata: StoredMetadata): Promise<void> {
    await this.writeFileAtomic(this.resource(bucket, key, 'metadata.json'), JSON.stringify(metadata, null, 2));
  }

  /** Deletes an object (under the key's lock); prunes now-empty directories. */
  async deleteObject(bucket: string, key: string): Promise<boolean> {
    let existed = true;
    try {
      await fs.unlink(this.objectPath(bucket, key));
    } catch (err) {
      if (!isErrno(err, 'ENOENT', 'ENOTDIR')) throw err;
      existed = false;
    }
    this.invalidate(bucket);
    await Promise.all(['object.md5', 'metadata.json', 'tagging.xml'].map((r) => fs.rm(this.resource(bucket, key, r), { force: true })));
    await this.pruneDirs(bucket, key);
    return existed;
  }

  private async pruneDirs(bucket: string, key: string): Promise<void> {
    const parts = key.split('/');
    parts.pop();
    while (parts.length) {
      try {
        await fs.rmdir(path.join(this.root, bucket, ...parts));
      } catch {
        return; // not empty (or already gone): stop
      }
      parts.pop();
    }
  }

  /**
   * All keys under `prefix`, sorted by UTF-8 bytes. Cached until the next write through the
   * peer, so paging through a big bucket does not walk the tree once per page.
   */
  async listKeys(bucket: string, prefix: string): Promise<readonly string[]> {
    const generation = this.generations.get(bucket) ?? 0;
    const cacheKey = `${bucket}\0${prefix}`;
    const cached = this.listCache.get(cacheKey);
    if (cached && cached.generation === generation) {
      this.listCache.delete(cacheKey); // keep most recently used last
      this.listCache.set(cacheKey, cached);
      return cached.keys;
    }
    const keys = await this.walkKeys(bucket, prefix);
    this.listCache.set(cacheKey, { generation, keys });
    while (this.listCache.size > 16) this.listCache.delete(this.listCache.keys().next().value!);
    return keys;
  }

  private async walkKeys(bucket: string, prefix: string): Promise<string[]> {
    const bucketPath = this.bucketPath(bucket);
    const dirPart = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const segments = dirPart.split('/').slice(0, -1);
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes(SUFFIX))) return [];
    const start = path.join(bucketPath, ...segments);
    const keys: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isErrno(err, 'ENOENT', 'ENOTDIR')) return;
        throw err;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (rel === '' && e.name === UPLOADS_DIR) continue;
          const sub = `${rel}${e.name}/`;
          // only descend where keys can still match the prefix
          if (sub.startsWith(prefix) || prefix.startsWith(sub)) await walk(path.join(dir, e.name), sub);
        } else if (e.isFile() && e.name.endsWith(OBJECT_SUFFIX)) {
          const key = rel + e.name.slice(0, -OBJECT_SUFFIX.length);
          if (key.startsWith(prefix) && key !== '') keys.push(key);
        }
      }
    };
    await walk(start, segments.length ? `${segments.join('/')}/` : '');
    const withBytes = keys.map((k) => ({ k, b: Buffer.from(k, 'utf8') }));
    withBytes.sort((a, b) => Buffer.compare(a.b, b.b));
    return withBytes.map((x) => x.k);
  }

  async hasObjects(bucket: string): Promise<boolean> {
    return (await this.walkKeys(bucket, '')).length > 0;
  }

  // ---- multipart uploads ----

  uploadsPath(bucket: string): string {
    return path.join(this.bucketPath(bucket), UPLOADS_DIR);
  }

  uploadPath(bucket: string, uploadId: string): string {
    return path.join(this.uploadsPath(bucket), uploadId);
  }

  uploadLock(bucket: string, uploadId: string): string {
    return `u\0${bucket}\0${uploadId}`;
  }

  async createUpload(bucket: string, key: string, metadata: StoredMetadata): Promise<UploadInfo> {
    // base64url like S3's opaque IDs, but never starting with '-' (CLIs would read it as an option)
    const uploadId = `${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[randomBytes(1)[0]! % 26]}${randomBytes(48).toString('base64url')}`;
    const dir = this.uploadPath(bucket, uploadId);
    const initiated = new Date();
    const tmp = this.tmpPath();
    await fs.mkdir(tmp);
    await fs.writeFile(path.join(tmp, 'key'), key);
    await fs.writeFile(path.join(tmp, 'metadata'), JSON.stringify({ ...metadata, 'x-s3peer-initiated': initiated.toISOString() }, null, 2));
    await this.renameInto(tmp, dir);
    return { bucket, key, uploadId, initiated, metadata };
  }

  async getUpload(bucket: string, uploadId: string): Promise<UploadInfo | undefined> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(uploadId)) return undefined;
    const dir = this.uploadPath(bucket, uploadId);
    try {
      const [key, metaText, st] = await Promise.all([
        fs.readFile(path.join(dir, 'key'), 'utf8'),
        fs.readFile(path.join(dir, 'metadata'), 'utf8'),
        fs.stat(path.join(dir, 'key')),
      ]);
      const raw = JSON.parse(metaText) as StoredMetadata;
      const initiatedText = raw['x-s3peer-initiated'];
      delete raw['x-s3peer-initiated'];
      const initiated = typeof initiatedText === 'string' ? new Date(initiatedText) : st.mtime;
      return { bucket, key, uploadId, initiated, metadata: raw };
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  /** The upload, if it exists and was initiated for `key`; otherwise NoSuchUpload. */
  async requireUpload(bucket: string, key: string, uploadId: string | undefined): Promise<UploadInfo> {
    const upload = uploadId === undefined ? undefined : await this.getUpload(bucket, uploadId);
    if (!upload || upload.key !== key) throw new S3Error('NoSuchUpload', undefined, { UploadId: uploadId ?? '' });
    return upload;
  }

  async listUploads(bucket: string): Promise<UploadInfo[]> {
    let ids: string[];
    try {
      ids = await fs.readdir(this.uploadsPath(bucket));
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return [];
      throw err;
    }
    const uploads = await Promise.all(ids.map((id) => this.getUpload(bucket, id)));
    return uploads.filter((u): u is UploadInfo => u !== undefined);
  }

  async listParts(bucket: string, uploadId: string): Promise<PartInfo[]> {
    const dir = this.uploadPath(bucket, uploadId);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return [];
      throw err;
    }
    const parts: PartInfo[] = [];
    for (const name of names) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const [st, etag] = await Promise.all([fs.stat(path.join(dir, name)), fs.readFile(path.join(dir, `${name}.md5`), 'utf8')]);
        parts.push({ partNumber: Number(name), size: st.size, etag: etag.trim(), lastModified: wholeSeconds(st.mtime) });
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  partPath(bucket: string, uploadId: string, partNumber: number): string {
    return path.join(this.uploadPath(bucket, uploadId), String(partNumber));
  }

  /** Moves a verified part into its upload (under the upload's lock); NoSuchUpload if it was aborted meanwhile. */
  async commitPart(bucket: string, uploadId: string, partNumber: number, dataTmp: string, md5hex: string): Promise<void> {
    const dir = this.uploadPath(bucket, uploadId);
    try {
      await fs.stat(path.join(dir, 'key'));
      const md5Tmp = this.tmpPath();
      await fs.writeFile(md5Tmp, md5hex);
      await fs.rename(md5Tmp, path.join(dir, `${partNumber}.md5`));
      await fs.rename(dataTmp, path.join(dir, String(partNumber)));
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
      throw err;
    }
  }

  async removeUpload(bucket: string, uploadId: string): Promise<void> {
    // rename first so the upload disappears atomically, then delete at leisure
    const tmp = this.tmpPath();
    try {
      await fs.rename(this.uploadPath(bucket, uploadId), tmp);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
