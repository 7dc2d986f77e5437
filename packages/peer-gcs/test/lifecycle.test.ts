/**
 * The peer's own surface: directories, restart on the same directory, the request log, the CLI.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startGcsPeer } from '../src/index.js';
import { client, guardNetwork, outboundAttempts } from './helpers.js';

guardNetwork();

describe('lifecycle', () => {
  it('a temporary directory is removed at stop; a given one is kept and reloaded', async () => {
    const temp = await startGcsPeer();
    expect(temp.projectId).toBe('deepstore-test');
    expect(temp.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(temp.directory)).toBe(true);
    await temp.stop();
    expect(existsSync(temp.directory)).toBe(false);
    await temp.stop(); // idempotent

    const dir = mkdtempSync(join(tmpdir(), 'peer-gcs-given-'));
    try {
      const first = await startGcsPeer({ directory: dir, buckets: ['kept-bucket'] });
      expect(first.directory).toBe(dir);
      const s1 = client(first);
      await s1.bucket('kept-bucket').file('a/b.txt').save('persisted', { metadata: { metadata: { x: 'y' } } });
      await s1.bucket('kept-bucket').file('gone.txt').save('deleted');
      await s1.bucket('kept-bucket').file('gone.txt').delete();
      await s1.bucket('kept-bucket').file('a/b.txt').copy('a/c.txt');
      const [meta1] = await s1.bucket('kept-bucket').file('a/b.txt').getMetadata();
      await first.stop();
      expect(existsSync(dir)).toBe(true);

      const second = await startGcsPeer({ directory: dir, buckets: ['kept-bucket', 'new-bucket'] });
      const s2 = client(second);
      const [got] = await s2.bucket('kept-bucket').file('a/b.txt').download();
      expect(got.toString()).toBe('persisted');
      const [meta2] = await s2.bucket('kept-bucket').file('a/b.txt').getMetadata();
      expect(meta2.generation).toBe(meta1.generation);
      expect(meta2.metadata).toEqual({ x: 'y' });
      expect((await s2.bucket('kept-bucket').file('gone.txt').exists())[0]).toBe(false);
      expect((await s2.bucket('kept-bucket').file('a/c.txt').download())[0].toString()).toBe('persisted');
      // Generations keep increasing across restarts.
      await s2.bucket('kept-bucket').file('a/b.txt').save('v2');
      const [meta3] = await s2.bucket('kept-bucket').file('a/b.txt').getMetadata();
      expect(BigInt(meta3.generation!)).toBeGreaterThan(BigInt(meta1.generation!));
      expect((await s2.bucket('new-bucket').exists())[0]).toBe(true);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records requests (method, raw path, query, status) and keeps the last 10,000', async () => {
    const peer = await startGcsPeer({ buckets: ['log-bucket'] });
    try {
      const res = await fetch(`${peer.endpoint}/storage/v1/b/log-bucket/o/${encodeURIComponent('a b/c')}?fields=name`);
      expect(res.status).toBe(404);
      expect(peer.requests()).toEqual([
        { method: 'GET', path: '/storage/v1/b/log-bucket/o/a%20b%2Fc', query: { fields: 'name' }, status: 404 },
      ]);
      const total = 10_050;
      let sent = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (sent < total) {
            const i = sent++;
            const r = await fetch(`${peer.endpoint}/storage/v1/b/log-bucket?i=${i}`);
            await r.arrayBuffer();
          }
        }),
      );
      const log = peer.requests();
      expect(log).toHaveLength(10_000);
      expect(log.every((r) => r.status === 200 && r.path === '/storage/v1/b/log-bucket')).toBe(true);
      expect(new Set(log.map((r) => r.query.i)).size).toBe(10_000);
    } finally {
      await peer.stop();
    }
  }, 60_000);

  it('the CLI prints {endpoint, projectId} and stops on SIGTERM', async () => {
    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
    expect(existsSync(cli), 'dist/cli.js is built by `pnpm build`').toBe(true);
    const child = spawn(process.execPath, [cli, '--bucket', 'cli-bucket'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
      });
      const info = JSON.parse(line) as { endpoint: string; projectId: string };
      expect(info.projectId).toBe('deepstore-test');
      const res = await fetch(`${info.endpoint}/storage/v1/b/cli-bucket`);
      expect(res.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('the network guard refuses connections beyond loopback', () => {
    const before = outboundAttempts.length;
    expect(() => net.connect(443, 'storage.googleapis.com')).toThrow(/network guard/);
    expect(outboundAttempts.splice(before)).toEqual(['storage.googleapis.com']);
  });

  it('never tried to reach anything but loopback', () => {
    expect(outboundAttempts).toEqual([]);
  });
});
