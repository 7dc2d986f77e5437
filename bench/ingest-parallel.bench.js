// An ingestion job over 8 CSV files: built in parallel (the default: one file per core) vs one
// after another (segmentCreationJobParallelism 1), same job spec otherwise, in the same run.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MiB, ROOT, fmt, timedNode } from './lib.js';
import { schema, tableConfig, writeCsv } from './segment-build.bench.js';

export const title = 'Ingestion job: 8 input files in parallel vs one after another';

export async function run({ workDir, log }) {
  const files = 8;
  const rows = Number(process.env.DEEPSTORE_BENCH_INGEST_ROWS ?? 1_000_000);
  const dir = path.join(workDir, 'ingest-parallel');
  const input = path.join(dir, 'in');
  await mkdir(input, { recursive: true });
  await writeFile(path.join(dir, 'schema.json'), JSON.stringify(schema));
  await writeFile(path.join(dir, 'table.json'), JSON.stringify(tableConfig));
  log(`writing ${files} CSV files of ${rows} rows`);
  for (let i = 0; i < files; i++) await writeCsv(path.join(input, `part-${i}.csv`), rows, 100 + i);
  const job = (out, parallelism) => `
jobType: SegmentCreation
inputDirURI: '${pathToFileURL(input).href}'
includeFileNamePattern: 'glob:**/*.csv'
outputDirURI: '${pathToFileURL(out).href}'
overwriteOutput: true
segmentCreationJobParallelism: ${parallelism}
recordReaderSpec:
  dataFormat: csv
tableSpec:
  tableName: benchEvents
  schemaURI: '${pathToFileURL(path.join(dir, 'schema.json')).href}'
  tableConfigURI: '${pathToFileURL(path.join(dir, 'table.json')).href}'
`;
  const cli = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
  const cores = os.availableParallelism();
  const results = {};
  for (const [name, parallelism] of [
    ['one after another', 1],
    [`parallel (${cores} at a time)`, cores],
  ]) {
    const jobFile = path.join(dir, `job-${parallelism}.yaml`);
    await writeFile(jobFile, job(path.join(dir, `out-${parallelism}`), parallelism));
    const r = await timedNode([cli, '--quiet', 'ingest', jobFile]);
    log(`${name}: ${r.seconds.toFixed(1)} s, peak RSS ${fmt(r.rss / MiB)} MiB`);
    results[name] = r;
  }
  await rm(dir, { recursive: true, force: true });
  const [seq, par] = Object.values(results);
  const speedup = seq.seconds / par.seconds;
  return {
    summary: { speedup, sequentialSeconds: seq.seconds, parallelSeconds: par.seconds },
    markdown: [
      `\`deepstore ingest\` of a SegmentCreation job over ${files} CSV files of ${fmt(rows)} rows each (the 10-column data of the segment build benchmark), on ${cores} cores.`,
      'Each file is built in a single thread; the job runs one file at a time, or as many as there are cores.',
      '',
      '| run | seconds | peak RSS MiB |',
      '|---|---:|---:|',
      ...Object.entries(results).map(([k, r]) => `| ${k} | ${r.seconds.toFixed(1)} | ${fmt(r.rss / MiB)} |`),
      '',
      `Speed-up: ${speedup.toFixed(2)}x (goal at least 1.7x).`,
    ].join('\n'),
  };
}
