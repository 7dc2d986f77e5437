// SIGKILL a writer process at seeded random points while it collects rows and flushes segments to
// a local outputDirURI, then check that the destination holds only complete segments, and that a
// new writer collecting the same rows completes.
//
// What a killed writer leaves behind (documented by the assertions below):
// - Its staging directory, `segment_writer_staging_<table>_XXXXXX` under the OS temp dir
//   (os.tmpdir(), i.e. $TMPDIR; the child gets TMPDIR=<work>/tmp here). Nothing removes it:
//   close() never ran. Nothing else refers to it either: the next writer makes its own mkdtemp
//   directory and never looks at old ones, so it can be deleted at any time (the test deletes it
//   before the rerun, and a second rerun with it still present would work the same way).
// - Possibly a hidden temp sibling in the output directory (fs-local writes `.<name>.<random>`
//   beside the target and renames it into place) if the kill lands inside copyFromLocal. It is
//   never visible under a segment name.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSegment } from '@deepstore/segment';

const fixture = fileURLToPath(new URL('./fixtures/kill-writer.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ds-writer-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const BATCHES = 8;
const ROWS_PER_BATCH = 3000;
/** mulberry32, seeded: the kill points replay exactly. */
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
const rand = seeded(20260601);
/** 7 kill points between 150 ms (before init finishes) and 1.4 s (mid-run; a full run takes about 2 s). */
const KILL_AFTER_MS = Array.from({ length: 7 }, () => 150 + Math.floor(rand() * 1250));

function run(work: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, work, String(BATCHES)], { env: { ...process.env, TMPDIR: join(work, 'tmp') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killAfterMs === undefined && code !== 0) reject(new Error(`writer exited ${code}: ${err}`));
      else resolve({ code, signal, lines: out.split('\n').filter(Boolean) });
    });
  });
}

/** Checks every visible entry of the output dir is a complete segment; returns segment and hidden names. */
async function checkOutput(out: string): Promise<{ segments: string[]; hidden: string[] }> {
  const names = (() => {
    try {
      return readdirSync(out).sort();
    } catch {
      return [];
    }
  })();
  const hidden = names.filter((n) => n.startsWith('.'));
  const segments = names.filter((n) => !n.startsWith('.'));
  for (const name of segments) {
    expect(name).toMatch(/^orders_\d{5}_\d{5}\.tar\.gz$/);
    const seg = await openSegment(join(out, name));
    try {
      await seg.verifyCrc();
      expect(seg.metadata.totalDocs, name).toBe(ROWS_PER_BATCH);
    } finally {
      await seg.close();
    }
  }
  return { segments, hidden };
}

const summary: unknown[] = [];
afterAll(() => console.log(`writer kill summary ${JSON.stringify({ kills: KILL_AFTER_MS, runs: summary })}`));

describe('FileBasedSegmentWriter killed with SIGKILL', () => {
  it.each(KILL_AFTER_MS.map((ms, i) => [i, ms]))('run %i: killed after %i ms, leaves only complete segments; a new writer completes', async (i, ms) => {
    const work = join(root, `run${i}`);
    mkdirSync(join(work, 'tmp'), { recursive: true });
    const killed = await run(work, ms);
    const out = join(work, 'out');
    const flushed = killed.lines.filter((l) => l.includes('"flushed"')).length;
    const after = await checkOutput(out);
    // Every flush the process reported is there, complete; at most one more (renamed just before the kill).
    expect(after.segments.length).toBeGreaterThanOrEqual(flushed);
    expect(after.segments.length).toBeLessThanOrEqual(flushed + 1);
    // The staging directory stays behind in the temp dir unless the process finished.
    const staging = readdirSync(join(work, 'tmp'));
    if (killed.signal === 'SIGKILL') {
      expect(staging.every((n) => n.startsWith('segment_writer_staging_orders_OFFLINE_'))).toBe(true);
      expect(staging.length).toBeLessThanOrEqual(1);
    } else expect(staging).toEqual([]);
    // Removing it is safe: nothing refers to it.
    for (const n of staging) rmSync(join(work, 'tmp', n), { recursive: true });

    // A new writer collecting the same rows completes and replaces/adds every segment.
    const rerun = await run(work);
    expect(rerun.lines.at(-1)).toBe('{"done":true}');
    const final = await checkOutput(out);
    expect(final.segments).toEqual(Array.from({ length: BATCHES }, (_, b) => `orders_${20000 + 2 * b}_${20001 + 2 * b}.tar.gz`));
    expect(readdirSync(join(work, 'tmp'))).toEqual([]); // the rerun's own staging is gone after close()
    summary.push({ run: i, killAfterMs: ms, signal: killed.signal, flushedBeforeKill: flushed, segmentsAfterKill: after.segments.length, hiddenLeftovers: after.hidden, stagingLeft: staging.length });
  });
});
