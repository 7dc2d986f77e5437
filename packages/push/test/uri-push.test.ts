import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerPeer, type ControllerPeer } from '@deepstore/peer-controller';
import { startNginxPeer, type NginxPeer } from '@deepstore/peer-nginx';
import { startS3Peer, type S3Peer } from '@deepstore/peer-s3';
import { pushUriSegments, segmentDownloadUri, type PushError } from '@deepstore/push';
import { TempDirs, failure, makeSegments, registry, s3Settings } from './helpers.js';

const tmp = new TempDirs();
let nginx: NginxPeer;
let s3: S3Peer;
let controller: ControllerPeer;
let localDir: string;
const client = registry();
const controllerFs = registry();

beforeAll(async () => {
  localDir = tmp.make();
  await makeSegments(localDir, 'orders', 2);
  [nginx, s3] = await Promise.all([startNginxPeer(), startS3Peer({ buckets: ['deep'] })]);
  client.configure(s3Settings(s3));
  // The controller's own storage.factory settings: it fetches s3:// DOWNLOAD_URIs itself.
  controllerFs.configure(s3Settings(s3));
  controller = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE', timeColumnName: 'day' }], registry: controllerFs });
  for (const name of ['orders_0', 'orders_1']) {
    await (await client.resolve(nginx.httpUrl)).copyFromLocal(`${localDir}/${name}.tar.gz`, `${nginx.httpUrl}/segments/${name}.tar.gz`);
    await (await client.resolve('s3://deep/')).copyFromLocal(`${localDir}/${name}.tar.gz`, `s3://deep/segments/${name}.tar.gz`);
  }
});
afterAll(async () => {
  await controller?.stop();
  await client.close();
  await controllerFs.close();
  await Promise.all([nginx?.stop(), s3?.stop()]);
  tmp.cleanup();
});

describe('pushUriSegments', () => {
  it('sends UPLOAD_TYPE: URI and DOWNLOAD_URI for segments on a WebDAV server; the controller fetches them', async () => {
    const uris = ['orders_0', 'orders_1'].map((n) => `${nginx.httpUrl}/segments/${n}.tar.gz`);
    const results = await pushUriSegments(uris, { controllerUris: [controller.url], tableName: 'orders', registry: client });
    expect(results.map((r) => [r.segmentName, r.uploadType, r.downloadUri, r.status])).toEqual(uris.map((u, i) => [`orders_${i}`, 'URI', u, 200]));
    const ups = controller.uploads.slice(-2);
    expect(ups.map((u) => [u.uploadType, u.downloadUri, u.parts, u.segmentName, u.status])).toEqual(uris.map((u, i) => ['URI', u, 0, `orders_${i}`, 200]));
    // No tableType unless the name or the options give one: the controller takes OFFLINE.
    expect(ups[0]?.tableType).toBe('OFFLINE');
  });

  it('sends s3:// URIs that the controller fetches with its own S3 settings', async () => {
    const uris = ['s3://deep/segments/orders_0.tar.gz', 's3://deep/segments/orders_1.tar.gz'];
    const results = await pushUriSegments(uris, { controllerUris: [controller.url], tableName: 'orders_OFFLINE', registry: client });
    expect(results.map((r) => r.response)).toEqual([
      'Successfully uploaded segment: orders_0 of table: orders_OFFLINE',
      'Successfully uploaded segment: orders_1 of table: orders_OFFLINE',
    ]);
    expect(controller.uploads.slice(-2).map((u) => [u.downloadUri, u.tableType, u.crc !== undefined])).toEqual(uris.map((u) => [u, 'OFFLINE', true]));
  });

  it('builds DOWNLOAD_URI as segmentUriPrefix + raw path + segmentUriSuffix', async () => {
    // The segments listed in S3 are also served over HTTP under the same paths.
    expect(segmentDownloadUri('s3://deep/segments/a%20b.tar.gz', 'http://gw', '?x=1')).toBe('http://gw/segments/a%20b.tar.gz?x=1');
    expect(segmentDownloadUri('/data/out/x.tar.gz')).toBe('file:///data/out/x.tar.gz');
    const results = await pushUriSegments(['s3://deep/segments/orders_1.tar.gz'], {
      controllerUris: [controller.url],
      tableName: 'orders',
      segmentUriPrefix: nginx.httpUrl,
      segmentUriSuffix: '?pushedBy=deepstore',
      registry: client,
    });
    expect(results[0]?.downloadUri).toBe(`${nginx.httpUrl}/segments/orders_1.tar.gz?pushedBy=deepstore`);
    expect(controller.uploads.at(-1)).toMatchObject({ downloadUri: `${nginx.httpUrl}/segments/orders_1.tar.gz?pushedBy=deepstore`, status: 200 });
  });

  it('a file: URI is refused by the controller: a clear 400 naming the segment and the answer', async () => {
    const uri = pathToFileURL(`${localDir}/orders_0.tar.gz`).href;
    const err = await failure<PushError>(pushUriSegments([uri], { controllerUris: [controller.url], tableName: 'orders', pushAttempts: 3, registry: client }));
    expect(err.name).toBe('PushError');
    expect(err.kind).toBe('InvalidInput');
    expect(err.status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.controllerError).toBe(`Unsupported URI: ${uri}`);
    expect(err.message).toBe(
      `URI push of segment orders_0 (${uri}) to controller ${controller.url} failed: the controller answered 400 Bad Request (bad request): "Unsupported URI: ${uri}"`,
    );
  });
});
