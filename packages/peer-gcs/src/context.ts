import type { MetaPatch, ObjectMeta, StoredObject } from './resources.js';
import type { Preconditions } from './preconditions.js';
import type { Store } from './store.js';
import type { UploadSession } from './uploads.js';

/** A multi-call rewrite in progress (identified by its rewriteToken). */
export interface RewriteState {
  token: string;
  srcBucket: string;
  srcName: string;
  dstBucket: string;
  dstName: string;
  /** The source as it was when the rewrite started; its blob is retained until done or dropped. */
  source: StoredObject;
  destPatch: MetaPatch;
  destPreconditions: Preconditions;
  bytesRewritten: number;
  bytesPerCall: number;
}

export interface PeerContext {
  store: Store;
  projectId: string;
  uploads: Map<string, UploadSession>;
  rewrites: Map<string, RewriteState>;
  /** Bytes a rewrite call copies when the request does not set maxBytesRewrittenPerCall. */
  rewriteBytesPerCall: number;
}

export type { ObjectMeta };
