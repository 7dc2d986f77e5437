import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { startS3Peer } from '@deepstore/peer-s3';
import { assertBuilt, run, tempDir } from './helpers.js';

assertBuilt();
const work = tempDir('deepstore-build-');
const s3 = await startS3Peer({ buckets: ['segments'] });
afterAll(async () => {
  await s3.stop();
  work.cleanup();
});
const s3Config = ['--config', `s3.endpoint=${s3.endpoint}`, '--config', `s3.accessKey=${s3.accessKeyId}`, '--config', `s3.secretKey=${s3.secretAccessKey}`, '--config', `s3.region=${s3.region}`];

const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [
    { name: 'country', dataType: 'STRING' },
    { name: 'items', dataType: 'STRING', singleValueField: false },
    { name: 'paid', dataType: 'BOOLEAN' },
  ],
  metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};
const table = {
  tableName: 'orders',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'day' },
  tableIndexConfig: { invertedIndexColumns: ['country'], noDictionaryColumns: ['amount'] },
};
const schemaFile = path.join(work.dir, 'schema.json');
const tableFile = path.join(work.dir, 'table.json');
writeFileSync(schemaFile, JSON.stringify(schema));
writeFileSync(tableFile, JSON.stringify(table));

const csv = ['country,items,paid,amount,day', 'FR,a;b,true,10.5,20000', 'US,c,false,3,20001', 'DE,,1,,20002', 'FR,a;c;d,0,7.25,20001'].join('\n') + '\n';
const csvFile = path.join(work.dir, 'orders.csv');
writeFileSync(csvFile, csv);

const lastLine = (s: string): string => s.trim().split('\n').pop() ?? '';

describe('deepstore build', () => {
  it('builds a segment from CSV whose tarball inspect verifies, printing its URI last', async () => {
    const out = path.join(work.dir, 'out1');
    const r = await run(['build', '--schema', schemaFile, '--table-config', tableFile, '--input', csvFile, '--out', out, '--creation-time', '1700000000000']);
    expect(r.code, r.stderr).toBe(0);
    const tar = lastLine(r.out);
    expect(tar).toBe(path.join(out, 'orders_OFFLINE_20000_20002_0.tar.gz'));
    expect(existsSync(tar)).toBe(true);
    const i = await run(['inspect', '--json', '--rows', '4', tar]);
    expect(i.code, i.stderr).toBe(0);
    const doc = JSON.parse(i.out) as { totalDocs: number; crc: { ok: boolean }; startTime: number; endTime: number; timeUnit: string; rows: Array<Record<string, unknown>> };
    expect(doc.totalDocs).toBe(4);
    expect(doc.crc.ok).toBe(true);
    expect([String(doc.startTime), String(doc.endTime), doc.timeUnit]).toEqual(['20000', '20002', 'DAYS']);
    expect(doc.rows.map((row) => row.country)).toEqual(['FR', 'US', 'DE', 'FR']);
    expect(doc.rows.map((row) => row.items)).toEqual([['a', 'b'], ['c'], ['null'], ['a', 'c', 'd']]);
    expect(doc.rows.map((row) => row.paid)).toEqual([true, false, true, false]);
    expect(doc.rows.map((row) => row.amount)).toEqual([10.5, 3, 0, 7.25]);
  });

  it('gives the same bytes for the same input and creation time, from CSV, gzipped CSV and JSON alike', async () => {
    const a = await run(['build', '--schema', schemaFile, '--table-config', tableFile, '--input', csvFile, '--out', path.join(work.dir, 'a'), '--creation-time', '1700000000000']);
    const gz = path.join(work.dir, 'orders.csv.gz');
    writeFileSync(gz, gzipSync(csv));
    const b = await run(['build', '--schema', schemaFile, '--table-config', tableFile, '--input', gz, '--out', path.join(work.dir, 'b'), '--creation-time', '1700000000000']);
    const json = path.join(work.dir, 'orders.json');
    writeFileSync(
      json,
      [
        { country: 'FR', items: ['a', 'b'], paid: true, amount: 10.5, day: 20000 },
        { country: 'US', items: 'c', paid: false, amount: 3, day: 20001 },
        { country: 'DE', items: [], paid: 1, amount: null, day: 20002 },
        { country: 'FR', items: ['a', 'c', 'd'], paid: 0, amount: 7.25, day: 20001 },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const c = await run(['build', '--schema', schemaFile, '--table-config', tableFile, '--input', json, '--out', path.join(work.dir, 'c'), '--creation-time', '1700000000000']);
    for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);
    const bytes = [a, b, c].map((r) => readFileSync(lastLine(r.out)));
    expect(bytes[1]!.equals(bytes[0]!)).toBe(true);
    expect(bytes[2]!.equals(bytes[0]!)).toBe(true);
  });

  it('puts the segment on S3 and refuses to replace it without --overwrite', async () => {
    const args = [...s3Config, 'build', '--schema', schemaFile, '--table-config', tableFile, '--input', csvFile, '--out', 's3://segments/orders/', '--segment-name', 'orders_fixed'];
    const r = await run(args);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(r.out)).toBe('s3://segments/orders/orders_fixed.tar.gz');
    const i = await run([...s3Config, 'inspect', '--rows', '0', 's3://segments/orders/orders_fixed.tar.gz']);
    expect(i.code, i.stderr).toBe(0);
    expect(i.out).toContain('segment     orders_fixed');
    const again = await run(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const over = await run([...args, '--overwrite']);
    expect(over.code, over.stderr).toBe(0);
  });

  it('names the input, row and column of a value that cannot convert, and leaves no tarball', async () => {
    const bad = path.join(work.dir, 'bad.csv');
    writeFileSync(bad, 'country,items,paid,amount,day\nFR,a,true,1.5,20000\nUS,b,false,lots,20001\n');
    const out = path.join(work.dir, 'bad-out');
    const r = await run(['build', '--schema', schemaFile, '--table-config', tableFile, '--input', bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain('row 2');
    expect(r.stderr).toContain('amount');
    expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.tar.gz')) : []).toEqual([]);
  });

  it('rejects a schema error naming the field path', async () => {
    const badSchema = path.join(work.dir, 'bad-schema.json');
    writeFileSync(badSchema, JSON.stringify({ ...schema, metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLEE' }] }));
    const r = await run(['build', '--schema', badSchema, '--table-config', tableFile, '--input', csvFile, '--out', path.join(work.dir, 'x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('metricFieldSpecs[0]');
    expect(r.stderr).toContain('DOUBLEE');
  });
});
