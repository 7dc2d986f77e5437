import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { S3Error } from './errors.js';

/** SigV4 verification for header-signed and presigned (query) requests. */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AuthContext {
  accessKeyId: string;
  presigned: boolean;
  /** For aws-chunked bodies with chunk signatures. */
  signingKey: Buffer;
  scope: string;
  amzDate: string;
  seedSignature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;

/** RFC 3986 encoding as SigV4 requires: everything but A-Z a-z 0-9 - _ . ~ is %XX-escaped. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function signingKeyFor(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

/** Splits a raw query string into decoded pairs, keeping order and duplicates. */
export function parseRawQuery(rawQuery: string, plusIsSpace = true): Array<[string, string]> {
  if (!rawQuery) return [];
  const out: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const dec = (s: string): string => {
      try {
        return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, ' ') : s);
      } catch {
        throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
      }
    };
    out.push([dec(rawName), dec(rawValue)]);
  }
  return out;
}

function canonicalQuery(pairs: Array<[string, string]>): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValues(req: IncomingMessage, name: string): string | undefined {
  const values: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!.trim().replace(/\s+/g, ' '));
  }
  return values.length ? values.join(',') : undefined;
}

function reencodePath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((seg) => {
      try {
        return uriEncode(decodeURIComponent(seg));
      } catch {
        return seg;
      }
    })
    .join('/');
}

function parseAmzDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (m) return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]|\.\d+/g, '');
}

interface Parsed {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

function parseCredential(credential: string, errCode: string): Omit<Parsed, 'signedHeaders' | 'signature' | 'amzDate'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!)) {
    throw new S3Error(errCode, `${errCode === 'AuthorizationHeaderMalformed' ? 'The authorization header is malformed; ' : ''}the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]! };
}

/**
 * Verifies the request's SigV4 signature (Authorization header or presigned query).
 * Throws S3Error on anonymous, malformed, expired or mismatching requests.
 */
export function authenticate(
  req: IncomingMessage,
  rawPath: string,
  rawQuery: string,
  credentials: Credentials,
  region: string,
  now: Date = new Date(),
): AuthContext {
  const authorization = req.headers.authorization;
  const queryPairs = parseRawQuery(rawQuery);
  const queryNames = new Set(queryPairs.map(([k]) => k));
  const presigned = queryNames.has('X-Amz-Algorithm') || queryNames.has('X-Amz-Signature') || queryNames.has('X-Amz-Credential');
  if (authorization !== undefined && (presigned || queryNames.has('Signature'))) {
    throw new S3Error('InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    });
  }
  let parsed: Parsed;
  let payloadHash: string;
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    const scheme = space < 0 ? authorization : authorization.slice(0, space);
    if (scheme === 'AWS') {
      throw new S3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
    }
    if (scheme !== ALGORITHM) {
      throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: authorization });
    }
    const fields = new Map<string, string>();
    for (const piece of authorization.slice(space + 1).split(',')) {
      const eq = piece.indexOf('=');
      if (eq > 0) fields.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
    }
    for (const f of ['Credential', 'SignedHeaders', 'Signature']) {
      if (!fields.get(f)) {
        throw new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; the authorization component "${f}" is missing.`);
      }
    }
    const cred = parseCredential(fields.get('Credential')!, 'AuthorizationHeaderMalformed');
    const amzDate = (req.headers['x-amz-date'] as string | undefined) ?? (req.headers.date as string | undefined);
    const when = parseAmzDate(amzDate);
    if (!when) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    parsed = { ...cred, signedHeaders: fields.get('SignedHeaders')!.split(';'), signature: fields.get('Signature')!, amzDate: amzDate! };
    const contentSha = req.headers['x-amz-content-sha256'];
    if (typeof contentSha !== 'string') {
      throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    payloadHash = contentSha;
    if (Math.abs(now.getTime() - when.getTime()) > MAX_SKEW_MS) {
      throw new S3Error('RequestTimeTooSkewed', undefined, { RequestTime: amzDate!, ServerTime: now.toISOString(), MaxAllowedSkewMilliseconds: MAX_SKEW_MS });
    }
    if (!/^\d{8}T\d{6}Z$/.test(amzDate!)) parsed.amzDate = toAmzDate(when);
    if (parsed.date !== parsed.amzDate.slice(0, 8)) {
      throw new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; Invalid credential date "${parsed.date}". This date is not the same as X-Amz-Date: "${parsed.amzDate.slice(0, 8)}".`);
    }
  } else if (presigned) {
    const q = new Map(queryPairs);
    if (q.get('X-Amz-Algorithm') !== ALGORITHM) {
      throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    for (const f of ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires']) {
      if (!q.get(f)) {
        throw new S3Error(
          'AuthorizationQueryParametersError',
          'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
        );
      }
    }
    const cred = parseCredential(q.get('X-Amz-Credential')!, 'AuthorizationQueryParametersError');
    const amzDate = q.get('X-Amz-Date')!;
    const when = parseAmzDate(amzDate);
    if (!when || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
      throw new S3Error('AuthorizationQueryParametersError', "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    }
    const expires = Number(q.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 0) {
      throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
    }
    if (expires > 604800) {
      throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
    }
    if (when.getTime() - now.getTime() > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
    if (now.getTime() > when.getTime() + expires * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired', { 'X-Amz-Expires': expires, Expires: new Date(when.getTime() + expires * 1000).toISOString(), ServerTime: now.toISOString() });
    }
    parsed = { ...cred, signedHeaders: q.get('X-Amz-SignedHeaders')!.split(';'), signature: q.get('X-Amz-Signature')!, amzDate };
    payloadHash = q.get('X-Amz-Content-Sha256') ?? (req.headers['x-amz-content-sha256'] as string | undefined) ?? 'UNSIGNED-PAYLOAD';
  } else if (queryNames.has('Signature') || queryNames.has('AWSAccessKeyId')) {
    throw new S3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  } else {
    throw new S3Error('AccessDenied', 'Access Denied');
  }

  if (parsed.accessKeyId !== credentials.accessKeyId) {
    throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: parsed.accessKeyId });
  }
  const errCode = presigned && authorization === undefined ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed';
  if (parsed.region !== region) {
    throw new S3Error(
      errCode,
      `${errCode === 'AuthorizationHeaderMalformed' ? 'The authorization header is malformed; ' : 'Error parsing the X-Amz-Credential parameter; '}the region '${parsed.region}' is wrong; expecting '${region}'`,
      { Region: region },
    );
  }
  if (parsed.service !== 's3') {
    throw new S3Error(errCode, `${errCode === 'AuthorizationHeaderMalformed' ? 'The authorization header is malformed; ' : ''}incorrect service "${parsed.service}". This endpoint belongs to "s3".`);
  }
  if (!parsed.signedHeaders.includes('host')) {
    throw new S3Error('AccessDenied', 'Signature header missing host field.');
  }

  const signingKey = signingKeyFor(credentials.secretAccessKey, parsed.date, parsed.region, parsed.service);
  const scope = `${parsed.date}/${parsed.region}/${parsed.service}/aws4_request`;
  const canonicalHeaders = parsed.signedHeaders.map((h) => `${h}:${headerValues(req, h) ?? ''}\n`).join('');
  const signedHeaders = parsed.signedHeaders.join(';');
  const method = req.method ?? 'GET';

  const attempts: Array<{ path: string; pairs: Array<[string, string]> }> = [];
  const withoutSig = (pairs: Array<[string, string]>): Array<[string, string]> => (presigned && authorization === undefined ? pairs.filter(([k]) => k !== 'X-Amz-Signature') : pairs);
  const pairsPlus = withoutSig(queryPairs);
  const pairsLiteral = rawQuery.includes('+') ? withoutSig(parseRawQuery(rawQuery, false)) : undefined;
  for (const path of new Set([rawPath, reencodePath(rawPath)])) {
    attempts.push({ path, pairs: pairsPlus });
    if (pairsLiteral) attempts.push({ path, pairs: pairsLiteral });
  }
  let lastStringToSign = '';
  let lastCanonical = '';
  for (const { path, pairs } of attempts) {
    const canonicalRequest = [method, path, canonicalQuery(pairs), canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const stringToSign = [ALGORITHM, parsed.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
    if (signature === parsed.signature) {
      return { accessKeyId: parsed.accessKeyId, presigned: authorization === undefined, signingKey, scope, amzDate: parsed.amzDate, seedSignature: signature };
    }
    lastStringToSign ||= stringToSign;
    lastCanonical ||= canonicalRequest;
  }
  throw new S3Error('SignatureDoesNotMatch', undefined, {
    AWSAccessKeyId: parsed.accessKeyId,
    StringToSign: lastStringToSign,
    SignatureProvided: parsed.signature,
    CanonicalRequest: lastCanonical,
  });
}

/** String-to-sign of one aws-chunked chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD). */
export function chunkSignature(ctx: AuthContext, previous: string, chunkSha256Hex: string): string {
  const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', ctx.amzDate, ctx.scope, previous, sha256Hex(''), chunkSha256Hex].join('\n');
  return createHmac('sha256', ctx.signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** Signature of the trailing headers (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER). */
export function trailerSignature(ctx: AuthContext, previous: string, trailerText: string): string {
  const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', ctx.amzDate, ctx.scope, previous, sha256Hex(trailerText)].join('\n');
  return createHmac('sha256', ctx.signingKey).update(stringToSign, 'utf8').digest('hex');
}
