import { afterAll, expect, it } from 'vitest';
import { describeConformance } from '@deepstore/conformance';
import { HdfsFileSystem } from '@deepstore/fs-hdfs';
import { startWebHdfsPeer } from '@deepstore/peer-webhdfs';

const peer = await startWebHdfsPeer({ listBatchSize: 100 });
await peer.mkdirs('/user/deepstore', { owner: 'deepstore', permission: '755' });
const fs = new HdfsFileSystem();
// Both namenodes listed: the standby answers StandbyException and the adapter keeps to the active one.
await fs.init({ namenodes: [...peer.namenodes].reverse().join(','), user: 'deepstore' });
afterAll(async () => {
  await fs.close();
  await peer.stop();
});

describeConformance({ name: 'fs-hdfs (WebHDFS peer, failing over from a standby)', fs, baseUri: 'hdfs://namenode:8020/user/deepstore/conformance' });

it('never sent a request body to a namenode', () => {
  const bodies = peer.requests().filter((r) => r.server === 'namenode' && r.bodyBytes > 0);
  expect(bodies).toEqual([]);
});
