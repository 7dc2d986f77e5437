import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { S3FileSystem } from '@deepstore/fs-s3';
import { startS3Peer } from '@deepstore/peer-s3';

// The peer checks SigV4 signatures, so these prove which credentials were used.
const peer = await startS3Peer({ buckets: ['creds'] });
const saved = { ...process.env };
afterEach(() => {
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'AWS_PROFILE']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
afterAll(() => peer.stop());

describe('fs-s3 credentials and endpoint from the AWS environment', () => {
  it('uses AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION / AWS_ENDPOINT_URL_S3 when no settings are given', async () => {
    process.env.AWS_ACCESS_KEY_ID = peer.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = peer.secretAccessKey;
    process.env.AWS_REGION = peer.region;
    process.env.AWS_ENDPOINT_URL_S3 = peer.endpoint;
    const fs = new S3FileSystem();
    await fs.init({ pathStyleAccess: 'true' });
    await fs.write('s3://creds/env/x.txt', 'from env');
    expect(await fs.length('s3://creds/env/x.txt')).toBe(8);
    await fs.close();
  });

  it('a wrong secret is PermissionDenied, and the secret appears nowhere in the error', async () => {
    const secret = 'wrong-secret-value-123456';
    const fs = new S3FileSystem();
    await fs.init({ endpoint: peer.endpoint, region: peer.region, accessKey: peer.accessKeyId, secretKey: secret, maxAttempts: '1' });
    const err = await fs.write('s3://creds/denied.txt', 'x').catch((e: unknown) => e as Error & { kind?: string });
    expect(err?.kind).toBe('PermissionDenied');
    expect(err?.message).toContain('s3://creds/denied.txt');
    expect(JSON.stringify({ message: err?.message, stack: err?.stack })).not.toContain(secret);
    await fs.close();
  });

  it('refuses credentials embedded in the URI without echoing them', async () => {
    const fs = new S3FileSystem();
    await fs.init({ endpoint: peer.endpoint, region: peer.region, accessKey: peer.accessKeyId, secretKey: peer.secretAccessKey });
    const err = await fs.stat('s3://AKIDEXAMPLE:topsecret@creds/x').catch((e: unknown) => e as Error & { kind?: string });
    expect(err?.kind).toBe('InvalidInput');
    expect(err?.message).not.toContain('topsecret');
    await fs.close();
  });
});
