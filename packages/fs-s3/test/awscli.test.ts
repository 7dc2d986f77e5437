import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { patternBytes, readAll } from '@deepstore/conformance';
import { S3FileSystem } from '@deepstore/fs-s3';
import { startS3Peer } from '@deepstore/peer-s3';

// Debian's awscli v2 is the independent client: what one writes, the other reads.
const AWS = '/usr/bin/aws';
const run = promisify(execFile);
const peer = await startS3Peer({ buckets: ['xcheck'] });
const fs = new S3FileSystem();
await fs.init({ endpoint: peer.endpoint, region: peer.region, accessKey: peer.accessKeyId, secretKey: peer.secretAccessKey, multiPartUploadPartSize: '5MB' });
const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-awscli-'));
afterAll(async () => {
  await fs.close();
  await peer.stop();
  await rm(work, { recursive: true, force: true });
});
const aws = (...args: string[]) =>
  run(AWS, [...args, '--endpoint-url', peer.endpoint], {
    env: {
      PATH: process.env.PATH,
      HOME: work,
      AWS_ACCESS_KEY_ID: peer.accessKeyId,
      AWS_SECRET_ACCESS_KEY: peer.secretAccessKey,
      AWS_DEFAULT_REGION: peer.region,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    maxBuffer: 64 << 20,
  });

describe.skipIf(!existsSync(AWS))('fs-s3 cross-checked with awscli', () => {
  it('awscli reads byte-identical what deepstore wrote (single and multipart)', async () => {
    const small = patternBytes(100_000, 1);
    const big = patternBytes(13 * 2 ** 20 + 7, 2);
    await fs.write('s3://xcheck/from-deepstore/small file.bin', small);
    await fs.write('s3://xcheck/from-deepstore/big.bin', big);
    await aws('s3', 'cp', 's3://xcheck/from-deepstore/small file.bin', path.join(work, 'small.bin'));
    await aws('s3', 'cp', 's3://xcheck/from-deepstore/big.bin', path.join(work, 'big.bin'));
    expect((await readFile(path.join(work, 'small.bin'))).equals(small)).toBe(true);
    expect((await readFile(path.join(work, 'big.bin'))).equals(big)).toBe(true);
    const { stdout } = await aws('s3', 'ls', '--recursive', 's3://xcheck/from-deepstore/');
    expect(stdout).toContain('from-deepstore/small file.bin');
    expect(stdout).toMatch(/13631495 from-deepstore\/big\.bin/);
  });

  it('deepstore reads byte-identical what awscli wrote, and lists its tree', async () => {
    const data = patternBytes(20 * 2 ** 20 + 3, 3);
    await writeFile(path.join(work, 'up.bin'), data);
    await aws('s3', 'cp', path.join(work, 'up.bin'), 's3://xcheck/from-aws/nested/up.bin');
    expect((await readAll(await fs.openRead('s3://xcheck/from-aws/nested/up.bin'))).equals(data)).toBe(true);
    expect(await fs.list('s3://xcheck/from-aws', { recursive: true })).toEqual(['s3://xcheck/from-aws/nested', 's3://xcheck/from-aws/nested/up.bin']);
    await fs.copyToLocal('s3://xcheck/from-aws/nested/up.bin', path.join(work, 'down.bin'));
    expect((await readFile(path.join(work, 'down.bin'))).equals(data)).toBe(true);
  });
});
