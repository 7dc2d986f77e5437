import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { InvalidInputError, redactUri } from '@deepstore/core';

/** FileUploadDownloadClient.SEGMENT_PATH: where segments are uploaded. */
export const SEGMENT_UPLOAD_PATH = '/v2/segments';
/** HttpClient.DEFAULT_SOCKET_TIMEOUT_MS. */
export const DEFAULT_SOCKET_TIMEOUT_MS = 600_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Controller answers are a line of JSON; keep at most this much of a body for messages. */
const MAX_ANSWER_BYTES = 256 * 1024;

export interface ControllerAnswer {
  status: number;
  /** The reason phrase of the status (`Conflict`). */
  statusText: string;
  body: string;
}

/**
 * The upload URL for a controller, as FileUploadDownloadClient.getUploadSegmentURI builds it:
 * the controller URI's scheme, host and port with `/v2/segments` (its path and user info are
 * not used).
 */
export function uploadUrl(controllerUri: string, params: URLSearchParams): URL {
  let url: URL;
  try {
    url = new URL(controllerUri);
  } catch {
    throw new InvalidInputError(`Got invalid controller uri - '${redactUri(controllerUri)}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(`controller uri ${redactUri(controllerUri)} must be http:// or https://`);
  }
  const out = new URL(`${url.protocol}//${url.host}${SEGMENT_UPLOAD_PATH}`);
  out.search = params.toString();
  return out;
}

/** One POST at a time per call, on a pooled keep-alive agent shared by a push call. */
export class ControllerClient {
  private readonly agent: Dispatcher;

  constructor(opts: { connectTimeoutMs?: number | undefined; socketTimeoutMs?: number | undefined } = {}) {
    const socketTimeout = opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS;
    this.agent = new Agent({
      connect: { timeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
      headersTimeout: socketTimeout,
      bodyTimeout: socketTimeout,
      keepAliveTimeout: 10_000,
    });
  }

  async post(url: URL, headers: Record<string, string>, body: string | AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<ControllerAnswer> {
    const res = await request(url, {
      method: 'POST',
      headers,
      body: body as string,
      dispatcher: this.agent,
      ...(signal ? { signal } : {}),
    });
    return { status: res.statusCode, statusText: STATUS_CODES[res.statusCode] ?? '', body: await readCapped(res.body as unknown as Readable) };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

async function readCapped(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    if (size < MAX_ANSWER_BYTES) chunks.push(b.subarray(0, MAX_ANSWER_BYTES - size));
    size += b.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The controller's message: the `error` of its JSON error body (SimpleHttpErrorInfo), else the text itself. */
export function controllerReason(body: string): string {
  const text = body.trim();
  try {
    const json = JSON.parse(text) as { error?: unknown; status?: unknown };
    if (json && typeof json === 'object') {
      if (typeof json.error === 'string') return json.error;
      if (typeof json.status === 'string') return json.status;
    }
  } catch {
    // not JSON: a proxy's page, a plain text error
  }
  return text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}

export interface MultipartBody {
  contentType: string;
  /** Total bytes, when the file's size is known. */
  length: number | undefined;
  body: AsyncIterable<Uint8Array>;
}

/** Quotes a multipart parameter value the way browsers and Apache HttpClient do: `"` and line breaks percent-encoded. */
function quoteParam(value: string): string {
  return `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

/**
 * A multipart/form-data body with exactly one file part whose field name and file name are
 * the segment name, as FileUploadDownloadClient builds it (`addPart(segmentName,
 * InputStreamBody(stream, application/octet-stream, segmentName))`). The file is streamed.
 * `onSourceError` learns of a failure of the file's stream (as opposed to the connection).
 */
export function multipartBody(
  name: string,
  file: Readable,
  size: number | undefined,
  onSourceError: (err: unknown) => void,
): MultipartBody {
  const boundary = `deepstore-${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name=${quoteParam(name)}; filename=${quoteParam(name)}\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* generate(): AsyncGenerator<Uint8Array> {
    try {
      yield head;
      try {
        for await (const chunk of file) yield chunk as Uint8Array;
      } catch (err) {
        onSourceError(err);
        throw err;
      }
      yield tail;
    } finally {
      file.destroy();
    }
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: size === undefined ? undefined : head.length + size + tail.length,
    body: generate(),
  };
}
