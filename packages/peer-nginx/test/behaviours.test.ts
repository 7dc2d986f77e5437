/**
 * What nginx 1.22's dav + dav-ext modules actually answer, pinned so the README's table stays true.
 * These are the cases the deepstore HTTP/WebDAV adapter has to handle (or avoid) itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginxPeer, type NginxPeer } from '../src/index.js';
import { curl, exists, parseMultistatus, randomFile, sha256 } from './helpers.js';

let peer: NginxPeer;
const u = (p: string) => `${peer.httpUrl}${p}`;
const disk = (p: string) => path.join(peer.root, p);
const put = async (p: string, body: string) => {
  const r = await curl(['-X', 'PUT', '--data-binary', body, u(p)]);
  expect([201, 204], `PUT ${p}`).toContain(r.status);
};
const tree = async (p: string): Promise<string[]> => {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(disk(path.join(p, rel)), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      out.push(e.isDirectory() ? `${r}/` : r);
      if (e.isDirectory()) await walk(r);
    }
  };
  await walk('');
  return out.sort();
};

beforeAll(async () => {
  peer = await startNginxPeer();
});
afterAll(async () => {
  await peer?.stop();
});

describe('PUT', () => {
  it('is atomic: the body is written to a temp file on root\'s filesystem and renamed; an aborted upload leaves the old file', async () => {
    const data = await randomFile(8 * 1024 * 1024);
    try {
      await put('/atomic/target.bin', 'OLD CONTENT');
      const bodyTemp = path.join(path.dirname(peer.caFile), 'dav_body_temp');
      // Upload slowly (1 MiB/s), look at the server mid-way, then kill curl.
      const child = spawn('curl', ['-sS', '-o', '/dev/null', '--limit-rate', '1M', '-T', data.file, u('/atomic/target.bin')], { stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      let temps: string[] = [];
      for (let i = 0; i < 100 && temps.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        temps = await fs.readdir(bodyTemp).catch(() => []);
      }
      expect(temps).toHaveLength(1); // nginx's numbered temp file (e.g. 0000000003)
      const tempStat = await fs.stat(path.join(bodyTemp, temps[0]!));
      expect(tempStat.dev).toBe((await fs.stat(peer.root)).dev); // same filesystem: rename(2), not copy
      expect(await fs.readFile(disk('atomic/target.bin'), 'utf8')).toBe('OLD CONTENT');
      expect((await curl([u('/atomic/target.bin')])).body.toString()).toBe('OLD CONTENT');
      child.kill('SIGKILL');
      await exited;
      await new Promise((r) => setTimeout(r, 300));
      expect(await fs.readFile(disk('atomic/target.bin'), 'utf8')).toBe('OLD CONTENT');
      expect(await fs.readdir(bodyTemp)).toEqual([]); // nginx removed the partial temp file

      // A complete upload: the target is the temp file's inode, renamed.
      const slow = spawn('curl', ['-sS', '-o', '/dev/null', '--limit-rate', '4M', '-T', data.file, u('/atomic/target.bin')], { stdio: 'ignore' });
      const done = new Promise<void>((resolve) => slow.once('close', () => resolve()));
      let inode = 0;
      for (let i = 0; i < 100 && inode === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const t = await fs.readdir(bodyTemp).catch(() => []);
        if (t.length === 1) inode = (await fs.stat(path.join(bodyTemp, t[0]!)).catch(() => ({ ino: 0 }))).ino;
      }
      await done;
      expect(inode).not.toBe(0);
      expect((await fs.stat(disk('atomic/target.bin'))).ino).toBe(inode);
      expect(sha256(await fs.readFile(disk('atomic/target.bin')))).toBe(sha256(data.data));
    } finally {
      await data.cleanup();
    }
  });

  it('creates missing parents (create_full_put_path): 201; replacing: 204; to a collection URL or an existing directory: 409', async () => {
    expect((await curl(['-X', 'PUT', '--data-binary', 'x', u('/put/a/b/c.txt')])).status).toBe(201);
    expect((await curl(['-X', 'PUT', '--data-binary', 'y', u('/put/a/b/c.txt')])).status).toBe(204);
    expect((await curl(['-X', 'PUT', '--data-binary', 'x', u('/put/a/')])).status).toBe(409);
    expect((await curl(['-X', 'PUT', '--data-binary', 'x', u('/put/a')])).status).toBe(409);
    expect((await fs.stat(disk('put/a'))).isDirectory()).toBe(true);
  });

  it('under a path whose parent is a file: 500 (not 409), and the file is untouched', async () => {
    await put('/put2/file', 'FILE');
    expect((await curl(['-X', 'PUT', '--data-binary', 'x', u('/put2/file/child')])).status).toBe(500);
    expect(await fs.readFile(disk('put2/file'), 'utf8')).toBe('FILE');
  });

  it('ignores If-None-Match: * and If-Match (no conditional create/replace); Content-Range is 501', async () => {
    await put('/cond/f', 'one');
    expect((await curl(['-X', 'PUT', '-H', 'If-None-Match: *', '--data-binary', 'two', u('/cond/f')])).status).toBe(204);
    expect((await curl(['-X', 'PUT', '-H', 'If-Match: "nope"', '--data-binary', 'three', u('/cond/f')])).status).toBe(204);
    expect(await fs.readFile(disk('cond/f'), 'utf8')).toBe('three');
    expect((await curl(['-X', 'PUT', '-H', 'Content-Range: bytes 0-2/3', '--data-binary', 'abc', u('/cond/f')])).status).toBe(501);
  });

  it('sets the file mtime from a Date request header', async () => {
    expect((await curl(['-X', 'PUT', '-H', 'Date: Tue, 01 Jan 2019 00:00:00 GMT', '--data-binary', 'd', u('/dated/f')])).status).toBe(201);
    expect((await curl(['-I', u('/dated/f')])).headers['last-modified']).toBe('Tue, 01 Jan 2019 00:00:00 GMT');
  });

  it('accepts chunked bodies and empty bodies', async () => {
    expect((await curl(['-X', 'PUT', '-H', 'Transfer-Encoding: chunked', '--data-binary', 'chunky', u('/chunk/f')])).status).toBe(201);
    expect(await fs.readFile(disk('chunk/f'), 'utf8')).toBe('chunky');
    expect((await curl(['-X', 'PUT', '--data-binary', '', u('/chunk/empty')])).status).toBe(201);
    expect((await fs.stat(disk('chunk/empty'))).size).toBe(0);
  });
});

describe('MKCOL', () => {
  it('existing collection: 405; existing file: 405; missing parent: 409; without trailing slash: 409', async () => {
    await put('/mk/file', 'f');
    expect((await curl(['-X', 'MKCOL', u('/mk/')])).status).toBe(405);
    expect((await curl(['-X', 'MKCOL', u('/mk/file/')])).status).toBe(405);
    expect((await curl(['-X', 'MKCOL', u('/mk/x/y/')])).status).toBe(409);
    expect((await curl(['-X', 'MKCOL', u('/mk/noslash')])).status).toBe(409);
    expect(await exists(disk('mk/noslash'))).toBe(false);
  });
});

describe('DELETE', () => {
  it('of a non-empty collection is recursive (204) — the adapter must check emptiness itself', async () => {
    await put('/del/dir/a', 'a');
    await put('/del/dir/sub/b', 'b');
    expect((await curl(['-X', 'DELETE', u('/del/dir/')])).status).toBe(204);
    expect(await exists(disk('del/dir'))).toBe(false);
  });

  it('collection without trailing slash: 409; Depth 0 or 1 on a collection: 400; file URL with slash: 409', async () => {
    await put('/del2/dir/a', 'a');
    expect((await curl(['-X', 'DELETE', u('/del2/dir')])).status).toBe(409);
    expect((await curl(['-X', 'DELETE', '-H', 'Depth: 0', u('/del2/dir/')])).status).toBe(400);
    expect((await curl(['-X', 'DELETE', '-H', 'Depth: 1', u('/del2/dir/')])).status).toBe(400);
    expect((await curl(['-X', 'DELETE', u('/del2/dir/a/')])).status).toBe(409);
    expect(await fs.readFile(disk('del2/dir/a'), 'utf8')).toBe('a');
    expect((await curl(['-X', 'DELETE', u('/del2/nothing')])).status).toBe(404);
  });

  it('DELETE / is refused with 409 by this peer (min_delete_depth 1; stock nginx would wipe the root)', async () => {
    expect((await curl(['-X', 'DELETE', u('/')])).status).toBe(409);
    expect(await exists(disk('ro'))).toBe(true);
  });
});

describe('PROPFIND (dav-ext)', () => {
  it('Depth: infinity is 403; Depth 2 is 400; no Depth header means Depth 0 here', async () => {
    await put('/pf/a/b', 'b');
    expect((await curl(['-X', 'PROPFIND', '-H', 'Depth: infinity', u('/pf/')])).status).toBe(403);
    expect((await curl(['-X', 'PROPFIND', '-H', 'Depth: 2', u('/pf/')])).status).toBe(400);
    const noDepth = await curl(['-X', 'PROPFIND', u('/pf/')]);
    expect(noDepth.status).toBe(207);
    expect(parseMultistatus(noDepth.body.toString()).map((e) => e.href)).toEqual(['/pf/']);
  });

  it('returns only displayname, getcontentlength, getlastmodified, resourcetype, lockdiscovery, supportedlock: no getetag, no getcontenttype', async () => {
    await put('/pf2/f.txt', 'hello');
    const all = (await curl(['-X', 'PROPFIND', '-H', 'Depth: 0', u('/pf2/f.txt')])).body.toString();
    expect(all).not.toContain('getetag');
    expect(all).not.toContain('getcontenttype');
    expect(all).toContain('<D:getcontentlength>5</D:getcontentlength>');
    // Asking for getetag explicitly: silently left out (no 404 propstat).
    const asked = await curl([
      '-X',
      'PROPFIND',
      '-H',
      'Depth: 0',
      '--data-binary',
      '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontentlength/></D:prop></D:propfind>',
      u('/pf2/f.txt'),
    ]);
    expect(asked.status).toBe(207);
    expect(asked.body.toString()).not.toContain('getetag');
    expect(asked.body.toString()).not.toContain('404');
    expect((await curl(['-X', 'PROPFIND', '-H', 'Depth: 0', '--data-binary', 'not xml', u('/pf2/f.txt')])).status).toBe(400);
  });

  it('percent-encodes hrefs (space, %, #, ?, UTF-8) but not +; XML-escapes &; directory order, not sorted', async () => {
    for (const name of ['a%20b', 'pct%25', 'h%23x', 'q%3Fx', 'plus+x', 'amp&x', '%C3%A9t%C3%A9']) await put(`/names/${name}`, '1');
    const entries = parseMultistatus((await curl(['-X', 'PROPFIND', '-H', 'Depth: 1', u('/names/')])).body.toString());
    expect(entries.map((e) => e.href).sort()).toEqual(
      ['/names/', '/names/%C3%A9t%C3%A9', '/names/a%20b', '/names/amp&amp;x', '/names/h%23x', '/names/pct%25', '/names/plus+x', '/names/q%3Fx'].sort(),
    );
  });

  it('on a missing path: 404; on a file addressed with a trailing slash: 207 (href keeps the slash)', async () => {
    await put('/pf3/f', 'f');
    expect((await curl(['-X', 'PROPFIND', '-H', 'Depth: 0', u('/pf3/missing')])).status).toBe(404);
    const r = await curl(['-X', 'PROPFIND', '-H', 'Depth: 0', u('/pf3/f/')]);
    expect(r.status).toBe(207);
    expect(parseMultistatus(r.body.toString())[0]).toMatchObject({ href: '/pf3/f/', collection: false, length: 1 });
  });

  it('OPTIONS advertises DAV: 1 and LOCK/UNLOCK, but LOCK, UNLOCK and PROPPATCH are 405', async () => {
    const o = await curl(['-X', 'OPTIONS', u('/')]);
    expect(o.status).toBe(200);
    expect(o.headers['dav']).toBe('1');
    expect(o.headers['allow']).toBe('GET,HEAD,PUT,DELETE,MKCOL,COPY,MOVE,PROPFIND,OPTIONS,LOCK,UNLOCK');
    for (const m of ['LOCK', 'UNLOCK', 'PROPPATCH']) expect((await curl(['-X', m, u('/')])).status, m).toBe(405);
  });
});

describe('COPY and MOVE', () => {
  it('collection over an existing collection with Overwrite: T replaces it (old members gone, not merged): 201', async () => {
    await put('/ow/a/one', '1');
    await put('/ow/b/two', '2');
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/ow/b/')}`, u('/ow/a/')])).status).toBe(201);
    expect(await tree('ow')).toEqual(['b/', 'b/one']);
    await put('/ow/c/three', '3');
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/ow/b/')}`, u('/ow/c/')])).status).toBe(201);
    expect(await tree('ow')).toEqual(['b/', 'b/three', 'c/', 'c/three']);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/ow/b/')}`, '-H', 'Overwrite: F', u('/ow/c/')])).status).toBe(412);
  });

  it('COPY of a collection ignores Depth: 0 (copies everything); Depth: 1 is 400; MOVE with Depth: 0 is 400', async () => {
    await put('/depth/src/f', 'f');
    await put('/depth/src/sub/g', 'g');
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/depth/dst/')}`, '-H', 'Depth: 0', u('/depth/src/')])).status).toBe(201);
    expect(await tree('depth/dst')).toEqual(['f', 'sub/', 'sub/g']);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/depth/d1/')}`, '-H', 'Depth: 1', u('/depth/src/')])).status).toBe(400);
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/depth/d2/')}`, '-H', 'Depth: 0', u('/depth/src/')])).status).toBe(400);
  });

  it('missing destination parents: file MOVE creates them (204); file COPY is 500; collection COPY/MOVE is 404', async () => {
    await put('/par/file', 'F');
    await put('/par/dir/x', 'X');
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/par/n1/n2/file')}`, u('/par/file')])).status).toBe(500);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/par/n3/n4/')}`, u('/par/dir/')])).status).toBe(404);
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/par/n5/n6/')}`, u('/par/dir/')])).status).toBe(404);
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/par/n1/n2/file')}`, u('/par/file')])).status).toBe(204);
    expect(await tree('par')).toEqual(['dir/', 'dir/x', 'n1/', 'n1/n2/', 'n1/n2/file']);
  });

  it('file onto a collection: 409; collection onto a file (Destination with slash): 201, the file is replaced by the collection', async () => {
    await put('/kind/file', 'F');
    await put('/kind/dir/x', 'X');
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/kind/dir')}`, u('/kind/file')])).status).toBe(409);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/kind/dir/')}`, u('/kind/file')])).status).toBe(409);
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/kind/file/')}`, u('/kind/dir/')])).status).toBe(201);
    expect(await tree('kind')).toEqual(['file/', 'file/x']);
  });

  it('source and destination must both be collections or both not (409); collection URL without slash: 409', async () => {
    await put('/slash/dir/x', 'X');
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/slash/d2')}`, u('/slash/dir/')])).status).toBe(409);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/slash/d2/')}`, u('/slash/dir')])).status).toBe(409);
  });

  it('Destination: other host/port or scheme: 400; a path-only Destination works; Overwrite other than T/F: 400; none: 400; missing source: 404', async () => {
    await put('/dest/a', 'A');
    expect((await curl(['-X', 'COPY', '-H', 'Destination: http://localhost:1/dest/b', u('/dest/a')])).status).toBe(400);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${peer.httpsUrl}/dest/b`, u('/dest/a')])).status).toBe(400);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/dest/b')}`, '-H', 'Overwrite: yes', u('/dest/a')])).status).toBe(400);
    expect((await curl(['-X', 'COPY', u('/dest/a')])).status).toBe(400);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/dest/z')}`, u('/dest/missing')])).status).toBe(404);
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/dest/z')}`, u('/dest/missing')])).status).toBe(404);
    expect((await curl(['-X', 'COPY', '-H', 'Destination: /dest/c%20d', u('/dest/a')])).status).toBe(204);
    expect(await fs.readFile(disk('dest/c d'), 'utf8')).toBe('A');
    // lower-case f is accepted
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/dest/a')}`, '-H', 'Overwrite: f', u('/dest/c%20d')])).status).toBe(412);
  });

  it('DATA LOSS in nginx 1.22: COPY of a file onto itself truncates it (500)', async () => {
    await put('/self/f', 'CONTENT');
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/self/f')}`, u('/self/f')])).status).toBe(500);
    expect(await fs.readFile(disk('self/f'), 'utf8')).toBe('');
    // MOVE of a file onto itself is harmless.
    await put('/self/g', 'KEEP');
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/self/g')}`, u('/self/g')])).status).toBe(204);
    expect(await fs.readFile(disk('self/g'), 'utf8')).toBe('KEEP');
  });

  it('DATA LOSS in nginx 1.22: COPY/MOVE of a collection onto itself or MOVE into its own subtree answer 201 and delete it', async () => {
    await put('/selfdir/d/x', 'X');
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/selfdir/d/')}`, u('/selfdir/d/')])).status).toBe(201);
    expect(await tree('selfdir')).toEqual(['d/']); // emptied
    await put('/selfdir/d/x', 'X');
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/selfdir/d/')}`, u('/selfdir/d/')])).status).toBe(201);
    expect(await tree('selfdir')).toEqual([]); // gone
    await put('/selfdir/e/x', 'X');
    expect((await curl(['-X', 'MOVE', '-H', `Destination: ${u('/selfdir/e/sub/')}`, u('/selfdir/e/')])).status).toBe(201);
    expect(await tree('selfdir')).toEqual([]); // gone
  });

  it('COPY/MOVE ignore location boundaries: a COPY from / into /ro/ or /private/ succeeds (no auth asked)', async () => {
    await put('/cross/f', 'sneaky');
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/ro/cross-f')}`, u('/cross/f')])).status).toBe(204);
    expect((await curl(['-X', 'COPY', '-H', `Destination: ${u('/private/cross-f')}`, u('/cross/f')])).status).toBe(204);
    expect(await fs.readFile(disk('ro/cross-f'), 'utf8')).toBe('sneaky');
    expect(await fs.readFile(disk('private/cross-f'), 'utf8')).toBe('sneaky');
  });
});

describe('GET and HEAD', () => {
  it('a directory without slash: 301 to the slash; with slash: 403 (autoindex off); a file with slash: 404', async () => {
    await put('/g/dir/f', 'f');
    const r = await curl([u('/g/dir')]);
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe(u('/g/dir/'));
    expect((await curl([u('/g/dir/')])).status).toBe(403);
    expect((await curl([u('/g/dir/f/')])).status).toBe(404);
  });

  it('conditional and multi-range GET: If-None-Match 304, If-Match mismatch 412, If-Range mismatch 200, two ranges multipart/byteranges', async () => {
    await put('/g/r', '0123456789');
    const etag = (await curl(['-I', u('/g/r')])).headers['etag']!;
    expect((await curl(['-H', `If-None-Match: ${etag}`, u('/g/r')])).status).toBe(304);
    expect((await curl(['-H', 'If-Match: "nope"', u('/g/r')])).status).toBe(412);
    const ifRange = await curl(['-H', 'If-Range: "nope"', '-H', 'Range: bytes=0-1', u('/g/r')]);
    expect(ifRange.status).toBe(200);
    expect(ifRange.body.toString()).toBe('0123456789');
    const multi = await curl(['-H', 'Range: bytes=0-1,4-5', u('/g/r')]);
    expect(multi.status).toBe(206);
    expect(multi.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/);
    expect((await curl(['-I', u('/g/r')])).headers['content-type']).toBe('application/octet-stream');
    expect((await curl(['-X', 'POST', '--data', 'x', u('/g/r')])).status).toBe(405);
  });
});
