import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'round-trip.js');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('the local round-trip example (pnpm demo)', () => {
  it('pushes the sample folder, lists it and verifies it byte-identical', async () => {
    const { stdout } = await run(process.execPath, [script]);
    expect(stdout).toContain('round trip OK');
    expect(stdout).toMatch(/v3\/columns\.psf/);
    expect(stdout).toContain('notes with spaces #1.txt');
  });
  it('pushes a given folder into a given deep store', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-demo-test-'));
    dirs.push(work);
    await mkdir(path.join(work, 'in', 'nested'), { recursive: true });
    await writeFile(path.join(work, 'in', 'nested', 'x.bin'), Buffer.alloc(70_000, 7));
    const { stdout } = await run(process.execPath, [script, path.join(work, 'in'), path.join(work, 'store')]);
    expect(stdout).toContain('round trip OK');
    expect(await readdir(path.join(work, 'store', 'tables', 'in', 'nested'))).toEqual(['x.bin']);
  });
});
