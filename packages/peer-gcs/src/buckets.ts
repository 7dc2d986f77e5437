/**
 * Bucket operations: insert (POST /storage/v1/b?project=), get, patch (labels/storageClass), delete
 * (empty buckets only), list.
 */
import type { PeerContext } from './context.js';
import { errors } from './errors.js';
import { empty, json, readJson, type PeerRequest, type PeerResponse } from './http.js';
import { parseInt64 } from './preconditions.js';
import { bucketResource, compareNames, validateBucketName, type StoredBucket } from './resources.js';

function checkBucketPreconditions(req: PeerRequest, b: StoredBucket): void {
  const m = parseInt64('ifMetagenerationMatch', req.query.get('ifMetagenerationMatch'));
  if (m !== undefined && m !== b.metageneration) throw errors.conditionNotMet();
  const mn = parseInt64('ifMetagenerationNotMatch', req.query.get('ifMetagenerationNotMatch'));
  if (mn !== undefined && mn === b.metageneration) throw errors.conditionNotMet('If-None-Match');
}

function readLabels(v: unknown, current: Record<string, string> = {}): Record<string, string> {
  if (v === undefined) return current;
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalid('Invalid value for labels.');
  const out = { ...current };
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === null) delete out[k];
    else out[k] = String(val);
  }
  return out;
}

/** Creates a bucket directly (used by startGcsPeer({buckets}) and GcsPeer.createBucket). */
export function createBucketRecord(ctx: PeerContext, name: string, body: Record<string, unknown> = {}): StoredBucket {
  validateBucketName(name);
  if (ctx.store.getBucket(name)) throw errors.bucketExists();
  const generation = ctx.store.newGeneration();
  const time = new Date(Math.floor(generation / 1000)).toISOString();
  const record: StoredBucket = {
    name,
    generation,
    metageneration: 1,
    timeCreated: time,
    updated: time,
    location: typeof body.location === 'string' ? body.location.toUpperCase() : 'US',
    storageClass: typeof body.storageClass === 'string' ? body.storageClass.toUpperCase() : 'STANDARD',
  };
  const labels = readLabels(body.labels);
  if (Object.keys(labels).length > 0) record.labels = labels;
  ctx.store.putBucket(record);
  return record;
}

export async function insertBucket(ctx: PeerContext, req: PeerRequest): Promise<PeerResponse> {
  const body = await readJson(req);
  if (!req.query.get('project')) throw errors.required('Required parameter: project');
  if (!body || typeof body.name !== 'string' || body.name === '') throw errors.required('Required');
  const record = createBucketRecord(ctx, body.name, body);
  return json(req, 200, bucketResource(record, req.origin));
}

export function getBucket(ctx: PeerContext, req: PeerRequest, name: string): PeerResponse {
  const b = ctx.store.requireBucket(name).record;
  checkBucketPreconditions(req, b);
  return json(req, 200, bucketResource(b, req.origin));
}

export async function patchBucket(ctx: PeerContext, req: PeerRequest, name: string): Promise<PeerResponse> {
  const body = (await readJson(req)) ?? {};
  const b = ctx.store.requireBucket(name).record;
  checkBucketPreconditions(req, b);
  const labels = readLabels(body.labels, b.labels);
  const next: StoredBucket = {
    ...b,
    metageneration: b.metageneration + 1,
    updated: new Date().toISOString(),
    storageClass: typeof body.storageClass === 'string' ? body.storageClass.toUpperCase() : b.storageClass,
  };
  if (Object.keys(labels).length > 0) next.labels = labels;
  else delete next.labels;
  ctx.store.putBucket(next);
  return json(req, 200, bucketResource(next, req.origin));
}

export function deleteBucket(ctx: PeerContext, req: PeerRequest, name: string): PeerResponse {
  const b = ctx.store.requireBucket(name);
  checkBucketPreconditions(req, b.record);
  if (b.names.length > 0) throw errors.bucketNotEmpty();
  ctx.store.deleteBucket(name);
  return empty(204);
}

export function listBuckets(ctx: PeerContext, req: PeerRequest): PeerResponse {
  if (!req.query.get('project')) throw errors.required('Required parameter: project');
  const prefix = req.query.get('prefix') ?? '';
  const max = Math.min(parseInt64('maxResults', req.query.get('maxResults')) || 1000, 1000);
  const after = req.query.get('pageToken') ? Buffer.from(req.query.get('pageToken')!, 'base64url').toString('utf8') : undefined;
  const names = ctx.store
    .bucketNames()
    .filter((n) => n.startsWith(prefix) && (after === undefined || compareNames(n, after) > 0));
  const page = names.slice(0, max);
  const body: Record<string, unknown> = { kind: 'storage#buckets' };
  if (names.length > page.length) body.nextPageToken = Buffer.from(page[page.length - 1]!, 'utf8').toString('base64url');
  if (page.length > 0) body.items = page.map((n) => bucketResource(ctx.store.requireBucket(n).record, req.origin));
  return json(req, 200, body);
}
