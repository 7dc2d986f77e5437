import type { Readable } from 'node:stream';

/**
 * Reads a stream in pieces of exactly the requested size (the last may be shorter), so parts
 * can be uploaded with a Content-MD5 and retried. Holds at most one piece plus one chunk.
 */
export class PartReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Buffer | undefined;
  private finished = false;

  constructor(source: Readable) {
    this.iterator = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  }

  /** True once the source is exhausted and every byte was handed out. */
  get ended(): boolean {
    return this.finished && this.pending === undefined;
  }

  async read(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < size) {
      let chunk = this.pending;
      this.pending = undefined;
      if (!chunk) {
        if (this.finished) break;
        const next = await this.iterator.next();
        if (next.done) {
          this.finished = true;
          break;
        }
        chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
      const need = size - have;
      if (chunk.length > need) {
        this.pending = chunk.subarray(need);
        chunk = chunk.subarray(0, need);
      }
      parts.push(chunk);
      have += chunk.length;
    }
    return parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts, have);
  }
}
