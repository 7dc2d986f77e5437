import { SegmentFormatError } from './errors.js';
import { decodeRoaring } from './roaring.js';

/**
 * Bitmap inverted index (BitmapInvertedIndexWriter): cardinality+1 big-endian int32 offsets
 * (read as Pinot's reader does: relative to the first offset), then one portable RoaringBitmap per dictId.
 * Returns, per dictId, the sorted docIds.
 */
export function readBitmapInvertedIndex(buf: Buffer, cardinality: number): number[][] {
  const headerSize = (cardinality + 1) * 4;
  if (buf.length < headerSize) {
    throw new SegmentFormatError(`inverted index: ${buf.length} bytes, shorter than its ${headerSize}-byte offset table`);
  }
  const first = buf.readUInt32BE(0);
  const out: number[][] = [];
  for (let id = 0; id < cardinality; id++) {
    // As BitmapInvertedIndexReader: bitmap i is at headerSize + (offset[i] - offset[0]).
    const start = headerSize + buf.readUInt32BE(id * 4) - first;
    const end = headerSize + buf.readUInt32BE((id + 1) * 4) - first;
    if (start < headerSize || end < start || end > buf.length) {
      throw new SegmentFormatError(`inverted index: bitmap ${id} has bad bounds [${start}, ${end})`);
    }
    out.push(decodeRoaring(buf, start, end).values);
  }
  return out;
}

/**
 * The legacy "raw-value" inverted index that Pinot's reverted RawValueBitmapInvertedIndexCreator
 * wrote for RAW columns (see LegacyRawValueInvertedIndexCleanup): a 44-byte big-endian header
 * (int version 1, int cardinality, int, long dictOffset, long dictLength, long invOffset,
 * long invLength), an embedded var-length dictionary, and a standard bitmap inverted index.
 */
export interface LegacyRawValueInvertedIndex {
  dictionary: Buffer;
  invertedIndex: Buffer;
}

export function parseLegacyRawValueInvertedIndex(buf: Buffer, cardinality: number): LegacyRawValueInvertedIndex | undefined {
  if (buf.length < 44 || buf.readInt32BE(0) !== 1 || buf.readInt32BE(4) !== cardinality) return undefined;
  const dictOffset = Number(buf.readBigInt64BE(12));
  const dictLength = Number(buf.readBigInt64BE(20));
  const invOffset = Number(buf.readBigInt64BE(28));
  const invLength = Number(buf.readBigInt64BE(36));
  const ok =
    dictOffset >= 44 && dictLength >= 0 && invOffset >= dictOffset + dictLength && invLength >= 0 &&
    invOffset + invLength <= buf.length;
  if (!ok) return undefined;
  return {
    dictionary: buf.subarray(dictOffset, dictOffset + dictLength),
    invertedIndex: buf.subarray(invOffset, invOffset + invLength),
  };
}
