import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AbortedError,
  FileSystemRegistry,
  InvalidInputError,
  asAbortedIfSignalled,
  baseName,
  isDeepstoreError,
  throwIfAborted,
  toUrl,
  type PinotFS,
} from '@deepstore/core';
import { ControllerClient, controllerReason, multipartBody, uploadUrl, type ControllerAnswer } from './client.js';
import { PushError, kindOfStatus, meaningOfStatus, printableUri, redactText } from './errors.js';
import { TAR_GZ_FILE_EXT } from './list.js';
import { extractMetadataFiles, metadataTarGzUri, writeMetadataTarball } from './metadata-tarball.js';
import type { PushOptions, PushResult, TableType, UploadType } from './types.js';

/** FileUploadDownloadClient.CustomHeaders. */
export const CustomHeaders = Object.freeze({
  UPLOAD_TYPE: 'UPLOAD_TYPE',
  DOWNLOAD_URI: 'DOWNLOAD_URI',
  COPY_SEGMENT_TO_DEEP_STORE: 'COPY_SEGMENT_TO_DEEP_STORE',
});

/** PushJobSpec defaults. */
export const PUSH_DEFAULTS = Object.freeze({ pushAttempts: 1, pushRetryIntervalMillis: 1000, pushParallelism: 1 });
/** The delay scale factor SegmentPushUtils gives RetryPolicies.exponentialBackoffRetryPolicy. */
export const RETRY_SCALE_FACTOR = 5;

// SegmentNameUtils.INVALID_SEGMENT_NAME_REGEX
const INVALID_SEGMENT_NAME = /[\\/:*?"<>|]/;
const SECRET_HEADER = /auth|token|secret|password|passwd|cookie|credential|key|signature/i;

/**
 * Pinot's ExponentialBackoffRetryPolicy delay before retry `retryIndex` (0-based): a random
 * time in [interval * factor^k, interval * factor^(k+1)).
 */
export function retryDelayMs(retryIndex: number, intervalMs: number, random: () => number = Math.random): number {
  const min = Math.floor(intervalMs * RETRY_SCALE_FACTOR ** retryIndex);
  const max = Math.floor(min * RETRY_SCALE_FACTOR);
  return min < max ? min + Math.floor(random() * (max - min)) : min;
}

/** The type in a table name's suffix (TableNameBuilder.getTableTypeFromTableName). */
export function tableTypeOf(tableName: string): TableType | undefined {
  if (tableName.endsWith('_OFFLINE')) return 'OFFLINE';
  if (tableName.endsWith('_REALTIME')) return 'REALTIME';
  return undefined;
}

/**
 * The URI sent to the controller for a segment (SegmentPushUtils.generateSegmentTarURI): the
 * segment's URI itself, or prefix + its raw (percent-encoded) path + suffix when either is set.
 */
export function segmentDownloadUri(segmentUri: string, prefix?: string, suffix?: string): string {
  const url = toUrl(segmentUri);
  if (!prefix && !suffix) return url.href;
  return `${prefix ?? ''}${url.pathname}${suffix ?? ''}`;
}

interface Segment {
  uri: string;
  name: string;
  downloadUri?: string;
}

interface RequestParts {
  headers: Record<string, string>;
  body: string | AsyncIterable<Uint8Array>;
  /** Set when reading the segment (not the connection) failed. */
  sourceError?: { err: unknown };
  /** Releases the segment's stream when the request ends without reading it to the end. */
  cleanup?: () => void;
}

interface Context {
  opts: PushOptions;
  registry: FileSystemRegistry;
  client: ControllerClient;
  secrets: string[];
  baseHeaders: Record<string, string>;
  attempts: number;
  intervalMs: number;
  parallelism: number;
  signal: AbortSignal | undefined;
}

function makeContext(opts: PushOptions, registry: FileSystemRegistry): Context {
  if (!Array.isArray(opts.controllerUris) || opts.controllerUris.length === 0) {
    throw new InvalidInputError('controllerUris must list at least one controller (pinotClusterSpecs[].controllerURI)');
  }
  for (const c of opts.controllerUris) uploadUrl(c, new URLSearchParams());
  if (typeof opts.tableName !== 'string' || opts.tableName.trim() === '') throw new InvalidInputError('tableName is required (tableSpec.tableName)');
  if (opts.tableType !== undefined && opts.tableType !== 'OFFLINE' && opts.tableType !== 'REALTIME') {
    throw new InvalidInputError(`tableType must be OFFLINE or REALTIME, got ${JSON.stringify(opts.tableType)}`);
  }
  const secrets: string[] = [];
  const baseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new InvalidInputError(`header ${JSON.stringify(name)} contains a line break`);
    baseHeaders[name.toLowerCase()] = value;
    if (SECRET_HEADER.test(name)) secrets.push(value, ...value.split(/\s+/).slice(1));
  }
  // AuthProviderUtils.makeAuthProvider: a blank token means no auth; otherwise the token is the Authorization header, verbatim.
  if (opts.authToken !== undefined && opts.authToken.trim() !== '') {
    if (/[\r\n]/.test(opts.authToken)) throw new InvalidInputError('authToken contains a line break');
    baseHeaders.authorization = opts.authToken;
    secrets.push(opts.authToken, ...opts.authToken.split(/\s+/).slice(1));
  }
  const positive = (v: number | undefined, fallback: number) => (v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback);
  const parallelismSetting = opts.pushParallelism ?? PUSH_DEFAULTS.pushParallelism;
  return {
    opts,
    registry,
    client: new ControllerClient({ connectTimeoutMs: opts.connectTimeoutMs, socketTimeoutMs: opts.socketTimeoutMs }),
    secrets,
    baseHeaders,
    attempts: positive(opts.pushAttempts, PUSH_DEFAULTS.pushAttempts),
    intervalMs: positive(opts.pushRetryIntervalMillis, PUSH_DEFAULTS.pushRetryIntervalMillis),
    // The Spark runner: pushParallelism < 1 means one task per segment.
    parallelism: Number.isFinite(parallelismSetting) && parallelismSetting >= 1 ? Math.floor(parallelismSetting) : Number.POSITIVE_INFINITY,
    signal: opts.signal,
  };
}

function queryFor(ctx: Context, uploadType: UploadType): URLSearchParams {
  const { opts } = ctx;
  const params = new URLSearchParams();
  params.set('tableName', opts.tableName);
  // TAR push always names a type (OFFLINE unless the name ends in _REALTIME); the others only a known one.
  const type = opts.tableType ?? tableTypeOf(opts.tableName) ?? (uploadType === 'SEGMENT' ? 'OFFLINE' : undefined);
  if (type) params.set('tableType', type);
  if (uploadType === 'METADATA') params.set('enableParallelPushProtection', String(ctx.parallelism > 1));
  if (opts.allowRefresh !== undefined) params.set('allowRefresh', String(opts.allowRefresh));
  return params;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(asAbortedIfSignalled(new Error('aborted'), signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(asAbortedIfSignalled(new Error('aborted'), signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Pushes one segment to one controller with Pinot's retry policy: 5xx answers are retried up
 * to `pushAttempts` attempts with exponential backoff and jitter; any other failure (4xx, a
 * network error, a deep-store read error) ends the push at once, as in SegmentPushUtils.
 */
async function pushToController(ctx: Context, seg: Segment, controllerUri: string, uploadType: UploadType, build: () => Promise<RequestParts>): Promise<PushResult> {
  const url = uploadUrl(controllerUri, queryFor(ctx, uploadType));
  const started = Date.now();
  const controller = printableUri(controllerUri);
  const segmentUri = printableUri(seg.uri);
  const fail = (init: { kind: PushError['kind']; detail: string; attempts: number; status?: number; controllerError?: string; cause?: unknown }) =>
    new PushError({
      ...init,
      detail: redactText(init.detail, ctx.secrets),
      ...(init.controllerError !== undefined ? { controllerError: redactText(init.controllerError, ctx.secrets) } : {}),
      segmentName: seg.name,
      segmentUri,
      controllerUri: controller,
      uploadType,
    });
  const what = `${uploadType === 'SEGMENT' ? 'TAR' : uploadType} push of segment ${seg.name} (${segmentUri}) to controller ${controller}`;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(ctx.signal);
    let answer: ControllerAnswer;
    let parts: RequestParts | undefined;
    try {
      parts = await build();
      answer = await ctx.client.post(url, { ...ctx.baseHeaders, ...parts.headers }, parts.body, ctx.signal);
    } catch (err) {
      parts?.cleanup?.();
      if (ctx.signal?.aborted) throw asAbortedIfSignalled(err, ctx.signal);
      const source = parts?.sourceError?.err ?? (parts === undefined ? err : undefined);
      if (source !== undefined) {
        const e = source as Error;
        throw fail({
          kind: isDeepstoreError(e) ? e.kind : 'Unexpected',
          detail: `${what} failed: could not read the segment: ${e.message ?? String(e)}`,
          attempts: attempt,
          cause: e,
        });
      }
      const e = err as Error & { code?: string };
      throw fail({
        kind: 'Transient',
        detail: `${what} failed: the request did not complete: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(e)} (network failures are not retried, as in Pinot)`,
        attempts: attempt,
        cause: err,
      });
    }
    parts.cleanup?.();
    if (answer.status >= 200 && answer.status < 300) {
      const result: PushResult = {
        segmentName: seg.name,
        segmentUri,
        ...(seg.downloadUri !== undefined ? { downloadUri: printableUri(seg.downloadUri) } : {}),
        controllerUri: controller,
        uploadType,
        status: answer.status,
        response: redactText(controllerReason(answer.body), ctx.secrets),
        attempts: attempt,
        durationMs: Date.now() - started,
      };
      return result;
    }
    const reason = controllerReason(answer.body);
    if (answer.status >= 500 && attempt < ctx.attempts) {
      await sleep(retryDelayMs(attempt - 1, ctx.intervalMs), ctx.signal);
      continue;
    }
    const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
    throw fail({
      kind: kindOfStatus(answer.status),
      detail:
        `${what} failed${tries}: the controller answered ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''} ` +
        `(${meaningOfStatus(answer.status)}): ${JSON.stringify(reason)}`,
      attempts: attempt,
      status: answer.status,
      controllerError: reason,
    });
  }
}

/** Pushes every job, `parallelism` segments at a time; stops starting new ones at the first failure. */
async function runAll(ctx: Context, segments: Segment[], pushOne: (seg: Segment, done: (r: PushResult) => void) => Promise<void>): Promise<PushResult[]> {
  const perSegment: PushResult[][] = segments.map(() => []);
  const chronological: PushResult[] = [];
  const failures: unknown[] = [];
  const started = new Set<number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failures.length === 0 && !ctx.signal?.aborted) {
      const i = next++;
      const seg = segments[i];
      if (seg === undefined) return;
      started.add(i);
      try {
        await pushOne(seg, (r) => {
          (perSegment[i] as PushResult[]).push(r);
          chronological.push(r);
          ctx.opts.onSegment?.(r);
        });
      } catch (err) {
        failures.push(err);
      }
    }
  };
  const workers = Math.max(1, Math.min(ctx.parallelism, segments.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (ctx.signal?.aborted) {
    const first = failures.find((f) => f instanceof AbortedError);
    throw first ?? asAbortedIfSignalled(new Error('aborted'), ctx.signal);
  }
  const first = failures[0];
  if (first !== undefined) {
    if (first instanceof PushError) {
      const notAttempted = segments.filter((_s, i) => !started.has(i)).map((s) => printableUri(s.uri));
      first.summarise(chronological, notAttempted, failures.slice(1).filter((f): f is PushError => f instanceof PushError));
    }
    throw first;
  }
  return perSegment.flat();
}

async function withContext(opts: PushOptions, run: (ctx: Context) => Promise<PushResult[]>): Promise<PushResult[]> {
  const registry = opts.registry ?? new FileSystemRegistry({ importers: [(s) => import(s)] });
  let ctx: Context | undefined;
  try {
    ctx = makeContext(opts, registry);
    throwIfAborted(opts.signal);
    return await run(ctx);
  } finally {
    await ctx?.client.close();
    if (!opts.registry) await registry.close();
  }
}

function checkUris(uris: unknown): asserts uris is string[] {
  if (!Array.isArray(uris) || uris.some((u) => typeof u !== 'string' || u === '')) {
    throw new InvalidInputError('segmentTarUris must be an array of URIs');
  }
}

/** `<name>.tar.gz` → `<name>`; anything else is refused (SegmentPushUtils.pushSegments' precondition). */
function tarSegmentName(uri: string): string {
  const file = baseName(uri);
  if (!file.endsWith(TAR_GZ_FILE_EXT) || file.length === TAR_GZ_FILE_EXT.length) {
    throw new InvalidInputError(`${printableUri(uri)}: a segment tarball's name must end in ${TAR_GZ_FILE_EXT}`);
  }
  return file.slice(0, -TAR_GZ_FILE_EXT.length);
}

/** A deep-store segment may lack `.tar.gz`; the name must pass SegmentNameUtils.validatePartialOrFullSegmentName. */
function storedSegmentName(uri: string): string {
  const file = baseName(uri);
  const name = file.endsWith(TAR_GZ_FILE_EXT) ? file.slice(0, -TAR_GZ_FILE_EXT.length) : file;
  if (name === '' || INVALID_SEGMENT_NAME.test(name)) throw new InvalidInputError(`Invalid partial or full segment name: ${name} (${printableUri(uri)})`);
  return name;
}

async function pushToEveryController(ctx: Context, seg: Segment, uploadType: UploadType, done: (r: PushResult) => void, build: () => Promise<RequestParts>): Promise<void> {
  for (const controller of ctx.opts.controllerUris) done(await pushToController(ctx, seg, controller, uploadType, build));
}

/**
 * TAR push (SegmentTarPushJobRunner): each segment is streamed from its deep store, through the
 * registry, as the one file part of a multipart POST to `/v2/segments?tableName=&tableType=` of
 * every controller. The stream is reopened for each attempt.
 */
export function pushTarSegments(segmentTarUris: string[], opts: PushOptions): Promise<PushResult[]> {
  return withContext(opts, async (ctx) => {
    checkUris(segmentTarUris);
    const segments = segmentTarUris.map((uri) => ({ uri: toUrl(uri).href, name: tarSegmentName(uri) }));
    return runAll(ctx, segments, async (seg, done) => {
      const fs: PinotFS = await ctx.registry.resolve(seg.uri);
      let size: number | undefined;
      try {
        size = await fs.length(seg.uri, ctx.signal ? { signal: ctx.signal } : {});
      } catch (err) {
        if (ctx.signal?.aborted) throw asAbortedIfSignalled(err, ctx.signal);
        throw new PushError({
          kind: isDeepstoreError(err) ? err.kind : 'Unexpected',
          segmentName: seg.name,
          segmentUri: printableUri(seg.uri),
          controllerUri: printableUri(ctx.opts.controllerUris[0] as string),
          uploadType: 'SEGMENT',
          attempts: 0,
          detail: redactText(`TAR push of segment ${seg.name}: cannot read ${seg.uri}: ${(err as Error).message}`, ctx.secrets),
          cause: err,
        });
      }
      await pushToEveryController(ctx, seg, 'SEGMENT', done, async () => {
        const parts: RequestParts = { headers: {}, body: '' };
        const stream = await fs.openRead(seg.uri, ctx.signal ? { signal: ctx.signal } : {});
        const body = multipartBody(seg.name, stream, size, (err) => (parts.sourceError = { err }));
        parts.cleanup = () => stream.destroy();
        parts.headers['content-type'] = body.contentType;
        if (body.length !== undefined) parts.headers['content-length'] = String(body.length);
        parts.body = body.body;
        return parts;
      });
    });
  });
}

/**
 * URI push (SegmentUriPushJobRunner): a POST without a body, `UPLOAD_TYPE: URI` and
 * `DOWNLOAD_URI: <segmentUriPrefix + raw path + segmentUriSuffix>`; the controller fetches the
 * segment itself (and refuses `file:` URIs).
 */
export function pushUriSegments(segmentTarUris: string[], opts: PushOptions): Promise<PushResult[]> {
  return withContext(opts, async (ctx) => {
    checkUris(segmentTarUris);
    const segments = segmentTarUris.map((uri) => ({
      uri: toUrl(uri).href,
      name: storedSegmentName(uri),
      downloadUri: segmentDownloadUri(uri, opts.segmentUriPrefix, opts.segmentUriSuffix),
    }));
    return runAll(ctx, segments, (seg, done) =>
      pushToEveryController(ctx, seg, 'URI', done, async () => ({
        headers: {
          [CustomHeaders.UPLOAD_TYPE]: 'URI',
          [CustomHeaders.DOWNLOAD_URI]: seg.downloadUri as string,
          'content-type': 'application/json',
          'content-length': '0',
        },
        body: '',
      })),
    );
  });
}

/**
 * METADATA push (SegmentMetadataPushJobRunner): for each segment a `<segment>.metadata.tar.gz`
 * holding only metadata.properties and creation.meta is built locally (read by streaming the
 * tarball until both files are found), or taken from beside the segment when one exists
 * (`preferMetadataTarGz`), and sent as the multipart file with `UPLOAD_TYPE: METADATA`,
 * `DOWNLOAD_URI` and `COPY_SEGMENT_TO_DEEP_STORE`, plus `enableParallelPushProtection`.
 */
export function pushMetadataSegments(segmentTarUris: string[], opts: PushOptions): Promise<PushResult[]> {
  return withContext(opts, async (ctx) => {
    checkUris(segmentTarUris);
    const segments = segmentTarUris.map((uri) => ({
      uri: toUrl(uri).href,
      name: storedSegmentName(uri),
      downloadUri: segmentDownloadUri(uri, opts.segmentUriPrefix, opts.segmentUriSuffix),
    }));
    const dir = opts.tempDir ?? tmpdir();
    return runAll(ctx, segments, async (seg, done) => {
      const local = await metadataTarball(ctx, seg, dir);
      try {
        const size = (await stat(local)).size;
        await pushToEveryController(ctx, seg, 'METADATA', done, async () => {
          const parts: RequestParts = { headers: {}, body: '' };
          const file = createReadStream(local);
          const body = multipartBody(seg.name, file, size, (err) => (parts.sourceError = { err }));
          parts.cleanup = () => file.destroy();
          parts.headers = {
            'content-type': body.contentType,
            'content-length': String(body.length),
            [CustomHeaders.UPLOAD_TYPE]: 'METADATA',
            [CustomHeaders.DOWNLOAD_URI]: seg.downloadUri as string,
            [CustomHeaders.COPY_SEGMENT_TO_DEEP_STORE]: String(opts.copyToDeepStore ?? false),
          };
          parts.body = body.body;
          return parts;
        });
      } finally {
        await rm(local, { force: true });
      }
    });
  });
}

/** The local metadata tarball of a segment: downloaded when `<segment>.metadata.tar.gz` exists beside it, else extracted. */
async function metadataTarball(ctx: Context, seg: Segment, dir: string): Promise<string> {
  const signalOpt = ctx.signal ? { signal: ctx.signal } : {};
  const failure = (err: unknown, doing: string): unknown => {
    if (ctx.signal?.aborted) return asAbortedIfSignalled(err, ctx.signal);
    return new PushError({
      kind: isDeepstoreError(err) ? err.kind : 'Unexpected',
      segmentName: seg.name,
      segmentUri: printableUri(seg.uri),
      controllerUri: printableUri(ctx.opts.controllerUris[0] as string),
      uploadType: 'METADATA',
      attempts: 0,
      detail: redactText(`METADATA push of segment ${seg.name}: ${doing}: ${(err as Error).message}`, ctx.secrets),
      cause: err,
    });
  };
  try {
    const fs = await ctx.registry.resolve(seg.uri);
    if (ctx.opts.preferMetadataTarGz ?? true) {
      const existing = metadataTarGzUri(seg.uri, seg.name);
      if (await fs.exists(existing, signalOpt)) {
        const local = path.join(dir, `deepstore-push-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}-${seg.name}.metadata.tar.gz`);
        try {
          await fs.copyToLocal(existing, local, signalOpt);
        } catch (err) {
          await rm(local, { force: true });
          throw failure(err, `cannot download ${existing}`);
        }
        return local;
      }
    }
    let files;
    try {
      files = await extractMetadataFiles(await fs.openRead(seg.uri, signalOpt), seg.uri, ctx.signal);
    } catch (err) {
      throw failure(err, `cannot read its metadata from ${seg.uri}`);
    }
    return await writeMetadataTarball(files, seg.name, dir);
  } catch (err) {
    if (err instanceof PushError || err instanceof AbortedError) throw err;
    throw failure(err, 'cannot build the metadata tarball');
  }
}
