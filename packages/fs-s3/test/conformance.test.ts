import { afterAll, expect, it } from 'vitest';
import { describeConformance } from '@deepstore/conformance';
import { S3FileSystem } from '@deepstore/fs-s3';
import { startS3Peer } from '@deepstore/peer-s3';

const peer = await startS3Peer({ buckets: ['deepstore'] });
const fs = new S3FileSystem();
await fs.init({
  endpoint: peer.endpoint,
  region: peer.region,
  accessKey: peer.accessKeyId,
  secretKey: peer.secretAccessKey,
  // Small parts so the suite's multi-MiB files exercise multipart uploads and parallel ranged downloads.
  multiPartUploadPartSize: '5MB',
});
afterAll(async () => {
  await fs.close();
  await peer.stop();
});

describeConformance({ name: 'fs-s3', fs, baseUri: 's3://deepstore/conformance' });

it('leaves no multipart upload open after the whole suite (aborts included)', async () => {
  expect(await peer.openMultipartUploads('deepstore')).toEqual([]);
});
