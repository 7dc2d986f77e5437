import { InvalidInputError, readInt } from '@deepstore/core';
import type { FetcherConfig } from './types.js';

const OP = 'init segment fetcher';

/** Pinot's retry keys and defaults (BaseSegmentFetcher). */
export const RETRY_COUNT_KEY = 'retry.count';
export const RETRY_WAIT_MS_KEY = 'retry.wait.ms';
export const RETRY_DELAY_SCALE_FACTOR_KEY = 'retry.delay.scale.factor';
export const DEFAULT_RETRY_COUNT = 3;
export const DEFAULT_RETRY_WAIT_MS = 100;
export const DEFAULT_RETRY_DELAY_SCALE_FACTOR = 5;

/** Our additions (not in Pinot). */
export const STALL_TIMEOUT_KEY = 'stall.timeout.ms';
export const RATE_LIMIT_KEY = 'rate.limit.bytes.per.sec';
export const MAX_EXTRACTED_BYTES_KEY = 'untar.max.bytes';
export const MAX_ENTRIES_KEY = 'untar.max.entries';
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_EXTRACTED_BYTES = 8 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;

/** The settings every fetcher shares. */
export interface FetcherSettings {
  /** Total attempts, the first included (Pinot's retry.count). */
  readonly retryCount: number;
  readonly retryWaitMs: number;
  readonly retryDelayScaleFactor: number;
  /** A source that delivers no byte for this long is cut, and the attempt fails (retryably). */
  readonly stallTimeoutMs: number;
  /** Bytes per second read from the source; 0: no cap. */
  readonly rateLimitBytesPerSec: number;
  /** Refuse tarballs whose files add up to more than this. */
  readonly maxExtractedBytes: number;
  /** Refuse tarballs with more entries than this. */
  readonly maxEntries: number;
  /** Headers from `auth.*` (Pinot's static-token AuthProvider), e.g. `{ Authorization: 'Basic ...' }`. */
  readonly authHeaders: Readonly<Record<string, string>>;
}

export function parseFetcherSettings(config: FetcherConfig): FetcherSettings {
  const rate = readNumber(RATE_LIMIT_KEY, config[RATE_LIMIT_KEY], 0, -1, Number.MAX_SAFE_INTEGER);
  return {
    retryCount: readInt(RETRY_COUNT_KEY, trimmed(config[RETRY_COUNT_KEY]), DEFAULT_RETRY_COUNT, 1, 1000, OP),
    retryWaitMs: readInt(RETRY_WAIT_MS_KEY, trimmed(config[RETRY_WAIT_MS_KEY]), DEFAULT_RETRY_WAIT_MS, 0, 3_600_000, OP),
    retryDelayScaleFactor: readNumber(RETRY_DELAY_SCALE_FACTOR_KEY, config[RETRY_DELAY_SCALE_FACTOR_KEY], DEFAULT_RETRY_DELAY_SCALE_FACTOR, 1, 1000),
    stallTimeoutMs: readInt(STALL_TIMEOUT_KEY, trimmed(config[STALL_TIMEOUT_KEY]), DEFAULT_STALL_TIMEOUT_MS, 10, 86_400_000, OP),
    rateLimitBytesPerSec: rate > 0 ? rate : 0,
    maxExtractedBytes: readInt(MAX_EXTRACTED_BYTES_KEY, trimmed(config[MAX_EXTRACTED_BYTES_KEY]), DEFAULT_MAX_EXTRACTED_BYTES, 1, Number.MAX_SAFE_INTEGER, OP),
    maxEntries: readInt(MAX_ENTRIES_KEY, trimmed(config[MAX_ENTRIES_KEY]), DEFAULT_MAX_ENTRIES, 1, 100_000_000, OP),
    authHeaders: parseAuth(config),
  };
}

/**
 * Pinot's `AuthProviderUtils.makeAuthProvider` for the `auth.*` keys: `auth.token` makes a static
 * token provider sending `<auth.header, default Authorization>: <auth.prefix, default Basic> <token>`
 * (the prefix is not repeated when the token already starts with it). Other `auth.*` keys without
 * a token are refused, as in Pinot. Token values never appear in messages.
 */
export function parseAuth(config: FetcherConfig): Record<string, string> {
  const keys = Object.keys(config).filter((k) => k.startsWith('auth.') && config[k] !== undefined);
  if (keys.length === 0) return {};
  if (config['auth.provider.class'] !== undefined) {
    throw bad('setting "auth.provider.class" names a Java AuthProvider class; only static tokens are supported here: auth.token (with auth.header and auth.prefix)');
  }
  const token = config['auth.token'];
  if (token === undefined) throw bad(`auth settings are given (${keys.join(', ')}) but no "auth.token"`);
  if (!token.trim()) throw bad('setting "auth.token" is empty');
  const header = (config['auth.header'] ?? 'Authorization').trim();
  const prefix = config['auth.prefix'] ?? 'Basic';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw bad('setting "auth.header" is not a valid HTTP header name');
  const value = token.startsWith(prefix) ? token : `${prefix} ${token}`;
  if (/[\r\n\0]/.test(value)) throw bad('setting "auth.token" (or "auth.prefix") contains a line break or NUL');
  return { [header]: value };
}

function trimmed(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.trim();
}

export function readNumber(key: string, value: string | undefined, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw bad(`setting "${key}" must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function readBoolSetting(key: string, value: string | undefined, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (/^\s*true\s*$/i.test(value)) return true;
  if (/^\s*false\s*$/i.test(value)) return false;
  throw bad(`setting "${key}" must be true or false, got ${JSON.stringify(value)}`);
}

function bad(message: string): InvalidInputError {
  return new InvalidInputError(message, { operation: OP });
}
