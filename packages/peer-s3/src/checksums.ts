import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

/** Incremental hash with a binary digest (big-endian for CRCs, as S3 encodes them). */
export interface Hasher {
  update(chunk: Buffer): void;
  digest(): Buffer;
}

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Binary digest length per algorithm, to validate base64 values. */
export const DIGEST_LENGTH: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };

export function isChecksumAlgorithm(s: string): s is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(s);
}

function nodeHash(name: string): Hasher {
  const h = createHash(name);
  return { update: (c) => void h.update(c), digest: () => h.digest() };
}

class Crc32 implements Hasher {
  private crc = 0;
  update(chunk: Buffer): void {
    this.crc = zlib.crc32(chunk, this.crc);
  }
  digest(): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.crc >>> 0);
    return b;
  }
}

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, slicing-by-8 tables.
const CRC32C_TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = t0[i]!;
    for (let t = 1; t < 8; t++) {
      c = (c >>> 8) ^ t0[c & 0xff]!;
      tables[t]![i] = c >>> 0;
    }
  }
  return tables;
})();

class Crc32c implements Hasher {
  private crc = 0xffffffff;
  update(buf: Buffer): void {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C_TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    let crc = this.crc;
    let i = 0;
    const n = buf.length;
    for (; i + 8 <= n; i += 8) {
      const a = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) ^ crc;
      crc =
        t7[a & 0xff]! ^
        t6[(a >>> 8) & 0xff]! ^
        t5[(a >>> 16) & 0xff]! ^
        t4[a >>> 24]! ^
        t3[buf[i + 4]!]! ^
        t2[buf[i + 5]!]! ^
        t1[buf[i + 6]!]! ^
        t0[buf[i + 7]!]!;
    }
    for (; i < n; i++) crc = (crc >>> 8) ^ t0[(crc ^ buf[i]!) & 0xff]!;
    this.crc = crc >>> 0;
  }
  digest(): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return b;
  }
}

// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5, kept as two 32-bit halves.
const CRC64_TABLE_LO = new Uint32Array(256);
const CRC64_TABLE_HI = new Uint32Array(256);
(() => {
  const polyLo = 0xac4bc9b5;
  const polyHi = 0x9a6c9329;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC64_TABLE_LO[i] = lo;
    CRC64_TABLE_HI[i] = hi;
  }
})();

class Crc64Nvme implements Hasher {
  private lo = 0xffffffff;
  private hi = 0xffffffff;
  update(buf: Buffer): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < buf.length; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_TABLE_LO[idx]!) >>> 0;
      hi = ((hi >>> 8) ^ CRC64_TABLE_HI[idx]!) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
  }
  digest(): Buffer {
    const b = Buffer.alloc(8);
    b.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    b.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return b;
  }
}

export function createHasher(algorithm: ChecksumAlgorithm | 'md5'): Hasher {
  switch (algorithm) {
    case 'md5':
      return nodeHash('md5');
    case 'sha1':
      return nodeHash('sha1');
    case 'sha256':
      return nodeHash('sha256');
    case 'crc32':
      return new Crc32();
    case 'crc32c':
      return new Crc32c();
    case 'crc64nvme':
      return new Crc64Nvme();
  }
}

export function checksumOf(algorithm: ChecksumAlgorithm | 'md5', data: Buffer): Buffer {
  const h = createHasher(algorithm);
  h.update(data);
  return h.digest();
}

/** How S3 names the algorithm in messages ("The CRC32 you specified did not match ..."). */
export function algorithmLabel(algorithm: ChecksumAlgorithm): string {
  return algorithm.toUpperCase();
}
