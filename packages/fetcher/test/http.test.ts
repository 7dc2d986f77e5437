// The HTTP fetcher against a real nginx (HTTP, HTTPS with its CA, a Basic-auth location).
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '@deepstore/fault-proxy';
import { HttpSegmentFetcher, HttpStatusError, SegmentFetcherFactory } from '@deepstore/fetcher';
import { startNginxPeer } from '@deepstore/peer-nginx';
import { digestTree, listAll, makeSegmentDir, tarGz } from './helpers.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'fetcher-http-'));
const peer = await startNginxPeer();
// A proxy in front of nginx's plain HTTP port, only to count the requests nginx is sent.
const counter = await startFaultProxy({ target: peer.httpUrl });
const src = await makeSegmentDir(path.join(work, 'src'), 'orders_OFFLINE_0', 3 << 20);
const tarball = await tarGz(path.join(work, 'src'), 'orders_OFFLINE_0', path.join(work, 'orders.tar.gz'));
for (const dir of ['segs', 'private/segs']) {
  await mkdir(path.join(peer.root, dir), { recursive: true });
  await copyFile(tarball, path.join(peer.root, dir, 'orders.tar.gz'));
}
const basic = Buffer.from(`${peer.auth.user}:${peer.auth.password}`).toString('base64');
afterAll(async () => {
  await counter.stop();
  await peer.stop();
  await rm(work, { recursive: true, force: true });
});

async function factoryWith(config: Record<string, string>) {
  const f = new SegmentFetcherFactory();
  await f.init({ 'retry.wait.ms': '1', ...config });
  return f;
}
let n = 0;
const out = (name = 'x') => path.join(work, 'out', String(++n), name);
const gets = (p: string) => counter.log().filter((e) => e.method === 'GET' && e.path === p).length;

describe('HttpSegmentFetcher against nginx', () => {
  it('downloads over HTTP byte-identical, reporting progress with the size', async () => {
    const f = await factoryWith({});
    const dest = out('orders.tar.gz');
    const seen: { bytes: number; total?: number }[] = [];
    await f.fetchToLocal(`${peer.httpUrl}/segs/orders.tar.gz`, dest, { onProgress: (p) => seen.push(p) });
    expect(Buffer.compare(await readFile(dest), await readFile(tarball))).toBe(0);
    const size = (await readFile(tarball)).length;
    expect(seen.at(-1)).toEqual({ bytes: size, total: size });
    expect(await listAll(path.dirname(dest))).toEqual(['orders.tar.gz']); // no temporary left
    await f.close();
  });

  it('streams a download into extraction over HTTPS with the peer CA (ssl.server.ca-cert)', async () => {
    const f = await factoryWith({ 'ssl.server.ca-cert': peer.caFile });
    expect(f.getFetcher('https')).toBeInstanceOf(HttpSegmentFetcher);
    const dest = out('segments');
    const dir = await f.fetchUntarToLocal(`${peer.httpsUrl}/segs/orders.tar.gz`, dest);
    expect(dir).toBe(path.join(dest, 'orders_OFFLINE_0'));
    expect(await digestTree(dir)).toEqual(await digestTree(src));
    expect(await listAll(dest)).toEqual(await listAll(path.dirname(src)));
    await f.close();
  });

  it('refuses an untrusted certificate at once (not retried), unless verification is explicitly off', async () => {
    const f = await factoryWith({});
    let retries = 0;
    const err = await f.fetchToLocal(`${peer.httpsUrl}/segs/orders.tar.gz`, out(), { onRetry: () => void retries++ }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'PermissionDenied' });
    expect(String((err as Error).message)).toMatch(/not trusted.*ssl\.server\.ca-cert/);
    expect(retries).toBe(0);
    await f.close();
    const insecure = await factoryWith({ 'ssl.server.enable-verification': 'false' });
    await insecure.fetchToLocal(`${peer.httpsUrl}/segs/orders.tar.gz`, out());
    await insecure.close();
  });

  it('sends auth.token as Pinot does (Authorization: Basic <token>) to a protected location', async () => {
    const f = await factoryWith({ 'auth.token': basic });
    const dir = await f.fetchUntarToLocal(`${peer.httpUrl}/private/segs/orders.tar.gz`, out('d'));
    expect(await digestTree(dir)).toEqual(await digestTree(src));
    await f.close();
    // The token with its prefix already, and a protocol-level config that gets the global auth.* copied in.
    const g = await factoryWith({ protocols: 'http', 'http.retry.count': '2', 'auth.token': `Basic ${basic}` });
    await g.fetchToLocal(`${peer.httpUrl}/private/segs/orders.tar.gz`, out());
    await g.close();
  });

  it('fails at once on 401 without credentials (>= 300 and not 404/5xx is permanent)', async () => {
    const f = await factoryWith({ 'retry.count': '5' });
    const p = '/private/segs/orders.tar.gz';
    const before = gets(p);
    const err = await f.fetchToLocal(`${counter.url}${p}`, out()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(401);
    expect(gets(p) - before).toBe(1);
    await f.close();
  });

  it('retries 404 (retry.count attempts, as Pinot: the URI may be served by several hosts)', async () => {
    const f = await factoryWith({ 'retry.count': '4' });
    const p = '/segs/missing.tar.gz';
    const err = await f.fetchUntarToLocal(`${counter.url}${p}`, out('d')).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AttemptsExceededError', attempts: 4 });
    expect(String((err as Error).message)).toMatch(/HTTP 404/);
    expect(gets(p)).toBe(4);
    await f.close();
  });

  it('follows redirects, and never puts credentials in errors', async () => {
    const f = await factoryWith({ 'auth.token': 'TOPSECRET-TOKEN' });
    await f.fetchToLocal(`${peer.httpUrl}/redirect/segs/orders.tar.gz`, out());
    const e1 = await f.fetchToLocal(`${peer.httpUrl}/private/nothing?X-Amz-Signature=SIGSECRET&token=QSECRET`, out()).catch((e: unknown) => e);
    const e2 = await f.fetchToLocal(`http://user:PWSECRET@127.0.0.1:1/x.tar.gz`, out()).catch((e: unknown) => e);
    for (const e of [e1, e2]) {
      const text = `${String(e)} ${(e as Error).stack ?? ''} ${JSON.stringify(e)}`;
      expect(text).not.toMatch(/TOPSECRET|SIGSECRET|QSECRET|PWSECRET/);
    }
    expect(String(e2)).toMatch(/credentials inside the URL are refused/);
    await f.close();
  });
});
