import { writeSync } from 'node:fs';

const BUFFER_SIZE = 1 << 20;

/** Buffered positional writer on an open fd: sequential appends starting at `position`. */
export class PositionalWriter {
  private buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private pos = 0;

  constructor(
    private readonly fd: number,
    private position: number,
  ) {}

  byte(b: number): void {
    if (this.pos === this.buf.length) this.flush();
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    if (this.pos + b.length > this.buf.length) {
      this.flush();
      if (b.length > this.buf.length) {
        writeAll(this.fd, b, this.position);
        this.position += b.length;
        return;
      }
    }
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  flush(): void {
    writeAll(this.fd, this.buf.subarray(0, this.pos), this.position);
    this.position += this.pos;
    this.pos = 0;
  }
}

export function writeAll(fd: number, b: Uint8Array, position: number): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off, position + off);
}

/**
 * MSB-first bit packing (PinotDataBitSet / FixedBitIntReaderWriter layout), streamed: values of
 * `bits` bits go out as soon as a byte is complete. Arithmetic instead of bitwise ops because
 * the accumulator can hold up to 39 bits.
 */
export class BitPackWriter {
  private acc = 0;
  private accBits = 0;
  private readonly scale: number;

  constructor(
    private readonly out: PositionalWriter,
    private readonly bits: number,
  ) {
    if (bits < 1 || bits > 32) throw new RangeError(`bad bits per value ${bits}`);
    this.scale = 2 ** bits;
  }

  add(v: number): void {
    this.acc = this.acc * this.scale + v;
    this.accBits += this.bits;
    while (this.accBits >= 8) {
      const shift = 2 ** (this.accBits - 8);
      const b = Math.floor(this.acc / shift);
      this.acc -= b * shift;
      this.accBits -= 8;
      this.out.byte(b);
    }
  }

  /** Pads the last byte with zero bits. */
  finish(): void {
    if (this.accBits > 0) {
      this.out.byte(this.acc * 2 ** (8 - this.accBits));
      this.acc = 0;
      this.accBits = 0;
    }
    this.out.flush();
  }
}
