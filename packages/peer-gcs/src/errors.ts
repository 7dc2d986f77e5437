/**
 * Errors in the shape the Cloud Storage JSON API uses:
 *
 * ```json
 * {"error": {"code": 404, "message": "No such object: b/o",
 *            "errors": [{"message": "No such object: b/o", "domain": "global", "reason": "notFound"}]}}
 * ```
 */

export interface ErrorDetail {
  reason: string;
  message: string;
  domain?: string;
  locationType?: string;
  location?: string;
}

export class GcsError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly extra: Omit<ErrorDetail, 'reason' | 'message'>;
  /** Extra response headers (e.g. Content-Range on 416). */
  readonly headers: Record<string, string>;

  constructor(
    code: number,
    reason: string,
    message: string,
    extra: Omit<ErrorDetail, 'reason' | 'message'> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GcsError';
    this.code = code;
    this.reason = reason;
    this.extra = extra;
    this.headers = headers;
  }

  toJSON(): unknown {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, domain: this.extra.domain ?? 'global', reason: this.reason, ...strip(this.extra) }],
      },
    };
  }
}

function strip(extra: Omit<ErrorDetail, 'reason' | 'message'>): Record<string, string> {
  const out: Record<string, string> = {};
  if (extra.locationType) out.locationType = extra.locationType;
  if (extra.location) out.location = extra.location;
  return out;
}

/** A response that is not an error body but must short-circuit handling (e.g. 304). */
export class NotModified extends Error {
  constructor() {
    super('Not Modified');
    this.name = 'NotModified';
  }
}

export const errors = {
  bucketNotFound: (_bucket: string) => new GcsError(404, 'notFound', 'The specified bucket does not exist.'),
  objectNotFound: (bucket: string, name: string) => new GcsError(404, 'notFound', `No such object: ${bucket}/${name}`),
  uploadNotFound: () => new GcsError(404, 'notFound', 'No such upload session.'),
  notFound: (message = 'Not Found') => new GcsError(404, 'notFound', message),
  conditionNotMet: (location = 'If-Match') =>
    new GcsError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.', {
      locationType: 'header',
      location,
    }),
  bucketExists: () =>
    new GcsError(409, 'conflict', 'Your previous request to create the named bucket succeeded and you already own it.'),
  bucketNotEmpty: () => new GcsError(409, 'conflict', 'The bucket you tried to delete is not empty.'),
  invalid: (message: string) => new GcsError(400, 'invalid', message),
  invalidArgument: (message = 'Invalid argument.') => new GcsError(400, 'invalid', message),
  required: (message = 'Required') => new GcsError(400, 'required', message),
  parseError: () => new GcsError(400, 'parseError', 'Parse Error'),
  badRequest: (message: string) => new GcsError(400, 'badRequest', message),
  rangeNotSatisfiable: (size: number) =>
    new GcsError(416, 'requestedRangeNotSatisfiable', 'The requested range cannot be satisfied.', {}, {
      'content-range': `bytes */${size}`,
    }),
  notImplemented: (what: string) =>
    new GcsError(501, 'notImplemented', `${what} is not implemented by the deepstore GCS peer.`),
  gone: (message: string) => new GcsError(410, 'gone', message),
  payloadTooLarge: (message: string) => new GcsError(413, 'uploadTooLarge', message),
  internal: (message: string) => new GcsError(500, 'backendError', message),
};

/** The HTTP answer for an error thrown by a handler. */
export function errorResponse(e: unknown): { status: number; headers: Record<string, string>; body: string } {
  if (e instanceof NotModified) return { status: 304, headers: {}, body: '' };
  const err = e instanceof GcsError ? e : errors.internal(e instanceof Error ? e.message : String(e));
  return {
    status: err.code,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...err.headers },
    body: JSON.stringify(err.toJSON(), null, 2) + '\n',
  };
}
