import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, type ErrorContext } from '@deepstore/core';
import type { RetryInfo } from './types.js';

/**
 * The wait after failed attempt `i` (counted from 0), as Pinot's ExponentialBackoffRetryPolicy
 * draws it: a random whole number of ms in [w*f^i, w*f^(i+1)), or exactly w*f^i when that range
 * is empty (f = 1, or w = 0).
 */
export function backoffDelayMs(failedAttempt: number, waitMs: number, scaleFactor: number, random: () => number = Math.random): number {
  const min = Math.floor(waitMs * scaleFactor ** failedAttempt);
  const max = Math.floor(min * scaleFactor);
  return min < max ? min + Math.floor(random() * (max - min)) : min;
}

export interface BudgetOptions {
  attempts: number;
  waitMs: number;
  scaleFactor: number;
  signal?: AbortSignal | undefined;
  context?: ErrorContext;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  random?: () => number;
}

/**
 * The attempts of one fetch, shared by retries and by resumes inside an attempt, so `retry.count`
 * bounds the requests made: Pinot's BaseRetryPolicy.attempt, turned inside out. `next()` grants
 * the first attempt at once and each later one after the backoff wait; it returns false once
 * every attempt is spent.
 */
export class AttemptBudget {
  private used = 0;
  constructor(private readonly options: BudgetOptions) {}

  /** Attempts started so far. */
  get attempts(): number {
    return this.used;
  }

  async next(lastError?: unknown): Promise<boolean> {
    const { signal, context } = this.options;
    if (signal?.aborted) throw new AbortedError(undefined, context);
    if (this.used === 0) {
      this.used = 1;
      return true;
    }
    if (this.used >= this.options.attempts) return false;
    const delayMs = backoffDelayMs(this.used - 1, this.options.waitMs, this.options.scaleFactor, this.options.random);
    this.options.onRetry?.({ attempt: this.used + 1, delayMs, error: lastError });
    try {
      if (delayMs > 0) await sleep(delayMs, undefined, signal ? { signal } : {});
    } catch (err) {
      throw new AbortedError(undefined, { ...context, cause: err });
    }
    this.used += 1;
    return true;
  }
}
