/** S3-style error: a code, an HTTP status, a message, and extra <Error> fields. */
export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: Record<string, string | number>;
  readonly headers: Record<string, string>;

  constructor(code: string, message?: string, detail: Record<string, string | number> = {}, headers: Record<string, string> = {}) {
    super(message ?? DEFAULT_MESSAGES[code] ?? code);
    this.name = 'S3Error';
    this.code = code;
    this.status = STATUS[code] ?? 400;
    this.detail = detail;
    this.headers = headers;
  }
}

/** HTTP status per error code (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
const STATUS: Record<string, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidChunkSizeError: 400,
  InvalidObjectState: 403,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartNumber: 416,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidStorageClass: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedTrailerError: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NoSuchVersion: 404,
  NotImplemented: 501,
  NotModified: 304,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
};

const DEFAULT_MESSAGES: Record<string, string> = {
  AccessDenied: 'Access Denied',
  BadDigest: 'The Content-MD5 you specified did not match what we received.',
  BucketNotEmpty: 'The bucket you tried to delete is not empty',
  EntityTooLarge: 'Your proposed upload exceeds the maximum allowed size',
  EntityTooSmall: 'Your proposed upload is smaller than the minimum allowed size',
  IncompleteBody: 'You did not provide the number of bytes specified by the Content-Length HTTP header',
  InternalError: 'We encountered an internal error. Please try again.',
  InvalidAccessKeyId: 'The AWS Access Key Id you provided does not exist in our records.',
  InvalidBucketName: 'The specified bucket is not valid.',
  InvalidChunkSizeError: 'Only the last chunk is allowed to have a size less than 8192 bytes',
  InvalidDigest: 'The Content-MD5 you specified was invalid.',
  InvalidPart:
    'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.',
  InvalidPartNumber: 'The requested partnumber is not satisfiable',
  InvalidPartOrder: 'The list of parts was not in ascending order. Parts must be ordered by part number.',
  InvalidRange: 'The requested range is not satisfiable',
  KeyTooLongError: 'Your key is too long',
  MalformedTrailerError: 'The request contained trailing data that was not well-formed or did not conform to our published schema.',
  MalformedXML: 'The XML you provided was not well-formed or did not validate against our published schema',
  MetadataTooLarge: 'Your metadata headers exceed the maximum allowed metadata size',
  MethodNotAllowed: 'The specified method is not allowed against this resource.',
  MissingContentLength: 'You must provide the Content-Length HTTP header.',
  NoSuchBucket: 'The specified bucket does not exist',
  NoSuchKey: 'The specified key does not exist.',
  NoSuchUpload: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  NotImplemented: 'A header you provided implies functionality that is not implemented',
  PreconditionFailed: 'At least one of the pre-conditions you specified did not hold',
  RequestTimeTooSkewed: 'The difference between the request time and the current time is too large.',
  SignatureDoesNotMatch: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  XAmzContentSHA256Mismatch: "The provided 'x-amz-content-sha256' header does not match what was computed.",
};

export function isErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: unknown }).code as string);
}
