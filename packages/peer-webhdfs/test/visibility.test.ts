/**
 * HDFS write visibility: a file being written exists, with its growing length, from the moment the
 * datanode accepts the CREATE; an upload whose connection breaks leaves the bytes that arrived as
 * a closed file. (This is why a careful client writes to a temporary name and renames.)
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWebHdfsPeer, type WebHdfsPeer } from '../src/index.js';
import { curl, MiB, nnUrl, remote } from './helpers.js';

let peer: WebHdfsPeer;
let tmp: string;
const U = { 'user.name': 'alice' };

beforeAll(async () => {
  peer = await startWebHdfsPeer();
  await peer.mkdirs('/w', { owner: 'alice' });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'peer-webhdfs-vis-'));
});
afterAll(async () => {
  await peer.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

async function lengthOf(hdfsPath: string): Promise<number | undefined> {
  const r = await fetch(nnUrl(peer.namenode, hdfsPath, { op: 'GETFILESTATUS', ...U }));
  if (r.status === 404) return undefined;
  return ((await r.json()) as { FileStatus: { length: number } }).FileStatus.length;
}

async function datanodeLocation(hdfsPath: string, query: Record<string, string> = {}): Promise<string> {
  const r = await curl(['-X', 'PUT', nnUrl(peer.namenode, hdfsPath, { op: 'CREATE', ...U, ...query })]);
  expect(r.status).toBe(307);
  return r.headers.location!;
}

async function read(hdfsPath: string): Promise<Buffer> {
  return (await curl(['-L', nnUrl(peer.namenode, hdfsPath, { op: 'OPEN', ...U })])).body;
}

/** Runs curl without waiting; resolves with its exit code. */
function curlInBackground(args: string[]): { done: Promise<{ code: number; out: string }> } {
  const child = spawn('curl', ['-sS', '-i', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, out }))) };
}

describe('write visibility', () => {
  it('shows the file, with a growing length, while the datanode is still receiving it', async () => {
    const data = randomBytes(3 * MiB);
    await fs.writeFile(path.join(tmp, 'slow.bin'), data);
    const location = await datanodeLocation('/w/growing.bin');
    const upload = curlInBackground(['-X', 'PUT', '-T', path.join(tmp, 'slow.bin'), '--limit-rate', '1M', location]);
    let finished = false;
    void upload.done.then(() => (finished = true));
    const seen: number[] = [];
    while (!finished) {
      const len = await lengthOf('/w/growing.bin');
      if (len !== undefined && !finished) seen.push(len);
      await new Promise((r) => setTimeout(r, 150));
    }
    const { code, out } = await upload.done;
    expect(code).toBe(0);
    expect(out).toContain('HTTP/1.1 201 Created');
    const partial = [...new Set(seen.filter((n) => n > 0 && n < data.length))];
    expect(partial.length).toBeGreaterThanOrEqual(2); // visible, and growing, before the upload ended
    expect([...partial].sort((a, b) => a - b)).toEqual(partial);
    expect(await lengthOf('/w/growing.bin')).toBe(data.length);
    expect((await read('/w/growing.bin')).equals(data)).toBe(true);
  });

  it('keeps the bytes received when the upload connection breaks (curl gives up mid-body)', async () => {
    const data = randomBytes(4 * MiB);
    await fs.writeFile(path.join(tmp, 'cut.bin'), data);
    const location = await datanodeLocation('/w/cut.bin');
    const { code } = await curlInBackground(['-X', 'PUT', '-T', path.join(tmp, 'cut.bin'), '--limit-rate', '512K', '--max-time', '1.5', location]).done;
    expect(code).toBe(28); // curl: operation timed out
    // Once the datanode has seen the connection go, the partial file is closed: a second CREATE
    // without overwrite finds an existing file, not one still being written.
    await vi.waitFor(async () => {
      const again = await curl(['-L', '-X', 'PUT', '-T', '/dev/null', nnUrl(peer.namenode, '/w/cut.bin', { op: 'CREATE', ...U })]);
      expect(remote(again).exception).toBe('FileAlreadyExistsException');
    });
    const len = (await lengthOf('/w/cut.bin'))!;
    expect(len).toBeGreaterThan(0);
    expect(len).toBeLessThan(data.length);
    const got = await read('/w/cut.bin');
    expect(got.length).toBe(len);
    expect(got.equals(data.subarray(0, len))).toBe(true);
  });

  it('keeps exactly what arrived when a raw HTTP client drops the connection', async () => {
    const location = new URL(await datanodeLocation('/w/raw.bin'));
    const first = randomBytes(MiB);
    const req = http.request({ host: location.hostname, port: location.port, path: location.pathname + location.search, method: 'PUT', headers: { 'Content-Length': 8 * MiB } });
    req.on('error', () => {});
    req.write(first);
    await vi.waitFor(async () => expect(await lengthOf('/w/raw.bin')).toBe(MiB));
    req.destroy();
    await vi.waitFor(async () => {
      const r = await curl(['-X', 'POST', '-L', '-T', '/dev/null', nnUrl(peer.namenode, '/w/raw.bin', { op: 'APPEND', ...U })]);
      expect(r.status).toBe(200); // closed, so appendable
    });
    expect((await read('/w/raw.bin')).equals(first)).toBe(true);
    const log = peer.requests().filter((r) => r.server === 'datanode' && r.path === '/w/raw.bin' && r.method === 'PUT');
    expect(log).toEqual([expect.objectContaining({ status: 0, bodyBytes: MiB })]);
  });

  it('refuses a second writer (AlreadyBeingCreatedException); an overwrite wins and the first writer gets FileNotFoundException', async () => {
    const slow = randomBytes(3 * MiB); // ~3 s at 1 MiB/s: time enough for the competing requests
    await fs.writeFile(path.join(tmp, 'first.bin'), slow);
    await fs.writeFile(path.join(tmp, 'second.txt'), 'second writer');
    const location = await datanodeLocation('/w/contended.bin');
    const upload = curlInBackground(['-X', 'PUT', '-T', path.join(tmp, 'first.bin'), '--limit-rate', '1M', location]);
    await vi.waitFor(async () => expect(await lengthOf('/w/contended.bin')).toBeGreaterThan(0));

    const refused = await curl(['-L', '-X', 'PUT', '-T', path.join(tmp, 'second.txt'), nnUrl(peer.namenode, '/w/contended.bin', { op: 'CREATE', ...U })]);
    expect(refused.status).toBe(403);
    expect(remote(refused).exception).toBe('AlreadyBeingCreatedException');
    expect(remote(refused).message).toMatch(/^Failed to CREATE_FILE \/w\/contended\.bin for DFSClient_NONMAPREDUCE_\d+_\d+ on 127\.0\.0\.1 because this file lease is currently owned by DFSClient_NONMAPREDUCE_\d+_\d+ on 127\.0\.0\.1$/);
    const appendRefused = await curl(['-L', '-X', 'POST', '-T', path.join(tmp, 'second.txt'), nnUrl(peer.namenode, '/w/contended.bin', { op: 'APPEND', ...U })]);
    expect(remote(appendRefused).message).toMatch(/^Failed to APPEND_FILE \/w\/contended\.bin/);

    const overwrite = await curl(['-L', '-X', 'PUT', '-T', path.join(tmp, 'second.txt'), nnUrl(peer.namenode, '/w/contended.bin', { op: 'CREATE', ...U, overwrite: 'true' })]);
    expect(overwrite.status).toBe(201);
    const { out } = await upload.done;
    expect(out).toContain('HTTP/1.1 404 Not Found');
    expect(out).toContain('"exception":"FileNotFoundException"');
    expect((await read('/w/contended.bin')).toString()).toBe('second writer');
  });

  it('does not write what a client sends to the namenode, even a large body', async () => {
    const big = randomBytes(2 * MiB);
    const r = await fetch(nnUrl(peer.namenode, '/w/to-namenode.bin', { op: 'CREATE', ...U }), { method: 'PUT', body: big, redirect: 'manual' });
    expect(r.status).toBe(307);
    await r.arrayBuffer();
    await vi.waitFor(() => {
      const rec = peer.requests().find((x) => x.server === 'namenode' && x.path === '/w/to-namenode.bin');
      expect(rec?.bodyBytes).toBe(2 * MiB);
    });
    expect(await lengthOf('/w/to-namenode.bin')).toBeUndefined();
  });
});
