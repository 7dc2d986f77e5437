/**
 * State on disk: object data in immutable blob files, metadata in memory, mirrored to an append-only
 * journal so a peer restarted on the same directory finds its buckets and objects again.
 *
 *   <dir>/blobs/<id>      object data (shared by copies; reference counted, unlinked when unused)
 *   <dir>/uploads/<id>    bytes of resumable upload sessions and in-flight simple uploads
 *   <dir>/journal.jsonl   bucket/object records, replayed and compacted at start
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from './errors.js';
import { compareNames, type StoredBucket, type StoredObject } from './resources.js';

export interface BucketState {
  record: StoredBucket;
  objects: Map<string, StoredObject>;
  /** Object names in code point (UTF-8 byte) order, for listing. */
  names: string[];
}

type JournalEntry =
  | { op: 'bucket'; bucket: StoredBucket }
  | { op: 'delbucket'; name: string }
  | { op: 'object'; object: StoredObject }
  | { op: 'delobject'; bucket: string; name: string };

export function lowerBound(names: readonly string[], key: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(names[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first name greater than `key`. */
export function upperBound(names: readonly string[], key: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(names[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first name after every name that starts with `prefix`. */
export function afterPrefix(names: readonly string[], prefix: string): number {
  let lo = lowerBound(names, prefix);
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (names[mid]!.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Store {
  readonly dir: string;
  readonly blobsDir: string;
  readonly uploadsDir: string;
  private readonly journalPath: string;
  private readonly buckets = new Map<string, BucketState>();
  private readonly refs = new Map<string, number>();
  private lastGeneration = 0;

  private constructor(dir: string) {
    this.dir = dir;
    this.blobsDir = join(dir, 'blobs');
    this.uploadsDir = join(dir, 'uploads');
    this.journalPath = join(dir, 'journal.jsonl');
  }

  static async open(dir: string): Promise<Store> {
    const store = new Store(dir);
    await mkdir(store.blobsDir, { recursive: true });
    await mkdir(store.uploadsDir, { recursive: true });
    store.replay();
    // Blobs nobody references (crashed uploads, deleted objects) and stale upload files go away.
    for (const f of await readdir(store.blobsDir)) {
      if (!store.refs.has(f)) await unlink(join(store.blobsDir, f)).catch(() => undefined);
    }
    for (const f of await readdir(store.uploadsDir)) {
      await unlink(join(store.uploadsDir, f)).catch(() => undefined);
    }
    return store;
  }

  private replay(): void {
    if (existsSync(this.journalPath)) {
      const lines = readFileSync(this.journalPath, 'utf8').split('\n');
      for (const line of lines) {
        if (line.trim() === '') continue;
        let entry: JournalEntry;
        try {
          entry = JSON.parse(line) as JournalEntry;
        } catch {
          continue; // a torn last line
        }
        this.apply(entry);
      }
    }
    // Compact: rewrite the journal with the current state only.
    const out: string[] = [];
    for (const b of this.buckets.values()) {
      out.push(JSON.stringify({ op: 'bucket', bucket: b.record }));
      for (const name of b.names) out.push(JSON.stringify({ op: 'object', object: b.objects.get(name) }));
    }
    const tmp = `${this.journalPath}.tmp`;
    writeFileSync(tmp, out.length ? out.join('\n') + '\n' : '');
    renameSync(tmp, this.journalPath);
  }

  private apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'bucket': {
        const existing = this.buckets.get(entry.bucket.name);
        if (existing) existing.record = entry.bucket;
        else this.buckets.set(entry.bucket.name, { record: entry.bucket, objects: new Map(), names: [] });
        this.lastGeneration = Math.max(this.lastGeneration, entry.bucket.generation);
        break;
      }
      case 'delbucket':
        this.buckets.delete(entry.name);
        break;
      case 'object': {
        const b = this.buckets.get(entry.object.bucket);
        if (!b) break;
        this.insert(b, entry.object);
        this.lastGeneration = Math.max(this.lastGeneration, entry.object.generation);
        break;
      }
      case 'delobject': {
        const b = this.buckets.get(entry.bucket);
        if (b) this.remove(b, entry.name);
        break;
      }
    }
  }

  private journal(entry: JournalEntry): void {
    appendFileSync(this.journalPath, JSON.stringify(entry) + '\n');
  }

  /** Generations are microsecond timestamps, strictly increasing across the whole peer (as int64 strings). */
  newGeneration(): number {
    const now = Date.now() * 1000;
    this.lastGeneration = Math.max(this.lastGeneration + 1, now);
    return this.lastGeneration;
  }

  // ---- buckets -------------------------------------------------------------------------------

  bucketNames(): string[] {
    return [...this.buckets.keys()].sort(compareNames);
  }

  getBucket(name: string): BucketState | undefined {
    return this.buckets.get(name);
  }

  requireBucket(name: string): BucketState {
    const b = this.buckets.get(name);
    if (!b) throw errors.bucketNotFound(name);
    return b;
  }

  putBucket(record: StoredBucket): void {
    const existing = this.buckets.get(record.name);
    if (existing) existing.record = record;
    else this.buckets.set(record.name, { record, objects: new Map(), names: [] });
    this.journal({ op: 'bucket', bucket: record });
  }

  deleteBucket(name: string): void {
    this.buckets.delete(name);
    this.journal({ op: 'delbucket', name });
  }

  // ---- objects -------------------------------------------------------------------------------

  getObject(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.objects.get(name);
  }

  private insert(b: BucketState, obj: StoredObject): StoredObject | undefined {
    const previous = b.objects.get(obj.name);
    if (!previous) {
      const i = lowerBound(b.names, obj.name);
      b.names.splice(i, 0, obj.name);
    }
    b.objects.set(obj.name, obj);
    this.retain(obj.blob);
    if (previous) this.release(previous.blob);
    return previous;
  }

  private remove(b: BucketState, name: string): StoredObject | undefined {
    const previous = b.objects.get(name);
    if (!previous) return undefined;
    b.objects.delete(name);
    const i = lowerBound(b.names, name);
    if (b.names[i] === name) b.names.splice(i, 1);
    this.release(previous.blob);
    return previous;
  }

  /** Makes `obj` the live version of its name (new generation or a metadata update). */
  putObject(obj: StoredObject): void {
    const b = this.requireBucket(obj.bucket);
    this.insert(b, obj);
    this.journal({ op: 'object', object: obj });
  }

  deleteObject(bucket: string, name: string): StoredObject | undefined {
    const b = this.requireBucket(bucket);
    const previous = this.remove(b, name);
    if (previous) this.journal({ op: 'delobject', bucket, name });
    return previous;
  }

  // ---- blobs ---------------------------------------------------------------------------------

  newBlobId(): string {
    return randomBytes(16).toString('hex');
  }

  blobPath(id: string): string {
    return join(this.blobsDir, id);
  }

  uploadPath(id: string): string {
    return join(this.uploadsDir, id);
  }

  retain(id: string): void {
    this.refs.set(id, (this.refs.get(id) ?? 0) + 1);
  }

  release(id: string): void {
    const n = (this.refs.get(id) ?? 0) - 1;
    if (n > 0) {
      this.refs.set(id, n);
      return;
    }
    this.refs.delete(id);
    void unlink(this.blobPath(id)).catch(() => undefined);
  }

  /** Removes a blob file that never became (or no longer is) part of any object. */
  discard(id: string): void {
    if (!this.refs.has(id)) void unlink(this.blobPath(id)).catch(() => undefined);
  }
}
