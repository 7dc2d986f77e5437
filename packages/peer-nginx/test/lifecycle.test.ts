import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderNginxConfig, startNginxPeer, type NginxPeer } from '../src/index.js';
import { childPids, cmdline, curl, exists, processAlive } from './helpers.js';

/** The peer's temp dir is the one holding caFile. */
const tempDirOf = (peer: NginxPeer) => path.dirname(peer.caFile);

async function expectStoppedCleanly(peer: NginxPeer, workers: number[]): Promise<void> {
  expect(await processAlive(peer.pid)).toBe(false);
  for (const w of workers) expect(await processAlive(w)).toBe(false);
  expect(() => process.kill(peer.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }) as Error);
  // Nothing answers on the ports any more.
  expect((await curl(['--max-time', '5', `${peer.httpUrl}/`])).exitCode).toBe(7); // CURLE_COULDNT_CONNECT
  expect((await curl(['--max-time', '5', '-k', `${peer.httpsUrl}/`])).exitCode).toBe(7);
}

describe('start and stop', () => {
  it('starts, serves, and stops leaving no nginx process and no temp dir — twice in a row', async () => {
    for (let round = 0; round < 2; round++) {
      const peer = await startNginxPeer();
      expect(peer.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(peer.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(peer.httpUrl).not.toBe(peer.httpsUrl.replace('https', 'http'));
      expect(peer.auth).toEqual({ user: 'deepstore', password: 's3cret!' });
      expect(peer.root).toBe(path.join(tempDirOf(peer), 'root'));
      expect(await exists(path.join(peer.root, 'ro'))).toBe(true);
      expect(await exists(path.join(peer.root, 'private'))).toBe(true);

      // The PID is the nginx master, with its worker(s) as children.
      expect(await cmdline(peer.pid)).toMatch(/^nginx: master process /);
      const workers = await childPids(peer.pid);
      expect(workers.length).toBe(1); // worker_processes 1
      for (const w of workers) expect(await cmdline(w)).toBe('nginx: worker process');

      const put = await curl(['-X', 'PUT', '--data-binary', `round ${round}`, `${peer.httpUrl}/hello.txt`]);
      expect(put.status).toBe(201);
      expect(await fs.readFile(path.join(peer.root, 'hello.txt'), 'utf8')).toBe(`round ${round}`);

      await peer.stop();
      await expectStoppedCleanly(peer, workers);
      expect(await exists(tempDirOf(peer))).toBe(false);
      await peer.stop(); // idempotent
    }
  });

  it('two peers run side by side on different ports', async () => {
    const [a, b] = await Promise.all([startNginxPeer(), startNginxPeer()]);
    try {
      expect(new Set([a.httpUrl, a.httpsUrl, b.httpUrl, b.httpsUrl]).size).toBe(4);
      await curl(['-X', 'PUT', '--data-binary', 'A', `${a.httpUrl}/who`]);
      await curl(['-X', 'PUT', '--data-binary', 'B', `${b.httpUrl}/who`]);
      expect((await curl([`${a.httpUrl}/who`])).body.toString()).toBe('A');
      expect((await curl([`${b.httpUrl}/who`])).body.toString()).toBe('B');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await processAlive(a.pid)).toBe(false);
    expect(await processAlive(b.pid)).toBe(false);
  });

  it('a given root (here on another filesystem, /dev/shm) is served and kept; custom credentials apply', async () => {
    const base = (await exists('/dev/shm')) ? '/dev/shm' : os.tmpdir();
    const parent = await fs.mkdtemp(path.join(base, 'peer-nginx-root-'));
    const root = path.join(parent, 'served');
    try {
      await fs.mkdir(path.join(root, 'ro'), { recursive: true });
      await fs.writeFile(path.join(root, 'ro', 'pre.txt'), 'preexisting');
      const peer = await startNginxPeer({ root, auth: { user: 'alice', password: 'p@ss:w0rd' } });
      const workers = await childPids(peer.pid);
      try {
        expect(peer.root).toBe(root);
        expect(peer.auth).toEqual({ user: 'alice', password: 'p@ss:w0rd' });
        expect((await curl([`${peer.httpUrl}/ro/pre.txt`])).body.toString()).toBe('preexisting');
        expect((await curl(['-u', 'deepstore:s3cret!', `${peer.httpUrl}/private/`, '-X', 'PROPFIND'])).status).toBe(401);
        expect((await curl(['-u', 'alice:p@ss:w0rd', `${peer.httpUrl}/private/`, '-X', 'PROPFIND'])).status).toBe(207);

        // The PUT body temp dir is on root's filesystem (so PUT is a rename), next to root.
        const conf = await fs.readFile(path.join(tempDirOf(peer), 'nginx.conf'), 'utf8');
        const bodyTemp = [...conf.matchAll(/client_body_temp_path "([^"]+)";/g)].map((m) => m[1]!);
        const davBodyTemp = bodyTemp.find((p) => p.startsWith(parent));
        expect(davBodyTemp, conf).toBeDefined();
        expect((await fs.stat(davBodyTemp!)).dev).toBe((await fs.stat(root)).dev);

        expect((await curl(['-X', 'PUT', '--data-binary', 'kept', `${peer.httpUrl}/kept.txt`])).status).toBe(201);
      } finally {
        await peer.stop();
      }
      await expectStoppedCleanly(peer, workers);
      expect(await fs.readFile(path.join(root, 'kept.txt'), 'utf8')).toBe('kept');
      expect(await exists(tempDirOf(peer))).toBe(false);
      expect((await fs.readdir(parent)).sort()).toEqual(['served']); // the body temp dir went too
    } finally {
      await fs.rm(parent, { recursive: true, force: true });
    }
  });

  it('retries with fresh ports when a reserved port is taken before nginx binds it (EADDRINUSE)', async () => {
    const blocker = await new Promise<net.Server>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const taken = (blocker.address() as net.AddressInfo).port;
    const free = async (): Promise<number> =>
      new Promise((resolve) => {
        const s = net.createServer();
        s.listen(0, '127.0.0.1', () => {
          const { port } = s.address() as net.AddressInfo;
          s.close(() => resolve(port));
        });
      });
    const handedOut: Array<[number, number]> = [];
    try {
      const peer = await startNginxPeer({
        reservePorts: async () => {
          // First attempt: the HTTPS port is already in use by someone else.
          const pair: [number, number] = handedOut.length === 0 ? [await free(), taken] : [await free(), await free()];
          handedOut.push(pair);
          return pair;
        },
      });
      try {
        expect(handedOut).toHaveLength(2);
        expect(peer.httpsUrl).toBe(`https://127.0.0.1:${handedOut[1]![1]}`);
        expect(peer.httpUrl).toBe(`http://127.0.0.1:${handedOut[1]![0]}`);
        expect((await curl(['--cacert', peer.caFile, '-I', `${peer.httpsUrl}/ro/`])).status).toBe(403);
      } finally {
        await peer.stop();
      }
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('gives up with nginx\'s own error after repeated EADDRINUSE, leaving nothing behind', async () => {
    const blocker = await new Promise<net.Server>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const taken = (blocker.address() as net.AddressInfo).port;
    const before = new Set((await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('deepstore-peer-nginx-')));
    let calls = 0;
    try {
      await expect(
        startNginxPeer({
          reservePorts: async () => {
            calls++;
            return [taken, taken + 1 === 65536 ? taken - 1 : taken + 1];
          },
        }),
      ).rejects.toThrow(/Address already in use/);
      expect(calls).toBe(5);
      // Other test files start peers concurrently: only a temp dir configured for the taken port would be ours.
      const after = (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('deepstore-peer-nginx-') && !before.has(n));
      for (const n of after) {
        const conf = await fs.readFile(path.join(os.tmpdir(), n, 'nginx.conf'), 'utf8').catch(() => '');
        expect(conf).not.toContain(`listen 127.0.0.1:${taken};`);
      }
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 60_000);

  it('refuses bad credentials up front', async () => {
    await expect(startNginxPeer({ auth: { user: 'a:b', password: 'x' } })).rejects.toThrow(/user name/);
  });

  it('writes every nginx path (pid, logs, temp paths) inside its temp dir', () => {
    const conf = renderNginxConfig({
      davExtModule: '/m/dav_ext.so',
      runAsRoot: true,
      dir: '/t/dir',
      root: '/t/dir/root',
      davBodyTemp: '/t/dir/dav_body_temp',
      httpPort: 1111,
      httpsPort: 2222,
      certFile: '/t/dir/cert.pem',
      keyFile: '/t/dir/key.pem',
      htpasswdFile: '/t/dir/htpasswd',
    });
    expect(conf).toContain('load_module "/m/dav_ext.so";');
    expect(conf).toContain('user root;');
    expect(conf).toContain('worker_processes 1;');
    expect(conf).toContain('daemon off;');
    for (const d of ['pid', 'lock_file', 'error_log', 'access_log', 'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']) {
      const lines = conf.split('\n').filter((l) => l.trim().startsWith(`${d} `));
      expect(lines.length, d).toBeGreaterThan(0);
      for (const l of lines) expect(l, d).toMatch(/ "\/t\/dir\//);
    }
    expect(conf).toContain('listen 127.0.0.1:1111;');
    expect(conf).toContain('listen 127.0.0.1:2222 ssl;');
    expect(conf.match(/dav_methods PUT DELETE MKCOL COPY MOVE;/g)).toHaveLength(4); // / and /private/, in both servers
    expect(() => renderNginxConfig({ ...sampleInput(), root: '/has/$dollar' })).toThrow(/not usable/);
  });

  it('the CLI prints {httpUrl, httpsUrl, caFile, root} and stops nginx on SIGTERM', async () => {
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
    expect(existsSync(cli), 'dist/cli.js is built by `pnpm build`').toBe(true);
    const child = spawn(process.execPath, [cli], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
      });
      const info = JSON.parse(line) as { httpUrl: string; httpsUrl: string; caFile: string; root: string };
      expect(Object.keys(info).sort()).toEqual(['caFile', 'httpUrl', 'httpsUrl', 'root']);
      const dir = path.dirname(info.caFile);
      const pid = Number((await fs.readFile(path.join(dir, 'nginx.pid'), 'utf8')).trim());
      expect(await cmdline(pid)).toMatch(/^nginx: master process/);
      const workers = await childPids(pid);
      expect((await curl(['--cacert', info.caFile, '-X', 'PUT', '--data-binary', 'cli', `${info.httpsUrl}/cli.txt`])).status).toBe(201);
      expect(await fs.readFile(path.join(info.root, 'cli.txt'), 'utf8')).toBe('cli');

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await processAlive(pid)).toBe(false);
      for (const w of workers) expect(await processAlive(w)).toBe(false);
      expect(await exists(dir)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

function sampleInput() {
  return {
    davExtModule: '/m.so',
    runAsRoot: false,
    dir: '/d',
    root: '/d/root',
    davBodyTemp: '/d/b',
    httpPort: 1,
    httpsPort: 2,
    certFile: '/d/c',
    keyFile: '/d/k',
    htpasswdFile: '/d/h',
  };
}
