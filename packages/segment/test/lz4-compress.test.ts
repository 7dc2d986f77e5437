import { describe, expect, it } from 'vitest';
import { lz4DecodeBlock } from '../src/lz4.js';
import { lz4CompressBlock, lz4CompressBound } from '../src/writer/lz4-compress.js';
import { lz4CompressBlockReference } from './lz4-reference.js';
import { rng, int } from './helpers/rng.js';

/**
 * The optimised compressor (no BigInt, DataView reads, reused tables and scratch) must write the
 * same bytes as the straightforward port it replaced (test/lz4-reference.ts, itself checked against
 * Pinot/lz4-java output by the writer fixture tests), and its blocks must decode.
 */

/** mulberry32: a small seeded PRNG. */

function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b;
}

/** Bytes from a small alphabet (skewed), i.e. low entropy but few long matches. */
function lowEntropy(r: () => number, n: number, symbols: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 0x30 + int(r, symbols) * int(r, 2);
  return b;
}

/** Runs of one byte with random lengths (some very long: long match lengths, 255-byte length bytes). */
function runs(r: () => number, n: number, maxRun: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; ) {
    const len = Math.min(n - i, 1 + int(r, maxRun));
    b.fill(int(r, 4), i, i + len);
    i += len;
  }
  return b;
}

const WORDS = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'pinot', 'segment', 'forward', 'index', 'chunk', 'the', 'a'];

/** Repetitive text: words, and now and then a copy of an earlier stretch with a few mutations. */
function text(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  let i = 0;
  while (i < n) {
    if (i > 64 && r() < 0.1) {
      const from = i - 1 - int(r, Math.min(i - 1, 100_000));
      const len = Math.min(n - i, 4 + int(r, 300));
      b.copyWithin(i, from, from + len);
      for (let k = 0; k < 3; k++) if (r() < 0.5) b[i + int(r, len)] = 0x41 + int(r, 26);
      i += len;
    } else {
      const w = Buffer.from(`${WORDS[int(r, WORDS.length)]}${r() < 0.2 ? '. ' : ' '}`);
      i += w.copy(b, i);
    }
  }
  return b;
}

/** CSV-like rows, as a STRING raw forward index chunk would hold them. */
function csv(r: () => number, n: number): Buffer {
  const rows: string[] = [];
  let len = 0;
  for (let id = 1_000_000; len < n; id++) {
    const row =
      `${id},${WORDS[int(r, WORDS.length)]}.${WORDS[int(r, WORDS.length)]}@example.com,` +
      `${['US', 'DE', 'FR', 'IN', 'JP'][int(r, 5)]},2024-0${1 + int(r, 9)}-${10 + int(r, 18)}T${10 + int(r, 13)}:` +
      `${10 + int(r, 49)}:00Z,${(r() * 1000).toFixed(2)},sku_${int(r, 100_000)}\n`;
    rows.push(row);
    len += row.length;
  }
  return Buffer.from(rows.join('')).subarray(0, n);
}

/** Random bytes, then copies of earlier stretches at chosen distances (around the 64 KB window). */
function distances(r: () => number, n: number, ds: readonly number[]): Buffer {
  const b = randomBytes(r, n);
  for (let i = 0; i < n; ) {
    const d = ds[int(r, ds.length)] as number;
    const len = Math.min(n - i, 8 + int(r, 64));
    if (i >= d) b.copyWithin(i, i - d, i - d + len);
    i += len + int(r, 512);
  }
  return b;
}

/** Pieces of the other kinds, so one block switches between compressible and incompressible. */
function mixed(r: () => number, n: number): Buffer {
  const parts: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const m = Math.min(n - len, 1 + int(r, 40_000));
    const k = int(r, 5);
    parts.push(
      k === 0 ? randomBytes(r, m) : k === 1 ? text(r, m) : k === 2 ? runs(r, m, 2000) : k === 3 ? lowEntropy(r, m, 3) : csv(r, m),
    );
    len += m;
  }
  return Buffer.concat(parts);
}

const GENERATORS: Record<string, (r: () => number, n: number) => Buffer> = {
  random: randomBytes,
  zeros: (_r, n) => Buffer.alloc(n),
  text,
  csv,
  lowEntropy2: (r, n) => lowEntropy(r, n, 2),
  lowEntropy16: (r, n) => lowEntropy(r, n, 16),
  runs: (r, n) => runs(r, n, 100),
  longRuns: (r, n) => runs(r, n, 200_000),
  period: (r, n) => {
    const p = 1 + int(r, 40);
    const unit = randomBytes(r, p);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = unit[i % p] as number;
    return b;
  },
  window: (r, n) => distances(r, n, [1, 4, 65_534, 65_535, 65_536, 65_537, 70_000]),
  mixed,
};

/** Compresses with both implementations; checks equal bytes and that the block decodes back. */
function check(src: Uint8Array, what: string): void {
  const want = lz4CompressBlockReference(src);
  const got = lz4CompressBlock(src);
  if (!got.equals(want)) {
    let i = 0;
    while (i < got.length && got[i] === want[i]) i++;
    const sizes = `${got.length} vs ${want.length} bytes`;
    expect.fail(`${what} (${src.length} bytes): output differs from the reference at byte ${i} (${sizes})`);
  }
  expect(got.length).toBeLessThanOrEqual(lz4CompressBound(src.length));
  const back = lz4DecodeBlock(got, src.length);
  if (!back.equals(src)) expect.fail(`${what} (${src.length} bytes): does not round-trip`);
}

// Small sizes around LZ4_MIN_LENGTH (13), the 64 KB table switch (65536 + 11 = 65547) and 2^16.
const BOUNDARY_SIZES = [
  0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 31, 32, 33, 255, 256, 270, 271, 4096,
  65_535, 65_536, 65_537, 65_545, 65_546, 65_547, 65_548, 65_549, 65_560, 131_071, 131_072, 131_073,
];

describe('lz4CompressBlock matches the reference port byte for byte', () => {
  for (const [name, gen] of Object.entries(GENERATORS)) {
    it(`${name}: boundary sizes`, () => {
      const r = rng(name.length * 7919 + 1);
      for (const n of BOUNDARY_SIZES) check(gen(r, n), `${name}`);
    });
    it(`${name}: random sizes up to 300 KB`, () => {
      const r = rng(name.length * 104_729 + 17);
      for (let k = 0; k < 12; k++) {
        const n = k < 6 ? int(r, 70_000) : int(r, 300_000);
        check(gen(r, n), `${name}`);
      }
    });
  }

  it('every size 0..300 on several kinds', () => {
    const r = rng(42);
    for (let n = 0; n <= 300; n++) {
      for (const name of ['random', 'text', 'lowEntropy2', 'runs', 'period']) check(GENERATORS[name]!(r, n), `${name}`);
    }
  });

  it('1 MB chunks (the raw forward index chunk size)', () => {
    const r = rng(1_000_003);
    for (const name of ['csv', 'text', 'random', 'lowEntropy16', 'window', 'mixed', 'zeros', 'longRuns']) {
      check(GENERATORS[name]!(r, 1 << 20), `${name}`);
    }
  });

  it('3 MB inputs', () => {
    const r = rng(3_000_017);
    for (const name of ['csv', 'mixed', 'random']) check(GENERATORS[name]!(r, 3 << 20), `${name}`);
    check(GENERATORS.mixed!(r, (3 << 20) - 1), 'mixed');
  });

  it('matches at the edge of the 64 KB window (after a match and in the search loop)', () => {
    const marker = Buffer.from('Zq7#kP2!xW9@mN4$', 'latin1');
    const noise = Buffer.from('0123456789abcdefghij', 'latin1');
    for (const n of [70_000, 1 << 20]) {
      for (const d of [65_533, 65_534, 65_535, 65_536, 65_537]) {
        for (const again of [marker, marker.subarray(0, 5), marker.subarray(0, 6)]) {
          // Zeros end a long offset-1 match exactly at d, where (a prefix of) the marker from
          // position 0 recurs: the "test next position" step sees a candidate exactly d back.
          const afterMatch = Buffer.alloc(n);
          marker.copy(afterMatch, 0);
          again.copy(afterMatch, d);
          noise.copy(afterMatch, d + again.length);
          check(afterMatch, `${again.length} marker bytes again at ${d} after a match`);
          // Literals before d: the candidate is met by the search loop instead.
          const inSearch = Buffer.from(afterMatch);
          noise.copy(inSearch, d - noise.length);
          check(inSearch, `${again.length} marker bytes again at ${d} after literals`);
        }
      }
    }
  });

  it('views at odd byte offsets and plain Uint8Arrays', () => {
    const r = rng(99);
    for (const n of [13, 100, 5000, 65_546, 65_547, 200_001]) {
      const big = Buffer.concat([randomBytes(r, 7), mixed(r, n), randomBytes(r, 9)]);
      for (const off of [1, 2, 3, 5, 7]) check(big.subarray(off, off + n), `subarray at ${off}`);
      const u8 = new Uint8Array(n + 3);
      u8.set(big.subarray(7, 7 + n), 3);
      check(u8.subarray(3), 'Uint8Array view');
      check(new Uint8Array(big.subarray(7, 7 + n)), 'Uint8Array');
    }
  });

  it('results stay valid and independent across calls (shared scratch and tables)', () => {
    const r = rng(7);
    const inputs = [csv(r, 1 << 20), text(r, 1000), randomBytes(r, 70_000), csv(r, 30_000), Buffer.alloc(20), text(r, 300_000)];
    // Interleave big and small so every call starts from tables and scratch left dirty by another.
    const outs = inputs.map((src) => lz4CompressBlock(src));
    const copies = outs.map((o) => Buffer.from(o));
    for (const src of [...inputs].reverse()) lz4CompressBlock(src);
    for (let i = 0; i < inputs.length; i++) {
      expect(outs[i]!.equals(copies[i]!)).toBe(true);
      expect(outs[i]!.equals(lz4CompressBlockReference(inputs[i]!))).toBe(true);
      expect(lz4DecodeBlock(outs[i]!, inputs[i]!.length).equals(inputs[i]!)).toBe(true);
    }
  });
});
