import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { patternBytes, readAll } from '@deepstore/conformance';
import { startFaultProxy } from '@deepstore/fault-proxy';
import { HdfsFileSystem } from '@deepstore/fs-hdfs';
import { startWebHdfsPeer } from '@deepstore/peer-webhdfs';

const run = promisify(execFile);
const peer = await startWebHdfsPeer();
await peer.mkdirs('/data', { owner: 'alice', permission: '755' });
await peer.mkdirs('/private', { owner: 'bob', permission: '700' });
const alice = new HdfsFileSystem();
await alice.init({ namenodes: peer.namenodes.join(','), user: 'alice' });
afterAll(async () => {
  await alice.close();
  await peer.stop();
});
const nnPort = new URL(peer.namenode).port;

describe('fs-hdfs against the WebHDFS peer', () => {
  it('curl and the npm webhdfs client read what deepstore wrote, and the reverse', async () => {
    const data = patternBytes(3 * 2 ** 20 + 1, 1);
    await alice.write(`webhdfs://127.0.0.1:${nnPort}/data/x/from deepstore.bin`, data);
    const { stdout } = await run('curl', ['-sSfL', `${peer.namenode}/webhdfs/v1/data/x/from%20deepstore.bin?op=OPEN&user.name=alice`], { encoding: 'buffer', maxBuffer: 64 << 20 });
    expect(Buffer.from(stdout).equals(data)).toBe(true);
    const WebHDFS = createRequire(import.meta.url)('webhdfs') as { createClient(o: Record<string, unknown>): { writeFile(p: string, d: Buffer, cb: (e: unknown) => void): void } };
    const client = WebHDFS.createClient({ host: '127.0.0.1', port: Number(nnPort), path: '/webhdfs/v1', user: 'alice' });
    const theirs = patternBytes(500_000, 2);
    await new Promise<void>((resolve, reject) => client.writeFile('/data/x/from-webhdfs.bin', theirs, (e) => (e ? reject(e as Error) : resolve())));
    expect((await readAll(await alice.openRead(`hdfs://nn:8020/data/x/from-webhdfs.bin`))).equals(theirs)).toBe(true);
  });

  it('maps AccessControlException to PermissionDenied and leaves nothing behind', async () => {
    const err = await alice.write('hdfs://nn:8020/private/nope.bin', 'x').catch((e: unknown) => e as { kind?: string; message: string });
    expect(err?.kind).toBe('PermissionDenied');
    expect(err?.message).toContain('/private/nope.bin');
  });

  it('fails over when the active namenode becomes standby', async () => {
    await alice.write('hdfs://nn:8020/data/fo/a.txt', 'before');
    peer.failover(1);
    try {
      expect((await readAll(await alice.openRead('hdfs://nn:8020/data/fo/a.txt'))).toString()).toBe('before');
      await alice.write('hdfs://nn:8020/data/fo/b.txt', 'after');
      expect(await alice.list('hdfs://nn:8020/data/fo')).toEqual(['hdfs://nn:8020/data/fo/a.txt', 'hdfs://nn:8020/data/fo/b.txt']);
    } finally {
      peer.failover(0);
    }
  });

  it('an upload cut off mid-body leaves neither a partial file nor a temporary, and keeps the old file', async () => {
    // HDFS shows a file while it is written: only the temporary name could have been half-written.
    const victim = 'hdfs://nn:8020/data/reset/kept.bin';
    await alice.write(victim, 'old');
    const ac = new AbortController();
    const slow = (async function* () {
      yield Buffer.alloc(1 << 20, 1);
      await new Promise((r) => setTimeout(r, 300));
      yield Buffer.alloc(1 << 20, 2);
    })();
    setTimeout(() => ac.abort(), 150);
    const err = await alice.write(victim, slow, { signal: ac.signal }).catch((e: unknown) => e as { kind?: string });
    expect(err?.kind).toBe('Aborted');
    await new Promise((r) => setTimeout(r, 300));
    expect((await readAll(await alice.openRead(victim))).toString()).toBe('old');
    expect(await alice.list('hdfs://nn:8020/data/reset')).toEqual([victim]);
  });

  it('retries 503 answers from the namenode (through a fault proxy) and still reports missing files', async () => {
    const proxy = await startFaultProxy({ target: peer.namenode });
    const viaProxy = new HdfsFileSystem();
    await viaProxy.init({ namenodes: proxy.url, user: 'alice', socketTimeout: '1500' });
    try {
      const data = patternBytes(2 * 2 ** 20, 3);
      await alice.write('hdfs://nn:8020/data/px/f.bin', data);
      proxy.setRules([{ method: 'GET', path: /op=GETFILESTATUS/, nth: [1, 2], fault: { type: 'status', status: 503 } }]);
      expect((await viaProxy.stat('hdfs://nn:8020/data/px/f.bin')).length).toBe(data.length);
      expect(proxy.log().filter((e) => e.fault === 'status').length).toBe(2);
      const err = await viaProxy.stat('hdfs://nn:8020/data/px/missing').catch((e: unknown) => e as { kind?: string });
      expect(err?.kind).toBe('NotFound');
    } finally {
      await viaProxy.close();
      await proxy.stop();
    }
  });
});

describe('fs-hdfs with a fault proxy in front of the datanode', () => {
  it('resumes reads after a reset or a stall, and a reset upload leaves no partial file and keeps the old one', async () => {
    const proxy = await startFaultProxy({ target: peer.datanode });
    peer.advertiseDatanode(proxy.url);
    const fs = new HdfsFileSystem();
    await fs.init({ namenodes: peer.namenode, user: 'alice', socketTimeout: '1500', maxAttempts: '3' });
    try {
      const data = patternBytes(3 * 2 ** 20, 4);
      await fs.write('hdfs://nn:8020/data/dn/f.bin', data);
      for (const fault of [
        { type: 'reset-response' as const, afterBytes: 400_000 },
        { type: 'stall-response' as const, afterBytes: 600_000 },
        { type: 'truncate-response' as const, afterBytes: 800_000 },
      ]) {
        proxy.setRules([{ method: 'GET', nth: [1], fault }]);
        expect((await readAll(await fs.openRead('hdfs://nn:8020/data/dn/f.bin'))).equals(data), fault.type).toBe(true);
      }
      proxy.setRules([{ method: 'PUT', nth: [1], fault: { type: 'reset-request', afterBytes: 200_000 } }]);
      const once = new HdfsFileSystem();
      await once.init({ namenodes: peer.namenode, user: 'alice', maxAttempts: '1' });
      const err = await once.write('hdfs://nn:8020/data/dn/f.bin', patternBytes(2 * 2 ** 20, 5)).catch((e: unknown) => e as { kind?: string; message: string });
      await once.close();
      expect(err?.kind).toBe('Transient');
      proxy.setRules([]);
      expect((await readAll(await fs.openRead('hdfs://nn:8020/data/dn/f.bin'))).equals(data)).toBe(true);
      expect(await fs.list('hdfs://nn:8020/data/dn')).toEqual(['hdfs://nn:8020/data/dn/f.bin']);
      proxy.setRules([{ method: 'PUT', nth: [1], fault: { type: 'status', status: 503 } }]);
      await fs.copyFromLocal(await writeTemp(patternBytes(100_000, 6)), 'hdfs://nn:8020/data/dn/retried.bin');
      expect(await fs.length('hdfs://nn:8020/data/dn/retried.bin')).toBe(100_000);
    } finally {
      peer.advertiseDatanode(peer.datanode);
      await fs.close();
      await proxy.stop();
    }
  });
});

async function writeTemp(data: Buffer): Promise<string> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(`${tmpdir()}/deepstore-hdfs-`);
  await writeFile(`${dir}/f.bin`, data);
  return `${dir}/f.bin`;
}
