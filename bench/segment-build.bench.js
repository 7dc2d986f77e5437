// deepstore build of a 10-column segment from CSV, beside gzip -6 of the same CSV in the same run.
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { MiB, ROOT, fmt, median, timed, timedNode, timedRss } from './lib.js';

export const title = 'Segment build: `deepstore build` (1M and 10M rows from CSV) vs `gzip -6`';

export const schema = {
  schemaName: 'benchEvents',
  dimensionFieldSpecs: [
    { name: 'country', dataType: 'STRING' },
    { name: 'device', dataType: 'STRING' },
    { name: 'city', dataType: 'STRING' },
    { name: 'userId', dataType: 'LONG' },
    { name: 'tags', dataType: 'STRING', singleValueField: false },
    { name: 'url', dataType: 'STRING' },
  ],
  metricFieldSpecs: [
    { name: 'clicks', dataType: 'INT' },
    { name: 'revenue', dataType: 'DOUBLE' },
    { name: 'sessions', dataType: 'LONG' },
  ],
  dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:SECONDS' }],
};

export const tableConfig = {
  tableName: 'benchEvents',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'ts', replication: '1' },
  tableIndexConfig: { invertedIndexColumns: ['country'], noDictionaryColumns: ['url'], loadMode: 'MMAP' },
  fieldConfigList: [{ name: 'url', encodingType: 'RAW', compressionCodec: 'LZ4' }],
  metadata: {},
};

/** Deterministic xorshift PRNG. */
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

const COUNTRIES = Array.from({ length: 60 }, (_, i) => `C${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`);
const DEVICES = ['ios', 'android', 'web', 'tv', 'other'];
const TAGS = Array.from({ length: 20 }, (_, i) => `tag${i}`);

/**
 * Writes `rows` CSV rows: low-cardinality STRING (country 60 values, inverted index; device 5),
 * high-cardinality STRING (city, 100,000 values), LONG user ids (200,000), an MV STRING column
 * (1-3 of 20 tags), a raw LZ4 STRING column (url, 200,000 distinct paths with a query string),
 * INT (1,000), DOUBLE (50,000) and LONG (100,000) metrics, and a time column in epoch millis
 * with second resolution (86,400 values). Cardinalities do not grow with the row count, so
 * the 10M-row run shows what memory does when only rows grow.
 */
export async function writeCsv(file, rows, seed = 7) {
  const r = rng(seed);
  const out = createWriteStream(file, { highWaterMark: 4 * MiB });
  out.write('country,device,city,userId,tags,url,clicks,revenue,sessions,ts\n');
  const t0 = Date.UTC(2026, 0, 1);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const nTags = 1 + Math.floor(r() * 3);
    let tags = TAGS[Math.floor(r() * 20)];
    for (let k = 1; k < nTags; k++) tags += `;${TAGS[Math.floor(r() * 20)]}`;
    buf +=
      `${COUNTRIES[Math.floor(r() * r() * 60)]},${DEVICES[Math.floor(r() * 5)]},city-${Math.floor(r() * 100000)},` +
      `${1000000 + Math.floor(r() * 200000)},${tags},/shop/item/${Math.floor(r() * 20000)}?ref=campaign-${Math.floor(r() * 10)},` +
      `${Math.floor(r() * 1000)},${(r() * 500).toFixed(2)},${Math.floor(r() * 100000)},${t0 + 1000 * Math.floor(r() * 86400)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

export async function run({ workDir, log }) {
  const rowsSmall = Number(process.env.DEEPSTORE_BENCH_BUILD_ROWS ?? 1_000_000);
  const rowsLarge = Number(process.env.DEEPSTORE_BENCH_BUILD_ROWS_LARGE ?? 10_000_000);
  const rounds = Number(process.env.DEEPSTORE_BENCH_ROUNDS ?? 3);
  const dir = path.join(workDir, 'segment-build');
  await mkdir(dir, { recursive: true });
  const schemaFile = path.join(dir, 'schema.json');
  const tableFile = path.join(dir, 'table.json');
  await writeFile(schemaFile, JSON.stringify(schema));
  await writeFile(tableFile, JSON.stringify(tableConfig));
  const cli = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
  const out = path.join(dir, 'out');

  const measure = async (rows, nRounds) => {
    const csv = path.join(dir, `rows-${rows}.csv`);
    log(`writing ${rows} CSV rows`);
    await writeCsv(csv, rows);
    const size = (await stat(csv)).size;
    await timed('cat', [csv]); // page cache
    const gz = { seconds: [], rss: [] };
    const ours = { seconds: [], rss: [] };
    for (let r = 0; r < nRounds; r++) {
      const order = r % 2 === 0 ? ['gzip', 'ours'] : ['ours', 'gzip'];
      for (const who of order) {
        if (who === 'gzip') {
          const res = await timedRss('sh', ['-c', `gzip -6 -c "${csv}" > "${csv}.gz"`]);
          gz.seconds.push(res.seconds);
          log(`${rows} rows round ${r + 1}: gzip -6 ${res.seconds.toFixed(2)} s`);
        } else {
          await rm(out, { recursive: true, force: true });
          const res = await timedNode([cli, '--quiet', 'build', '--schema', schemaFile, '--table-config', tableFile, '--input', csv, '--out', out, '--creation-time', '1767225600000']);
          ours.seconds.push(res.seconds);
          ours.rss.push(res.rss);
          log(`${rows} rows round ${r + 1}: deepstore build ${res.seconds.toFixed(2)} s, peak RSS ${fmt(res.rss / MiB)} MiB`);
        }
      }
    }
    await rm(csv, { force: true });
    await rm(`${csv}.gz`, { force: true });
    return { rows, size, gzip: median(gz.seconds), build: median(ours.seconds), rss: Math.max(...ours.rss) };
  };

  const small = await measure(rowsSmall, rounds);
  const large = rowsLarge > 0 ? await measure(rowsLarge, 1) : undefined;
  await rm(dir, { recursive: true, force: true });

  const rowsMd = [small, large].filter(Boolean).map(
    (m) => `| ${fmt(m.rows)} | ${fmt(m.size / MiB)} | ${m.gzip.toFixed(2)} | ${m.build.toFixed(2)} | ${(m.build / m.gzip).toFixed(2)}x | ${fmt(m.rss / MiB)} |`,
  );
  const rssRatio = large ? large.rss / small.rss : undefined;
  return {
    summary: { buildOverGzip: small.build / small.gzip, peakRssMiB: small.rss / MiB, ...(rssRatio ? { rss10MOver1M: rssRatio } : {}) },
    markdown: [
      'One segment from a CSV of 10 columns: `country` (STRING, 60 values, inverted index), `device` (STRING, 5), `city` (STRING, 100,000),',
      '`userId` (LONG, 200,000), `tags` (multi-value STRING, 1-3 of 20), `url` (raw STRING, LZ4 chunks, 200,000 distinct), `clicks` (INT, 1,000), `revenue` (DOUBLE, 50,000),',
      '`sessions` (LONG, 100,000) and `ts` (LONG epoch millis at second resolution, 86,400; the time column). Cardinalities do not grow with the row count. `deepstore build` runs the CLI end to end (start-up, CSV parse, conversion, statistics, indexes,',
      'v3 layout, CRCs, `.tar.gz`); `gzip -6 -c` of the same file, from the page cache, is the yardstick. Median of rounds in alternating order for 1M rows, one round for 10M.',
      '',
      '| rows | CSV MiB | gzip -6 s | deepstore build s | build / gzip | build peak RSS MiB |',
      '|---:|---:|---:|---:|---:|---:|',
      ...rowsMd,
      '',
      `Goals: build time at most 1.5x gzip; peak RSS under 300 MB at 1M rows${rssRatio ? `; peak RSS at 10M rows ${rssRatio.toFixed(2)}x that at 1M (goal at most 1.5x)` : ''}.`,
    ].join('\n'),
  };
}
