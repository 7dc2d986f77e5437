// SIGKILL an ingestion job (SegmentCreation over several CSV files, local outputDirURI) at seeded
// random points, then check that the output holds only complete segments (each opens and passes
// its CRC check; temporaries, if any, are hidden dot-files, never under a segment name), and that
// rerunning the same job with overwriteOutput completes with every segment.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSegment } from '@deepstore/segment';

const fixture = fileURLToPath(new URL('./fixtures/kill-job.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ds-ingest-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES = 12;
const ROWS = 3000;
const schema = {
  schemaName: 'visits',
  dimensionFieldSpecs: [{ name: 'page', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'hits', dataType: 'INT' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};
const table = { tableName: 'visits', tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'day' }, tableIndexConfig: {} };
writeFileSync(join(root, 'schema.json'), JSON.stringify(schema));
writeFileSync(join(root, 'table.json'), JSON.stringify(table));
const input = join(root, 'in');
mkdirSync(input);
for (let f = 0; f < FILES; f++) {
  const lines = Array.from({ length: ROWS }, (_, i) => `/p${(i * 31 + f) % 97},${i % 13},${20000 + 2 * f + (i % 2)}`);
  writeFileSync(join(input, `f${String(f).padStart(2, '0')}.csv`), `page,hits,day\n${lines.join('\n')}\n`);
}
const expectedNames = Array.from({ length: FILES }, (_, f) => `visits_OFFLINE_${20000 + 2 * f}_${20001 + 2 * f}_${f}.tar.gz`);

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = seeded(20260602);
const KILL_AFTER_MS = Array.from({ length: 7 }, () => 150 + Math.floor(rand() * 1350));

function run(work: string, killAfterMs?: number): Promise<{ signal: string | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, work, ...(killAfterMs === undefined ? ['rerun'] : [])], { env: { ...process.env, TMPDIR: join(work, 'tmp') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === null && code !== 0) reject(new Error(`job exited ${code}: ${err}`));
      else resolve({ signal, lines: out.split('\n').filter(Boolean) });
    });
  });
}

async function checkOutput(out: string): Promise<{ segments: string[]; hidden: string[] }> {
  let names: string[];
  try {
    names = readdirSync(out).sort();
  } catch {
    names = [];
  }
  const hidden = names.filter((n) => n.startsWith('.'));
  const segments = names.filter((n) => !n.startsWith('.'));
  for (const name of segments) {
    expect(expectedNames).toContain(name);
    const seg = await openSegment(join(out, name));
    try {
      await seg.verifyCrc();
      expect(seg.metadata.totalDocs, name).toBe(ROWS);
    } finally {
      await seg.close();
    }
  }
  return { segments, hidden };
}

const summary: unknown[] = [];
afterAll(() => console.log(`ingest kill summary ${JSON.stringify({ kills: KILL_AFTER_MS, runs: summary })}`));

describe('ingestion job killed with SIGKILL', () => {
  it.each(KILL_AFTER_MS.map((ms, i) => [i, ms]))('run %i: killed after %i ms, leaves only complete segments; the rerun with overwriteOutput completes', async (i, ms) => {
    const work = join(root, `run${i}`);
    const out = join(work, 'out');
    mkdirSync(join(work, 'tmp'), { recursive: true });
    writeFileSync(
      join(work, 'job.yaml'),
      `jobType: SegmentCreation
inputDirURI: '${pathToFileURL(input).href}'
includeFileNamePattern: 'glob:**/*.csv'
outputDirURI: '${pathToFileURL(out).href}'
recordReaderSpec:
  dataFormat: csv
tableSpec:
  tableName: visits
  schemaURI: '${pathToFileURL(join(root, 'schema.json')).href}'
  tableConfigURI: '${pathToFileURL(join(root, 'table.json')).href}'
`,
    );
    const killed = await run(work, ms);
    const after = await checkOutput(out);
    const tmpLeft = readdirSync(join(work, 'tmp'));
    for (const n of tmpLeft) rmSync(join(work, 'tmp', n), { recursive: true });
    const rerun = await run(work);
    expect(rerun.lines.at(-1)).toBe(JSON.stringify({ done: true, rows: FILES * ROWS }));
    const final = await checkOutput(out);
    expect(final.segments).toEqual(expectedNames);
    summary.push({ run: i, killAfterMs: ms, signal: killed.signal, segmentsAfterKill: after.segments.length, hiddenLeftovers: after.hidden, tmpEntriesLeft: tmpLeft.length });
  });
});
