import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** One part of a multipart/form-data body, its content saved to a file. */
export interface FormPart {
  /** The field name (Content-Disposition `name`). */
  name: string;
  /** Content-Disposition `filename`, when given. */
  filename: string | undefined;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Where the content was written. */
  file: string;
  size: number;
}

export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const MAX_PART_HEADER_BYTES = 16 * 1024;
const MAX_PARTS = 64;

/** The boundary of a `multipart/form-data; boundary=...` content type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  return b && b.length <= 200 ? b : undefined;
}

/** Parses `form-data; name="x"; filename="y"` into its parameters (quoted strings unescaped). */
export function dispositionParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /;\s*([A-Za-z0-9_*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const key = (m[1] as string).toLowerCase();
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
  }
  return out;
}

/**
 * Streams a multipart/form-data body to files in `dir` (one per part, `part-<n>`), with
 * backpressure: each chunk is written before the next is read. Throws MultipartError on a
 * malformed body (no boundary, truncated, a part without headers).
 */
export async function parseMultipart(body: AsyncIterable<Uint8Array>, contentType: string, dir: string): Promise<FormPart[]> {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new MultipartError('multipart body without a boundary parameter');
  // The delimiter is CRLF "--" boundary; a CRLF is put before the body so the first one matches too.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: FormPart[] = [];
  let buf: Buffer = Buffer.from('\r\n');
  type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';
  let state = 'preamble' as State;
  let handle: FileHandle | undefined;
  let current: FormPart | undefined;

  const write = async (data: Buffer): Promise<void> => {
    if (data.length === 0 || !handle || !current) return;
    await handle.write(data);
    current.size += data.length;
  };

  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble': {
        const i = buf.indexOf(delimiter);
        if (i < 0) {
          buf = buf.subarray(Math.max(0, buf.length - delimiter.length + 1));
          return false;
        }
        buf = buf.subarray(i + delimiter.length);
        state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        // Transport padding (spaces, tabs) may follow the boundary.
        let j = 0;
        while (j < buf.length && (buf[j] === 0x20 || buf[j] === 0x09)) j++;
        if (buf.length - j < 2) return false;
        const two = buf.subarray(j, j + 2).toString('latin1');
        if (two === '--') {
          state = 'done';
          buf = Buffer.alloc(0);
          return false;
        }
        if (two !== '\r\n') throw new MultipartError('malformed multipart body: a boundary is not followed by CRLF or "--"');
        buf = buf.subarray(j + 2);
        state = 'headers';
        return true;
      }
      case 'headers': {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > MAX_PART_HEADER_BYTES) throw new MultipartError('multipart part headers are too large');
          return false;
        }
        const headers: Record<string, string> = {};
        for (const line of buf.subarray(0, end).toString('utf8').split('\r\n')) {
          const c = line.indexOf(':');
          if (c <= 0) throw new MultipartError(`malformed multipart part header line: ${JSON.stringify(line.slice(0, 100))}`);
          headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
        }
        buf = buf.subarray(end + 4);
        const disposition = headers['content-disposition'];
        if (!disposition || !/^form-data\b/i.test(disposition)) throw new MultipartError('multipart part without Content-Disposition: form-data');
        const params = dispositionParams(disposition);
        if (params.name === undefined) throw new MultipartError('multipart part without a name');
        if (parts.length >= MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} multipart parts`);
        current = { name: params.name, filename: params.filename, headers, file: path.join(dir, `part-${parts.length}`), size: 0 };
        parts.push(current);
        handle = await open(current.file, 'w');
        state = 'body';
        return true;
      }
      case 'body': {
        const i = buf.indexOf(delimiter);
        if (i < 0) {
          // The delimiter may begin in this chunk and end in the next: keep what could be its start.
          const cut = Math.max(0, buf.length - (delimiter.length - 1));
          await write(buf.subarray(0, cut));
          buf = buf.subarray(cut);
          return false;
        }
        await write(buf.subarray(0, i));
        await handle?.close();
        handle = undefined;
        buf = buf.subarray(i + delimiter.length);
        state = 'after-delimiter';
        return true;
      }
      case 'done':
        return false;
    }
  };

  try {
    for await (const chunk of body) {
      if (state === 'done') continue; // the epilogue is ignored
      buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
      while (await step());
    }
    if (state !== 'done') throw new MultipartError('multipart body ended before its closing boundary');
    return parts;
  } finally {
    await handle?.close();
  }
}
