import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { patternBytes, readAll } from '@deepstore/conformance';
import { startFaultProxy } from '@deepstore/fault-proxy';
import { GcsFileSystem } from '@deepstore/fs-gcs';
import { startGcsPeer } from '@deepstore/peer-gcs';

const MiB = 1 << 20;
const peer = await startGcsPeer({ buckets: ['faults'] });
const proxy = await startFaultProxy({ target: peer.endpoint, seed: 11 });
const base = { apiEndpoint: proxy.url, projectId: peer.projectId, resumableThreshold: String(MiB), chunkSize: String(MiB), timeout: '2000' };
const fs = new GcsFileSystem();
await fs.init({ ...base, maxRetries: '4' });
const direct = new GcsFileSystem();
await direct.init({ apiEndpoint: peer.endpoint, projectId: peer.projectId });
afterAll(async () => {
  await fs.close();
  await direct.close();
  await proxy.stop();
  await peer.stop();
});

const gcsError = (status: number) => ({
  type: 'status' as const,
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: { code: status, message: 'injected', errors: [{ reason: status === 429 ? 'rateLimitExceeded' : 'backendError', message: 'injected' }] } }),
});
let n = 0;
const uri = (name: string) => `gs://faults/t${++n}/${name}`;

describe('fs-gcs under faults (through a fault proxy in front of the GCS peer)', () => {
  beforeEach(() => proxy.setRules([]));

  it('retries 503 and 429 answers and stores a byte-identical object', async () => {
    const u = uri('small.bin');
    const data = patternBytes(300_000, 1);
    proxy.setRules([
      { method: 'POST', path: /uploadType=multipart/, nth: [1], fault: gcsError(503) },
      { method: 'GET', path: /alt=media/, nth: [1], fault: gcsError(429) },
    ]);
    await fs.write(u, data, { size: data.length });
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
    expect(proxy.log().filter((e) => e.fault === 'status').length).toBe(2);
  });

  it('resumes a resumable upload after a reset in the middle of a chunk', async () => {
    const u = uri('resumable.bin');
    const data = patternBytes(5 * MiB + 11, 2);
    proxy.setRules([{ method: 'PUT', path: /upload_id=/, nth: [2], fault: { type: 'reset-request', afterBytes: 300_000 } }]);
    await fs.write(u, data);
    expect((await readAll(await direct.openRead(u))).equals(data)).toBe(true);
    expect(proxy.log().some((e) => e.fault === 'reset-request')).toBe(true);
    expect(peer.openResumableUploads()).toEqual([]);
  });

  it('fails clearly when the store keeps failing, leaving no object and no open session', async () => {
    const u = uri('doomed.bin');
    proxy.setRules([{ method: 'PUT', path: /upload_id=/, fault: gcsError(503) }]);
    const err = await fs.write(u, patternBytes(3 * MiB, 3)).catch((e: unknown) => e as { kind?: string; message: string });
    expect(err?.kind).toBe('Transient');
    expect(err?.message).toContain('doomed.bin');
    proxy.setRules([]);
    expect(await direct.exists(u)).toBe(false);
    expect(peer.openResumableUploads()).toEqual([]);
  });

  it('an abort in the middle of a resumable upload cancels the session', async () => {
    const u = uri('aborted.bin');
    proxy.setRules([{ method: 'PUT', path: /upload_id=/, fault: { type: 'delay', ms: 300 } }]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 450);
    const err = await fs.write(u, patternBytes(8 * MiB, 4), { signal: ac.signal }).catch((e: unknown) => e as { kind?: string });
    expect(err?.kind).toBe('Aborted');
    proxy.setRules([]);
    await new Promise((r) => setTimeout(r, 400));
    expect(await direct.exists(u)).toBe(false);
    expect(peer.openResumableUploads()).toEqual([]);
  });

  it('resumes a download after a reset, a stall and a truncated body, byte-identical', async () => {
    const u = uri('resume.bin');
    const data = patternBytes(3 * MiB, 6);
    await direct.write(u, data);
    for (const fault of [
      { type: 'reset-response' as const, afterBytes: 300_000 },
      { type: 'stall-response' as const, afterBytes: 500_000 },
      { type: 'truncate-response' as const, afterBytes: 700_000 },
    ]) {
      proxy.setRules([{ method: 'GET', path: /alt=media/, nth: [1], fault }]);
      expect((await readAll(await fs.openRead(u))).equals(data), fault.type).toBe(true);
    }
  });

  it('a download that keeps failing ends with an error, never with short data', async () => {
    const u = uri('short.bin');
    await direct.write(u, patternBytes(2 * MiB, 5));
    proxy.setRules([{ method: 'GET', path: /alt=media/, fault: { type: 'truncate-response', afterBytes: 100_000 } }]);
    await expect(readAll(await fs.openRead(u))).rejects.toThrow();
  });
});
