import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { chunkSignature, trailerSignature, type AuthContext } from './auth.js';
import { algorithmLabel, createHasher, DIGEST_LENGTH, isChecksumAlgorithm, type ChecksumAlgorithm, type Hasher } from './checksums.js';
import { S3Error } from './errors.js';

/** Reading request bodies the way S3 does: aws-chunked decoding, size limits, digests. */

export const MAX_OBJECT_SIZE = 5 * 1024 ** 3; // single PUT and single part
const MIN_CHUNK = 8192;
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

type ChunkMode = 'unsigned' | 'signed';

/** Decodes `Content-Encoding: aws-chunked` bodies (signed chunks, unsigned chunks with trailers). */
class AwsChunkedDecoder extends Transform {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = '';
  private remaining = 0;
  private chunkIndex = 0;
  private smallChunk: { index: number; size: number } | undefined;
  private chunkHash = createHash('sha256');
  private chunkSig = '';
  private previousSig: string;
  private trailerText = '';
  readonly trailers = new Map<string, string>();
  trailerSig: string | undefined;

  constructor(
    private readonly mode: ChunkMode,
    private readonly auth: AuthContext | undefined,
  ) {
    super();
    this.previousSig = auth?.seedSignature ?? '';
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      let i = 0;
      while (i < chunk.length) {
        switch (this.state) {
          case 'size':
          case 'trailer':
          case 'data-end': {
            const nl = chunk.indexOf(0x0a, i);
            const end = nl < 0 ? chunk.length : nl + 1;
            this.line += chunk.toString('latin1', i, end);
            i = end;
            if (this.line.length > 8192) throw new S3Error('IncompleteBody', 'The aws-chunked framing of the request body is malformed.');
            if (nl >= 0) {
              const line = this.line.replace(/\r?\n$/, '');
              this.line = '';
              this.onLine(line);
            }
            break;
          }
          case 'data': {
            const take = Math.min(this.remaining, chunk.length - i);
            const piece = chunk.subarray(i, i + take);
            if (this.mode === 'signed') this.chunkHash.update(piece);
            this.push(piece);
            this.remaining -= take;
            i += take;
            if (this.remaining === 0) this.state = 'data-end';
            break;
          }
          case 'done':
            // Bytes after the final CRLF: tolerated only if whitespace.
            if (chunk.subarray(i).toString('latin1').trim() !== '') {
              throw new S3Error('IncompleteBody', 'Unexpected data after the final aws-chunked chunk.');
            }
            i = chunk.length;
            break;
        }
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw new S3Error('IncompleteBody', 'The aws-chunked framing of the request body is malformed (missing CRLF after chunk data).');
      this.finishChunk();
      this.state = 'size';
      return;
    }
    if (this.state === 'size') {
      const [sizePart, ...exts] = line.split(';');
      if (!/^[0-9a-fA-F]{1,16}$/.test(sizePart!.trim())) {
        throw new S3Error('IncompleteBody', `The aws-chunked framing of the request body is malformed (chunk size "${line.slice(0, 40)}").`);
      }
      const size = parseInt(sizePart!.trim(), 16);
      this.chunkSig = '';
      for (const ext of exts) {
        const eq = ext.indexOf('=');
        if (eq > 0 && ext.slice(0, eq).trim() === 'chunk-signature') this.chunkSig = ext.slice(eq + 1).trim();
      }
      if (this.mode === 'signed' && !this.chunkSig) throw new S3Error('IncompleteBody', 'A signed aws-chunked chunk is missing its chunk-signature.');
      if (size > 0) {
        if (this.smallChunk) {
          throw new S3Error('InvalidChunkSizeError', undefined, { Chunk: this.smallChunk.index, BadChunkSize: this.smallChunk.size });
        }
        this.chunkIndex++;
        if (size < MIN_CHUNK) this.smallChunk = { index: this.chunkIndex, size };
        this.remaining = size;
        this.state = 'data';
      } else {
        this.finishChunk();
        this.state = 'trailer';
      }
      return;
    }
    // trailer
    if (line === '') {
      if (this.mode === 'signed' && this.trailers.size > 0) {
        if (!this.trailerSig) throw new S3Error('MalformedTrailerError', 'The trailing headers are missing x-amz-trailer-signature.');
        if (this.auth && trailerSignature(this.auth, this.previousSig, this.trailerText) !== this.trailerSig) {
          throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.');
        }
      }
      this.state = 'done';
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new S3Error('MalformedTrailerError');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') this.trailerSig = value;
    else {
      this.trailers.set(name, value);
      this.trailerText += `${name}:${value}\n`;
    }
  }

  /** Verifies the signature of the chunk that just ended (signed mode). */
  private finishChunk(): void {
    if (this.mode !== 'signed' || !this.auth) return;
    const dataHash = this.chunkHash.digest('hex');
    this.chunkHash = createHash('sha256');
    const expected = chunkSignature(this.auth, this.previousSig, dataHash === '' ? EMPTY_SHA256 : dataHash);
    if (expected !== this.chunkSig) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.');
    }
    this.previousSig = this.chunkSig;
  }

  override _flush(cb: TransformCallback): void {
    if (this.state !== 'done') cb(new S3Error('IncompleteBody', 'The request body terminated before the final aws-chunked chunk.'));
    else cb();
  }
}

export interface BodyInfo {
  size: number;
  md5: Buffer;
  /** The verified x-amz-checksum-* value the client sent (header or trailer), if any. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

export interface BodyOptions {
  maxSize: number;
  /** PutObject / UploadPart: Content-Length (or x-amz-decoded-content-length) is mandatory. */
  requireLength: boolean;
  /** DeleteObjects and friends: Content-MD5 or an x-amz-checksum-* is mandatory. */
  requireChecksum?: boolean;
  auth?: AuthContext | undefined;
}

const CONTENT_SHA_VALUES = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function decodeBase64Strict(value: string, length: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  const b = Buffer.from(value, 'base64');
  return b.length === length && b.toString('base64') === value ? b : undefined;
}

/** Declared payload length of the request, validating the header combination first. */
export function declaredLength(req: IncomingMessage, requireLength: boolean): number | undefined {
  const chunked = isAwsChunked(req);
  const raw = chunked ? header(req, 'x-amz-decoded-content-length') : header(req, 'content-length');
  if (raw === undefined) {
    if (chunked || requireLength) throw new S3Error('MissingContentLength');
    return undefined;
  }
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', `Invalid ${chunked ? 'x-amz-decoded-content-length' : 'Content-Length'}`);
  return Number(raw);
}

export function isAwsChunked(req: IncomingMessage): boolean {
  const sha = header(req, 'x-amz-content-sha256') ?? '';
  const enc = (header(req, 'content-encoding') ?? '').toLowerCase();
  return sha.startsWith('STREAMING-') || enc.split(',').some((e) => e.trim() === 'aws-chunked');
}

/**
 * Streams the request body into `sink`, decoding aws-chunked framing and verifying
 * Content-MD5, x-amz-checksum-* (header or trailer) and a hex x-amz-content-sha256.
 * Errors are S3Errors; the caller discards whatever the sink received.
 */
export async function ingestBody(req: IncomingMessage, sink: Writable, opts: BodyOptions): Promise<BodyInfo> {
  const sha = header(req, 'x-amz-content-sha256');
  if (sha !== undefined && !CONTENT_SHA_VALUES.has(sha) && !/^[0-9a-fA-F]{64}$/.test(sha)) {
    throw new S3Error(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      { ArgumentName: 'x-amz-content-sha256', ArgumentValue: sha },
    );
  }
  const chunked = isAwsChunked(req);
  const length = declaredLength(req, opts.requireLength);
  if (length !== undefined && length > opts.maxSize) {
    throw new S3Error('EntityTooLarge', undefined, { ProposedSize: length, MaxSizeAllowed: opts.maxSize });
  }
  if (!chunked && length === undefined && header(req, 'transfer-encoding') !== undefined && opts.requireLength) {
    throw new S3Error('MissingContentLength');
  }

  const md5Header = header(req, 'content-md5');
  let expectedMd5: Buffer | undefined;
  if (md5Header !== undefined) {
    expectedMd5 = decodeBase64Strict(md5Header.trim(), 16);
    if (!expectedMd5) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', { 'Content-MD5': md5Header });
  }

  // x-amz-checksum-<algorithm>: at most one, in a header or announced in x-amz-trailer.
  const checksumHeaders = Object.keys(req.headers).filter(
    (h) => h.startsWith('x-amz-checksum-') && !['x-amz-checksum-mode', 'x-amz-checksum-type', 'x-amz-checksum-algorithm'].includes(h),
  );
  const trailerName = header(req, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailerName !== undefined) checksumHeaders.push(trailerName);
  if (checksumHeaders.length > 1) {
    throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  let checksumAlgorithm: ChecksumAlgorithm | undefined;
  let expectedChecksum: string | undefined;
  if (checksumHeaders.length === 1) {
    const name = checksumHeaders[0]!;
    const algo = name.slice('x-amz-checksum-'.length);
    if (!name.startsWith('x-amz-checksum-') || !isChecksumAlgorithm(algo)) {
      if (name === trailerName) throw new S3Error('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported');
      throw new S3Error('InvalidRequest', 'The algorithm type you specified in x-amz-checksum- header is invalid.');
    }
    checksumAlgorithm = algo;
    if (name !== trailerName) {
      expectedChecksum = header(req, name)!.trim();
      if (!decodeBase64Strict(expectedChecksum, DIGEST_LENGTH[algo])) {
        throw new S3Error('InvalidRequest', `Value for x-amz-checksum-${algo} header is invalid.`);
      }
    } else if (!chunked) {
      throw new S3Error('InvalidRequest', 'The x-amz-trailer header is only supported with aws-chunked content encoding.');
    }
  }
  const sdkAlgorithm = header(req, 'x-amz-sdk-checksum-algorithm')?.toLowerCase();
  if (sdkAlgorithm !== undefined) {
    if (!checksumAlgorithm) {
      throw new S3Error('InvalidRequest', 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
    }
    if (sdkAlgorithm !== checksumAlgorithm) {
      throw new S3Error('InvalidRequest', `Value for x-amz-sdk-checksum-algorithm header is invalid.`);
    }
  }
  if (opts.requireChecksum && !expectedMd5 && !checksumAlgorithm) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*');
  }

  const md5 = createHasher('md5');
  const checksumHasher: Hasher | undefined = checksumAlgorithm ? createHasher(checksumAlgorithm) : undefined;
  const shaHasher = sha && /^[0-9a-fA-F]{64}$/.test(sha) ? createHash('sha256') : undefined;
  let size = 0;
  const maxSize = opts.maxSize;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > maxSize) {
        cb(new S3Error('EntityTooLarge', undefined, { ProposedSize: size, MaxSizeAllowed: maxSize }));
        return;
      }
      md5.update(chunk);
      checksumHasher?.update(chunk);
      cb(null, chunk);
    },
  });
  // A hex x-amz-content-sha256 covers the bytes on the wire.
  const wire = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      shaHasher?.update(chunk);
      cb(null, chunk);
    },
  });

  let decoder: AwsChunkedDecoder | undefined;
  if (chunked) {
    const mode: ChunkMode = sha?.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') ? 'signed' : 'unsigned';
    decoder = new AwsChunkedDecoder(mode, opts.auth);
  }
  // The request is piped rather than put into the pipeline: a rejected body (bad chunk, too
  // large, ...) must not destroy the socket, so the S3 error response still reaches the client.
  const onClose = (): void => {
    if (!req.complete) wire.destroy(new S3Error('IncompleteBody', 'The request body terminated unexpectedly'));
  };
  const onError = (err: Error): void => void wire.destroy(err);
  if (req.destroyed && !req.complete) throw new S3Error('IncompleteBody', 'The request body terminated unexpectedly');
  req.on('close', onClose);
  req.on('error', onError);
  req.pipe(wire);
  try {
    await (decoder ? pipeline(wire, decoder, tap, sink) : pipeline(wire, tap, sink));
  } catch (err) {
    req.unpipe(wire);
    throw err;
  } finally {
    req.off('close', onClose);
    req.off('error', onError);
  }

  if (!req.complete) throw new S3Error('IncompleteBody');
  if (length !== undefined && size !== length) {
    throw new S3Error('IncompleteBody', chunked ? 'The decoded body length does not match x-amz-decoded-content-length.' : undefined);
  }
  if (shaHasher && shaHasher.digest('hex') !== sha!.toLowerCase()) {
    throw new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: sha!, S3ComputedContentSHA256: '' });
  }
  const md5Digest = md5.digest();
  if (expectedMd5 && !expectedMd5.equals(md5Digest)) {
    throw new S3Error('BadDigest', undefined, { ExpectedDigest: expectedMd5.toString('hex'), CalculatedDigest: md5Digest.toString('base64') });
  }
  let checksum: BodyInfo['checksum'];
  if (checksumAlgorithm && checksumHasher) {
    if (expectedChecksum === undefined) {
      expectedChecksum = decoder?.trailers.get(`x-amz-checksum-${checksumAlgorithm}`);
      if (expectedChecksum === undefined || !decodeBase64Strict(expectedChecksum, DIGEST_LENGTH[checksumAlgorithm])) {
        throw new S3Error('MalformedTrailerError', expectedChecksum === undefined ? `The request announced the trailer x-amz-checksum-${checksumAlgorithm} but did not send it.` : undefined);
      }
    }
    const actual = checksumHasher.digest().toString('base64');
    if (actual !== expectedChecksum) {
      throw new S3Error('BadDigest', `The ${algorithmLabel(checksumAlgorithm)} you specified did not match the calculated checksum.`);
    }
    checksum = { algorithm: checksumAlgorithm, value: actual };
  }
  return { size, md5: md5Digest, ...(checksum ? { checksum } : {}) };
}

/** A Writable that keeps everything in memory, refusing more than `limit` bytes. */
export class MemorySink extends Writable {
  private chunks: Buffer[] = [];
  private total = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.total += chunk.length;
    if (this.total > this.limit) {
      cb(new S3Error('MaxMessageLengthExceeded', 'Your request was too big.'));
      return;
    }
    this.chunks.push(chunk);
    cb();
  }
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
