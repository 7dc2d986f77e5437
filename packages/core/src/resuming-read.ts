import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AbortedError, TransientError, type DeepstoreError, type ErrorContext } from './errors.js';

/** Accumulates a digest of the bytes read and checks it at the end. */
export interface ContentVerifier {
  update(chunk: Buffer): void;
  /** Throws a (transient) error when the bytes do not match what the store recorded. */
  verify(): void;
}

/** A verifier for an MD5 the bytes must hash to (hex), as plain S3 ETags record. */
export function md5Verifier(expectedHex: string, ctx: ErrorContext): ContentVerifier {
  const hash = createHash('md5');
  return {
    update: (chunk) => hash.update(chunk),
    verify: () => {
      const got = hash.digest('hex');
      if (got !== expectedHex) throw new TransientError(`downloaded bytes have MD5 ${got}, the store recorded ${expectedHex}`, ctx);
    },
  };
}

export interface ResumingReadOptions {
  /** First and last byte (inclusive) of the window to read. */
  start: number;
  end: number;
  /** Opens the body from `position` to `end`; must pin the object version (If-Match). */
  open: (position: number) => Promise<Readable>;
  /** Total attempts for the body, the first included. */
  attempts: number;
  /** Checks the whole window once it has been read (a digest against the store's), throwing on a mismatch. */
  verifier?: ContentVerifier;
  ctx: ErrorContext;
  signal?: AbortSignal;
  /** A body that delivers nothing for this many ms is cut and resumed (HTTP clients time out requests, not bodies). */
  stallTimeout: number;
  /** Maps a native error onto a typed one; its `retryable` decides whether to resume. */
  classify: (err: unknown) => DeepstoreError;
}

/**
 * A download that survives a reset, a stall or a short body: it resumes with a ranged GET from
 * the first byte not yet delivered (pinned to the same object version), so the consumer sees one
 * uninterrupted, verified stream. It fails once the attempts are spent, and at once on an abort.
 */
export function resumingRead(options: ResumingReadOptions, first: Readable): Readable {
  const { ctx, signal } = options;
  const chunks = resumingChunks(options, first);
  const out = Readable.from(chunks, { objectMode: false, highWaterMark: 1 << 20 });
  if (signal) {
    const onAbort = () => {
      // Destroying the body wakes the generator if it is waiting on the network.
      chunks.interrupt();
      out.destroy(new AbortedError(undefined, ctx));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    out.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return out;
}

/** resumingRead's chunks without a Readable around them; `interrupt` cuts the body being read. */
export type ResumingChunks = AsyncGenerator<Buffer, void, undefined> & { interrupt(): void };

/**
 * The chunks of resumingRead as an async generator, for a consumer that writes them straight
 * out (a ranged download): no Readable in between, so chunks are not gathered and copied again.
 * The consumer handles an abort by calling `interrupt` (and sees an Aborted error).
 */
export function resumingChunks(options: ResumingReadOptions, first: Readable): ResumingChunks {
  const { end, ctx, signal } = options;
  let current: Readable | undefined = first;

  async function* generate(): AsyncGenerator<Buffer> {
    let position = options.start;
    let attempt = 1;
    const verifier = options.verifier;
    try {
      while (position <= end) {
        try {
          current ??= await options.open(position);
          const body = current;
          const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
          for (;;) {
            // The clock runs only while waiting on the network, not while the consumer is slow.
            const timer = setTimeout(() => body.destroy(new TransientError(`download stalled: no data for ${options.stallTimeout} ms`, ctx)), options.stallTimeout);
            let next: IteratorResult<Buffer>;
            try {
              next = await iterator.next();
            } finally {
              clearTimeout(timer);
            }
            if (next.done) break;
            const buf = next.value;
            const piece = buf.length > end - position + 1 ? buf.subarray(0, end - position + 1) : buf;
            position += piece.length;
            verifier?.update(piece);
            yield piece;
            if (position > end) break;
          }
          current.destroy();
          current = undefined;
          if (position <= end) throw new TransientError(`download ended at byte ${position} of ${end + 1}`, ctx);
        } catch (err) {
          current?.destroy();
          current = undefined;
          if (signal?.aborted) throw new AbortedError(undefined, ctx);
          const mapped = options.classify(err);
          if (!mapped.retryable || attempt >= options.attempts) throw mapped;
          attempt += 1;
          // Full jitter, as for request retries.
          await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
        }
      }
      verifier?.verify();
    } finally {
      current?.destroy();
    }
  }

  return Object.assign(generate(), { interrupt: () => current?.destroy() });
}
