/** Adler-32 (java.util.zip.Adler32), incremental. */
export class Adler32 {
  private a = 1;
  private b = 0;

  update(buf: Uint8Array): this {
    const MOD = 65521;
    let a = this.a;
    let b = this.b;
    let i = 0;
    while (i < buf.length) {
      // 5552 is the largest n such that the sums cannot overflow 2^53 (well within; zlib's NMAX).
      const end = Math.min(i + 5552, buf.length);
      for (; i < end; i++) {
        a += buf[i] as number;
        b += a;
      }
      a %= MOD;
      b %= MOD;
    }
    this.a = a;
    this.b = b;
    return this;
  }

  /** The unsigned 32-bit value. */
  value(): number {
    return ((this.b << 16) | this.a) >>> 0;
  }
}

export function adler32(...parts: Uint8Array[]): number {
  const c = new Adler32();
  for (const p of parts) c.update(p);
  return c.value();
}

/** v1 file-name suffixes Pinot's CrcUtils counts as data files for the data CRC. */
export const DATA_FILE_EXTENSIONS = ['.fwd', '.dict'];

/**
 * Pinot's CRC (CrcUtils.computeCrc / computeDataCrc) over named v1 files: Adler32 over the files'
 * bytes in sorted name order, skipping `creation.meta` and `*.crc`.
 */
export function pinotCrc(files: Array<{ name: string; bytes: Uint8Array }>, dataOnly = false): number {
  const chosen = files
    .filter((f) => f.name !== 'creation.meta' && !f.name.endsWith('.crc'))
    .filter((f) => !dataOnly || DATA_FILE_EXTENSIONS.some((ext) => f.name.endsWith(ext)))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return adler32(...chosen.map((f) => f.bytes));
}
