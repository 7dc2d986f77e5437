import { SegmentFormatError } from './errors.js';

/** Decodes one raw LZ4 block (no frame) into exactly `outputLength` bytes. */
export function lz4DecodeBlock(src: Uint8Array, outputLength: number): Buffer {
  const out = Buffer.alloc(outputLength);
  let ip = 0;
  let op = 0;
  const fail = (why: string): never => {
    throw new SegmentFormatError(`LZ4 block is corrupt: ${why} (input ${ip}/${src.length}, output ${op}/${outputLength})`);
  };
  while (ip < src.length) {
    const token = src[ip++] as number;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= src.length) fail('truncated literal length');
        b = src[ip++] as number;
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > src.length) fail('literals past end of input');
    if (op + lit > outputLength) fail('literals past end of output');
    out.set(src.subarray(ip, ip + lit), op);
    ip += lit;
    op += lit;
    if (ip >= src.length) break; // last sequence has literals only
    if (ip + 2 > src.length) fail('truncated match offset');
    const offset = (src[ip] as number) | ((src[ip + 1] as number) << 8);
    ip += 2;
    if (offset === 0 || offset > op) fail(`bad match offset ${offset}`);
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        if (ip >= src.length) fail('truncated match length');
        b = src[ip++] as number;
        len += b;
      } while (b === 255);
    }
    len += 4;
    if (op + len > outputLength) fail('match past end of output');
    // Byte by byte: matches may overlap their own output.
    for (let i = 0; i < len; i++, op++) out[op] = out[op - offset] as number;
  }
  if (op !== outputLength) fail(`decoded ${op} bytes, expected ${outputLength}`);
  return out;
}

/** lz4-java's LZ4DecompressorWithLength framing: int32 LE decompressed length, then one LZ4 block. */
export function lz4DecodeLengthPrefixed(src: Uint8Array): Buffer {
  if (src.length < 4) throw new SegmentFormatError('LZ4 length-prefixed chunk shorter than 4 bytes');
  const len = Buffer.from(src.buffer, src.byteOffset, src.byteLength).readInt32LE(0);
  if (len < 0) throw new SegmentFormatError(`LZ4 length-prefixed chunk has negative length ${len}`);
  return lz4DecodeBlock(src.subarray(4), len);
}
