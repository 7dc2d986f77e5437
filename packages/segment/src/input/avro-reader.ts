import avsc, { type Type } from 'avsc';

const { streams, types } = avsc;
import { createReadStream } from 'node:fs';
import { inflateRaw } from 'node:zlib';
import { uncompressSync } from 'snappy';

export interface AvroReaderOptions {
  signal?: AbortSignal;
}

/** Avro longs as bigint: JS numbers would lose precision above 2^53. Shared with the segment writer's buffer. */
export const BigIntLong = types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (v: number | string) => BigInt(v),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** Avro's snappy block codec: the compressed block followed by a big-endian CRC32 of the raw data. */
function snappyCodec(buf: Buffer, cb: (err: Error | null, out?: Buffer) => void): void {
  try {
    cb(null, uncompressSync(buf.subarray(0, buf.length - 4)) as Buffer);
  } catch (e) {
    cb(e as Error);
  }
}

/**
 * Records of an Avro object container file, streamed, with the values Pinot's
 * AvroRecordExtractor hands on: strings, bytes/fixed as Buffers, arrays, maps and nested
 * records as plain objects, unions resolved to their value, longs as bigint.
 */
export async function* readAvro(file: string, opts: AvroReaderOptions = {}): AsyncGenerator<Record<string, unknown>> {
  // A read stream of our own, so a missing or unreadable file rejects the iteration instead of
  // being an unhandled stream error.
  const source = createReadStream(file, opts.signal ? { signal: opts.signal } : {});
  const decoder = new streams.BlockDecoder({
    // Passing codecs replaces avsc's defaults, so null and deflate are listed too.
    codecs: { null: (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void) => cb(null, buf), deflate: inflateRaw, snappy: snappyCodec },
    parseHook: (schema: unknown) => avsc.Type.forSchema(schema as never, { registry: { long: BigIntLong as unknown as Type }, wrapUnions: false }),
  } as never);
  source.on('error', (e) => decoder.destroy(new Error(`${file}: ${e.message}`, { cause: e })));
  source.pipe(decoder);
  const onAbort = (): void => {
    decoder.destroy(opts.signal?.reason as Error);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const record of decoder as AsyncIterable<Record<string, unknown>>) yield { ...record };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
