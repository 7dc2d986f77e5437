/**
 * The table's ingestion transforms run in collect: expression transforms fill derived columns,
 * the filter drops rows (a row whose filter is true is dropped, as Pinot's FilterTransformer
 * does), complexTypeConfig unnests arrays into rows; the segment read back holds exactly the
 * transformed rows.
 */
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSegment } from '@deepstore/segment';
import { FileBasedSegmentWriter } from '@deepstore/writer';
import { TempDirs } from './helpers.js';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

const schema = {
  schemaName: 'events',
  dimensionFieldSpecs: [
    { name: 'user', dataType: 'STRING' },
    { name: 'userUpper', dataType: 'STRING' },
    { name: 'item', dataType: 'STRING' },
  ],
  metricFieldSpecs: [{ name: 'cents', dataType: 'LONG' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};

function table(out: string, ingestion: Record<string, unknown>): Record<string, unknown> {
  return {
    tableName: 'events',
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: 'day' },
    tableIndexConfig: {},
    ingestionConfig: { batchIngestionConfig: { batchConfigMaps: [{ outputDirURI: out }] }, ...ingestion },
  };
}

describe('FileBasedSegmentWriter with ingestion transforms', () => {
  it('applies expression transforms and the filter before buffering', async () => {
    const out = pathToFileURL(tmp.make('ds-wt-')).href;
    const w = new FileBasedSegmentWriter({ creationTime: () => 1_700_000_000_000 });
    await w.init(
      table(out, {
        transformConfigs: [
          { columnName: 'userUpper', transformFunction: 'upper("user")' },
          { columnName: 'cents', transformFunction: 'times(price, 100)' },
          { columnName: 'day', transformFunction: 'toEpochDays(ts)' },
        ],
        filterConfig: { filterFunction: "strcmp(\"user\", 'bot') = 0" },
      }),
      schema,
    );
    await w.collect([
      { user: 'ann', item: 'a', price: 1.25, ts: 1_728_000_000_000 },
      { user: 'bot', item: 'b', price: 9, ts: 1_728_000_000_000 },
      { user: 'bob', item: 'c', price: 2, ts: 1_728_086_400_000 },
    ]);
    const uri = await w.flush();
    await w.close();
    const seg = await openSegment(uri.pathname);
    try {
      expect(seg.metadata.totalDocs).toBe(2);
      expect(await seg.values('user')).toEqual(['ann', 'bob']);
      expect(await seg.values('userUpper')).toEqual(['ANN', 'BOB']);
      expect(await seg.values('cents')).toEqual([125n, 200n]);
      expect(await seg.values('day')).toEqual([20000, 20001]);
    } finally {
      await seg.close();
    }
  });

  it('unnests a collection into one row per element (complexTypeConfig)', async () => {
    const out = pathToFileURL(tmp.make('ds-wu-')).href;
    const w = new FileBasedSegmentWriter({ creationTime: () => 1_700_000_000_000 });
    await w.init(table(out, { complexTypeConfig: { fieldsToUnnest: ['items'] } }), {
      ...schema,
      dimensionFieldSpecs: [...schema.dimensionFieldSpecs, { name: 'items.sku', dataType: 'STRING' }],
    });
    await w.collect({ user: 'ann', day: 20000, cents: 1, items: [{ sku: 'x' }, { sku: 'y' }] });
    const uri = await w.flush();
    await w.close();
    const seg = await openSegment(uri.pathname);
    try {
      expect(seg.metadata.totalDocs).toBe(2);
      expect(await seg.values('items.sku')).toEqual(['x', 'y']);
      expect(await seg.values('user')).toEqual(['ann', 'ann']);
    } finally {
      await seg.close();
    }
  });

  it('names the row and the column of a transform that fails, and keeps the buffer', async () => {
    const out = pathToFileURL(tmp.make('ds-we-')).href;
    const w = new FileBasedSegmentWriter({ creationTime: () => 1_700_000_000_000 });
    await w.init(table(out, { transformConfigs: [{ columnName: 'day', transformFunction: "toEpochDays(fromDateTime(dt, 'yyyy-MM-dd'))" }] }), schema);
    await w.collect({ user: 'ann', dt: '2024-10-04', cents: 1 });
    const err = await w.collect([{ user: 'bob', dt: '2024-10-05', cents: 2 }, { user: 'eve', dt: 'not a date', cents: 3 }]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('row 3');
    expect((err as Error).message).toContain('day');
    const uri = await w.flush();
    await w.close();
    const seg = await openSegment(uri.pathname);
    try {
      expect(await seg.values('user')).toEqual(['ann']);
    } finally {
      await seg.close();
    }
  });
});
