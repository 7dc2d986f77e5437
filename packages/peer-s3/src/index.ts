import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createHandler, RequestLog } from './server.js';
import { Store } from './store.js';

export interface S3Peer {
  endpoint: string; // e.g. http://127.0.0.1:40123
  region: string; // 'us-east-1'
  accessKeyId: string; // s3rver's 'S3RVER'
  secretAccessKey: string; // 'S3RVER'
  directory: string; // where objects live on disk
  createBucket(name: string): Promise<void>;
  /** Multipart uploads that were initiated and neither completed nor aborted (from the peer's own state, not via the S3 API). */
  openMultipartUploads(bucket?: string): Promise<Array<{ bucket: string; key: string; uploadId: string }>>;
  /** Every request the peer received, in order: method, path (decoded key path), query keys, status. For assertions like 'no body went to X'. Keep the last 10,000. */
  requests(): ReadonlyArray<{ method: string; path: string; query: Record<string, string>; status: number }>;
  stop(): Promise<void>; // closes the server, removes its directory unless it was given
}

export interface S3PeerOptions {
  buckets?: string[];
  directory?: string;
  port?: number;
}

export const REGION = 'us-east-1';
export const ACCESS_KEY_ID = 'S3RVER';
export const SECRET_ACCESS_KEY = 'S3RVER';
const REQUEST_LOG_LIMIT = 10_000;

interface S3rverApp {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  logger: { close(): void };
}

const require = createRequire(import.meta.url);

/**
 * Starts an S3 peer on 127.0.0.1: the peer's own implementation of the S3 object, multipart
 * and listing API over s3rver's on-disk layout, with s3rver's Koa app answering the
 * sub-resources the peer delegates (CORS, website, tagging, ACL stubs, location).
 */
export async function startS3Peer(options: S3PeerOptions = {}): Promise<S3Peer> {
  const given = options.directory !== undefined;
  const directory = given ? path.resolve(options.directory!) : await fs.mkdtemp(path.join(os.tmpdir(), 'deepstore-peer-s3-'));
  const store = new Store(directory);
  await store.init();
  for (const bucket of options.buckets ?? []) await store.createBucket(bucket);

  const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverApp;
  const s3rver = new S3rver({ directory, silent: true, vhostBuckets: false, allowMismatchedSignatures: true, resetOnClose: false });
  const log = new RequestLog(REQUEST_LOG_LIMIT);
  const handler = createHandler({
    store,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    region: REGION,
    fallback: s3rver.callback(),
    log,
  });
  // Long keep-alive so pooled client sockets are not closed under a request that is just being sent.
  const server = http.createServer({ keepAliveTimeout: 30_000, requestTimeout: 0 }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), 2_000);
    await closed;
    clearTimeout(timer);
    s3rver.logger.close();
    if (!given) await fs.rm(directory, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    directory,
    async createBucket(name: string): Promise<void> {
      await store.createBucket(name);
    },
    async openMultipartUploads(bucket?: string) {
      const buckets = bucket !== undefined ? [bucket] : (await store.listBuckets()).map((b) => b.name);
      const out: Array<{ bucket: string; key: string; uploadId: string }> = [];
      for (const b of buckets) {
        for (const u of await store.listUploads(b)) out.push({ bucket: b, key: u.key, uploadId: u.uploadId });
      }
      return out;
    },
    requests: () => log.snapshot(),
    stop: () => (stopping ??= stop()),
  };
}
