import fs from 'node:fs/promises';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Peer, type S3Peer } from '../src/index.js';
import { aws, awsJson, bytes, cliErrorCode, md5, MiB, sdkClient, sdkError, tempDir } from './helpers.js';

let peer: S3Peer;
let s3: S3Client;
const B = 'mp-bucket';

beforeAll(async () => {
  peer = await startS3Peer({ buckets: [B] });
  s3 = sdkClient(peer);
});
afterAll(async () => {
  s3?.destroy();
  await peer?.stop();
});

async function create(key: string): Promise<string> {
  const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ContentType: 'application/x-test' }));
  expect(r.UploadId).toMatch(/^[A-Za-z0-9_-]+$/);
  return r.UploadId!;
}

async function part(key: string, uploadId: string, n: number, body: Buffer): Promise<string> {
  const r = await s3.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: n, Body: body, ContentMD5: md5(body).toString('base64') }));
  return r.ETag!;
}

function multipartEtag(parts: Buffer[]): string {
  return `"${md5(Buffer.concat(parts.map(md5))).toString('hex')}-${parts.length}"`;
}

describe('multipart upload with the SDK', () => {
  it('uploads 12 MiB in 3 parts; the ETag is md5(concat(part md5s))-3 and the bytes round-trip', async () => {
    const key = 'twelve/mib.bin';
    const data = bytes(12 * MiB);
    const chunks = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];
    const uploadId = await create(key);
    // upload out of order, concurrently, like a part scheduler would
    const etags = await Promise.all([3, 1, 2].map((n) => part(key, uploadId, n, chunks[n - 1]!).then((e) => [n, e] as const)));
    const parts = etags.sort((a, b) => a[0] - b[0]).map(([PartNumber, ETag]) => ({ PartNumber, ETag }));
    parts.forEach((p) => expect(p.ETag).toBe(`"${md5(chunks[p.PartNumber - 1]!).toString('hex')}"`));
    expect(await peer.openMultipartUploads(B)).toEqual([{ bucket: B, key, uploadId }]);

    const listed = await s3.send(new ListPartsCommand({ Bucket: B, Key: key, UploadId: uploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual(parts.map((p, i) => [p.PartNumber, chunks[i]!.length, p.ETag]));

    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    expect(done.ETag).toBe(multipartEtag(chunks));
    expect(done.Key).toBe(key);
    expect(await peer.openMultipartUploads(B)).toEqual([]);

    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key }));
    expect(head.ContentLength).toBe(12 * MiB);
    expect(head.ETag).toBe(done.ETag);
    expect(head.ContentType).toBe('application/x-test');
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);

    // GET ?partNumber=2 returns exactly part 2, with the part count
    const p2 = await s3.send(new GetObjectCommand({ Bucket: B, Key: key, PartNumber: 2 }));
    expect(p2.PartsCount).toBe(3);
    expect(p2.ContentRange).toBe(`bytes ${5 * MiB}-${10 * MiB - 1}/${12 * MiB}`);
    expect(Buffer.from(await p2.Body!.transformToByteArray()).equals(chunks[1]!)).toBe(true);
    expect((await sdkError(s3.send(new GetObjectCommand({ Bucket: B, Key: key, PartNumber: 4 })))).status).toBe(416);

    // the upload is gone: completing again is NoSuchUpload
    const again = await sdkError(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })));
    expect(again).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });

  it('aborts: ListParts, UploadPart and CompleteMultipartUpload then answer NoSuchUpload', async () => {
    const key = 'aborted';
    const uploadId = await create(key);
    const etag = await part(key, uploadId, 1, bytes(1024));
    expect((await peer.openMultipartUploads()).map((u) => u.uploadId)).toContain(uploadId);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId }));
    expect(await peer.openMultipartUploads(B)).toEqual([]);
    expect(await sdkError(s3.send(new ListPartsCommand({ Bucket: B, Key: key, UploadId: uploadId })))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    expect(await sdkError(part(key, uploadId, 2, bytes(10)))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    expect(
      await sdkError(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag }] } }))),
    ).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    expect(await sdkError(s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId })))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    expect(await sdkError(s3.send(new HeadObjectCommand({ Bucket: B, Key: key })))).toMatchObject({ status: 404 });
    // the abort went to the peer as DELETE ?uploadId
    expect(peer.requests().some((r) => r.method === 'DELETE' && r.path === `/${B}/${key}` && r.query.uploadId === uploadId && r.status === 204)).toBe(true);
  });

  it('an upload ID belongs to its key: other keys get NoSuchUpload', async () => {
    const uploadId = await create('owner-key');
    expect(await sdkError(part('other-key', uploadId, 1, bytes(10)))).toMatchObject({ name: 'NoSuchUpload' });
    expect(await sdkError(s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'other-key', UploadId: uploadId })))).toMatchObject({ name: 'NoSuchUpload' });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'owner-key', UploadId: uploadId }));
  });

  it('rejects wrong ETags (InvalidPart), unordered parts (InvalidPartOrder) and small non-final parts (EntityTooSmall)', async () => {
    const key = 'validation';
    const uploadId = await create(key);
    const big = bytes(5 * MiB);
    const e1 = await part(key, uploadId, 1, big);
    const e2 = await part(key, uploadId, 2, bytes(100));
    const e3 = await part(key, uploadId, 3, bytes(100));
    const complete = (Parts: Array<{ PartNumber: number; ETag: string }>) =>
      sdkError(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts } })));
    expect(await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e3 }])).toMatchObject({ name: 'InvalidPart', status: 400 });
    expect(await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 4, ETag: e2 }])).toMatchObject({ name: 'InvalidPart', status: 400 });
    expect(await complete([{ PartNumber: 2, ETag: e2 }, { PartNumber: 1, ETag: e1 }])).toMatchObject({ name: 'InvalidPartOrder', status: 400 });
    expect(await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 1, ETag: e1 }])).toMatchObject({ name: 'InvalidPartOrder', status: 400 });
    expect(await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }, { PartNumber: 3, ETag: e3 }])).toMatchObject({ name: 'EntityTooSmall', status: 400 });
    // still open after the failures; a valid subset (small part last) completes, unlisted parts are dropped
    expect((await peer.openMultipartUploads(B)).map((u) => u.uploadId)).toEqual([uploadId]);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.replace(/"/g, '') }, { PartNumber: 3, ETag: e3 }] } }),
    );
    const obj = await s3.send(new GetObjectCommand({ Bucket: B, Key: key }));
    const body = Buffer.from(await obj.Body!.transformToByteArray());
    expect(body.length).toBe(5 * MiB + 100);
    expect(body.subarray(0, 5 * MiB).equals(big)).toBe(true);
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(await peer.openMultipartUploads(B)).toEqual([]);
  });

  it('a single small part completes (the last part may be any size), and re-uploading a part number replaces it', async () => {
    const key = 'single';
    const uploadId = await create(key);
    await part(key, uploadId, 1, bytes(10));
    const second = bytes(20);
    const e = await part(key, uploadId, 1, second);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e }] } }));
    expect(done.ETag).toBe(multipartEtag([second]));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(second)).toBe(true);
  });

  it('UploadPartCopy copies two ranges of an existing object; the completed object has exactly those bytes', async () => {
    const source = bytes(11 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'copy source/ü#?+%.bin', Body: source }));
    const copySource = `${B}/${'copy source/ü#?+%.bin'.split('/').map(encodeURIComponent).join('/')}`;
    const key = 'assembled';
    const uploadId = await create(key);
    const r1 = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 1, CopySource: copySource, CopySourceRange: `bytes=${6 * MiB}-${11 * MiB - 1}` }));
    const r2 = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 2, CopySource: copySource, CopySourceRange: 'bytes=0-99' }));
    const want1 = source.subarray(6 * MiB, 11 * MiB);
    const want2 = source.subarray(0, 100);
    expect(r1.CopyPartResult?.ETag).toBe(`"${md5(want1).toString('hex')}"`);
    expect(r2.CopyPartResult?.ETag).toBe(`"${md5(want2).toString('hex')}"`);
    expect(r1.CopyPartResult?.LastModified).toBeInstanceOf(Date);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.CopyPartResult!.ETag! }, { PartNumber: 2, ETag: r2.CopyPartResult!.ETag! }] },
      }),
    );
    expect(done.ETag).toBe(multipartEtag([want1, want2]));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([want1, want2]))).toBe(true);
  });

  it('UploadPartCopy: whole-object copy without a range, bad ranges, missing source, source conditions', async () => {
    const src = bytes(1000);
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'small-src', Body: src }));
    const key = 'partcopy-errors';
    const uploadId = await create(key);
    const whole = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 1, CopySource: `${B}/small-src` }));
    expect(whole.CopyPartResult?.ETag).toBe(put.ETag);
    const copy = (extra: Record<string, string>) =>
      sdkError(s3.send(new UploadPartCopyCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 2, CopySource: `${B}/small-src`, ...extra })));
    expect(await copy({ CopySourceRange: 'bytes=0-1000' })).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect(await copy({ CopySourceRange: 'bytes=10-5' })).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect(await copy({ CopySourceRange: 'bytes=-5' })).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect(await copy({ CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' })).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(await copy({ CopySourceIfNoneMatch: put.ETag! })).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(await copy({ CopySource: `${B}/does-not-exist` })).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(await copy({ CopySource: 'no-such-bucket-x/k' })).toMatchObject({ name: 'NoSuchBucket', status: 404 });
    const ok = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 2, CopySource: `${B}/small-src`, CopySourceIfMatch: put.ETag!, CopySourceRange: 'bytes=1-2' }));
    expect(ok.CopyPartResult?.ETag).toBe(`"${md5(src.subarray(1, 3)).toString('hex')}"`);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId }));
    expect(await copy({ CopySourceRange: 'bytes=0-1' })).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });

  it('ListMultipartUploads pages by key-marker/upload-id-marker and rolls up prefixes; ListParts pages by part-number-marker', async () => {
    const c = 'lmu-';
    const ids: Record<string, string> = {};
    for (const k of ['lmu-a', 'lmu-b', 'lmu-dir/x', 'lmu-dir/y']) ids[k] = await create(k);
    const second = await create('lmu-a');
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: c }));
    expect(all.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([
      ['lmu-a', ids['lmu-a']],
      ['lmu-a', second],
      ['lmu-b', ids['lmu-b']],
      ['lmu-dir/x', ids['lmu-dir/x']],
      ['lmu-dir/y', ids['lmu-dir/y']],
    ]);
    expect(all.IsTruncated).toBe(false);
    const rolled = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: c, Delimiter: '/' }));
    expect(rolled.Uploads?.map((u) => u.Key)).toEqual(['lmu-a', 'lmu-a', 'lmu-b']);
    expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['lmu-dir/']);

    const seen: string[] = [];
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: c, MaxUploads: 2, KeyMarker: keyMarker, UploadIdMarker: idMarker }));
      seen.push(...(page.Uploads ?? []).map((u) => u.UploadId!));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      idMarker = page.NextUploadIdMarker;
    }
    expect(seen).toEqual([ids['lmu-a'], second, ids['lmu-b'], ids['lmu-dir/x'], ids['lmu-dir/y']]);

    for (let n = 1; n <= 5; n++) await part('lmu-b', ids['lmu-b']!, n, bytes(10 + n));
    const p1 = await s3.send(new ListPartsCommand({ Bucket: B, Key: 'lmu-b', UploadId: ids['lmu-b'], MaxParts: 2 }));
    expect(p1.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect(p1.IsTruncated).toBe(true);
    const p2 = await s3.send(new ListPartsCommand({ Bucket: B, Key: 'lmu-b', UploadId: ids['lmu-b'], PartNumberMarker: p1.NextPartNumberMarker }));
    expect(p2.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [3, 13],
      [4, 14],
      [5, 15],
    ]);
    expect(p2.IsTruncated).toBe(false);
    for (const [k, id] of [...Object.entries(ids), ['lmu-a', second] as const]) await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: k, UploadId: id }));
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: c }))).Uploads ?? []).toEqual([]);
  });

  it('UploadPart verifies Content-MD5 (BadDigest) and rejects part numbers outside 1..10000', async () => {
    const key = 'md5-part';
    const uploadId = await create(key);
    const body = bytes(1000);
    const bad = await sdkError(s3.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 1, Body: body, ContentMD5: md5(bytes(5)).toString('base64') })));
    expect(bad).toMatchObject({ name: 'BadDigest', status: 400 });
    expect((await s3.send(new ListPartsCommand({ Bucket: B, Key: key, UploadId: uploadId }))).Parts ?? []).toEqual([]);
    expect(await sdkError(s3.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 10001, Body: body })))).toMatchObject({ name: 'InvalidArgument' });
    expect(await sdkError(s3.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId: uploadId, PartNumber: 0, Body: body })))).toMatchObject({ name: 'InvalidArgument' });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId }));
  });
});

describe('multipart operations with awscli (/usr/bin/aws s3api)', () => {
  it('create-multipart-upload, upload-part, upload-part-copy, list-parts, list-multipart-uploads, complete', async () => {
    const dir = await tempDir('peer-s3-cli-mp-');
    try {
      const src = bytes(6 * MiB);
      await s3.send(new PutObjectCommand({ Bucket: B, Key: 'cli src/ä+b.bin', Body: src }));
      const tail = bytes(777);
      await fs.writeFile(path.join(dir, 'tail.bin'), tail);
      const key = 'cli/assembled';
      const created = await awsJson<{ UploadId: string }>(peer, ['s3api', 'create-multipart-upload', '--bucket', B, '--key', key]);
      const copied = await awsJson<{ CopyPartResult: { ETag: string } }>(peer, [
        's3api',
        'upload-part-copy',
        '--bucket',
        B,
        '--key',
        key,
        '--upload-id',
        created.UploadId,
        '--part-number',
        '1',
        '--copy-source',
        `${B}/cli src/ä+b.bin`,
        '--copy-source-range',
        `bytes=0-${5 * MiB}`,
      ]);
      expect(copied.CopyPartResult.ETag).toBe(`"${md5(src.subarray(0, 5 * MiB + 1)).toString('hex')}"`);
      const uploaded = await awsJson<{ ETag: string }>(peer, [
        's3api',
        'upload-part',
        '--bucket',
        B,
        '--key',
        key,
        '--upload-id',
        created.UploadId,
        '--part-number',
        '2',
        '--body',
        path.join(dir, 'tail.bin'),
      ]);
      expect(uploaded.ETag).toBe(`"${md5(tail).toString('hex')}"`);
      const parts = await awsJson<{ Parts: Array<{ PartNumber: number; ETag: string; Size: number }> }>(peer, ['s3api', 'list-parts', '--bucket', B, '--key', key, '--upload-id', created.UploadId]);
      expect(parts.Parts.map((p) => [p.PartNumber, p.Size])).toEqual([
        [1, 5 * MiB + 1],
        [2, 777],
      ]);
      const uploads = await awsJson<{ Uploads: Array<{ Key: string; UploadId: string }> }>(peer, ['s3api', 'list-multipart-uploads', '--bucket', B, '--prefix', 'cli/']);
      expect(uploads.Uploads).toEqual([expect.objectContaining({ Key: key, UploadId: created.UploadId })]);
      const mpu = JSON.stringify({ Parts: parts.Parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) });
      const done = await awsJson<{ ETag: string }>(peer, ['s3api', 'complete-multipart-upload', '--bucket', B, '--key', key, '--upload-id', created.UploadId, '--multipart-upload', mpu]);
      expect(done.ETag).toBe(multipartEtag([src.subarray(0, 5 * MiB + 1), tail]));
      const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: key }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([src.subarray(0, 5 * MiB + 1), tail]))).toBe(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('abort-multipart-upload; list-parts and abort afterwards report NoSuchUpload', async () => {
    const key = 'cli/aborted';
    const created = await awsJson<{ UploadId: string }>(peer, ['s3api', 'create-multipart-upload', '--bucket', B, '--key', key]);
    expect((await peer.openMultipartUploads(B)).map((u) => u.uploadId)).toContain(created.UploadId);
    const aborted = await aws(peer, ['s3api', 'abort-multipart-upload', '--bucket', B, '--key', key, '--upload-id', created.UploadId]);
    expect(aborted.code).toBe(0);
    expect((await peer.openMultipartUploads(B)).map((u) => u.uploadId)).not.toContain(created.UploadId);
    const lp = await aws(peer, ['s3api', 'list-parts', '--bucket', B, '--key', key, '--upload-id', created.UploadId]);
    expect(lp.code).not.toBe(0);
    expect(cliErrorCode(lp)).toBe('NoSuchUpload');
    const again = await aws(peer, ['s3api', 'abort-multipart-upload', '--bucket', B, '--key', key, '--upload-id', created.UploadId]);
    expect(cliErrorCode(again)).toBe('NoSuchUpload');
  });

  it('aws s3 cp uploads a 17 MiB file in parts (multipart ETag) and downloads it byte-identical', async () => {
    const dir = await tempDir('peer-s3-cli-cp-');
    try {
      const data = bytes(17 * MiB + 3);
      await fs.writeFile(path.join(dir, 'up.bin'), data);
      const up = await aws(peer, ['s3', 'cp', '--only-show-errors', path.join(dir, 'up.bin'), `s3://${B}/cli cp/файл #1.bin`]);
      expect(up.code, up.stderr).toBe(0);
      const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'cli cp/файл #1.bin' }));
      expect(head.ContentLength).toBe(data.length);
      expect(head.ETag).toMatch(/^"[0-9a-f]{32}-\d+"$/);
      expect(peer.requests().filter((r) => r.method === 'PUT' && r.path === `/${B}/cli cp/файл #1.bin` && r.query.partNumber !== undefined).length).toBeGreaterThan(1);
      const down = await aws(peer, ['s3', 'cp', '--only-show-errors', `s3://${B}/cli cp/файл #1.bin`, path.join(dir, 'down.bin')]);
      expect(down.code, down.stderr).toBe(0);
      expect((await fs.readFile(path.join(dir, 'down.bin'))).equals(data)).toBe(true);
      expect(await peer.openMultipartUploads(B)).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
