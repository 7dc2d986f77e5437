// FileBasedSegmentWriter: collect throughput into the Avro buffer and flush time, 1M and 3M rows.
import { spawn } from 'node:child_process';
import { readFile, rm, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MiB, ROOT, fmt } from './lib.js';

export const title = 'Segment writer: `collect` throughput and `flush` time';

async function runChild(outDir, n) {
  const rssFile = path.join(os.tmpdir(), `deepstore-writer-rss-${process.pid}-${n}`);
  const out = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', path.join(ROOT, 'bench', 'max-rss.cjs'), path.join(ROOT, 'bench', 'writer-collect.js'), outDir, String(n)], {
      cwd: path.join(ROOT, 'packages', 'writer'),
      env: { ...process.env, DEEPSTORE_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let s = '';
    child.stdout.on('data', (d) => (s += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(s.trim().split('\n').pop())) : reject(new Error(`writer-collect exited ${code}`))));
  });
  const rss = Number(await readFile(rssFile, 'utf8'));
  await rm(rssFile, { force: true });
  return { ...out, rss };
}

export async function run({ workDir, log }) {
  const dir = path.join(workDir, 'segment-writer');
  await mkdir(dir, { recursive: true });
  const results = [];
  for (const n of [1_000_000, 3_000_000]) {
    const r = await runChild(dir, n);
    log(`${n} rows: collect ${(n / r.collectSeconds).toFixed(0)} rows/s, flush ${r.flushSeconds.toFixed(2)} s, peak RSS ${fmt(r.rss / MiB)} MiB`);
    results.push({ n, ...r });
  }
  await rm(dir, { recursive: true, force: true });
  const [a, b] = results;
  return {
    summary: { collectRowsPerSecond: a.n / a.collectSeconds, flushSeconds1M: a.flushSeconds, rss3MOver1M: b.rss / a.rss },
    markdown: [
      '`FileBasedSegmentWriter` with 10 simple columns (STRING x4, LONG x3, INT, DOUBLE, BOOLEAN; no transforms), rows handed to `collect` in batches of 1,000,',
      'output to a local directory. `collect` converts each value (Pinot\'s data-type conversion) and appends Avro records to the on-disk buffer;',
      '`flush` builds the segment from the buffer (two worker threads) and writes the `.tar.gz`. Peak RSS is the whole process.',
      '',
      '| rows | collect rows/s | collect s | flush s | peak RSS MiB |',
      '|---:|---:|---:|---:|---:|',
      ...results.map((r) => `| ${fmt(r.n)} | ${fmt(r.n / r.collectSeconds)} | ${r.collectSeconds.toFixed(2)} | ${r.flushSeconds.toFixed(2)} | ${fmt(r.rss / MiB)} |`),
      '',
      `Goal: collect at least 500,000 rows/s; memory independent of the row count (peak RSS at 3M rows is ${(b.rss / a.rss).toFixed(2)}x that at 1M).`,
    ].join('\n'),
  };
}
