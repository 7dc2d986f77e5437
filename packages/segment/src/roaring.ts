import { SegmentFormatError } from './errors.js';

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

/**
 * Decodes a RoaringBitmap in the portable serialization format (RoaringFormatSpec) into a
 * sorted array of 32-bit unsigned values. Returns the values and the number of bytes read.
 */
export function decodeRoaring(buf: Buffer, start = 0, end = buf.length): { values: number[]; bytes: number } {
  let p = start;
  const need = (n: number, what: string) => {
    if (p + n > end) throw new SegmentFormatError(`roaring bitmap truncated reading ${what} at byte ${p - start}`);
  };
  need(4, 'cookie');
  const cookie = buf.readUInt32LE(p);
  p += 4;
  let size: number;
  let runFlags: Buffer | undefined;
  let hasOffsets: boolean;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const n = Math.ceil(size / 8);
    need(n, 'run flags');
    runFlags = buf.subarray(p, p + n);
    p += n;
    hasOffsets = size >= NO_OFFSET_THRESHOLD;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    need(4, 'container count');
    size = buf.readUInt32LE(p);
    p += 4;
    hasOffsets = true;
  } else {
    throw new SegmentFormatError(`not a portable roaring bitmap: cookie ${cookie}`);
  }
  need(size * 4, 'container headers');
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(buf.readUInt16LE(p));
    cards.push(buf.readUInt16LE(p + 2) + 1);
    p += 4;
  }
  if (hasOffsets) {
    need(size * 4, 'offsets');
    p += size * 4; // containers follow in order; offsets are not needed for a full decode
  }
  const values: number[] = [];
  for (let i = 0; i < size; i++) {
    const high = (keys[i] as number) * 65536;
    const card = cards[i] as number;
    const isRun = runFlags !== undefined && ((runFlags[i >>> 3] as number) & (1 << (i & 7))) !== 0;
    if (isRun) {
      need(2, 'run count');
      const nRuns = buf.readUInt16LE(p);
      p += 2;
      need(nRuns * 4, 'runs');
      for (let r = 0; r < nRuns; r++) {
        const s = buf.readUInt16LE(p);
        const len = buf.readUInt16LE(p + 2);
        p += 4;
        for (let v = s; v <= s + len; v++) values.push(high + v);
      }
    } else if (card <= 4096) {
      need(card * 2, 'array container');
      for (let j = 0; j < card; j++) values.push(high + buf.readUInt16LE(p + j * 2));
      p += card * 2;
    } else {
      need(8192, 'bitmap container');
      for (let w = 0; w < 2048; w++) {
        let word = buf.readUInt32LE(p + w * 4);
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          values.push(high + w * 32 + bit);
          word &= word - 1;
        }
      }
      p += 8192;
    }
  }
  return { values, bytes: p - start };
}
