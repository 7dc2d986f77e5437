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
    const lo = u32[0] as number;
    const hi = u32[1] as number;
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
