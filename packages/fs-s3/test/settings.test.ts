import { describe, expect, it } from 'vitest';
import { parseDataSize, parseS3Config } from '@deepstore/fs-s3';

describe('S3 settings', () => {
  it('reads Pinot names and sizes', () => {
    const c = parseS3Config({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      accessKey: 'AK',
      secretKey: 'SK',
      disableAcl: 'false',
      serverSideEncryption: 'aws:kms',
      ssekmsKeyId: 'key-1',
      ssekmsEncryptionContext: '{"a":"b"}',
      storageClass: 'STANDARD_IA',
      multiPartUploadPartSize: '16MB',
      minObjectSizeForMultiPartUpload: '5G',
      'httpclient.socketTimeout': '1500',
    });
    expect(c).toMatchObject({ region: 'eu-west-1', pathStyleAccess: true, disableAcl: false, multiPartUploadPartSize: 16 * 2 ** 20, minObjectSizeForMultiPartUpload: 5 * 2 ** 30, socketTimeout: 1500 });
    expect(parseDataSize('128MB')).toBe(128 * 2 ** 20);
    expect(parseDataSize('8m')).toBe(8 * 2 ** 20);
    expect(parseDataSize('1024')).toBe(1024);
  });
  it('refuses unknown keys, bad values and half credentials by name, without echoing secrets', () => {
    expect(() => parseS3Config({ regoin: 'x' })).toThrow(/unknown setting "regoin"/);
    expect(() => parseS3Config({ multiPartUploadPartSize: '1MB' })).toThrow(/at least 5MB/);
    expect(() => parseS3Config({ storageClass: 'COLD' })).toThrow(/storageClass/);
    expect(() => parseS3Config({ ssekmsKeyId: 'k' })).toThrow(/aws:kms/);
    const err = (() => {
      try {
        parseS3Config({ accessKey: 'AKIAVERYSECRET' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toMatch(/together/);
    expect(err?.message).not.toContain('AKIAVERYSECRET');
    expect(() => parseS3Config({ endpoint: 'ftp://x' })).toThrow(/endpoint/);
  });
});
