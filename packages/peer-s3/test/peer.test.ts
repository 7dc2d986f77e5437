import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { authenticate } from '../src/auth.js';
import { startS3Peer, type S3Peer } from '../src/index.js';
import { aws, sdkClient, sdkError, tempDir } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

describe('peer API', () => {
  it('starts on 127.0.0.1 with the s3rver credentials, creates buckets, and removes its own directory on stop', async () => {
    const peer = await startS3Peer({ buckets: ['api-one'] });
    const s3 = sdkClient(peer);
    try {
      expect(peer.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(peer).toMatchObject({ region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
      await peer.createBucket('api-two');
      await peer.createBucket('api-two'); // idempotent
      await s3.send(new HeadBucketCommand({ Bucket: 'api-two' }));
      await s3.send(new PutObjectCommand({ Bucket: 'api-one', Key: 'k', Body: 'v' }));
      expect(await exists(path.join(peer.directory, 'api-one', 'k._S3rver_object'))).toBe(true);
      await expect(peer.createBucket('Not_Valid')).rejects.toThrow();
    } finally {
      s3.destroy();
      await peer.stop();
    }
    expect(await exists(peer.directory)).toBe(false);
    await peer.stop(); // idempotent
  });

  it('keeps a directory it was given, and serves what is already in it', async () => {
    const dir = await tempDir('peer-s3-given-');
    try {
      const first = await startS3Peer({ directory: dir, buckets: ['kept'] });
      const s3a = sdkClient(first);
      await s3a.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a/b', Body: 'persisted' }));
      s3a.destroy();
      await first.stop();
      expect(await exists(path.join(dir, 'kept', 'a', 'b._S3rver_object'))).toBe(true);
      const second = await startS3Peer({ directory: dir });
      const s3b = sdkClient(second);
      try {
        const got = await s3b.send(new GetObjectCommand({ Bucket: 'kept', Key: 'a/b' }));
        expect(await got.Body!.transformToString()).toBe('persisted');
      } finally {
        s3b.destroy();
        await second.stop();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('requests() records method, decoded path, query and status in order', async () => {
    const peer = await startS3Peer({ buckets: ['log-b'] });
    const s3 = sdkClient(peer);
    try {
      await s3.send(new PutObjectCommand({ Bucket: 'log-b', Key: 'dir/ä b+c', Body: 'x' }));
      await sdkError(s3.send(new GetObjectCommand({ Bucket: 'log-b', Key: 'missing' })));
      await s3.send(new ListObjectsV2Command({ Bucket: 'log-b', Prefix: 'dir/' }));
      const log = peer.requests();
      expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
        ['PUT', '/log-b/dir/ä b+c', 200],
        ['GET', '/log-b/missing', 404],
        ['GET', '/log-b/', 200],
      ]);
      expect(log[2]!.query).toMatchObject({ 'list-type': '2', prefix: 'dir/' });
      // a snapshot: later requests do not change it
      await s3.send(new HeadBucketCommand({ Bucket: 'log-b' }));
      expect(log.length).toBe(3);
      expect(peer.requests().length).toBe(4);
    } finally {
      s3.destroy();
      await peer.stop();
    }
  });

  it('bucket lifecycle over the API: create, BucketNotEmpty, delete, NoSuchBucket', async () => {
    const peer = await startS3Peer();
    const s3 = sdkClient(peer);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'life-cycle' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'life-cycle' })); // us-east-1: 200 again for your own bucket
      await s3.send(new PutObjectCommand({ Bucket: 'life-cycle', Key: 'x', Body: 'x' }));
      expect(await sdkError(s3.send(new DeleteBucketCommand({ Bucket: 'life-cycle' })))).toMatchObject({ name: 'BucketNotEmpty', status: 409 });
      const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
      await s3.send(new DeleteObjectCommand({ Bucket: 'life-cycle', Key: 'x' }));
      await s3.send(new DeleteBucketCommand({ Bucket: 'life-cycle' }));
      expect(await sdkError(s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' })))).toMatchObject({ status: 404 });
      expect(await sdkError(s3.send(new ListObjectsV2Command({ Bucket: 'life-cycle' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
      expect(await sdkError(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toMatchObject({ name: 'InvalidBucketName', status: 400 });
    } finally {
      s3.destroy();
      await peer.stop();
    }
  });
});

describe('authentication (SigV4 is verified)', () => {
  let peer: S3Peer;

  it('reproduces the signatures of the AWS SigV4 documentation examples', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (GET Object)
    // and https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html (seed of the chunked PUT)
    const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const at = new Date(Date.UTC(2013, 4, 24));
    const fake = (method: string, headers: Record<string, string>) =>
      ({ method, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), rawHeaders: Object.entries(headers).flat() }) as unknown as IncomingMessage;
    const get = fake('GET', {
      Host: 'examplebucket.s3.amazonaws.com',
      Range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    });
    expect(authenticate(get, '/test.txt', '', creds, 'us-east-1', at).seedSignature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    const put = fake('PUT', {
      Host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'Content-Encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'Content-Length': '66824',
    });
    expect(authenticate(put, '/examplebucket/chunkObject.txt', '', creds, 'us-east-1', at).seedSignature).toBe('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
    // one changed header and the signature no longer verifies
    const tampered = fake('GET', { ...Object.fromEntries(Object.entries(get.headers)), range: 'bytes=0-10' } as Record<string, string>);
    expect(() => authenticate(tampered, '/test.txt', '', creds, 'us-east-1', at)).toThrow(/signature/i);
  });
  it('rejects a wrong secret, an unknown access key, a wrong region and anonymous requests', async () => {
    peer = await startS3Peer({ buckets: ['auth-b'] });
    try {
      const wrongSecret = sdkClient(peer, { credentials: { accessKeyId: peer.accessKeyId, secretAccessKey: 'not-the-secret' } });
      expect(await sdkError(wrongSecret.send(new PutObjectCommand({ Bucket: 'auth-b', Key: 'k', Body: 'v' })))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
      wrongSecret.destroy();
      const wrongKey = sdkClient(peer, { credentials: { accessKeyId: 'AKIANOTKNOWN', secretAccessKey: peer.secretAccessKey } });
      expect(await sdkError(wrongKey.send(new ListObjectsV2Command({ Bucket: 'auth-b' })))).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
      wrongKey.destroy();
      const wrongRegion = sdkClient(peer, { region: 'eu-west-1' });
      expect(await sdkError(wrongRegion.send(new ListObjectsV2Command({ Bucket: 'auth-b' })))).toMatchObject({ name: 'AuthorizationHeaderMalformed', status: 400 });
      wrongRegion.destroy();
      const anon = await fetch(`${peer.endpoint}/auth-b/k`);
      expect(anon.status).toBe(403);
      expect(await anon.text()).toContain('<Code>AccessDenied</Code>');
      expect(await fs.readdir(path.join(peer.directory, 'auth-b'))).toEqual([]);
    } finally {
      await peer.stop();
    }
  });

  it('accepts awscli presigned URLs and rejects them once tampered with', async () => {
    peer = await startS3Peer({ buckets: ['presign-b'] });
    const s3 = sdkClient(peer);
    try {
      await s3.send(new PutObjectCommand({ Bucket: 'presign-b', Key: 'shared file.txt', Body: 'presigned body' }));
      const r = await aws(peer, ['s3', 'presign', 's3://presign-b/shared file.txt', '--expires-in', '300']);
      expect(r.code, r.stderr).toBe(0);
      const url = r.stdout.trim();
      expect(url).toContain('X-Amz-Signature=');
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('presigned body');
      const tampered = await fetch(url.replace('shared%20file.txt', 'other.txt'));
      expect(tampered.status).toBe(403);
      expect(await tampered.text()).toContain('SignatureDoesNotMatch');
    } finally {
      s3.destroy();
      await peer.stop();
    }
  });
});

describe('CLI (dist/cli.js)', () => {
  it('prints one JSON line, serves S3 until SIGTERM, then exits 0 and cleans up', async () => {
    const cli = path.join(here, '..', 'dist', 'cli.js');
    expect(await exists(cli), 'run `pnpm build` first').toBe(true);
    const child = spawn(process.execPath, [cli, '--bucket', 'cli-b1', '--bucket', 'cli-b2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout! });
        rl.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
      });
      const info = JSON.parse(line) as { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; directory: string };
      expect(info).toMatchObject({ region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
      expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const s3 = sdkClient({ ...info, directory: info.directory } as unknown as S3Peer);
      await s3.send(new PutObjectCommand({ Bucket: 'cli-b2', Key: 'hello', Body: 'from the cli peer' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'cli-b2', Key: 'hello' }));
      expect(await got.Body!.transformToString()).toBe('from the cli peer');
      s3.destroy();
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await exists(info.directory)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
