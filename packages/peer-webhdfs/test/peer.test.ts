/**
 * The peer's own API (addresses, mkdirs, the request log, stop, a kept directory), the CLI, and
 * the datanode's checksum arithmetic.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startWebHdfsPeer } from '../src/index.js';
import { crc32c } from '../src/storage.js';
import { call, client, curl, json, MiB, nnUrl } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('peer API', () => {
  it('listens on 127.0.0.1 with two namenodes and a datanode on different ports', async () => {
    const peer = await startWebHdfsPeer();
    try {
      expect(peer.namenodes).toHaveLength(2);
      expect(peer.namenode).toBe(peer.namenodes[0]);
      const urls = [...peer.namenodes, peer.datanode];
      for (const u of urls) expect(u).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(new Set(urls.map((u) => new URL(u).port)).size).toBe(3);
      expect(peer.superuser).toBe('hdfs');
      const root = json<{ FileStatus: Record<string, unknown> }>(await curl([nnUrl(peer.namenode, '/', { op: 'GETFILESTATUS' })]));
      expect(root.FileStatus).toMatchObject({ type: 'DIRECTORY', owner: 'hdfs', group: 'supergroup', permission: '755', fileId: 16385, pathSuffix: '' });
      // the datanode is not a namenode, and neither serves anything outside /webhdfs/v1
      expect((await curl([`${peer.datanode}/webhdfs/v1/?op=GETFILESTATUS`])).status).toBe(400);
      expect((await curl([`${peer.namenode}/other?op=GETFILESTATUS`])).status).toBe(404);
      expect(() => peer.failover(2 as 0)).toThrow();
    } finally {
      await peer.stop();
    }
    await peer.stop(); // idempotent
    const refused = await curl(['--max-time', '5', `${peer.namenode}/webhdfs/v1/?op=GETFILESTATUS`]);
    expect(refused.code).toBe(7); // couldn't connect
  });

  it('mkdirs() sets up directories as the superuser with the given owner, group and mode', async () => {
    const peer = await startWebHdfsPeer();
    try {
      await peer.mkdirs('/a/b/c', { owner: 'alice', group: 'team', permission: '750' });
      const st = async (p: string) => json<{ FileStatus: Record<string, unknown> }>(await curl([nnUrl(peer.namenode, p, { op: 'GETFILESTATUS', 'user.name': 'hdfs' })])).FileStatus;
      expect(await st('/a/b/c')).toMatchObject({ owner: 'alice', group: 'team', permission: '750', type: 'DIRECTORY' });
      expect(await st('/a')).toMatchObject({ owner: 'hdfs', group: 'supergroup', permission: '755' });
      await peer.mkdirs('/a/b/c', { permission: '1777' }); // an existing directory is updated
      expect(await st('/a/b/c')).toMatchObject({ owner: 'alice', permission: '1777' });
      await expect(peer.mkdirs('/x', { permission: '999' })).rejects.toThrow(/octal/);
      await call((cb) => client(peer, 'alice').writeFile('/a/b/c/f', 'f', cb));
      await expect(peer.mkdirs('/a/b/c/f')).rejects.toThrow(/Path is not a directory/);
    } finally {
      await peer.stop();
    }
  });

  it('logs every request (server, index, method, decoded path, query, status, body bytes) and keeps the last 10,000', async () => {
    const peer = await startWebHdfsPeer();
    try {
      await call((cb) => client(peer, 'hdfs').writeFile('/logged file.txt', 'abc', cb));
      const [nnPut, dnPut] = peer.requests();
      expect(nnPut).toEqual({ server: 'namenode', index: 0, method: 'PUT', path: '/logged file.txt', query: { op: 'create', 'user.name': 'hdfs', overwrite: 'true', permission: '0755' }, status: 307, bodyBytes: 0 });
      expect(dnPut).toMatchObject({ server: 'datanode', index: 0, method: 'PUT', path: '/logged file.txt', status: 201, bodyBytes: 3 });
      expect(dnPut!.query).toMatchObject({ op: 'CREATE', namenoderpcaddress: 'ns1', overwrite: 'true', permission: '755' });
      await curl([nnUrl(peer.namenodes[1]!, '/', { op: 'LISTSTATUS' })]);
      expect(peer.requests().at(-1)).toMatchObject({ server: 'namenode', index: 1, status: 403 });
      // a snapshot, not a live view
      const snap = peer.requests();
      (snap[0] as { status: number }).status = 999;
      expect(peer.requests()[0]!.status).toBe(307);

      const url = nnUrl(peer.namenode, '/', { op: 'GETFILESTATUS' });
      for (let i = 0; i < 10_050; i += 50) {
        await Promise.all(Array.from({ length: 50 }, () => fetch(url).then((r) => r.arrayBuffer())));
      }
      const all = peer.requests();
      expect(all).toHaveLength(10_000);
      expect(all.every((r) => r.query.op === 'GETFILESTATUS')).toBe(true);
    } finally {
      await peer.stop();
    }
  });

  it('keeps a directory it was given, with the namespace and data, across restarts', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'peer-webhdfs-kept-'));
    try {
      const first = await startWebHdfsPeer({ directory: dir });
      await first.mkdirs('/keep', { owner: 'alice', permission: '700' });
      const data = randomBytes(MiB + 17);
      await call((cb) => client(first, 'alice').writeFile('/keep/data.bin', data, cb));
      const before = json<{ FileStatus: Record<string, unknown> }>(await curl([nnUrl(first.namenode, '/keep/data.bin', { op: 'GETFILESTATUS', 'user.name': 'alice' })])).FileStatus;
      await first.stop();
      expect((await fs.readdir(dir)).sort()).toEqual(['blocks', 'fsimage.json']);

      const second = await startWebHdfsPeer({ directory: dir });
      try {
        const after = json<{ FileStatus: Record<string, unknown> }>(await curl([nnUrl(second.namenode, '/keep/data.bin', { op: 'GETFILESTATUS', 'user.name': 'alice' })])).FileStatus;
        expect(after).toEqual(before);
        expect((await call<Buffer>((cb) => client(second, 'alice').readFile('/keep/data.bin', cb))).equals(data)).toBe(true);
        expect((await curl([nnUrl(second.namenode, '/keep', { op: 'LISTSTATUS', 'user.name': 'bob' })])).status).toBe(403);
        // new inodes continue the numbering
        await call((cb) => client(second, 'alice').writeFile('/keep/new.bin', 'n', cb));
        const created = json<{ FileStatus: { fileId: number } }>(await curl([nnUrl(second.namenode, '/keep/new.bin', { op: 'GETFILESTATUS', 'user.name': 'alice' })]));
        expect(created.FileStatus.fileId).toBeGreaterThan(before.fileId as number);
      } finally {
        await second.stop();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GETFILECHECKSUM', () => {
  /** A bit-by-bit CRC-32C, independent of the table-driven one under test. */
  function crc32cSlow(data: Uint8Array): number {
    let crc = 0xffffffff;
    for (const byte of data) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  it('uses CRC-32C', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the standard check value
    const data = randomBytes(1000);
    expect(crc32c(data)).toBe(crc32cSlow(data));
  });

  it('is MD5 of block MD5s of chunk CRCs, with the empty-file and multi-block forms HDFS reports', async () => {
    const peer = await startWebHdfsPeer();
    try {
      const checksum = async (p: string) =>
        json<{ FileChecksum: { algorithm: string; bytes: string; length: number } }>(await curl(['-L', nnUrl(peer.namenode, p, { op: 'GETFILECHECKSUM', 'user.name': 'hdfs' })])).FileChecksum;
      const put = async (p: string, data: Buffer, blocksize?: number) => {
        const file = path.join(os.tmpdir(), `peer-webhdfs-sum-${process.pid}-${Math.random()}`);
        await fs.writeFile(file, data);
        const r = await curl(['-L', '-X', 'PUT', '-T', file, nnUrl(peer.namenode, p, { op: 'CREATE', 'user.name': 'hdfs', ...(blocksize ? { blocksize } : {}) })]);
        await fs.rm(file);
        expect(r.status).toBe(201);
      };
      const expected = (data: Buffer, blockSize: number): string => {
        const blockMd5s: Buffer[] = [];
        for (let b = 0; b < data.length; b += blockSize) {
          const block = data.subarray(b, b + blockSize);
          const crcs = Buffer.alloc(Math.ceil(block.length / 512) * 4);
          for (let c = 0; c < block.length; c += 512) crcs.writeUInt32BE(crc32cSlow(block.subarray(c, c + 512)), (c / 512) * 4);
          blockMd5s.push(createHash('md5').update(crcs).digest());
        }
        // DataOutputBuffer.getData(): the whole backing array, 32 bytes and doubling
        let capacity = 32;
        while (capacity < blockMd5s.length * 16) capacity *= 2;
        const buf = Buffer.alloc(capacity);
        blockMd5s.forEach((m, i) => m.copy(buf, i * 16));
        return createHash('md5').update(buf).digest('hex');
      };

      await put('/empty', Buffer.alloc(0));
      // The value Hadoop reports for an empty file: MD5 of 32 zero bytes.
      expect(await checksum('/empty')).toEqual({ algorithm: 'MD5-of-0MD5-of-0CRC32', bytes: '00000000000000000000000070bc8f4b72a86921468bf8e8441dce51', length: 28 });

      const small = randomBytes(1300);
      await put('/small', small);
      expect(await checksum('/small')).toEqual({ algorithm: 'MD5-of-0MD5-of-512CRC32C', bytes: `00000200${'0'.repeat(16)}${expected(small, 134217728)}`, length: 28 });

      const three = randomBytes(2 * MiB + 1000); // three blocks of 1 MiB
      await put('/three', three, MiB);
      expect(await checksum('/three')).toEqual({
        algorithm: 'MD5-of-2048MD5-of-512CRC32C',
        bytes: `00000200${(2048).toString(16).padStart(16, '0')}${expected(three, MiB)}`,
        length: 28,
      });
      const directory = await curl(['-L', nnUrl(peer.namenode, '/', { op: 'GETFILECHECKSUM', 'user.name': 'hdfs' })]);
      expect(json(directory)).toEqual({ RemoteException: { exception: 'FileNotFoundException', javaClassName: 'java.io.FileNotFoundException', message: 'Path is not a file: /' } });
    } finally {
      await peer.stop();
    }
  });
});

describe('CLI (dist/cli.js)', () => {
  it('prints the addresses as one JSON line, serves, and stops on SIGTERM', async () => {
    const cli = path.join(here, '..', 'dist', 'cli.js');
    expect(await fs.stat(cli).then(() => true, () => false), 'run `pnpm build` first').toBe(true);
    const child = spawn(process.execPath, [cli, '--list-batch-size', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
      });
      const info = JSON.parse(line) as { namenode: string; namenodes: string[]; datanode: string; superuser: string };
      expect(Object.keys(info).sort()).toEqual(['datanode', 'namenode', 'namenodes', 'superuser']);
      expect(info.namenodes[0]).toBe(info.namenode);
      expect(info.superuser).toBe('hdfs');
      for (const name of ['a', 'b', 'c']) {
        expect(json(await curl(['-X', 'PUT', nnUrl(info.namenode, `/cli/${name}`, { op: 'MKDIRS', 'user.name': 'hdfs' })]))).toEqual({ boolean: true });
      }
      const batch = json<{ DirectoryListing: { remainingEntries: number } }>(await curl([nnUrl(info.namenode, '/cli', { op: 'LISTSTATUS_BATCH' })]));
      expect(batch.DirectoryListing.remainingEntries).toBe(1);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
