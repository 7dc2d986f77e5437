/**
 * The REST protocol checked with curl, an independent HTTP client: the two-step CREATE and OPEN
 * (with and without following redirects), noredirect, RemoteException bodies and statuses,
 * LISTSTATUS_BATCH paging, RENAME and DELETE semantics.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWebHdfsPeer, type WebHdfsPeer } from '../src/index.js';
import { curl, json, nnUrl, remote } from './helpers.js';

let peer: WebHdfsPeer;
let tmp: string;
const U = { 'user.name': 'alice' };

beforeAll(async () => {
  peer = await startWebHdfsPeer({ listBatchSize: 3 });
  await peer.mkdirs('/data', { owner: 'alice', permission: '755' });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'peer-webhdfs-curl-'));
});
afterAll(async () => {
  await peer.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

async function put(hdfsPath: string, content: string | Buffer, query: Record<string, string> = {}): Promise<void> {
  const file = path.join(tmp, `upload-${Math.random()}`);
  await fs.writeFile(file, content);
  const r = await curl(['-L', '-X', 'PUT', '-T', file, nnUrl(peer.namenode, hdfsPath, { op: 'CREATE', ...U, ...query })]);
  expect(r.status, r.text).toBe(201);
}

async function statusOf(hdfsPath: string, user = 'alice'): Promise<Record<string, unknown> | undefined> {
  const r = await curl([nnUrl(peer.namenode, hdfsPath, { op: 'GETFILESTATUS', 'user.name': user })]);
  if (r.status === 404) return undefined;
  return json<{ FileStatus: Record<string, unknown> }>(r).FileStatus;
}

describe('CREATE and OPEN in two steps', () => {
  it('CREATE: 307 from the namenode with the datanode URL and its parameters, then 201 with an hdfs:// Location', async () => {
    const step1 = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/two step.txt', { op: 'CREATE', ...U, overwrite: 'false', permission: '0640', replication: 2 })]);
    expect(step1.status).toBe(307);
    expect(step1.headers['content-length']).toBe('0');
    const location = new URL(step1.headers.location!);
    expect(location.origin).toBe(peer.datanode);
    expect(location.pathname).toBe('/webhdfs/v1/data/two%20step.txt');
    expect(location.search).toBe('?op=CREATE&user.name=alice&namenoderpcaddress=ns1&createflag=&createparent=true&overwrite=false&permission=640&replication=2');
    // the namenode step creates nothing
    expect(await statusOf('/data/two step.txt')).toBeUndefined();

    await fs.writeFile(path.join(tmp, 'two.txt'), 'two steps');
    const step2 = await curl(['-X', 'PUT', '-T', path.join(tmp, 'two.txt'), step1.headers.location!]);
    expect(step2.status).toBe(201);
    expect(step2.headers.location).toBe('hdfs://ns1/data/two%20step.txt');
    expect(step2.headers['content-length']).toBe('0');
    expect(await statusOf('/data/two step.txt')).toMatchObject({ length: 9, permission: '640', replication: 2, owner: 'alice', type: 'FILE' });
  });

  it('OPEN: 307 to the datanode (offset and length passed on), which streams the bytes', async () => {
    await put('/data/open.txt', 'Hello, webhdfs user!\n');
    const step1 = await curl([nnUrl(peer.namenode, '/data/open.txt', { op: 'OPEN', ...U, offset: 7, length: 7 })]);
    expect(step1.status).toBe(307);
    const location = new URL(step1.headers.location!);
    expect(location.search).toBe('?op=OPEN&user.name=alice&namenoderpcaddress=ns1&length=7&offset=7');
    const step2 = await curl([step1.headers.location!]);
    expect(step2.status).toBe(200);
    expect(step2.headers['content-type']).toBe('application/octet-stream');
    expect(step2.headers['content-length']).toBe('7');
    expect(step2.text).toBe('webhdfs');

    const followed = await curl(['-L', nnUrl(peer.namenode, '/data/open.txt', { op: 'OPEN', ...U })]);
    expect(followed.chain.map((c) => c.status)).toEqual([307, 200]);
    expect(followed.text).toBe('Hello, webhdfs user!\n');
    const tail = await curl(['-L', nnUrl(peer.namenode, '/data/open.txt', { op: 'OPEN', ...U, offset: 15 })]);
    expect(tail.text).toBe('user!\n');
    const long = await curl(['-L', nnUrl(peer.namenode, '/data/open.txt', { op: 'OPEN', ...U, offset: 20, length: 100 })]);
    expect(long.text).toBe('\n');
  });

  it('OPEN at or past the end is refused by the namenode (IOException, 403); an empty file opens at 0', async () => {
    await put('/data/short.txt', '12345');
    for (const offset of [5, 6]) {
      const r = await curl([nnUrl(peer.namenode, '/data/short.txt', { op: 'OPEN', ...U, offset })]);
      expect(r.status).toBe(403);
      expect(remote(r)).toEqual({ exception: 'IOException', javaClassName: 'java.io.IOException', message: `Offset=${offset} out of the range [0, 5); OPEN, path=/data/short.txt` });
    }
    const negative = await curl([nnUrl(peer.namenode, '/data/short.txt', { op: 'OPEN', ...U, offset: -1 })]);
    expect(negative.status).toBe(400);
    expect(remote(negative).message).toBe('Invalid value for webhdfs parameter "offset": Invalid parameter range: offset = -1 < 0');

    // Straight to the datanode past the end: DFSInputStream.seek's EOFException.
    const direct = await curl([`${peer.datanode}/webhdfs/v1/data/short.txt?op=OPEN&user.name=alice&namenoderpcaddress=ns1&offset=6`]);
    expect(direct.status).toBe(403);
    expect(remote(direct)).toMatchObject({ exception: 'EOFException', message: 'Cannot seek after EOF' });
    const atEnd = await curl([`${peer.datanode}/webhdfs/v1/data/short.txt?op=OPEN&user.name=alice&namenoderpcaddress=ns1&offset=5`]);
    expect([atEnd.status, atEnd.headers['content-length'], atEnd.text]).toEqual([200, '0', '']);

    await put('/data/empty.txt', '');
    const empty = await curl(['-L', nnUrl(peer.namenode, '/data/empty.txt', { op: 'OPEN', ...U })]);
    expect([empty.status, empty.text]).toEqual([200, '']);
  });

  it('noredirect=true answers 200 {"Location": ...} for CREATE, OPEN and APPEND', async () => {
    const create = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/nr.txt', { op: 'CREATE', ...U, noredirect: 'true' })]);
    expect(create.status).toBe(200);
    expect(create.headers['content-type']).toBe('application/json');
    const loc = json<{ Location: string }>(create).Location;
    expect(loc.startsWith(`${peer.datanode}/webhdfs/v1/data/nr.txt?op=CREATE&user.name=alice&namenoderpcaddress=ns1`)).toBe(true);
    await fs.writeFile(path.join(tmp, 'nr.txt'), 'no redirect');
    expect((await curl(['-X', 'PUT', '-T', path.join(tmp, 'nr.txt'), loc])).status).toBe(201);

    const append = await curl(['-X', 'POST', nnUrl(peer.namenode, '/data/nr.txt', { op: 'APPEND', ...U, noredirect: 'true' })]);
    expect(append.status).toBe(200);
    await fs.writeFile(path.join(tmp, 'more.txt'), '!!');
    const appended = await curl(['-X', 'POST', '-T', path.join(tmp, 'more.txt'), json<{ Location: string }>(append).Location]);
    expect([appended.status, appended.headers['content-length']]).toEqual([200, '0']);

    const open = await curl([nnUrl(peer.namenode, '/data/nr.txt', { op: 'OPEN', ...U, noredirect: 'true' })]);
    expect(open.status).toBe(200);
    expect((await curl([json<{ Location: string }>(open).Location])).text).toBe('no redirect!!');
  });

  it('a body sent to the namenode is not written, and shows in the request log', async () => {
    await fs.writeFile(path.join(tmp, 'body.txt'), 'data the namenode must not keep');
    // No -L: curl sends the body with the first request, as a careless client would.
    const r = await curl(['-X', 'PUT', '-H', 'Expect:', '--data-binary', `@${path.join(tmp, 'body.txt')}`, nnUrl(peer.namenode, '/data/sent-to-nn.txt', { op: 'CREATE', ...U })]);
    expect(r.status).toBe(307);
    expect(await statusOf('/data/sent-to-nn.txt')).toBeUndefined();
    // the namenode answered at once; the body is counted as it drains
    await vi.waitFor(() => expect(peer.requests().find((x) => x.path === '/data/sent-to-nn.txt')!.bodyBytes).toBe(31));
    const logged = peer.requests().filter((x) => x.path === '/data/sent-to-nn.txt' && x.method === 'PUT');
    expect(logged).toEqual([{ server: 'namenode', index: 0, method: 'PUT', path: '/data/sent-to-nn.txt', query: { op: 'CREATE', 'user.name': 'alice' }, status: 307, bodyBytes: 31 }]);
  });

  it('CREATE with overwrite=false on an existing file: FileAlreadyExistsException from the datanode', async () => {
    await put('/data/exists.txt', 'v1');
    await fs.writeFile(path.join(tmp, 'v2.txt'), 'v2');
    const r = await curl(['-L', '-X', 'PUT', '-T', path.join(tmp, 'v2.txt'), nnUrl(peer.namenode, '/data/exists.txt', { op: 'CREATE', ...U, overwrite: 'false' })]);
    expect(r.chain.map((c) => c.status)).toEqual([307, 403]);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(remote(r)).toEqual({
      exception: 'FileAlreadyExistsException',
      javaClassName: 'org.apache.hadoop.fs.FileAlreadyExistsException',
      message: '/data/exists.txt for client 127.0.0.1 already exists',
    });
    expect((await curl(['-L', nnUrl(peer.namenode, '/data/exists.txt', { op: 'OPEN', ...U })])).text).toBe('v1');
    // overwrite=true replaces it
    await put('/data/exists.txt', 'v3', { overwrite: 'true' });
    expect((await curl(['-L', nnUrl(peer.namenode, '/data/exists.txt', { op: 'OPEN', ...U })])).text).toBe('v3');
    // a directory can never be overwritten by a file
    await peer.mkdirs('/data/adir');
    const dir = await curl(['-L', '-X', 'PUT', '-T', path.join(tmp, 'v2.txt'), nnUrl(peer.namenode, '/data/adir', { op: 'CREATE', ...U, overwrite: 'true' })]);
    expect(remote(dir)).toMatchObject({ exception: 'FileAlreadyExistsException', message: '/data/adir already exists as a directory' });
  });

  it('CREATE makes missing parents unless createparent=false, and refuses a file as a parent', async () => {
    await put('/data/deep/er/file.txt', 'x');
    expect(await statusOf('/data/deep/er')).toMatchObject({ type: 'DIRECTORY', owner: 'alice', permission: '755' });
    await fs.writeFile(path.join(tmp, 'x.txt'), 'x');
    const noParent = await curl(['-L', '-X', 'PUT', '-T', path.join(tmp, 'x.txt'), nnUrl(peer.namenode, '/data/nope/file.txt', { op: 'CREATE', ...U, createparent: 'false' })]);
    expect(noParent.status).toBe(404);
    expect(remote(noParent)).toMatchObject({ exception: 'FileNotFoundException', message: "Parent directory doesn't exist: /data/nope" });
    const underFile = await curl(['-L', '-X', 'PUT', '-T', path.join(tmp, 'x.txt'), nnUrl(peer.namenode, '/data/deep/er/file.txt/child', { op: 'CREATE', ...U })]);
    expect(underFile.status).toBe(403);
    expect(remote(underFile)).toEqual({
      exception: 'ParentNotDirectoryException',
      javaClassName: 'org.apache.hadoop.fs.ParentNotDirectoryException',
      message: '/data/deep/er/file.txt (is not a directory)',
    });
    // reading "through" a file is an AccessControlException, as HDFS resolves non-creating paths
    const stat = await curl([nnUrl(peer.namenode, '/data/deep/er/file.txt/child', { op: 'GETFILESTATUS', ...U })]);
    expect(remote(stat)).toMatchObject({ exception: 'AccessControlException', message: '/data/deep/er/file.txt (is not a directory)' });
    // MKDIRS on a file
    const mk = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/deep/er/file.txt', { op: 'MKDIRS', ...U })]);
    expect(remote(mk)).toMatchObject({ exception: 'FileAlreadyExistsException', message: 'Path is not a directory: /data/deep/er/file.txt' });
  });
});

describe('errors', () => {
  it('answers RemoteException JSON with the documented statuses', async () => {
    const notFound = await curl([nnUrl(peer.namenode, '/data/none', { op: 'GETFILESTATUS', ...U })]);
    expect(notFound.status).toBe(404);
    expect(notFound.headers['content-type']).toBe('application/json');
    expect(json(notFound)).toEqual({ RemoteException: { exception: 'FileNotFoundException', javaClassName: 'java.io.FileNotFoundException', message: 'File does not exist: /data/none' } });

    const badOp = await curl([nnUrl(peer.namenode, '/data', { op: 'FROBNICATE', ...U })]);
    expect(badOp.status).toBe(400);
    expect(remote(badOp)).toEqual({
      exception: 'IllegalArgumentException',
      javaClassName: 'java.lang.IllegalArgumentException',
      message: 'Invalid value for webhdfs parameter "op": No enum constant org.apache.hadoop.hdfs.web.resources.GetOpParam.Op.FROBNICATE',
    });
    // a PUT op sent as GET is just as unknown
    expect(remote(await curl([nnUrl(peer.namenode, '/data', { op: 'MKDIRS', ...U })])).message).toContain('GetOpParam.Op.MKDIRS');

    const noOp = await curl([`${peer.namenode}/webhdfs/v1/data?user.name=alice`]);
    expect(noOp.status).toBe(400);
    expect(remote(noOp)).toEqual({ exception: 'UnsupportedOperationException', javaClassName: 'java.lang.UnsupportedOperationException', message: 'op=NULL is not supported' });
    const unsupported = await curl([nnUrl(peer.namenode, '/data', { op: 'GETXATTRS', ...U })]);
    expect([unsupported.status, remote(unsupported).exception]).toEqual([400, 'UnsupportedOperationException']);

    const badPermission = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/p', { op: 'MKDIRS', ...U, permission: '999' })]);
    expect(badPermission.status).toBe(400);
    expect(remote(badPermission).message).toBe('Invalid value for webhdfs parameter "permission": Failed to parse "999" as a radix-8 short integer.');
    const tooBig = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/p', { op: 'MKDIRS', ...U, permission: '2000' })]);
    expect(remote(tooBig).message).toBe('Invalid value for webhdfs parameter "permission": Invalid parameter range: permission = 2000 > 1777');
    const badBool = await curl(['-X', 'DELETE', nnUrl(peer.namenode, '/data/p', { op: 'DELETE', ...U, recursive: 'yes' })]);
    expect([badBool.status, remote(badBool).message]).toEqual([400, 'Invalid value for webhdfs parameter "recursive": Failed to parse "yes" to Boolean.']);
    const badUser = await curl([nnUrl(peer.namenode, '/data', { op: 'GETFILESTATUS', 'user.name': '1bad' })]);
    expect(badUser.status).toBe(400);
    expect(remote(badUser).message).toBe('Invalid value for webhdfs parameter "user.name": Invalid value: "1bad" does not belong to the domain ^[A-Za-z_][A-Za-z0-9._-]*[$]?$');

    const noDest = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/x', { op: 'RENAME', ...U })]);
    expect([noDest.status, remote(noDest).message]).toEqual([400, 'Required param destination for op: RENAME is null or empty']);
    const relDest = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/x', { op: 'RENAME', ...U, destination: 'rel' })]);
    expect(remote(relDest).message).toBe('Invalid value for webhdfs parameter "destination": Invalid parameter value: destination = "rel" is not an absolute path.');

    const colon = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/a:b', { op: 'MKDIRS', ...U })]);
    expect([colon.status, remote(colon).exception, remote(colon).javaClassName]).toEqual([400, 'InvalidPathException', 'org.apache.hadoop.fs.InvalidPathException']);

    const smallBlock = await curl(['-L', '-X', 'PUT', '-T', '/dev/null', nnUrl(peer.namenode, '/data/small-block', { op: 'CREATE', ...U, blocksize: 1024 })]);
    expect([smallBlock.status, remote(smallBlock).message]).toEqual([
      403,
      'Specified block size is less than configured minimum value (dfs.namenode.fs-limits.min-block-size): 1024 < 1048576',
    ]);

    // the datanode's own parameter errors are not wrapped by Jersey
    const dnBad = await curl([`${peer.datanode}/webhdfs/v1/data/open.txt?op=OPEN&namenoderpcaddress=ns1&offset=abc`]);
    expect([dnBad.status, remote(dnBad).message]).toEqual([400, 'Failed to parse "abc" as a radix-10 long integer.']);
    const dnNoNn = await curl([`${peer.datanode}/webhdfs/v1/data/open.txt?op=OPEN`]);
    expect([dnNoNn.status, remote(dnNoNn).message]).toEqual([400, 'namenoderpcaddress is not specified.']);
    const dnOp = await curl([`${peer.datanode}/webhdfs/v1/data?op=LISTSTATUS&namenoderpcaddress=ns1`]);
    expect([dnOp.status, remote(dnOp).message]).toEqual([400, 'Invalid operation LISTSTATUS']);
  });
});

describe('listing', () => {
  it('LISTSTATUS_BATCH pages with startAfter and remainingEntries (batch size 3 here)', async () => {
    await peer.mkdirs('/data/many', { owner: 'alice' });
    const names = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'];
    for (const n of names) await put(`/data/many/${n}`, n);
    type Batch = { DirectoryListing: { partialListing: { FileStatuses: { FileStatus: Array<{ pathSuffix: string; type: string }> } }; remainingEntries: number } };
    const seen: string[] = [];
    const remaining: number[] = [];
    let startAfter: string | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await curl([nnUrl(peer.namenode, '/data/many', { op: 'LISTSTATUS_BATCH', ...U, ...(startAfter ? { startAfter } : {}) })]);
      expect(r.status).toBe(200);
      const batch = json<Batch>(r).DirectoryListing;
      const page = batch.partialListing.FileStatuses.FileStatus;
      seen.push(...page.map((s) => s.pathSuffix));
      remaining.push(batch.remainingEntries);
      if (batch.remainingEntries === 0) break;
      startAfter = page[page.length - 1]!.pathSuffix;
    }
    expect(seen).toEqual(names);
    expect(remaining).toEqual([4, 1, 0]);
    // startAfter need not be an existing name
    const mid = json<Batch>(await curl([nnUrl(peer.namenode, '/data/many', { op: 'LISTSTATUS_BATCH', ...U, startAfter: 'f4x' })]));
    expect(mid.DirectoryListing.partialListing.FileStatuses.FileStatus.map((s) => s.pathSuffix)).toEqual(['f5', 'f6', 'f7']);
    // LISTSTATUS returns everything at once
    const all = json<{ FileStatuses: { FileStatus: unknown[] } }>(await curl([nnUrl(peer.namenode, '/data/many', { op: 'LISTSTATUS', ...U })]));
    expect(all.FileStatuses.FileStatus).toHaveLength(7);
    // a file lists as itself, with an empty pathSuffix
    const file = json<{ FileStatuses: { FileStatus: Array<{ pathSuffix: string; length: number }> } }>(await curl([nnUrl(peer.namenode, '/data/many/f1', { op: 'LISTSTATUS', ...U })]));
    expect(file.FileStatuses.FileStatus).toEqual([expect.objectContaining({ pathSuffix: '', length: 2 })]);
    const missing = await curl([nnUrl(peer.namenode, '/data/none', { op: 'LISTSTATUS_BATCH', ...U })]);
    expect([missing.status, remote(missing).message]).toEqual([404, 'File /data/none does not exist.']);
  });

  it('GETCONTENTSUMMARY, GETHOMEDIRECTORY and GETFILECHECKSUM', async () => {
    const cs = json<{ ContentSummary: Record<string, unknown> }>(await curl([nnUrl(peer.namenode, '/data/many', { op: 'GETCONTENTSUMMARY', ...U })]));
    expect(cs.ContentSummary).toEqual({ directoryCount: 1, ecPolicy: '', fileCount: 7, length: 14, quota: -1, spaceConsumed: 42, spaceQuota: -1, typeQuota: {} });
    expect(json(await curl([nnUrl(peer.namenode, '/', { op: 'GETHOMEDIRECTORY', ...U })]))).toEqual({ Path: '/user/alice' });
    expect(json(await curl([`${peer.namenode}/webhdfs/v1/?op=GETHOMEDIRECTORY`]))).toEqual({ Path: '/user/dr.who' });

    const step1 = await curl([nnUrl(peer.namenode, '/data/many/f1', { op: 'GETFILECHECKSUM', ...U })]);
    expect(step1.status).toBe(307);
    expect(new URL(step1.headers.location!).search).toBe('?op=GETFILECHECKSUM&user.name=alice&namenoderpcaddress=ns1');
    const sum = json<{ FileChecksum: { algorithm: string; bytes: string; length: number } }>(await curl([step1.headers.location!]));
    expect(sum.FileChecksum.algorithm).toBe('MD5-of-0MD5-of-512CRC32C');
    expect(sum.FileChecksum.length).toBe(28);
    expect(sum.FileChecksum.bytes).toMatch(/^000002000000000000000000[0-9a-f]{32}$/);
  });
});

describe('RENAME and DELETE', () => {
  it('RENAME follows HDFS: false for a missing source, an existing file or a missing parent; into an existing directory', async () => {
    await put('/data/r/src.txt', 'src');
    await put('/data/r/other.txt', 'other');
    await peer.mkdirs('/data/r/into', { owner: 'alice' });
    const rename = async (src: string, destination: string): Promise<unknown> =>
      json(await curl(['-X', 'PUT', nnUrl(peer.namenode, src, { op: 'RENAME', ...U, destination })]));

    expect(await rename('/data/r/missing.txt', '/data/r/x.txt')).toEqual({ boolean: false });
    expect(await rename('/data/r/src.txt', '/data/r/other.txt')).toEqual({ boolean: false });
    expect(await rename('/data/r/src.txt', '/data/r/no-such-dir/x.txt')).toEqual({ boolean: false });
    expect(await rename('/data/r', '/data/r/into/r')).toEqual({ boolean: false }); // under itself
    expect(await rename('/data/r/src.txt', '/data/r/src.txt')).toEqual({ boolean: true });

    expect(await rename('/data/r/src.txt', '/data/r/into')).toEqual({ boolean: true });
    expect(await statusOf('/data/r/src.txt')).toBeUndefined();
    expect((await curl(['-L', nnUrl(peer.namenode, '/data/r/into/src.txt', { op: 'OPEN', ...U })])).text).toBe('src');
    // moving into a directory that already holds that name fails
    await put('/data/r/src.txt', 'again');
    expect(await rename('/data/r/src.txt', '/data/r/into')).toEqual({ boolean: false });
    // a plain rename to a free name, and a directory rename carrying its children
    expect(await rename('/data/r/other.txt', '/data/r/renamed.txt')).toEqual({ boolean: true });
    expect(await rename('/data/r/into', '/data/r/moved')).toEqual({ boolean: true });
    expect(await statusOf('/data/r/moved/src.txt')).toMatchObject({ length: 3 });
  });

  it('DELETE: false for a missing path, PathIsNotEmptyDirectoryException without recursive=true', async () => {
    await put('/data/d/sub/file.txt', 'x');
    const del = async (p: string, recursive?: boolean) =>
      curl(['-X', 'DELETE', nnUrl(peer.namenode, p, { op: 'DELETE', ...U, ...(recursive === undefined ? {} : { recursive }) })]);
    expect(json(await del('/data/d/missing'))).toEqual({ boolean: false });
    const refused = await del('/data/d');
    expect(refused.status).toBe(403);
    expect(json(refused)).toEqual({
      RemoteException: { exception: 'PathIsNotEmptyDirectoryException', javaClassName: 'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException', message: '/data/d is non empty' },
    });
    expect(json(await del('/data/d', false))).toMatchObject({ RemoteException: { exception: 'PathIsNotEmptyDirectoryException' } });
    expect(json(await del('/data/d/sub/file.txt'))).toEqual({ boolean: true });
    expect(json(await del('/data/d/sub'))).toEqual({ boolean: true }); // empty now
    await put('/data/d/sub/file.txt', 'x');
    expect(json(await del('/data/d', true))).toEqual({ boolean: true });
    expect(await statusOf('/data/d')).toBeUndefined();
    expect(json(await curl(['-X', 'DELETE', nnUrl(peer.namenode, '/', { op: 'DELETE', 'user.name': 'hdfs', recursive: true })]))).toEqual({ boolean: false });
  });

  it('SETTIMES (-1 leaves a time), SETPERMISSION, SETREPLICATION', async () => {
    await put('/data/t.txt', 't');
    const before = (await statusOf('/data/t.txt'))!;
    const r = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/t.txt', { op: 'SETTIMES', ...U, modificationtime: 1000000, accesstime: -1 })]);
    expect([r.status, r.headers['content-length']]).toEqual([200, '0']);
    expect(await statusOf('/data/t.txt')).toMatchObject({ modificationTime: 1000000, accessTime: before.accessTime });
    await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/t.txt', { op: 'SETTIMES', ...U, accesstime: 2000000 })]);
    expect(await statusOf('/data/t.txt')).toMatchObject({ modificationTime: 1000000, accessTime: 2000000 });
    await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/t.txt', { op: 'SETPERMISSION', ...U, permission: '1777' })]);
    expect((await statusOf('/data/t.txt'))!.permission).toBe('1777');
    expect(json(await curl(['-X', 'PUT', nnUrl(peer.namenode, '/data/t.txt', { op: 'SETREPLICATION', ...U, replication: 1 })]))).toEqual({ boolean: true });
    expect((await statusOf('/data/t.txt'))!.replication).toBe(1);
  });

  it('round-trips names with spaces, unicode, %, #, ? and + through curl', async () => {
    const name = 'ünï cødé 100% #1 ?q=+plus';
    await put(`/data/${name}`, 'weird');
    const listing = json<{ FileStatuses: { FileStatus: Array<{ pathSuffix: string }> } }>(await curl([nnUrl(peer.namenode, '/data', { op: 'LISTSTATUS', ...U })]));
    expect(listing.FileStatuses.FileStatus.map((s) => s.pathSuffix)).toContain(name);
    const step1 = await curl([nnUrl(peer.namenode, `/data/${name}`, { op: 'OPEN', ...U })]);
    expect(new URL(step1.headers.location!).pathname).toBe('/webhdfs/v1/data/%C3%BCn%C3%AF%20c%C3%B8d%C3%A9%20100%25%20%231%20%3Fq=+plus');
    expect((await curl([step1.headers.location!])).text).toBe('weird');
    // RENAME's destination is a query parameter: '+' must be sent as %2B (URLSearchParams does)
    expect(json(await curl(['-X', 'PUT', nnUrl(peer.namenode, `/data/${name}`, { op: 'RENAME', ...U, destination: `/data/${name} 2` })]))).toEqual({ boolean: true });
    expect(await statusOf(`/data/${name} 2`)).toMatchObject({ length: 5 });
  });
});
