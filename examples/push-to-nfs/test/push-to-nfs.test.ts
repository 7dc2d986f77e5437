import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startControllerPeer } from '@deepstore/peer-controller';

const run = promisify(execFile);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'push-to-nfs.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the push-to-nfs example', () => {
  it('runs on its own: file: URI push refused, then TAR, URI (through nginx) and METADATA pushes', async () => {
    const { stdout } = await run(process.execPath, [script]);
    expect(stdout).toMatch(/URI push of a file: URI is refused, as Pinot refuses it:\n {2}400 Unsupported URI: file:\/\/\/.*orders_2024_0\.tar\.gz/);
    for (let i = 0; i < 3; i++) {
      expect(stdout).toContain(`TAR      orders_2024_${i}: Successfully uploaded segment: orders_2024_${i} of table: orders_OFFLINE`);
      expect(stdout).toMatch(new RegExp(`URI {6}orders_2024_${i}: DOWNLOAD_URI http://127\\.0\\.0\\.1:\\d+/.*/nfs/segments/orders/2024/orders_2024_${i}\\.tar\\.gz`));
      expect(stdout).toMatch(new RegExp(`METADATA orders_2024_${i}: DOWNLOAD_URI file:///.*/orders_2024_${i}\\.tar\\.gz`));
    }
    expect(stdout).toContain('push to nfs OK');
  });

  it('pushes to a controller and an NFS directory given on the command line', async () => {
    const nfs = mkdtempSync(path.join(os.tmpdir(), 'push-to-nfs-example-'));
    dirs.push(nfs);
    const controller = await startControllerPeer({ tables: [{ tableName: 'sales', tableType: 'OFFLINE', timeColumnName: 'day' }] });
    try {
      const { stdout } = await run(process.execPath, [script, '--nfs', nfs, '--controller', controller.url, '--table', 'sales']);
      expect(stdout).toContain('push to nfs OK');
      expect(controller.uploads.map((u) => `${u.uploadType}:${u.status}`)).toEqual([
        'URI:400',
        ...Array(3).fill('SEGMENT:200'),
        ...Array(3).fill('URI:200'),
        ...Array(3).fill('METADATA:200'),
      ]);
      expect(controller.segments.map((s) => s.segmentName)).toEqual(['sales_2024_0', 'sales_2024_1', 'sales_2024_2']);
      // The segments stay on the NFS directory.
      expect(existsSync(path.join(nfs, 'sales', '2024', 'sales_2024_1.tar.gz'))).toBe(true);
    } finally {
      await controller.stop();
    }
  });
});
