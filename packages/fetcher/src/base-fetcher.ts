import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortedError,
  DeepstoreError,
  InvalidInputError,
  TransientError,
  UnsupportedError,
  fromNodeError,
  tempSibling,
  throwIfAborted,
  writeFileAtomic,
  type ErrorContext,
} from '@deepstore/core';
import { AttemptsExceededError } from './errors.js';
import { WORK_DIR_PREFIX, extractTarStream } from './extract.js';
import { ProgressCounter, Throttle, guardChunks } from './guard.js';
import { AttemptBudget } from './retry.js';
import { parseFetcherSettings, type FetcherSettings } from './settings.js';
import type { FetchOptions, FetcherConfig, SegmentFetcher, SegmentUris } from './types.js';

export type FetchOperation = 'fetchToLocal' | 'fetchUntarToLocal';

/** What one attempt of a fetch gets: its signal, the shared attempt budget, and the stream guards. */
export interface AttemptContext {
  /** The attempt number, from 1. */
  readonly attempt: number;
  readonly operation: FetchOperation;
  readonly signal: AbortSignal | undefined;
  readonly settings: FetcherSettings;
  /** The fetch's attempts; a resume inside an attempt takes one with `budget.next(error)`. */
  readonly budget: AttemptBudget;
  /** A rate cap applies to this fetch. */
  readonly rateLimited: boolean;
  /** The caller asked for progress (so a size lookup is worth a request). */
  readonly wantsProgress: boolean;
  /** The chunks of a raw source with the stall watchdog, the rate cap and progress counting applied. */
  guard(source: Readable, ctx?: ErrorContext): AsyncGenerator<Buffer>;
  /** Sets the size reported with progress. */
  setTotal(total: number | undefined): void;
  /**
   * Runs an operation that reports its own progress (such as PinotFS copyToLocal), cutting it
   * through the signal it is given when no progress is reported for the stall timeout.
   */
  watch<T>(operation: (signal: AbortSignal, onProgress: (p: { bytes: number; total?: number }) => void) => Promise<T>): Promise<T>;
}

/**
 * Pinot's BaseSegmentFetcher: the retry loop (retry.count total attempts, exponential backoff
 * with jitter), replicas tried round robin from a random start, and the local side of a fetch
 * (a temporary file renamed into place; a streamed, safe extraction). Subclasses implement one
 * attempt: `openOnce` (a byte stream; preferred, it allows streamed extraction) and/or
 * `fetchOnce` (a download to a local file).
 */
export abstract class BaseSegmentFetcher implements SegmentFetcher {
  protected settings: FetcherSettings = parseFetcherSettings({});
  protected config: FetcherConfig = {};

  init(config: FetcherConfig): void | Promise<void> {
    this.settings = parseFetcherSettings(config);
    this.config = { ...config };
    return this.doInit(config);
  }

  /** Subclass settings; called by `init` after the shared ones are read. */
  protected doInit(_config: FetcherConfig): void | Promise<void> {}

  async close(): Promise<void> {}

  /**
   * One attempt at opening the tarball's bytes (no retries). Implement this to get streamed
   * extraction; the base applies the stall watchdog, the rate cap and progress to the stream.
   */
  protected openOnce(_uri: string, _attempt: AttemptContext): Promise<Readable> {
    return Promise.reject(new UnsupportedError(`${this.constructor.name} implements neither openOnce nor fetchOnce`));
  }

  /** The guarded stream of one attempt; override to guard pieces yourself (as the HTTP fetcher does to resume). */
  protected async openGuarded(uri: string, attempt: AttemptContext): Promise<Readable> {
    const raw = await this.openOnce(uri, attempt);
    return Readable.from(attempt.guard(raw), { objectMode: false, highWaterMark: 1 << 20 });
  }

  /** One attempt at downloading to the local file `dest` (a temporary the caller renames). Default: the stream of `openGuarded`, fsynced. */
  protected async fetchOnce(uri: string, dest: string, attempt: AttemptContext): Promise<void> {
    const body = await this.openGuarded(uri, attempt);
    await writeFileAtomic(dest, body, { ...(attempt.signal ? { signal: attempt.signal } : {}), uri, operation: attempt.operation });
  }

  /** Whether a failure may succeed on another attempt. Pinot retries any exception; we do not retry what cannot change. */
  protected isRetryable(err: DeepstoreError): boolean {
    return err.retryable || err.kind === 'NotFound';
  }

  /** Maps any error onto a typed one (non-deepstore errors become transient, as Pinot retries them). */
  protected classify(err: unknown, ctx: ErrorContext): DeepstoreError {
    if (err instanceof DeepstoreError) return err;
    const mapped = fromNodeError(err, ctx);
    if (mapped.kind !== 'Unexpected') return mapped;
    const e = err as { code?: unknown; message?: unknown };
    const what = [typeof e?.code === 'string' ? e.code : undefined, typeof e?.message === 'string' ? e.message : undefined].filter(Boolean).join(': ');
    return new TransientError(what || String(err), { ...ctx, cause: err });
  }

  private streams(): boolean {
    return this.openOnce !== BaseSegmentFetcher.prototype.openOnce || this.openGuarded !== BaseSegmentFetcher.prototype.openGuarded;
  }

  async fetchToLocal(uri: SegmentUris, dest: string, options: FetchOptions = {}): Promise<void> {
    const uris = toUriList(uri, 'fetchToLocal');
    const target = path.resolve(dest);
    await mkdir(path.dirname(target), { recursive: true });
    await this.attempts(uris, options, 'fetchToLocal', async (u, attempt) => {
      const tmp = tempSibling(target);
      try {
        await this.fetchOnce(u, tmp, attempt);
        throwIfAborted(attempt.signal, { operation: 'fetchToLocal', uri: u });
        await rename(tmp, target);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  }

  async fetchUntarToLocal(uri: SegmentUris, destDir: string, options: FetchOptions = {}): Promise<string> {
    const uris = toUriList(uri, 'fetchUntarToLocal');
    const dir = path.resolve(destDir);
    return this.attempts(uris, options, 'fetchUntarToLocal', async (u, attempt) => {
      const limits = {
        maxBytes: this.settings.maxExtractedBytes,
        maxEntries: this.settings.maxEntries,
        signal: attempt.signal,
        ctx: { operation: 'fetchUntarToLocal', uri: u },
      };
      if (this.streams()) return extractTarStream(await this.openGuarded(u, attempt), dir, limits);
      // A fetcher that can only download to a file: download into destDir's work area, then extract.
      await mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `${WORK_DIR_PREFIX}download-${randomBytes(6).toString('hex')}.tar`);
      try {
        await this.fetchOnce(u, tmp, attempt);
        return await extractTarStream(createReadStream(tmp, { highWaterMark: 1 << 20 }), dir, limits);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  }

  /** Runs `fn` until it succeeds, a failure is permanent, or the attempts are spent; each attempt takes the next replica. */
  protected async attempts<T>(uris: readonly string[], options: FetchOptions, operation: FetchOperation, fn: (uri: string, attempt: AttemptContext) => Promise<T>): Promise<T> {
    const { signal } = options;
    const first: ErrorContext = { operation, uri: uris[0] };
    throwIfAborted(signal, first);
    const s = this.settings;
    const budget = new AttemptBudget({
      attempts: s.retryCount,
      waitMs: s.retryWaitMs,
      scaleFactor: s.retryDelayScaleFactor,
      signal,
      context: first,
      onRetry: options.onRetry,
    });
    const rate = options.rateLimitBytesPerSec ?? s.rateLimitBytesPerSec;
    const throttle = rate > 0 ? new Throttle(rate) : undefined;
    const progress = new ProgressCounter(options.onProgress);
    // Pinot's RoundRobinURIProvider: a random start, then each attempt the next replica.
    let index = Math.floor(Math.random() * uris.length);
    let last: unknown;
    while (await budget.next(last)) {
      const uri = uris[index++ % uris.length]!;
      const ctx: ErrorContext = { operation, uri };
      progress.reset();
      const attempt: AttemptContext = {
        attempt: budget.attempts,
        operation,
        signal,
        settings: s,
        budget,
        rateLimited: throttle !== undefined,
        wantsProgress: options.onProgress !== undefined,
        guard: (source, c = ctx) => guardChunks(source, { stallTimeoutMs: s.stallTimeoutMs, signal, throttle, onBytes: (n) => progress.add(n), ctx: c }),
        setTotal: (total) => progress.setTotal(total),
        watch: (op) => watchProgress(op, { stallTimeoutMs: s.stallTimeoutMs, signal, ctx, progress }),
      };
      try {
        const result = await fn(uri, attempt);
        progress.done();
        return result;
      } catch (err) {
        if (signal?.aborted) throw err instanceof AbortedError ? err : new AbortedError(undefined, { ...ctx, cause: err });
        const e = this.classify(err, ctx);
        if (!this.isRetryable(e)) throw e;
        last = e;
      }
    }
    const where: ErrorContext = uris.length === 1 ? first : { operation };
    throw new AttemptsExceededError(budget.attempts, last, where, uris.length);
  }
}

async function watchProgress<T>(
  op: (signal: AbortSignal, onProgress: (p: { bytes: number; total?: number }) => void) => Promise<T>,
  o: { stallTimeoutMs: number; signal: AbortSignal | undefined; ctx: ErrorContext; progress: ProgressCounter },
): Promise<T> {
  const inner = new AbortController();
  const onAbort = () => inner.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      inner.abort(new TransientError(`download stalled: no progress for ${o.stallTimeoutMs} ms`, o.ctx));
    }, o.stallTimeoutMs);
  };
  arm();
  try {
    return await op(inner.signal, (p) => {
      if (p.total !== undefined) o.progress.setTotal(p.total);
      o.progress.set(p.bytes);
      arm();
    });
  } catch (err) {
    if (stalled && !o.signal?.aborted) throw new TransientError(`download stalled: no progress for ${o.stallTimeoutMs} ms`, { ...o.ctx, cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** One URI or a list of replicas, checked. */
export function toUriList(uri: SegmentUris, operation: string): string[] {
  const list = typeof uri === 'string' ? [uri] : [...uri];
  if (list.length === 0) throw new InvalidInputError('the URI list is empty', { operation });
  for (const u of list) {
    if (typeof u !== 'string' || u.trim() === '') throw new InvalidInputError('a URI is empty or not a string', { operation });
  }
  return list;
}
