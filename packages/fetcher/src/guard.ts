import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, TransientError, type ErrorContext } from '@deepstore/core';
import type { FetchProgress } from './types.js';

/** Paces reads to a byte rate; at most one second of unused rate is banked as a burst. */
export class Throttle {
  private start: number | undefined;
  private sent = 0;
  constructor(private readonly bytesPerSec: number) {}

  async take(n: number, signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    if (this.start === undefined) this.start = now;
    this.sent += n;
    const due = this.start + (this.sent / this.bytesPerSec) * 1000;
    if (due < now - 1000) {
      // The source was slower than the cap: keep only one second of credit.
      this.start = now - 1000;
      this.sent = this.bytesPerSec;
      return;
    }
    if (due > now) await sleep(due - now, undefined, signal ? { signal } : {});
  }
}

/** Reports bytes to a callback at most every 100 ms, and once at the end. */
export class ProgressCounter {
  private bytes = 0;
  private total: number | undefined;
  private last = 0;
  constructor(private readonly onProgress: ((p: FetchProgress) => void) | undefined) {}

  /** Starts over (a new attempt), with the size when the source gave one. */
  reset(total?: number): void {
    this.bytes = 0;
    this.total = total;
    this.last = 0;
  }

  setTotal(total: number | undefined): void {
    this.total = total;
  }

  get transferred(): number {
    return this.bytes;
  }

  add(n: number): void {
    this.bytes += n;
    if (!this.onProgress) return;
    const now = Date.now();
    if (now - this.last >= 100) {
      this.last = now;
      this.emit();
    }
  }

  /** Sets the absolute count (for sources that report progress themselves). */
  set(n: number): void {
    this.add(n - this.bytes);
  }

  done(): void {
    if (this.onProgress) this.emit();
  }

  private emit(): void {
    this.onProgress?.(this.total === undefined ? { bytes: this.bytes } : { bytes: this.bytes, total: this.total });
  }
}

export interface GuardOptions {
  /** Cut the source when it delivers nothing for this long (the clock runs only while waiting on the source). */
  stallTimeoutMs: number;
  signal?: AbortSignal | undefined;
  throttle?: Throttle | undefined;
  onBytes?: ((n: number) => void) | undefined;
  ctx: ErrorContext;
}

/**
 * The chunks of `source`, with a stall watchdog, an optional rate cap and byte counting. An abort
 * or a stall destroys the source, so a read blocked on the network wakes at once.
 */
export async function* guardChunks(source: Readable, options: GuardOptions): AsyncGenerator<Buffer> {
  const { signal, ctx, stallTimeoutMs } = options;
  if (signal?.aborted) {
    source.destroy();
    throw new AbortedError(undefined, ctx);
  }
  // Errors reach us through the iterator; once we stop reading, late ones must not go unhandled.
  source.on('error', () => undefined);
  const onAbort = () => source.destroy(new AbortedError(undefined, ctx));
  signal?.addEventListener('abort', onAbort, { once: true });
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let stalled = false;
      const timer = setTimeout(() => {
        stalled = true;
        source.destroy(new TransientError(`download stalled: no data for ${stallTimeoutMs} ms`, ctx));
      }, stallTimeoutMs);
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (err) {
        if (signal?.aborted) throw new AbortedError(undefined, { ...ctx, cause: err });
        if (stalled) throw new TransientError(`download stalled: no data for ${stallTimeoutMs} ms`, { ...ctx, cause: err });
        throw err;
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      options.onBytes?.(chunk.length);
      yield chunk;
      if (options.throttle) {
        try {
          await options.throttle.take(chunk.length, signal);
        } catch (err) {
          throw new AbortedError(undefined, { ...ctx, cause: err });
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    source.destroy();
  }
}
