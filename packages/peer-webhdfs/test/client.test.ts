/**
 * The peer driven by an independent WebHDFS client: the npm `webhdfs` package (1.2.0), which does
 * the two-step CREATE/OPEN redirects itself with the `request` library.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHdfsPeer, type WebHdfsPeer } from '../src/index.js';
import { call, callError, client, curl, json, MiB, nnUrl, type WebHdfsClient } from './helpers.js';

let peer: WebHdfsPeer;
let alice: WebHdfsClient;

beforeAll(async () => {
  peer = await startWebHdfsPeer();
  await peer.mkdirs('/user/alice', { owner: 'alice', permission: '755' });
  alice = client(peer, 'alice');
});
afterAll(async () => {
  await peer.stop();
});

describe('npm webhdfs client', () => {
  it('writes, stats and reads back a file; a second write overwrites it', async () => {
    await call((cb) => alice.writeFile('/user/alice/hello.txt', Buffer.from('hello, webhdfs user!'), cb));
    const stat = await call<Record<string, unknown>>((cb) => alice.stat('/user/alice/hello.txt', cb));
    expect(stat).toMatchObject({ type: 'FILE', length: 20, owner: 'alice', group: 'supergroup', permission: '755', pathSuffix: '', replication: 3, blockSize: 134217728 });
    expect(Object.keys(stat).sort()).toEqual(
      ['accessTime', 'blockSize', 'childrenNum', 'fileId', 'group', 'length', 'modificationTime', 'owner', 'pathSuffix', 'permission', 'replication', 'storagePolicy', 'type'],
    );
    expect((await call<Buffer>((cb) => alice.readFile('/user/alice/hello.txt', cb))).toString()).toBe('hello, webhdfs user!');
    expect(await new Promise((resolve) => alice.exists('/user/alice/hello.txt', resolve))).toBe(true);
    expect(await new Promise((resolve) => alice.exists('/user/alice/nothing.txt', resolve))).toBe(false);

    // The client sends overwrite=true: a second write replaces the file (a new inode).
    await call((cb) => alice.writeFile('/user/alice/hello.txt', 'second', cb));
    const again = await call<Record<string, unknown>>((cb) => alice.stat('/user/alice/hello.txt', cb));
    expect(again.length).toBe(6);
    expect(again.fileId).not.toBe(stat.fileId);
    expect((await call<Buffer>((cb) => alice.readFile('/user/alice/hello.txt', cb))).toString()).toBe('second');

    // Two steps each time: the namenode never got a byte of the data.
    const mine = peer.requests().filter((r) => r.path === '/user/alice/hello.txt' && r.method === 'PUT');
    expect(mine.map((r) => [r.server, r.status, r.bodyBytes])).toEqual([
      ['namenode', 307, 0],
      ['datanode', 201, 20],
      ['namenode', 307, 0],
      ['datanode', 201, 6],
    ]);
  });

  it('appends to a file', async () => {
    await call((cb) => alice.writeFile('/user/alice/log.txt', 'one\n', cb));
    await call((cb) => alice.appendFile('/user/alice/log.txt', 'two\n', cb));
    expect((await call<Buffer>((cb) => alice.readFile('/user/alice/log.txt', cb))).toString()).toBe('one\ntwo\n');
    const appends = peer.requests().filter((r) => r.path === '/user/alice/log.txt' && r.method === 'POST');
    expect(appends.map((r) => [r.server, r.query.op, r.status])).toEqual([
      ['namenode', 'append', 307],
      ['datanode', 'APPEND', 200],
    ]);
  });

  it('makes directories, lists them in HDFS order, renames into a directory, and deletes', async () => {
    await call((cb) => alice.mkdir('/user/alice/tree/a', cb));
    for (const name of ['b.txt', 'a.txt', 'Z.txt']) await call((cb) => alice.writeFile(`/user/alice/tree/${name}`, name, cb));
    const listing = await call<Array<Record<string, unknown>>>((cb) => alice.readdir('/user/alice/tree', cb));
    // Byte order of the UTF-8 names, as the namenode keeps children.
    expect(listing.map((s) => [s.pathSuffix, s.type])).toEqual([
      ['Z.txt', 'FILE'],
      ['a', 'DIRECTORY'],
      ['a.txt', 'FILE'],
      ['b.txt', 'FILE'],
    ]);
    expect(listing.find((s) => s.pathSuffix === 'a')).toMatchObject({ permission: '755', childrenNum: 0, length: 0, replication: 0, blockSize: 0 });

    // RENAME onto an existing directory moves the source into it.
    await call((cb) => alice.rename('/user/alice/tree/a.txt', '/user/alice/tree/a', cb));
    expect((await call<Array<Record<string, unknown>>>((cb) => alice.readdir('/user/alice/tree/a', cb))).map((s) => s.pathSuffix)).toEqual(['a.txt']);
    await call((cb) => alice.rename('/user/alice/tree/b.txt', '/user/alice/tree/c.txt', cb));
    expect((await call<Buffer>((cb) => alice.readFile('/user/alice/tree/c.txt', cb))).toString()).toBe('b.txt');

    const refused = await callError((cb) => alice.unlink('/user/alice/tree', cb));
    expect(refused.message).toBe('/user/alice/tree is non empty');
    await call((cb) => alice.unlink('/user/alice/tree', true, cb));
    expect(await new Promise((resolve) => alice.exists('/user/alice/tree', resolve))).toBe(false);
  });

  it('streams a 50 MiB file in and out without corruption', async () => {
    const hashIn = createHash('sha256');
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced === 50) return this.push(null);
        const chunk = randomBytes(MiB);
        hashIn.update(chunk);
        produced++;
        this.push(chunk);
      },
    });
    await new Promise<void>((resolve, reject) => {
      const remoteStream = alice.createWriteStream('/user/alice/big.bin');
      remoteStream.on('error', reject);
      remoteStream.on('finish', () => resolve());
      source.pipe(remoteStream);
    });
    const stat = await call<Record<string, unknown>>((cb) => alice.stat('/user/alice/big.bin', cb));
    expect(stat.length).toBe(50 * MiB);

    const hashOut = createHash('sha256');
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const remoteStream = alice.createReadStream('/user/alice/big.bin');
      remoteStream.on('error', reject);
      remoteStream.on('data', (chunk: Buffer) => {
        hashOut.update(chunk);
        received += chunk.length;
      });
      remoteStream.on('finish', () => resolve());
    });
    expect(received).toBe(50 * MiB);
    expect(hashOut.digest('hex')).toBe(hashIn.digest('hex'));

    const upload = peer.requests().find((r) => r.server === 'datanode' && r.path === '/user/alice/big.bin' && r.method === 'PUT');
    expect(upload).toMatchObject({ status: 201, bodyBytes: 50 * MiB });
    expect(peer.requests().filter((r) => r.server === 'namenode' && r.path === '/user/alice/big.bin').every((r) => r.bodyBytes === 0)).toBe(true);
  });

  it('round-trips names with spaces, +, # and ? (percent-encoded in the URL path)', async () => {
    const dir = '/user/alice/odd names';
    const file = `${dir}/a b+c#d?e.txt`;
    await call((cb) => alice.writeFile(file, 'odd', cb));
    expect((await call<Buffer>((cb) => alice.readFile(file, cb))).toString()).toBe('odd');
    const listing = await call<Array<Record<string, unknown>>>((cb) => alice.readdir(dir, cb));
    expect(listing.map((s) => s.pathSuffix)).toEqual(['a b+c#d?e.txt']);
    // and curl, independently, sees the same name
    const r = await curl([nnUrl(peer.namenode, dir, { op: 'LISTSTATUS', 'user.name': 'alice' })]);
    expect(json<{ FileStatuses: { FileStatus: Array<{ pathSuffix: string }> } }>(r).FileStatuses.FileStatus[0]!.pathSuffix).toBe('a b+c#d?e.txt');
  });

  it('reports RemoteException messages as errors', async () => {
    const missing = await callError((cb) => alice.readFile('/user/alice/missing.txt', cb));
    expect(missing.message).toBe('File /user/alice/missing.txt not found.');
    const statMissing = await callError((cb) => alice.stat('/user/alice/missing.txt', cb));
    expect(statMissing.message).toBe('File does not exist: /user/alice/missing.txt');

    // bob may not write into alice's 755 home: refused at the datanode step.
    const bob = client(peer, 'bob');
    const denied = await callError((cb) => bob.writeFile('/user/alice/from-bob.txt', 'x', cb));
    expect(denied.message).toBe('Permission denied: user=bob, access=WRITE, inode="/user/alice":alice:supergroup:drwxr-xr-x');
    expect(await new Promise((resolve) => alice.exists('/user/alice/from-bob.txt', resolve))).toBe(false);
  });

  it('changes mode as the owner and ownership as the superuser', async () => {
    await call((cb) => alice.writeFile('/user/alice/mode.txt', 'm', cb));
    await call((cb) => alice.chmod('/user/alice/mode.txt', '600', cb));
    expect((await call<Record<string, unknown>>((cb) => alice.stat('/user/alice/mode.txt', cb))).permission).toBe('600');
    const bob = client(peer, 'bob');
    expect((await callError((cb) => bob.readFile('/user/alice/mode.txt', cb))).message).toBe(
      'Permission denied: user=bob, access=READ, inode="/user/alice/mode.txt":alice:supergroup:-rw-------',
    );
    expect((await callError((cb) => alice.chown('/user/alice/mode.txt', 'bob', 'users', cb))).message).toBe(
      'User alice is not a super user (non-super user cannot change owner).',
    );
    await call((cb) => client(peer, 'hdfs').chown('/user/alice/mode.txt', 'bob', 'users', cb));
    expect(await call<Record<string, unknown>>((cb) => alice.stat('/user/alice/mode.txt', cb))).toMatchObject({ owner: 'bob', group: 'users' });
    expect((await call<Buffer>((cb) => bob.readFile('/user/alice/mode.txt', cb))).toString()).toBe('m');
  });
});
