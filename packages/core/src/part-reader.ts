import type { Readable } from 'node:stream';

/**
 * Reads a stream in pieces of exactly the requested size (the last may be shorter), so parts
 * can be uploaded with a digest and resent. `readInto` fills a caller's buffer, so uploads can
 * cycle a few fixed buffers instead of leaving one fresh buffer per part to the garbage collector.
 */
export class PartReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Uint8Array | undefined;
  private finished = false;

  constructor(source: Readable) {
    this.iterator = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  }

  /** True once the source is exhausted and every byte was handed out. */
  get ended(): boolean {
    return this.finished && this.pending === undefined;
  }

  /** Fills `target` from the start; answers how many bytes it holds (fewer only at the end). */
  async readInto(target: Buffer): Promise<number> {
    let have = 0;
    while (have < target.length) {
      let chunk = this.pending;
      this.pending = undefined;
      if (!chunk) {
        if (this.finished) break;
        const next = await this.iterator.next();
        if (next.done) {
          this.finished = true;
          break;
        }
        chunk = next.value;
      }
      const need = target.length - have;
      if (chunk.length > need) {
        this.pending = chunk.subarray(need);
        chunk = chunk.subarray(0, need);
      }
      target.set(chunk, have);
      have += chunk.length;
    }
    return have;
  }

  /** Reads up to `size` bytes into a new buffer. */
  async read(size: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(size);
    const n = await this.readInto(buf);
    return n === size ? buf : Buffer.from(buf.subarray(0, n));
  }
}
