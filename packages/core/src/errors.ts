import { redactUri } from './uri.js';

/** The kinds of failure every adapter maps its native errors onto. */
export type ErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'NotEmpty'
  | 'PermissionDenied'
  | 'InvalidInput'
  | 'Unsupported'
  | 'Transient'
  | 'Aborted'
  | 'PluginNotInstalled'
  | 'Unexpected';

export interface ErrorContext {
  /** The operation that failed, e.g. `move`, `openRead`. */
  operation?: string;
  /** The URI involved; credentials are stripped before it is stored. */
  uri?: string | URL;
  cause?: unknown;
  /** Overrides whether the failure may succeed on retry. */
  retryable?: boolean;
}

/** Base class of every error deepstore throws on purpose. */
export class DeepstoreError extends Error {
  readonly kind: ErrorKind;
  readonly operation: string | undefined;
  /** The URI, with user info, passwords and signatures removed. */
  readonly uri: string | undefined;
  /** True when repeating the operation may succeed (network blips, throttling, 5xx). */
  readonly retryable: boolean;

  constructor(kind: ErrorKind, detail: string, context: ErrorContext = {}) {
    const uri = context.uri === undefined ? undefined : redactUri(context.uri);
    const where = [context.operation, uri].filter((s) => s !== undefined && s !== '').join(' ');
    super(where ? `${where}: ${detail}` : detail, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = `${kind}Error`;
    this.kind = kind;
    this.operation = context.operation;
    this.uri = uri;
    this.retryable = context.retryable ?? kind === 'Transient';
  }
}

export class NotFoundError extends DeepstoreError {
  constructor(detail = 'no such file or directory', context: ErrorContext = {}) {
    super('NotFound', detail, context);
  }
}

export class AlreadyExistsError extends DeepstoreError {
  constructor(detail = 'already exists', context: ErrorContext = {}) {
    super('AlreadyExists', detail, context);
  }
}

export class NotEmptyError extends DeepstoreError {
  constructor(detail = 'directory is not empty (use force to delete it with its contents)', context: ErrorContext = {}) {
    super('NotEmpty', detail, context);
  }
}

export class PermissionDeniedError extends DeepstoreError {
  constructor(detail = 'permission denied', context: ErrorContext = {}) {
    super('PermissionDenied', detail, context);
  }
}

export class InvalidInputError extends DeepstoreError {
  constructor(detail: string, context: ErrorContext = {}) {
    super('InvalidInput', detail, context);
  }
}

export class UnsupportedError extends DeepstoreError {
  constructor(detail: string, context: ErrorContext = {}) {
    super('Unsupported', detail, context);
  }
}

export class TransientError extends DeepstoreError {
  constructor(detail: string, context: ErrorContext = {}) {
    super('Transient', detail, context);
  }
}

export class AbortedError extends DeepstoreError {
  constructor(detail = 'operation aborted', context: ErrorContext = {}) {
    super('Aborted', detail, { ...context, retryable: false });
  }
}

export class PluginNotInstalledError extends DeepstoreError {
  readonly packageName: string;
  constructor(scheme: string, packageName: string, context: ErrorContext = {}) {
    super('PluginNotInstalled', `no filesystem is installed for scheme "${scheme}:"; install it with: pnpm add ${packageName}`, context);
    this.packageName = packageName;
  }
}

export function isDeepstoreError(err: unknown): err is DeepstoreError {
  return err instanceof DeepstoreError;
}

/** True if `err` is a deepstore error of that kind (also across duplicate copies of this package). */
export function isErrorKind(err: unknown, kind: ErrorKind): boolean {
  return typeof err === 'object' && err !== null && (err as { kind?: unknown }).kind === kind && err instanceof Error;
}

/** Throws AbortedError if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, context: ErrorContext = {}): void {
  if (signal?.aborted) throw new AbortedError(abortReason(signal), context);
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return `operation aborted: ${reason.message}`;
  if (typeof reason === 'string' && reason) return `operation aborted: ${reason}`;
  return 'operation aborted';
}

/** Turns the error thrown by a stream or a fetch after an abort into an AbortedError. */
export function asAbortedIfSignalled(err: unknown, signal: AbortSignal | undefined, context: ErrorContext = {}): unknown {
  if (signal?.aborted && !(err instanceof AbortedError)) return new AbortedError(abortReason(signal), { ...context, cause: err });
  return err;
}
