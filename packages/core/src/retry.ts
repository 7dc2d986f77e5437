import { asAbortedIfSignalled, isDeepstoreError, throwIfAborted, type ErrorContext } from './errors.js';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** First backoff ceiling in ms (default 100); doubles each attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  context?: ErrorContext;
  /** Whether to try again; default: the error is a retryable deepstore error. */
  shouldRetry?: (err: unknown) => boolean;
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, or the attempts are spent, sleeping
 * a random time up to an exponentially growing ceiling between attempts ("full jitter"), so
 * many clients retrying at once do not hammer a recovering server in step.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const shouldRetry = options.shouldRetry ?? ((err: unknown) => isDeepstoreError(err) && err.retryable);
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal, options.context);
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal?.aborted) throw asAbortedIfSignalled(err, options.signal, options.context);
      if (attempt >= options.attempts || !shouldRetry(err)) throw err;
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
