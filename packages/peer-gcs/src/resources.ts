/**
 * Stored records and the JSON resources (storage#object, storage#bucket) built from them.
 */
import { errors } from './errors.js';

export const PROJECT_NUMBER = '424242424242';

/** User-settable object metadata (the writable fields of an object resource we keep). */
export interface ObjectMeta {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  customTime?: string;
  storageClass?: string;
  metadata?: Record<string, string>;
}

export const STRING_FIELDS = [
  'contentType',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
  'customTime',
  'storageClass',
] as const;
type StringField = (typeof STRING_FIELDS)[number];

/** A PATCH body: a null value clears a field (or, inside `metadata`, removes a key). */
export type MetaPatch = { [K in StringField]?: string | null } & { metadata?: Record<string, string | null> | null };

export interface StoredObject extends ObjectMeta {
  bucket: string;
  name: string;
  generation: number;
  metageneration: number;
  size: number;
  crc32c: string;
  /** Absent for composite objects, as on the real service. */
  md5Hash?: string;
  componentCount?: number;
  timeCreated: string;
  updated: string;
  timeStorageClassUpdated: string;
  /** Id of the immutable data file under blobs/. Copies share it. */
  blob: string;
}

export interface StoredBucket {
  name: string;
  generation: number;
  metageneration: number;
  timeCreated: string;
  updated: string;
  location: string;
  storageClass: string;
  labels?: Record<string, string>;
}

const STORAGE_CLASSES = new Set([
  'STANDARD',
  'NEARLINE',
  'COLDLINE',
  'ARCHIVE',
  'MULTI_REGIONAL',
  'REGIONAL',
  'DURABLE_REDUCED_AVAILABILITY',
]);

/** Cloud Storage etags are base64 of a small protobuf: field 1 = generation, field 2 = metageneration. */
export function etag(generation: number, metageneration: number): string {
  const bytes: number[] = [0x08, ...varint(generation), 0x10, ...varint(metageneration)];
  return Buffer.from(bytes).toString('base64');
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

export function objectResource(o: StoredObject, origin: string): Record<string, unknown> {
  const enc = encodeURIComponent(o.name);
  const r: Record<string, unknown> = {
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${origin}/storage/v1/b/${o.bucket}/o/${enc}`,
    mediaLink: `${origin}/download/storage/v1/b/${o.bucket}/o/${enc}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    metageneration: String(o.metageneration),
    contentType: o.contentType ?? 'application/octet-stream',
    storageClass: o.storageClass ?? 'STANDARD',
    size: String(o.size),
  };
  if (o.md5Hash !== undefined) r.md5Hash = o.md5Hash;
  if (o.contentEncoding !== undefined) r.contentEncoding = o.contentEncoding;
  if (o.contentDisposition !== undefined) r.contentDisposition = o.contentDisposition;
  if (o.contentLanguage !== undefined) r.contentLanguage = o.contentLanguage;
  if (o.cacheControl !== undefined) r.cacheControl = o.cacheControl;
  r.crc32c = o.crc32c;
  if (o.componentCount !== undefined) r.componentCount = o.componentCount;
  r.etag = etag(o.generation, o.metageneration);
  r.timeCreated = o.timeCreated;
  r.updated = o.updated;
  r.timeStorageClassUpdated = o.timeStorageClassUpdated;
  r.timeFinalized = o.timeCreated;
  if (o.customTime !== undefined) r.customTime = o.customTime;
  if (o.metadata !== undefined && Object.keys(o.metadata).length > 0) r.metadata = { ...o.metadata };
  return r;
}

export function bucketResource(b: StoredBucket, origin: string): Record<string, unknown> {
  const r: Record<string, unknown> = {
    kind: 'storage#bucket',
    selfLink: `${origin}/storage/v1/b/${b.name}`,
    id: b.name,
    name: b.name,
    projectNumber: PROJECT_NUMBER,
    generation: String(b.generation),
    metageneration: String(b.metageneration),
    location: b.location,
    storageClass: b.storageClass,
    etag: Buffer.from([0x08, ...varint(b.metageneration)]).toString('base64'),
    timeCreated: b.timeCreated,
    updated: b.updated,
    iamConfiguration: {
      bucketPolicyOnly: { enabled: false },
      uniformBucketLevelAccess: { enabled: false },
      publicAccessPrevention: 'inherited',
    },
    locationType: b.location.includes('-') ? 'region' : 'multi-region',
    rpo: 'DEFAULT',
  };
  if (b.labels && Object.keys(b.labels).length > 0) r.labels = { ...b.labels };
  return r;
}

/** Bucket naming rules (https://cloud.google.com/storage/docs/buckets#naming), 400 otherwise. */
export function validateBucketName(name: string): void {
  const bad = () => errors.invalid(`Invalid bucket name: '${name}'`);
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(name)) throw bad();
  if (name.length < 3 || name.length > 222) throw bad();
  if (!name.includes('.') && name.length > 63) throw bad();
  if (name.split('.').some((c) => c.length === 0 || c.length > 63)) throw bad();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) throw bad();
  if (name.startsWith('goog') || name.includes('google')) throw bad();
}

/** Object naming rules (https://cloud.google.com/storage/docs/objects#naming), 400 otherwise. */
export function validateObjectName(name: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0) throw errors.required('Required');
  if (bytes > 1024) {
    throw errors.invalid(`The maximum object length is 1024 characters, but got a name with ${bytes} characters.`);
  }
  if (/[\r\n]/.test(name)) throw errors.invalid('Object name contains a carriage return or line feed.');
  if (name === '.' || name === '..') throw errors.invalid(`Object name '${name}' is not allowed.`);
  if (name.startsWith('.well-known/acme-challenge/')) throw errors.invalid('Object name is not allowed.');
  if (/[\uD800-\uDFFF]/.test(name) && !isWellFormed(name)) throw errors.invalid('Object name is not valid UTF-8.');
}

function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed?: () => boolean }).isWellFormed?.() ?? true;
}

function checkString(field: string, v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string') throw errors.invalid(`Invalid value for ${field}: ${JSON.stringify(v)}`);
  return v;
}

/** Reads the writable metadata of an object resource in a request body. Nulls are kept (patch semantics). */
export function readMetaPatch(body: Record<string, unknown> | undefined): MetaPatch {
  const patch: MetaPatch = {};
  if (!body) return patch;
  for (const f of STRING_FIELDS) {
    if (!(f in body) || body[f] === undefined) continue;
    const v = checkString(f, body[f]);
    if (f === 'storageClass' && v !== null && !STORAGE_CLASSES.has(v)) {
      throw errors.invalid(`Invalid storage class: ${v}`);
    }
    if (f === 'customTime' && v !== null && Number.isNaN(Date.parse(v))) {
      throw errors.invalid(`Invalid value for customTime: ${v}`);
    }
    patch[f] = f === 'customTime' && v !== null ? new Date(v).toISOString() : v;
  }
  if ('metadata' in body && body.metadata !== undefined) {
    const m = body.metadata;
    if (m === null) {
      patch.metadata = null;
    } else if (typeof m !== 'object' || Array.isArray(m)) {
      throw errors.invalid('Invalid value for metadata.');
    } else {
      const out: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
        if (v === null) out[k] = null;
        else if (typeof v === 'string') out[k] = v;
        else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
        else throw errors.invalid(`Invalid value for metadata.${k}: ${JSON.stringify(v)}`);
      }
      patch.metadata = out;
    }
  }
  return patch;
}

/** Applies a patch on top of existing metadata. */
export function applyMetaPatch(current: ObjectMeta, patch: MetaPatch): ObjectMeta {
  const next: ObjectMeta = { ...current, metadata: current.metadata ? { ...current.metadata } : undefined };
  for (const f of STRING_FIELDS) {
    if (!(f in patch)) continue;
    const v = patch[f];
    if (v === null || v === undefined) delete next[f];
    else next[f] = v;
  }
  if ('metadata' in patch) {
    if (patch.metadata === null || patch.metadata === undefined) {
      delete next.metadata;
    } else {
      const m = next.metadata ?? {};
      for (const [k, v] of Object.entries(patch.metadata)) {
        if (v === null) delete m[k];
        else m[k] = v;
      }
      next.metadata = m;
    }
  }
  if (next.metadata && Object.keys(next.metadata).length === 0) delete next.metadata;
  if (next.metadata === undefined) delete next.metadata;
  return next;
}

/** Metadata from a resource given on insert/update (full replacement): nulls simply mean "absent". */
export function metaFromResource(patch: MetaPatch): ObjectMeta {
  return applyMetaPatch({}, patch);
}

export function pickMeta(o: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = {};
  for (const f of STRING_FIELDS) if (o[f] !== undefined) out[f] = o[f];
  if (o.metadata) out.metadata = { ...o.metadata };
  return out;
}

/** Byte order of UTF-8, i.e. code point order, the order Cloud Storage lists names in. */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}
