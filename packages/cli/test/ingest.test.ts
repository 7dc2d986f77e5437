import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, run, tempDir } from './helpers.js';

assertBuilt();
const work = tempDir('deepstore-ingest-');
afterAll(() => work.cleanup());

const schema = { schemaName: 'v', dimensionFieldSpecs: [{ name: 'page', dataType: 'STRING' }], dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }] };
const table = { tableName: 'v', tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'day' }, tableIndexConfig: {} };

describe('deepstore ingest', () => {
  it('runs a job spec with ${} values, prints one line per file and a summary', async () => {
    const input = path.join(work.dir, 'in');
    mkdirSync(input);
    writeFileSync(path.join(input, 'a.csv'), 'page,day\n/a,20000\n');
    writeFileSync(path.join(input, 'b.csv'), 'page,day\n/b,20001\n/c,20001\n');
    writeFileSync(path.join(work.dir, 'schema.json'), JSON.stringify(schema));
    writeFileSync(path.join(work.dir, 'table.json'), JSON.stringify(table));
    const job = path.join(work.dir, 'job.yaml');
    writeFileSync(
      job,
      `jobType: SegmentCreation
inputDirURI: '${pathToFileURL(input).href}'
includeFileNamePattern: 'glob:**/*.csv'
outputDirURI: '\${out}'
recordReaderSpec:
  dataFormat: csv
tableSpec:
  tableName: v
  schemaURI: '${pathToFileURL(path.join(work.dir, 'schema.json')).href}'
  tableConfigURI: '${pathToFileURL(path.join(work.dir, 'table.json')).href}'
`,
    );
    const out = path.join(work.dir, 'out');
    const r = await run(['ingest', job, '--values', `out=${pathToFileURL(out).href}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toContain('2 files: 2 built, 0 skipped (already there), 0 failed; 3 rows');
    expect(readdirSync(out).sort()).toEqual(['v_OFFLINE_20000_20000_0.tar.gz', 'v_OFFLINE_20001_20001_1.tar.gz']);
    const bad = await run(['ingest', job, '--values', `out=${pathToFileURL(out).href}`, '--shard', '2/2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--shard must be i/N');
    const missing = await run(['ingest', job]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no value for ${out}');
  });
});
