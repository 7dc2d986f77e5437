#!/usr/bin/env node
// Collect rows, flush two Pinot segments into a local directory, and read them back.
//
//   node run.js [OUTPUT_DIR]
//
// Without an argument the segments go to a new temp directory.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openSegment } from '@deepstore/segment';
import { GenericRow } from '@deepstore/writer';
import { MemorySegmentWriter } from './memory-segment-writer.js';

const outDir = process.argv[2] ? path.resolve(process.argv[2]) : await mkdtemp(path.join(os.tmpdir(), 'segment-writer-example-'));

const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [
    { name: 'country', dataType: 'STRING' },
    { name: 'items', dataType: 'STRING', singleValueField: false },
  ],
  metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};
const tableConfig = {
  tableName: 'orders',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'day' },
  tableIndexConfig: { nullHandlingEnabled: true, invertedIndexColumns: ['country'] },
  ingestionConfig: { batchIngestionConfig: { batchConfigMaps: [{ outputDirURI: pathToFileURL(outDir).href }] } },
};

// `await using writer = ...` does the close() for you in TypeScript, and in Node 24+.
const writer = new MemorySegmentWriter();
try {
  await writer.init(tableConfig, schema);

  // Plain objects and GenericRows; values are converted as Pinot converts them.
  await writer.collect([
    { country: 'FR', items: ['book', 'pen'], amount: '10.5', day: 20000 },
    new GenericRow().putValue('country', 'US').putValue('items', 'lamp').putDefaultNullValue('amount', 0).putValue('day', 20001),
  ]);
  // A bad value is refused with its row and column; the buffer keeps the good rows.
  try {
    await writer.collect({ country: 'DE', amount: 'a lot', day: 20001 });
  } catch (e) {
    console.log(`refused: ${/** @type {Error} */ (e).message}`);
  }
  const first = await writer.flush();

  await writer.collect({ country: 'JP', items: [], amount: 7, day: 20010 });
  const second = await writer.flush();

  for (const uri of [first, second]) {
    const segment = await openSegment(fileURLToPath(uri));
    try {
      await segment.verifyCrc();
      console.log(`\n${uri.href}`);
      console.log(`  ${segment.metadata.name}: ${segment.metadata.totalDocs} rows, CRC OK`);
      for (const column of ['country', 'items', 'amount', 'day']) {
        const nulls = await segment.nullDocIds(column);
        console.log(`  ${column.padEnd(8)} ${JSON.stringify(await segment.values(column))}${nulls.length ? `  null in docs ${nulls.join(', ')}` : ''}`);
      }
    } finally {
      await segment.close();
    }
  }
} finally {
  await writer.close();
}
console.log('\nsegment writer example OK');
