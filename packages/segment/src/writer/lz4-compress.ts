/**
 * LZ4 block compressor: a port of the reference C library's LZ4_compress_fast (acceleration 1,
 * lz4 1.9.x, 64-bit little-endian, LZ4_MEMORY_USAGE 14), which lz4-java's native
 * fastCompressor (what Pinot uses) calls. Same algorithm, same hash tables, so the same bytes:
 * inputs below 64 KB + 11 use the 16-bit table (hash4, 13 bits), larger ones the 32-bit table
 * (hash5 on 8-byte reads, 12 bits). Output is a raw LZ4 block (no frame, no length).
 *
 * Speed notes (output is byte-identical to the straightforward port, see test/lz4-reference.ts):
 * - LZ4_hash5's 64-bit product is computed exactly with 16/24-bit limbs and Math.imul (no BigInt);
 * - 4-byte reads go through a DataView, match lengths are extended 4 bytes at a time;
 * - the hash table and the output scratch buffer are module-level and reused (the table is
 *   zeroed per call, which is what a freshly allocated table is); the result is a fresh copy.
 */
const MINMATCH = 4;
const MFLIMIT = 12;
const LASTLITERALS = 5;
const LZ4_MIN_LENGTH = MFLIMIT + 1;
const HASHLOG = 12;
const SKIP_TRIGGER = 6;
const DISTANCE_MAX = 65535;
const LIMIT_64K = 65536 + (MFLIMIT - 1);
/** 2654435761 as an int32, for Math.imul. */
const PRIME4 = 2654435761 | 0;
/**
 * LZ4_hash5's prime 889523592379 = 0xCF1BBCDCBB split as PRIME5_HI * 2^16 + PRIME5_LO.
 * hash5(p) = ((x << 24) * prime) mod 2^64 >> 52 with x the 5 bytes at p (40 bits), i.e. bits
 * 28..39 of (x * prime) mod 2^40. With x = x0 + x1 * 2^16 (x0: 16 bits, x1: 24 bits):
 *   floor(x * prime / 2^16) = floor(x0*LO / 2^16) + x0*HI + x1*LO + x1*HI * 2^16
 * and only that sum's bits 12..23 are wanted, so every term may be taken mod 2^32 (Math.imul).
 */
const PRIME5_LO = 0xdcbb;
const PRIME5_HI = 0xcf1bbc;

/** Hash tables, shared by all calls: 8192 16-bit positions (hash4), 4096 32-bit ones (hash5). */
const TABLE16 = new Uint16Array(1 << (HASHLOG + 1));
const TABLE32 = new Int32Array(1 << HASHLOG);
/** Output scratch, grown on demand; results are copied out of it. */
let scratch = new Uint8Array(1 << 16);

export function lz4CompressBound(n: number): number {
  return n + Math.trunc(n / 255) + 16;
}

export function lz4CompressBlock(src: Uint8Array): Buffer {
  const n = src.length;
  const bound = lz4CompressBound(n);
  if (scratch.length < bound) scratch = new Uint8Array(bound);
  const out = scratch;
  let op: number;
  if (n < LZ4_MIN_LENGTH) {
    op = lastLiterals(src, 0, n, out, 0);
  } else {
    const dv = new DataView(src.buffer, src.byteOffset, n);
    if (n < LIMIT_64K) {
      TABLE16.fill(0);
      op = compress64k(src, dv, n, out);
    } else {
      TABLE32.fill(0);
      op = compressLarge(src, dv, n, out);
    }
  }
  const result = Buffer.allocUnsafe(op);
  result.set(out.subarray(0, op));
  return result;
}

/** LZ4_hash4 for the 16-bit table (hashLog 13). */
function hash4(dv: DataView, p: number): number {
  return Math.imul(dv.getInt32(p, true), PRIME4) >>> (32 - (HASHLOG + 1));
}

/** LZ4_hash5 (64-bit) for the 32-bit table (hashLog 12), exactly, in 32-bit integer arithmetic. */
function hash5(dv: DataView, p: number): number {
  const x0 = dv.getUint16(p, true);
  const x1 = dv.getInt32(p + 2, true) & 0xffffff;
  const s =
    ((Math.imul(x0, PRIME5_LO) >>> 16) +
      Math.imul(x0, PRIME5_HI) +
      Math.imul(x1, PRIME5_LO) +
      (Math.imul(x1, PRIME5_HI) << 16)) |
    0;
  return (s >>> 12) & ((1 << HASHLOG) - 1);
}

/** Number of equal bytes at a and b (b < a), stopping at limit (for a); a < limit on entry. */
function countMatch(src: Uint8Array, dv: DataView, a: number, b: number, limit: number): number {
  const start = a;
  const limit4 = limit - 3;
  while (a < limit4) {
    const diff = dv.getInt32(a, true) ^ dv.getInt32(b, true);
    if (diff !== 0) return a - start + ((31 - Math.clz32(diff & -diff)) >>> 3);
    a += 4;
    b += 4;
  }
  while (a < limit && src[a] === src[b]) {
    a++;
    b++;
  }
  return a - start;
}

/** Copies src[from, to) to out at op; returns the new op. */
function copyBytes(src: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  if (to - from < 32) {
    while (from < to) out[op++] = src[from++] as number;
    return op;
  }
  out.set(src.subarray(from, to), op);
  return op + (to - from);
}

/** The final literals-only sequence, src[anchor, iend); returns the new op. */
function lastLiterals(src: Uint8Array, anchor: number, iend: number, out: Uint8Array, op: number): number {
  const lastRun = iend - anchor;
  if (lastRun >= 15) {
    out[op++] = 15 << 4;
    let acc = lastRun - 15;
    for (; acc >= 255; acc -= 255) out[op++] = 255;
    out[op++] = acc;
  } else {
    out[op++] = lastRun << 4;
  }
  return copyBytes(src, anchor, iend, out, op);
}

/** Writes a sequence's token (literal length in the high nibble) and extra length bytes at op; returns the new op. */
function writeLiteralLength(out: Uint8Array, op: number, litLength: number): number {
  if (litLength >= 15) {
    let len = litLength - 15;
    out[op++] = 15 << 4;
    for (; len >= 255; len -= 255) out[op++] = 255;
    out[op++] = len;
  } else {
    out[op++] = litLength << 4;
  }
  return op;
}

/** Writes the match length's extra bytes (the token's low nibble is set by the caller). */
function writeMatchLength(out: Uint8Array, op: number, matchCode: number): number {
  matchCode -= 15;
  for (; matchCode >= 255; matchCode -= 255) out[op++] = 255;
  out[op++] = matchCode;
  return op;
}

/** Inputs below 64 KB + 11: byU16 table, hash4, no distance check. Returns the output length. */
function compress64k(src: Uint8Array, dv: DataView, n: number, out: Uint8Array): number {
  const table = TABLE16;
  const iend = n;
  const mflimitPlusOne = iend - MFLIMIT + 1;
  const matchlimit = iend - LASTLITERALS;
  let op = 0;
  let anchor = 0;
  let ip = 0;
  table[hash4(dv, ip)] = ip;
  ip++;
  let forwardH = hash4(dv, ip);
  let match: number;
  for (;;) {
    // Find a match.
    let forwardIp = ip;
    let step = 1;
    let searchMatchNb = 1 << SKIP_TRIGGER;
    for (;;) {
      const h = forwardH;
      const current = forwardIp;
      const matchIndex = table[h] as number;
      ip = forwardIp;
      forwardIp += step;
      step = searchMatchNb++ >> SKIP_TRIGGER;
      if (forwardIp > mflimitPlusOne) return lastLiterals(src, anchor, iend, out, op);
      match = matchIndex;
      forwardH = hash4(dv, forwardIp);
      table[h] = current;
      if (dv.getInt32(match, true) === dv.getInt32(ip, true)) break;
    }
    // Catch up.
    while (ip > anchor && match > 0 && src[ip - 1] === src[match - 1]) {
      ip--;
      match--;
    }
    // Encode literals.
    let token = op;
    op = copyBytes(src, anchor, ip, out, writeLiteralLength(out, op, ip - anchor));
    for (;;) {
      // Encode offset.
      const offset = ip - match;
      out[op++] = offset & 0xff;
      out[op++] = offset >>> 8;
      // Encode match length.
      const matchCode = countMatch(src, dv, ip + MINMATCH, match + MINMATCH, matchlimit);
      ip += matchCode + MINMATCH;
      if (matchCode >= 15) {
        out[token] = (out[token] as number) + 15;
        op = writeMatchLength(out, op, matchCode);
      } else {
        out[token] = (out[token] as number) + matchCode;
      }
      anchor = ip;
      if (ip >= mflimitPlusOne) return lastLiterals(src, anchor, iend, out, op);
      // Fill table.
      table[hash4(dv, ip - 2)] = ip - 2;
      // Test next position.
      const h = hash4(dv, ip);
      const matchIndex = table[h] as number;
      table[h] = ip;
      if (dv.getInt32(matchIndex, true) === dv.getInt32(ip, true)) {
        match = matchIndex;
        token = op++;
        out[token] = 0;
        continue;
      }
      break;
    }
    // Prepare next loop.
    forwardH = hash4(dv, ++ip);
  }
}

/** Inputs of 64 KB + 11 and more: byU32 table, hash5, 64 KB window. Returns the output length. */
function compressLarge(src: Uint8Array, dv: DataView, n: number, out: Uint8Array): number {
  const table = TABLE32;
  const iend = n;
  const mflimitPlusOne = iend - MFLIMIT + 1;
  const matchlimit = iend - LASTLITERALS;
  let op = 0;
  let anchor = 0;
  let ip = 0;
  table[hash5(dv, ip)] = ip;
  ip++;
  let forwardH = hash5(dv, ip);
  let match: number;
  for (;;) {
    // Find a match.
    let forwardIp = ip;
    let step = 1;
    let searchMatchNb = 1 << SKIP_TRIGGER;
    for (;;) {
      const h = forwardH;
      const current = forwardIp;
      const matchIndex = table[h] as number;
      ip = forwardIp;
      forwardIp += step;
      step = searchMatchNb++ >> SKIP_TRIGGER;
      if (forwardIp > mflimitPlusOne) return lastLiterals(src, anchor, iend, out, op);
      match = matchIndex;
      forwardH = hash5(dv, forwardIp);
      table[h] = current;
      if (matchIndex + DISTANCE_MAX < current) continue;
      if (dv.getInt32(match, true) === dv.getInt32(ip, true)) break;
    }
    // Catch up.
    while (ip > anchor && match > 0 && src[ip - 1] === src[match - 1]) {
      ip--;
      match--;
    }
    // Encode literals.
    let token = op;
    op = copyBytes(src, anchor, ip, out, writeLiteralLength(out, op, ip - anchor));
    for (;;) {
      // Encode offset.
      const offset = ip - match;
      out[op++] = offset & 0xff;
      out[op++] = offset >>> 8;
      // Encode match length.
      const matchCode = countMatch(src, dv, ip + MINMATCH, match + MINMATCH, matchlimit);
      ip += matchCode + MINMATCH;
      if (matchCode >= 15) {
        out[token] = (out[token] as number) + 15;
        op = writeMatchLength(out, op, matchCode);
      } else {
        out[token] = (out[token] as number) + matchCode;
      }
      anchor = ip;
      if (ip >= mflimitPlusOne) return lastLiterals(src, anchor, iend, out, op);
      // Fill table.
      table[hash5(dv, ip - 2)] = ip - 2;
      // Test next position.
      const h = hash5(dv, ip);
      const matchIndex = table[h] as number;
      table[h] = ip;
      if (matchIndex + DISTANCE_MAX >= ip && dv.getInt32(matchIndex, true) === dv.getInt32(ip, true)) {
        match = matchIndex;
        token = op++;
        out[token] = 0;
        continue;
      }
      break;
    }
    // Prepare next loop.
    forwardH = hash5(dv, ++ip);
  }
}
