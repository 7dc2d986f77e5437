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

type Container =
  | { kind: 'array'; key: number; values: number[] }
  | { kind: 'bitmap'; key: number; values: number[] }
  | { kind: 'run'; key: number; values: number[]; runs: [number, number][] };

function containerSize(c: Container): number {
  if (c.kind === 'run') return 2 + 4 * c.runs.length;
  if (c.kind === 'bitmap') return 8192;
  return 2 * c.values.length;
}

function toRuns(values: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < values.length; ) {
    const start = values[i] as number;
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] as number) + 1) j++;
    runs.push([start, j - i]); // (start, length - 1)
    i = j + 1;
  }
  return runs;
}

export interface RoaringWriteOptions {
  /** runOptimize each container (Pinot's RoaringBitmapWriter default). Default true. */
  runOptimize?: boolean;
}

/** Serializes sorted, distinct uint32 values (unsorted input is sorted and deduplicated). */
export function serializeRoaring(input: Iterable<number>, opts: RoaringWriteOptions = {}): Buffer {
  const all = Uint32Array.from(input).sort();
  const containers: Container[] = [];
  let prev = -1;
  for (const v of all) {
    if (v === prev) continue;
    prev = v;
    const key = v >>> 16;
    const last = containers[containers.length - 1];
    if (last && last.key === key) last.values.push(v & 0xffff);
    else containers.push({ kind: 'array', key, values: [v & 0xffff] });
  }
  const optimize = opts.runOptimize ?? true;
  const final: Container[] = containers.map((c) => {
    const base: Container = c.values.length > ARRAY_MAX ? { kind: 'bitmap', key: c.key, values: c.values } : c;
    if (!optimize) return base;
    const runs = toRuns(c.values);
    return containerSize(base) > 2 + 4 * runs.length ? { kind: 'run', key: c.key, values: c.values, runs } : base;
  });
  const n = final.length;
  const hasRun = final.some((c) => c.kind === 'run');
  let headerSize: number;
  if (hasRun) {
    headerSize = 4 + Math.ceil(n / 8) + 4 * n + (n >= NO_OFFSET_THRESHOLD ? 4 * n : 0);
  } else {
    headerSize = 8 + 8 * n;
  }
  const total = headerSize + final.reduce((s, c) => s + containerSize(c), 0);
  const out = Buffer.alloc(total);
  let p = 0;
  if (hasRun) {
    out.writeUInt32LE((SERIAL_COOKIE | ((n - 1) << 16)) >>> 0, 0);
    p = 4;
    final.forEach((c, i) => {
      if (c.kind === 'run') out[p + (i >>> 3)] = (out[p + (i >>> 3)] as number) | (1 << (i & 7));
    });
    p += Math.ceil(n / 8);
  } else {
    out.writeUInt32LE(SERIAL_COOKIE_NO_RUNCONTAINER, 0);
    out.writeUInt32LE(n, 4);
    p = 8;
  }
  for (const c of final) {
    out.writeUInt16LE(c.key, p);
    out.writeUInt16LE(c.values.length - 1, p + 2);
    p += 4;
  }
  if (!hasRun || n >= NO_OFFSET_THRESHOLD) {
    let off = headerSize;
    for (const c of final) {
      out.writeUInt32LE(off, p);
      p += 4;
      off += containerSize(c);
    }
  }
  for (const c of final) {
    if (c.kind === 'run') {
      out.writeUInt16LE(c.runs.length, p);
      p += 2;
      for (const [s, l] of c.runs) {
        out.writeUInt16LE(s, p);
        out.writeUInt16LE(l, p + 2);
        p += 4;
      }
    } else if (c.kind === 'bitmap') {
      for (const v of c.values) out[p + (v >>> 3)] = (out[p + (v >>> 3)] as number) | (1 << (v & 7));
      p += 8192;
    } else {
      for (const v of c.values) {
        out.writeUInt16LE(v, p);
        p += 2;
      }
    }
  }
  return out;
}
