import type { GenericRow } from './generic-row.js';

export interface FlushOptions {
  signal?: AbortSignal;
}

/**
 * Pinot's SegmentWriter (pinot-spi ingestion/segment/writer/SegmentWriter): collect rows, flush
 * them into one segment at a time. Table config and schema are the JSON documents Pinot users
 * write (or objects already parsed by @deepstore/segment).
 */
export interface SegmentWriter extends AsyncDisposable {
  init(tableConfig: unknown, schema: unknown, batchConfigOverride?: Record<string, string>): Promise<void>;
  /** Buffers rows; they are in no segment until flush(). */
  collect(row: GenericRow | Record<string, unknown> | ReadonlyArray<GenericRow | Record<string, unknown>>): Promise<void>;
  /** Builds a segment from every buffered row, writes `<segmentName>.tar.gz` to the output dir and resets the buffer. */
  flush(options?: FlushOptions): Promise<URL>;
  /** Releases resources and removes staging directories; safe to call twice. */
  close(): Promise<void>;
}
