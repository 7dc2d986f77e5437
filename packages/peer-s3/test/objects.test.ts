import fs from 'node:fs/promises';
import path from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Peer, type S3Peer } from '../src/index.js';
import { aws, awsJson, bytes, cliErrorCode, md5, sdkClient, sdkError, tempDir } from './helpers.js';

let peer: S3Peer;
let s3: S3Client;
const B = 'obj-bucket';
const data = bytes(100_000);

beforeAll(async () => {
  peer = await startS3Peer({ buckets: [B, 'obj-other'] });
  s3 = sdkClient(peer);
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'data.bin', Body: data }));
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'empty', Body: Buffer.alloc(0) }));
});
afterAll(async () => {
  s3?.destroy();
  await peer?.stop();
});

async function get(key: string, range?: string): Promise<{ status: number | undefined; body: Buffer; contentRange?: string; length?: number }> {
  const r = await s3.send(new GetObjectCommand({ Bucket: B, Key: key, ...(range !== undefined ? { Range: range } : {}) }));
  const body = Buffer.from(await r.Body!.transformToByteArray());
  return { status: r.$metadata.httpStatusCode, body, ...(r.ContentRange ? { contentRange: r.ContentRange } : {}), ...(r.ContentLength !== undefined ? { length: r.ContentLength } : {}) };
}

describe('ranges (SDK)', () => {
  it('suffix ranges return the last N bytes', async () => {
    const r = await get('data.bin', 'bytes=-1000');
    expect(r.status).toBe(206);
    expect(r.contentRange).toBe(`bytes 99000-99999/100000`);
    expect(r.body.equals(data.subarray(-1000))).toBe(true);
    const one = await get('data.bin', 'bytes=-1');
    expect(one.body.equals(data.subarray(-1))).toBe(true);
    // a suffix longer than the object is the whole object, still 206
    const all = await get('data.bin', 'bytes=-200000');
    expect(all.status).toBe(206);
    expect(all.contentRange).toBe('bytes 0-99999/100000');
    expect(all.body.equals(data)).toBe(true);
  });

  it('first-last, open-ended, single-byte and clamped ranges', async () => {
    expect((await get('data.bin', 'bytes=0-0')).body.equals(data.subarray(0, 1))).toBe(true);
    const mid = await get('data.bin', 'bytes=10-19');
    expect(mid.contentRange).toBe('bytes 10-19/100000');
    expect(mid.body.equals(data.subarray(10, 20))).toBe(true);
    expect((await get('data.bin', 'bytes=99990-')).body.equals(data.subarray(99990))).toBe(true);
    const clamped = await get('data.bin', 'bytes=99990-200000');
    expect(clamped.contentRange).toBe('bytes 99990-99999/100000');
    expect(clamped.body.length).toBe(10);
  });

  it('InvalidRange (416) when the start is past the end; suffix 0 is unsatisfiable; malformed ranges are ignored', async () => {
    expect(await sdkError(get('data.bin', 'bytes=100000-'))).toMatchObject({ name: 'InvalidRange', status: 416 });
    expect(await sdkError(get('data.bin', 'bytes=100000-100005'))).toMatchObject({ name: 'InvalidRange', status: 416 });
    expect(await sdkError(get('data.bin', 'bytes=-0'))).toMatchObject({ name: 'InvalidRange', status: 416 });
    const ignored = await get('data.bin', 'bytes=5-3');
    expect(ignored.status).toBe(200);
    expect(ignored.body.length).toBe(100000);
  });

  it('empty objects: a first-byte range is 416, a suffix range returns the empty object', async () => {
    expect(await sdkError(get('empty', 'bytes=0-'))).toMatchObject({ name: 'InvalidRange', status: 416 });
    const suffix = await get('empty', 'bytes=-5');
    expect(suffix.status).toBe(200);
    expect(suffix.body.length).toBe(0);
    expect((await get('empty')).body.length).toBe(0);
  });
});

describe('ranges (awscli)', () => {
  it('get-object --range bytes=-N writes the last N bytes; past-the-end is InvalidRange', async () => {
    const dir = await tempDir('peer-s3-range-');
    try {
      const out = path.join(dir, 'tail.bin');
      const r = await awsJson<{ ContentRange: string; ContentLength: number }>(peer, ['s3api', 'get-object', '--bucket', B, '--key', 'data.bin', '--range', 'bytes=-4096', out]);
      expect(r.ContentRange).toBe('bytes 95904-99999/100000');
      expect(r.ContentLength).toBe(4096);
      expect((await fs.readFile(out)).equals(data.subarray(-4096))).toBe(true);
      const bad = await aws(peer, ['s3api', 'get-object', '--bucket', B, '--key', 'data.bin', '--range', 'bytes=200000-', out]);
      expect(cliErrorCode(bad)).toBe('InvalidRange');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('HEAD and GET metadata', () => {
  it('HEAD returns Content-Length, ETag, Last-Modified, Content-Type and user metadata', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const body = Buffer.from('metadata test');
    const put = await s3.send(
      new PutObjectCommand({ Bucket: B, Key: 'meta', Body: body, ContentType: 'text/x-test', CacheControl: 'no-cache', Metadata: { color: 'blue', 'two-words': 'a b' } }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'meta' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ETag).toBe(`"${md5(body).toString('hex')}"`);
    expect(head.ETag).toBe(put.ETag);
    expect(head.LastModified).toBeInstanceOf(Date);
    expect(head.LastModified!.getTime()).toBeGreaterThanOrEqual(before);
    expect(head.LastModified!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(head.ContentType).toBe('text/x-test');
    expect(head.CacheControl).toBe('no-cache');
    expect(head.Metadata).toEqual({ color: 'blue', 'two-words': 'a b' });
    expect(head.ServerSideEncryption).toBe('AES256');
    const cli = await awsJson<{ ContentLength: number; ETag: string; LastModified: string }>(peer, ['s3api', 'head-object', '--bucket', B, '--key', 'meta']);
    expect(cli.ContentLength).toBe(body.length);
    expect(cli.ETag).toBe(put.ETag);
    expect(new Date(cli.LastModified).getTime()).toBe(head.LastModified!.getTime());
  });

  it('storage class and SSE are stored and returned; archived objects refuse GET (InvalidObjectState)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'cold', Body: 'cold', StorageClass: 'GLACIER', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/test' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'cold' }));
    expect(head.StorageClass).toBe('GLACIER');
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe('alias/test');
    expect(await sdkError(get('cold'))).toMatchObject({ name: 'InvalidObjectState', status: 403 });
    expect(await sdkError(s3.send(new PutObjectCommand({ Bucket: B, Key: 'x', Body: 'x', StorageClass: 'FROZEN' as 'GLACIER' })))).toMatchObject({ name: 'InvalidStorageClass', status: 400 });
    expect((await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'data.bin' }))).StorageClass).toBeUndefined();
  });

  it('NoSuchKey / NoSuchBucket, and HEAD 404 without a body', async () => {
    expect(await sdkError(get('missing'))).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(await sdkError(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
    expect(await sdkError(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'missing' })))).toMatchObject({ name: 'NotFound', status: 404 });
    expect(await sdkError(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'x', Body: 'y' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
  });

  it('conditional GET: If-Match (412), If-None-Match (304), If-Modified-Since, If-Unmodified-Since', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'data.bin' }));
    const etag = head.ETag!;
    const lm = head.LastModified!;
    expect((await s3.send(new GetObjectCommand({ Bucket: B, Key: 'data.bin', IfMatch: etag }))).$metadata.httpStatusCode).toBe(200);
    expect(await sdkError(s3.send(new GetObjectCommand({ Bucket: B, Key: 'data.bin', IfMatch: '"ffffffffffffffffffffffffffffffff"' })))).toMatchObject({ status: 412 });
    expect(await sdkError(s3.send(new GetObjectCommand({ Bucket: B, Key: 'data.bin', IfNoneMatch: etag })))).toMatchObject({ status: 304 });
    expect(await sdkError(s3.send(new GetObjectCommand({ Bucket: B, Key: 'data.bin', IfModifiedSince: lm })))).toMatchObject({ status: 304 });
    expect(await sdkError(s3.send(new GetObjectCommand({ Bucket: B, Key: 'data.bin', IfUnmodifiedSince: new Date(lm.getTime() - 60_000) })))).toMatchObject({ status: 412 });
    // If-Match wins over a failing If-Unmodified-Since
    const both = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'data.bin', IfMatch: etag, IfUnmodifiedSince: new Date(lm.getTime() - 60_000), Range: 'bytes=0-9' }));
    expect(both.$metadata.httpStatusCode).toBe(206);
    await both.Body!.transformToByteArray();
  });
});

describe('PutObject integrity and conditional writes', () => {
  it('Content-MD5 is verified: BadDigest on mismatch and nothing is stored; InvalidDigest on garbage', async () => {
    const body = bytes(5000);
    const bad = await sdkError(s3.send(new PutObjectCommand({ Bucket: B, Key: 'md5-checked', Body: body, ContentMD5: md5(Buffer.from('other')).toString('base64') })));
    expect(bad).toMatchObject({ name: 'BadDigest', status: 400 });
    expect(await sdkError(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'md5-checked' })))).toMatchObject({ status: 404 });
    expect(await sdkError(s3.send(new PutObjectCommand({ Bucket: B, Key: 'md5-checked', Body: body, ContentMD5: 'not-base64!' })))).toMatchObject({ name: 'InvalidDigest', status: 400 });
    const ok = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'md5-checked', Body: body, ContentMD5: md5(body).toString('base64') }));
    expect(ok.ETag).toBe(`"${md5(body).toString('hex')}"`);
  });

  it('awscli put-object --content-md5: accepted when right, BadDigest when wrong', async () => {
    const dir = await tempDir('peer-s3-md5-');
    try {
      const body = bytes(3000);
      await fs.writeFile(path.join(dir, 'f'), body);
      const ok = await awsJson<{ ETag: string }>(peer, ['s3api', 'put-object', '--bucket', B, '--key', 'cli-md5', '--body', path.join(dir, 'f'), '--content-md5', md5(body).toString('base64')]);
      expect(ok.ETag).toBe(`"${md5(body).toString('hex')}"`);
      const bad = await aws(peer, ['s3api', 'put-object', '--bucket', B, '--key', 'cli-md5-bad', '--body', path.join(dir, 'f'), '--content-md5', md5(Buffer.from('x')).toString('base64')]);
      expect(cliErrorCode(bad)).toBe('BadDigest');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('If-None-Match: * refuses to overwrite (412); If-Match requires the current ETag', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'create-only', Body: 'one', IfNoneMatch: '*' }));
    expect(await sdkError(s3.send(new PutObjectCommand({ Bucket: B, Key: 'create-only', Body: 'two', IfNoneMatch: '*' })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(await sdkError(s3.send(new PutObjectCommand({ Bucket: B, Key: 'create-only', Body: 'two', IfMatch: '"00000000000000000000000000000000"' })))).toMatchObject({ status: 412 });
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'create-only', Body: 'three', IfMatch: first.ETag! }));
    expect((await get('create-only')).body.toString()).toBe('three');
    expect(await sdkError(s3.send(new PutObjectCommand({ Bucket: B, Key: 'never-existed', Body: 'x', IfMatch: first.ETag! })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });
});

const WEIRD_KEYS = ['with space.txt', 'ünïcödé/ключ/鍵.bin', 'per%cent%20.txt', 'hash#tag', 'question?mark', 'plus+sign', "quote's & <angle>", 'dir/sub dir/trailing slash/'];

describe('CopyObject', () => {
  it('copies keys with spaces, unicode, %, #, ?, + (SDK, CopySource URL-encoded)', async () => {
    for (const [i, key] of WEIRD_KEYS.entries()) {
      const body = Buffer.from(`copy body ${i} ${key}`);
      await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: body, ContentType: 'text/plain', Metadata: { n: String(i) } }));
      const dest = `copies/${key}`;
      const r = await s3.send(new CopyObjectCommand({ Bucket: 'obj-other', Key: dest, CopySource: `${B}/${key.split('/').map(encodeURIComponent).join('/')}` }));
      expect(r.CopyObjectResult?.ETag).toBe(`"${md5(body).toString('hex')}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'obj-other', Key: dest }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
      expect(got.ContentType).toBe('text/plain');
      expect(got.Metadata).toEqual({ n: String(i) });
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'obj-other', Prefix: 'copies/' }));
    expect(listed.Contents?.map((c) => c.Key).sort()).toEqual(WEIRD_KEYS.map((k) => `copies/${k}`).sort());
  });

  it('copies with awscli (s3 cp s3:// s3:// and s3api copy-object) for the same keys', async () => {
    for (const key of WEIRD_KEYS.slice(0, 6)) {
      const r = await aws(peer, ['s3', 'cp', '--only-show-errors', `s3://${B}/${key}`, `s3://obj-other/cli-copies/${key}`]);
      expect(r.code, r.stderr).toBe(0);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'obj-other', Key: `cli-copies/${key}` }));
      const src = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key }));
      expect(head.ETag).toBe(src.ETag);
    }
    const api = await awsJson<{ CopyObjectResult: { ETag: string } }>(peer, ['s3api', 'copy-object', '--bucket', 'obj-other', '--key', 'api copy', '--copy-source', `${B}/plus+sign`]);
    expect(api.CopyObjectResult.ETag).toBe((await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'plus+sign' }))).ETag);
  });

  it('REPLACE sets new metadata; COPY onto itself is InvalidRequest; CopySourceIfMatch is honored', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'self', Body: 'self body', ContentType: 'text/a', Metadata: { a: '1' } }));
    expect(await sdkError(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'self', CopySource: `${B}/self` })))).toMatchObject({ name: 'InvalidRequest', status: 400 });
    const head0 = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'self' }));
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'self', CopySource: `${B}/self`, MetadataDirective: 'REPLACE', ContentType: 'text/b', Metadata: { b: '2' }, CopySourceIfMatch: head0.ETag! }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'self' }));
    expect(head.ContentType).toBe('text/b');
    expect(head.Metadata).toEqual({ b: '2' });
    expect(head.ETag).toBe(head0.ETag);
    expect((await get('self')).body.toString()).toBe('self body');
    expect(
      await sdkError(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'self2', CopySource: `${B}/self`, CopySourceIfMatch: '"11111111111111111111111111111111"' }))),
    ).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(await sdkError(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'self2', CopySource: `${B}/nope` })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });

  it('copying a multipart object yields a single-part object whose ETag is the MD5 of the bytes', async () => {
    const { CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand } = await import('@aws-sdk/client-s3');
    const part = bytes(1234);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp-src' }));
    const p = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'mp-src', UploadId, PartNumber: 1, Body: part }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'mp-src', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag! }] } }));
    const c = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'mp-copy', CopySource: `${B}/mp-src` }));
    expect(c.CopyObjectResult?.ETag).toBe(`"${md5(part).toString('hex')}"`);
  });
});

describe('DeleteObject / DeleteObjects', () => {
  it('DeleteObject is 204 whether or not the key exists', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'to-delete/x', Body: 'x' }));
    expect((await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'to-delete/x' }))).$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'to-delete/x' }))).$metadata.httpStatusCode).toBe(204);
    expect(await sdkError(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'to-delete/x' })))).toMatchObject({ status: 404 });
  });

  it('deletes 1000 keys in one Quiet request (SDK): empty result, all gone', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `bulk/${String(i).padStart(4, '0')} ${i % 7 === 0 ? 'ä#+' : ''}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(keys.slice(i, i + 100).map((Key) => s3.send(new PutObjectCommand({ Bucket: B, Key, Body: Key }))));
    }
    expect((await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'bulk/' }))).KeyCount).toBe(1000);
    const r = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
    expect(r.Deleted ?? []).toEqual([]);
    expect(r.Errors ?? []).toEqual([]);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'bulk/' }))).KeyCount).toBe(0);
    // not quiet: every key is reported, existing or not
    const loud = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'bulk/none' }, { Key: 'data2' }] } }));
    expect(loud.Deleted?.map((d) => d.Key)).toEqual(['bulk/none', 'data2']);
    // 1001 keys is MalformedXML
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` }));
    expect(await sdkError(s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: tooMany } })))).toMatchObject({ name: 'MalformedXML', status: 400 });
  });

  it('awscli s3api delete-objects (Content-MD5) and s3 rm --recursive', async () => {
    for (let i = 0; i < 30; i++) await s3.send(new PutObjectCommand({ Bucket: B, Key: `cli-del/${i}`, Body: 'x' }));
    const del = { Objects: Array.from({ length: 10 }, (_, i) => ({ Key: `cli-del/${i}` })), Quiet: true };
    const r = await aws(peer, ['s3api', 'delete-objects', '--bucket', B, '--delete', JSON.stringify(del)]);
    expect(r.code, r.stderr).toBe(0);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'cli-del/' }))).KeyCount).toBe(20);
    const rm = await aws(peer, ['s3', 'rm', '--recursive', '--only-show-errors', `s3://${B}/cli-del/`]);
    expect(rm.code, rm.stderr).toBe(0);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'cli-del/' }))).KeyCount).toBe(0);
  });
});

describe('keys the file-backed peer cannot store are refused loudly', () => {
  it('"." / ".." / empty segments are InvalidArgument on write and NoSuchKey on read', async () => {
    for (const key of ['a/../b', 'a//b', './x']) {
      expect(await sdkError(s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: 'x' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
    }
    expect(await sdkError(get('a/../data.bin'))).toMatchObject({ name: 'NoSuchKey' });
  });
});
