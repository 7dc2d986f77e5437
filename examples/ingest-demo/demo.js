#!/usr/bin/env node
// The main job on the embedded default (local disk):
//   1. writes a realistic sample dataset (CSV files of web orders, one per day) to a folder,
//   2. runs a Pinot-style ingestion job spec that builds one segment per file into a local
//      deep store folder (and, with DEEPSTORE_CONTROLLER set, pushes them to that controller),
//   3. fetches every segment back through the segment fetcher, untarring as it streams,
//   4. verifies each one (CRC, row count) and prints a short summary.
// Usage: node examples/ingest-demo/demo.js [--dir DIR] [--rows N] [--files N] [--controller URL]
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { FileSystemRegistry } from '@deepstore/core';
import { SegmentFetcherFactory } from '@deepstore/fetcher';
import { parseJobSpec, runJob } from '@deepstore/ingest';
import { openSegment } from '@deepstore/segment';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(os.tmpdir(), 'deepstore-demo') },
    rows: { type: 'string', default: '200000' },
    files: { type: 'string', default: '4' },
    controller: { type: 'string', default: process.env.DEEPSTORE_CONTROLLER ?? '' },
    quiet: { type: 'boolean', default: false },
  },
});
const root = path.resolve(values.dir);
const totalRows = Number(values.rows);
const fileCount = Number(values.files);
const say = (s) => values.quiet || console.log(s);
const t0 = Date.now();

const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [
    { name: 'orderId', dataType: 'STRING' },
    { name: 'country', dataType: 'STRING' },
    { name: 'channel', dataType: 'STRING' },
    { name: 'items', dataType: 'STRING', singleValueField: false },
    { name: 'customerId', dataType: 'LONG' },
  ],
  metricFieldSpecs: [
    { name: 'quantity', dataType: 'INT' },
    { name: 'amount', dataType: 'DOUBLE' },
  ],
  dateTimeFieldSpecs: [{ name: 'orderTime', dataType: 'TIMESTAMP', format: 'TIMESTAMP', granularity: '1:SECONDS' }],
};
const tableConfig = {
  tableName: 'orders',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'orderTime', replication: '1' },
  tableIndexConfig: { invertedIndexColumns: ['country', 'channel'], noDictionaryColumns: ['orderId'], loadMode: 'MMAP' },
  ingestionConfig: {
    transformConfigs: [{ columnName: 'amount', transformFunction: 'times(quantity, unitPrice)' }],
    filterConfig: { filterFunction: "strcmp(status, 'test') = 0" },
  },
  metadata: {},
};

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

async function writeDay(file, day, rows, seed) {
  const r = rng(seed);
  const countries = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA', 'ES', 'IT'];
  const channels = ['web', 'ios', 'android', 'partner'];
  const out = createWriteStream(file);
  out.write('orderId,country,channel,items,customerId,quantity,unitPrice,status,orderTime\n');
  const dayStart = Date.UTC(2026, 10, 1) + day * 86_400_000;
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const n = 1 + Math.floor(r() * 3);
    const items = Array.from({ length: n }, () => `sku-${Math.floor(r() * 500)}`).join(';');
    const status = r() < 0.01 ? 'test' : 'ok';
    const ts = new Date(dayStart + Math.floor(r() * 86_400) * 1000).toISOString().replace('T', ' ').replace('Z', '');
    buf += `o-${day}-${i},${countries[Math.floor(r() * r() * 10)]},${channels[Math.floor(r() * 4)]},${items},${100000 + Math.floor(r() * 50000)},${1 + Math.floor(r() * 5)},${(1 + r() * 99).toFixed(2)},${status},${ts}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

await rm(root, { recursive: true, force: true });
const rawDir = path.join(root, 'raw', 'orders');
const deepStore = path.join(root, 'deep-store');
await mkdir(rawDir, { recursive: true });
await mkdir(deepStore, { recursive: true });
for (let d = 0; d < fileCount; d++) {
  await writeDay(path.join(rawDir, `orders-2026-11-${String(d + 1).padStart(2, '0')}.csv`), d, Math.ceil(totalRows / fileCount), 42 + d);
}
await writeFile(path.join(root, 'orders_schema.json'), JSON.stringify(schema, null, 2));
await writeFile(path.join(root, 'orders_offline_table_config.json'), JSON.stringify(tableConfig, null, 2));
say(`sample data: ${fileCount} CSV files, ${totalRows.toLocaleString('en-US')} rows in ${rawDir}`);

// A job spec as a Pinot user writes it; the Java class names map to deepstore's runners.
const pushing = values.controller !== '';
const jobSpec = `
executionFrameworkSpec:
  name: standalone
  segmentGenerationJobRunnerClassName: org.apache.pinot.plugin.ingestion.batch.standalone.SegmentGenerationJobRunner
  segmentTarPushJobRunnerClassName: org.apache.pinot.plugin.ingestion.batch.standalone.SegmentTarPushJobRunner
jobType: ${pushing ? 'SegmentCreationAndTarPush' : 'SegmentCreation'}
inputDirURI: 'file://${rawDir}/'
includeFileNamePattern: 'glob:**/*.csv'
outputDirURI: 'file://${deepStore}/orders/'
overwriteOutput: true
pinotFSSpecs:
  - scheme: file
    className: org.apache.pinot.spi.filesystem.LocalPinotFS
recordReaderSpec:
  dataFormat: csv
  className: org.apache.pinot.plugin.inputformat.csv.CSVRecordReader
  configClassName: org.apache.pinot.plugin.inputformat.csv.CSVRecordReaderConfig
  configs:
    multiValueDelimiter: ';'
tableSpec:
  tableName: orders
  schemaURI: 'file://${root}/orders_schema.json'
  tableConfigURI: 'file://${root}/orders_offline_table_config.json'
segmentNameGeneratorSpec:
  type: normalizedDate
  configs:
    segment.name.prefix: orders
${pushing ? `pinotClusterSpecs:\n  - controllerURI: '${values.controller}'\n` : ''}`;
const jobFile = path.join(root, 'ingestion-job.yaml');
await writeFile(jobFile, jobSpec);

const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
try {
  const report = await runJob(parseJobSpec(jobSpec, jobFile), {
    registry,
    // A progress line on a terminal only; logs get the summary.
    onProgress: (p) => !values.quiet && process.stdout.isTTY && process.stdout.write(`\r\x1b[K  ${p.phase}: ${p.filesDone}/${p.filesTotal} files, ${p.rows.toLocaleString('en-US')} rows`),
  });
  if (!values.quiet && process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  say(`ingestion job: ${report.files.filter((f) => f.status === 'built').length} segments, ${report.rows.toLocaleString('en-US')} rows (test orders filtered out) in ${report.seconds.toFixed(1)} s${pushing ? `, ${report.pushed.length} pushed to ${values.controller}` : ''}`);

  // Fetch every segment back the way a Pinot server does, and verify it.
  const fetchers = new SegmentFetcherFactory({ registry });
  await fetchers.init({ protocols: 'file' });
  const fetched = path.join(root, 'fetched');
  await mkdir(fetched, { recursive: true });
  let bytes = 0;
  let rows = 0;
  for (const f of report.files) {
    const dir = await fetchers.fetchUntarToLocal(f.segmentUri, path.join(fetched, f.segmentName));
    bytes += (await stat(new URL(f.segmentUri))).size;
    const seg = await openSegment(dir);
    try {
      await seg.verifyCrc();
      if (seg.metadata.totalDocs !== f.rows) throw new Error(`${f.segmentName}: ${seg.metadata.totalDocs} docs, expected ${f.rows}`);
      rows += seg.metadata.totalDocs;
    } finally {
      await seg.close();
    }
  }
  const names = (await readdir(path.join(deepStore, 'orders'))).sort();
  say(`deep store ${path.join(deepStore, 'orders')}: ${names.join(', ')}`);
  say(`fetched back and verified (CRC, rows): ${names.length} segments, ${rows.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (rows !== report.rows) throw new Error(`fetched ${rows} rows, built ${report.rows}`);
} finally {
  await registry.close();
}
