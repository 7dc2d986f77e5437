import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemRegistry } from '@deepstore/core';
import { startControllerPeer } from '@deepstore/peer-controller';

const run = promisify(execFile);
const script = new URL('../demo.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ds-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pnpm demo (the main job)', () => {
  it('ingests, stores, fetches back and verifies every segment', async () => {
    const { stdout } = await run(process.execPath, [script, '--dir', join(dir, 'a'), '--rows', '20000', '--files', '3']);
    expect(stdout).toMatch(/ingestion job: 3 segments, [\d,]+ rows/);
    expect(stdout).toMatch(/fetched back and verified \(CRC, rows\): 3 segments/);
  });

  it('pushes the segments to a controller when one is given', async () => {
    const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
    const peer = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE', timeColumnName: 'orderTime' }], registry });
    try {
      const { stdout } = await run(process.execPath, [script, '--dir', join(dir, 'b'), '--rows', '6000', '--files', '2', '--controller', peer.url]);
      expect(stdout).toContain(`2 pushed to ${peer.url}`);
      expect(peer.segments).toHaveLength(2);
    } finally {
      await peer.stop();
      await registry.close();
    }
  });
});
