import { readFileSync } from 'node:fs';
import { InvalidInputError, readInt, type FsConfig } from '@deepstore/core';

const MiB = 1024 * 1024;

/** Settings of the GCS filesystem, named as Pinot's GcsPinotFS names them where Pinot has them. */
export interface GcsFsConfig {
  /** Pinot: projectId. Falls back to the key file's project or GOOGLE_CLOUD_PROJECT. */
  projectId: string | undefined;
  /** Pinot: gcpKey — a service-account key file path, or the key JSON inline. Without it, Application Default Credentials. */
  credentials: Record<string, unknown> | undefined;
  keyFilename: string | undefined;
  /** An emulator or private endpoint, e.g. http://127.0.0.1:4443; STORAGE_EMULATOR_HOST is honoured by the client too. */
  apiEndpoint: string | undefined;
  /** Objects at least this large use a resumable upload; smaller ones one multipart request (default 8 MiB). */
  resumableThreshold: number;
  /** Bytes per resumable-upload request; each chunk is buffered so it can be resent (default 16 MiB, a multiple of 256 KiB). */
  chunkSize: number;
  /** Retries of a failed request (default 5), exponential backoff with jitter, on 408, 429, 5xx and connection errors. */
  maxRetries: number;
  /** Per-request timeout in ms; a stalled transfer fails after it (default 60000). */
  timeout: number;
  /** Files copied or deleted at once in tree operations (default 16). */
  concurrency: number;
}

const KEYS = ['projectId', 'gcpKey', 'jsonKey', 'apiEndpoint', 'resumableThreshold', 'chunkSize', 'maxRetries', 'timeout', 'concurrency'] as const;

export function parseGcsConfig(config: FsConfig): GcsFsConfig {
  const raw = new Map<string, string>();
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (!(KEYS as readonly string[]).includes(key)) throw bad(`unknown setting "${key}" for gs (known: ${KEYS.join(', ')})`);
    raw.set(key, String(value).trim());
  }
  const str = (k: string) => (raw.get(k) ? raw.get(k) : undefined);
  // Pinot reads gcpKey as a file path and jsonKey as inline JSON (base64 in some versions): accept both shapes in either key.
  const key = str('gcpKey') ?? str('jsonKey');
  let credentials: Record<string, unknown> | undefined;
  let keyFilename: string | undefined;
  if (key !== undefined) {
    const inline = key.startsWith('{') ? key : tryBase64Json(key);
    if (inline !== undefined) credentials = parseKey(inline, 'the inline key');
    else {
      let text: string;
      try {
        text = readFileSync(key, 'utf8');
      } catch (err) {
        throw bad(`setting "gcpKey" names a key file that cannot be read: ${key} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      parseKey(text, `key file ${key}`);
      keyFilename = key;
    }
  }
  const endpoint = str('apiEndpoint');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) throw bad(`setting "apiEndpoint" must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  const chunk = readInt('chunkSize', str('chunkSize'), 16 * MiB, 256 * 1024, 1024 * MiB, 'init gs');
  if (chunk % (256 * 1024) !== 0) throw bad(`setting "chunkSize" must be a multiple of 256 KiB (262144 bytes), got ${chunk}`);
  return {
    projectId: str('projectId') ?? (credentials?.project_id as string | undefined),
    credentials,
    keyFilename,
    apiEndpoint: endpoint?.replace(/\/+$/, ''),
    resumableThreshold: readInt('resumableThreshold', str('resumableThreshold'), 8 * MiB, 0, Number.MAX_SAFE_INTEGER, 'init gs'),
    chunkSize: chunk,
    maxRetries: readInt('maxRetries', str('maxRetries'), 5, 0, 20, 'init gs'),
    timeout: readInt('timeout', str('timeout'), 60_000, 100, 3_600_000, 'init gs'),
    concurrency: readInt('concurrency', str('concurrency'), 16, 1, 256, 'init gs'),
  };
}

function parseKey(text: string, what: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    return parsed as Record<string, unknown>;
  } catch {
    // Never echo the text: it is a private key.
    throw bad(`${what} is not a JSON service-account key`);
  }
}

function tryBase64Json(s: string): string | undefined {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(s) || s.length < 32) return undefined;
  const decoded = Buffer.from(s, 'base64').toString('utf8').trim();
  return decoded.startsWith('{') ? decoded : undefined;
}

function bad(message: string): InvalidInputError {
  return new InvalidInputError(message, { operation: 'init gs' });
}

