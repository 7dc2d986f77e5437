/**
 * Dictionary writer: the inverse of readDictionary, byte-compatible with Pinot's
 * SegmentDictionaryCreator (fixed-width numerics big-endian, STRING padded to the longest
 * UTF-8 entry, BYTES in the VarLengthValueWriter format).
 */
export type DictDataType = 'INT' | 'BOOLEAN' | 'LONG' | 'TIMESTAMP' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BYTES';
export type DictValue = number | bigint | string | Uint8Array | boolean;

export interface BuiltDictionary<V extends DictValue = DictValue> {
  bytes: Buffer;
  /** Sorted distinct values; the index is the dictId. */
  values: V[];
  /** Bytes per entry (STRING: longest UTF-8 entry; numerics: 4 or 8; var-length BYTES: 0). */
  elementSize: number;
  dictIdOf(value: V): number;
}

export interface DictionaryOptions {
  /** STRING padding character (ASCII). Pinot >= 0.2 uses '\0'; very old segments used '%'. */
  paddingCharacter?: string;
  /**
   * STRING/BYTES: write the var-length ('.vl;') format. Pinot's default (DictionaryIndexType.
   * shouldUseVarLengthDictionary): BYTES when the values are not all the same length; STRING only
   * when the column is configured for it.
   */
  varLength?: boolean;
}

/** Java's String.getBytes(UTF_8): lone surrogates become '?'. */
export function javaUtf8(s: string): Buffer {
  return Buffer.from(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'), 'utf8');
}

/** Java Float.compare / Double.compare: -0.0 < 0.0, NaN greater than everything and equal to itself. */
export function javaFloatCompare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (a === 0 && b === 0) {
    const an0 = Object.is(a, -0);
    const bn0 = Object.is(b, -0);
    return an0 === bn0 ? 0 : an0 ? -1 : 1;
  }
  return 0;
}

/** Java String.compareTo: UTF-16 code units (what JS relational operators compare). */
export function javaStringCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Old Pinot (padding character other than '\0', e.g. '%') sorted the padded strings: compare as
 * if the shorter string were extended with the padding character (so "lynda 2.0" < "lynda%%%%").
 */
export function paddedStringCompare(a: string, b: string, pad: number): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a.charCodeAt(i) : pad;
    const y = i < b.length ? b.charCodeAt(i) : pad;
    if (x !== y) return x - y;
  }
  return 0;
}

/** Pinot ByteArray.compare: unsigned lexicographic, then length. */
export function byteArrayCompare(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function keyOf(type: DictDataType, v: DictValue): string | number | bigint {
  switch (type) {
    case 'INT':
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v as number) | 0;
    case 'BOOLEAN':
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v as number) !== 0 ? 1 : 0;
    case 'LONG':
    case 'TIMESTAMP':
      return BigInt.asIntN(64, BigInt(v as number | bigint));
    case 'FLOAT':
    case 'DOUBLE': {
      const x = type === 'FLOAT' ? Math.fround(v as number) : (v as number);
      return Object.is(x, -0) ? '-0' : x; // Map uses SameValueZero: NaNs collapse (like floatToIntBits)
    }
    case 'STRING':
      return v as string;
    case 'BYTES':
      return 'b' + Buffer.from(v as Uint8Array).toString('hex');
  }
}

/** Variable-length value format (VarLengthValueWriter): ".vl;", version 1, n, header length 16, n+1 offsets, data. */
export function writeVarLength(values: Uint8Array[]): Buffer {
  const n = values.length;
  const dataStart = 16 + (n + 1) * 4;
  const total = dataStart + values.reduce((s, v) => s + v.length, 0);
  const out = Buffer.alloc(total);
  out.write('.vl;', 0, 'latin1');
  out.writeInt32BE(1, 4);
  out.writeInt32BE(n, 8);
  out.writeInt32BE(16, 12);
  let pos = dataStart;
  values.forEach((v, i) => {
    out.writeInt32BE(pos, 16 + i * 4);
    out.set(v, pos);
    pos += v.length;
  });
  out.writeInt32BE(pos, 16 + n * 4);
  return out;
}

/**
 * Builds the sorted dictionary of `input` (duplicates allowed) for `type` and serializes it.
 * Values are normalized as Pinot stores them (FLOAT rounded to float32, LONG as bigint, BOOLEAN as 0/1).
 */
export function buildDictionary(type: DictDataType, input: Iterable<DictValue>, opts: DictionaryOptions = {}): BuiltDictionary {
  const distinct = new Map<string | number | bigint, DictValue>();
  for (const v of input) {
    const k = keyOf(type, v);
    if (!distinct.has(k)) {
      let norm: DictValue;
      switch (type) {
        case 'FLOAT':
        case 'DOUBLE':
          norm = k === '-0' ? -0 : (k as number);
          break;
        case 'BYTES':
          norm = new Uint8Array(v as Uint8Array);
          break;
        default:
          norm = k as DictValue;
      }
      distinct.set(k, norm);
    }
  }
  const values = [...distinct.values()];
  switch (type) {
    case 'INT':
    case 'BOOLEAN':
      values.sort((a, b) => (a as number) - (b as number));
      break;
    case 'LONG':
    case 'TIMESTAMP':
      values.sort((a, b) => ((a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0));
      break;
    case 'FLOAT':
    case 'DOUBLE':
      values.sort((a, b) => javaFloatCompare(a as number, b as number));
      break;
    case 'STRING': {
      const pad = opts.paddingCharacter ?? '\0';
      values.sort(
        pad === '\0' || opts.varLength
          ? (a, b) => javaStringCompare(a as string, b as string)
          : (a, b) => paddedStringCompare(a as string, b as string, pad.charCodeAt(0)),
      );
      break;
    }
    case 'BYTES':
      values.sort((a, b) => byteArrayCompare(a as Uint8Array, b as Uint8Array));
      break;
  }
  const index = new Map<string | number | bigint, number>();
  values.forEach((v, i) => index.set(keyOf(type, v), i));
  const dictIdOf = (v: DictValue): number => {
    const id = index.get(keyOf(type, v));
    if (id === undefined) throw new Error(`value ${String(v)} is not in the dictionary`);
    return id;
  };
  const n = values.length;
  let bytes: Buffer;
  let elementSize: number;
  switch (type) {
    case 'INT':
    case 'BOOLEAN':
      elementSize = 4;
      bytes = Buffer.alloc(n * 4);
      values.forEach((v, i) => bytes.writeInt32BE(v as number, i * 4));
      break;
    case 'LONG':
    case 'TIMESTAMP':
      elementSize = 8;
      bytes = Buffer.alloc(n * 8);
      values.forEach((v, i) => bytes.writeBigInt64BE(v as bigint, i * 8));
      break;
    case 'FLOAT':
      elementSize = 4;
      bytes = Buffer.alloc(n * 4);
      values.forEach((v, i) => bytes.writeFloatBE(v as number, i * 4));
      break;
    case 'DOUBLE':
      elementSize = 8;
      bytes = Buffer.alloc(n * 8);
      values.forEach((v, i) => bytes.writeDoubleBE(v as number, i * 8));
      break;
    case 'STRING':
    case 'BYTES': {
      const encoded = type === 'STRING' ? values.map((v) => javaUtf8(v as string)) : (values as Uint8Array[]);
      // Pinot reports the longest entry (getNumBytesPerEntry) in both the fixed and the var-length case.
      elementSize = encoded.reduce((m, b) => Math.max(m, b.length), 0);
      const fixedLength = encoded.every((b) => b.length === elementSize);
      const varLength = opts.varLength ?? (type === 'BYTES' && !fixedLength);
      if (varLength) {
        bytes = writeVarLength(encoded);
      } else {
        // STRING: padded with the padding character; BYTES (FixedByteValueReaderWriter.writeBytes): zero-padded.
        const pad = type === 'STRING' ? (opts.paddingCharacter ?? '\0').charCodeAt(0) : 0;
        if (!(pad >= 0 && pad <= 0x7f)) throw new Error('padding character must be ASCII');
        bytes = Buffer.alloc(n * elementSize, pad);
        encoded.forEach((b, i) => bytes.set(b, i * elementSize));
      }
      break;
    }
  }
  return { bytes, values, elementSize, dictIdOf };
}
