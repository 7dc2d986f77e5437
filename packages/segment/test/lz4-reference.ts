// Test oracle: verbatim copy of the original src/writer/lz4-compress.ts (BigInt hash5 path), export renamed.
/**
 * LZ4 block compressor: a port of the reference C library's LZ4_compress_fast (acceleration 1,
 * lz4 1.9.x, 64-bit little-endian, LZ4_MEMORY_USAGE 14), which lz4-java's native
 * fastCompressor (what Pinot uses) calls. Same algorithm, same hash tables, so the same bytes:
 * inputs below 64 KB + 11 use the 16-bit table (hash4, 13 bits), larger ones the 32-bit table
 * (hash5 on 8-byte reads, 12 bits). Output is a raw LZ4 block (no frame, no length).
 */
const MINMATCH = 4;
const MFLIMIT = 12;
const LASTLITERALS = 5;
const LZ4_MIN_LENGTH = MFLIMIT + 1;
const HASHLOG = 12;
const SKIP_TRIGGER = 6;
const DISTANCE_MAX = 65535;
const LIMIT_64K = 65536 + (MFLIMIT - 1);
const PRIME4 = 2654435761;
const PRIME5 = 889523592379n;

export function lz4CompressBound(n: number): number {
  return n + Math.trunc(n / 255) + 16;
}

export function lz4CompressBlockReference(src: Uint8Array): Buffer {
  const n = src.length;
  const out = Buffer.alloc(lz4CompressBound(n));
  const u16 = n < LIMIT_64K;
  const table = u16 ? new Uint16Array(1 << (HASHLOG + 1)) : new Uint32Array(1 << HASHLOG);
  const read32 = (p: number): number =>
    ((src[p] as number) | ((src[p + 1] as number) << 8) | ((src[p + 2] as number) << 16) | ((src[p + 3] as number) << 24)) >>> 0;
  const hash = u16
    ? (p: number): number => Math.imul(read32(p), PRIME4) >>> (32 - (HASHLOG + 1))
    : (p: number): number => {
        // LZ4_hash5(read64(p)): ((seq << 24) * prime5bytes) >> (64 - hashLog), in 64-bit arithmetic.
        let seq = 0n;
        for (let k = 7; k >= 0; k--) seq = (seq << 8n) | BigInt(p + k < n ? (src[p + k] as number) : 0);
        return Number(BigInt.asUintN(64, BigInt.asUintN(64, seq << 24n) * PRIME5) >> BigInt(64 - HASHLOG));
      };
  let op = 0;
  let anchor = 0;
  const iend = n;
  const mflimitPlusOne = iend - MFLIMIT + 1;
  const matchlimit = iend - LASTLITERALS;

  const lastLiterals = (): Buffer => {
    const lastRun = iend - anchor;
    if (lastRun >= 15) {
      out[op++] = 15 << 4;
      let acc = lastRun - 15;
      for (; acc >= 255; acc -= 255) out[op++] = 255;
      out[op++] = acc;
    } else {
      out[op++] = lastRun << 4;
    }
    out.set(src.subarray(anchor, iend), op);
    op += lastRun;
    return out.subarray(0, op);
  };

  if (n < LZ4_MIN_LENGTH) return Buffer.from(lastLiterals());

  let ip = 0;
  table[hash(ip)] = ip;
  ip++;
  let forwardH = hash(ip);
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
      if (forwardIp > mflimitPlusOne) return Buffer.from(lastLiterals());
      match = matchIndex;
      forwardH = hash(forwardIp);
      table[h] = current;
      if (!u16 && matchIndex + DISTANCE_MAX < current) continue;
      if (read32(match) === read32(ip)) break;
    }
    // Catch up.
    while (ip > anchor && match > 0 && src[ip - 1] === src[match - 1]) {
      ip--;
      match--;
    }
    // Encode literals.
    const litLength = ip - anchor;
    let token = op++;
    if (litLength >= 15) {
      let len = litLength - 15;
      out[token] = 15 << 4;
      for (; len >= 255; len -= 255) out[op++] = 255;
      out[op++] = len;
    } else {
      out[token] = litLength << 4;
    }
    out.set(src.subarray(anchor, ip), op);
    op += litLength;
    for (;;) {
      // Encode offset.
      const offset = ip - match;
      out[op++] = offset & 0xff;
      out[op++] = offset >>> 8;
      // Encode match length.
      let a = ip + MINMATCH;
      let b = match + MINMATCH;
      while (a < matchlimit && src[a] === src[b]) {
        a++;
        b++;
      }
      let matchCode = a - (ip + MINMATCH);
      ip += matchCode + MINMATCH;
      if (matchCode >= 15) {
        out[token] = (out[token] as number) + 15;
        matchCode -= 15;
        for (; matchCode >= 255; matchCode -= 255) out[op++] = 255;
        out[op++] = matchCode;
      } else {
        out[token] = (out[token] as number) + matchCode;
      }
      anchor = ip;
      if (ip >= mflimitPlusOne) return Buffer.from(lastLiterals());
      // Fill table.
      table[hash(ip - 2)] = ip - 2;
      // Test next position.
      const h = hash(ip);
      const matchIndex = table[h] as number;
      table[h] = ip;
      if ((u16 || matchIndex + DISTANCE_MAX >= ip) && read32(matchIndex) === read32(ip)) {
        match = matchIndex;
        token = op++;
        out[token] = 0;
        continue;
      }
      break;
    }
    // Prepare next loop.
    forwardH = hash(++ip);
  }
}
