import { SegmentFormatError } from '../errors.js';
/** Bit-packed dictId forward indexes (PinotDataBitSet, FixedBitSVForwardIndexWriter, FixedBitMVForwardIndexWriter). */

/** PinotDataBitSet.getNumBitsPerValue(maxValue): bits needed for maxValue, at least 1. */
export function numBitsPerValue(maxValue: number): number {
  if (maxValue <= 1) return 1;
  return 32 - Math.clz32(maxValue);
}

/** bitsPerElement for a dictionary of `cardinality` entries, as Pinot computes it: getNumBitsPerValue(cardinality - 1). */
export function bitsPerElement(cardinality: number): number {
  return numBitsPerValue(cardinality - 1);
}

/** Writes `values` MSB-first with `bits` bits each into `out` starting at bit `startBit` (FixedBitIntReaderWriter). */
function packInto(out: Uint8Array, startBit: number, values: ArrayLike<number>, bits: number): void {
  let bit = startBit;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= 0 && (bits === 32 || v < 2 ** bits))) throw new RangeError(`value ${v} does not fit in ${bits} bits`);
    for (let k = bits - 1; k >= 0; k--, bit++) {
      if (Math.floor(v / 2 ** k) % 2 === 1) out[bit >>> 3] = (out[bit >>> 3] as number) | (0x80 >>> (bit & 7));
    }
  }
}

/** FixedBitSVForwardIndexWriter: `ceil(numDocs * bits / 8)` bytes of MSB-first packed dictIds. */
export function writeFixedBitSV(dictIds: ArrayLike<number>, bits: number): Buffer {
  if (bits < 1 || bits > 32) throw new RangeError(`bad bitsPerElement ${bits}`);
  const out = Buffer.alloc(Math.ceil((dictIds.length * bits) / 8));
  packInto(out, 0, dictIds, bits);
  return out;
}

export interface FixedBitMVLayout {
  bytes: Buffer;
  docsPerChunk: number;
  numChunks: number;
  chunkOffsetHeaderSize: number;
  bitsetSize: number;
  rawDataSize: number;
}

export type FixedBitMVGeometry = Omit<FixedBitMVLayout, 'bytes'>;

/** The section sizes of a FixedBitMVForwardIndexWriter file. */
export function fixedBitMVGeometry(numDocs: number, totalNumValues: number, bits: number): FixedBitMVGeometry {
  if (numDocs === 0) throw new RangeError('MV forward index needs at least one doc');
  const avg = Math.trunc(totalNumValues / numDocs); // int division, then widened to float
  const ratio = Math.ceil(2048 / avg);
  // Java (int) cast of a double: saturates at Integer.MAX_VALUE (avg 0 gives +Infinity).
  const docsPerChunk = ratio >= 2147483647 ? 2147483647 : ratio;
  const numChunks = Math.trunc(((numDocs + docsPerChunk - 1) | 0) / docsPerChunk);
  const chunkOffsetHeaderSize = numChunks * 4;
  const bitsetSize = Math.trunc((totalNumValues + 7) / 8);
  const rawDataSize = Math.trunc((totalNumValues * bits + 7) / 8);
  return { docsPerChunk, numChunks, chunkOffsetHeaderSize, bitsetSize, rawDataSize };
}

/**
 * FixedBitMVForwardIndexWriter: a chunk-offset header (int32 BE start value index of every
 * `docsPerChunk`-th doc), a bitset with a bit per value set at each doc's first value, then the
 * bit-packed dictIds of all values. docsPerChunk is ceil(2048 / (float)(totalValues / numDocs)),
 * with Java's integer division and int overflow semantics.
 */
export function writeFixedBitMV(rows: ArrayLike<number>[], bits: number): FixedBitMVLayout {
  const numDocs = rows.length;
  let totalNumValues = 0;
  for (const r of rows) {
    // Pinot never writes empty MV rows (the default null value fills them); the format cannot represent them.
    if (r.length === 0) throw new RangeError('MV forward index rows must not be empty');
    totalNumValues += r.length;
  }
  const { docsPerChunk, numChunks, chunkOffsetHeaderSize, bitsetSize, rawDataSize } = fixedBitMVGeometry(numDocs, totalNumValues, bits);
  const out = Buffer.alloc(chunkOffsetHeaderSize + bitsetSize + rawDataSize);
  const rawStartBit = (chunkOffsetHeaderSize + bitsetSize) * 8;
  let start = 0;
  rows.forEach((row, docId) => {
    if (docId % docsPerChunk === 0) out.writeInt32BE(start, (docId / docsPerChunk) * 4);
    const b = chunkOffsetHeaderSize * 8 + start;
    out[b >>> 3] = (out[b >>> 3] as number) | (0x80 >>> (b & 7));
    packInto(out, rawStartBit + start * bits, row, bits);
    start += row.length;
  });
  return { bytes: out, docsPerChunk, numChunks, chunkOffsetHeaderSize, bitsetSize, rawDataSize };
}

/** Inverse of writeFixedBitMV (Pinot's FixedBitMVForwardIndexReader logic), for tests and tools. */
export function readFixedBitMV(buf: Uint8Array, numDocs: number, totalNumValues: number, bits: number): number[][] {
  const avg = Math.trunc(totalNumValues / numDocs);
  const ratio = Math.ceil(2048 / avg);
  const docsPerChunk = ratio >= 2147483647 ? 2147483647 : ratio;
  const numChunks = Math.trunc(((numDocs + docsPerChunk - 1) | 0) / docsPerChunk);
  const bitsetStart = numChunks * 4 * 8;
  const rawStart = (numChunks * 4 + Math.trunc((totalNumValues + 7) / 8)) * 8;
  // Sizes come from metadata: check them against the buffer before looping over them.
  const needed = Math.ceil((rawStart + totalNumValues * bits) / 8);
  if (!(Number.isSafeInteger(needed) && needed <= buf.length) || totalNumValues < numDocs) {
    throw new SegmentFormatError(`multi-value forward index: ${buf.length} bytes cannot hold ${numDocs} docs with ${totalNumValues} values of ${bits} bits`);
  }
  const starts: number[] = [];
  for (let i = 0; i < totalNumValues; i++) {
    const b = bitsetStart + i;
    if ((((buf[b >>> 3] as number) >>> (7 - (b & 7))) & 1) === 1) starts.push(i);
  }
  const value = (i: number): number => {
    let v = 0;
    for (let k = 0, bit = rawStart + i * bits; k < bits; k++, bit++) v = v * 2 + (((buf[bit >>> 3] as number) >>> (7 - (bit & 7))) & 1);
    return v;
  };
  const out: number[][] = [];
  for (let d = 0; d < starts.length; d++) {
    const s = starts[d] as number;
    const e = d + 1 < starts.length ? (starts[d + 1] as number) : totalNumValues;
    out.push(Array.from({ length: e - s }, (_, j) => value(s + j)));
  }
  return out;
}
