import { afterAll } from 'vitest';
import { describeConformance } from '@deepstore/conformance';
import { HttpFileSystem } from '@deepstore/fs-http';
import { startNginxPeer } from '@deepstore/peer-nginx';

const peer = await startNginxPeer();
const http = new HttpFileSystem();
await http.init({});
const https = new HttpFileSystem();
await https.init({ caFile: peer.caFile });
afterAll(async () => {
  await http.close();
  await https.close();
  await peer.stop();
});

describeConformance({ name: 'fs-http (nginx WebDAV over HTTP)', fs: http, baseUri: `${peer.httpUrl}/conformance` });
describeConformance({ name: 'fs-http (nginx WebDAV over HTTPS)', fs: https, baseUri: `${peer.httpsUrl}/conformance-tls`, largeFileBytes: 64 * 2 ** 20 });
