import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startControllerPeer } from '@deepstore/peer-controller';
import { startNginxPeer } from '@deepstore/peer-nginx';

const run = promisify(execFile);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'push-to-http.js');

describe('the push-to-http example', () => {
  it('runs on its own: segments published over WebDAV, URI-pushed, downloaded by the controller', async () => {
    const { stdout } = await run(process.execPath, [script]);
    expect(stdout).toMatch(/segments on the web server \(listed with PROPFIND\):\n {2}http:\/\/127\.0\.0\.1:\d+\/segments\/orders\/orders_http_0\.tar\.gz/);
    for (let i = 0; i < 3; i++) expect(stdout).toContain(`URI push orders_http_${i}: 200 Successfully uploaded segment: orders_http_${i} of table: orders_OFFLINE (attempts: 1)`);
    expect(stdout).toContain('push to http OK');
  });

  it('pushes from a given WebDAV server to a given controller, retrying a 503', async () => {
    const nginx = await startNginxPeer();
    const controller = await startControllerPeer({ tables: [{ tableName: 'web', tableType: 'OFFLINE' }] });
    try {
      controller.failNext(1, 503);
      const { stdout } = await run(process.execPath, [script, '--webdav', `${nginx.httpUrl}/pinot`, '--controller', controller.url, '--table', 'web']);
      expect(stdout).toContain('URI push web_http_0: 200 Successfully uploaded segment: web_http_0 of table: web_OFFLINE (attempts: 2)');
      expect(controller.uploads.map((u) => [u.uploadType, u.status, u.downloadUri])).toEqual([
        ['URI', 503, `${nginx.httpUrl}/pinot/segments/web/web_http_0.tar.gz`],
        ...[0, 1, 2].map((i) => ['URI', 200, `${nginx.httpUrl}/pinot/segments/web/web_http_${i}.tar.gz`]),
      ]);
    } finally {
      await controller.stop();
      await nginx.stop();
    }
  });
});
