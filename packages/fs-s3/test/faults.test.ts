import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { patternBytes, readAll } from '@deepstore/conformance';
import { startFaultProxy, type FaultRule } from '@deepstore/fault-proxy';
import { S3FileSystem } from '@deepstore/fs-s3';
import { startS3Peer } from '@deepstore/peer-s3';

const MiB = 1 << 20;
const peer = await startS3Peer({ buckets: ['faults'] });
const proxy = await startFaultProxy({ target: peer.endpoint, seed: 7 });
const settings = {
  endpoint: proxy.url,
  region: peer.region,
  accessKey: peer.accessKeyId,
  secretKey: peer.secretAccessKey,
  multiPartUploadPartSize: '5MB',
  multiPartUploadConcurrency: '2',
  socketTimeout: '1500',
};
const fs = new S3FileSystem();
await fs.init({ ...settings, maxAttempts: '4' });
const once = new S3FileSystem();
await once.init({ ...settings, maxAttempts: '1' });
afterAll(async () => {
  await fs.close();
  await once.close();
  await proxy.stop();
  await peer.stop();
});

const s3Error = (code: string, status: number) => ({
  type: 'status' as const,
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`,
});
let n = 0;
const uri = (name: string) => `s3://faults/t${++n}/${name}`;
const faulted = () => proxy.log().filter((e) => e.fault).length;
const noTrace = async (u: string) => {
  expect(await fs.exists(u)).toBe(false);
  expect(await peer.openMultipartUploads('faults')).toEqual([]);
};

describe('fs-s3 under faults (through a fault proxy in front of the S3 peer)', () => {
  beforeEach(() => proxy.setRules([]));

  it('retries 503 and 429 answers and stores a byte-identical object', async () => {
    const u = uri('small.bin');
    const data = patternBytes(MiB, 1);
    const rules: FaultRule[] = [
      { method: 'PUT', nth: [1, 2], fault: s3Error('ServiceUnavailable', 503) },
      { method: 'GET', path: /small\.bin/, nth: [1], fault: s3Error('SlowDown', 429) },
    ];
    proxy.setRules(rules);
    const before = faulted();
    await fs.write(u, data);
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
    expect(faulted() - before).toBe(3);
  });

  it('fails a request whose answer does not come within socketTimeout, and a retry succeeds', async () => {
    // Regression: socketTimeout was passed as the handler's requestTimeout, which in
    // @smithy/node-http-handler only logs a warning: a request whose answer never came hung.
    const u = uri('late.bin');
    const data = patternBytes(64 * 1024, 3);
    proxy.setRules([{ method: 'PUT', nth: [1], fault: { type: 'delay', ms: 3000 } }]);
    const t0 = Date.now();
    const err = (await once.write(u, data).catch((e: unknown) => e)) as { kind?: string; message?: string };
    expect(err.kind, err.message).toBe('Transient');
    expect(Date.now() - t0).toBeLessThan(2900);
    proxy.setRules([{ method: 'PUT', nth: [1], fault: { type: 'delay', ms: 3000 } }]);
    await fs.write(u, data);
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
  });

  it('survives a connection reset in the middle of a part upload', async () => {
    const u = uri('multi.bin');
    const data = patternBytes(12 * MiB + 5, 2);
    proxy.setRules([{ method: 'PUT', path: /partNumber=2/, nth: [1], fault: { type: 'reset-request', afterBytes: MiB } }]);
    await fs.write(u, data);
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
    expect(proxy.log().some((e) => e.fault === 'reset-request')).toBe(true);
    expect(await peer.openMultipartUploads('faults')).toEqual([]);
  });

  it('resumes a download after a reset, a stall and a truncated body, byte-identical', async () => {
    const u = uri('resume.bin');
    const data = patternBytes(3 * MiB, 3);
    await fs.write(u, data);
    proxy.setRules([{ method: 'GET', path: /resume\.bin/, nth: [1], fault: { type: 'reset-response', afterBytes: 300_000 } }]);
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
    proxy.setRules([{ method: 'GET', path: /resume\.bin/, nth: [1], fault: { type: 'stall-response', afterBytes: 500_000 } }]);
    const t0 = Date.now();
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400); // the stall was detected by the socket timeout
    proxy.setRules([{ method: 'GET', path: /resume\.bin/, nth: [1], fault: { type: 'truncate-response', afterBytes: 700_000 } }]);
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
  });

  it('fails with a clear transient error when the store keeps failing, leaving no object and no open upload', async () => {
    const u = uri('doomed.bin');
    proxy.setRules([{ method: 'PUT', fault: s3Error('InternalError', 500) }]);
    const err = await fs.write(u, patternBytes(11 * MiB, 4)).catch((e: unknown) => e as { kind?: string; message: string });
    expect(err?.kind).toBe('Transient');
    expect(err?.message).toContain('doomed.bin');
    proxy.setRules([]);
    await noTrace(u);
  });

  it('a reset with retries disabled fails clearly and keeps the old object', async () => {
    const u = uri('kept.bin');
    await fs.write(u, 'old version');
    proxy.setRules([{ method: 'PUT', nth: [1], fault: { type: 'reset-request', afterBytes: 1000 } }]);
    const err = await once.write(u, patternBytes(MiB, 5)).catch((e: unknown) => e as { kind?: string; message: string });
    expect(err?.kind).toBe('Transient');
    proxy.setRules([]);
    expect((await readAll(await fs.openRead(u))).toString()).toBe('old version');
  });

  it('a download that keeps failing ends with an error, never with short data', async () => {
    const u = uri('short.bin');
    await fs.write(u, patternBytes(2 * MiB, 6));
    proxy.setRules([{ method: 'GET', path: /short\.bin/, fault: { type: 'truncate-response', afterBytes: 100_000 } }]);
    const err = await readAll(await fs.openRead(u)).then(() => undefined, (e: unknown) => e as { kind?: string; message: string });
    expect(err?.kind, err?.message).toBe('Transient');
    expect(err?.message).toContain('short.bin');
  });

  it('an abort in the middle of a multipart upload aborts the upload on the store', async () => {
    const u = uri('aborted.bin');
    proxy.setRules([{ method: 'PUT', path: /partNumber=/, fault: { type: 'delay', ms: 400 } }]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const err = await fs.write(u, patternBytes(16 * MiB, 7), { signal: ac.signal }).catch((e: unknown) => e as { kind?: string });
    expect(err?.kind).toBe('Aborted');
    proxy.setRules([]);
    await new Promise((r) => setTimeout(r, 600));
    await noTrace(u);
  });
});
