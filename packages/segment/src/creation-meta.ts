import { SegmentFormatError } from './errors.js';

export interface CreationMeta {
  /** Segment CRC (Adler32 over the v1 files), as written (unsigned). */
  crc: bigint;
  /** Creation time, epoch milliseconds. */
  creationTime: bigint;
  /** Data CRC (Adler32 over .fwd/.dict files) when present (newer Pinot). */
  dataCrc?: bigint;
}

/** Reads `creation.meta`: int64 CRC, int64 creation time, optional int64 data CRC, big-endian. */
export function parseCreationMeta(buf: Buffer): CreationMeta {
  if (buf.length < 16) {
    throw new SegmentFormatError(`creation.meta has ${buf.length} bytes, expected at least 16`);
  }
  const meta: CreationMeta = { crc: buf.readBigInt64BE(0), creationTime: buf.readBigInt64BE(8) };
  if (buf.length >= 24) meta.dataCrc = buf.readBigInt64BE(16);
  return meta;
}
