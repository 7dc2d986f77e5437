/**
 * Errors of the segment builder and of opening broken segments: what they say, and what they
 * leave behind on disk.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSegment, RowError } from '../src/builder/index.js';
import { SegmentFormatError } from '../src/errors.js';
import { SchemaError } from '../src/schema.js';
import { openSegment } from '../src/segment-reader.js';
import { TableConfigError } from '../src/table-config.js';
import { TempDirs } from './helpers/tmp.js';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

const schema = {
  schemaName: 'e',
  dimensionFieldSpecs: [
    { name: 's', dataType: 'STRING' },
    { name: 'tags', dataType: 'STRING', singleValueField: false },
  ],
  metricFieldSpecs: [{ name: 'i', dataType: 'INT' }],
};
const tableConfig = { tableName: 'e', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: { invertedIndexColumns: ['s'] } };
const rows = (n: number): Array<Record<string, unknown>> => Array.from({ length: n }, (_, k) => ({ s: `v${k % 7}`, tags: ['a', `t${k % 3}`], i: k }));

/** What a directory holds, recursively (relative paths). */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('schema errors name the JSON path', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing schemaName', { dimensionFieldSpecs: [] }, /^schema\.json: schemaName: schemaName is missing$/],
    ['unknown data type', { schemaName: 'x', dimensionFieldSpecs: [{ name: 'a', dataType: 'INT' }, { name: 'b', dataType: 'STRNG' }] }, /^schema\.json: dimensionFieldSpecs\[1\]\.dataType: field "b": unknown data type "STRNG"/],
    ['multi-value metric', { schemaName: 'x', metricFieldSpecs: [{ name: 'm', dataType: 'INT', singleValueField: false }] }, /^schema\.json: metricFieldSpecs\[0\]\.singleValueField: .*METRIC field cannot be multi-value/],
    ['bad default null value', { schemaName: 'x', dimensionFieldSpecs: [{ name: 'a', dataType: 'INT', defaultNullValue: 'ten' }] }, /^schema\.json: dimensionFieldSpecs\[0\]\.defaultNullValue: field "a": defaultNullValue "ten" is not a valid INT/],
    ['bad date-time format', { schemaName: 'x', dateTimeFieldSpecs: [{ name: 'd', dataType: 'LONG', format: '1:EONS:EPOCH', granularity: '1:DAYS' }] }, /^schema\.json: dateTimeFieldSpecs\[0\]\.format: field "d": invalid format "1:EONS:EPOCH"/],
    ['duplicate column', { schemaName: 'x', dimensionFieldSpecs: [{ name: 'a', dataType: 'INT' }], metricFieldSpecs: [{ name: 'a', dataType: 'INT' }] }, /^schema\.json: metricFieldSpecs\[0\]: field "a" is declared twice \(first at dimensionFieldSpecs\[0\]\)/],
    ['blank in a column name', { schemaName: 'x', dimensionFieldSpecs: [{ name: 'a b', dataType: 'INT' }] }, /^schema\.json: dimensionFieldSpecs\[0\]\.name: The column name "a b" should not contain blank space/],
  ];
  for (const [what, bad, message] of cases) {
    it(what, async () => {
      const out = tmp.make('ds-err-');
      const e = await caught(buildSegment(rows(1), { schema: bad, tableConfig, outDir: out, schemaSource: 'schema.json' }));
      expect(e).toBeInstanceOf(SchemaError);
      expect(e.message).toMatch(message);
      expect(tree(out)).toEqual([]);
    });
  }
});

describe('table config errors name the JSON path', () => {
  const base = { tableName: 'e', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: {} };
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing tableType', { ...base, tableType: undefined }, /^table\.json: tableType: 'tableType' must be configured$/],
    ['inverted index on an unknown column', { ...base, tableIndexConfig: { invertedIndexColumns: ['s', 'nope'] } }, /^table\.json: tableIndexConfig\.invertedIndexColumns\[1\]: column "nope" is not in schema "e"/],
    ['inverted index on a raw column', { ...base, tableIndexConfig: { noDictionaryColumns: ['s'], invertedIndexColumns: ['s'] } }, /^table\.json: tableIndexConfig\.invertedIndexColumns\[0\]: Cannot create inverted index on column: s without dictionary$/],
    ['codec on a dictionary column', { ...base, fieldConfigList: [{ name: 'i', encodingType: 'DICTIONARY', compressionCodec: 'ZSTANDARD' }] }, /^table\.json: fieldConfigList\[0\]\.compressionCodec: Compression codec: ZSTANDARD is not applicable to dictionary encoded column: i$/],
    ['unknown codec', { ...base, fieldConfigList: [{ name: 'i', encodingType: 'RAW', compressionCodec: 'BROTLI' }] }, /^table\.json: fieldConfigList\[0\]\.compressionCodec: unknown compression codec "BROTLI"/],
    ['time column that is not DATE_TIME', { ...base, segmentsConfig: { timeColumnName: 'i' } }, /^table\.json: segmentsConfig\.timeColumnName: time column "i" is a METRIC field/],
    ['fieldConfig for an unknown column', { ...base, fieldConfigList: [{ name: 'i', encodingType: 'RAW' }, { name: 'x', encodingType: 'RAW' }] }, /^table\.json: fieldConfigList\[1\]\.name: column "x" is not in schema "e"/],
    ['sorted multi-value column', { ...base, tableIndexConfig: { sortedColumn: ['tags'] } }, /^table\.json: tableIndexConfig\.sortedColumn\[0\]: Cannot sort on multi-value column: tags$/],
  ];
  for (const [what, bad, message] of cases) {
    it(what, async () => {
      const out = tmp.make('ds-err-');
      const e = await caught(buildSegment(rows(1), { schema, tableConfig: bad, outDir: out, tableConfigSource: 'table.json' }));
      expect(e).toBeInstanceOf(TableConfigError);
      expect(e.message).toMatch(message);
      expect(tree(out)).toEqual([]);
    });
  }
});

describe('a row whose value cannot be converted', () => {
  it('names the row (1-based) and the column, and leaves neither a tarball nor scratch files', async () => {
    const out = tmp.make('ds-err-');
    const work = tmp.make('ds-work-');
    const input = [...rows(4), { s: 'ok', tags: ['x'], i: 'twelve' }, ...rows(3)];
    const e = await caught(buildSegment(input, { schema, tableConfig, outDir: out, workDir: work }));
    expect(e).toBeInstanceOf(RowError);
    expect((e as RowError).row).toBe(5);
    expect((e as RowError).column).toBe('i');
    expect(e.message).toMatch(/^row 5, column i: .*"twelve".*INT/);
    expect(tree(out)).toEqual([]);
    expect(tree(work)).toEqual([]);
  });

  it('a multi-value array for a single-value column, in the first row', async () => {
    const out = tmp.make('ds-err-');
    const e = await caught(buildSegment([{ s: ['a', 'b'], tags: [], i: 1 }], { schema, tableConfig, outDir: out }));
    expect(e).toBeInstanceOf(RowError);
    expect([(e as RowError).row, (e as RowError).column]).toEqual([1, 's']);
    expect(e.message).toMatch(/^row 1, column s: .*single-value/);
    expect(tree(out)).toEqual([]);
  });

  it('an unparseable INT, in an async iterable, after 5000 good rows', async () => {
    const out = tmp.make('ds-err-');
    async function* gen(): AsyncGenerator<Record<string, unknown>> {
      yield* rows(5000);
      yield { s: 'x', tags: 'y', i: '12 apples' };
    }
    const e = await caught(buildSegment(gen(), { schema, tableConfig, outDir: out }));
    expect(e).toBeInstanceOf(RowError);
    expect([(e as RowError).row, (e as RowError).column]).toEqual([5001, 'i']);
    expect(e.message).toContain('"12 apples"');
    expect(tree(out)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Broken segments
// ---------------------------------------------------------------------------------------------

async function goodSegment(): Promise<{ tarFile: string; segmentName: string }> {
  const built = await buildSegment(rows(3000), { schema, tableConfig, outDir: tmp.make('ds-good-'), creationTime: 1_700_000_000_000 });
  return { tarFile: built.tarFile, segmentName: built.segmentName };
}

/** Extracts the tarball, lets `edit` change the v3 files, and tars it again. */
async function rebuildTarball(tarFile: string, segmentName: string, edit: (v3Dir: string) => void): Promise<string> {
  const dir = tmp.make('ds-edit-');
  await tar.extract({ file: tarFile, cwd: dir });
  edit(join(dir, segmentName, 'v3'));
  const out = join(tmp.make('ds-edited-'), `${segmentName}.tar.gz`);
  await tar.create({ gzip: true, file: out, cwd: dir, portable: true }, [segmentName]);
  return out;
}

async function openAndVerify(file: string): Promise<void> {
  const seg = await openSegment(file);
  try {
    await seg.verifyCrc();
    for (const c of ['s', 'tags', 'i']) await seg.values(c);
  } finally {
    await seg.close();
  }
}

describe('broken segments', () => {
  it('the untouched tarball opens, verifies and reads', async () => {
    const { tarFile, segmentName } = await goodSegment();
    await openAndVerify(tarFile);
    // re-tarring without changes keeps it valid (the harness below does not break things itself)
    await openAndVerify(await rebuildTarball(tarFile, segmentName, () => {}));
  });

  it('a corrupted gzip stream is refused, with the zlib reason in the message', async () => {
    const { tarFile } = await goodSegment();
    const orig = readFileSync(tarFile);
    const dir = tmp.make('ds-flip-');
    // inside the deflate data, and in the gzip trailer (CRC32 / length)
    for (const pos of [20, Math.floor(orig.length / 2), orig.length - 6, orig.length - 2]) {
      const b = Buffer.from(orig);
      b[pos] = (b[pos] as number) ^ 0x5a;
      const f = join(dir, `flip${pos}.tar.gz`);
      writeFileSync(f, b);
      const e = await caught(openAndVerify(f));
      expect(e.message, `byte ${pos}`).toMatch(/zlib|gzip|incorrect|invalid/i);
    }
    // nothing left behind in the extraction area is checked by the reader's own tests
  });

  it('a corrupted gzip stream gives a SegmentFormatError naming the tarball', async () => {
    const { tarFile } = await goodSegment();
    const b = readFileSync(tarFile);
    b[Math.floor(b.length / 2)] = (b[Math.floor(b.length / 2)] as number) ^ 0x5a;
    const f = join(tmp.make('ds-flip2-'), 'broken.tar.gz');
    writeFileSync(f, b);
    const e = await caught(openAndVerify(f));
    expect(e.name).toBe('SegmentFormatError');
    expect(e.message).toContain('broken.tar.gz');
    expect(e.message).toMatch(/corrupt or truncated/);
  });

  it('a truncated columns.psf: SegmentFormatError naming the index that runs past the end', async () => {
    const { tarFile, segmentName } = await goodSegment();
    let size = 0;
    const f = await rebuildTarball(tarFile, segmentName, (v3) => {
      size = statSync(join(v3, 'columns.psf')).size;
      truncateSync(join(v3, 'columns.psf'), size - 10);
    });
    const e = await caught(openSegment(f));
    expect(e).toBeInstanceOf(SegmentFormatError);
    // the last index in index_map order is tags' forward index ('tags' sorts last)
    expect(e.message).toMatch(new RegExp(`^columns\\.psf: index tags\\.forward_index \\(offset \\d+, size \\d+\\) ends at ${size}, past the end of columns\\.psf \\(${size - 10} bytes\\): the file is truncated`));
  });

  it('a columns.psf cut in the middle of an earlier index is refused too', async () => {
    const { tarFile, segmentName } = await goodSegment();
    const f = await rebuildTarball(tarFile, segmentName, (v3) => truncateSync(join(v3, 'columns.psf'), 100));
    const e = await caught(openSegment(f));
    expect(e).toBeInstanceOf(SegmentFormatError);
    expect(e.message).toMatch(/^columns\.psf: index \S+ .*past the end of columns\.psf \(100 bytes\)/);
  });

  it('a wrong CRC in creation.meta: verifyCrc throws a SegmentFormatError saying CRC mismatch', async () => {
    const { tarFile, segmentName } = await goodSegment();
    const f = await rebuildTarball(tarFile, segmentName, (v3) => {
      const meta = readFileSync(join(v3, 'creation.meta'));
      meta.writeBigInt64BE(meta.readBigInt64BE(0) ^ 1n, 0);
      writeFileSync(join(v3, 'creation.meta'), meta);
    });
    const seg = await openSegment(f);
    try {
      const e = await caught(seg.verifyCrc());
      expect(e).toBeInstanceOf(SegmentFormatError);
      expect(e.message).toMatch(new RegExp(`^segment ${segmentName}: CRC mismatch: creation\\.meta says 0x[0-9A-F]+, the files give 0x[0-9A-F]+ .*corrupt or was modified`));
      // the data itself still reads
      expect((await seg.values('i')).length).toBe(3000);
    } finally {
      await seg.close();
    }
  });

  it('a wrong data CRC in creation.meta: verifyCrc says data CRC mismatch', async () => {
    const { tarFile, segmentName } = await goodSegment();
    const f = await rebuildTarball(tarFile, segmentName, (v3) => {
      const meta = readFileSync(join(v3, 'creation.meta'));
      meta.writeBigInt64BE(meta.readBigInt64BE(16) + 1n, 16);
      writeFileSync(join(v3, 'creation.meta'), meta);
    });
    const seg = await openSegment(f);
    try {
      const e = await caught(seg.verifyCrc());
      expect(e).toBeInstanceOf(SegmentFormatError);
      expect(e.message).toMatch(new RegExp(`^segment ${segmentName}: data CRC mismatch: creation\\.meta says 0x[0-9A-F]+, files give 0x[0-9A-F]+$`));
    } finally {
      await seg.close();
    }
  });

  it('a flipped byte inside columns.psf (same size): verifyCrc reports a CRC mismatch', async () => {
    const { tarFile, segmentName } = await goodSegment();
    const f = await rebuildTarball(tarFile, segmentName, (v3) => {
      const psf = readFileSync(join(v3, 'columns.psf'));
      const at = psf.length - 3; // inside the last index's payload, not a magic marker
      psf[at] = (psf[at] as number) ^ 0x01;
      writeFileSync(join(v3, 'columns.psf'), psf);
    });
    const seg = await openSegment(f);
    try {
      const e = await caught(seg.verifyCrc());
      expect(e).toBeInstanceOf(SegmentFormatError);
      expect(e.message).toMatch(/CRC mismatch/);
    } finally {
      await seg.close();
    }
  });

  it('a damaged magic marker is named on open', async () => {
    const { tarFile, segmentName } = await goodSegment();
    const f = await rebuildTarball(tarFile, segmentName, (v3) => {
      const psf = readFileSync(join(v3, 'columns.psf'));
      psf[0] = 0;
      writeFileSync(join(v3, 'columns.psf'), psf);
    });
    const e = await caught(openSegment(f));
    expect(e).toBeInstanceOf(SegmentFormatError);
    // 'i' sorts first: its dictionary is the first buffer
    expect(e.message).toBe('columns.psf: index i.dictionary at offset 0 has magic 0x00adbeefdeafbead, expected 0xdeadbeefdeafbead');
  });
});

// ---------------------------------------------------------------------------------------------
// overwrite and abort
// ---------------------------------------------------------------------------------------------

describe('overwrite: false', () => {
  it('refuses an existing tarball and leaves it untouched; overwrite: true replaces it', async () => {
    const out = tmp.make('ds-ow-');
    const first = await buildSegment(rows(10), { schema, tableConfig, outDir: out, creationTime: 1_700_000_000_000 });
    const before = readFileSync(first.tarFile);
    const mtime = statSync(first.tarFile).mtimeMs;
    const e = await caught(buildSegment(rows(20), { schema, tableConfig, outDir: out, creationTime: 1_700_000_000_000, overwrite: false }));
    expect((e as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(e.message).toBe(`${first.tarFile} already exists (use overwrite to replace it)`);
    expect(readFileSync(first.tarFile).equals(before)).toBe(true);
    expect(statSync(first.tarFile).mtimeMs).toBe(mtime);
    expect(tree(out)).toEqual([`${first.segmentName}.tar.gz`]);
    // the default is overwrite: false as well
    await expect(buildSegment(rows(20), { schema, tableConfig, outDir: out })).rejects.toThrow(/already exists/);
    expect(readFileSync(first.tarFile).equals(before)).toBe(true);

    const second = await buildSegment(rows(20), { schema, tableConfig, outDir: out, creationTime: 1_700_000_000_000, overwrite: true });
    expect(second.tarFile).toBe(first.tarFile);
    expect(readFileSync(second.tarFile).equals(before)).toBe(false);
    const seg = await openSegment(second.tarFile);
    try {
      expect(seg.metadata.totalDocs).toBe(20);
    } finally {
      await seg.close();
    }
    expect(tree(out)).toEqual([`${first.segmentName}.tar.gz`]);
  });
});

describe('an aborted build', () => {
  it('aborted while rows stream in: rejects with the abort reason, no tarball, no temp dir', async () => {
    const out = tmp.make('ds-abort-');
    const work = tmp.make('ds-abort-work-');
    const ac = new AbortController();
    async function* gen(): AsyncGenerator<Record<string, unknown>> {
      for (let k = 0; k < 20_000; k++) {
        if (k === 6000) ac.abort();
        yield { s: `v${k % 11}`, tags: ['a'], i: k };
      }
    }
    const e = await caught(buildSegment(gen(), { schema, tableConfig, outDir: out, workDir: work, signal: ac.signal }));
    expect(e.name).toBe('AbortError');
    expect(tree(out)).toEqual([]);
    expect(tree(work)).toEqual([]);
  });

  it('a signal aborted before the build starts: nothing is written', async () => {
    const out = join(tmp.make('ds-abort-'), 'not-yet');
    const work = tmp.make('ds-abort-work-');
    const e = await caught(buildSegment(rows(10), { schema, tableConfig, outDir: out, workDir: work, signal: AbortSignal.abort(new Error('stop now')) }));
    expect(e.message).toBe('stop now');
    expect(existsSync(out) ? tree(out) : []).toEqual([]);
    expect(tree(work)).toEqual([]);
  });

  it('aborted during the index pass (after the last row, before the tarball)', async () => {
    const out = tmp.make('ds-abort-');
    const work = tmp.make('ds-abort-work-');
    const ac = new AbortController();
    function* gen(): Generator<Record<string, unknown>> {
      yield* rows(100);
      ac.abort(); // after the last row is taken, before build() runs
    }
    const e = await caught(buildSegment(gen(), { schema, tableConfig, outDir: out, workDir: work, signal: ac.signal }));
    expect(e.name).toBe('AbortError');
    expect(tree(out)).toEqual([]);
    expect(tree(work)).toEqual([]);
  });

  it('a failed build leaves an existing tarball of the same name alone', async () => {
    const out = tmp.make('ds-abort-');
    const first = await buildSegment(rows(10), { schema, tableConfig, outDir: out });
    const before = readFileSync(first.tarFile);
    mkdirSync(join(out, 'other'));
    const e = await caught(buildSegment([...rows(10), { s: 1, tags: 'x', i: 'NaN?' }], { schema, tableConfig, outDir: out, overwrite: true }));
    expect(e).toBeInstanceOf(RowError);
    expect(readFileSync(first.tarFile).equals(before)).toBe(true);
    expect(tree(out)).toEqual([`${first.segmentName}.tar.gz`, 'other']);
  });
});

describe('ingestionConfig.rowTimeValueCheck (TimeValidationTransformer)', () => {
  const schema = {
    schemaName: 'tv',
    dimensionFieldSpecs: [{ name: 'k', dataType: 'INT' }],
    dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
  };
  const table = (ingestion: Record<string, unknown>) => ({ tableName: 'tv', tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'day' }, tableIndexConfig: {}, ingestionConfig: ingestion });
  const creationTime = 1_700_000_000_000;

  it('without continueOnError: a RowError with Pinot\'s message, no tarball', async () => {
    const out = tmp.make('ds-err-');
    const e = await buildSegment([{ k: 1, day: 20000 }, { k: 2, day: 40000 }], { schema, tableConfig: table({ rowTimeValueCheck: true }), outDir: out, creationTime }).catch((x: unknown) => x as RowError);
    expect(e).toBeInstanceOf(RowError);
    expect([(e as RowError).row, (e as RowError).column]).toEqual([2, 'day']);
    expect((e as RowError).message).toBe('row 2, column day: Time value: 2079-07-08T00:00:00.000Z is not in valid range: 1971-01-01T00:00:00.000Z/2071-01-01T00:00:00.000Z');
    expect(tree(out)).toEqual([]);
  });

  it('with continueOnError: the bad time becomes null, then the default time (now), as Pinot\'s null value transformer', async () => {
    const out = tmp.make('ds-err-');
    const built = await buildSegment([{ k: 1, day: 20000 }, { k: 2, day: 40000 }, { k: 3, day: 1 }], {
      schema,
      tableConfig: table({ rowTimeValueCheck: true, continueOnError: true }),
      outDir: out,
      creationTime,
    });
    const seg = await openSegment(built.tarFile);
    try {
      expect(await seg.values('day')).toEqual([20000, Math.floor(creationTime / 86_400_000), Math.floor(creationTime / 86_400_000)]);
    } finally {
      await seg.close();
    }
  });

  it('off (the default): the segment time check refuses the build instead', async () => {
    const out = tmp.make('ds-err-');
    await expect(buildSegment([{ k: 1, day: 1 }], { schema, tableConfig: table({}), outDir: out, creationTime })).rejects.toThrow(/outside Pinot's valid range 1971-01-01 \.\. 2071-01-01/);
  });
});

describe('ingestionConfig.continueOnError (DataTypeTransformer)', () => {
  it('a value that does not convert becomes null, then the default null value; the null vector records it', async () => {
    const schema = { schemaName: 'ce', dimensionFieldSpecs: [{ name: 'k', dataType: 'INT' }, { name: 's', dataType: 'STRING' }] };
    const tableConfig = { tableName: 'ce', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: { nullHandlingEnabled: true }, ingestionConfig: { continueOnError: true } };
    const built = await buildSegment([{ k: '12 apples', s: 'a' }, { k: 7, s: 'b' }], { schema, tableConfig, outDir: tmp.make('ds-err-'), creationTime: 1_700_000_000_000 });
    const seg = await openSegment(built.tarFile);
    try {
      expect(await seg.values('k')).toEqual([-2147483648, 7]);
      expect(await seg.nullDocIds('k')).toEqual([0]);
    } finally {
      await seg.close();
    }
  });
});
