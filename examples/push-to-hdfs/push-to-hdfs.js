#!/usr/bin/env node
// Segments in HDFS, pushed by METADATA: only metadata.properties and creation.meta go to the
// controller, with the segment's hdfs:// URI; the controller reads HDFS itself and, with
// copyToDeepStore, copies each segment into its own deep store (controller.data.dir on HDFS).
//
//   node push-to-hdfs.js                      # a WebHDFS peer and a controller stand-in are started here
//   node push-to-hdfs.js --namenodes http://nn1:9870,http://nn2:9870 --user pinot \
//        --output hdfs://nameservice1/pinot/segments --controller http://pinot-controller:9000 --table orders
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FileSystemRegistry, joinUri, parentUri } from '@deepstore/core';
import { startControllerPeer } from '@deepstore/peer-controller';
import { startWebHdfsPeer } from '@deepstore/peer-webhdfs';
import { listSegmentsToPush, pushMetadataSegments } from '@deepstore/push';
import { buildSegment } from '@deepstore/segment';

const { values: args } = parseArgs({
  options: {
    namenodes: { type: 'string' },
    user: { type: 'string', default: 'pinot' },
    output: { type: 'string', default: 'hdfs://nn:8020/pinot/segments' },
    controller: { type: 'string' },
    table: { type: 'string', default: 'orders' },
    token: { type: 'string' },
  },
});

const schema = {
  schemaName: 'orders',
  dimensionFieldSpecs: [{ name: 'country', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'amount', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};
const tableConfig = { tableName: args.table, tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'day' }, tableIndexConfig: {} };

const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-push-to-hdfs-'));
const stops = [];
// The push job's filesystems (pinotFSSpecs) and the controller's own (pinot.controller.storage.factory.*).
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
const controllerFs = new FileSystemRegistry({ importers: [(s) => import(s)] });

try {
  let namenodes = args.namenodes;
  if (!namenodes) {
    const peer = await startWebHdfsPeer();
    stops.push(() => peer.stop());
    await peer.mkdirs('/pinot', { owner: args.user, permission: '755' });
    namenodes = peer.namenodes.join(',');
  }
  registry.configure({ 'storage.factory.hdfs.namenodes': namenodes, 'storage.factory.hdfs.user': args.user });
  // Pinot-style keys with the controller's role prefix; the same cluster here.
  controllerFs.configure({ 'pinot.controller.storage.factory.hdfs.namenodes': namenodes, 'pinot.controller.storage.factory.hdfs.user': args.user });

  const outputDirUri = joinUri(args.output, args.table);
  const hdfs = await registry.resolve(outputDirUri);
  for (let i = 0; i < 3; i++) {
    const rows = Array.from({ length: 200 }, (_, r) => ({ country: ['FR', 'US', 'DE', 'JP'][r % 4], amount: r * 0.5, day: 19900 + i }));
    const built = await buildSegment(rows, { schema, tableConfig, outDir: path.join(work, 'out'), segmentName: `${args.table}_hdfs_${i}` });
    await hdfs.copyFromLocal(built.tarFile, joinUri(outputDirUri, `${built.segmentName}.tar.gz`));
  }
  const segments = await listSegmentsToPush(outputDirUri, { registry });
  console.log(`segments in HDFS:\n${segments.map((s) => `  ${s}`).join('\n')}`);

  let controllerUri = args.controller;
  let controller;
  if (!controllerUri) {
    controller = await startControllerPeer({
      tables: [{ tableName: args.table, tableType: 'OFFLINE', timeColumnName: 'day' }],
      registry: controllerFs,
      // controller.data.dir on the same HDFS: the copy is an HDFS-to-HDFS copy.
      dataDir: joinUri(parentUri(args.output), 'controller'),
    });
    stops.push(() => controller.stop());
    controllerUri = controller.url;
  }

  const results = await pushMetadataSegments(segments, {
    controllerUris: [controllerUri],
    tableName: args.table,
    registry,
    copyToDeepStore: true,
    pushParallelism: 2,
    ...(args.token ? { authToken: args.token } : {}),
  });
  for (const r of results) console.log(`METADATA push ${r.segmentName}: ${r.response}`);

  if (controller) {
    console.log('\nthe controller received only metadata:');
    for (const u of controller.uploads) console.log(`  ${u.segmentName}: ${u.bytes} bytes, DOWNLOAD_URI ${u.downloadUri}, COPY_SEGMENT_TO_DEEP_STORE ${u.copyToDeepStore}`);
    console.log('and copied the segments within HDFS into its deep store:');
    for (const s of controller.segments) console.log(`  ${s.segmentName} -> ${s.location} (${s.sizeInBytes} bytes)`);
  }
  console.log('\npush to hdfs OK');
} finally {
  await registry.close();
  await controllerFs.close();
  for (const stop of stops.reverse()) await stop();
  await rm(work, { recursive: true, force: true });
}
