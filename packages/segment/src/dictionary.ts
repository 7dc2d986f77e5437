import { SegmentFormatError, SegmentUnsupportedError } from './errors.js';
import type { ColumnMetadata } from './metadata.js';
import { bigDecimalToPlainString, deserializeBigDecimal } from './big-decimal.js';

export type Value = number | bigint | string | Uint8Array | boolean;

/** Reads a whole dictionary buffer into an array indexed by dictId. */
export function readDictionary(buf: Buffer, col: ColumnMetadata, paddingCharacter: string): Value[] {
  const n = col.cardinality;
  const fixed = (width: number, read: (off: number) => Value): Value[] => {
    if (buf.length < n * width || (width === 0 && buf.length > 0)) {
      throw new SegmentFormatError(
        `dictionary of '${col.name}': ${buf.length} bytes, expected ${n * width} (${n} x ${width})`,
      );
    }
    return Array.from({ length: n }, (_, i) => read(i * width));
  };
  switch (col.dataType) {
    case 'INT':
      return fixed(4, (o) => buf.readInt32BE(o));
    case 'BOOLEAN':
      return fixed(4, (o) => buf.readInt32BE(o) !== 0);
    case 'LONG':
    case 'TIMESTAMP':
      return fixed(8, (o) => buf.readBigInt64BE(o));
    case 'FLOAT':
      return fixed(4, (o) => buf.readFloatBE(o));
    case 'DOUBLE':
      return fixed(8, (o) => buf.readDoubleBE(o));
    case 'STRING':
    case 'JSON': {
      const w = col.dictionaryElementSize;
      // Pinot records the longest entry's width even for var-length dictionaries: a buffer that is
      // not exactly n fixed-width entries but carries the '.vl;' magic is the var-length format.
      // Width 0 without the magic: every value is '' (a fixed-width dictionary of empty entries).
      if (n > 0 && buf.length !== n * w && isVarLength(buf)) {
        return readVarLength(buf, col).map((b) => Buffer.from(b).toString('utf8'));
      }
      const pad = paddingCharacter.charCodeAt(0);
      if (pad > 0x7f) throw new SegmentUnsupportedError(`padding character U+${pad.toString(16)} is not ASCII`);
      return fixed(w, (o) => {
        let end = o + w;
        while (end > o && buf[end - 1] === pad) end--;
        return buf.toString('utf8', o, end);
      });
    }
    case 'BYTES':
    case 'BIG_DECIMAL': {
      let values: Uint8Array[];
      // As BaseImmutableDictionary: the '.vl;' magic means var-length, else fixed width (0 when
      // every value is empty: Pinot writes an empty file for a dictionary of empty byte arrays).
      if (!(buf.length !== n * col.dictionaryElementSize && isVarLength(buf))) {
        const w = col.dictionaryElementSize;
        values = fixed(w, (o) => new Uint8Array(buf.subarray(o, o + w))) as Uint8Array[];
      } else {
        values = readVarLength(buf, col);
      }
      // BIG_DECIMAL values are BigDecimalUtils.serialize bytes; shown as DataType.toString does (plain).
      return col.dataType === 'BIG_DECIMAL' ? values.map((b) => bigDecimalToPlainString(deserializeBigDecimal(b))) : values;
    }
    default:
      throw new SegmentUnsupportedError(`dictionary of '${col.name}': data type ${col.dataType} is not supported`);
  }
}

/**
 * VarLengthValueWriter format: magic ".vl;", int version (1), int numValues, int data-section
 * offset, then numValues+1 int offsets (from the buffer start), then the values' bytes.
 */
export function readVarLength(buf: Buffer, col: ColumnMetadata): Uint8Array[] {
  if (buf.length < 16 || buf.toString('latin1', 0, 4) !== '.vl;') {
    throw new SegmentFormatError(`dictionary of '${col.name}': no var-length ('.vl;') header`);
  }
  const version = buf.readInt32BE(4);
  if (version !== 1) throw new SegmentUnsupportedError(`dictionary of '${col.name}': var-length version ${version}`);
  const numValues = buf.readInt32BE(8);
  const dataStart = buf.readInt32BE(12);
  if (dataStart < 16 || dataStart + (numValues + 1) * 4 > buf.length) {
    throw new SegmentFormatError(`dictionary of '${col.name}': var-length offsets out of bounds`);
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < numValues; i++) {
    const start = buf.readInt32BE(dataStart + i * 4);
    const end = buf.readInt32BE(dataStart + (i + 1) * 4);
    if (start > end || end > buf.length) {
      throw new SegmentFormatError(`dictionary of '${col.name}': var-length value ${i} out of bounds`);
    }
    out.push(new Uint8Array(buf.subarray(start, end)));
  }
  return out;
}

function isVarLength(buf: Buffer): boolean {
  return buf.length >= 16 && buf.toString('latin1', 0, 4) === '.vl;';
}
