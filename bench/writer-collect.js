// Child process for segment-writer.bench.js: collects N rows of 10 simple columns into a
// FileBasedSegmentWriter, flushes, and prints one JSON line of timings.
import { FileBasedSegmentWriter } from '../packages/writer/dist/index.js';

const [outDir, n] = [process.argv[2], Number(process.argv[3])];
const schema = {
  schemaName: 'ev',
  dimensionFieldSpecs: [
    { name: 'country', dataType: 'STRING' },
    { name: 'device', dataType: 'STRING' },
    { name: 'city', dataType: 'STRING' },
    { name: 'userId', dataType: 'LONG' },
    { name: 'page', dataType: 'STRING' },
    { name: 'flag', dataType: 'BOOLEAN' },
  ],
  metricFieldSpecs: [
    { name: 'clicks', dataType: 'INT' },
    { name: 'revenue', dataType: 'DOUBLE' },
    { name: 'sessions', dataType: 'LONG' },
  ],
  dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:SECONDS' }],
};
const table = {
  tableName: 'ev',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'ts' },
  tableIndexConfig: {},
  ingestionConfig: { batchIngestionConfig: { batchConfigMaps: [{ outputDirURI: `file://${outDir}`, overwriteOutput: 'true' }] } },
};
const writer = new FileBasedSegmentWriter();
await writer.init(table, schema);
// Rows are made before timing, in batches of 1000 as an application would hand them over.
const batch = 1000;
const batches = [];
for (let i = 0; i < Math.min(n, 100_000); i += batch) {
  const rows = [];
  for (let k = 0; k < batch; k++) {
    const j = i + k;
    rows.push({ country: `C${j % 60}`, device: `d${j % 5}`, city: `city-${j % 100000}`, userId: 1000000 + (j % 200000), page: `/p/${j % 5000}`, flag: j % 2 === 0, clicks: j % 1000, revenue: (j % 50000) / 100, sessions: j % 100000, ts: 1767225600000 + (j % 86400) * 1000 });
  }
  batches.push(rows);
}
let t = performance.now();
for (let i = 0; i < n / batch; i++) await writer.collect(batches[i % batches.length]);
const collectSeconds = (performance.now() - t) / 1000;
t = performance.now();
const uri = await writer.flush();
const flushSeconds = (performance.now() - t) / 1000;
await writer.close();
console.log(JSON.stringify({ collectSeconds, flushSeconds, uri: uri.href }));
