import type { FileSystemRegistry } from '@deepstore/core';

/** Pinot's FileUploadDownloadClient.FileUploadType values used by the push jobs (SEGMENT is a TAR push). */
export type UploadType = 'SEGMENT' | 'URI' | 'METADATA';

export type TableType = 'OFFLINE' | 'REALTIME';

/**
 * How to push: the fields of Pinot's `pinotClusterSpecs`, `tableSpec.tableName`, `authToken`
 * and `pushJobSpec`, with Pinot's defaults.
 */
export interface PushOptions {
  /** `pinotClusterSpecs[].controllerURI`. Each segment is pushed to every controller, one after the other, as Pinot does. */
  controllerUris: string[];
  /** `tableSpec.tableName`: a raw name (`orders`) or one with its type (`orders_OFFLINE`). */
  tableName: string;
  /**
   * The `tableType` query parameter. Default: the type in the table name's `_OFFLINE`/`_REALTIME`
   * suffix; for a TAR push without a suffix, OFFLINE (as SegmentPushUtils.pushSegments); for URI
   * and METADATA pushes without one, not sent (the controller then takes OFFLINE).
   */
  tableType?: TableType;
  /** Sent verbatim as the `Authorization` header, like the job spec's `authToken` (e.g. `Basic YWRtaW46dmVyeXNlY3JldA`). Never printed. */
  authToken?: string;
  /** Extra request headers (e.g. `If-Match` with an expected CRC). Values of credential-looking headers are never printed. */
  headers?: Record<string, string>;
  /** `pushJobSpec.pushAttempts`: attempts per segment and controller, the first included (Pinot default 1: no retry; values < 1 mean 1). */
  pushAttempts?: number;
  /**
   * `pushJobSpec.pushRetryIntervalMillis` (Pinot default 1000; values < 1 mean 1000). Pinot's
   * exponential backoff: before retry k (0-based) it waits a random time in
   * [interval * 5^k, interval * 5^(k+1)). Only 5xx answers are retried.
   */
  pushRetryIntervalMillis?: number;
  /** `pushJobSpec.pushParallelism`: segments pushed at once (Pinot default 1; values < 1 mean all at once, as the Spark runner does). */
  pushParallelism?: number;
  /** `pushJobSpec.segmentUriPrefix`: the URI sent for URI and METADATA pushes is prefix + the segment URI's raw path + suffix. */
  segmentUriPrefix?: string;
  /** `pushJobSpec.segmentUriSuffix`. */
  segmentUriSuffix?: string;
  /** `pushJobSpec.copyToDeepStoreForMetadataPush`: METADATA push sends `COPY_SEGMENT_TO_DEEP_STORE: true` (default false, always sent). */
  copyToDeepStore?: boolean;
  /**
   * `pushJobSpec.preferMetadataTarGz` (Pinot default true): a METADATA push uses an existing
   * `<segment>.metadata.tar.gz` beside the segment instead of extracting one from the tarball.
   */
  preferMetadataTarGz?: boolean;
  /** Sends the controller's `allowRefresh` query parameter (the controller's default is true). Not sent unless set. */
  allowRefresh?: boolean;
  /** Resolves segment URIs to filesystems (default: a registry importing the installed @deepstore/fs-* adapters, closed afterwards). */
  registry?: FileSystemRegistry;
  /** Aborts every push under way; the call rejects with an AbortedError. */
  signal?: AbortSignal;
  /** Called after each successful push of a segment to one controller. */
  onSegment?: (result: PushResult) => void;
  /** TCP connect timeout to a controller, ms (default 10 000). */
  connectTimeoutMs?: number;
  /** Longest wait for the controller's answer or body data, ms (default 600 000, Pinot's HttpClient.DEFAULT_SOCKET_TIMEOUT_MS). */
  socketTimeoutMs?: number;
  /** Scratch directory for METADATA push tarballs (default: the OS temp dir). */
  tempDir?: string;
}

/** One segment pushed to one controller. URIs are redacted (no user info, no secret query parameters). */
export interface PushResult {
  segmentName: string;
  /** The segment tarball's URI, as given (redacted). */
  segmentUri: string;
  /** The DOWNLOAD_URI sent (URI and METADATA pushes), redacted. */
  downloadUri?: string;
  /** The controller (redacted). */
  controllerUri: string;
  uploadType: UploadType;
  /** The HTTP status of the controller's answer (200). */
  status: number;
  /** The controller's `status` text, e.g. `Successfully uploaded segment: x of table: t_OFFLINE`. */
  response: string;
  /** Attempts it took, the first included. */
  attempts: number;
  durationMs: number;
}

export interface ListSegmentsOptions {
  registry?: FileSystemRegistry;
  /**
   * `pushJobSpec.pushFileNamePattern`: `glob:` or `regex:`, matched against each listed file's
   * whole path as Pinot matches it (Java PathMatcher on `Paths.get(file)`).
   */
  pushFileNamePattern?: string;
  signal?: AbortSignal;
}
