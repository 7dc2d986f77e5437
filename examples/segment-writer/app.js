#!/usr/bin/env node
// Application code that produces events and turns them into Pinot segments on S3, without a
// batch job: rows go to a FileBasedSegmentWriter, which flushes a segment every N rows straight
// to s3://<bucket>/<prefix>/ through @deepstore/fs-s3.
//
//   node app.js --bucket my-bucket [--prefix clicks] [--rows 50000] [--every 20000]
//               [--endpoint http://127.0.0.1:9000 --access-key K --secret-key S] [--region us-east-1]
//
// Without --endpoint the AWS SDK's usual credential chain and region are used.
import { parseArgs } from 'node:util';
import { FileSystemRegistry } from '@deepstore/core';
import { openSegment } from '@deepstore/segment';
import { FileBasedSegmentWriter } from '@deepstore/writer';

const { values } = parseArgs({
  options: {
    bucket: { type: 'string' },
    prefix: { type: 'string', default: 'clicks' },
    rows: { type: 'string', default: '50000' },
    every: { type: 'string', default: '20000' },
    endpoint: { type: 'string' },
    'access-key': { type: 'string' },
    'secret-key': { type: 'string' },
    region: { type: 'string', default: process.env.AWS_REGION ?? 'us-east-1' },
  },
});
if (!values.bucket) {
  console.error('usage: node app.js --bucket BUCKET [--prefix P] [--rows N] [--every N] [--endpoint URL --access-key K --secret-key S]');
  process.exit(2);
}

const schema = {
  schemaName: 'clicks',
  dimensionFieldSpecs: [
    { name: 'userId', dataType: 'LONG' },
    { name: 'page', dataType: 'STRING' },
    { name: 'referrer', dataType: 'STRING' },
    { name: 'browser', dataType: 'STRING' },
  ],
  metricFieldSpecs: [{ name: 'dwellMs', dataType: 'INT' }],
  dateTimeFieldSpecs: [
    { name: 'ts', dataType: 'TIMESTAMP', format: 'TIMESTAMP', granularity: '1:MILLISECONDS' },
    { name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' },
  ],
};
const tableConfig = {
  tableName: 'clicks',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'ts' },
  tableIndexConfig: { invertedIndexColumns: ['browser'], nullHandlingEnabled: true },
  ingestionConfig: {
    // The day column is derived from the event time; bots are dropped before they reach a segment.
    transformConfigs: [{ columnName: 'day', transformFunction: 'toEpochDays(ts)' }],
    filterConfig: { filterFunction: "strcmp(browser, 'bot') = 0" },
    batchIngestionConfig: {
      segmentIngestionType: 'APPEND',
      batchConfigMaps: [
        {
          outputDirURI: `s3://${values.bucket}/${values.prefix}`,
          overwriteOutput: 'false',
          'segmentNameGenerator.type': 'simple',
          'segmentNameGenerator.configs.append.uuid.to.segment.name': 'true',
          'output.fs.prop.region': values.region,
          ...(values.endpoint
            ? { 'output.fs.prop.endpoint': values.endpoint, 'output.fs.prop.accessKey': values['access-key'] ?? '', 'output.fs.prop.secretKey': values['secret-key'] ?? '' }
            : {}),
        },
      ],
    },
  },
};

const total = Number(values.rows);
const every = Number(values.every);
const browsers = ['firefox', 'chrome', 'safari', 'edge', 'bot'];
const writer = new FileBasedSegmentWriter();
await writer.init(tableConfig, schema);
const flushed = [];
try {
  const start = Date.UTC(2026, 10, 27);
  let batch = [];
  for (let i = 0; i < total; i++) {
    batch.push({
      userId: 1000 + (i % 997),
      page: `/products/${i % 250}`,
      referrer: i % 7 === 0 ? null : `https://search.example/?q=${i % 40}`,
      browser: browsers[i % browsers.length],
      dwellMs: (i * 37) % 60000,
      ts: start + i * 1000,
    });
    if (batch.length === 1000) {
      await writer.collect(batch);
      batch = [];
    }
    if ((i + 1) % every === 0) flushed.push((await writer.flush()).href);
  }
  if (batch.length > 0) await writer.collect(batch);
  if (total % every !== 0) flushed.push((await writer.flush()).href);
} finally {
  await writer.close();
}
for (const uri of flushed) console.log(uri);

// Read the segments back from S3 to show what landed.
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
registry.configure({ 'storage.factory.s3.region': values.region, ...(values.endpoint ? { 'storage.factory.s3.endpoint': values.endpoint, 'storage.factory.s3.accessKey': values['access-key'] ?? '', 'storage.factory.s3.secretKey': values['secret-key'] ?? '' } : {}) });
try {
  const fs = await registry.resolve(`s3://${values.bucket}/`);
  let docs = 0;
  for (const uri of flushed) {
    const local = `${process.env.TMPDIR ?? '/tmp'}/segment-writer-example-${process.pid}.tar.gz`;
    await fs.copyToLocal(uri, local);
    const seg = await openSegment(local);
    await seg.verifyCrc();
    docs += seg.metadata.totalDocs;
    await seg.close();
  }
  console.log(`${flushed.length} segments on s3://${values.bucket}/${values.prefix}/ with ${docs} rows (bots filtered out), CRCs verified`);
} finally {
  await registry.close();
}
