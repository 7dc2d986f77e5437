import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * A deterministic pseudo-random byte stream (AES-256-CTR keystream): big files can be written
 * and verified without ever holding them in memory.
 */
export function patternStream(size: number, seed = 1, chunk = 1 << 20): Readable {
  const key = createHash('sha256').update(`deepstore-conformance-${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(chunk);
  let left = size;
  return new Readable({
    highWaterMark: chunk,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, left);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

/** The pattern as one buffer, for small files. */
export function patternBytes(size: number, seed = 1): Buffer {
  const key = createHash('sha256').update(`deepstore-conformance-${seed}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

export async function sha256Of(stream: AsyncIterable<Uint8Array>): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of stream) {
    h.update(c);
    bytes += c.length;
  }
  return { hash: h.digest('hex'), bytes };
}

export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** A stream that yields `chunks` chunks of `size` bytes, waiting `delayMs` between them. */
export function slowStream(chunks: number, size: number, delayMs: number, fill = 0x61): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= chunks) {
        this.push(null);
        return;
      }
      sent += 1;
      setTimeout(() => this.push(Buffer.alloc(size, fill)), delayMs);
    },
  });
}

/** Samples this process's RSS while `fn` runs; returns the peak growth over the starting RSS in bytes. */
export async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}
