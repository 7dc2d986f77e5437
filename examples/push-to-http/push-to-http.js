#!/usr/bin/env node
// Segments kept on a plain web server with WebDAV (nginx here), pushed by URI: the controller is
// told where each segment is (DOWNLOAD_URI) and downloads it itself, over HTTP.
//
//   node push-to-http.js                        # nginx and a controller stand-in are started here
//   node push-to-http.js --webdav http://files.example:8080/pinot \
//        --controller http://pinot-controller:9000 --table orders
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FileSystemRegistry, joinUri } from '@deepstore/core';
import { startControllerPeer } from '@deepstore/peer-controller';
import { startNginxPeer } from '@deepstore/peer-nginx';
import { listSegmentsToPush, pushUriSegments } from '@deepstore/push';
import { buildSegment } from '@deepstore/segment';

const { values: args } = parseArgs({
  options: {
    webdav: { type: 'string' },
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

const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-push-to-http-'));
// @deepstore/fs-http serves http: and https:, reading with GET and writing with WebDAV.
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
const stops = [];

try {
  let base = args.webdav;
  if (!base) {
    const nginx = await startNginxPeer();
    stops.push(() => nginx.stop());
    base = nginx.httpUrl;
  }
  const outputDirUri = joinUri(base, 'segments', args.table);

  // Build segments locally, then publish them to the web server (PUT + MOVE, so no half file is ever visible).
  const web = await registry.resolve(outputDirUri);
  for (let i = 0; i < 3; i++) {
    const rows = Array.from({ length: 50 }, (_, r) => ({ country: ['FR', 'US', 'DE'][r % 3], amount: r / 4, day: 19800 + i }));
    const built = await buildSegment(rows, { schema, tableConfig, outDir: path.join(work, 'out'), segmentName: `${args.table}_http_${i}` });
    await web.copyFromLocal(built.tarFile, joinUri(outputDirUri, `${built.segmentName}.tar.gz`));
  }
  const segments = await listSegmentsToPush(outputDirUri, { registry });
  console.log(`segments on the web server (listed with PROPFIND):\n${segments.map((s) => `  ${s}`).join('\n')}`);

  let controllerUri = args.controller;
  let controller;
  if (!controllerUri) {
    controller = await startControllerPeer({ tables: [{ tableName: args.table, tableType: 'OFFLINE', timeColumnName: 'day' }] });
    stops.push(() => controller.stop());
    controllerUri = controller.url;
  }

  const results = await pushUriSegments(segments, {
    controllerUris: [controllerUri],
    tableName: args.table,
    registry,
    pushAttempts: 3, // a 5xx answer is retried, as pushJobSpec.pushAttempts does
    pushRetryIntervalMillis: 200,
    ...(args.token ? { authToken: args.token } : {}),
  });
  for (const r of results) console.log(`URI push ${r.segmentName}: ${r.status} ${r.response} (attempts: ${r.attempts})`);

  if (controller) {
    console.log('\nthe controller downloaded each DOWNLOAD_URI and now holds:');
    for (const s of controller.segments) console.log(`  ${s.segmentName} crc=${s.crc} from ${controller.uploads.find((u) => u.segmentName === s.segmentName)?.downloadUri}`);
  }
  console.log('\npush to http OK');
} finally {
  for (const stop of stops.reverse()) await stop();
  await registry.close();
  await rm(work, { recursive: true, force: true });
}
