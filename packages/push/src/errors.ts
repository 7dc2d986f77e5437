import { DeepstoreError, redactUri, type ErrorKind } from '@deepstore/core';
import type { PushResult, UploadType } from './types.js';

// A URI inside free text (a controller's error message, a network error): scheme://...
const URI_IN_TEXT = /\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"'<>`]+/g;

/**
 * Makes text safe to print: every URI in it loses its user info and secret query parameters,
 * and every secret given (the auth token, credential header values) is replaced by `***`.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a token is not half-replaced by a shorter secret inside it.
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  return out.replace(URI_IN_TEXT, (match) => {
    // Sentence punctuation after a URI is not part of it.
    const trail = /[.,;:)\]}]+$/.exec(match)?.[0] ?? '';
    const uri = trail ? match.slice(0, -trail.length) : match;
    return printableUri(uri) + trail;
  });
}

/** A URI safe to print, without the trailing slash `URL` adds to a bare origin. */
export function printableUri(uri: string): string {
  const r = redactUri(uri);
  return r.endsWith('/') && !uri.endsWith('/') ? r.slice(0, -1) : r;
}

export interface PushErrorInit {
  kind: ErrorKind;
  segmentName: string;
  segmentUri: string;
  controllerUri: string;
  uploadType: UploadType;
  /** The HTTP status of the controller's last answer; undefined when none came (network failure, local error). */
  status?: number;
  /** The controller's own words (its JSON `error`, else the body), redacted. */
  controllerError?: string;
  attempts: number;
  detail: string;
  cause?: unknown;
}

/**
 * A segment that could not be pushed to a controller: names the segment, the controller and
 * what it answered. Messages and fields never hold credentials: URIs are redacted, the auth
 * token and credential headers are replaced by `***`.
 *
 * The error a push call rejects with is the first failure; `pushed` lists what succeeded
 * before the call gave up, `notAttempted` the segments it never started, `otherFailures` the
 * pushes that failed while the first failure was being handled.
 */
export class PushError extends DeepstoreError {
  readonly segmentName: string;
  /** The segment's URI, redacted. */
  readonly segmentUri: string;
  /** The controller, redacted. */
  readonly controllerUri: string;
  readonly uploadType: UploadType;
  readonly status: number | undefined;
  readonly controllerError: string | undefined;
  readonly attempts: number;
  pushed: PushResult[] = [];
  notAttempted: string[] = [];
  otherFailures: PushError[] = [];

  constructor(init: PushErrorInit) {
    super(init.kind, init.detail, {
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
      retryable: init.kind === 'Transient',
    });
    this.name = 'PushError';
    this.segmentName = init.segmentName;
    this.segmentUri = init.segmentUri;
    this.controllerUri = init.controllerUri;
    this.uploadType = init.uploadType;
    this.status = init.status;
    this.controllerError = init.controllerError;
    this.attempts = init.attempts;
  }

  /** Adds the fate of the rest of the batch to the message of the error a push call throws. */
  summarise(pushed: PushResult[], notAttempted: string[], others: PushError[]): this {
    this.pushed = pushed;
    this.notAttempted = notAttempted;
    this.otherFailures = others;
    const notes: string[] = [];
    if (others.length > 0) notes.push(`${others.length} other push${others.length === 1 ? '' : 'es'} failed too (${others.map((e) => e.segmentName).join(', ')})`);
    if (notAttempted.length > 0) notes.push(`${notAttempted.length} segment${notAttempted.length === 1 ? ' was' : 's were'} not pushed`);
    if (pushed.length > 0) notes.push(`${pushed.length} push${pushed.length === 1 ? '' : 'es'} succeeded before`);
    if (notes.length > 0) this.message = `${this.message} [${notes.join('; ')}]`;
    return this;
  }
}

/** The error kind for a controller's HTTP status. */
export function kindOfStatus(status: number): ErrorKind {
  if (status >= 500) return 'Transient';
  if (status === 401 || status === 403) return 'PermissionDenied';
  if (status === 404 || status === 410) return 'NotFound';
  if (status === 409) return 'AlreadyExists';
  if (status === 400 || status === 412 || status === 413 || status === 415) return 'InvalidInput';
  return 'Unexpected';
}

/** What a status means for a segment push, in the controller's vocabulary (PinotSegmentUploadDownloadRestletResource). */
export function meaningOfStatus(status: number): string {
  switch (status) {
    case 400:
      return 'bad request';
    case 401:
      return 'not authenticated: the controller wants credentials (authToken)';
    case 403:
      return 'forbidden: access denied or segment validation failed';
    case 404:
      return 'not found: is this a Pinot controller?';
    case 409:
      return 'conflict: the segment exists and refresh is not allowed, or another upload of it is in progress';
    case 410:
      return 'gone: the segment to refresh does not exist';
    case 412:
      return 'precondition failed: the If-Match CRC does not match the existing segment';
    case 415:
      return 'unsupported media type';
    default:
      return status >= 500 ? 'controller error' : 'unexpected answer';
  }
}
