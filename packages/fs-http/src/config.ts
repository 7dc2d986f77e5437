import { readFileSync } from 'node:fs';
import { InvalidInputError, readBool, readInt, type FsConfig } from '@deepstore/core';

/** Settings of the HTTP(S)/WebDAV filesystem. */
export interface HttpFsConfig {
  /** Headers sent with every request: `headers` as a JSON object, or one `header.<Name>` key each. */
  headers: Record<string, string>;
  /** Basic auth (`username` + `password`) or a bearer token; never both. */
  username: string | undefined;
  password: string | undefined;
  bearerToken: string | undefined;
  /** PEM file of CA certificates to trust for https (added to Node's defaults). */
  caFile: string | undefined;
  ca: string | undefined;
  /** Explicit opt-in to skip TLS certificate verification (default false). */
  insecureSkipTlsVerify: boolean;
  /** The server speaks WebDAV (PUT, DELETE, MKCOL, MOVE, COPY, PROPFIND): default true. False = a read-only plain web server. */
  webdav: boolean;
  connectTimeout: number;
  /** A response whose headers or body stall this long (ms) fails, and reads resume (default 60000). */
  socketTimeout: number;
  maxRedirects: number;
  /** Attempts per idempotent request, with full-jitter backoff on 5xx, 429, 408 and resets (default 5). */
  maxAttempts: number;
  /** Files moved at once in tree operations (default 8). */
  concurrency: number;
}

const KEYS = [
  'headers',
  'username',
  'password',
  'bearerToken',
  'caFile',
  'insecureSkipTlsVerify',
  'webdav',
  'connectTimeout',
  'socketTimeout',
  'maxRedirects',
  'maxAttempts',
  'concurrency',
] as const;

export function parseHttpConfig(config: FsConfig): HttpFsConfig {
  const raw = new Map<string, string>();
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (key.startsWith('header.')) {
      const name = key.slice('header.'.length);
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw bad(`"${key}" does not name a valid HTTP header`);
      headers[name.toLowerCase()] = String(value);
      continue;
    }
    if (!(KEYS as readonly string[]).includes(key)) throw bad(`unknown setting "${key}" for http (known: ${KEYS.join(', ')}, header.<Name>)`);
    raw.set(key, String(value).trim());
  }
  const str = (k: string) => (raw.get(k) ? raw.get(k) : undefined);
  if (str('headers')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(str('headers')!);
    } catch {
      throw bad('setting "headers" must be a JSON object of header names to values');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('setting "headers" must be a JSON object of header names to values');
    for (const [k, v] of Object.entries(parsed)) headers[k.toLowerCase()] = String(v);
  }
  const username = str('username');
  const password = raw.get('password');
  const bearerToken = str('bearerToken');
  if ((username === undefined) !== (password === undefined)) throw bad('settings "username" and "password" must be given together');
  if (username !== undefined && bearerToken !== undefined) throw bad('give either username/password or bearerToken, not both');
  const caFile = str('caFile');
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw bad(`setting "caFile" names a file that cannot be read: ${caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw bad(`setting "caFile" is not a PEM certificate file: ${caFile}`);
  }
  return {
    headers,
    username,
    password,
    bearerToken,
    caFile,
    ca,
    insecureSkipTlsVerify: readBool('insecureSkipTlsVerify', str('insecureSkipTlsVerify'), false, 'init http'),
    webdav: readBool('webdav', str('webdav'), true, 'init http'),
    connectTimeout: readInt('connectTimeout', str('connectTimeout'), 10_000, 100, 600_000, 'init http'),
    socketTimeout: readInt('socketTimeout', str('socketTimeout'), 60_000, 100, 3_600_000, 'init http'),
    maxRedirects: readInt('maxRedirects', str('maxRedirects'), 5, 0, 20, 'init http'),
    maxAttempts: readInt('maxAttempts', str('maxAttempts'), 5, 1, 20, 'init http'),
    concurrency: readInt('concurrency', str('concurrency'), 8, 1, 256, 'init http'),
  };
}

function bad(message: string): InvalidInputError {
  return new InvalidInputError(message, { operation: 'init http' });
}


