import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { crc32c } from '@node-rs/crc32';
import { Storage } from '@google-cloud/storage';
import type { GcsPeer } from '../src/index.js';

/**
 * Refuses (and records) any TCP connection that is not to loopback, so a test fails loudly if the client
 * tries to reach Google (metadata server, oauth2, storage.googleapis.com).
 */
export const outboundAttempts: string[] = [];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const originalConnect = net.Socket.prototype.connect;
let guarded = false;
export function guardNetwork(): void {
  if (guarded) return;
  guarded = true;
  // The client must not try to find credentials or a project anywhere.
  process.env.METADATA_SERVER_DETECTION = 'none';
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its normalized arguments as one array: [options, callback].
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const second = Array.isArray(args[0]) ? (args[0] as unknown[])[1] : args[1];
    let host: string | undefined;
    if (first && typeof first === 'object') {
      const o = first as { host?: string; path?: string };
      if (o.path === undefined) host = o.host ?? 'localhost';
    } else if (typeof first === 'number' || typeof first === 'string') {
      host = typeof second === 'string' ? second : 'localhost';
    }
    if (host !== undefined && !LOOPBACK.has(host)) {
      outboundAttempts.push(host);
      throw new Error(`test network guard: refusing connection to ${host}`);
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

export function client(peer: GcsPeer): Storage {
  return new Storage({ apiEndpoint: peer.endpoint, projectId: peer.projectId });
}

export function crc32cB64(data: Buffer | Uint8Array, initial = 0): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32c(data, initial) >>> 0);
  return b.toString('base64');
}

export function crcToB64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}

/**
 * A deterministic stream of `size` bytes (1 MiB blocks, each distinct), produced lazily with backpressure.
 * `hash.crc` holds the running CRC32C of what was produced.
 */
export function generatedStream(size: number, seed = 1): { stream: Readable; hash: { crc: number; bytes: number } } {
  const block = randomBytes(1024 * 1024);
  block.writeUInt32BE(seed, 0);
  const hash = { crc: 0, bytes: 0 };
  let produced = 0;
  let index = 0;
  const stream = new Readable({
    highWaterMark: 1024 * 1024,
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(block.length, size - produced);
      const chunk = Buffer.from(block.subarray(0, n));
      if (n >= 8) chunk.writeUInt32BE(index, 4);
      index++;
      produced += n;
      hash.crc = crc32c(chunk, hash.crc);
      hash.bytes += n;
      this.push(chunk);
    },
  });
  return { stream, hash };
}

export interface RawResponse {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A plain node:http request (no automatic headers, no decompression, no redirects). */
export function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string | Readable } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          headers: res.headers,
          body,
          text,
          json<T>() {
            return JSON.parse(text) as T;
          },
        });
      });
    });
    req.on('error', reject);
    const body = opts.body;
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

export function pattern(size: number, salt = 0): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + salt * 7 + (i >>> 8)) & 0xff;
  return b;
}
