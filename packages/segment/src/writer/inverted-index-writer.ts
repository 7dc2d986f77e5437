import { serializeRoaring, type RoaringWriteOptions } from './roaring-writer.js';

export interface InvertedIndexOptions extends RoaringWriteOptions {
  /**
   * Position of the index in the file it is written into. BitmapInvertedIndexWriter's offsets are
   * file-channel positions, so an index embedded at byte N (e.g. in the legacy raw-value inverted
   * index) has every offset shifted by N. Readers subtract the first offset. Default 0.
   */
  baseOffset?: number;
}

/**
 * Bitmap inverted index (OnHeapBitmapInvertedIndexCreator + BitmapInvertedIndexWriter):
 * cardinality+1 int32 BE offsets (file positions; the last is the end of the index), then one
 * portable RoaringBitmap per dictId.
 */
export function writeBitmapInvertedIndex(bitmaps: Iterable<number>[], opts: InvertedIndexOptions = {}): Buffer {
  const serialized = bitmaps.map((b) => serializeRoaring(b, opts));
  const headerSize = (serialized.length + 1) * 4;
  const header = Buffer.alloc(headerSize);
  let off = headerSize + (opts.baseOffset ?? 0);
  serialized.forEach((s, i) => {
    header.writeUInt32BE(off, i * 4);
    off += s.length;
  });
  header.writeUInt32BE(off, serialized.length * 4);
  return Buffer.concat([header, ...serialized]);
}

/** SV dictIds per doc to the docIds of each dictId. */
export function docIdsPerDictIdSV(dictIds: ArrayLike<number>, cardinality: number): number[][] {
  const out: number[][] = Array.from({ length: cardinality }, () => []);
  for (let doc = 0; doc < dictIds.length; doc++) (out[dictIds[doc] as number] as number[]).push(doc);
  return out;
}

/** MV rows of dictIds to the docIds of each dictId (a doc appears once per dictId). */
export function docIdsPerDictIdMV(rows: ArrayLike<number>[], cardinality: number): number[][] {
  const out: number[][] = Array.from({ length: cardinality }, () => []);
  rows.forEach((row, doc) => {
    for (let i = 0; i < row.length; i++) {
      const ids = out[row[i] as number] as number[];
      if (ids[ids.length - 1] !== doc) ids.push(doc);
    }
  });
  return out;
}

/** Builds the inverted index of an SV column from its per-doc dictIds. */
export function writeInvertedIndexSV(dictIds: ArrayLike<number>, cardinality: number, opts: InvertedIndexOptions = {}): Buffer {
  return writeBitmapInvertedIndex(docIdsPerDictIdSV(dictIds, cardinality), opts);
}
