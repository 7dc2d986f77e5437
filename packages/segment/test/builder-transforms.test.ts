import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSegment } from '../src/builder/build.js';
import { openSegment } from '../src/segment-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-bt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = {
  schemaName: 'events',
  dimensionFieldSpecs: [
    { name: 'user', dataType: 'STRING' },
    { name: 'domain', dataType: 'STRING' },
  ],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};
const tableConfig = {
  tableName: 'events',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'day' },
  tableIndexConfig: {},
  ingestionConfig: {
    transformConfigs: [
      { columnName: 'domain', transformFunction: "splitPart(email, '@', 1)" },
      { columnName: 'day', transformFunction: 'toEpochDays(ts)' },
    ],
    // Pinot compares with = as doubles in ingestion functions; strings go through strcmp.
    filterConfig: { filterFunction: "strcmp(domain, 'spam.example') = 0" },
  },
};

describe('buildSegment with the table ingestion transforms', () => {
  it('derives columns, drops filtered rows, and a transform error names the input row', async () => {
    const built = await buildSegment(
      [
        { user: 'ann', email: 'ann@a.example', ts: 1_728_000_000_000 },
        { user: 'x', email: 'x@spam.example', ts: 1_728_000_000_000 },
        { user: 'bob', email: 'bob@b.example', ts: 1_728_086_400_000 },
      ],
      { schema, tableConfig, outDir: dir, creationTime: 1_700_000_000_000 },
    );
    const seg = await openSegment(built.tarFile);
    try {
      expect(seg.metadata.totalDocs).toBe(2);
      expect(await seg.values('user')).toEqual(['ann', 'bob']);
      expect(await seg.values('domain')).toEqual(['a.example', 'b.example']);
      expect(await seg.values('day')).toEqual([20000, 20001]);
    } finally {
      await seg.close();
    }
    const err = await buildSegment([{ user: 'a', email: 'a@a', ts: 1 }, { user: 'b', email: 'b@b', ts: 'soon' }], { schema, tableConfig, outDir: join(dir, 'bad') }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/row 2/);
    expect((err as Error).message).toContain('day');
  });
});
