/** Bytes read from the source so far in the current attempt; `total` when the source said its size. */
export interface FetchProgress {
  readonly bytes: number;
  readonly total?: number;
}

/** Told before a retry (or a resume) starts: the attempt about to run, the wait before it, and why. */
export interface RetryInfo {
  /** The attempt about to start, counted from 1 (so the first retry is attempt 2). */
  readonly attempt: number;
  /** The wait before it, in ms, drawn from [w*f^(attempt-2), w*f^(attempt-1)). */
  readonly delayMs: number;
  /** The failure of the previous attempt. */
  readonly error: unknown;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Called as bytes arrive, at most every 100 ms and once at the end of each attempt. */
  onProgress?: (progress: FetchProgress) => void;
  /** Caps the bytes read from the source per second for this call (overrides `rate.limit.bytes.per.sec`); 0 or less: no cap. */
  rateLimitBytesPerSec?: number;
  /** Called before each retry or resume, e.g. to log it. */
  onRetry?: (info: RetryInfo) => void;
}

/** One URI, or the URIs of a segment's replicas (tried round robin from a random start, as Pinot does). */
export type SegmentUris = string | readonly string[];

/** Settings as Pinot passes them: flat string keys. */
export type FetcherConfig = Readonly<Record<string, string>>;

/**
 * Pinot's `SegmentFetcher`: downloads a segment tarball to a local file, or streams it straight
 * into a safe extraction. Implementations have a no-argument constructor and get their settings
 * through `init`.
 */
export interface SegmentFetcher {
  init(config: FetcherConfig): void | Promise<void>;
  /** Downloads the segment at `uri` (or one of its replicas) to the file `dest`, which appears whole or not at all. */
  fetchToLocal(uri: SegmentUris, dest: string, options?: FetchOptions): Promise<void>;
  /**
   * Streams the segment tarball at `uri` into an extraction under `destDir` and returns the
   * extracted segment directory. Nothing is left under `destDir` when it fails or is aborted.
   */
  fetchUntarToLocal(uri: SegmentUris, destDir: string, options?: FetchOptions): Promise<string>;
  /** Releases connections; optional. */
  close?(): Promise<void>;
}

/** How a plugin module exposes a fetcher: a class with a no-argument constructor. */
export type SegmentFetcherClass = new () => SegmentFetcher;
