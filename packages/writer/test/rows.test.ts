/**
 * What collect does with rows: Pinot's conversion, rows that cannot be converted (rejected by
 * position and column, the buffer untouched), null markers through the buffer with null
 * handling on, off and per column, GenericRow itself, and the Avro buffer's schema.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSegment, parseSchema } from '@deepstore/segment';
import { GenericRow, bufferSchema, type FileBasedSegmentWriter } from '@deepstore/writer';
import { CREATION_TIME, COLUMNS, TempDirs, dayRows, newWriter, readSegment, registry, runScenario, sampleExpected, sampleRows, schema, tableConfig } from './helpers.js';

const tmp = new TempDirs();
const reg = registry();
afterAll(async () => {
  await reg.close();
  tmp.cleanup();
});

const outDir = () => pathToFileURL(tmp.make('deepstore-writer-rows-')).href;

async function collectError(w: FileBasedSegmentWriter, rows: Parameters<FileBasedSegmentWriter['collect']>[0]): Promise<Error & { kind?: string }> {
  try {
    await w.collect(rows);
  } catch (e) {
    return e as Error & { kind?: string };
  }
  throw new Error('collect was expected to fail');
}

describe('a row that cannot be converted', () => {
  it('is rejected naming its position (1-based, across collects) and column; its batch is refused whole and the buffer stays intact', async () => {
    const out = outDir();
    await using w = newWriter(reg, { parallelism: 1 });
    await w.init(tableConfig(out), schema);
    await w.collect(dayRows([20000, 20001], 'A')); // rows 1, 2
    await w.collect({ country: 'B', day: 20002 }); // row 3

    const bad = await collectError(w, [
      { country: 'C0', day: 20003 },
      { country: 'C1', day: 20003, amount: 'lots' },
      { country: 'C2', day: 20003 },
    ]);
    expect(bad.message).toBe('collect: row 5, column amount: column "amount": cannot convert "lots" to DOUBLE: For input string: "lots"');
    expect(bad.kind).toBe('InvalidInput');
    expect(w.rowCount).toBe(3);

    // A refused batch does not count: the next row is row 4 again.
    const single = await collectError(w, new GenericRow().putValue('day', 20004).putValue('ts', 'yesterday'));
    expect(single.message).toContain("row 4, column ts: column \"ts\": cannot convert \"yesterday\" to TIMESTAMP: Invalid timestamp: 'yesterday'");
    const multi = await collectError(w, [{ day: 20004 }, { country: ['x', 'y'], day: 20004 }]);
    expect(multi.message).toContain('row 5, column country: column "country": cannot convert ["x","y"] to STRING: 2 values for a single-value column');
    const bytes = await collectError(w, { blob: 'xyz', day: 20004 });
    expect(bytes.message).toContain('row 4, column blob: column "blob": cannot convert "xyz" to BYTES');

    await w.collect({ country: 'D', day: 20004 }); // row 4
    expect(w.rowCount).toBe(4);
    const uri = await w.flush();
    const back = await readSegment(reg, uri, tmp, ['country', 'day']);
    expect(back.rows).toEqual([
      { country: 'A0', day: 20000 },
      { country: 'A1', day: 20001 },
      { country: 'B', day: 20002 },
      { country: 'D', day: 20004 },
    ]);
    // Exactly the good rows, nothing else: the same bytes as building them directly.
    const direct = await buildSegment([...dayRows([20000, 20001], 'A'), { country: 'B', day: 20002 }, { country: 'D', day: 20004 }], {
      schema,
      tableConfig: tableConfig(out),
      outDir: tmp.make(),
      creationTime: CREATION_TIME,
      nameRules: 'segmentWriter',
      sequenceId: -1,
    });
    expect(readFileSync(back.localFile).equals(readFileSync(direct.tarFile))).toBe(true);
  });
});

describe('null markers', () => {
  it('become default values without null value vectors when null handling is off', async () => {
    await using w = newWriter(reg, { parallelism: 1 });
    await w.init(tableConfig(outDir(), { nullHandling: false }), schema);
    await w.collect(sampleRows());
    const back = await readSegment(reg, await w.flush(), tmp);
    expect(back.rows).toEqual(sampleExpected());
    expect(back.nulls).toEqual(Object.fromEntries(COLUMNS.map((c) => [c, []])));
  });

  it('follow column-based null handling: a vector for nullable columns only', async () => {
    const columnSchema = {
      schemaName: 'orders',
      enableColumnBasedNullHandling: true,
      dimensionFieldSpecs: [
        { name: 'country', dataType: 'STRING', notNull: true },
        { name: 'city', dataType: 'STRING' },
      ],
      dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS', notNull: true }],
    };
    const table = { ...tableConfig(outDir(), { nullHandling: false }), tableIndexConfig: {} };
    await using w = newWriter(reg, { parallelism: 1 });
    await w.init(table, columnSchema);
    await w.collect([
      new GenericRow().putValue('country', 'FR').putValue('city', 'Paris').putValue('day', 20000),
      new GenericRow().putDefaultNullValue('country', 'null').putDefaultNullValue('city', 'null').putValue('day', 20001),
      { country: 'DE', city: null, day: 20001 },
    ]);
    const back = await readSegment(reg, await w.flush(), tmp, ['country', 'city', 'day']);
    expect(back.rows).toEqual([
      { country: 'FR', city: 'Paris', day: 20000 },
      { country: 'null', city: 'null', day: 20001 },
      { country: 'DE', city: 'null', day: 20001 },
    ]);
    expect(back.nulls).toEqual({ country: [], city: [1, 2], day: [] });
  });

  it('win over the value beside them, and a marker removed again lets the value through', async () => {
    const row = new GenericRow().putDefaultNullValue('country', 'kept beside the marker').putValue('day', 20000);
    const unmarked = new GenericRow().putDefaultNullValue('country', 'IT').putValue('day', 20000);
    expect(unmarked.removeNullValueField('country')).toBe(true);
    await using w = newWriter(reg, { parallelism: 1 });
    await w.init(tableConfig(outDir()), schema);
    await w.collect([row, unmarked]);
    const back = await readSegment(reg, await w.flush(), tmp, ['country']);
    expect(back.rows).toEqual([{ country: 'null' }, { country: 'IT' }]);
    expect(back.nulls).toEqual({ country: [0] });
  });
});

describe('values the Avro buffer must carry exactly', () => {
  it('LONG and TIMESTAMP beyond 2^53, BIG_DECIMAL, BYTES, and multi-value columns', async () => {
    await using w = newWriter(reg, { parallelism: 1 });
    await w.init(tableConfig(outDir()), schema);
    await w.collect([
      { big: 9223372036854775807n, ts: 9007199254740993n, price: '123456789012345678901234567890.000000001', blob: Buffer.from('00ff', 'hex'), items: [], day: 20000 },
      { big: -9223372036854775807n, ts: '1', price: -0.5, blob: new Uint8Array(300).fill(7), items: ['x', 'y', 'x'], day: 20000 },
    ]);
    const back = await readSegment(reg, await w.flush(), tmp, ['big', 'ts', 'price', 'blob', 'items']);
    expect(back.rows).toEqual([
      { big: 9223372036854775807n, ts: 9007199254740993n, price: '123456789012345678901234567890.000000001', blob: new Uint8Array([0, 255]), items: ['null'] },
      { big: -9223372036854775807n, ts: 1n, price: '-0.5', blob: new Uint8Array(300).fill(7), items: ['x', 'y', 'x'] },
    ]);
  });
});

describe('flush', () => {
  it('writes a segment with no documents when nothing was collected', async () => {
    const out = outDir();
    await using w = newWriter(reg, { parallelism: 1 });
    await w.init(tableConfig(out), schema);
    const uri = await w.flush();
    // As Pinot names a segment without rows: the time range is "now" (here the creation time).
    expect(uri.href).toBe(`${out}/orders_${CREATION_TIME}_${CREATION_TIME}.tar.gz`);
    expect((await readSegment(reg, uri, tmp)).totalDocs).toBe(0);
  });

  it('builds the same bytes in worker threads as in the calling thread', async () => {
    const out = outDir();
    const build = async (parallelism: number) => {
      await using w = newWriter(reg, { parallelism });
      await w.init(tableConfig(`${out}/p${parallelism}`), schema);
      await w.collect(sampleRows());
      return readFileSync(new URL(await w.flush()));
    };
    expect((await build(1)).equals(await build(2))).toBe(true);
  });

  // BUG (packages/writer/src/avro-buffer.ts, AvroBuffer.seal, lines 127-129): after
  // `await done` it records `this.openPart` and `this.openRows`, which a collect() that ran while
  // the part was closing has already replaced with the NEXT part. The sealed part is never
  // recorded (its rows are lost), the new, still open part is built instead, and dropSealed()
  // deletes it; the next flush then reads the deleted part and (through the Avro reader bug in
  // @deepstore/segment, see failures.test.ts) crashes the process. Expected: capture the part's
  // name and row count before awaiting. Run in a child process because of the crash.
  it('keeps rows collected while a flush is running for the next segment', async () => {
    const r = await runScenario('collect-during-flush', tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.result).toEqual({ first: { rows: ['A0', 'A1'] }, second: { rows: ['B0'] } });
  });

  // BUG (packages/writer/src/file-based-segment-writer.ts, flush; avro-buffer.ts, seal and
  // dropSealed): nothing serialises flushes. A flush started while another runs builds from the
  // same sealed parts, and whichever finishes first deletes every sealed part. Measured here:
  // the first flush returns a segment with [B0], the second [B0, B0], A0 and A1 are gone.
  // Expected: flushes queue (or the second is refused with a clear error, its rows kept) and
  // every row lands in exactly one segment.
  it('puts every row in exactly one segment when flush is called while another flush runs', async () => {
    const r = await runScenario('flush-during-flush', tmp);
    expect(r.code).toBe(0);
    const landed = Object.values(r.result ?? {}).flatMap((o) => o?.rows ?? []);
    expect(landed.sort()).toEqual(['A0', 'A1', 'B0']);
  });
});

describe('GenericRow', () => {
  it("keeps values and null markers as Pinot's GenericRow does", () => {
    const row = GenericRow.from({ a: 1, b: ['x'] });
    row.putDefaultNullValue('c', 0).addNullValueField('d');
    expect(row.getValue('a')).toBe(1);
    expect(row.getValue('c')).toBe(0);
    expect(row.isNullValue('c')).toBe(true);
    expect(row.isNullValue('a')).toBe(false);
    expect([...row.getNullValueFields()]).toEqual(['c', 'd']);
    expect([...row.getFieldToValueMap().keys()]).toEqual(['a', 'b', 'c']);
    expect(row.toObject()).toEqual({ a: 1, b: ['x'], c: null, d: null });
    expect(row.removeValue('a')).toBe(1);
    expect(row.removeNullValueField('c')).toBe(true);
    expect(row.removeNullValueField('c')).toBe(false);
    expect(row.toObject()).toEqual({ b: ['x'], c: 0, d: null });
    row.clear();
    expect(row.toObject()).toEqual({});
  });
});

describe('bufferSchema', () => {
  it('has one nullable field per column, sorted by name, under Avro-safe names mapped back to the columns', () => {
    const parsed = parseSchema({ ...schema, dimensionFieldSpecs: [...schema.dimensionFieldSpecs, { name: '$odd-name$', dataType: 'STRING' }] });
    const { type, columns, fields } = bufferSchema(parsed);
    expect(fields.map((f) => f.name)).toEqual(['$odd-name$', 'amount', 'big', 'blob', 'country', 'day', 'items', 'paid', 'price', 'qty', 'ts']);
    expect(columns).toEqual(Object.fromEntries(fields.map((f, i) => [`c${i}`, f.name])));
    const rec = { c0: null, c1: 1.5, c2: 2n ** 62n, c3: Buffer.from([1]), c4: 'FR', c5: 20000, c6: ['a', 'b'], c7: 1, c8: '1.10', c9: null, c10: -(2n ** 63n) };
    expect(type.fromBuffer(type.toBuffer(rec))).toEqual(rec);
    expect(type.isValid({ ...rec, c2: 1 })).toBe(false);
  });
});
