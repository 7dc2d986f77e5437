import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGcsPeer } from '@deepstore/peer-gcs';
import { startNginxPeer } from '@deepstore/peer-nginx';
import { startS3Peer } from '@deepstore/peer-s3';
import { startWebHdfsPeer } from '@deepstore/peer-webhdfs';
import { assertBuilt, run, tempDir, tree } from './helpers.js';

assertBuilt();
const s3 = await startS3Peer({ buckets: ['cli'] });
const gcs = await startGcsPeer({ buckets: ['cli'] });
const nginx = await startNginxPeer();
const hdfs = await startWebHdfsPeer();
await hdfs.mkdirs('/user/deepstore', { owner: 'deepstore', permission: '755' });
const work = tempDir('deepstore-cli-stores-');
afterAll(async () => {
  await s3.stop();
  await gcs.stop();
  await nginx.stop();
  await hdfs.stop();
  work.cleanup();
});

const s3Config = ['--config', `s3.endpoint=${s3.endpoint}`, '--config', `s3.accessKey=${s3.accessKeyId}`, '--config', `s3.secretKey=${s3.secretAccessKey}`, '--config', `s3.region=${s3.region}`];
const gsConfig = ['--config', `gs.apiEndpoint=${gcs.endpoint}`, '--config', `gs.projectId=${gcs.projectId}`];
const hdfsConfig = ['--config', `hdfs.namenodes=${hdfs.namenodes.join(',')}`, '--config', 'hdfs.user=deepstore'];

describe.each([
  ['s3', 's3://cli', s3Config],
  ['gs', 'gs://cli', gsConfig],
  ['http', `${nginx.httpUrl}/cli`, []],
  ['https', `${nginx.httpsUrl}/cli`, ['--config', `https.caFile=${nginx.caFile}`]],
  ['hdfs', 'hdfs://nn:8020/user/deepstore/cli', hdfsConfig],
])('deepstore cp between a local path and %s:', (_scheme, root, config) => {
  it('copies a file up and back byte-identical, and a tree with -r', async () => {
    const dir = path.join(work.dir, _scheme);
    mkdirSync(path.join(dir, 'tree', 'sub'), { recursive: true });
    const data = Buffer.alloc(9 * 2 ** 20 + 13);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131) & 0xff;
    writeFileSync(path.join(dir, 'seg.tar.gz'), data);
    writeFileSync(path.join(dir, 'tree', 'a.txt'), 'a');
    writeFileSync(path.join(dir, 'tree', 'sub', 'b c.txt'), 'b');

    const up = await run([...config, '--quiet', 'cp', path.join(dir, 'seg.tar.gz'), `${root}/t/seg.tar.gz`]);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const down = await run([...config, 'cp', `${root}/t/seg.tar.gz`, path.join(dir, 'back.tar.gz')]);
    expect(down.code).toBe(0);
    expect(readFileSync(path.join(dir, 'back.tar.gz')).equals(data)).toBe(true);

    expect((await run([...config, 'cp', '-r', path.join(dir, 'tree'), `${root}/t/tree`])).code).toBe(0);
    const ls = await run([...config, 'ls', '-r', '--json', `${root}/t/tree`]);
    expect(ls.code).toBe(0);
    const listed = (JSON.parse(ls.out) as { entries: Array<{ uri: string }> }).entries.map((e) => e.uri);
    expect(listed).toEqual([`${root}/t/tree/a.txt`, `${root}/t/tree/sub`, `${root}/t/tree/sub/b%20c.txt`]);
    expect((await run([...config, 'cp', '-r', `${root}/t/tree`, path.join(dir, 'tree-back')])).code).toBe(0);
    expect(tree(path.join(dir, 'tree-back'))).toEqual(tree(path.join(dir, 'tree')));

    const rm = await run([...config, 'rm', `${root}/t/tree`]);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(/not empty/);
    expect((await run([...config, 'rm', '-r', `${root}/t/tree`])).code).toBe(0);
    expect((await run([...config, 'stat', `${root}/t/tree`])).code).toBe(1);
  });
});
