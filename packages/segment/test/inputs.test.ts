/**
 * The input readers against the record readers Pinot uses:
 * - CSV: CSVRecordReader (Commons CSV with ignoreSurroundingSpaces, ignoreEmptyLines, quote '"')
 *   + CSVRecordExtractor (empty cell → null; StringUtils.split(cell, ';'), which drops empty
 *   tokens: 2+ tokens → an array, otherwise the cell unchanged).
 * - JSON: JSONRecordReader (Jackson readValues: a stream of objects or one top-level array).
 * - Avro: AvroRecordReader / AvroRecordExtractor.
 */
import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import avsc from 'avsc';
import fc from 'fast-check';
import { compressSync } from 'snappy';
import { afterAll, describe, expect, it } from 'vitest';
import { readAvro, readCsv, readJson } from '../src/input/index.js';
import { TempDirs } from './helpers/tmp.js';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A Readable handing out `data` in pieces of `size` bytes (1 = every byte its own chunk). */
function chunked(data: string | Buffer, size: number | number[]): Readable {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const parts: Buffer[] = [];
  let i = 0;
  let k = 0;
  while (i < buf.length) {
    const n = typeof size === 'number' ? size : (size[k++ % size.length] as number);
    parts.push(buf.subarray(i, i + Math.max(1, n)));
    i += Math.max(1, n);
  }
  return Readable.from(parts, { objectMode: false });
}

/**
 * Like `chunked`, but every piece arrives in ONE shared buffer that is scribbled over before the
 * next piece (as fileChunks reuses its buffer): the reader must keep nothing of a chunk.
 */
async function* reusing(data: string | Buffer, size: number | number[]): AsyncGenerator<Buffer> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const shared = Buffer.alloc(Math.max(1, ...(typeof size === 'number' ? [size] : size)));
  let i = 0;
  let k = 0;
  while (i < buf.length) {
    const n = Math.max(1, typeof size === 'number' ? size : (size[k++ % size.length] as number));
    shared.fill(0x22); // '"': any byte kept from an old chunk would corrupt the parse visibly
    const piece = buf.subarray(i, i + n);
    piece.copy(shared);
    yield shared.subarray(0, piece.length);
    i += n;
  }
  shared.fill(0x22);
}

const csv = (text: string | Buffer, chunk: number | number[] = 1 << 20, opts = {}): Promise<Array<Record<string, unknown>>> => all(readCsv(chunked(text, chunk), opts));
const json = (text: string | Buffer, chunk: number | number[] = 1 << 20): Promise<Array<Record<string, unknown>>> => all(readJson(chunked(text, chunk)));

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

describe('readCsv', () => {
  it('quotes, "" escapes, delimiters and newlines inside quotes', async () => {
    const text = 'a,b,c\n"x, y","say ""hi""","two\nlines"\nplain,"",last\n';
    expect(await csv(text)).toEqual([
      { a: 'x, y', b: 'say "hi"', c: 'two\nlines' },
      { a: 'plain', b: null, c: 'last' },
    ]);
  });

  it('CRLF and CR line ends; CRLF inside quotes is kept', async () => {
    expect(await csv('a,b\r\n1,2\r\n"3\r\n4",5\r\n')).toEqual([{ a: '1', b: '2' }, { a: '3\r\n4', b: '5' }]);
    expect(await csv('a,b\r1,2\r3,4')).toEqual([{ a: '1', b: '2' }, { a: '3', b: '4' }]);
  });

  it('empty cells, missing trailing cells and quoted empty strings are null', async () => {
    expect(await csv('a,b,c\n,,\n1\n"",x,""\n')).toEqual([
      { a: null, b: null, c: null },
      { a: '1', b: null, c: null },
      { a: null, b: 'x', c: null },
    ]);
  });

  it('multi-value cells: StringUtils.split on ";" drops empty tokens; fewer than 2 tokens keep the cell as it is', async () => {
    const cells = ['a;b', 'a;', ';a', 'a;;b', ';', ';;', 'a; b ', '"x;y"', 'solo', 'a;b;c;'];
    const text = `${cells.map((_, i) => `c${i}`).join(',')}\n${cells.join(',')}\n`;
    const [row] = await csv(text);
    expect(row).toEqual({
      c0: ['a', 'b'],
      c1: 'a;',
      c2: ';a',
      c3: ['a', 'b'],
      c4: ';',
      c5: ';;',
      c6: ['a', ' b'], // the cell is trimmed by the CSV parser, the parts are not
      c7: ['x', 'y'], // quoting does not protect from the split (the extractor sees the parsed cell)
      c8: 'solo',
      c9: ['a', 'b', 'c'],
    });
  });

  it('multiValueDelimiter: another character, or null to disable splitting', async () => {
    expect(await csv('a\nx|y\n', 1 << 20, { multiValueDelimiter: '|' })).toEqual([{ a: ['x', 'y'] }]);
    expect(await csv('a\nx;y\n', 1 << 20, { multiValueDelimiter: null })).toEqual([{ a: 'x;y' }]);
  });

  it('surrounding spaces and tabs are trimmed outside quotes, kept inside', async () => {
    expect(await csv(' a , b ,c\n  x y  ,  "q r"  ,\t" s "\t\n')).toEqual([{ a: 'x y', b: 'q r', c: ' s ' }]);
  });

  it('empty lines are skipped; no trailing newline needed', async () => {
    expect(await csv('a,b\n\n1,2\n\r\n\n3,4')).toEqual([{ a: '1', b: '2' }, { a: '3', b: '4' }]);
  });

  it('a header-only file, an empty file', async () => {
    expect(await csv('a,b,c\n')).toEqual([]);
    expect(await csv('a,b,c')).toEqual([]);
    expect(await csv('')).toEqual([]);
  });

  it('UTF-8 values, including astral characters', async () => {
    expect(await csv('name,emoji\ncafé,"😀 x"\n中文,𐍈\n')).toEqual([{ name: 'café', emoji: '😀 x' }, { name: '中文', emoji: '𐍈' }]);
  });

  it('a UTF-8 BOM before the header is dropped (in a single chunk)', async () => {
    // Pinot's RecordReaderUtils.getBufferedReader does not skip it (the first column would be
    // named "\uFEFFa"); dropping it is this reader's choice.
    expect(await csv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n')]))).toEqual([{ a: '1', b: '2' }]);
  });

  it('a BOM split over the first chunks is dropped as well', async () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n')]);
    for (const chunk of [1, 2, [1, 2, 100], [2, 1, 100]]) expect(await csv(text, chunk)).toEqual([{ a: '1', b: '2' }]);
  });

  it('1-byte chunks and odd chunk sizes give the same rows (quotes, CRLF, multi-byte UTF-8 split across chunks)', async () => {
    const text = 'id,name,tags\r\n1,"caf\u00e9, ""bar""",a;b\r\n2,  中文  ,"x\r\ny"\r\n\r\n3,😀,\r\n4,"",";"\r\n';
    const whole = await csv(text);
    expect(whole).toEqual([
      { id: '1', name: 'café, "bar"', tags: ['a', 'b'] },
      { id: '2', name: '中文', tags: 'x\r\ny' },
      { id: '3', name: '😀', tags: null },
      { id: '4', name: null, tags: ';' },
    ]);
    expect(await csv(text, 1)).toEqual(whole);
    for (const sizes of [[2], [3], [5, 1, 7], [13, 2]]) expect(await csv(text, sizes), `chunks ${sizes}`).toEqual(whole);
  });

  it('random CSV documents parse the same whatever the chunking (property)', async () => {
    const piece = fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', ';', 'é', '中', '😀', 'x;y', '\t');
    const cell = fc.array(piece, { maxLength: 5 }).map((p) => p.join(''));
    const doc = fc.record({
      cols: fc.integer({ min: 1, max: 4 }),
      rows: fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 6 }),
      crlf: fc.boolean(),
      chunks: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(doc, async ({ cols, rows, crlf, chunks }) => {
        const nl = crlf ? '\r\n' : '\n';
        const header = Array.from({ length: cols }, (_, i) => `h${i}`);
        // RFC 4180 quoting of every cell: the parsed value is exactly the cell text
        const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
        const text = header.join(',') + nl + rows.map((r) => r.slice(0, cols).map(quote).join(',')).join(nl) + (rows.length > 0 ? nl : '');
        const expected = rows.map((r) =>
          Object.fromEntries(
            header.map((h, i) => {
              const v = r[i] as string;
              if (v === '') return [h, null];
              const parts = v.split(';').filter((p) => p !== '');
              return [h, parts.length > 1 ? parts : v];
            }),
          ),
        );
        expect(await csv(text)).toEqual(expected);
        expect(await csv(text, chunks)).toEqual(expected);
        expect(await all(readCsv(reusing(text, chunks)))).toEqual(expected);
      }),
      { seed: 4242, numRuns: 150 },
    );
  });

  it('reads a file path (1 MiB reads) the same as a stream', async () => {
    const dir = tmp.make('ds-in-');
    const lines = ['k,v'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},"é ${i % 97};x"`);
    const text = `${lines.join('\n')}\n`;
    writeFileSync(join(dir, 'big.csv'), text);
    const fromFile = await all(readCsv(join(dir, 'big.csv')));
    expect(fromFile.length).toBe(30_000);
    expect(fromFile[12345]).toEqual({ k: '12345', v: [`é ${12345 % 97}`, 'x'] });
    expect(fromFile).toEqual(await csv(text, 65_537));
  });

  it('errors: an unclosed quote, text after a closing quote, a duplicate header column', async () => {
    expect((await caught(csv('a,b\n1,"open\n2,3\n'))).message).toMatch(/CSV line 2: a quoted field is not closed/);
    expect((await caught(csv('a,b\n1,2\n"x"y,3\n'))).message).toMatch(/CSV line 3: unexpected character "y" after a closing quote/);
    expect((await caught(csv('a,b,a\n1,2,3\n'))).message).toMatch(/CSV header has column "a" twice/);
  });
});

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

describe('readJson', () => {
  it('newline-delimited objects', async () => {
    expect(await json('{"a":1,"b":"x"}\n{"a":2,"b":null}\n\n{"a":3}')).toEqual([{ a: 1, b: 'x' }, { a: 2, b: null }, { a: 3 }]);
  });

  it('concatenated pretty-printed objects, with or without separators', async () => {
    const text = '{\n  "a": 1,\n  "n": {"x": [1, 2]}\n}\n{\n  "a": 2\n}{"a":3}\r\n{"a":4}';
    expect(await json(text)).toEqual([{ a: 1, n: { x: [1, 2] } }, { a: 2 }, { a: 3 }, { a: 4 }]);
  });

  it('one top-level array of objects', async () => {
    expect(await json('[\n {"a": 1},\n {"a": [2, 3]}\n]\n')).toEqual([{ a: 1 }, { a: [2, 3] }]);
    expect(await json('[]')).toEqual([]);
  });

  it('strings holding braces, brackets, quotes and escapes do not split records', async () => {
    expect(await json('{"s":"}{][\\"\\\\"}\n{"t":"\\u00e9\\n"}')).toEqual([{ s: '}{]["\\' }, { t: 'é\n' }]);
  });

  it('integers beyond 2^53 come back exact, as bigint (also nested); others stay numbers', async () => {
    const [r] = await json('{"big": 9007199254740993, "min": -9223372036854775808, "safe": 9007199254740991, "two53": 9007199254740992, "f": 1.5, "e": 1e20, "arr": [12345678901234567890, 1], "o": {"x": 18446744073709551615}}');
    expect(r).toEqual({
      big: 9007199254740993n,
      min: -9223372036854775808n,
      safe: 9007199254740991,
      two53: 9007199254740992n,
      f: 1.5,
      e: 1e20,
      arr: [12345678901234567890n, 1],
      o: { x: 18446744073709551615n },
    });
  });

  it('errors name the record and the character', async () => {
    let e = await caught(json('{"a":1}\n{"a":}\n'));
    expect(e.message).toMatch(/^JSON input: record 2 \(character 8\) is not valid JSON: /);
    e = await caught(json('{"a":1} x {"a":2}'));
    expect(e.message).toBe('JSON input: unexpected "x" at character 8 between records');
    e = await caught(json('{"a":1}\n{"a": [1, 2'));
    expect(e.message).toBe('JSON input: ends inside record 2');
    e = await caught(json('"just a string"'));
    expect(e.message).toBe('JSON input: expected a JSON object at character 0, found a string');
    e = await caught(json('{"ok":1}\n[1, 2]'));
    expect(e.message).toMatch(/record 2 \(character 9\) is not a JSON object/);
    // a file path is named in the message
    const file = join(tmp.make('ds-in-'), 'bad.json');
    writeFileSync(file, '{"a":1}\n{oops}\n');
    e = await caught(all(readJson(file)));
    expect(e.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: record 2 \\(character 8\\) is not valid JSON`));
  });

  it('1-byte chunks give the same records (ASCII)', async () => {
    const text = '[{"a": "x,y", "b": [1, {"c": "}"}]},\n {"big": 123456789012345678901}]';
    const whole = await json(text);
    expect(whole).toEqual([{ a: 'x,y', b: [1, { c: '}' }] }, { big: 123456789012345678901n }]);
    expect(await json(text, 1)).toEqual(whole);
    expect(await json(text, [3, 1, 4])).toEqual(whole);
  });

  // Jackson (JSONRecordReader) decodes the UTF-8 input as one stream; readJson decodes every
  // chunk on its own (chunk.toString('utf8')), so a multi-byte character split across two
  // chunks turns into U+FFFD replacement characters.
  it('multi-byte UTF-8 characters split across chunks are decoded intact', async () => {
    const text = '{"name": "café 中文 😀"}\n';
    expect(await json(text, 1)).toEqual([{ name: 'café 中文 😀' }]);
  });

  // The same through a file path: createReadStream reads 64 KiB at a time, so any non-ASCII
  // character straddling a 64 KiB boundary is corrupted.
  it('a file with "é" straddling the 64 KiB read boundary reads intact', async () => {
    const file = join(tmp.make('ds-in-'), 'straddle.json');
    const head = '{"pad": "';
    const pad = 'x'.repeat(65536 - head.length - 1); // "é" (2 bytes) starts at byte 65535
    writeFileSync(file, `${head}${pad}é"}\n{"b": 1}\n`);
    const records = await all(readJson(file));
    expect(records[0]).toEqual({ pad: `${pad}é` });
    expect(records[1]).toEqual({ b: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Avro
// ---------------------------------------------------------------------------------------------

/** A long type that writes bigints (to put values beyond 2^53 into the test files). */
const WriteBigLong = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  },
  fromJSON: (v: number | string) => BigInt(v),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

const avroSchema = {
  type: 'record',
  name: 'Row',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'n', type: 'int' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 'ok', type: 'boolean' },
    { name: 's', type: 'string' },
    { name: 'raw', type: 'bytes' },
    { name: 'fx', type: { type: 'fixed', name: 'Four', size: 4 } },
    { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'longs', type: { type: 'array', items: 'long' } },
    { name: 'maybe', type: ['null', 'string'], default: null },
    { name: 'maybeLong', type: ['null', 'long'], default: null },
    { name: 'attrs', type: { type: 'map', values: 'int' } },
    { name: 'inner', type: ['null', { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'long' }, { name: 'y', type: ['null', 'double'] }] }] },
  ],
};

const avroRecords = [
  {
    id: 2n ** 62n + 1n,
    n: -7,
    f: 1.5,
    d: -0.25,
    ok: true,
    s: 'café 😀',
    raw: Buffer.from([0, 1, 255]),
    fx: Buffer.from('abcd'),
    color: 'GREEN',
    tags: ['a', 'b'],
    longs: [-(2n ** 63n), 0n, 9007199254740993n],
    maybe: 'here',
    maybeLong: 42n,
    attrs: { k: 1, j: 2 },
    inner: { x: 5n, y: 2.5 },
  },
  { id: -1n, n: 0, f: 0, d: 1e300, ok: false, s: '', raw: Buffer.alloc(0), fx: Buffer.from([0, 0, 0, 0]), color: 'RED', tags: [], longs: [], maybe: null, maybeLong: null, attrs: {}, inner: null },
];

async function writeAvro(file: string, codec: 'null' | 'deflate' | 'snappy', records: unknown[] = avroRecords, blockSize?: number): Promise<void> {
  const type = avsc.Type.forSchema(avroSchema as never, { registry: { long: WriteBigLong }, wrapUnions: false });
  const snappy = (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void): void => {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(buf));
    cb(null, Buffer.concat([compressSync(buf), crc]));
  };
  const encoder = new avsc.streams.BlockEncoder(type, {
    codec,
    ...(codec === 'snappy' ? { codecs: { snappy } } : {}),
    ...(blockSize ? { blockSize } : {}),
  } as never);
  const out = createWriteStream(file);
  encoder.pipe(out);
  for (const r of records) encoder.write(r);
  encoder.end();
  await once(out, 'finish');
}

const expectedAvro = avroRecords.map((r) => ({ ...r, f: Math.fround(r.f) }));

describe('readAvro', () => {
  it('snappy: longs as bigint, bytes/fixed as Buffers, enums, arrays, maps, nullable unions, nested records', async () => {
    const file = join(tmp.make('ds-avro-'), 'snappy.avro');
    await writeAvro(file, 'snappy');
    const rows = await all(readAvro(file));
    expect(rows).toEqual(expectedAvro);
    expect(typeof rows[0]!.id).toBe('bigint');
    expect(Buffer.isBuffer(rows[0]!.raw)).toBe(true);
    expect(typeof (rows[0]!.inner as { x: unknown }).x).toBe('bigint');
  });

  it('snappy, many blocks', async () => {
    const file = join(tmp.make('ds-avro-'), 'blocks.avro');
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...avroRecords[i % 2]!, id: BigInt(i) * 3_000_000_000_000n }));
    await writeAvro(file, 'snappy', many, 4096);
    const rows = await all(readAvro(file));
    expect(rows.length).toBe(3000);
    expect(rows.map((r) => r.id)).toEqual(many.map((r) => r.id));
  });

  // avsc's `codecs` option replaces its default table ({ null, deflate }) instead of extending
  // it, so the reader has to list all three; Pinot's AvroRecordReader reads them all.
  it('deflate-compressed files are read', async () => {
    const file = join(tmp.make('ds-avro-'), 'deflate.avro');
    await writeAvro(file, 'deflate');
    expect(await all(readAvro(file))).toEqual(expectedAvro);
  });

  it('uncompressed ("null" codec) files are read', async () => {
    const file = join(tmp.make('ds-avro-'), 'plain.avro');
    await writeAvro(file, 'null');
    expect(await all(readAvro(file))).toEqual(expectedAvro);
  });

  it('a file that is not Avro is refused', async () => {
    const file = join(tmp.make('ds-avro-'), 'not.avro');
    writeFileSync(file, 'hello, this is CSV\n');
    expect((await caught(all(readAvro(file)))).message).toMatch(/invalid magic bytes/);
  });

  it('an aborted read stops with the abort reason', async () => {
    const file = join(tmp.make('ds-avro-'), 'abort.avro');
    await writeAvro(file, 'snappy', Array.from({ length: 2000 }, () => avroRecords[0]!), 1024);
    const ac = new AbortController();
    let n = 0;
    const e = await caught(
      (async () => {
        for await (const _ of readAvro(file, { signal: ac.signal })) {
          if (++n === 10) ac.abort(new Error('enough'));
        }
      })(),
    );
    expect(e.message).toBe('enough');
    expect(n).toBeLessThan(2000);
  });
});
