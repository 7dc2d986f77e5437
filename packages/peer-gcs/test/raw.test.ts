/**
 * Raw HTTP checks of the wire protocol: exact status codes, headers and bodies, with fetch (and node:http
 * where fetch cannot express the request, e.g. a body cut off mid-way or no Accept-Encoding).
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcsPeer, type GcsPeer } from '../src/index.js';
import { crc32cB64, guardNetwork, outboundAttempts, pattern, raw } from './helpers.js';

guardNetwork();

let peer: GcsPeer;
const B = 'raw-bucket';
const KIB = 1024;
const Q = 256 * KIB;

beforeAll(async () => {
  peer = await startGcsPeer({ buckets: [B, 'raw-other'] });
});

afterAll(async () => {
  await peer.stop();
  expect(outboundAttempts).toEqual([]);
});

const enc = encodeURIComponent;
const objUrl = (name: string, query = '') => `${peer.endpoint}/storage/v1/b/${B}/o/${enc(name)}${query}`;
const uploadUrl = (query: string) => `${peer.endpoint}/upload/storage/v1/b/${B}/o?${query}`;

async function putMedia(name: string, data: Buffer | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(uploadUrl(`uploadType=media&name=${enc(name)}`), { method: 'POST', body: data, headers });
}

async function startSession(name: string, init: { headers?: Record<string, string>; body?: object; query?: string } = {}) {
  const res = await fetch(uploadUrl(`uploadType=resumable&name=${enc(name)}${init.query ?? ''}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=UTF-8', ...init.headers },
    body: JSON.stringify(init.body ?? {}),
  });
  return res;
}

async function session(name: string, init: Parameters<typeof startSession>[1] = {}): Promise<string> {
  const res = await startSession(name, init);
  expect(res.status).toBe(200);
  const location = res.headers.get('location');
  expect(location).toBeTruthy();
  return location!;
}

function put(location: string, body: Buffer | undefined, contentRange?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(location, {
    method: 'PUT',
    body: body ?? Buffer.alloc(0),
    headers: { ...(contentRange ? { 'content-range': contentRange } : {}), ...headers },
    redirect: 'manual',
  });
}

type ErrorBody = { error: { code: number; message: string; errors: Array<{ domain: string; reason: string; message: string }> } };

describe('resumable uploads on the wire', () => {
  it('initiation returns a session URI with upload_id', async () => {
    const res = await startSession('rs/init', { headers: { 'x-upload-content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(peer.endpoint);
    expect(location.pathname).toBe(`/upload/storage/v1/b/${B}/o`);
    expect(location.searchParams.get('uploadType')).toBe('resumable');
    expect(location.searchParams.get('name')).toBe('rs/init');
    const id = location.searchParams.get('upload_id');
    expect(id).toBeTruthy();
    expect(res.headers.get('x-guploader-uploadid')).toBe(id);
    expect(await res.text()).toBe('');
    expect(peer.openResumableUploads()).toContainEqual({ bucket: B, name: 'rs/init', uploadId: id, receivedBytes: 0 });
  });

  it('chunks: 308 with Range, non-aligned chunks rounded down to 256 KiB, overlapping resend, final 200', async () => {
    const data = pattern(4 * Q + 1000, 1);
    const loc = await session('rs/chunks', { headers: { 'x-upload-content-type': 'application/x-test' } });

    // Status before any data: 308 without a Range header.
    let res = await put(loc, undefined, 'bytes */*');
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBeNull();

    // Two aligned quanta.
    res = await put(loc, data.subarray(0, 2 * Q), `bytes 0-${2 * Q - 1}/*`);
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${2 * Q - 1}`);
    expect(await res.text()).toBe('');

    // A non-final chunk that is not a multiple of 256 KiB: only whole quanta are persisted.
    res = await put(loc, data.subarray(2 * Q, 2 * Q + 300_000), `bytes ${2 * Q}-${2 * Q + 300_000 - 1}/*`);
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${3 * Q - 1}`);

    // Status query agrees.
    res = await put(loc, undefined, 'bytes */*');
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${3 * Q - 1}`);
    const id = new URL(loc).searchParams.get('upload_id');
    expect(peer.openResumableUploads().find((u) => u.uploadId === id)?.receivedBytes).toBe(3 * Q);

    // Resend from an offset the server already has (overlap is ignored), through to the end, with the total.
    const from = 2 * Q + 100;
    res = await put(loc, data.subarray(from), `bytes ${from}-${data.length - 1}/${data.length}`);
    expect(res.status).toBe(200);
    const obj = (await res.json()) as Record<string, string>;
    expect(obj.kind).toBe('storage#object');
    expect(obj.name).toBe('rs/chunks');
    expect(obj.size).toBe(String(data.length));
    expect(obj.crc32c).toBe(crc32cB64(data));
    expect(obj.md5Hash).toBe(createHash('md5').update(data).digest('base64'));
    expect(obj.contentType).toBe('application/x-test');
    expect(peer.openResumableUploads().find((u) => u.uploadId === id)).toBeUndefined();

    // After completion, the session answers with the object.
    res = await put(loc, undefined, 'bytes */*');
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).generation).toBe(obj.generation);

    const got = await fetch(objUrl('rs/chunks', '?alt=media'));
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
  });

  it('a PUT without Content-Range is the whole object; "bytes 0-*/*" too', async () => {
    const data = pattern(1000, 2);
    const loc = await session('rs/whole');
    const res = await put(loc, data);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).size).toBe('1000');

    const loc2 = await session('rs/star');
    const res2 = await put(loc2, data, 'bytes 0-*/*');
    expect(res2.status).toBe(200);
    expect(((await res2.json()) as Record<string, string>).crc32c).toBe(crc32cB64(data));
  });

  it('"bytes */N" finalizes when all N bytes are there, and empty uploads', async () => {
    const data = pattern(Q, 3);
    const loc = await session('rs/finalize');
    let res = await put(loc, data, `bytes 0-${Q - 1}/*`);
    expect(res.status).toBe(308);
    res = await put(loc, undefined, `bytes */${Q + 5}`);
    expect(res.status).toBe(308);
    res = await put(loc, undefined, `bytes */${Q}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).size).toBe(String(Q));

    const loc2 = await session('rs/empty');
    res = await put(loc2, undefined, 'bytes */0');
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).size).toBe('0');
  });

  it('a chunk beyond what was received is 400; bad Content-Range is 400', async () => {
    const loc = await session('rs/gap');
    let res = await put(loc, pattern(Q), `bytes ${Q}-${2 * Q - 1}/*`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.errors[0]!.reason).toBe('invalid');
    res = await put(loc, pattern(10), 'bytes=0-9/10');
    expect(res.status).toBe(400);
    // Declared range longer than the body.
    res = await put(loc, pattern(10), 'bytes 0-19/20');
    expect(res.status).toBe(400);
    res = await put(loc, undefined, 'bytes */*');
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBeNull();
  });

  it('a final size below what was received is 400; a whole-object PUT restarts cleanly', async () => {
    const data = pattern(Q + 10, 12);
    const loc = await session('rs/shrink');
    expect((await put(loc, data.subarray(0, Q), `bytes 0-${Q - 1}/*`)).status).toBe(308);
    let res = await put(loc, data.subarray(0, 100), 'bytes 0-99/100');
    expect(res.status).toBe(400);
    res = await put(loc, undefined, 'bytes */100');
    expect(res.status).toBe(400);
    // Without Content-Range the body is the complete object (already-received bytes are skipped).
    res = await put(loc, data);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).crc32c).toBe(crc32cB64(data));
  });

  it('DELETE cancels with 499; the session is then gone (404)', async () => {
    const loc = await session('rs/cancel');
    await put(loc, pattern(Q), `bytes 0-${Q - 1}/*`);
    const id = new URL(loc).searchParams.get('upload_id');
    expect(peer.openResumableUploads().find((u) => u.uploadId === id)?.receivedBytes).toBe(Q);
    let res = await fetch(loc, { method: 'DELETE' });
    expect(res.status).toBe(499);
    expect(peer.openResumableUploads().find((u) => u.uploadId === id)).toBeUndefined();
    res = await put(loc, undefined, 'bytes */*');
    expect(res.status).toBe(404);
    res = await put(loc, pattern(10), 'bytes 0-9/10');
    expect(res.status).toBe(404);
    expect((await fetch(objUrl('rs/cancel'))).status).toBe(404);
    expect((await fetch(`${peer.endpoint}/upload/storage/v1/b/${B}/o?uploadType=resumable&upload_id=nope`, { method: 'PUT' })).status).toBe(404);
  });

  it('a wrong x-goog-hash on the final chunk is 400 and creates nothing; the session is dead', async () => {
    const data = pattern(2 * Q + 7, 4);
    const loc = await session('rs/badhash');
    await put(loc, data.subarray(0, Q), `bytes 0-${Q - 1}/*`);
    let res = await put(loc, data.subarray(Q), `bytes ${Q}-${data.length - 1}/${data.length}`, {
      'x-goog-hash': `crc32c=${crc32cB64(Buffer.from('not it'))}`,
    });
    expect(res.status).toBe(400);
    const err = (await res.json()) as ErrorBody;
    expect(err.error.code).toBe(400);
    expect(err.error.errors[0]!.reason).toBe('invalid');
    expect(err.error.message).toMatch(/CRC32C/);
    expect((await fetch(objUrl('rs/badhash'))).status).toBe(404);
    res = await put(loc, undefined, 'bytes */*');
    expect(res.status).toBe(410);

    // The right hashes (both) are accepted.
    const loc2 = await session('rs/goodhash');
    res = await put(loc2, data, `bytes 0-${data.length - 1}/${data.length}`, {
      'x-goog-hash': `crc32c=${crc32cB64(data)},md5=${createHash('md5').update(data).digest('base64')}`,
    });
    expect(res.status).toBe(200);
  });

  it('crc32c in the initiation metadata is checked at the end', async () => {
    const data = pattern(1000, 5);
    const loc = await session('rs/metahash', { body: { crc32c: crc32cB64(Buffer.from('x')) } });
    const res = await put(loc, data, `bytes 0-999/1000`);
    expect(res.status).toBe(400);
    expect((await fetch(objUrl('rs/metahash'))).status).toBe(404);
  });

  it('preconditions: 412 at initiation, and at finalization if the object appeared meanwhile', async () => {
    await putMedia('rs/pre-existing', 'here');
    let res = await startSession('rs/pre-existing', { query: '&ifGenerationMatch=0' });
    expect(res.status).toBe(412);
    const err = (await res.json()) as ErrorBody;
    expect(err.error.errors[0]!.reason).toBe('conditionNotMet');

    const loc = await session('rs/race', { query: '&ifGenerationMatch=0' });
    await putMedia('rs/race', 'someone else');
    res = await put(loc, pattern(100), 'bytes 0-99/100');
    expect(res.status).toBe(412);
    expect(await (await fetch(objUrl('rs/race', '?alt=media'))).text()).toBe('someone else');
  });

  it('X-Upload-Content-Length must match the data', async () => {
    const loc = await session('rs/declared', { headers: { 'x-upload-content-length': '500' } });
    const res = await put(loc, pattern(400), 'bytes 0-399/400');
    expect(res.status).toBe(400);
    const loc2 = await session('rs/declared2', { headers: { 'x-upload-content-length': '400' } });
    expect((await put(loc2, pattern(400), 'bytes 0-399/400')).status).toBe(200);
  });

  it('a request cut off mid-body keeps only whole 256 KiB units, and the upload can resume', async () => {
    const data = pattern(3 * Q + 10, 6);
    const loc = await session('rs/cut');
    const id = new URL(loc).searchParams.get('upload_id')!;
    // Send 2.5 quanta of a declared 3.x-quanta body, then drop the connection.
    await new Promise<void>((resolve) => {
      const req = httpRequest(loc, {
        method: 'PUT',
        headers: { 'content-range': `bytes 0-${data.length - 1}/${data.length}`, 'content-length': String(data.length) },
      });
      req.on('error', () => resolve());
      req.write(data.subarray(0, 2 * Q + Q / 2), () => {
        const wait = async () => {
          for (let i = 0; i < 200; i++) {
            if ((peer.openResumableUploads().find((u) => u.uploadId === id)?.receivedBytes ?? 0) >= 2 * Q) break;
            await new Promise((r) => setTimeout(r, 10));
          }
          req.destroy();
          resolve();
        };
        void wait();
      });
    });
    // Wait for the server to notice.
    let res: Response | undefined;
    for (let i = 0; i < 100; i++) {
      res = await put(loc, undefined, 'bytes */*');
      if (res.headers.get('range') === `bytes=0-${2 * Q - 1}`) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(res!.status).toBe(308);
    expect(res!.headers.get('range')).toBe(`bytes=0-${2 * Q - 1}`);
    res = await put(loc, data.subarray(2 * Q), `bytes ${2 * Q}-${data.length - 1}/${data.length}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).crc32c).toBe(crc32cB64(data));
  });
  it('a new chunk request supersedes one that is still streaming', async () => {
    const data = pattern(2 * Q + 500, 13);
    const loc = await session('rs/supersede');
    const id = new URL(loc).searchParams.get('upload_id')!;
    let firstFailed = false;
    const stalled = httpRequest(loc, {
      method: 'PUT',
      headers: { 'content-range': `bytes 0-${data.length - 1}/${data.length}`, 'content-length': String(data.length) },
    });
    stalled.on('error', () => (firstFailed = true));
    stalled.on('response', (r) => {
      r.resume();
      r.on('close', () => (firstFailed = true));
    });
    stalled.write(data.subarray(0, Q + 1000)); // and then nothing more
    for (let i = 0; i < 200; i++) {
      if ((peer.openResumableUploads().find((u) => u.uploadId === id)?.receivedBytes ?? 0) >= Q) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const status = await put(loc, undefined, 'bytes */*');
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBe(`bytes=0-${Q - 1}`);
    const res = await put(loc, data.subarray(Q), `bytes ${Q}-${data.length - 1}/${data.length}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).crc32c).toBe(crc32cB64(data));
    for (let i = 0; i < 100 && !firstFailed; i++) await new Promise((r) => setTimeout(r, 10));
    expect(firstFailed).toBe(true);
  });
});

describe('simple uploads on the wire', () => {
  it('uploadType=media: content type from the header, x-goog-hash checked', async () => {
    const data = Buffer.from('media upload');
    let res = await putMedia('up/media', data, { 'content-type': 'text/x-media' });
    expect(res.status).toBe(200);
    const obj = (await res.json()) as Record<string, string>;
    expect(obj.contentType).toBe('text/x-media');
    expect(obj.size).toBe(String(data.length));
    res = await putMedia('up/media-bad', data, { 'x-goog-hash': `md5=${createHash('md5').update('other').digest('base64')}` });
    expect(res.status).toBe(400);
    expect((await fetch(objUrl('up/media-bad'))).status).toBe(404);
    res = await putMedia('up/media-malformed', data, { 'x-goog-hash': 'crc32c=@@' });
    expect(res.status).toBe(400);
  });

  it('uploadType=multipart: name from the metadata part, media content type', async () => {
    const boundary = 'xyzzy-boundary';
    const media = pattern(70_000, 8);
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n` +
          JSON.stringify({ name: 'up/multi', metadata: { k: 'v' }, cacheControl: 'no-store' }) +
          `\r\n--${boundary}\r\nContent-Type: image/png\r\n\r\n`,
      ),
      media,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(uploadUrl('uploadType=multipart'), {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/related; boundary=${boundary}` },
    });
    expect(res.status).toBe(200);
    const obj = (await res.json()) as Record<string, unknown>;
    expect(obj.name).toBe('up/multi');
    expect(obj.contentType).toBe('image/png');
    expect(obj.cacheControl).toBe('no-store');
    expect(obj.metadata).toEqual({ k: 'v' });
    expect(obj.crc32c).toBe(crc32cB64(media));
    const got = Buffer.from(await (await fetch(objUrl('up/multi', '?alt=media'))).arrayBuffer());
    expect(got.equals(media)).toBe(true);
  });

  it('requests without uploadType, without a name, or with a bad name are 400', async () => {
    expect((await fetch(uploadUrl('name=x'), { method: 'POST', body: 'x' })).status).toBe(400);
    const noName = await fetch(uploadUrl('uploadType=media'), { method: 'POST', body: 'x' });
    expect(noName.status).toBe(400);
    expect(((await noName.json()) as ErrorBody).error.errors[0]!.reason).toBe('required');
    expect((await putMedia('bad\nname', 'x')).status).toBe(400);
    expect((await putMedia('x'.repeat(1025), 'x')).status).toBe(400);
    expect((await putMedia('.', 'x')).status).toBe(400);
    expect((await fetch(`${peer.endpoint}/upload/storage/v1/b/no-such-bucket/o?uploadType=media&name=x`, { method: 'POST', body: 'x' })).status).toBe(404);
  });
});

describe('downloads on the wire', () => {
  const data = pattern(100_000, 9);
  let generation = '';

  beforeAll(async () => {
    const res = await putMedia('dl/object', data, { 'content-type': 'application/x-dl' });
    generation = ((await res.json()) as Record<string, string>).generation!;
  });

  it('200 with x-goog-hash, x-goog-generation, x-goog-stored-* headers', async () => {
    const res = await fetch(objUrl('dl/object', '?alt=media'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(data.length));
    expect(res.headers.get('content-type')).toBe('application/x-dl');
    expect(res.headers.get('x-goog-hash')).toBe(`crc32c=${crc32cB64(data)},md5=${createHash('md5').update(data).digest('base64')}`);
    expect(res.headers.get('x-goog-generation')).toBe(generation);
    expect(res.headers.get('x-goog-metageneration')).toBe('1');
    expect(res.headers.get('x-goog-stored-content-length')).toBe(String(data.length));
    expect(res.headers.get('x-goog-stored-content-encoding')).toBe('identity');
    expect(res.headers.get('x-goog-storage-class')).toBe('STANDARD');
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
    // The download path variant used by mediaLink.
    const res2 = await fetch(`${peer.endpoint}/download/storage/v1/b/${B}/o/${enc('dl/object')}?alt=media&generation=${generation}`);
    expect(res2.status).toBe(200);
    expect(Buffer.from(await res2.arrayBuffer()).equals(data)).toBe(true);
  });

  it('206 for ranges, with Content-Range', async () => {
    const cases: Array<[string, number, number]> = [
      ['bytes=0-9', 0, 9],
      ['bytes=10-', 10, data.length - 1],
      ['bytes=-100', data.length - 100, data.length - 1],
      ['bytes=99990-200000', 99_990, data.length - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await fetch(objUrl('dl/object', '?alt=media'), { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${data.length}`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expect(res.headers.get('x-goog-stored-content-length')).toBe(String(data.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(data.subarray(start, end + 1))).toBe(true);
    }
  });

  it('416 past the end (with Content-Range bytes */size); malformed ranges are ignored', async () => {
    let res = await fetch(objUrl('dl/object', '?alt=media'), { headers: { range: `bytes=${data.length}-` } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${data.length}`);
    expect(((await res.json()) as ErrorBody).error.code).toBe(416);
    res = await fetch(objUrl('dl/object', '?alt=media'), { headers: { range: 'bytes=500000-500010' } });
    expect(res.status).toBe(416);
    res = await fetch(objUrl('dl/object', '?alt=media'), { headers: { range: 'bytes=5-2' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    res = await fetch(objUrl('dl/object', '?alt=media'), { headers: { range: 'lines=1-2' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await putMedia('dl/empty', Buffer.alloc(0));
    res = await fetch(objUrl('dl/empty', '?alt=media'), { headers: { range: 'bytes=0-' } });
    expect(res.status).toBe(416);
    res = await fetch(objUrl('dl/empty', '?alt=media'));
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('read preconditions: 412 for *Match, 304 for *NotMatch; unknown generation is 404', async () => {
    let res = await fetch(objUrl('dl/object', `?alt=media&ifGenerationMatch=${generation}`));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    res = await fetch(objUrl('dl/object', '?alt=media&ifGenerationMatch=1'));
    expect(res.status).toBe(412);
    res = await fetch(objUrl('dl/object', `?ifGenerationNotMatch=${generation}`));
    expect(res.status).toBe(304);
    res = await fetch(objUrl('dl/object', `?alt=media&ifMetagenerationNotMatch=1`));
    expect(res.status).toBe(304);
    res = await fetch(objUrl('dl/object', `?ifMetagenerationMatch=2`));
    expect(res.status).toBe(412);
    res = await fetch(objUrl('dl/object', `?generation=${BigInt(generation) + 1n}`));
    expect(res.status).toBe(404);
    res = await fetch(objUrl('dl/object', `?ifGenerationMatch=abc`));
    expect(res.status).toBe(400);
  });

  it('gzip-encoded objects: served as stored to gzip clients, decompressed for others', async () => {
    const plain = Buffer.from('compressible text '.repeat(500));
    const gz = gzipSync(plain);
    const res = await fetch(uploadUrl('uploadType=media&name=dl%2Fgz&contentEncoding=gzip'), {
      method: 'POST',
      body: gz,
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>).contentEncoding).toBe('gzip');
    const asStored = await raw(objUrl('dl/gz', '?alt=media'), { headers: { 'accept-encoding': 'gzip' } });
    expect(asStored.headers['content-encoding']).toBe('gzip');
    expect(asStored.body.equals(gz)).toBe(true);
    const transcoded = await raw(objUrl('dl/gz', '?alt=media'));
    expect(transcoded.status).toBe(200);
    expect(transcoded.headers['content-encoding']).toBeUndefined();
    expect(transcoded.headers['x-goog-stored-content-encoding']).toBe('gzip');
    expect(transcoded.body.equals(plain)).toBe(true);
  });
});

describe('errors', () => {
  it('404s name the missing object or bucket', async () => {
    let res = await fetch(objUrl('nope/nothing'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as ErrorBody;
    expect(body).toEqual({
      error: {
        code: 404,
        message: `No such object: ${B}/nope/nothing`,
        errors: [{ message: `No such object: ${B}/nope/nothing`, domain: 'global', reason: 'notFound' }],
      },
    });
    res = await fetch(`${peer.endpoint}/storage/v1/b/missing-bucket/o/x`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.message).toBe('The specified bucket does not exist.');
    res = await fetch(`${peer.endpoint}/storage/v1/b/missing-bucket/o`);
    expect(res.status).toBe(404);
    res = await fetch(`${peer.endpoint}/nothing/here`);
    expect(res.status).toBe(404);
  });

  it('412 conditionNotMet, 409 conflict, 400 invalid', async () => {
    await putMedia('err/exists', 'x');
    let res = await putMedia('err/exists?', 'x');
    expect(res.status).toBe(200);
    res = await fetch(uploadUrl(`uploadType=media&name=${enc('err/exists')}&ifGenerationMatch=0`), { method: 'POST', body: 'y' });
    expect(res.status).toBe(412);
    const e412 = (await res.json()) as ErrorBody;
    expect(e412.error.code).toBe(412);
    expect(e412.error.errors[0]).toMatchObject({ domain: 'global', reason: 'conditionNotMet' });
    expect(e412.error.message).toBe('At least one of the pre-conditions you specified did not hold.');

    res = await fetch(`${peer.endpoint}/storage/v1/b?project=${peer.projectId}`, {
      method: 'POST',
      body: JSON.stringify({ name: B }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.errors[0]!.reason).toBe('conflict');
    res = await fetch(`${peer.endpoint}/storage/v1/b/${B}`, { method: 'DELETE' });
    expect(res.status).toBe(409);

    res = await fetch(`${peer.endpoint}/storage/v1/b?project=${peer.projectId}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Bad_Bucket!' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.errors[0]!.reason).toBe('invalid');
    res = await fetch(`${peer.endpoint}/storage/v1/b`, { method: 'POST', body: JSON.stringify({ name: 'no-project-given' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.errors[0]!.reason).toBe('required');
    res = await fetch(objUrl('err/exists'), { method: 'PATCH', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
  });

  it('accepts any Bearer token and none', async () => {
    const res = await fetch(objUrl('err/exists'), { headers: { authorization: 'Bearer whatever.token' } });
    expect(res.status).toBe(200);
    expect((await fetch(objUrl('err/exists'))).status).toBe(200);
  });
});

describe('metadata and listing details', () => {
  it('PATCH merges, PUT replaces; both bump metageneration', async () => {
    await putMedia('md/obj', 'x', { 'content-type': 'text/plain' });
    let res = await fetch(objUrl('md/obj'), {
      method: 'PATCH',
      body: JSON.stringify({ metadata: { a: '1', b: '2' }, contentDisposition: 'attachment' }),
      headers: { 'content-type': 'application/json' },
    });
    let obj = (await res.json()) as Record<string, unknown>;
    expect(obj.metageneration).toBe('2');
    expect(obj.metadata).toEqual({ a: '1', b: '2' });
    expect(obj.contentType).toBe('text/plain');
    res = await fetch(objUrl('md/obj', '?ifMetagenerationMatch=2'), {
      method: 'PUT',
      body: JSON.stringify({ contentType: 'application/json', metadata: { c: '3' } }),
      headers: { 'content-type': 'application/json' },
    });
    obj = (await res.json()) as Record<string, unknown>;
    expect(obj.metageneration).toBe('3');
    expect(obj.metadata).toEqual({ c: '3' });
    expect(obj.contentDisposition).toBeUndefined();
    expect(obj.contentType).toBe('application/json');
    res = await fetch(objUrl('md/obj', '?ifMetagenerationMatch=2'), { method: 'PATCH', body: '{}' });
    expect(res.status).toBe(412);
    const dl = await fetch(objUrl('md/obj', '?alt=media'));
    expect(dl.headers.get('x-goog-metageneration')).toBe('3');
    await dl.arrayBuffer();
  });

  it('fields, startOffset/endOffset, maxResults cap and bad page tokens', async () => {
    for (let i = 0; i < 5; i++) await putMedia(`ls/${i}`, String(i));
    let res = await fetch(`${peer.endpoint}/storage/v1/b/${B}/o?prefix=ls/&maxResults=2&fields=items(name,size),nextPageToken`);
    let body = (await res.json()) as { items: Array<Record<string, string>>; nextPageToken: string; kind?: string };
    expect(body.kind).toBeUndefined();
    expect(body.items).toEqual([
      { name: 'ls/0', size: '1' },
      { name: 'ls/1', size: '1' },
    ]);
    res = await fetch(`${peer.endpoint}/storage/v1/b/${B}/o?prefix=ls/&maxResults=2&pageToken=${body.nextPageToken}&fields=items/name`);
    body = (await res.json()) as typeof body;
    expect(body.items).toEqual([{ name: 'ls/2' }, { name: 'ls/3' }]);
    res = await fetch(`${peer.endpoint}/storage/v1/b/${B}/o?startOffset=ls/1&endOffset=ls/3&versions=false`);
    body = (await res.json()) as typeof body;
    expect(body.items.map((o) => o.name)).toEqual(['ls/1', 'ls/2']);
    res = await fetch(`${peer.endpoint}/storage/v1/b/${B}/o?pageToken=garbage!`);
    expect(res.status).toBe(400);
    res = await fetch(`${peer.endpoint}/storage/v1/b/raw-other/o`);
    expect(await res.json()).toEqual({ kind: 'storage#objects' });
  });

  it('lists names in UTF-8 byte order', async () => {
    const names = ['u/\uFF61', 'u/\u{1F600}', 'u/a', 'u/\u00E9'];
    for (const n of names) await putMedia(n, 'x');
    const res = await fetch(`${peer.endpoint}/storage/v1/b/${B}/o?prefix=u/&fields=items/name`);
    const body = (await res.json()) as { items: Array<{ name: string }> };
    const byBytes = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(body.items.map((o) => o.name)).toEqual(byBytes);
  });
});

describe('rewrite on the wire', () => {
  it('maxBytesRewrittenPerCall drives done=false/rewriteToken until done', async () => {
    const data = pattern(3 * 1024 * 1024 + 5, 10);
    await putMedia('rw/src', data);
    const url = (q: string) => `${peer.endpoint}/storage/v1/b/${B}/o/${enc('rw/src')}/rewriteTo/b/raw-other/o/${enc('rw/dst')}?${q}`;
    let res = await fetch(url('maxBytesRewrittenPerCall=1048576'), { method: 'POST' });
    let body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ kind: 'storage#rewriteResponse', totalBytesRewritten: '1048576', objectSize: String(data.length), done: false });
    const token = body.rewriteToken as string;
    expect(token).toBeTruthy();
    const steps: string[] = [];
    while (body.done === false) {
      res = await fetch(url(`maxBytesRewrittenPerCall=1048576&rewriteToken=${enc(body.rewriteToken as string)}`), { method: 'POST' });
      expect(res.status).toBe(200);
      body = (await res.json()) as Record<string, unknown>;
      steps.push(body.totalBytesRewritten as string);
    }
    expect(steps).toEqual(['2097152', '3145728', String(data.length)]);
    expect((body.resource as Record<string, string>).crc32c).toBe(crc32cB64(data));
    expect((body.resource as Record<string, string>).bucket).toBe('raw-other');
    // The token is spent.
    res = await fetch(url(`rewriteToken=${enc(token)}`), { method: 'POST' });
    expect(res.status).toBe(400);
    res = await fetch(url('maxBytesRewrittenPerCall=1000'), { method: 'POST' });
    expect(res.status).toBe(400);
  });

  it('copyTo copies in one call', async () => {
    await putMedia('rw/copy-src', 'copy me', { 'content-type': 'text/plain' });
    const res = await fetch(`${peer.endpoint}/storage/v1/b/${B}/o/${enc('rw/copy-src')}/copyTo/b/${B}/o/${enc('rw/copy dst')}`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const obj = (await res.json()) as Record<string, string>;
    expect(obj.name).toBe('rw/copy dst');
    expect(obj.contentType).toBe('text/plain');
    expect(await (await fetch(objUrl('rw/copy dst', '?alt=media'))).text()).toBe('copy me');
  });
});

describe('batch', () => {
  function batchBody(boundary: string, parts: string[]): string {
    return parts.map((p, i) => `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i + 1}>\r\n\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
  }

  function parseBatch(contentType: string, text: string): Array<{ contentId: string; status: number; body: string }> {
    const boundary = /boundary=([^;]+)/.exec(contentType)![1]!;
    return text
      .split(`--${boundary}`)
      .slice(1, -1)
      .map((part) => {
        const [partHead, ...rest] = part.split('\r\n\r\n');
        const http = rest.join('\r\n\r\n');
        const [statusLine] = http.split('\r\n');
        const bodyStart = http.indexOf('\r\n\r\n');
        return {
          contentId: /Content-ID: <([^>]*)>/.exec(partHead!)?.[1] ?? '',
          status: Number(statusLine!.split(' ')[1]),
          body: http.slice(bodyStart + 4).replace(/\r\n$/, ''),
        };
      });
  }

  it('deletes 100 objects in one request, one part per object, in order', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `batch/obj ${i}#`);
    for (const n of names) await putMedia(n, 'x');
    const boundary = 'batch_boundary_1';
    const parts = names.map((n, i) =>
      i === 50 ? `DELETE /storage/v1/b/${B}/o/${enc('batch/never-existed')} HTTP/1.1` : `DELETE /storage/v1/b/${B}/o/${enc(n)} HTTP/1.1`,
    );
    const before = peer.requests().length;
    const res = await fetch(`${peer.endpoint}/batch/storage/v1`, {
      method: 'POST',
      headers: { 'content-type': `multipart/mixed; boundary=${boundary}`, authorization: 'Bearer x' },
      body: batchBody(boundary, parts),
    });
    expect(res.status).toBe(200);
    const ct = res.headers.get('content-type')!;
    expect(ct).toMatch(/^multipart\/mixed; boundary=/);
    const answers = parseBatch(ct, await res.text());
    expect(answers).toHaveLength(100);
    answers.forEach((a, i) => {
      expect(a.contentId).toBe(`response-item${i + 1}`);
      expect(a.status).toBe(i === 50 ? 404 : 204);
    });
    expect(JSON.parse(answers[50]!.body).error.errors[0].reason).toBe('notFound');
    for (const [i, n] of names.entries()) expect((await fetch(objUrl(n))).status).toBe(i === 50 ? 200 : 404);
    const logged = peer.requests().slice(before);
    expect(logged[0]).toMatchObject({ method: 'POST', path: '/batch/storage/v1', status: 200 });
    expect(logged.filter((r) => r.method === 'DELETE')).toHaveLength(100);
  });

  it('GET and PATCH parts return JSON; more than 100 parts is 400; uploads are refused', async () => {
    await putMedia('batch/meta', 'x');
    const boundary = '===============7330845974216740156==';
    const parts = [
      `GET /storage/v1/b/${B}/o/${enc('batch/meta')}`,
      `PATCH /storage/v1/b/${B}/o/${enc('batch/meta')} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"metadata":{"via":"batch"}}`,
      `GET /storage/v1/b/${B}/o/${enc('batch/meta')}?alt=media HTTP/1.1`,
    ];
    let res = await fetch(`${peer.endpoint}/batch/storage/v1`, {
      method: 'POST',
      headers: { 'content-type': `multipart/mixed; boundary="${boundary}"` },
      body: batchBody(boundary, parts),
    });
    expect(res.status).toBe(200);
    const answers = parseBatch(res.headers.get('content-type')!, await res.text());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400]);
    expect(JSON.parse(answers[0]!.body).name).toBe('batch/meta');
    expect(JSON.parse(answers[1]!.body).metadata).toEqual({ via: 'batch' });

    const many = Array.from({ length: 101 }, () => `GET /storage/v1/b/${B}`);
    res = await fetch(`${peer.endpoint}/batch/storage/v1`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/mixed; boundary=b' },
      body: batchBody('b', many),
    });
    expect(res.status).toBe(400);
    res = await fetch(`${peer.endpoint}/batch/storage/v1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
  });
});
