/**
 * @deepstore/peer-gcs — a Google Cloud Storage JSON API server on 127.0.0.1 for tests, written from the
 * public Cloud Storage documentation and checked with the official @google-cloud/storage client.
 */
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBucketRecord } from './buckets.js';
import type { PeerContext } from './context.js';
import { GcsServer } from './server.js';
import { Store } from './store.js';
import { openSessions } from './uploads.js';

export interface GcsPeer {
  /** e.g. http://127.0.0.1:40123 (the apiEndpoint for @google-cloud/storage). */
  endpoint: string;
  /** 'deepstore-test'. */
  projectId: string;
  directory: string;
  createBucket(name: string): Promise<void>;
  /** Resumable upload sessions started and neither finished nor cancelled. */
  openResumableUploads(): Array<{ bucket: string; name: string; uploadId: string; receivedBytes: number }>;
  /** Every request received: method, path, query, status. Keep the last 10,000. */
  requests(): ReadonlyArray<{ method: string; path: string; query: Record<string, string>; status: number }>;
  /** Closes the server, removes its directory unless given. */
  stop(): Promise<void>;
}

export interface GcsPeerOptions {
  /** Buckets to create at start (existing ones, from a reused directory, are kept). */
  buckets?: string[];
  /** Where data lives; reused (and kept at stop) when given. Default: a new temporary directory. */
  directory?: string;
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /**
   * Bytes one rewrite call copies when the request does not set maxBytesRewrittenPerCall: larger objects
   * take several calls (done=false + rewriteToken). Default 16 MiB.
   */
  rewriteBytesPerCall?: number;
}

export const PROJECT_ID = 'deepstore-test';

export async function startGcsPeer(options: GcsPeerOptions = {}): Promise<GcsPeer> {
  const given = options.directory !== undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'deepstore-peer-gcs-')));
  const store = await Store.open(directory);
  const ctx: PeerContext = {
    store,
    projectId: PROJECT_ID,
    uploads: new Map(),
    rewrites: new Map(),
    rewriteBytesPerCall: options.rewriteBytesPerCall ?? 16 * 1024 * 1024,
  };
  const server = new GcsServer(ctx);
  let port: number;
  try {
    for (const name of options.buckets ?? []) {
      if (!store.getBucket(name)) createBucketRecord(ctx, name);
    }
    port = await server.listen(options.port ?? 0);
  } catch (e) {
    if (!given) await rm(directory, { recursive: true, force: true });
    throw e;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    projectId: PROJECT_ID,
    directory,
    async createBucket(name: string): Promise<void> {
      createBucketRecord(ctx, name);
    },
    openResumableUploads: () => openSessions(ctx),
    requests: () => server.requests(),
    stop(): Promise<void> {
      stopped ??= (async () => {
        await server.close();
        for (const s of ctx.uploads.values()) {
          if (s.state === 'open') await unlink(s.path).catch(() => undefined);
        }
        for (const r of ctx.rewrites.values()) store.release(r.source.blob);
        ctx.rewrites.clear();
        if (!given) await rm(directory, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

export type { RequestRecord } from './server.js';
