import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';

/** What a media download asks for: one byte range of one pinned object generation. */
export interface MediaRange {
  endpoint: string;
  bucket: string;
  name: string;
  generation?: string | number | undefined;
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  signal?: AbortSignal | undefined;
}

/** A refused download, shaped like the client's ApiError so `toGcsError` maps both alike. */
export interface MediaError extends Error {
  code: number;
  errors?: Array<{ reason?: string }>;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Opens `alt=media` for a byte range with undici, on our own connection pool.
 *
 * The client's `File.createReadStream` is not used for reads: on any stream error it destroys
 * the HTTP agent it shares with every other request of the Storage instance (a node-fetch 2
 * workaround in @google-cloud/storage 8.4 file.js), so one truncated response failed all
 * concurrent reads and uploads. Here a failure ends only its own request.
 */
export async function openMediaRange(r: MediaRange): Promise<Readable> {
  const query = new URLSearchParams({ alt: 'media' });
  if (r.generation !== undefined) query.set('generation', String(r.generation));
  const path = `/storage/v1/b/${encodeURIComponent(r.bucket)}/o/${encodeURIComponent(r.name)}?${query}`;
  const res = await request(`${r.endpoint.replace(/\/+$/, '')}${path}`, {
    method: 'GET',
    dispatcher: r.dispatcher,
    // Stored bytes as they are: a gzip-encoded object is not transcoded, so ranges and CRC32C hold.
    headers: { ...r.headers, 'accept-encoding': 'gzip', 'cache-control': 'no-store', range: `bytes=${r.start}-${r.end}` },
    ...(r.signal ? { signal: r.signal } : {}),
  });
  // A 200 is the range too when the range is the whole object (the server may skip 206 then).
  const whole200 = res.statusCode === 200 && r.start === 0 && Number(res.headers['content-length']) === r.end + 1;
  if (res.statusCode === 206 || whole200) {
    const got = res.statusCode === 206 ? /^bytes (\d+)-(\d+)\//.exec(String(res.headers['content-range'] ?? '')) : null;
    if (res.statusCode === 206 && (!got || Number(got[1]) !== r.start || Number(got[2]) > r.end)) {
      res.body.destroy();
      throw refused(502, `the store answered bytes ${String(res.headers['content-range'])} to a request for ${r.start}-${r.end}`);
    }
    return res.body;
  }
  if (res.statusCode === 200) {
    res.body.destroy();
    throw refused(502, `the store ignored the range ${r.start}-${r.end} and sent the whole object`);
  }
  throw await errorFrom(res);
}

async function errorFrom(res: Dispatcher.ResponseData): Promise<MediaError> {
  let text = '';
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (text.length < MAX_ERROR_BODY) text += chunk.toString('utf8');
    }
  } catch {
    // The status is what matters; a cut error body does not.
  }
  let message = text.slice(0, 500) || `HTTP ${res.statusCode}`;
  let errors: Array<{ reason?: string }> | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string; errors?: Array<{ reason?: string }> } };
    if (parsed.error?.message) message = parsed.error.message;
    if (Array.isArray(parsed.error?.errors)) errors = parsed.error.errors;
  } catch {
    // Not JSON (a proxy's page, or an XML error): keep the text.
  }
  return refused(res.statusCode, message, errors);
}

function refused(code: number, message: string, errors?: Array<{ reason?: string }>): MediaError {
  return Object.assign(new Error(message), { code, ...(errors ? { errors } : {}) });
}
