/**
 * Who may do what: HDFS permission checks (traverse, parent, path, sticky bit, owner), the default
 * web user, the superuser, groups, delegation tokens, and the standby namenode / failover.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHdfsPeer, type WebHdfsPeer } from '../src/index.js';
import { call, callError, client, curl, json, nnUrl, remote } from './helpers.js';

let peer: WebHdfsPeer;
let tmp: string;

beforeAll(async () => {
  peer = await startWebHdfsPeer({ groups: { carol: ['analysts'] } });
  await peer.mkdirs('/user/alice', { owner: 'alice', permission: '755' });
  await peer.mkdirs('/user/alice/private', { owner: 'alice', permission: '700' });
  await peer.mkdirs('/shared', { owner: 'alice', group: 'analysts', permission: '770' });
  await peer.mkdirs('/tmp', { permission: '1777' });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'peer-webhdfs-sec-'));
  await fs.writeFile(path.join(tmp, 'x.txt'), 'x');
});
afterAll(async () => {
  await peer.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

function as(user: string | undefined, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return user === undefined ? extra : { 'user.name': user, ...extra };
}

async function create(hdfsPath: string, user: string | undefined, extra: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof curl>>> {
  return curl(['-L', '-X', 'PUT', '-T', path.join(tmp, 'x.txt'), nnUrl(peer.namenode, hdfsPath, { op: 'CREATE', ...as(user), ...extra })]);
}

describe('permissions', () => {
  it('denies another user write access to the parent, as HDFS words it', async () => {
    const mk = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/bobs', { op: 'MKDIRS', ...as('bob') })]);
    expect(mk.status).toBe(403);
    expect(json(mk)).toEqual({
      RemoteException: {
        exception: 'AccessControlException',
        javaClassName: 'org.apache.hadoop.security.AccessControlException',
        message: 'Permission denied: user=bob, access=WRITE, inode="/user/alice":alice:supergroup:drwxr-xr-x',
      },
    });
    const put = await create('/user/alice/bobs.txt', 'bob');
    expect(put.chain.map((c) => c.status)).toEqual([307, 403]); // the namenode redirects; the datanode's create() is refused
    expect(remote(put).message).toBe('Permission denied: user=bob, access=WRITE, inode="/user/alice":alice:supergroup:drwxr-xr-x');
    const del = await curl(['-X', 'DELETE', nnUrl(peer.namenode, '/user/alice/private', { op: 'DELETE', ...as('bob') })]);
    expect(remote(del).message).toBe('Permission denied: user=bob, access=WRITE, inode="/user/alice":alice:supergroup:drwxr-xr-x');
    const ren = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/private', { op: 'RENAME', ...as('bob'), destination: '/tmp/stolen' })]);
    expect([ren.status, remote(ren).exception]).toEqual([403, 'AccessControlException']);
  });

  it('checks execute on every ancestor and read on listed directories', async () => {
    expect((await create('/user/alice/private/f.txt', 'alice')).status).toBe(201);
    const stat = await curl([nnUrl(peer.namenode, '/user/alice/private/f.txt', { op: 'GETFILESTATUS', ...as('bob') })]);
    expect(stat.status).toBe(403);
    expect(remote(stat).message).toBe('Permission denied: user=bob, access=EXECUTE, inode="/user/alice/private":alice:supergroup:drwx------');
    const list = await curl([nnUrl(peer.namenode, '/user/alice/private', { op: 'LISTSTATUS', ...as('bob') })]);
    expect(remote(list).message).toBe('Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/private":alice:supergroup:drwx------');
    const open = await curl(['-L', nnUrl(peer.namenode, '/user/alice/private/f.txt', { op: 'OPEN', ...as('bob') })]);
    expect([open.status, remote(open).exception]).toEqual([403, 'AccessControlException']);
    // the owner and the superuser get through
    expect((await curl([nnUrl(peer.namenode, '/user/alice/private', { op: 'LISTSTATUS', ...as('alice') })])).status).toBe(200);
    expect((await curl(['-L', nnUrl(peer.namenode, '/user/alice/private/f.txt', { op: 'OPEN', ...as('hdfs') })])).text).toBe('x');
  });

  it('treats a request without user.name as dr.who', async () => {
    const mk = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/anon', { op: 'MKDIRS' })]);
    expect(remote(mk).message).toBe('Permission denied: user=dr.who, access=WRITE, inode="/user/alice":alice:supergroup:drwxr-xr-x');
    expect((await curl([nnUrl(peer.namenode, '/user/alice', { op: 'GETFILESTATUS' })])).status).toBe(200);
    const made = await create('/tmp/anon.txt', undefined);
    expect(made.status).toBe(201);
    const status = json<{ FileStatus: { owner: string; group: string; permission: string } }>(await curl([nnUrl(peer.namenode, '/tmp/anon.txt', { op: 'GETFILESTATUS' })]));
    expect(status.FileStatus).toMatchObject({ owner: 'dr.who', group: 'supergroup', permission: '644' });
    // the redirect carries no user.name, so the datanode also falls back to dr.who
    const step1 = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/tmp/anon2.txt', { op: 'CREATE' })]);
    expect(new URL(step1.headers.location!).searchParams.has('user.name')).toBe(false);
  });

  it('applies group permissions from the group mapping, and inherits the parent group', async () => {
    expect((await create('/shared/by-carol.txt', 'carol')).status).toBe(201);
    const st = json<{ FileStatus: { owner: string; group: string } }>(await curl([nnUrl(peer.namenode, '/shared/by-carol.txt', { op: 'GETFILESTATUS', ...as('carol') })]));
    expect(st.FileStatus).toMatchObject({ owner: 'carol', group: 'analysts' });
    const bob = await create('/shared/by-bob.txt', 'bob');
    expect(remote(bob).message).toBe('Permission denied: user=bob, access=EXECUTE, inode="/shared":alice:analysts:drwxrwx---');
  });

  it('honours the sticky bit on delete and rename', async () => {
    expect((await create('/tmp/alices.txt', 'alice')).status).toBe(201);
    const del = await curl(['-X', 'DELETE', nnUrl(peer.namenode, '/tmp/alices.txt', { op: 'DELETE', ...as('bob') })]);
    expect(del.status).toBe(403);
    expect(remote(del).message).toBe(
      'Permission denied by sticky bit: user=bob, path="/tmp/alices.txt":alice:supergroup:-rw-r--r--, parent="/tmp":hdfs:supergroup:drwxrwxrwt',
    );
    const ren = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/tmp/alices.txt', { op: 'RENAME', ...as('bob'), destination: '/tmp/bobs.txt' })]);
    expect(remote(ren).message).toContain('Permission denied by sticky bit: user=bob');
    expect(json(await curl(['-X', 'DELETE', nnUrl(peer.namenode, '/tmp/alices.txt', { op: 'DELETE', ...as('alice') })]))).toEqual({ boolean: true });
  });

  it('lets only the owner change the mode, and only the superuser give a file away', async () => {
    expect((await create('/user/alice/owned.txt', 'alice')).status).toBe(201);
    const chmod = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/owned.txt', { op: 'SETPERMISSION', ...as('bob'), permission: '777' })]);
    expect([chmod.status, remote(chmod).message]).toEqual([403, 'Permission denied. user=bob is not the owner of inode=/user/alice/owned.txt']);
    const empty = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/owned.txt', { op: 'SETOWNER', ...as('alice') })]);
    expect([empty.status, remote(empty).message]).toEqual([400, 'Both owner and group are empty.']);
    const group = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/owned.txt', { op: 'SETOWNER', ...as('alice'), group: 'analysts' })]);
    expect(remote(group).message).toBe('User alice does not belong to analysts');
    const byHdfs = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/owned.txt', { op: 'SETOWNER', ...as('hdfs'), owner: 'carol', group: 'analysts' })]);
    expect([byHdfs.status, byHdfs.headers['content-length']]).toEqual([200, '0']);
    const st = json<{ FileStatus: { owner: string; group: string } }>(await curl([nnUrl(peer.namenode, '/user/alice/owned.txt', { op: 'GETFILESTATUS' })]));
    expect(st.FileStatus).toMatchObject({ owner: 'carol', group: 'analysts' });
  });

  it('creates with the requested permission and no umask, defaults 644 and 755', async () => {
    expect((await create('/user/alice/perm/a.txt', 'alice', { permission: '777' })).status).toBe(201);
    expect((await create('/user/alice/perm/b.txt', 'alice')).status).toBe(201);
    await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/perm/d1', { op: 'MKDIRS', ...as('alice') })]);
    await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/perm/p/d2', { op: 'MKDIRS', ...as('alice'), permission: '700' })]);
    const list = json<{ FileStatuses: { FileStatus: Array<{ pathSuffix: string; permission: string }> } }>(
      await curl([nnUrl(peer.namenode, '/user/alice/perm', { op: 'LISTSTATUS', ...as('alice') })]),
    );
    expect(Object.fromEntries(list.FileStatuses.FileStatus.map((s) => [s.pathSuffix, s.permission]))).toEqual({ 'a.txt': '777', 'b.txt': '644', d1: '755', p: '700' });
    const d2 = json<{ FileStatus: { permission: string } }>(await curl([nnUrl(peer.namenode, '/user/alice/perm/p/d2', { op: 'GETFILESTATUS', ...as('alice') })]));
    expect(d2.FileStatus.permission).toBe('700');
  });
});

describe('delegation tokens', () => {
  it('issues a token that authenticates as its owner, on the namenode and through the redirect', async () => {
    const got = await curl([nnUrl(peer.namenode, '/', { op: 'GETDELEGATIONTOKEN', ...as('alice') })]);
    expect(got.status).toBe(200);
    const token = json<{ Token: { urlString: string } }>(got).Token.urlString;
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);

    const mk = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/by-token', { op: 'MKDIRS', delegation: token })]);
    expect(json(mk)).toEqual({ boolean: true });
    const step1 = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/user/alice/by-token/f.txt', { op: 'CREATE', delegation: token })]);
    const location = new URL(step1.headers.location!);
    expect(location.searchParams.get('delegation')).toBe(token);
    expect(location.searchParams.has('user.name')).toBe(false);
    expect((await curl(['-X', 'PUT', '-T', path.join(tmp, 'x.txt'), step1.headers.location!])).status).toBe(201);
    const st = json<{ FileStatus: { owner: string } }>(await curl([nnUrl(peer.namenode, '/user/alice/by-token/f.txt', { op: 'GETFILESTATUS', delegation: token })]));
    expect(st.FileStatus.owner).toBe('alice');

    const mismatch = await curl([nnUrl(peer.namenode, '/', { op: 'GETFILESTATUS', delegation: token, 'user.name': 'bob' })]);
    expect([mismatch.status, remote(mismatch).exception, remote(mismatch).message]).toEqual([
      403,
      'SecurityException',
      'Failed to obtain user group information: java.io.IOException: Usernames not matched: name=bob != expected=alice',
    ]);
    const again = await curl([nnUrl(peer.namenode, '/', { op: 'GETDELEGATIONTOKEN', delegation: token })]);
    expect([again.status, remote(again).message]).toEqual([400, 'delegation parameter is not null.']);
  });

  it('refuses unknown and cancelled tokens (403 SecurityException / InvalidToken); renews for the renewer only', async () => {
    const bogus = await curl([nnUrl(peer.namenode, '/', { op: 'GETFILESTATUS', delegation: 'bm90LWEtdG9rZW4' })]);
    expect(bogus.status).toBe(403);
    expect(remote(bogus)).toMatchObject({ exception: 'SecurityException', javaClassName: 'java.lang.SecurityException' });
    expect(remote(bogus).message).toMatch(/^Failed to obtain user group information: org\.apache\.hadoop\.security\.token\.SecretManager\$InvalidToken: token .* can't be found in cache$/);
    const dn = await curl([`${peer.datanode}/webhdfs/v1/user/alice/owned.txt?op=OPEN&namenoderpcaddress=ns1&delegation=bm90LWEtdG9rZW4`]);
    expect([dn.status, remote(dn).exception]).toEqual([403, 'SecurityException']);

    const token = json<{ Token: { urlString: string } }>(await curl([nnUrl(peer.namenode, '/', { op: 'GETDELEGATIONTOKEN', ...as('alice'), renewer: 'alice' })])).Token.urlString;
    const before = Date.now();
    const renewed = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/', { op: 'RENEWDELEGATIONTOKEN', ...as('alice'), token })]);
    expect(renewed.status).toBe(200);
    expect(json<{ long: number }>(renewed).long).toBeGreaterThanOrEqual(before + 86_400_000);
    const byBob = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/', { op: 'RENEWDELEGATIONTOKEN', ...as('bob'), token })]);
    expect([byBob.status, remote(byBob).exception]).toEqual([403, 'AccessControlException']);
    const cancelByBob = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/', { op: 'CANCELDELEGATIONTOKEN', ...as('bob'), token })]);
    expect(remote(cancelByBob).message).toMatch(/^bob is not authorized to cancel the token/);
    const cancel = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/', { op: 'CANCELDELEGATIONTOKEN', ...as('alice'), token })]);
    expect([cancel.status, cancel.headers['content-length']]).toEqual([200, '0']);
    const used = await curl([nnUrl(peer.namenode, '/', { op: 'GETFILESTATUS', delegation: token })]);
    expect([used.status, remote(used).exception]).toEqual([403, 'SecurityException']);
    const renewCancelled = await curl(['-X', 'PUT', nnUrl(peer.namenode, '/', { op: 'RENEWDELEGATIONTOKEN', ...as('alice'), token })]);
    expect(remote(renewCancelled)).toMatchObject({ exception: 'InvalidToken', javaClassName: 'org.apache.hadoop.security.token.SecretManager$InvalidToken' });
  });
});

describe('high availability', () => {
  it('the standby answers every operation with 403 StandbyException until failover', async () => {
    const [nn0, nn1] = peer.namenodes as [string, string];
    expect(peer.namenode).toBe(nn0);
    const read = await curl([nnUrl(nn1, '/user/alice', { op: 'GETFILESTATUS', ...as('alice') })]);
    expect(read.status).toBe(403);
    expect(json(read)).toEqual({
      RemoteException: { exception: 'StandbyException', javaClassName: 'org.apache.hadoop.ipc.StandbyException', message: 'Operation category READ is not supported in state standby' },
    });
    const write = await curl(['-X', 'PUT', nnUrl(nn1, '/user/alice/ha', { op: 'MKDIRS', ...as('alice') })]);
    expect(remote(write).message).toBe('Operation category WRITE is not supported in state standby');
    expect(remote(await curl(['-X', 'PUT', nnUrl(nn1, '/user/alice/ha.txt', { op: 'CREATE', ...as('alice') })])).message).toBe(
      'Operation category WRITE is not supported in state standby',
    );
    expect(remote(await curl([nnUrl(nn1, '/user/alice/owned.txt', { op: 'OPEN', ...as('alice') })])).exception).toBe('StandbyException');
    expect(remote(await curl([nnUrl(nn1, '/', { op: 'GETDELEGATIONTOKEN', ...as('alice') })])).message).toBe(
      'Operation category WRITE is not supported in state standby',
    );
    // the npm client sees the message too
    expect((await callError((cb) => client(peer, 'alice', nn1).stat('/user/alice', cb))).message).toBe(
      'Operation category READ is not supported in state standby',
    );

    // A CREATE redirected by nn0 before the failover still completes: the datanode talks to the
    // nameservice, not to one namenode.
    const step1 = await curl(['-X', 'PUT', nnUrl(nn0, '/user/alice/across-failover.txt', { op: 'CREATE', ...as('alice') })]);
    peer.failover(1);
    try {
      expect((await curl(['-X', 'PUT', '-T', path.join(tmp, 'x.txt'), step1.headers.location!])).status).toBe(201);
      expect(remote(await curl([nnUrl(nn0, '/user/alice', { op: 'LISTSTATUS', ...as('alice') })])).message).toBe(
        'Operation category READ is not supported in state standby',
      );
      const listing = json<{ FileStatuses: { FileStatus: Array<{ pathSuffix: string }> } }>(await curl([nnUrl(nn1, '/user/alice', { op: 'LISTSTATUS', ...as('alice') })]));
      expect(listing.FileStatuses.FileStatus.map((s) => s.pathSuffix)).toContain('across-failover.txt');
      await call((cb) => client(peer, 'alice', nn1).writeFile('/user/alice/after-failover.txt', 'after', cb));
      expect((await curl(['-L', nnUrl(nn1, '/user/alice/after-failover.txt', { op: 'OPEN', ...as('alice') })])).text).toBe('after');
    } finally {
      peer.failover(0);
    }
    expect((await curl([nnUrl(nn0, '/user/alice/after-failover.txt', { op: 'GETFILESTATUS', ...as('alice') })])).status).toBe(200);
    expect(remote(await curl([nnUrl(nn1, '/user/alice', { op: 'GETFILESTATUS', ...as('alice') })])).exception).toBe('StandbyException');
    const onStandby = peer.requests().filter((r) => r.server === 'namenode' && r.index === 1 && r.status === 403);
    expect(onStandby.length).toBeGreaterThanOrEqual(7);
  });
});
