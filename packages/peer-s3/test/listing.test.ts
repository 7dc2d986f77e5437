import { ListBucketsCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Peer, type S3Peer } from '../src/index.js';
import { aws, awsJson, sdkClient, sdkError } from './helpers.js';

let peer: S3Peer;
let s3: S3Client;
const B = 'list-bucket';
const MANY = 1100;
const manyKeys = Array.from({ length: MANY }, (_, i) => `many/${String(i).padStart(5, '0')}.dat`);

beforeAll(async () => {
  peer = await startS3Peer({ buckets: [B, 'list-tree'] });
  s3 = sdkClient(peer);
  for (let i = 0; i < manyKeys.length; i += 100) {
    await Promise.all(manyKeys.slice(i, i + 100).map((Key) => s3.send(new PutObjectCommand({ Bucket: B, Key, Body: Key }))));
  }
  const tree = ['a.txt', 'b/1', 'b/2', 'b/c/3', 'b-c', 'c/x', 'c/y/z', 'd', 'e/', 'e/f', 'z/zz/zzz'];
  await Promise.all(tree.map((Key) => s3.send(new PutObjectCommand({ Bucket: 'list-tree', Key, Body: Key }))));
});
afterAll(async () => {
  s3?.destroy();
  await peer?.stop();
});

describe('ListObjectsV2 pagination (SDK)', () => {
  it('lists 1,100 keys with max-keys 1000 and a continuation token, without NODE_OPTIONS=--openssl-legacy-provider', async () => {
    expect(process.env.NODE_OPTIONS ?? '').not.toContain('openssl-legacy-provider');
    const first = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'many/', MaxKeys: 1000 }));
    expect(first.KeyCount).toBe(1000);
    expect(first.IsTruncated).toBe(true);
    expect(first.NextContinuationToken).toBeTruthy();
    const second = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'many/', MaxKeys: 1000, ContinuationToken: first.NextContinuationToken }));
    expect(second.KeyCount).toBe(100);
    expect(second.IsTruncated).toBe(false);
    expect(second.NextContinuationToken).toBeUndefined();
    expect(second.ContinuationToken).toBe(first.NextContinuationToken);
    const keys = [...first.Contents!, ...second.Contents!].map((c) => c.Key);
    expect(keys).toEqual(manyKeys);
    const c0 = first.Contents![0]!;
    expect(c0.Size).toBe(manyKeys[0]!.length);
    expect(c0.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(c0.LastModified!.getMilliseconds()).toBe(0);
    expect(c0.StorageClass).toBe('STANDARD');
  });

  it('max-keys above 1000 is capped at 1000; small pages walk everything exactly once', async () => {
    const big = await s3.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 5000 }));
    expect(big.KeyCount).toBe(1000);
    expect(big.MaxKeys).toBe(1000);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'many/', MaxKeys: 97, ContinuationToken: token }));
      seen.push(...(r.Contents ?? []).map((c) => c.Key!));
      token = r.NextContinuationToken;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(MANY / 97));
    expect(seen).toEqual(manyKeys);
  });

  it('a foreign or garbage continuation token is InvalidArgument', async () => {
    expect(await sdkError(s3.send(new ListObjectsV2Command({ Bucket: B, ContinuationToken: 'bm90LWEtdG9rZW4=' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
    const other = await s3.send(new ListObjectsV2Command({ Bucket: 'list-tree', MaxKeys: 1 }));
    expect(await sdkError(s3.send(new ListObjectsV2Command({ Bucket: B, ContinuationToken: other.NextContinuationToken })))).toMatchObject({ name: 'InvalidArgument' });
  });
});

describe('ListObjectsV2 delimiter / prefix / start-after (SDK)', () => {
  const list = (p: Omit<ConstructorParameters<typeof ListObjectsV2Command>[0], 'Bucket'>) => s3.send(new ListObjectsV2Command({ Bucket: 'list-tree', ...p }));

  it("delimiter '/' rolls keys up into common prefixes, in UTF-8 order", async () => {
    const r = await list({ Delimiter: '/' });
    expect(r.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'b-c', 'd']);
    expect(r.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/', 'c/', 'e/', 'z/']);
    expect(r.KeyCount).toBe(7);
    expect(r.Delimiter).toBe('/');
    const sub = await list({ Delimiter: '/', Prefix: 'b/' });
    expect(sub.Contents?.map((c) => c.Key)).toEqual(['b/1', 'b/2']);
    expect(sub.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/c/']);
    const dirMarker = await list({ Delimiter: '/', Prefix: 'e/' });
    expect(dirMarker.Contents?.map((c) => c.Key)).toEqual(['e/', 'e/f']);
    const partial = await list({ Prefix: 'b' });
    expect(partial.Contents?.map((c) => c.Key)).toEqual(['b-c', 'b/1', 'b/2', 'b/c/3']);
    expect((await list({ Prefix: 'nothing/' })).KeyCount).toBe(0);
  });

  it('max-keys counts keys and common prefixes together; tokens never repeat a prefix', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await list({ Delimiter: '/', MaxKeys: 2, ContinuationToken: token });
      expect((r.Contents?.length ?? 0) + (r.CommonPrefixes?.length ?? 0)).toBeLessThanOrEqual(2);
      seen.push(...(r.Contents ?? []).map((c) => c.Key!), ...(r.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = r.NextContinuationToken;
    } while (token);
    expect(seen.sort()).toEqual(['a.txt', 'b-c', 'b/', 'c/', 'd', 'e/', 'z/'].sort());
  });

  it('start-after skips keys up to and including it, and is echoed', async () => {
    const r = await list({ StartAfter: 'b/2' });
    expect(r.StartAfter).toBe('b/2');
    expect(r.Contents?.map((c) => c.Key)).toEqual(['b/c/3', 'c/x', 'c/y/z', 'd', 'e/', 'e/f', 'z/zz/zzz']);
    const withDelim = await list({ StartAfter: 'b/', Delimiter: '/' });
    expect(withDelim.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['c/', 'e/', 'z/']);
    expect(withDelim.Contents?.map((c) => c.Key)).toEqual(['d']);
  });

  it('ListObjects (V1) pages with Marker / NextMarker', async () => {
    const r = await s3.send(new ListObjectsCommand({ Bucket: 'list-tree', Delimiter: '/', MaxKeys: 3 }));
    expect(r.IsTruncated).toBe(true);
    expect(r.NextMarker).toBe('b/');
    const r2 = await s3.send(new ListObjectsCommand({ Bucket: 'list-tree', Delimiter: '/', Marker: r.NextMarker }));
    expect(r2.Contents?.map((c) => c.Key)).toEqual(['d']);
    expect(r2.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['c/', 'e/', 'z/']);
    expect(r2.Marker).toBe('b/');
    const flat = await s3.send(new ListObjectsCommand({ Bucket: 'list-tree', Marker: 'c/y/z' }));
    expect(flat.Contents?.map((c) => c.Key)).toEqual(['d', 'e/', 'e/f', 'z/zz/zzz']);
    expect(flat.Contents?.[0]?.Owner?.DisplayName).toBeTruthy();
  });

  it('ListBuckets shows the peer buckets only', async () => {
    const r = await s3.send(new ListBucketsCommand({}));
    expect(r.Buckets?.map((b) => b.Name)).toEqual([B, 'list-tree']);
  });
});

describe('listing with awscli', () => {
  it('aws s3 ls --recursive lists all 1,100 keys (two ListObjectsV2 pages)', async () => {
    const before = peer.requests().length;
    const r = await aws(peer, ['s3', 'ls', '--recursive', `s3://${B}/many/`]);
    expect(r.code, r.stderr).toBe(0);
    const keys = r.stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).pop());
    expect(keys).toEqual(manyKeys);
    const listCalls = peer.requests().slice(before).filter((q) => q.method === 'GET' && q.query['list-type'] === '2');
    expect(listCalls.length).toBe(2);
    expect(listCalls[1]!.query['continuation-token']).toBeTruthy();
  });

  it('s3api list-objects-v2: --max-keys 1000 gives a token that --continuation-token resumes; --page-size paginates', async () => {
    const first = await awsJson<{ KeyCount: number; NextContinuationToken: string; IsTruncated: boolean }>(peer, ['s3api', 'list-objects-v2', '--bucket', B, '--prefix', 'many/', '--max-keys', '1000', '--no-paginate']);
    expect(first.KeyCount).toBe(1000);
    expect(first.IsTruncated).toBe(true);
    const second = await awsJson<{ KeyCount: number; Contents: Array<{ Key: string }> }>(peer, [
      's3api',
      'list-objects-v2',
      '--bucket',
      B,
      '--prefix',
      'many/',
      '--max-keys',
      '1000',
      '--continuation-token',
      first.NextContinuationToken,
      '--no-paginate',
    ]);
    expect(second.KeyCount).toBe(100);
    expect(second.Contents.map((c) => c.Key)).toEqual(manyKeys.slice(1000));
    const paged = await awsJson<{ Contents: Array<{ Key: string }> }>(peer, ['s3api', 'list-objects-v2', '--bucket', B, '--prefix', 'many/', '--page-size', '300']);
    expect(paged.Contents.map((c) => c.Key)).toEqual(manyKeys);
  });

  it('keys with %, +, spaces and unicode survive awscli (which asks for encoding-type=url)', async () => {
    const keys = ['enc/100% sure', 'enc/a+b', 'enc/with space', 'enc/ünï', 'enc/x%2By'];
    await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: 'list-tree', Key, Body: 'x' }))));
    const r = await awsJson<{ Contents: Array<{ Key: string }> }>(peer, ['s3api', 'list-objects-v2', '--bucket', 'list-tree', '--prefix', 'enc/']);
    expect(r.Contents.map((c) => c.Key)).toEqual(['enc/100% sure', 'enc/a+b', 'enc/with space', 'enc/x%2By', 'enc/ünï']);
    const raw = await s3.send(new ListObjectsV2Command({ Bucket: 'list-tree', Prefix: 'enc/', EncodingType: 'url' }));
    expect(raw.Contents?.map((c) => c.Key)).toEqual(['enc/100%25%20sure', 'enc/a%2Bb', 'enc/with%20space', 'enc/x%252By', 'enc/%C3%BCn%C3%AF']);
    expect(raw.EncodingType).toBe('url');
  });
});
