#!/usr/bin/env node
// Segments on NFS (or any local directory), pushed to a Pinot controller the ways Pinot allows.
//
//   node push-to-nfs.js                                   # everything on this machine: a controller
//                                                         # stand-in and nginx are started
//   node push-to-nfs.js --nfs /mnt/nfs/segments --controller http://pinot-controller:9000 \
//        --table orders --http-prefix http://fileserver    # a real cluster (see README)
//
// The controller refuses `file:` download URIs (PinotSegmentUploadDownloadRestletResource), so
// a URI push of NFS paths fails. What works:
//   1. TAR push: the segment bytes are streamed from NFS to the controller.
//   2. URI push through a web server that exports the mount under the same path:
//      DOWNLOAD_URI = segmentUriPrefix + <path on the mount> + segmentUriSuffix.
//   3. METADATA push with the file: URI and COPY_SEGMENT_TO_DEEP_STORE, when the controller mounts
//      the same NFS (its controller.data.dir is on it): only metadata travels.
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FileSystemRegistry } from '@deepstore/core';
import { startControllerPeer } from '@deepstore/peer-controller';
import { startNginxPeer } from '@deepstore/peer-nginx';
import { listSegmentsToPush, pushMetadataSegments, pushTarSegments, pushUriSegments } from '@deepstore/push';
import { buildSegment } from '@deepstore/segment';

const { values: args } = parseArgs({
  options: {
    nfs: { type: 'string' },
    controller: { type: 'string' },
    table: { type: 'string', default: 'orders' },
    'http-prefix': { type: 'string' },
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

const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-push-to-nfs-'));
const nfs = path.resolve(args.nfs ?? path.join(work, 'nfs', 'segments'));
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
const stops = [];

try {
  // Segments as a batch job writes them: <outputDirURI>/<relative input dir>/<segment>.tar.gz.
  const outDir = path.join(nfs, args.table, '2024');
  for (let i = 0; i < 3; i++) {
    const rows = Array.from({ length: 100 }, (_, r) => ({ country: ['FR', 'US', 'DE'][r % 3], amount: r * 1.25, day: 19723 + i }));
    await buildSegment(rows, { schema, tableConfig, outDir, segmentName: `${args.table}_2024_${i}`, overwrite: true });
  }
  const outputDirUri = pathToFileURL(nfs).href;
  const segments = await listSegmentsToPush(outputDirUri, { registry, pushFileNamePattern: 'glob:**/2024/*.tar.gz' });
  console.log(`built ${segments.length} segments on NFS under ${outputDirUri}`);

  let controllerUri = args.controller;
  let controller;
  if (!controllerUri) {
    // A controller stand-in on this machine, so it sees the mount too; its controller.data.dir is a file: URI.
    const dataDir = path.join(work, 'controller-data');
    await mkdir(dataDir, { recursive: true });
    controller = await startControllerPeer({ tables: [{ tableName: args.table, tableType: 'OFFLINE', timeColumnName: 'day' }], dataDir: pathToFileURL(dataDir).href });
    stops.push(() => controller.stop());
    controllerUri = controller.url;
  }
  const common = { controllerUris: [controllerUri], tableName: args.table, registry, ...(args.token ? { authToken: args.token } : {}) };

  // 0. What does not work: a URI push of file: URIs.
  try {
    await pushUriSegments(segments.slice(0, 1), common);
    console.log('URI push of a file: URI: accepted (unexpected)');
  } catch (err) {
    console.log(`URI push of a file: URI is refused, as Pinot refuses it:\n  ${err.status} ${err.controllerError}`);
  }

  // 1. TAR push: the bytes go from NFS to the controller, which stores them in its deep store.
  const tar = await pushTarSegments(segments, { ...common, pushParallelism: 2 });
  for (const r of tar) console.log(`TAR      ${r.segmentName}: ${r.response}`);

  // 2. URI push through a web server exporting the mount at the same path.
  let prefix = args['http-prefix'];
  if (!prefix) {
    // nginx serves <www>; <www><nfs path> links to the mount, so http://nginx<path> is the file at <path>.
    const www = path.join(work, 'www');
    await mkdir(path.dirname(path.join(www, nfs)), { recursive: true });
    await symlink(nfs, path.join(www, nfs));
    const nginx = await startNginxPeer({ root: www });
    stops.push(() => nginx.stop());
    prefix = nginx.httpUrl;
  }
  const uri = await pushUriSegments(segments, { ...common, segmentUriPrefix: prefix });
  for (const r of uri) console.log(`URI      ${r.segmentName}: DOWNLOAD_URI ${r.downloadUri}`);

  // 3. METADATA push: the controller shares the mount; it copies each segment within the same scheme (file:).
  const meta = await pushMetadataSegments(segments, { ...common, copyToDeepStore: true });
  for (const r of meta) console.log(`METADATA ${r.segmentName}: DOWNLOAD_URI ${r.downloadUri}`);

  if (controller) {
    console.log('\nthe controller received:');
    for (const u of controller.uploads) console.log(`  ${u.uploadType.padEnd(8)} ${String(u.segmentName ?? u.partName ?? '-').padEnd(16)} ${u.status} ${u.bytes} bytes`);
    console.log('and holds:');
    for (const s of controller.segments) console.log(`  ${s.tableNameWithType} ${s.segmentName} crc=${s.crc} ${s.downloadUrl}`);
  }
  console.log('\npush to nfs OK');
} finally {
  for (const stop of stops.reverse()) await stop();
  await registry.close();
  await rm(work, { recursive: true, force: true });
}
