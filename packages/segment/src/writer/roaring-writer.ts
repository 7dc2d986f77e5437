/**
 * RoaringBitmap portable serialization (RoaringFormatSpec), producing the bytes Java's
 * RoaringBitmap.serialize writes for a bitmap built the way Pinot builds inverted-index bitmaps:
 * RoaringBitmapWriter.writer().get() (runCompress = true), i.e. each container is an array
 * container (<= 4096 values) or a bitmap container, then runOptimize()d: it becomes a run
 * container iff its serialized size (2 * card, or 8192) is strictly greater than 2 + 4 * runs.
 */
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;

export interface RoaringWriteOptions {
  /** runOptimize each container (Pinot's RoaringBitmapWriter default). Default true. */
  runOptimize?: boolean;
}

/** The values as a sorted, duplicate-free Uint32Array (the input itself when it already is one). */
function sortedDistinct(input: Iterable<number>): Uint32Array {
  const arr = input instanceof Uint32Array ? input : Uint32Array.from(input);
  let ok = true;
  for (let i = 1; i < arr.length && ok; i++) ok = (arr[i] as number) > (arr[i - 1] as number);
  if (ok) return arr;
  const sorted = Uint32Array.from(arr).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i] as number;
  return sorted.subarray(0, n);
}

const ARRAY = 0;
const BITMAP = 1;
const RUN = 2;

/**
 * Serializes sorted, distinct uint32 values (unsorted input is sorted and deduplicated). Works
 * on typed arrays throughout: an inverted index serializes one bitmap per dictionary value, and
 * per-value JS arrays (a [start, length] pair per run) made a 10M-row build's RSS grow ~90 MB.
 */
export function serializeRoaring(input: Iterable<number>, opts: RoaringWriteOptions = {}): Buffer {
  const all = sortedDistinct(input);
  const optimize = opts.runOptimize ?? true;
  // One entry per container (at most 65536): its key, where its values start and end in `all`,
  // its number of runs and its kind.
  const maxContainers = all.length === 0 ? 0 : ((all[all.length - 1] as number) >>> 16) - ((all[0] as number) >>> 16) + 1;
  const cap = Math.min(maxContainers, all.length);
  const keys = new Uint16Array(cap);
  const starts = new Uint32Array(cap + 1);
  const runCounts = new Uint32Array(cap);
  const kinds = new Uint8Array(cap);
  let n = 0;
  for (let i = 0; i < all.length; ) {
    const key = (all[i] as number) >>> 16;
    let j = i + 1;
    let runs = 1;
    while (j < all.length && (all[j] as number) >>> 16 === key) {
      if ((all[j] as number) !== (all[j - 1] as number) + 1) runs++;
      j++;
    }
    const card = j - i;
    keys[n] = key;
    starts[n] = i;
    runCounts[n] = runs;
    const size = card > ARRAY_MAX ? 8192 : 2 * card;
    // runOptimize: a run container iff its serialized size is strictly smaller.
    kinds[n] = optimize && size > 2 + 4 * runs ? RUN : card > ARRAY_MAX ? BITMAP : ARRAY;
    n++;
    i = j;
  }
  starts[n] = all.length;
  const sizeOf = (c: number): number => {
    const k = kinds[c] as number;
    if (k === RUN) return 2 + 4 * (runCounts[c] as number);
    if (k === BITMAP) return 8192;
    return 2 * ((starts[c + 1] as number) - (starts[c] as number));
  };
  let hasRun = false;
  for (let c = 0; c < n; c++) if (kinds[c] === RUN) hasRun = true;
  let headerSize: number;
  if (hasRun) {
    headerSize = 4 + Math.ceil(n / 8) + 4 * n + (n >= NO_OFFSET_THRESHOLD ? 4 * n : 0);
  } else {
    headerSize = 8 + 8 * n;
  }
  let total = headerSize;
  for (let c = 0; c < n; c++) total += sizeOf(c);
  const out = Buffer.alloc(total);
  let p: number;
  if (hasRun) {
    out.writeUInt32LE((SERIAL_COOKIE | ((n - 1) << 16)) >>> 0, 0);
    p = 4;
    for (let c = 0; c < n; c++) if (kinds[c] === RUN) out[p + (c >>> 3)] = (out[p + (c >>> 3)] as number) | (1 << (c & 7));
    p += Math.ceil(n / 8);
  } else {
    out.writeUInt32LE(SERIAL_COOKIE_NO_RUNCONTAINER, 0);
    out.writeUInt32LE(n, 4);
    p = 8;
  }
  for (let c = 0; c < n; c++) {
    out.writeUInt16LE(keys[c] as number, p);
    out.writeUInt16LE((starts[c + 1] as number) - (starts[c] as number) - 1, p + 2);
    p += 4;
  }
  if (!hasRun || n >= NO_OFFSET_THRESHOLD) {
    let off = headerSize;
    for (let c = 0; c < n; c++) {
      out.writeUInt32LE(off, p);
      p += 4;
      off += sizeOf(c);
    }
  }
  for (let c = 0; c < n; c++) {
    const from = starts[c] as number;
    const to = starts[c + 1] as number;
    const kind = kinds[c] as number;
    if (kind === RUN) {
      out.writeUInt16LE(runCounts[c] as number, p);
      p += 2;
      let runStart = from;
      for (let i = from + 1; i <= to; i++) {
        if (i === to || (all[i] as number) !== (all[i - 1] as number) + 1) {
          out.writeUInt16LE((all[runStart] as number) & 0xffff, p);
          out.writeUInt16LE(i - runStart - 1, p + 2); // (start, length - 1)
          p += 4;
          runStart = i;
        }
      }
    } else if (kind === BITMAP) {
      for (let i = from; i < to; i++) {
        const v = (all[i] as number) & 0xffff;
        out[p + (v >>> 3)] = (out[p + (v >>> 3)] as number) | (1 << (v & 7));
      }
      p += 8192;
    } else {
      for (let i = from; i < to; i++) {
        out.writeUInt16LE((all[i] as number) & 0xffff, p);
        p += 2;
      }
    }
  }
  return out;
}
