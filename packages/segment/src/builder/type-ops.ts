import { byteArrayCompare, javaFloatCompare, javaUtf8 } from '../writer/dictionary-writer.js';
import type { SpillReader, SpillWriter } from './spill.js';

/** A stored value as the builder holds it (Pinot's stored types). */
export type BuilderStoredType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'BIG_DECIMAL' | 'STRING' | 'BYTES';

export interface BigDecimalLike {
  unscaled: bigint;
  scale: number;
}

export type StoredScalar = number | bigint | string | Uint8Array | BigDecimalLike;

/** What the builder needs to know about one stored type: identity, Java ordering, sizes, spilling. */
export interface TypeOps<V extends StoredScalar = StoredScalar> {
  readonly type: BuilderStoredType;
  /** Fixed width in bytes (Pinot's DataType.size()), or 0 for variable width. */
  readonly fixedSize: number;
  /** A Map key with Java equals() semantics (HashSet dedup in Pinot's stats collectors). */
  key(v: V): unknown;
  /** Java compareTo ordering. */
  compare(a: V, b: V): number;
  /** Serialized length in bytes (UTF-8 for STRING, serialize() for BIG_DECIMAL). */
  byteLength(v: V): number;
  /** The bytes the dictionary / raw index stores for var-width types. */
  toBytes(v: V): Uint8Array;
  write(w: SpillWriter, v: V): void;
  read(r: SpillReader): V;
}

const negZeroKey = '-0';

export const INT_OPS: TypeOps<number> = {
  type: 'INT',
  fixedSize: 4,
  key: (v) => v,
  compare: (a, b) => a - b,
  byteLength: () => 4,
  toBytes: (v) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return b;
  },
  write: (w, v) => w.int32(v),
  read: (r) => r.int32(),
};

export const LONG_OPS: TypeOps<bigint> = {
  type: 'LONG',
  fixedSize: 8,
  key: (v) => v,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  byteLength: () => 8,
  toBytes: (v) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return b;
  },
  write: (w, v) => w.int64(v),
  read: (r) => r.int64(),
};

// Float.equals/Double.equals compare bit patterns: -0.0 != 0.0 and every NaN is one value.
const floatKey = (v: number): unknown => (Object.is(v, -0) ? negZeroKey : v);

export const FLOAT_OPS: TypeOps<number> = {
  type: 'FLOAT',
  fixedSize: 4,
  key: floatKey,
  compare: javaFloatCompare,
  byteLength: () => 4,
  toBytes: (v) => {
    const b = Buffer.alloc(4);
    b.writeFloatBE(v);
    return b;
  },
  write: (w, v) => w.float32(v),
  read: (r) => r.float32(),
};

export const DOUBLE_OPS: TypeOps<number> = {
  type: 'DOUBLE',
  fixedSize: 8,
  key: floatKey,
  compare: javaFloatCompare,
  byteLength: () => 8,
  toBytes: (v) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return b;
  },
  write: (w, v) => w.float64(v),
  read: (r) => r.float64(),
};

/** UTF-8 length as Java's Utf8.encodedLength / getBytes(UTF_8) counts it (lone surrogates: 1 byte '?'). */
export function utf8Length(s: string): number {
  return s.isWellFormed() ? Buffer.byteLength(s, 'utf8') : javaUtf8(s).length;
}

export const STRING_OPS: TypeOps<string> = {
  type: 'STRING',
  fixedSize: 0,
  key: (v) => v,
  // String.compareTo compares UTF-16 code units, as JS relational operators do.
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  byteLength: utf8Length,
  toBytes: (v) => javaUtf8(v),
  write: (w, v) => w.utf8(v),
  read: (r) => r.utf8(),
};

export const BYTES_OPS: TypeOps<Uint8Array> = {
  type: 'BYTES',
  fixedSize: 0,
  key: (v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1'),
  compare: byteArrayCompare,
  byteLength: (v) => v.length,
  toBytes: (v) => v,
  write: (w, v) => w.bytes(v),
  read: (r) => r.bytes(),
};
