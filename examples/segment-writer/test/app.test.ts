import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startS3Peer } from '@deepstore/peer-s3';

const run = promisify(execFile);
const s3 = await startS3Peer({ buckets: ['events'] });
afterAll(() => s3.stop());

describe('examples/segment-writer', () => {
  it('flushes segments to S3 and reads them back', async () => {
    const { stdout } = await run(process.execPath, [
      new URL('../app.js', import.meta.url).pathname,
      '--bucket', 'events', '--rows', '5000', '--every', '2000',
      '--endpoint', s3.endpoint, '--access-key', s3.accessKeyId, '--secret-key', s3.secretAccessKey, '--region', s3.region,
    ]);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('s3://events/clicks/clicks_'))).toHaveLength(3);
    // 5000 rows, every 5th a bot: 4000 land.
    expect(lines.at(-1)).toBe('3 segments on s3://events/clicks/ with 4000 rows (bots filtered out), CRCs verified');
  });
});
