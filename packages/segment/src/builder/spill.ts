import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { javaUtf8 } from '../writer/dictionary-writer.js';

/**
 * Column spill files: the build's on-disk buffer between the statistics pass and the index pass.
 * Synchronous, buffered I/O: the build is CPU-bound and a 1 MiB buffer keeps syscalls rare,
 * while memory stays one buffer per column regardless of the row count.
 */
const BUFFER_SIZE = 1 << 20;

export class SpillWriter {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private pos = 0;
  bytesWritten = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.bytesWritten += this.pos;
    this.pos = 0;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
  }

  float32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Length-prefixed bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(4 + b.length);
    this.buf.writeInt32LE(b.length, this.pos);
    this.buf.set(b, this.pos + 4);
    this.pos += 4 + b.length;
  }

  /** Length-prefixed UTF-8 as Java's getBytes(UTF_8) writes it (a lone surrogate becomes '?'). */
  utf8(s: string): void {
    if (!s.isWellFormed()) {
      this.bytes(javaUtf8(s));
      return;
    }
    // Worst case 3 bytes per UTF-16 unit.
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeInt32LE(n, this.pos);
    this.pos += 4 + n;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Sequential reader over a spill file, in the order it was written. */
export class SpillReader {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private pos = 0;
  private end = 0;
  private eof = false;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
  }

  /** Makes `n` bytes available at this.pos. */
  private need(n: number): void {
    if (this.end - this.pos >= n) return;
    const remaining = this.end - this.pos;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(n);
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else {
      this.buf.copy(this.buf, 0, this.pos, this.end);
    }
    this.pos = 0;
    this.end = remaining;
    while (this.end < n && !this.eof) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    if (this.end < n) throw new Error(`spill file ${this.file} ended early`);
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  float32(): number {
    this.need(4);
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A copy of the next length-prefixed value. */
  bytes(): Uint8Array {
    const n = this.int32();
    this.need(n);
    const out = Uint8Array.prototype.slice.call(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  utf8(): string {
    const n = this.int32();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** Fills `out` with the next int32 values; returns how many were read (fewer only at the end). */
  int32Block(out: Int32Array): number {
    let i = 0;
    while (i < out.length) {
      if (this.end - this.pos < 4) {
        if (this.eof && this.end - this.pos === 0) break;
        try {
          this.need(4);
        } catch {
          break;
        }
      }
      const avail = Math.min(out.length - i, (this.end - this.pos) >>> 2);
      for (let k = 0; k < avail; k++, this.pos += 4) out[i + k] = this.buf.readInt32LE(this.pos);
      i += avail;
    }
    return i;
  }

  close(): void {
    closeSync(this.fd);
  }
}
