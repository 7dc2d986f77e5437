import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from './fixtures-dir.js';
import {
  adler32,
  extractSegmentTarball,
  openSegment,
  parseCreationMeta,
  parseIndexMap,
  parseProperties,
  parseSegmentMetadata,
  readFixedBitSV,
  readSortedSV,
  SegmentFormatError,
} from '../src/index.js';

const FX = fixturesDir();
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'segment-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function f32(bits: number): number {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(bits);
  return b.readFloatBE(0);
}

const PADDING_ROWS = {
  age: [1228, 837, 1209, 617, 824],
  name: ['lynda', 'lynda 2.0', 'lynda 2.0', 'lynda 2.0', 'lynda'],
  outgoingName1: [902n, 467n, 310n, 246n, 336n],
  // float32 bit patterns of 341.87375, 793.66461, 925.25421, 864.65240, 411.72318
  percent: [0x43aaefd7, 0x44466a89, 0x44675045, 0x445829c1, 0x43cddc91].map(f32),
};

describe.each([
  ['paddingNull', '\0', 0x9d70c031n],
  ['paddingOld', '%', 0x4e8db496n],
  ['paddingPercent', '%', 0xdff7bf15n],
])('%s (v1)', (fixture, pad, crc) => {
  it('reads metadata, dictionaries, the 5 rows and verifies the CRC', async () => {
    const r = await openSegment(`${FX}/${fixture}.tar.gz`);
    try {
      expect(r.layout).toBe('v1');
      const md = r.metadata;
      expect(md.name).toBe('mySegment_0');
      expect(md.tableName).toBe('myTable');
      expect(md.totalDocs).toBe(5);
      expect(md.timeColumn).toBe('outgoingName1');
      expect(md.timeUnit).toBe('DAYS');
      expect([md.startTime, md.endTime]).toEqual(['246', '902']);
      expect(md.paddingCharacter).toBe(pad);
      expect(md.dimensionColumns).toEqual(['age', 'name', 'percent']);
      expect(md.metricColumns).toEqual([]);
      expect(r.columns.map((c) => [c.name, c.dataType, c.cardinality, c.bitsPerElement])).toEqual([
        ['outgoingName1', 'LONG', 5, 3],
        ['name', 'STRING', 2, 1],
        ['percent', 'FLOAT', 5, 3],
        ['age', 'INT', 5, 3],
      ]);
      expect(r.column('name').dictionaryElementSize).toBe(9);
      expect(r.column('outgoingName1').columnType).toBe('TIME');

      expect(await r.dictionary('age')).toEqual([617, 824, 837, 1209, 1228]);
      expect(await r.dictionary('outgoingName1')).toEqual([246n, 310n, 336n, 467n, 902n]);
      // '%'-padded segments sorted the padded values, so 'lynda 2.0' < 'lynda%%%%'.
      expect(await r.dictionary('name')).toEqual(pad === '%' ? ['lynda 2.0', 'lynda'] : ['lynda', 'lynda 2.0']);

      for (const [col, rows] of Object.entries(PADDING_ROWS)) {
        const values = await r.values(col);
        expect(values).toEqual(rows);
        const c = r.column(col);
        expect(new Set(values.map(String)).size).toBe(c.cardinality);
        expect(c.isSingleValue && c.hasDictionary && !c.isSorted).toBe(true);
      }
      // Time range in metadata agrees with the time column.
      const t = (await r.values('outgoingName1')) as bigint[];
      expect(String(t.reduce((a, b) => (a < b ? a : b)))).toBe(md.startTime);
      expect(String(t.reduce((a, b) => (a > b ? a : b)))).toBe(md.endTime);

      const res = await r.verifyCrc();
      expect(((await r.values('percent')) as number[]).map((v) => v.toFixed(3))).toEqual([
        '341.874', '793.665', '925.254', '864.652', '411.723',
      ]);
      expect(res.expected).toBe(crc);
      expect(res.actual).toBe(crc);
      expect(r.creationMeta?.dataCrc).toBeUndefined();
    } finally {
      await r.close();
    }
  });
});

const FIRST_10 = ['alpha', 'beta', 'alpha', 'gamma', 'alpha', 'delta', 'alpha', 'beta', 'alpha', 'gamma'];

describe.each([
  ['legacyRawInverted_v3_OFFLINE_0', 'v3'],
  ['legacyRawInverted_OFFLINE_0', 'v1'],
])('%s', (fixture, layout) => {
  it('reads the 600 raw LZ4 category values, the inverted index and verifies both CRCs', async () => {
    const r = await openSegment(`${FX}/${fixture}.tar.gz`);
    try {
      expect(r.layout).toBe(layout);
      const md = r.metadata;
      expect(md.name).toBe('legacyRawInverted_OFFLINE_0');
      expect(md.totalDocs).toBe(600);
      expect(md.paddingCharacter).toBe('\0');
      const col = r.column('category');
      expect(col).toMatchObject({ dataType: 'STRING', hasDictionary: false, cardinality: 4, minValue: 'alpha', maxValue: 'gamma' });
      const values = (await r.values('category')) as string[];
      expect(values).toHaveLength(600);
      expect(values.slice(0, 10)).toEqual(FIRST_10);
      const counts: Record<string, number> = {};
      for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
      expect(counts).toEqual({ alpha: 300, beta: 100, gamma: 100, delta: 100 });
      expect([...values].sort()[0]).toBe(col.minValue);
      expect([...values].sort().at(-1)).toBe(col.maxValue);

      const inv = await r.invertedIndex('category');
      expect([...inv.keys()]).toEqual(['alpha', 'beta', 'delta', 'gamma']);
      for (const [value, docIds] of inv) {
        const expected = values.flatMap((v, i) => (v === value ? [i] : []));
        expect(docIds).toEqual(expected);
      }

      const crc = await r.verifyCrc();
      expect(crc.expected).toBe(0x4d76bdb7n);
      expect(crc.actual).toBe(0x4d76bdb7n);
      expect(crc.expectedData).toBe(1677886853n);
      expect(crc.actualData).toBe(1677886853n);
    } finally {
      await r.close();
    }
  });
});

describe('v3 index layout and corruption', () => {
  async function v3Copy(): Promise<string> {
    const dir = await mkdtemp(path.join(work, 'v3-'));
    await extractSegmentTarball(`${FX}/legacyRawInverted_v3_OFFLINE_0.tar.gz`, dir);
    return path.join(dir, 'legacyRawInverted_OFFLINE_0');
  }

  it('opens the segment dir and its v3/ dir, and the extraction temp dir is removed on close', async () => {
    const seg = await v3Copy();
    for (const p of [seg, path.join(seg, 'v3')]) {
      const r = await openSegment(p);
      expect(r.layout).toBe('v3');
      expect(((await r.values('category')) as string[]).slice(0, 10)).toEqual(FIRST_10);
      await r.close();
    }
    const r = await openSegment(`${FX}/legacyRawInverted_v3_OFFLINE_0.tar.gz`);
    const tmp = r.location.segmentDir;
    await r.close();
    await expect(stat(tmp)).rejects.toThrow();
  });

  it('parses index_map entries', async () => {
    const seg = await v3Copy();
    expect(parseIndexMap(await readFile(path.join(seg, 'v3', 'index_map'), 'utf8'))).toEqual([
      { column: 'category', indexId: 'forward_index', startOffset: 0, size: 2577 },
      { column: 'category', indexId: 'inverted_index', startOffset: 2577, size: 1391 },
    ]);
  });

  it('fails CRC verification on a bit-flipped columns.psf with a clear error', async () => {
    const seg = await v3Copy();
    const psf = path.join(seg, 'v3', 'columns.psf');
    const bytes = await readFile(psf);
    bytes[3000] = (bytes[3000] as number) ^ 0x01;
    await writeFile(psf, bytes);
    const r = await openSegment(seg);
    try {
      await expect(r.verifyCrc()).rejects.toThrow(/CRC mismatch: creation.meta says 0x4D76BDB7, the files give 0x/);
    } finally {
      await r.close();
    }
  });

  it('fails CRC verification on a bit-flipped v1 file', async () => {
    const dir = await mkdtemp(path.join(work, 'v1-'));
    await extractSegmentTarball(`${FX}/paddingNull.tar.gz`, dir);
    const f = path.join(dir, 'paddingNull', 'age.dict');
    const b = await readFile(f);
    b[0] = (b[0] as number) ^ 0x80;
    await writeFile(f, b);
    const r = await openSegment(path.join(dir, 'paddingNull'));
    try {
      await expect(r.verifyCrc()).rejects.toThrow(SegmentFormatError);
      await expect(r.verifyCrc()).rejects.toThrow(/CRC mismatch/);
    } finally {
      await r.close();
    }
  });

  it('refuses a truncated columns.psf naming the index', async () => {
    const seg = await v3Copy();
    const psf = path.join(seg, 'v3', 'columns.psf');
    await writeFile(psf, (await readFile(psf)).subarray(0, 3000));
    await expect(openSegment(seg)).rejects.toThrow(/index category\.inverted_index .*past the end of columns\.psf \(3000 bytes\)/);
  });

  it('refuses a wrong magic naming the index', async () => {
    const seg = await v3Copy();
    const psf = path.join(seg, 'v3', 'columns.psf');
    const b = await readFile(psf);
    b[2577] = 0;
    await writeFile(psf, b);
    await expect(openSegment(seg)).rejects.toThrow(
      /index category\.inverted_index at offset 2577 has magic 0x00adbeefdeafbead, expected 0xdeadbeefdeafbead/,
    );
  });
});

describe('tarball safety', () => {
  it("refuses a '../' entry and writes nothing outside (or inside) the target", async () => {
    const base = await mkdtemp(path.join(work, 'evil-'));
    const src = path.join(base, 'src');
    const inner = path.join(src, 'inner');
    await mkdir(inner, { recursive: true });
    await cp(`${FX}/airlineStats-startree.index_map`, path.join(src, 'escape.txt'));
    await cp(`${FX}/airlineStats-startree.index_map`, path.join(inner, 'ok.txt'));
    const tgz = path.join(base, 'evil.tar.gz');
    await tar.c({ gzip: true, file: tgz, cwd: inner, preservePaths: true }, ['ok.txt', '../escape.txt']);
    const target = path.join(base, 'out', 'target');
    await mkdir(target, { recursive: true });
    await expect(extractSegmentTarball(tgz, target)).rejects.toThrow(/unsafe entries: '\.\.\/escape\.txt': path contains '\.\.'/);
    expect(await readdir(target)).toEqual([]);
    expect(await readdir(path.join(base, 'out'))).toEqual(['target']);
    await expect(openSegment(tgz)).rejects.toThrow(/Refusing to extract/);
  });

  it('refuses symlinks and oversized archives', async () => {
    const base = await mkdtemp(path.join(work, 'link-'));
    await mkdir(path.join(base, 'src'));
    await symlink('/etc/passwd', path.join(base, 'src', 'link'));
    const tgz = path.join(base, 'l.tar.gz');
    await tar.c({ gzip: true, file: tgz, cwd: path.join(base, 'src') }, ['link']);
    await mkdir(path.join(base, 't'));
    await expect(extractSegmentTarball(tgz, path.join(base, 't'))).rejects.toThrow(/SymbolicLink is not allowed/);
    await expect(
      extractSegmentTarball(`${FX}/paddingNull.tar.gz`, path.join(base, 't'), { maxTotalBytes: 100 }),
    ).rejects.toThrow(/bytes uncompressed \(max 100\)/);
    expect(await readdir(path.join(base, 't'))).toEqual([]);
  });
});

describe('properties and metadata', () => {
  it('parses airlineStats metadata.properties (multi-value, DATE_TIME columns)', async () => {
    const text = await readFile(`${FX}/airlineStats-startree.metadata.properties`, 'utf8');
    const props = parseProperties(text);
    const md = parseSegmentMetadata(props);
    expect(md.columns.size).toBeGreaterThan(10);
    const mv = [...md.columns.values()].filter((c) => !c.isSingleValue);
    expect(mv.length).toBe(9);
    for (const c of mv) expect(c.maxNumberOfMultiValues).toBeGreaterThan(0);
    // every key=value line is represented
    const lines = text.split('\n').filter((l) => l.includes(' = '));
    expect(props.entries.length).toBe(lines.length);
    expect(md.dateTimeColumns.length).toBeGreaterThan(0);
  });

  it('parses the airlineStats index_map', async () => {
    const entries = parseIndexMap(await readFile(`${FX}/airlineStats-startree.index_map`, 'utf8'));
    expect(entries.length).toBeGreaterThan(50);
    expect(new Set(entries.map((e) => e.indexId)).has('dictionary')).toBe(true);
    for (const e of entries) expect(e.size).toBeGreaterThanOrEqual(8);
  });

  it('handles Commons Configuration escapes', () => {
    const p = parseProperties(
      'a = x\\, y\nb = \\u00e9t\\u00C9\nc = 1,2, 3\nd = \\\\u0000\n# comment\ne   =   spaced  \nf = long \\\n  line\n',
    );
    expect(p.get('a')).toBe('x, y');
    expect(p.getList('a')).toEqual(['x, y']);
    expect(p.get('b')).toBe('étÉ');
    expect(p.getList('c')).toEqual(['1', '2', '3']);
    expect(p.get('d')).toBe('\\u0000');
    expect(p.get('e')).toBe('spaced');
    expect(p.get('f')).toBe('long line');
  });

  it('reads creation.meta and computes Adler32 like java.util.zip', () => {
    const b = Buffer.from('0000000064028585000001' + '9df16b2659' + '0000000064028585', 'hex');
    expect(parseCreationMeta(b)).toEqual({ crc: 0x64028585n, creationTime: 0x19df16b2659n, dataCrc: 0x64028585n });
    expect(() => parseCreationMeta(Buffer.alloc(8))).toThrow(/8 bytes, expected at least 16/);
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(100000, 0xff))).toBe(adler32(Buffer.alloc(50000, 0xff), Buffer.alloc(50000, 0xff)));
  });
});

describe('forward index decoders (synthetic)', () => {
  it('fixed-bit SV is MSB-first', () => {
    expect([...readFixedBitSV(Buffer.from([0x89, 0x82]), 5, 3)]).toEqual([4, 2, 3, 0, 1]);
    expect([...readFixedBitSV(Buffer.from([0x12, 0x34, 0x56]), 2, 12)]).toEqual([0x123, 0x456]);
  });
  it('sorted SV maps doc ranges to dictIds', () => {
    const b = Buffer.alloc(24);
    [0, 1, 2, 2, 3, 5].forEach((v, i) => b.writeInt32BE(v, i * 4));
    expect([...readSortedSV(b, 3, 6)]).toEqual([0, 0, 1, 2, 2, 2]);
    expect(() => readSortedSV(b, 3, 7)).toThrow(/ranges end at doc 5, metadata says 7 docs/);
  });
});
