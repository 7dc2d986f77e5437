import { DeepstoreError, redactUri, type ErrorContext } from '@deepstore/core';

/** A tarball refused because extracting it would be unsafe: an entry outside the target, a link, a device, too large. Never retried. */
export class UnsafeArchiveError extends DeepstoreError {
  constructor(detail: string, context: ErrorContext = {}) {
    super('InvalidInput', detail, { ...context, retryable: false });
    this.name = 'UnsafeArchiveError';
  }
}

/** Every attempt failed with a retryable error (Pinot's AttemptsExceededException); `cause` is the last failure. */
export class AttemptsExceededError extends DeepstoreError {
  readonly attempts: number;
  constructor(attempts: number, last: unknown, context: ErrorContext = {}, replicas = 1) {
    let why = last instanceof Error ? last.message : String(last);
    // The last error usually names the same operation and URI: say them once.
    const where = [context.operation, context.uri === undefined ? undefined : redactUri(context.uri)].filter(Boolean).join(' ');
    if (where && why.startsWith(`${where}: `)) why = why.slice(where.length + 2);
    const over = replicas > 1 ? ` over ${replicas} replicas` : '';
    super('Transient', `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}${over}; last error: ${why}`, { ...context, cause: last, retryable: true });
    this.name = 'AttemptsExceededError';
    this.attempts = attempts;
  }
}

/** An HTTP answer that is not a success: 404 and 5xx are retried (as Pinot does), any other status of 300 or more is permanent. */
export class HttpStatusError extends DeepstoreError {
  readonly status: number;
  constructor(status: number, context: ErrorContext = {}) {
    const retryable = status === 404 || status >= 500;
    const kind = status === 404 || status === 410 ? 'NotFound' : status === 401 || status === 403 ? 'PermissionDenied' : retryable ? 'Transient' : 'Unexpected';
    const hint = status === 401 || status === 403 ? ' (check auth.token)' : retryable ? '' : ' (not retried)';
    super(kind, `the server answered HTTP ${status}${hint}`, { ...context, retryable });
    this.name = 'HttpStatusError';
    this.status = status;
  }
}
