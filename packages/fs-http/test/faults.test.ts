import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { patternBytes, readAll } from '@deepstore/conformance';
import { startFaultProxy } from '@deepstore/fault-proxy';
import { HttpFileSystem } from '@deepstore/fs-http';
import { startNginxPeer } from '@deepstore/peer-nginx';

const peer = await startNginxPeer();
const proxy = await startFaultProxy({ target: peer.httpUrl, seed: 5 });
const fs = new HttpFileSystem();
await fs.init({ socketTimeout: '1500', maxAttempts: '4' });
afterAll(async () => {
  await fs.close();
  await proxy.stop();
  await peer.stop();
});
let n = 0;
const uri = (name: string) => `${proxy.url}/faults/t${++n}/${name}`;
const onDisk = (u: string) => readdirSync(path.join(peer.root, ...new URL(u).pathname.split('/').slice(1, -1)));

describe('fs-http under faults (fault proxy in front of nginx)', () => {
  beforeEach(() => proxy.setRules([]));

  it('retries 503 and 429 answers', async () => {
    const u = uri('a.bin');
    const data = patternBytes(200_000, 1);
    proxy.setRules([
      { method: 'PROPFIND', nth: [1, 2], fault: { type: 'status', status: 503 } },
      { method: 'GET', nth: [1], fault: { type: 'status', status: 429 } },
    ]);
    await fs.write(u, data);
    expect((await readAll(await fs.openRead(u))).equals(data)).toBe(true);
    expect(proxy.log().filter((e) => e.fault === 'status').length).toBe(3);
  });

  it('resumes a download after a reset, a stall and a truncation, byte-identical', async () => {
    const u = uri('big.bin');
    const data = patternBytes(4 * 2 ** 20, 2);
    await fs.write(u, data);
    for (const fault of [
      { type: 'reset-response' as const, afterBytes: 500_000 },
      { type: 'stall-response' as const, afterBytes: 700_000 },
      { type: 'truncate-response' as const, afterBytes: 900_000 },
    ]) {
      proxy.setRules([{ method: 'GET', nth: [1], fault }]);
      expect((await readAll(await fs.openRead(u))).equals(data), fault.type).toBe(true);
    }
  });

  it('an upload reset mid-body fails clearly and leaves neither a partial file nor a temporary', async () => {
    const u = uri('kept.bin');
    await fs.write(u, 'old version');
    proxy.setRules([{ method: 'PUT', nth: [1], fault: { type: 'reset-request', afterBytes: 256 * 1024 } }]);
    const err = await fs.write(u, patternBytes(2 * 2 ** 20, 3)).catch((e: unknown) => e as { kind?: string; message: string });
    expect(err?.kind).toBe('Transient');
    expect(err?.message).toContain('kept.bin');
    proxy.setRules([]);
    expect((await readAll(await fs.openRead(u))).toString()).toBe('old version');
    expect(onDisk(u)).toEqual(['kept.bin']);
  });

  it('a server that keeps failing gives a Transient error naming the URI', async () => {
    const u = uri('never.bin');
    proxy.setRules([{ fault: { type: 'status', status: 503 } }]);
    const err = await fs.stat(u).catch((e: unknown) => e as { kind?: string; message: string });
    expect(err?.kind).toBe('Transient');
    expect(err?.message).toContain('never.bin');
  });
});
