/**
 * The peer driven by the official client, @google-cloud/storage, the way deepstore's GCS adapter uses it.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcsPeer, type GcsPeer } from '../src/index.js';
import { client, crc32cB64, guardNetwork, outboundAttempts, pattern } from './helpers.js';

guardNetwork();

let peer: GcsPeer;
let storage: Storage;
const B = 'client-bucket';
const B2 = 'client-bucket-two';

beforeAll(async () => {
  peer = await startGcsPeer({ buckets: [B, B2] });
  storage = client(peer);
});

afterAll(async () => {
  await peer.stop();
  expect(outboundAttempts).toEqual([]);
});

function errorCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

async function expectCode(p: Promise<unknown>, code: number): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected an error with code ${code}`).toBeDefined();
  expect(errorCode(err)).toBe(code);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('small objects', () => {
  it('saves (multipart and resumable) and downloads with validation', async () => {
    const data = pattern(10_000, 1);
    await storage.bucket(B).file('small/multipart.bin').save(data, { resumable: false, validation: 'crc32c' });
    await storage.bucket(B).file('small/resumable.bin').save(data, { resumable: true, validation: 'crc32c' });
    for (const name of ['small/multipart.bin', 'small/resumable.bin']) {
      const [got] = await storage.bucket(B).file(name).download({ validation: 'crc32c' });
      expect(got.equals(data)).toBe(true);
      const [md5got] = await storage.bucket(B).file(name).download({ validation: 'md5' });
      expect(md5got.equals(data)).toBe(true);
      const [meta] = await storage.bucket(B).file(name).getMetadata();
      expect(meta.size).toBe(String(data.length));
      expect(meta.crc32c).toBe(crc32cB64(data));
      expect(meta.md5Hash).toBe(createHash('md5').update(data).digest('base64'));
      expect(meta.kind).toBe('storage#object');
      expect(meta.bucket).toBe(B);
      expect(meta.name).toBe(name);
      expect(meta.metageneration).toBe('1');
      expect(Number(meta.generation)).toBeGreaterThan(0);
      expect(meta.etag).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(meta.storageClass).toBe('STANDARD');
      expect(meta.contentType).toBe('application/octet-stream');
    }
    // The requests were really of both upload kinds.
    const kinds = peer.requests().filter((r) => r.path === `/upload/storage/v1/b/${B}/o`).map((r) => r.query.uploadType);
    expect(kinds).toContain('multipart');
    expect(kinds).toContain('resumable');
  });

  it('createWriteStream and createReadStream, with contentType and custom metadata', async () => {
    const file = storage.bucket(B).file('small/stream.txt');
    const data = Buffer.from('hello, stream\n'.repeat(1000));
    await pipeline(Readable.from([data]), file.createWriteStream({ resumable: false, contentType: 'text/plain', metadata: { metadata: { owner: 'deepstore' } } }));
    const got = await readAll(file.createReadStream({ validation: 'crc32c' }));
    expect(got.equals(data)).toBe(true);
    const [meta] = await file.getMetadata();
    expect(meta.contentType).toBe('text/plain');
    expect(meta.metadata).toEqual({ owner: 'deepstore' });
  });

  it('empty objects', async () => {
    const file = storage.bucket(B).file('small/empty');
    await file.save(Buffer.alloc(0), { resumable: true });
    const [meta] = await file.getMetadata();
    expect(meta.size).toBe('0');
    expect(meta.crc32c).toBe('AAAAAA==');
    const [got] = await file.download();
    expect(got.length).toBe(0);
    await storage.bucket(B).file('small/empty2').save(Buffer.alloc(0), { resumable: false });
    expect((await storage.bucket(B).file('small/empty2').exists())[0]).toBe(true);
    // With chunkSize, the client sends "Content-Range: bytes 0--1/0" for an empty upload, which the
    // service refuses as unparsable (400); so does the peer.
    const chunked = storage.bucket(B).file('small/empty-chunked');
    await expectCode(pipeline(Readable.from([]), chunked.createWriteStream({ resumable: true, chunkSize: 256 * 1024 })), 400);
    expect((await chunked.exists())[0]).toBe(false);
  });

  it('exists, getMetadata and delete of missing objects', async () => {
    const missing = storage.bucket(B).file('small/missing');
    expect((await missing.exists())[0]).toBe(false);
    await expectCode(missing.getMetadata(), 404);
    await expectCode(missing.delete(), 404);
    await missing.delete({ ignoreNotFound: true });
    await expectCode(missing.download(), 404);
    await expectCode(storage.bucket('no-such-bucket-here').file('x').getMetadata(), 404);
  });

  it('delete removes the object', async () => {
    const file = storage.bucket(B).file('small/to-delete');
    await file.save('bye');
    expect((await file.exists())[0]).toBe(true);
    await file.delete();
    expect((await file.exists())[0]).toBe(false);
  });

  it('setMetadata patches and bumps the metageneration', async () => {
    const file = storage.bucket(B).file('small/meta');
    await file.save('x', { metadata: { metadata: { a: '1', b: '2' } } });
    const [before] = await file.getMetadata();
    const [after] = await file.setMetadata({ contentType: 'application/json', metadata: { b: null, c: '3' } });
    expect(after.metageneration).toBe('2');
    expect(after.generation).toBe(before.generation);
    expect(after.contentType).toBe('application/json');
    expect(after.metadata).toEqual({ a: '1', c: '3' });
    expect(after.etag).not.toBe(before.etag);
    // Preconditions on metadata updates.
    await expectCode(file.setMetadata({ metadata: { d: '4' } }, { ifMetagenerationMatch: 1 }), 412);
    const [again] = await file.setMetadata({ metadata: { d: '4' } }, { ifMetagenerationMatch: 2 });
    expect(again.metageneration).toBe('3');
  });
});

describe('awkward object names', () => {
  const names = [
    'with space.txt',
    'unicode-é-日本語-🎉.bin',
    'percent%20literal%',
    'hash#tag',
    'question?mark=1&x',
    'plus+sign',
    'a/b/c/nested.txt',
    "quotes'\"and;semi",
    'trailing/',
    'tab\there',
    '~tilde*star(paren)',
  ];

  it('round-trip through save, download, getMetadata, list, copy and delete', async () => {
    for (const [i, name] of names.entries()) {
      const data = Buffer.from(`content of ${name}`);
      await storage.bucket(B).file(`awk/${name}`).save(data, { resumable: i % 2 === 0 });
      const [got] = await storage.bucket(B).file(`awk/${name}`).download();
      expect(got.toString()).toBe(`content of ${name}`);
      const [meta] = await storage.bucket(B).file(`awk/${name}`).getMetadata();
      expect(meta.name).toBe(`awk/${name}`);
    }
    const [files] = await storage.bucket(B).getFiles({ prefix: 'awk/' });
    expect(files.map((f) => f.name).sort()).toEqual(names.map((n) => `awk/${n}`).sort());
    for (const name of names) {
      await storage.bucket(B).file(`awk/${name}`).copy(storage.bucket(B2).file(`awk-copy/${name}`));
      const [got] = await storage.bucket(B2).file(`awk-copy/${name}`).download();
      expect(got.toString()).toBe(`content of ${name}`);
      await storage.bucket(B).file(`awk/${name}`).delete();
      expect((await storage.bucket(B).file(`awk/${name}`).exists())[0]).toBe(false);
    }
  });
});

describe('ranged reads', () => {
  const data = pattern(1024 * 1024 + 123, 3);
  const name = 'range/object.bin';

  beforeAll(async () => {
    await storage.bucket(B).file(name).save(data, { resumable: false });
  });

  it('reads byte ranges with createReadStream({start, end})', async () => {
    const file = storage.bucket(B).file(name);
    const cases: Array<[number, number]> = [
      [0, 0],
      [0, 99],
      [100, 1000],
      [500_000, 700_000],
      [data.length - 10, data.length - 1],
    ];
    for (const [start, end] of cases) {
      const got = await readAll(file.createReadStream({ start, end }));
      expect(got.equals(data.subarray(start, end + 1))).toBe(true);
    }
    const tail = await readAll(file.createReadStream({ start: data.length - 1000 }));
    expect(tail.equals(data.subarray(data.length - 1000))).toBe(true);
    // An end past the object is clamped.
    const past = await readAll(file.createReadStream({ start: 10, end: data.length + 1000 }));
    expect(past.equals(data.subarray(10))).toBe(true);
    // Tail range (end < 0 means "last N bytes").
    const last = await readAll(file.createReadStream({ end: -50 }));
    expect(last.equals(data.subarray(data.length - 50))).toBe(true);
    const ranges = peer.requests().filter((r) => r.path.endsWith('/o/range%2Fobject.bin') && r.query.alt === 'media');
    expect(ranges.every((r) => r.status === 206)).toBe(true);
  });

  it('a range starting past the end is 416', async () => {
    const file = storage.bucket(B).file(name);
    await expectCode(readAll(file.createReadStream({ start: data.length + 5, end: data.length + 10 })), 416);
  });
});

describe('listing', () => {
  const prefix = 'list/';
  const flat = 1100;

  beforeAll(async () => {
    const names: string[] = [];
    for (let i = 0; i < flat; i++) names.push(`${prefix}f-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < 30; i++) names.push(`${prefix}dir-${String(i).padStart(2, '0')}/x/y-${i}`);
    names.push(`${prefix}dir-00/`, `${prefix}dir-00/z`);
    const queue = [...names];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
          await storage.bucket(B).file(n).save(n, { resumable: false });
        }
      }),
    );
  }, 120_000);

  it('paginates 1,100 objects by 1,000 with pageToken', async () => {
    const [page1, next1, resp1] = await storage.bucket(B).getFiles({ prefix, delimiter: '/', autoPaginate: false });
    const r1 = resp1 as { prefixes?: string[]; nextPageToken?: string; items?: unknown[] };
    // 30 directory prefixes sort after "f-…"? No: "dir-" < "f-", so the prefixes come first and count too.
    expect((r1.prefixes ?? []).length + page1.length).toBe(1000);
    expect(r1.prefixes).toHaveLength(30);
    expect(r1.prefixes![0]).toBe(`${prefix}dir-00/`);
    expect(next1).toBeTruthy();
    const [page2, next2, resp2] = await storage.bucket(B).getFiles({ ...(next1 as object), autoPaginate: false });
    expect(next2).toBeNull();
    const r2 = resp2 as { prefixes?: string[] };
    expect(r2.prefixes ?? []).toEqual([]);
    const all = [...page1, ...page2].map((f) => f.name);
    expect(all).toHaveLength(flat);
    expect(new Set(all).size).toBe(flat);
    expect(all).toEqual([...all].sort());
    expect(all[0]).toBe(`${prefix}f-00000`);
    expect(all[flat - 1]).toBe(`${prefix}f-01099`);
  });

  it('maxResults pages, autoPaginate, no delimiter', async () => {
    const seen: string[] = [];
    let query: Record<string, unknown> | null = { prefix, maxResults: 333, autoPaginate: false };
    let pages = 0;
    while (query) {
      const [files, next]: [Array<{ name: string }>, unknown, unknown] = (await storage.bucket(B).getFiles(query)) as never;
      expect(files.length).toBeLessThanOrEqual(333);
      seen.push(...files.map((f) => f.name));
      query = next as Record<string, unknown> | null;
      pages++;
    }
    expect(seen).toHaveLength(flat + 32);
    expect(pages).toBe(Math.ceil((flat + 32) / 333));
    const [all] = await storage.bucket(B).getFiles({ prefix });
    expect(all.map((f) => f.name)).toEqual(seen);
  });

  it('includeTrailingDelimiter and nested prefixes', async () => {
    const [files, , resp] = await storage
      .bucket(B)
      .getFiles({ prefix: `${prefix}dir-00/`, delimiter: '/', autoPaginate: false, includeTrailingDelimiter: true });
    expect((resp as { prefixes?: string[] }).prefixes).toEqual([`${prefix}dir-00/x/`]);
    expect(files.map((f) => f.name)).toEqual([`${prefix}dir-00/`, `${prefix}dir-00/z`]);
    const [files2, , resp2] = await storage.bucket(B).getFiles({ prefix: `${prefix}dir-00/`, delimiter: '/', autoPaginate: false });
    expect((resp2 as { prefixes?: string[] }).prefixes).toEqual([`${prefix}dir-00/x/`]);
    expect(files2.map((f) => f.name)).toEqual([`${prefix}dir-00/`, `${prefix}dir-00/z`]);
    const [files3, , resp3] = await storage
      .bucket(B)
      .getFiles({ prefix: `${prefix}dir-0`, delimiter: '/', autoPaginate: false, includeTrailingDelimiter: true });
    expect(files3.map((f) => f.name)).toEqual([`${prefix}dir-00/`]);
    expect((resp3 as { prefixes?: string[] }).prefixes).toHaveLength(10);
  });

  it('startOffset, endOffset and matchGlob', async () => {
    const [files] = await storage.bucket(B).getFiles({ prefix, startOffset: `${prefix}f-00100`, endOffset: `${prefix}f-00105` });
    expect(files.map((f) => f.name)).toEqual([100, 101, 102, 103, 104].map((i) => `${prefix}f-00${i}`));
    const [globbed] = await storage.bucket(B).getFiles({ matchGlob: `${prefix}dir-1?/**` });
    expect(globbed).toHaveLength(10);
    expect(globbed.every((f) => /^list\/dir-1\d\/x\/y-\d+$/.test(f.name))).toBe(true);
  });
});

describe('copy and rewrite', () => {
  it('copies across buckets with a multi-call rewrite', async () => {
    const size = 40 * 1024 * 1024 + 17; // > the 16 MiB a rewrite call copies by default
    const data = pattern(size, 9);
    const src = storage.bucket(B).file('copy/big-source.bin');
    await src.save(data, { resumable: true, validation: 'crc32c' });
    const before = peer.requests().length;
    const [copied] = await src.copy(storage.bucket(B2).file('copy/big-dest.bin'), { metadata: { copied: 'yes' } });
    const calls = peer.requests().slice(before).filter((r) => r.path.includes('/rewriteTo/'));
    expect(calls).toHaveLength(3);
    expect(calls[0]!.query.rewriteToken).toBeUndefined();
    expect(calls[1]!.query.rewriteToken).toBeTruthy();
    expect(calls[2]!.query.rewriteToken).toBe(calls[1]!.query.rewriteToken);
    const [meta] = await copied.getMetadata();
    expect(meta.bucket).toBe(B2);
    expect(meta.size).toBe(String(size));
    expect(meta.crc32c).toBe(crc32cB64(data));
    expect(meta.metadata).toEqual({ copied: 'yes' });
    const [got] = await copied.download({ validation: 'crc32c' });
    expect(got.equals(data)).toBe(true);
    // The source is untouched and still readable after the copy.
    const [again] = await src.download();
    expect(again.equals(data)).toBe(true);
  });

  it('copies small objects in one call and keeps the source metadata', async () => {
    const src = storage.bucket(B).file('copy/small.txt');
    await src.save('small copy', { contentType: 'text/plain', metadata: { metadata: { k: 'v' } } });
    const [dest] = await src.copy('copy/small-copy.txt');
    const [meta] = await dest.getMetadata();
    expect(meta.contentType).toBe('text/plain');
    expect(meta.metadata).toEqual({ k: 'v' });
    expect((await dest.download())[0].toString()).toBe('small copy');
    // move = copy + delete
    await dest.move('copy/small-moved.txt');
    expect((await storage.bucket(B).file('copy/small-copy.txt').exists())[0]).toBe(false);
    expect((await storage.bucket(B).file('copy/small-moved.txt').download())[0].toString()).toBe('small copy');
  });

  it('copy of a missing source is 404; ifGenerationMatch on the destination is honoured', async () => {
    await expectCode(storage.bucket(B).file('copy/nothing').copy('copy/nothing-2'), 404);
    const src = storage.bucket(B).file('copy/pre-src');
    await src.save('pre');
    await storage.bucket(B).file('copy/pre-dst').save('exists');
    await expectCode(src.copy('copy/pre-dst', { preconditionOpts: { ifGenerationMatch: 0 } }), 412);
    expect((await storage.bucket(B).file('copy/pre-dst').download())[0].toString()).toBe('exists');
  });

  it('combines objects with compose', async () => {
    const parts = [pattern(1000, 1), pattern(2000, 2), pattern(3000, 3)];
    for (const [i, p] of parts.entries()) await storage.bucket(B).file(`compose/part-${i}`).save(p);
    const [combined] = await storage
      .bucket(B)
      .combine(
        parts.map((_, i) => `compose/part-${i}`),
        'compose/whole',
      );
    const [meta] = await combined.getMetadata();
    const whole = Buffer.concat(parts);
    expect(meta.size).toBe(String(whole.length));
    expect(meta.crc32c).toBe(crc32cB64(whole));
    expect(meta.componentCount).toBe(3);
    expect(meta.md5Hash).toBeUndefined();
    expect((await combined.download({ validation: 'crc32c' }))[0].equals(whole)).toBe(true);
  });
});

describe('preconditions', () => {
  it('ifGenerationMatch: 0 refuses to overwrite (multipart and resumable) with 412', async () => {
    const file = storage.bucket(B).file('pre/once');
    await file.save('first', { preconditionOpts: { ifGenerationMatch: 0 }, resumable: false });
    await expectCode(file.save('second', { preconditionOpts: { ifGenerationMatch: 0 }, resumable: false }), 412);
    await expectCode(file.save('second', { preconditionOpts: { ifGenerationMatch: 0 }, resumable: true }), 412);
    expect((await file.download())[0].toString()).toBe('first');
    expect(peer.openResumableUploads().filter((u) => u.name === 'pre/once')).toEqual([]);
  });

  it('ifGenerationMatch on writes and deletes', async () => {
    const file = storage.bucket(B).file('pre/gen');
    await file.save('v1');
    const [m1] = await file.getMetadata();
    await file.save('v2', { preconditionOpts: { ifGenerationMatch: Number(m1.generation) } });
    const [m2] = await file.getMetadata();
    expect(BigInt(m2.generation!)).toBeGreaterThan(BigInt(m1.generation!));
    await expectCode(file.save('v3', { preconditionOpts: { ifGenerationMatch: Number(m1.generation) } }), 412);
    await expectCode(file.delete({ ifGenerationMatch: Number(m1.generation) }), 412);
    // A generation-pinned File object reads only that generation.
    await expectCode(storage.bucket(B).file('pre/gen', { generation: Number(m1.generation) }).download(), 404);
    await file.delete({ ifGenerationMatch: Number(m2.generation) });
    expect((await file.exists())[0]).toBe(false);
  });

  it('createWriteStream with preconditionOpts and ifGenerationMatch on a missing object', async () => {
    const file = storage.bucket(B).file('pre/stream');
    const write = (data: string, opts: object) => pipeline(Readable.from([Buffer.from(data)]), file.createWriteStream(opts));
    await expectCode(write('x', { resumable: true, preconditionOpts: { ifGenerationMatch: 123 } }), 412);
    await write('x', { resumable: true, validation: 'crc32c', preconditionOpts: { ifGenerationMatch: 0 } });
    expect((await file.download())[0].toString()).toBe('x');
  });
});

describe('integrity', () => {
  it('a multipart upload whose metadata crc32c is wrong is refused (400) and absent', async () => {
    const data = pattern(5000, 5);
    const file = storage.bucket(B).file('corrupt/multipart');
    await expectCode(file.save(data, { resumable: false, metadata: { crc32c: crc32cB64(Buffer.from('other')) } }), 400);
    expect((await file.exists())[0]).toBe(false);
  });

  it('a resumable upload whose metadata md5Hash is wrong is refused (400) and absent', async () => {
    const data = pattern(5000, 6);
    const file = storage.bucket(B).file('corrupt/resumable');
    await expectCode(
      file.save(data, { resumable: true, metadata: { md5Hash: createHash('md5').update('other').digest('base64') } }),
      400,
    );
    expect((await file.exists())[0]).toBe(false);
  });

  it('correct hashes supplied in metadata are accepted', async () => {
    const data = pattern(5000, 7);
    const file = storage.bucket(B).file('corrupt/good');
    await file.save(data, {
      resumable: false,
      metadata: { crc32c: crc32cB64(data), md5Hash: createHash('md5').update(data).digest('base64') },
    });
    expect((await file.download())[0].equals(data)).toBe(true);
  });
});

describe('buckets', () => {
  it('creates, gets, refuses to delete non-empty, deletes', async () => {
    const [bucket] = await storage.createBucket('client-made-bucket');
    const [meta] = await bucket.getMetadata();
    expect(meta.name).toBe('client-made-bucket');
    expect(meta.kind).toBe('storage#bucket');
    await expectCode(storage.createBucket('client-made-bucket'), 409);
    await bucket.file('x').save('x');
    await expectCode(bucket.delete(), 409);
    await bucket.file('x').delete();
    await bucket.delete();
    expect((await bucket.exists())[0]).toBe(false);
    const [buckets] = await storage.getBuckets();
    expect(buckets.map((b) => b.name)).toEqual([B, B2]);
  });

  it('createBucket on the peer handle', async () => {
    await peer.createBucket('handle-made-bucket');
    expect((await storage.bucket('handle-made-bucket').exists())[0]).toBe(true);
    await expect(peer.createBucket('handle-made-bucket')).rejects.toThrow();
    await storage.bucket('handle-made-bucket').delete();
  });
});

describe('streams', () => {
  it('createReadStream validation detects a server that lies (sanity check of the client path)', async () => {
    // The client validates downloads against x-goog-hash; confirm it really checks by reading through a
    // Writable and comparing with our own hash.
    const data = pattern(300_000, 11);
    const file = storage.bucket(B).file('streams/check');
    await file.save(data);
    const chunks: Buffer[] = [];
    await pipeline(
      file.createReadStream({ validation: 'crc32c' }),
      new Writable({
        write(c: Buffer, _e, cb) {
          chunks.push(c);
          cb();
        },
      }),
    );
    expect(crc32cB64(Buffer.concat(chunks))).toBe(crc32cB64(data));
    const media = peer.requests().filter((r) => r.path === `/storage/v1/b/${B}/o/streams%2Fcheck` && r.query.alt === 'media');
    expect(media.at(-1)!.status).toBe(200);
  });
});
