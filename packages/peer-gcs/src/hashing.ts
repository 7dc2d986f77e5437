import { createHash, type Hash } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';
import { errors } from './errors.js';

/** base64 of the big-endian uint32, as in `crc32c` of object resources and `x-goog-hash`. */
export function crc32cToBase64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b.toString('base64');
}

/** Running CRC32C and MD5 of a byte stream; can be copied at any point (for resumable checkpoints). */
export class ContentHasher {
  crc: number;
  length: number;
  private readonly md5: Hash;

  constructor(crc = 0, length = 0, md5?: Hash) {
    this.crc = crc;
    this.length = length;
    this.md5 = md5 ?? createHash('md5');
  }

  update(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.crc = crc32c(chunk, this.crc);
    this.md5.update(chunk);
    this.length += chunk.length;
  }

  copy(): ContentHasher {
    return new ContentHasher(this.crc, this.length, this.md5.copy());
  }

  /** Base64 digests; does not consume this hasher. */
  digest(): { crc32c: string; md5Hash: string } {
    return { crc32c: crc32cToBase64(this.crc), md5Hash: this.md5.copy().digest('base64') };
  }
}

export interface ExpectedHashes {
  crc32c?: string;
  md5Hash?: string;
}

/** Parses `x-goog-hash: crc32c=<b64>,md5=<b64>` (several headers are joined with ", "). */
export function parseXGoogHash(value: string | undefined): ExpectedHashes {
  const out: ExpectedHashes = {};
  if (!value) return out;
  for (const part of value.split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim().toLowerCase();
    const v = item.slice(eq + 1).trim();
    if (key === 'crc32c') out.crc32c = v;
    else if (key === 'md5') out.md5Hash = v;
  }
  return out;
}

function decodedLength(b64: string): number | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  return Buffer.from(b64, 'base64').length;
}

/** Validates the syntax of client-supplied hashes (400 on a malformed value). */
export function checkHashSyntax(h: ExpectedHashes): void {
  if (h.crc32c !== undefined && decodedLength(h.crc32c) !== 4) {
    throw errors.invalid(`Invalid crc32c value: "${h.crc32c}".`);
  }
  if (h.md5Hash !== undefined && decodedLength(h.md5Hash) !== 16) {
    throw errors.invalid(`Invalid md5Hash value: "${h.md5Hash}".`);
  }
}

/** Merges two sets of expectations; a conflict between them is itself a mismatch reported later. */
export function mergeExpected(a: ExpectedHashes, b: ExpectedHashes): ExpectedHashes[] {
  return [a, b].filter((h) => h.crc32c !== undefined || h.md5Hash !== undefined);
}

/** 400 if any expectation disagrees with what was received. */
export function verifyHashes(expected: ExpectedHashes[], actual: { crc32c: string; md5Hash: string }): void {
  for (const e of expected) {
    if (e.crc32c !== undefined && e.crc32c !== actual.crc32c) {
      throw errors.invalid(`Provided CRC32C "${e.crc32c}" doesn't match calculated CRC32C "${actual.crc32c}".`);
    }
    if (e.md5Hash !== undefined && e.md5Hash !== actual.md5Hash) {
      throw errors.invalid(`Provided MD5 hash "${e.md5Hash}" doesn't match calculated MD5 hash "${actual.md5Hash}".`);
    }
  }
}
