/**
 * Large objects through the official client: a 300 MiB generated stream uploaded resumably with CRC32C
 * validation, then downloaded as a stream validated by the client; and a chunked (multi-request) upload.
 */
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32c } from '@node-rs/crc32';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcsPeer, type GcsPeer } from '../src/index.js';
import { client, crcToB64, generatedStream, guardNetwork, outboundAttempts, pattern } from './helpers.js';

guardNetwork();

let peer: GcsPeer;
let storage: Storage;
const B = 'large-bucket';
const MIB = 1024 * 1024;

beforeAll(async () => {
  peer = await startGcsPeer({ buckets: [B] });
  storage = client(peer);
});

afterAll(async () => {
  await peer.stop();
  expect(outboundAttempts).toEqual([]);
});

/** Streams a download, computing its CRC32C without keeping the bytes. */
async function downloadCrc(stream: NodeJS.ReadableStream): Promise<{ crc: number; bytes: number }> {
  const out = { crc: 0, bytes: 0 };
  await pipeline(
    stream,
    new Writable({
      highWaterMark: 4 * MIB,
      write(chunk: Buffer, _enc, cb) {
        out.crc = crc32c(chunk, out.crc);
        out.bytes += chunk.length;
        cb();
      },
    }),
  );
  return out;
}

describe('300 MiB', () => {
  const size = 300 * MIB + 12_345;
  const name = 'large/300mib.bin';
  let expectedCrc = 0;

  it(
    'uploads a 300 MiB stream resumably with crc32c validation',
    async () => {
      const { stream, hash } = generatedStream(size, 42);
      const file = storage.bucket(B).file(name);
      let peakRss = 0;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
      const rssBefore = process.memoryUsage().rss;
      try {
        await pipeline(stream, file.createWriteStream({ resumable: true, validation: 'crc32c', contentType: 'application/octet-stream' }));
      } finally {
        clearInterval(sampler);
      }
      expect(hash.bytes).toBe(size);
      expectedCrc = hash.crc;
      const [meta] = await file.getMetadata();
      expect(meta.size).toBe(String(size));
      expect(meta.crc32c).toBe(crcToB64(expectedCrc));
      // Neither the peer nor the client held the object in memory (both live in this process).
      expect(peakRss - rssBefore).toBeLessThan(200 * MIB);
      // It went as a resumable session, now finished.
      const puts = peer.requests().filter((r) => r.method === 'PUT' && r.query.name === name);
      expect(puts.length).toBeGreaterThanOrEqual(1);
      expect(puts.every((r) => r.status === 200 || r.status === 308)).toBe(true);
      expect(peer.openResumableUploads()).toEqual([]);
      // The data is a file on disk of the right size.
      const blobs = await readdir(join(peer.directory, 'blobs'));
      const sizes = await Promise.all(blobs.map(async (b) => (await stat(join(peer.directory, 'blobs', b))).size));
      expect(sizes).toContain(size);
    },
    240_000,
  );

  it(
    'downloads it as a stream validated by the client, and ranges of it',
    async () => {
      const file = storage.bucket(B).file(name);
      const got = await downloadCrc(file.createReadStream({ validation: 'crc32c' }));
      expect(got.bytes).toBe(size);
      expect(got.crc).toBe(expectedCrc);
      const media = peer.requests().filter((r) => r.query.alt === 'media' && r.path.endsWith('300mib.bin'));
      expect(media.at(-1)!.status).toBe(200);
      // A range near the end, served from disk.
      const tail = await downloadCrc(file.createReadStream({ start: size - 5 * MIB, end: size - 1 }));
      expect(tail.bytes).toBe(5 * MIB);
    },
    240_000,
  );
});

describe('chunked resumable upload', () => {
  it(
    'uploads 20 MiB in 4 MiB chunks (308 Resume Incomplete between them)',
    async () => {
      const size = 20 * MIB + 1000;
      const { stream, hash } = generatedStream(size, 7);
      const file = storage.bucket(B).file('large/chunked.bin');
      await pipeline(stream, file.createWriteStream({ resumable: true, chunkSize: 4 * MIB, validation: 'crc32c' }));
      const [meta] = await file.getMetadata();
      expect(meta.size).toBe(String(size));
      expect(meta.crc32c).toBe(crcToB64(hash.crc));
      const puts = peer.requests().filter((r) => r.method === 'PUT' && r.query.name === 'large/chunked.bin');
      expect(puts.map((r) => r.status)).toEqual([308, 308, 308, 308, 308, 200]);
      const got = await downloadCrc(file.createReadStream());
      expect(got.crc).toBe(hash.crc);
    },
    120_000,
  );

  it(
    'uploads with a known size (X-Upload-Content-Length) in chunks',
    async () => {
      const size = 9 * MIB;
      const { stream, hash } = generatedStream(size, 8);
      const file = storage.bucket(B).file('large/known-size.bin');
      await pipeline(
        stream,
        file.createWriteStream({ resumable: true, chunkSize: 2 * MIB, metadata: { contentLength: size }, validation: 'crc32c' }),
      );
      const [meta] = await file.getMetadata();
      expect(meta.size).toBe(String(size));
      expect(meta.crc32c).toBe(crcToB64(hash.crc));
    },
    120_000,
  );
});

describe('non-resumable streaming upload', () => {
  it(
    'streams 64 MiB through createWriteStream({resumable: false}) (multipart/related)',
    async () => {
      const size = 64 * MIB + 3;
      const { stream, hash } = generatedStream(size, 9);
      const file = storage.bucket(B).file('large/multipart.bin');
      await pipeline(stream, file.createWriteStream({ resumable: false, validation: 'crc32c' }));
      const [meta] = await file.getMetadata();
      expect(meta.size).toBe(String(size));
      expect(meta.crc32c).toBe(crcToB64(hash.crc));
      const last = peer.requests().filter((r) => r.query.name === 'large/multipart.bin').at(-1)!;
      expect(last.query.uploadType).toBe('multipart');
      expect(last.status).toBe(200);
    },
    120_000,
  );
});

describe('clients that go away', () => {
  const blobCount = async () => (await readdir(join(peer.directory, 'blobs'))).length;

  it('an upload cut off mid-body leaves nothing behind; a download cut off mid-body does not hurt', async () => {
    const before = await blobCount();
    for (const uploadType of ['media', 'multipart']) {
      await new Promise<void>((resolve) => {
        const boundary = 'cut-boundary';
        const req = httpRequest(`${peer.endpoint}/upload/storage/v1/b/${B}/o?uploadType=${uploadType}&name=cut-${uploadType}`, {
          method: 'POST',
          headers: {
            'content-length': String(10 * MIB),
            'content-type': uploadType === 'media' ? 'application/octet-stream' : `multipart/related; boundary=${boundary}`,
          },
        });
        req.on('error', () => resolve());
        req.write(uploadType === 'media' ? pattern(MIB) : Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n{}\r\n--${boundary}\r\n\r\n`), pattern(MIB)]));
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
    }
    // A download abandoned after the first bytes.
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${peer.endpoint}/storage/v1/b/${B}/o/${encodeURIComponent('large/300mib.bin')}?alt=media`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
    for (let i = 0; i < 100 && (await blobCount()) !== before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await blobCount()).toBe(before);
    expect((await storage.bucket(B).file('cut-media').exists())[0]).toBe(false);
    expect((await storage.bucket(B).file('cut-multipart').exists())[0]).toBe(false);
    // Still serving.
    const [meta] = await storage.bucket(B).file('large/300mib.bin').getMetadata();
    expect(meta.size).toBe(String(300 * MIB + 12_345));
  });
});
