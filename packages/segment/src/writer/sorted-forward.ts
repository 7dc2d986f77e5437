/**
 * SingleValueSortedForwardIndexCreator: per dictId an int32 BE min docId and int32 BE max docId.
 * A dictId no doc uses keeps Pinot's initial values (Integer.MAX_VALUE, Integer.MIN_VALUE).
 */
export function writeSortedSV(dictIds: ArrayLike<number>, cardinality: number): Buffer {
  const min = new Int32Array(cardinality).fill(2147483647);
  const max = new Int32Array(cardinality).fill(-2147483648);
  for (let doc = 0; doc < dictIds.length; doc++) {
    const id = dictIds[doc] as number;
    if (!(id >= 0 && id < cardinality)) throw new RangeError(`dictId ${id} out of range [0, ${cardinality})`);
    if ((min[id] as number) > doc) min[id] = doc;
    if ((max[id] as number) < doc) max[id] = doc;
  }
  const out = Buffer.alloc(cardinality * 8);
  for (let i = 0; i < cardinality; i++) {
    out.writeInt32BE(min[i] as number, i * 8);
    out.writeInt32BE(max[i] as number, i * 8 + 4);
  }
  return out;
}
