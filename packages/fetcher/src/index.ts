export type { FetchOptions, FetchProgress, FetcherConfig, RetryInfo, SegmentFetcher, SegmentFetcherClass, SegmentUris } from './types.js';
export { AttemptsExceededError, HttpStatusError, UnsafeArchiveError } from './errors.js';
export {
  DEFAULT_MAX_ENTRIES,
  DEFAULT_MAX_EXTRACTED_BYTES,
  DEFAULT_RETRY_COUNT,
  DEFAULT_RETRY_DELAY_SCALE_FACTOR,
  DEFAULT_RETRY_WAIT_MS,
  DEFAULT_STALL_TIMEOUT_MS,
  MAX_ENTRIES_KEY,
  MAX_EXTRACTED_BYTES_KEY,
  RATE_LIMIT_KEY,
  RETRY_COUNT_KEY,
  RETRY_DELAY_SCALE_FACTOR_KEY,
  RETRY_WAIT_MS_KEY,
  STALL_TIMEOUT_KEY,
  parseAuth,
  parseFetcherSettings,
  type FetcherSettings,
} from './settings.js';
export { AttemptBudget, backoffDelayMs, type BudgetOptions } from './retry.js';
export { WORK_DIR_PREFIX, extractTarStream, unsafeEntryReason, type ExtractLimits, type ExtractOptions } from './extract.js';
export { BaseSegmentFetcher, type AttemptContext, type FetchOperation } from './base-fetcher.js';
export { HttpSegmentFetcher, HttpsSegmentFetcher, parseHttpSettings, type HttpFetcherSettings } from './http-fetcher.js';
export { PinotFSSegmentFetcher } from './pinotfs-fetcher.js';
export { SegmentFetcherFactory, CLASS_KEY_SUFFIX, PROTOCOLS_KEY, type SegmentFetcherFactoryOptions } from './factory.js';
