import { open, type FileHandle } from 'node:fs/promises';
import { SegmentFormatError } from './errors.js';
import type { IndexMapEntry } from './index-map.js';

/** The 8-byte marker Pinot writes before every index buffer in columns.psf. */
export const PSF_MAGIC = 0xdeadbeefdeafbeadn;
export const PSF_MAGIC_SIZE = 8;

/** Random access to the index buffers of a v3 `columns.psf`. */
export class ColumnsPsf {
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly fileSize: number,
    readonly entries: IndexMapEntry[],
  ) {}

  /** Opens columns.psf and checks every index_map entry's bounds and magic marker. */
  static async open(path: string, entries: IndexMapEntry[]): Promise<ColumnsPsf> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const psf = new ColumnsPsf(fh, path, size, entries);
      for (const e of entries) await psf.check(e);
      return psf;
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  private async check(e: IndexMapEntry): Promise<void> {
    const name = `${e.column}.${e.indexId}`;
    if (e.size < PSF_MAGIC_SIZE) {
      throw new SegmentFormatError(`columns.psf: index ${name} has size ${e.size}, smaller than its 8-byte magic marker`);
    }
    if (e.startOffset + e.size > this.fileSize) {
      throw new SegmentFormatError(
        `columns.psf: index ${name} (offset ${e.startOffset}, size ${e.size}) ends at ${e.startOffset + e.size}, ` +
          `past the end of columns.psf (${this.fileSize} bytes): the file is truncated or index_map is wrong`,
      );
    }
    const magic = Buffer.alloc(PSF_MAGIC_SIZE);
    await this.fh.read(magic, 0, PSF_MAGIC_SIZE, e.startOffset);
    const got = magic.readBigUInt64BE(0);
    if (got !== PSF_MAGIC) {
      throw new SegmentFormatError(
        `columns.psf: index ${name} at offset ${e.startOffset} has magic 0x${got.toString(16).padStart(16, '0')}, ` +
          `expected 0x${PSF_MAGIC.toString(16)}`,
      );
    }
  }

  find(column: string, indexId: string): IndexMapEntry | undefined {
    return this.entries.find((e) => e.column === column && e.indexId === indexId);
  }

  /** Reads one index's payload (without the magic marker). */
  async read(column: string, indexId: string): Promise<Buffer> {
    const e = this.find(column, indexId);
    if (!e) throw new SegmentFormatError(`columns.psf: no ${indexId} for column '${column}' in index_map`);
    const len = e.size - PSF_MAGIC_SIZE;
    const buf = Buffer.alloc(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, e.startOffset + PSF_MAGIC_SIZE);
    if (bytesRead !== len) {
      throw new SegmentFormatError(`columns.psf: short read of index ${column}.${indexId} (${bytesRead} of ${len} bytes)`);
    }
    return buf;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
