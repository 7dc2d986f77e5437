import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkSignature, signingKeyFor, type AuthContext } from '../src/auth.js';
import { startS3Peer, type S3Peer } from '../src/index.js';
import { bytes, md5, sdkClient, sdkError } from './helpers.js';

let peer: S3Peer;
/** The SDK in its default checksum mode (WHEN_SUPPORTED): streams go out as aws-chunked with a trailer. */
let sdkDefault: S3Client;
let sdk: S3Client;
const B = 'ck-bucket';
const seen: Array<Record<string, string>> = [];

beforeAll(async () => {
  peer = await startS3Peer({ buckets: [B] });
  sdkDefault = sdkClient(peer, { requestChecksumCalculation: 'WHEN_SUPPORTED', responseChecksumValidation: 'WHEN_SUPPORTED' });
  sdkDefault.middlewareStack.add(
    (next) => async (args) => {
      seen.push({ ...((args.request as { headers: Record<string, string> }).headers ?? {}) });
      return next(args);
    },
    { step: 'deserialize', name: 'captureHeaders' },
  );
  sdk = sdkClient(peer);
});
afterAll(async () => {
  sdkDefault?.destroy();
  sdk?.destroy();
  await peer?.stop();
});

function stream(data: Buffer, chunk = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return Readable.from(parts);
}

describe('aws-chunked bodies with checksum trailers (SDK default WHEN_SUPPORTED)', () => {
  it('PutObject with a stream: STREAMING-UNSIGNED-PAYLOAD-TRAILER + x-amz-checksum-crc32 trailer is decoded and verified', async () => {
    const data = bytes(1024 * 1024 + 17);
    seen.length = 0;
    const r = await sdkDefault.send(new PutObjectCommand({ Bucket: B, Key: 'streamed', Body: stream(data), ContentLength: data.length }));
    const h = seen[0]!;
    expect(h['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(h['content-encoding']).toBe('aws-chunked');
    expect(h['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    expect(r.ETag).toBe(`"${md5(data).toString('hex')}"`);
    expect(r.ChecksumCRC32).toBeTruthy();
    // the stored object is the decoded payload, without aws-chunked in its Content-Encoding
    const head = await sdk.send(new HeadObjectCommand({ Bucket: B, Key: 'streamed' }));
    expect(head.ContentLength).toBe(data.length);
    expect(head.ContentEncoding).toBeUndefined();
    // GET in checksum mode returns the stored CRC32 and the SDK validates the body against it
    const got = await sdkDefault.send(new GetObjectCommand({ Bucket: B, Key: 'streamed' }));
    expect(got.ChecksumCRC32).toBe(r.ChecksumCRC32);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it.each([ChecksumAlgorithm.CRC32C, ChecksumAlgorithm.SHA256, ChecksumAlgorithm.SHA1, ChecksumAlgorithm.CRC64NVME])('trailer and header checksums with %s', async (algorithm) => {
    const data = bytes(200_000);
    const key = `algo-${algorithm}`;
    seen.length = 0;
    const r = await sdkDefault.send(new PutObjectCommand({ Bucket: B, Key: key, Body: stream(data, 50_000), ContentLength: data.length, ChecksumAlgorithm: algorithm }));
    expect(seen[0]!['x-amz-trailer']).toBe(`x-amz-checksum-${algorithm.toLowerCase()}`);
    const field = `Checksum${algorithm}` as 'ChecksumCRC32C';
    expect(r[field]).toBeTruthy();
    // a Buffer body sends the checksum as a header instead; the value must agree
    seen.length = 0;
    const r2 = await sdkDefault.send(new PutObjectCommand({ Bucket: B, Key: `${key}-buf`, Body: data, ChecksumAlgorithm: algorithm }));
    expect(seen[0]![`x-amz-checksum-${algorithm.toLowerCase()}`]).toBe(r[field]);
    expect(r2[field]).toBe(r[field]);
    const got = await sdkDefault.send(new GetObjectCommand({ Bucket: B, Key: key, ChecksumMode: 'ENABLED' }));
    expect(got[field]).toBe(r[field]);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('a wrong trailer value is BadDigest and nothing is stored', async () => {
    const data = bytes(100_000);
    const corruptTrailer = new Transform({
      transform(chunk: Buffer, _e, cb) {
        const s = chunk.toString('latin1');
        const i = s.indexOf('x-amz-checksum-crc32:');
        if (i >= 0) {
          const at = i + 'x-amz-checksum-crc32:'.length;
          const b = Buffer.from(chunk);
          b[at] = b[at] === 0x41 ? 0x42 : 0x41; // flip the first base64 digit
          cb(null, b);
        } else cb(null, chunk);
      },
    });
    const client = sdkClient(peer, { requestChecksumCalculation: 'WHEN_SUPPORTED' });
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body: Readable };
        req.body = req.body.pipe(corruptTrailer);
        return next(args);
      },
      { step: 'deserialize', name: 'corruptTrailer' },
    );
    try {
      const err = await sdkError(client.send(new PutObjectCommand({ Bucket: B, Key: 'bad-trailer', Body: stream(data), ContentLength: data.length })));
      expect(err).toMatchObject({ name: 'BadDigest', status: 400 });
      expect(err.message).toContain('CRC32');
    } finally {
      client.destroy();
    }
    expect(await sdkError(sdk.send(new HeadObjectCommand({ Bucket: B, Key: 'bad-trailer' })))).toMatchObject({ status: 404 });
  });

  it('a wrong x-amz-checksum-* header is BadDigest; a malformed one is InvalidRequest', async () => {
    const data = Buffer.from('checksum header test');
    expect(await sdkError(sdk.send(new PutObjectCommand({ Bucket: B, Key: 'bad-header', Body: data, ChecksumCRC32: 'AAAAAA==' })))).toMatchObject({ name: 'BadDigest', status: 400 });
    expect(await sdkError(sdk.send(new PutObjectCommand({ Bucket: B, Key: 'bad-header', Body: data, ChecksumSHA256: 'AAAA' })))).toMatchObject({ name: 'InvalidRequest', status: 400 });
    expect(await sdkError(sdk.send(new HeadObjectCommand({ Bucket: B, Key: 'bad-header' })))).toMatchObject({ status: 404 });
  });

  it('GET in checksum mode fails in the SDK when the stored bytes no longer match the stored checksum', async () => {
    const data = bytes(50_000);
    await sdkDefault.send(new PutObjectCommand({ Bucket: B, Key: 'rot', Body: stream(data), ContentLength: data.length }));
    const file = path.join(peer.directory, B, 'rot._S3rver_object');
    const onDisk = await fs.readFile(file);
    onDisk[100] = onDisk[100]! ^ 0xff;
    await fs.writeFile(file, onDisk);
    const got = await sdkDefault.send(new GetObjectCommand({ Bucket: B, Key: 'rot' }));
    await expect(got.Body!.transformToByteArray()).rejects.toThrow(/checksum/i);
  });

  it('UploadPart streams with a trailer too; chunks under 8 KiB (except the last) are InvalidChunkSizeError', async () => {
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp-trailer' }));
    const data = bytes(300_000);
    const p = await sdkDefault.send(new UploadPartCommand({ Bucket: B, Key: 'mp-trailer', UploadId, PartNumber: 1, Body: stream(data), ContentLength: data.length }));
    expect(p.ETag).toBe(`"${md5(data).toString('hex')}"`);
    expect(p.ChecksumCRC32).toBeTruthy();
    const small = await sdkError(
      sdkDefault.send(new PutObjectCommand({ Bucket: B, Key: 'small-chunks', Body: Readable.from([Buffer.alloc(100), Buffer.alloc(100), Buffer.alloc(100)]), ContentLength: 300 })),
    );
    expect(small).toMatchObject({ name: 'InvalidChunkSizeError', status: 400 });
    // rejected early in a long body: the client still gets the S3 error, not a reset connection
    const longTail = [Buffer.alloc(64 * 1024), Buffer.alloc(100), ...Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024))];
    const total = longTail.reduce((n, b) => n + b.length, 0);
    const early = await sdkError(sdkDefault.send(new PutObjectCommand({ Bucket: B, Key: 'small-chunks', Body: Readable.from(longTail), ContentLength: total })));
    expect(early).toMatchObject({ name: 'InvalidChunkSizeError', status: 400 });
    expect(await sdkError(sdk.send(new HeadObjectCommand({ Bucket: B, Key: 'small-chunks' })))).toMatchObject({ status: 404 });
    await sdk.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'mp-trailer', UploadId }));
  });
});

describe('signed aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  it('chunk signatures reproduce the AWS documentation example', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html (example PUT of 66560 bytes)
    const ctx: AuthContext = {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      presigned: false,
      signingKey: signingKeyFor('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3'),
      scope: '20130524/us-east-1/s3/aws4_request',
      amzDate: '20130524T000000Z',
      seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    };
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const s1 = chunkSignature(ctx, ctx.seedSignature, sha(Buffer.alloc(65536, 'a')));
    const s2 = chunkSignature(ctx, s1, sha(Buffer.alloc(1024, 'a')));
    const s3 = chunkSignature(ctx, s2, sha(Buffer.alloc(0)));
    expect([s1, s2, s3]).toEqual([
      'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
      '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
      'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
    ]);
  });

  /** The SDK signs the headers (seed signature); the body is re-framed as signed chunks after signing. */
  function signedStreamingClient(data: Buffer, chunkSize: number, tamper: boolean): S3Client {
    const client = sdkClient(peer);
    const sigLine = (size: number) => `${size.toString(16)};chunk-signature=${'0'.repeat(64)}\r\n`.length;
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
    const encodedLength = chunks.reduce((n, c) => n + sigLine(c.length) + c.length + 2, 0) + sigLine(0) + 2;
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers: Record<string, string> };
        req.headers['x-amz-content-sha256'] = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
        req.headers['content-encoding'] = 'aws-chunked';
        req.headers['x-amz-decoded-content-length'] = String(data.length);
        req.headers['content-length'] = String(encodedLength);
        return next(args);
      },
      { step: 'build', name: 'streamingHeaders', priority: 'low' },
    );
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers: Record<string, string>; body: unknown };
        const auth = req.headers.authorization ?? req.headers.Authorization!;
        const seed = /Signature=([0-9a-f]{64})/.exec(auth)![1]!;
        const amzDate = req.headers['x-amz-date']!;
        const ctx: AuthContext = {
          accessKeyId: peer.accessKeyId,
          presigned: false,
          signingKey: signingKeyFor(peer.secretAccessKey, amzDate.slice(0, 8), peer.region, 's3'),
          scope: `${amzDate.slice(0, 8)}/${peer.region}/s3/aws4_request`,
          amzDate,
          seedSignature: seed,
        };
        const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
        let prev = seed;
        const out: Buffer[] = [];
        for (const c of [...chunks, Buffer.alloc(0)]) {
          prev = chunkSignature(ctx, prev, sha(c));
          out.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${prev}\r\n`), c, Buffer.from('\r\n'));
        }
        const body = Buffer.concat(out);
        const at = body.indexOf('\r\n') + 2 + 5;
        if (tamper) body[at] = body[at]! ^ 1; // flip a bit in the first chunk's data
        req.body = body;
        return next(args);
      },
      { step: 'deserialize', name: 'signedChunks' },
    );
    return client;
  }

  it('a signed streaming upload is decoded and stored; a tampered chunk is SignatureDoesNotMatch', async () => {
    const data = bytes(40_000);
    const good = signedStreamingClient(data, 16 * 1024, false);
    const bad = signedStreamingClient(data, 16 * 1024, true);
    try {
      const r = await good.send(new PutObjectCommand({ Bucket: B, Key: 'signed-stream', Body: data }));
      expect(r.ETag).toBe(`"${md5(data).toString('hex')}"`);
      const got = await sdk.send(new GetObjectCommand({ Bucket: B, Key: 'signed-stream' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
      expect(await sdkError(bad.send(new PutObjectCommand({ Bucket: B, Key: 'signed-stream-bad', Body: data })))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
      expect(await sdkError(sdk.send(new HeadObjectCommand({ Bucket: B, Key: 'signed-stream-bad' })))).toMatchObject({ status: 404 });
    } finally {
      good.destroy();
      bad.destroy();
    }
  });
});

