import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import {
  AbortedError,
  DeepstoreError,
  InvalidInputError,
  PermissionDeniedError,
  TransientError,
  readInt,
  type ErrorContext,
} from '@deepstore/core';
import { BaseSegmentFetcher, type AttemptContext } from './base-fetcher.js';
import { HttpStatusError } from './errors.js';
import { readBoolSetting } from './settings.js';
import type { FetcherConfig } from './types.js';

const OP = 'init segment fetcher';

/** HTTP settings: Pinot's key names where Pinot has them. */
export interface HttpFetcherSettings {
  /** `http.client.connectionTimeoutMs` (default 10000). */
  connectTimeoutMs: number;
  /** `http.request.socketTimeoutMs` (Pinot's default 600000): no answer, or no body bytes, for this long fails the request. */
  socketTimeoutMs: number;
  /** `http.client.maxConnPerRoute`: connections per server (default: no cap). */
  maxConnPerRoute: number | undefined;
  /** `http.client.maxRedirects` (ours, default 5). */
  maxRedirects: number;
  /** PEM from `ssl.server.ca-cert`: CAs trusted in addition to Node's. */
  ca: string | undefined;
  /** `ssl.server.enable-verification` (default true): false is the explicit opt-in to skip certificate checks. */
  verifyServer: boolean;
}

export function parseHttpSettings(config: FetcherConfig): HttpFetcherSettings {
  const int = (key: string, dflt: number, min: number, max: number) => readInt(key, config[key]?.trim(), dflt, min, max, OP);
  int('http.request.connectionRequestTimeoutMs', 180_000, 0, 86_400_000); // accepted for Pinot configs; undici has no pool wait
  if (config['ssl.client.pkcs12.file'] !== undefined) {
    throw new InvalidInputError('setting "ssl.client.pkcs12.file": client certificates are not supported by this fetcher', { operation: OP });
  }
  const caFile = config['ssl.server.ca-cert']?.trim();
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new InvalidInputError(`setting "ssl.server.ca-cert" names a file that cannot be read: ${caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { operation: OP });
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new InvalidInputError(`setting "ssl.server.ca-cert" is not a PEM certificate file: ${caFile}`, { operation: OP });
  }
  const perRoute = config['http.client.maxConnPerRoute'];
  return {
    connectTimeoutMs: int('http.client.connectionTimeoutMs', 10_000, 1, 3_600_000),
    socketTimeoutMs: int('http.request.socketTimeoutMs', 600_000, 1, 86_400_000),
    maxConnPerRoute: perRoute === undefined ? undefined : int('http.client.maxConnPerRoute', 0, 1, 100_000),
    maxRedirects: int('http.client.maxRedirects', 5, 0, 50),
    ca,
    verifyServer: readBoolSetting('ssl.server.enable-verification', config['ssl.server.enable-verification'], true),
  };
}

const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

function header(h: Answer['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Pinot's HttpSegmentFetcher, on undici: a GET per attempt with the `auth.*` headers, redirects
 * followed; 404 and 5xx are retried, any other status of 300 or more fails at once. The body is
 * checked against Content-Length, and a body cut short (reset, stall, truncation) resumes with a
 * Range request pinned to the same version (If-Range) when the server allows ranges; each resume
 * takes one of the retry.count attempts. Serves `http:` and `https:` (TLS settings `ssl.*`).
 */
export class HttpSegmentFetcher extends BaseSegmentFetcher {
  private http: HttpFetcherSettings = parseHttpSettings({});
  private dispatcher: Dispatcher | undefined;
  private agent: Agent | undefined;

  protected override async doInit(config: FetcherConfig): Promise<void> {
    this.http = parseHttpSettings(config);
    await this.close();
  }

  override async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    this.dispatcher = undefined;
    await agent?.close();
  }

  private client(): Dispatcher {
    if (!this.dispatcher) {
      const agent = new Agent({
        connect: {
          timeout: this.http.connectTimeoutMs,
          ...(this.http.ca ? { ca: [this.http.ca] } : {}),
          // Off only on the explicit opt-in ssl.server.enable-verification=false.
          rejectUnauthorized: this.http.verifyServer,
        },
        headersTimeout: this.http.socketTimeoutMs,
        bodyTimeout: this.http.socketTimeoutMs,
        keepAliveTimeout: 10_000,
        ...(this.http.maxConnPerRoute ? { connections: this.http.maxConnPerRoute } : {}),
      });
      this.agent = agent;
      this.dispatcher = this.http.maxRedirects > 0 ? agent.compose(interceptors.redirect({ maxRedirections: this.http.maxRedirects })) : agent;
    }
    return this.dispatcher;
  }

  protected override classify(err: unknown, ctx: ErrorContext): DeepstoreError {
    if (err instanceof DeepstoreError) return err;
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && TLS_TRUST_CODES.has(code)) {
      return new PermissionDeniedError(`the server's TLS certificate is not trusted (${code}); set ssl.server.ca-cert to its CA`, { ...ctx, cause: err });
    }
    if (code === 'UND_ERR_ABORTED' || (err as { name?: unknown })?.name === 'AbortError') return new AbortedError(undefined, { ...ctx, cause: err });
    return super.classify(err, ctx);
  }

  private parse(uri: string): URL {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new InvalidInputError('malformed URL', { uri, operation: 'fetch' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInputError('not an http(s) URL', { uri: url, operation: 'fetch' });
    if (url.username || url.password) {
      throw new InvalidInputError('credentials inside the URL are refused; give them as auth.token (never logged)', { uri: url, operation: 'fetch' });
    }
    return url;
  }

  private async get(url: URL, extra: Record<string, string>, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<Answer> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        headers: { ...this.settings.authHeaders, 'accept-encoding': 'identity', ...extra },
        dispatcher: this.client(),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw new AbortedError(undefined, { ...ctx, cause: err });
      throw this.classify(err, ctx);
    }
    const body = res.body as unknown as Readable;
    // Whoever reads the body sees its errors; nobody else must (an abort destroys it too).
    body.on('error', () => undefined);
    if (res.statusCode >= 300 && res.statusCode !== 304) {
      await res.body.dump().catch(() => undefined);
      throw new HttpStatusError(res.statusCode, ctx);
    }
    return { status: res.statusCode, headers: res.headers, body };
  }

  protected override async openGuarded(uri: string, attempt: AttemptContext): Promise<Readable> {
    const url = this.parse(uri);
    const ctx: ErrorContext = { operation: attempt.operation, uri: url };
    const { signal, budget } = attempt;
    const first = await this.get(url, {}, signal, ctx);
    if (first.status !== 200) {
      first.body.destroy();
      throw new HttpStatusError(first.status, ctx);
    }
    const lengthHeader = header(first.headers, 'content-length');
    const length = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    attempt.setTotal(length);
    const etag = header(first.headers, 'etag');
    const validator = etag && !etag.startsWith('W/') ? etag : header(first.headers, 'last-modified');
    const resumable = length !== undefined && /\bbytes\b/i.test(header(first.headers, 'accept-ranges') ?? '') && validator !== undefined;
    const get = (extra: Record<string, string>) => this.get(url, extra, signal, ctx);
    const classify = (err: unknown) => this.classify(err, ctx);

    async function* body(): AsyncGenerator<Buffer> {
      let current: Readable = first.body;
      let position = 0;
      for (;;) {
        try {
          for await (const chunk of attempt.guard(current, ctx)) {
            position += chunk.length;
            yield chunk;
          }
          if (length !== undefined && position !== length) throw new TransientError(`the body ended at byte ${position} of ${length}`, ctx);
          return;
        } catch (err) {
          current.destroy();
          if (signal?.aborted) throw new AbortedError(undefined, { ...ctx, cause: err });
          const e = classify(err);
          if (!e.retryable || !resumable || length === undefined || position >= length) throw e;
          // A resume is one of the fetch's attempts, with the same backoff as a retry.
          if (!(await budget.next(e))) throw e;
          const res = await get({ range: `bytes=${position}-`, 'if-range': validator! });
          const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header(res.headers, 'content-range') ?? '');
          if (res.status !== 206 || !range || Number(range[1]) !== position || Number(range[3]) !== length) {
            res.body.destroy();
            throw new TransientError(`could not resume at byte ${position} (HTTP ${res.status}${res.status === 200 ? ': the file changed' : ''})`, ctx);
          }
          current = res.body;
        }
      }
    }
    const out = Readable.from(body(), { objectMode: false, highWaterMark: 1 << 20 });
    return out;
  }
}

/** Pinot's HttpsSegmentFetcher: the same fetcher (TLS settings `ssl.server.ca-cert`, `ssl.server.enable-verification` apply to https URLs). */
export class HttpsSegmentFetcher extends HttpSegmentFetcher {}
