/**
 * How the stand-in pulls a DOWNLOAD_URI, as the controller does with its segment fetchers. The
 * default is @deepstore/fetcher's SegmentFetcherFactory over the peer's registry; tests may pass
 * anything with this shape.
 */
export interface SegmentFetcher {
  fetchToLocal(uri: string, dest: string, options?: { signal?: AbortSignal }): Promise<void>;
  close?(): Promise<void>;
}
