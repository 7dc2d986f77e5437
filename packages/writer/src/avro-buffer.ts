import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import avsc, { type Type } from 'avsc';
import { avroBigIntLong, bigDecimalToString, isBigDecimal, type FieldSpec, type PinotSchema } from '@deepstore/segment';

const { streams } = avsc;


function avroType(f: FieldSpec): unknown {
  let t: unknown;
  switch (f.storedType) {
    case 'INT':
      t = 'int';
      break;
    case 'LONG':
      t = 'long';
      break;
    case 'FLOAT':
      t = 'float';
      break;
    case 'DOUBLE':
      t = 'double';
      break;
    case 'BYTES':
      t = 'bytes';
      break;
    default:
      // STRING, JSON, and BIG_DECIMAL as BigDecimal.toString() (exact, scale included).
      t = 'string';
  }
  // Nullable, unlike Pinot's buffer: a null marker survives the buffer and becomes the null vector.
  return ['null', f.singleValue ? t : { type: 'array', items: t }];
}

/**
 * The Avro schema of the buffer (SegmentProcessorAvroUtils.convertPinotSchemaToAvroSchema: one
 * record, fields sorted by name). Avro names cannot hold every Pinot column name (`$ts$DAY`),
 * so fields are named c0, c1, ... and `columns` maps them back.
 */
export function bufferSchema(schema: PinotSchema): { type: Type; columns: Record<string, string>; fields: FieldSpec[] } {
  const fields = [...schema.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const columns: Record<string, string> = {};
  const avroFields = fields.map((f, i) => {
    columns[`c${i}`] = f.name;
    return { name: `c${i}`, type: avroType(f), doc: f.name };
  });
  const type = avsc.Type.forSchema({ type: 'record', name: 'record', fields: avroFields } as never, { registry: { long: avroBigIntLong as unknown as Type } });
  return { type, columns, fields };
}

/** A stored value as the buffer writes it. */
export function toAvroValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toAvroValue);
  if (isBigDecimal(v)) return bigDecimalToString(v);
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
}

/**
 * The row buffer: Avro object container files in the staging directory. Rows append to the
 * open part; flush seals it and builds from every sealed part, which are deleted only once the
 * segment is safely at its destination, so a failed flush loses nothing and rows collected
 * after it go to a new part.
 */
export class AvroBuffer {
  private encoder: InstanceType<typeof streams.BlockEncoder> | undefined;
  private file: WriteStream | undefined;
  private openPart: string | undefined;
  private readonly sealed: string[] = [];
  private readonly partRows = new Map<string, number>();
  private partSeq = 0;
  private openRows = 0;
  private sealedRows = 0;
  /** A write error of the open part (disk full, staging dir removed): reported by the next call. */
  private failure: Error | undefined;

  constructor(
    private readonly dir: string,
    private readonly type: Type,
  ) {}

  get rowCount(): number {
    return this.sealedRows + this.openRows;
  }

  /** Appends records; resolves when the encoder can take more. */
  async append(records: readonly Record<string, unknown>[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.encoder) {
      this.openPart = join(this.dir, `part-${String(this.partSeq++).padStart(6, '0')}.avro`);
      this.encoder = new streams.BlockEncoder(this.type, { codec: 'null', blockSize: 1 << 20 } as never);
      this.file = createWriteStream(this.openPart);
      const onError = (e: Error): void => {
        this.failure ??= new Error(`segment writer buffer ${this.openPart}: ${e.message}`, { cause: e });
      };
      this.encoder.on('error', onError);
      this.file.on('error', onError);
      this.encoder.pipe(this.file);
    }
    let ok = true;
    for (const r of records) ok = this.encoder.write(r);
    this.openRows += records.length;
    if (!ok) await once(this.encoder, 'drain');
    if (this.failure) throw this.failure;
  }

  /**
   * Detaches the open part at once (rows collected from now on go to a new part) and resolves
   * when it is closed on disk. The part joins the unclaimed parts that the next claim() takes.
   */
  seal(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.encoder) return Promise.resolve();
    const enc = this.encoder;
    const file = this.file as WriteStream;
    const part = this.openPart as string;
    const rows = this.openRows;
    this.encoder = undefined;
    this.file = undefined;
    this.openPart = undefined;
    this.openRows = 0;
    const done = new Promise<void>((resolve, reject) => {
      enc.once('error', reject);
      file.once('error', reject);
      // The part is complete once the file stream behind the encoder has closed.
      file.once('close', resolve);
    });
    enc.end();
    return done.then(() => {
      this.sealed.push(part);
      this.partRows.set(part, rows);
      this.sealedRows += rows;
    });
  }

  /** Takes every sealed, unclaimed part for one build. */
  claim(): { parts: string[]; rows: number } {
    const parts = this.sealed.splice(0);
    const rows = parts.reduce((n, p) => n + (this.partRows.get(p) ?? 0), 0);
    this.sealedRows -= rows;
    return { parts, rows };
  }

  /** Gives parts back after a failed build: the next claim() takes them again, first. */
  unclaim(parts: readonly string[]): void {
    this.sealed.unshift(...parts);
    for (const p of parts) this.sealedRows += this.partRows.get(p) ?? 0;
  }

  /** Deletes parts whose rows are safely in a segment at its destination. */
  async drop(parts: readonly string[]): Promise<void> {
    for (const p of parts) this.partRows.delete(p);
    await Promise.all(parts.map((p) => rm(p, { force: true })));
  }

  async close(): Promise<void> {
    const enc = this.encoder;
    const file = this.file;
    this.encoder = undefined;
    this.file = undefined;
    enc?.destroy();
    if (file && !file.closed) {
      const closed = once(file, 'close');
      file.destroy();
      await closed;
    }
  }
}
