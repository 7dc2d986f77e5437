import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, run, tempDir } from './helpers.js';
import { fixturesDir } from './fixtures-dir.js';

assertBuilt();
const FIXTURES = fixturesDir();
const work = tempDir('deepstore-inspect-');
afterAll(() => work.cleanup());

describe('deepstore inspect', () => {
  it('shows a v3 segment with its raw LZ4 column and verified CRC', async () => {
    const r = await run(['inspect', '--rows', '3', path.join(FIXTURES, 'legacyRawInverted_v3_OFFLINE_0.tar.gz')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toContain('docs        600');
    expect(r.out).toContain('crc         0x4D76BDB7 (verified)');
    expect(r.out).toMatch(/category\s+STRING\s+DIMENSION\s+single\s+4\s+raw\s+alpha\s+gamma/);
  });

  it('prints one JSON document with the rows of a v1 segment, floats as Pinot prints them', async () => {
    const r = await run(['inspect', '--json', '--rows', '5', path.join(FIXTURES, 'paddingPercent.tar.gz')]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.out) as { totalDocs: number; rows: Array<Record<string, unknown>>; columns: Array<{ name: string }>; crc: { ok: boolean } };
    expect(doc.totalDocs).toBe(5);
    expect(doc.crc.ok).toBe(true);
    expect(doc.columns.map((c) => c.name)).toEqual(['age', 'name', 'outgoingName1', 'percent']);
    expect(doc.rows.map((row) => row.age)).toEqual([1228, 837, 1209, 617, 824]);
    // The stored float32 values, printed as Java's Float.toString prints them (shortest round-trip form).
    expect(doc.rows.map((row) => row.percent)).toEqual([341.87375, 793.6646, 925.2542, 864.6524, 411.72318]);
    expect(doc.rows.map((row) => row.name)).toEqual(['lynda', 'lynda 2.0', 'lynda 2.0', 'lynda 2.0', 'lynda']);
  });

  it('fails with one line and exit 1 on a corrupted segment', async () => {
    const bad = path.join(work.dir, 'corrupt.tar.gz');
    copyFileSync(path.join(FIXTURES, 'legacyRawInverted_v3_OFFLINE_0.tar.gz'), bad);
    const bytes = readFileSync(bad);
    bytes[bytes.length >> 1]! ^= 0x40; // inside the gzip stream: the archive no longer inflates cleanly
    writeFileSync(bad, bytes);
    const r = await run(['inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^deepstore: /);
  });

  it('refuses a bad --rows value', async () => {
    const r = await run(['inspect', '--rows', '-3', path.join(FIXTURES, 'paddingNull.tar.gz')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--rows');
  });
});
