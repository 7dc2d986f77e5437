import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { patternBytes, readAll } from '@deepstore/conformance';
import { HttpFileSystem } from '@deepstore/fs-http';
import { startNginxPeer } from '@deepstore/peer-nginx';

const run = promisify(execFile);
const peer = await startNginxPeer();
const fs = new HttpFileSystem();
await fs.init({});
const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-http-'));
afterAll(async () => {
  await fs.close();
  await peer.stop();
  await rm(work, { recursive: true, force: true });
});

describe('fs-http against nginx: independent clients and server kinds', () => {
  it('curl reads byte-identical what deepstore wrote, over HTTP and HTTPS, and the reverse', async () => {
    const data = patternBytes(5 * 2 ** 20 + 3, 1);
    await fs.write(`${peer.httpUrl}/xcheck/from deepstore.bin`, data);
    await run('curl', ['-sSf', '-o', path.join(work, 'a.bin'), `${peer.httpUrl}/xcheck/from%20deepstore.bin`]);
    expect((await readFile(path.join(work, 'a.bin'))).equals(data)).toBe(true);
    await run('curl', ['-sSf', '--cacert', peer.caFile, '-o', path.join(work, 'b.bin'), `${peer.httpsUrl}/xcheck/from%20deepstore.bin`]);
    expect((await readFile(path.join(work, 'b.bin'))).equals(data)).toBe(true);
    const up = patternBytes(3 * 2 ** 20, 2);
    writeFileSync(path.join(work, 'up.bin'), up);
    await run('curl', ['-sSf', '-T', path.join(work, 'up.bin'), `${peer.httpUrl}/xcheck/by-curl.bin`]);
    expect((await readAll(await fs.openRead(`${peer.httpUrl}/xcheck/by-curl.bin`))).equals(up)).toBe(true);
  });

  it('reads from a plain (non-WebDAV) location with webdav=false, and refuses writes there clearly', async () => {
    mkdirSync(path.join(peer.root, 'ro'), { recursive: true });
    writeFileSync(path.join(peer.root, 'ro', 'seg.bin'), patternBytes(100_000, 3));
    const ro = new HttpFileSystem();
    await ro.init({ webdav: 'false' });
    expect(ro.capabilities.write).toBe(false);
    const meta = await ro.stat(`${peer.httpUrl}/ro/seg.bin`);
    expect(meta).toMatchObject({ isDirectory: false, length: 100_000 });
    expect((await readAll(await ro.openRead(`${peer.httpUrl}/ro/seg.bin`, { offset: 10, length: 20 }))).equals(patternBytes(100_000, 3).subarray(10, 30))).toBe(true);
    const err = await ro.write(`${peer.httpUrl}/ro/new.bin`, 'x').catch((e: unknown) => e as { kind?: string });
    expect(err?.kind).toBe('Unsupported');
    const put = await fs.write(`${peer.httpUrl}/ro/new.bin`, 'x').catch((e: unknown) => e as { kind?: string; message: string });
    expect(put?.kind).toBe('Unsupported');
    await ro.close();
  });

  it('follows redirects on reads', async () => {
    await fs.write(`${peer.httpUrl}/moved/target.txt`, 'after redirect');
    expect((await readAll(await fs.openRead(`${peer.httpUrl}/redirect/moved/target.txt`))).toString()).toBe('after redirect');
  });

  it('sends basic auth from settings, and a wrong password is PermissionDenied without leaking it', async () => {
    const authed = new HttpFileSystem();
    await authed.init({ username: peer.auth.user, password: peer.auth.password });
    await authed.write(`${peer.httpUrl}/private/secret.txt`, 'guarded');
    expect((await readAll(await authed.openRead(`${peer.httpUrl}/private/secret.txt`))).toString()).toBe('guarded');
    const wrong = new HttpFileSystem();
    await wrong.init({ username: peer.auth.user, password: 'not-the-password-42', maxAttempts: '1' });
    const err = await wrong.stat(`${peer.httpUrl}/private/secret.txt`).catch((e: unknown) => e as Error & { kind?: string });
    expect(err?.kind).toBe('PermissionDenied');
    expect(JSON.stringify({ m: err?.message, s: err?.stack })).not.toContain('not-the-password-42');
    const inUri = await fs.stat(`http://user:pa55word@127.0.0.1:1/x`).catch((e: unknown) => e as Error & { kind?: string });
    expect(inUri?.kind).toBe('InvalidInput');
    expect(inUri?.message).not.toContain('pa55word');
    await authed.close();
    await wrong.close();
  });

  it('refuses an untrusted certificate unless TLS verification is explicitly skipped', async () => {
    const strict = new HttpFileSystem();
    await strict.init({ maxAttempts: '1' });
    await expect(strict.stat(`${peer.httpsUrl}/xcheck`)).rejects.toThrow();
    const insecure = new HttpFileSystem();
    await insecure.init({ insecureSkipTlsVerify: 'true' });
    expect((await insecure.stat(`${peer.httpsUrl}/xcheck`)).isDirectory).toBe(true);
    await strict.close();
    await insecure.close();
  });
});
