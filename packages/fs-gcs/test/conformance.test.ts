import { afterAll, expect, it } from 'vitest';
import { describeConformance } from '@deepstore/conformance';
import { GcsFileSystem } from '@deepstore/fs-gcs';
import { startGcsPeer } from '@deepstore/peer-gcs';

const peer = await startGcsPeer({ buckets: ['deepstore'] });
const fs = new GcsFileSystem();
// Small thresholds so the suite's multi-MiB files go through resumable, chunked uploads.
await fs.init({ apiEndpoint: peer.endpoint, projectId: peer.projectId, resumableThreshold: String(2 * 2 ** 20), chunkSize: String(2 * 2 ** 20) });
afterAll(async () => {
  await fs.close();
  await peer.stop();
});

describeConformance({ name: 'fs-gcs', fs, baseUri: 'gs://deepstore/conformance' });

it('leaves no resumable upload session open after the whole suite (aborts included)', () => {
  expect(peer.openResumableUploads()).toEqual([]);
});
