import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FileSystemRegistry } from '@deepstore/core';
import { startControllerPeer } from '@deepstore/peer-controller';
import { startWebHdfsPeer } from '@deepstore/peer-webhdfs';

const run = promisify(execFile);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'push-to-hdfs.js');

describe('the push-to-hdfs example', () => {
  it('runs on its own: METADATA push with hdfs:// URIs, the controller copies within HDFS', async () => {
    const { stdout } = await run(process.execPath, [script]);
    for (let i = 0; i < 3; i++) {
      expect(stdout).toContain(`METADATA push orders_hdfs_${i}: Successfully uploaded segment: orders_hdfs_${i} of table: orders_OFFLINE`);
      expect(stdout).toMatch(new RegExp(`orders_hdfs_${i}: \\d+ bytes, DOWNLOAD_URI hdfs://nn:8020/pinot/segments/orders/orders_hdfs_${i}\\.tar\\.gz, COPY_SEGMENT_TO_DEEP_STORE true`));
      expect(stdout).toContain(`orders_hdfs_${i} -> hdfs://nn:8020/pinot/controller/orders/orders_hdfs_${i}`);
    }
    expect(stdout).toContain('push to hdfs OK');
  });

  it('pushes into a given HDFS and controller', async () => {
    const hdfs = await startWebHdfsPeer();
    await hdfs.mkdirs('/warehouse', { owner: 'etl', permission: '755' });
    const settings = { 'storage.factory.hdfs.namenodes': hdfs.namenodes.join(','), 'storage.factory.hdfs.user': 'etl' };
    const reg = new FileSystemRegistry({ importers: [(s) => import(s)] });
    reg.configure(settings);
    // The controller's own registry reaches the same HDFS; its data dir is there too.
    const controller = await startControllerPeer({ tables: [{ tableName: 'trips', tableType: 'OFFLINE' }], registry: reg, dataDir: 'hdfs://nn:8020/warehouse/controller' });
    try {
      const { stdout } = await run(process.execPath, [
        script,
        '--namenodes', hdfs.namenodes.join(','),
        '--user', 'etl',
        '--output', 'hdfs://nn:8020/warehouse/segments',
        '--controller', controller.url,
        '--table', 'trips',
      ]);
      expect(stdout).toContain('push to hdfs OK');
      expect(controller.uploads.map((u) => [u.uploadType, u.status, u.copyToDeepStore, u.enableParallelPushProtection])).toEqual(
        Array(3).fill(['METADATA', 200, true, true]),
      );
      expect(controller.segments.map((s) => s.location)).toEqual([0, 1, 2].map((i) => `hdfs://nn:8020/warehouse/controller/trips/trips_hdfs_${i}`));
      const fs = await reg.resolve('hdfs://nn:8020/');
      expect(await fs.list('hdfs://nn:8020/warehouse/segments/trips')).toEqual([0, 1, 2].map((i) => `hdfs://nn:8020/warehouse/segments/trips/trips_hdfs_${i}.tar.gz`));
    } finally {
      await controller.stop();
      await reg.close();
      await hdfs.stop();
    }
  });
});
