/**
 * Value -> provisional id for the statistics pass. A JS Map costs ~100 bytes and a hash of a
 * boxed key per entry; numeric columns (INT, FLOAT, DOUBLE, and LONG within +-2^53) use an
 * open-addressing table over a Float64Array instead, keyed by the value's bit pattern, which is
 * several times faster and holds 12 bytes per distinct value.
 */
export interface IdTable {
  /** The id of `key`, assigning `next` when it is new (the caller then records the value). */
  idOf(key: number, next: number): number;
  readonly size: number;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Hash of a double's 64 bits (murmur3 fmix32 over the folded halves). */
function hashBits(lo: number, hi: number): number {
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Keys are compared by bit pattern, so -0 and 0 are distinct and every NaN is one key (values
 * are canonical NaN after conversion), as Float.equals / Double.equals have it.
 */
export class Float64IdTable implements IdTable {
  private keysLo: Uint32Array;
  private keysHi: Uint32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keysLo = new Uint32Array(cap);
    this.keysHi = new Uint32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  idOf(key: number, next: number): number {
    f64[0] = key;
    return this.idOfBits(u32[0] as number, u32[1] as number, next);
  }

  /** The same, keyed by 64 raw bits (e.g. a value's 64-bit hash). */
  idOfBits(lo: number, hi: number, next: number): number {
    let slot = hashBits(lo, hi) & this.mask;
    for (;;) {
      const id = this.ids[slot] as number;
      if (id < 0) break;
      if (this.keysLo[slot] === lo && this.keysHi[slot] === hi) return id;
      slot = (slot + 1) & this.mask;
    }
    this.keysLo[slot] = lo;
    this.keysHi[slot] = hi;
    this.ids[slot] = next;
    this.size++;
    if (this.size * 2 > this.mask) this.grow();
    return next;
  }

  private grow(): void {
    const oldLo = this.keysLo;
    const oldHi = this.keysHi;
    const oldIds = this.ids;
    const cap = (this.mask + 1) * 2;
    this.keysLo = new Uint32Array(cap);
    this.keysHi = new Uint32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < oldIds.length; i++) {
      const id = oldIds[i] as number;
      if (id < 0) continue;
      const lo = oldLo[i] as number;
      const hi = oldHi[i] as number;
      let slot = hashBits(lo, hi) & this.mask;
      while ((this.ids[slot] as number) >= 0) slot = (slot + 1) & this.mask;
      this.keysLo[slot] = lo;
      this.keysHi[slot] = hi;
      this.ids[slot] = id;
    }
  }
}

/**
 * 64-bit hash of a string's UTF-16 units (two independent 32-bit multiplicative hashes). Raw
 * columns count distinct values by this hash instead of keeping every value: 12 bytes per
 * distinct value, and a wrong count needs a 64-bit collision (~1e-8 at 10^6 values).
 */
export function hashString(s: string, out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  out[0] = h1 ^ (h1 >>> 16);
  out[1] = h2 ^ (h2 >>> 13);
}

export function hashBytes(b: Uint8Array, out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c ^ b.length;
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  out[0] = h1 ^ (h1 >>> 16);
  out[1] = h2 ^ (h2 >>> 13);
}

/**
 * The distinct values of a dictionary column in arrival order. Numeric columns keep them in a
 * growable Float64Array (LONG too while every value is within +-2^53) instead of an array of
 * boxed numbers / BigInts.
 */
export class DistinctValues {
  private numbers: Float64Array | undefined;
  private objects: unknown[] | undefined;
  length = 0;

  constructor(private readonly kind: 'number' | 'long' | 'object') {
    if (kind === 'object') this.objects = [];
    else this.numbers = new Float64Array(1024);
  }

  /** Whether values are held as plain numbers (LONG: all within +-2^53). */
  get numeric(): boolean {
    return this.numbers !== undefined;
  }

  push(v: unknown): void {
    if (this.numbers) {
      if (this.kind === 'long') {
        const n = Number(v as bigint);
        if (!Number.isSafeInteger(n)) {
          this.objects = Array.from(this.numbers.subarray(0, this.length), (x) => BigInt(x));
          this.numbers = undefined;
          this.objects.push(v);
          this.length++;
          return;
        }
        this.grow();
        this.numbers[this.length++] = n;
        return;
      }
      this.grow();
      this.numbers[this.length++] = v as number;
      return;
    }
    (this.objects as unknown[]).push(v);
    this.length++;
  }

  private grow(): void {
    const nums = this.numbers as Float64Array;
    if (this.length < nums.length) return;
    const bigger = new Float64Array(nums.length * 2);
    bigger.set(nums);
    this.numbers = bigger;
  }

  /** The value as the column stores it (LONG as bigint). */
  get(i: number): unknown {
    if (this.numbers) return this.kind === 'long' ? BigInt(this.numbers[i] as number) : this.numbers[i];
    return (this.objects as unknown[])[i];
  }

  /** The numeric values (numeric mode only). */
  numberView(): Float64Array {
    if (!this.numbers) throw new Error('not numeric');
    return this.numbers.subarray(0, this.length);
  }

  objectView(): unknown[] {
    if (!this.objects) throw new Error('numeric');
    return this.objects;
  }
}
