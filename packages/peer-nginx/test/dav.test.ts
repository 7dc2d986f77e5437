import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginxPeer, type NginxPeer } from '../src/index.js';
import { curl, exists, parseMultistatus, randomFile, sha256 } from './helpers.js';

let peer: NginxPeer;
let big: Awaited<ReturnType<typeof randomFile>>;
const BIG = 20 * 1024 * 1024;

beforeAll(async () => {
  [peer, big] = await Promise.all([startNginxPeer(), randomFile(BIG)]);
});
afterAll(async () => {
  await peer?.stop();
  await big?.cleanup();
});

describe.each(['http', 'https'] as const)('WebDAV over %s with curl', (scheme) => {
  let base: string;
  /** curl with the scheme's trust settings; every path below lives under /<scheme>/ so the two runs do not collide. */
  const c = (args: string[]) => curl(scheme === 'https' ? ['--cacert', peer.caFile, ...args] : args);
  const u = (p: string) => `${base}/${scheme}${p}`;
  const onDisk = (p: string) => path.join(peer.root, scheme, p);

  beforeAll(() => {
    base = scheme === 'https' ? peer.httpsUrl : peer.httpUrl;
  });

  it('PUT of a 20 MiB file (full path created), then GET returns it byte-identical', async () => {
    const put = await c(['-T', big.file, u('/big/dir/file.bin')]);
    expect(put.exitCode).toBe(0);
    expect(put.status).toBe(201);
    expect((await fs.stat(onDisk('big/dir/file.bin'))).size).toBe(BIG);

    const get = await c([u('/big/dir/file.bin')]);
    expect(get.status).toBe(200);
    expect(get.body.length).toBe(BIG);
    expect(sha256(get.body)).toBe(sha256(big.data));

    const again = await c(['-T', big.file, u('/big/dir/file.bin')]);
    expect(again.status).toBe(204); // replacing an existing file
  });

  it('Range GET: explicit, open-ended, suffix and unsatisfiable ranges', async () => {
    const r1 = await c(['-H', 'Range: bytes=1000-1999', u('/big/dir/file.bin')]);
    expect(r1.status).toBe(206);
    expect(r1.headers['content-range']).toBe(`bytes 1000-1999/${BIG}`);
    expect(r1.body.equals(big.data.subarray(1000, 2000))).toBe(true);

    const r2 = await c(['-H', `Range: bytes=${BIG - 10}-`, u('/big/dir/file.bin')]);
    expect(r2.status).toBe(206);
    expect(r2.body.equals(big.data.subarray(BIG - 10))).toBe(true);

    const r3 = await c(['-H', 'Range: bytes=-5', u('/big/dir/file.bin')]);
    expect(r3.status).toBe(206);
    expect(r3.headers['content-range']).toBe(`bytes ${BIG - 5}-${BIG - 1}/${BIG}`);
    expect(r3.body.equals(big.data.subarray(BIG - 5))).toBe(true);

    const r4 = await c(['-H', `Range: bytes=${BIG}-`, u('/big/dir/file.bin')]);
    expect(r4.status).toBe(416);
    expect(r4.headers['content-range']).toBe(`bytes */${BIG}`);
  });

  it('HEAD: Content-Length, Last-Modified (= the file mtime) and ETag, no body', async () => {
    const head = await c(['-I', u('/big/dir/file.bin')]);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(BIG));
    expect(head.headers['accept-ranges']).toBe('bytes');
    // With -I curl writes the header block to -o: it is all there is (no 20 MiB body).
    expect(head.body.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
    expect(head.body.length).toBeLessThan(1024);
    const st = await fs.stat(onDisk('big/dir/file.bin'));
    expect(Date.parse(head.headers['last-modified']!)).toBe(Math.floor(st.mtimeMs / 1000) * 1000);
    // nginx's ETag: "<mtime hex>-<size hex>"
    expect(head.headers['etag']).toBe(`"${Math.floor(st.mtimeMs / 1000).toString(16)}-${BIG.toString(16)}"`);

    expect((await c(['-I', u('/big/dir/missing.bin')])).status).toBe(404);
  });

  it('MKCOL creates a collection (201); again on the existing one: 405; missing parent: 409', async () => {
    const mk = await c(['-X', 'MKCOL', u('/mk/')]);
    expect(mk.status).toBe(201);
    expect((await fs.stat(onDisk('mk'))).isDirectory()).toBe(true);
    expect((await c(['-X', 'MKCOL', u('/mk/')])).status).toBe(405);
    expect((await c(['-X', 'MKCOL', u('/mk/a/b/')])).status).toBe(409);
  });

  it('PROPFIND Depth: 1 lists the collection and its direct members', async () => {
    for (const [p, body] of [
      ['/pf/one.txt', '1'],
      ['/pf/two words.txt', '22'],
      ['/pf/sub/deep.txt', '333'],
    ] as const) {
      expect((await c(['-X', 'PUT', '--data-binary', body, u(encodeURI(p))])).status).toBe(201);
    }
    const res = await c(['-X', 'PROPFIND', '-H', 'Depth: 1', u('/pf/')]);
    expect(res.status).toBe(207);
    const xml = res.body.toString('utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8" \?>\n<D:multistatus xmlns:D="DAV:">/);
    const entries = parseMultistatus(xml).sort((a, b) => a.href.localeCompare(b.href));
    expect(entries.map(({ href, collection, length }) => ({ href, collection, length }))).toEqual([
      { href: `/${scheme}/pf/`, collection: true, length: undefined },
      { href: `/${scheme}/pf/one.txt`, collection: false, length: 1 },
      { href: `/${scheme}/pf/sub/`, collection: true, length: undefined },
      { href: `/${scheme}/pf/two%20words.txt`, collection: false, length: 2 },
    ]);
    for (const e of entries) expect(Number.isNaN(Date.parse(e.lastModified!))).toBe(false);

    const depth0 = await c(['-X', 'PROPFIND', '-H', 'Depth: 0', u('/pf/one.txt')]);
    expect(depth0.status).toBe(207);
    expect(parseMultistatus(depth0.body.toString('utf8'))).toHaveLength(1);
    expect((await c(['-X', 'PROPFIND', '-H', 'Depth: 1', u('/pf/nothing/')])).status).toBe(404);
  });

  it('COPY with Overwrite: F onto an existing target is 412 and changes nothing; Overwrite: T replaces it', async () => {
    await c(['-X', 'PUT', '--data-binary', 'source', u('/cp/src.txt')]);
    await c(['-X', 'PUT', '--data-binary', 'target', u('/cp/dst.txt')]);

    const refused = await c(['-X', 'COPY', '-H', `Destination: ${u('/cp/dst.txt')}`, '-H', 'Overwrite: F', u('/cp/src.txt')]);
    expect(refused.status).toBe(412);
    expect(await fs.readFile(onDisk('cp/dst.txt'), 'utf8')).toBe('target');

    const replaced = await c(['-X', 'COPY', '-H', `Destination: ${u('/cp/dst.txt')}`, '-H', 'Overwrite: T', u('/cp/src.txt')]);
    expect(replaced.status).toBe(204);
    expect((await c([u('/cp/dst.txt')])).body.toString()).toBe('source');
    expect(await fs.readFile(onDisk('cp/src.txt'), 'utf8')).toBe('source');

    const fresh = await c(['-X', 'COPY', '-H', `Destination: ${u('/cp/new.txt')}`, '-H', 'Overwrite: F', u('/cp/src.txt')]);
    expect(fresh.status).toBe(204); // nginx answers 204, not 201, for a file COPY to a new name
    expect(await fs.readFile(onDisk('cp/new.txt'), 'utf8')).toBe('source');
  });

  it('MOVE with Overwrite: F onto an existing target is 412; Overwrite: T replaces it and removes the source', async () => {
    await c(['-X', 'PUT', '--data-binary', 'moving', u('/mv/src.txt')]);
    await c(['-X', 'PUT', '--data-binary', 'staying', u('/mv/dst.txt')]);

    const refused = await c(['-X', 'MOVE', '-H', `Destination: ${u('/mv/dst.txt')}`, '-H', 'Overwrite: F', u('/mv/src.txt')]);
    expect(refused.status).toBe(412);
    expect(await fs.readFile(onDisk('mv/dst.txt'), 'utf8')).toBe('staying');
    expect(await exists(onDisk('mv/src.txt'))).toBe(true);

    const moved = await c(['-X', 'MOVE', '-H', `Destination: ${u('/mv/dst.txt')}`, '-H', 'Overwrite: T', u('/mv/src.txt')]);
    expect(moved.status).toBe(204);
    expect(await fs.readFile(onDisk('mv/dst.txt'), 'utf8')).toBe('moving');
    expect((await c([u('/mv/src.txt')])).status).toBe(404);

    // A collection MOVE answers 201.
    await c(['-X', 'PUT', '--data-binary', 'x', u('/mv/dir/x')]);
    const dir = await c(['-X', 'MOVE', '-H', `Destination: ${u('/mv/dir2/')}`, u('/mv/dir/')]);
    expect(dir.status).toBe(201);
    expect(await fs.readFile(onDisk('mv/dir2/x'), 'utf8')).toBe('x');
  });

  it('DELETE of a file (204, then 404) and of a missing path (404)', async () => {
    await c(['-X', 'PUT', '--data-binary', 'bye', u('/del/f.txt')]);
    expect((await c(['-X', 'DELETE', u('/del/f.txt')])).status).toBe(204);
    expect(await exists(onDisk('del/f.txt'))).toBe(false);
    expect((await c([u('/del/f.txt')])).status).toBe(404);
    expect((await c(['-X', 'DELETE', u('/del/f.txt')])).status).toBe(404);
  });

  it('/ro/ is plain static HTTP: GET works, PUT/DELETE/MKCOL/PROPFIND are 405 and touch nothing', async () => {
    await fs.mkdir(path.join(peer.root, 'ro', scheme), { recursive: true });
    await fs.writeFile(path.join(peer.root, 'ro', scheme, 'file.txt'), 'read only');
    const get = await c([`${base}/ro/${scheme}/file.txt`]);
    expect(get.status).toBe(200);
    expect(get.body.toString()).toBe('read only');

    expect((await c(['-X', 'PUT', '--data-binary', 'new', `${base}/ro/${scheme}/new.txt`])).status).toBe(405);
    expect((await c(['-X', 'PUT', '--data-binary', 'over', `${base}/ro/${scheme}/file.txt`])).status).toBe(405);
    expect((await c(['-X', 'DELETE', `${base}/ro/${scheme}/file.txt`])).status).toBe(405);
    expect((await c(['-X', 'MKCOL', `${base}/ro/${scheme}/d/`])).status).toBe(405);
    expect((await c(['-X', 'PROPFIND', '-H', 'Depth: 1', `${base}/ro/${scheme}/`])).status).toBe(405);
    expect(await exists(path.join(peer.root, 'ro', scheme, 'new.txt'))).toBe(false);
    expect(await fs.readFile(path.join(peer.root, 'ro', scheme, 'file.txt'), 'utf8')).toBe('read only');
  });

  it('/private/ is 401 (Basic challenge) without or with wrong credentials, 2xx with the right ones', async () => {
    const url = `${base}/private/${scheme}/secret.txt`;
    const anon = await c(['-X', 'PUT', '--data-binary', 'psst', url]);
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toBe('Basic realm="deepstore"');
    expect(await exists(path.join(peer.root, 'private', scheme, 'secret.txt'))).toBe(false);
    expect((await c(['-u', `${peer.auth.user}:wrong`, url])).status).toBe(401);

    const creds = `${peer.auth.user}:${peer.auth.password}`;
    expect((await c(['-u', creds, '-X', 'PUT', '--data-binary', 'psst', url])).status).toBe(201);
    const get = await c(['-u', creds, url]);
    expect(get.status).toBe(200);
    expect(get.body.toString()).toBe('psst');
    expect((await c(['-u', creds, '-X', 'PROPFIND', '-H', 'Depth: 1', `${base}/private/${scheme}/`])).status).toBe(207);
    expect((await c([url])).status).toBe(401);
  });

  it('/redirect/<p> answers 301 to /<p> (query kept); curl -L follows it', async () => {
    await c(['-X', 'PUT', '--data-binary', 'landed', u('/redir/target file.txt').replace(' ', '%20')]);
    const r = await c([`${base}/redirect/${scheme}/redir/target%20file.txt?x=1`]);
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe(`${base}/${scheme}/redir/target%20file.txt?x=1`);
    const followed = await c(['-L', `${base}/redirect/${scheme}/redir/target%20file.txt`]);
    expect(followed.status).toBe(200);
    expect(followed.body.toString()).toBe('landed');
    expect((await c(['-X', 'PUT', '--data-binary', 'x', `${base}/redirect/${scheme}/redir/other`])).status).toBe(301);
  });
});

describe('TLS', () => {
  it('the HTTPS server presents the self-signed certificate for 127.0.0.1 and localhost; curl refuses it without --cacert', async () => {
    const untrusted = await curl([`${peer.httpsUrl}/`]);
    expect(untrusted.exitCode).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
    const port = new URL(peer.httpsUrl).port;
    const byName = await curl(['--cacert', peer.caFile, '--resolve', `localhost:${port}:127.0.0.1`, '-I', `https://localhost:${port}/ro/`]);
    expect(byName.exitCode).toBe(0);
    expect(byName.status).toBe(403); // directory, autoindex off — but the TLS handshake verified
    const pem = await fs.readFile(peer.caFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
  });

  it('plain HTTP to the HTTPS port is answered 400 by nginx (the ports are not interchangeable)', async () => {
    const r = await curl([peer.httpsUrl.replace('https:', 'http:') + '/']);
    expect(r.status).toBe(400);
  });
});
