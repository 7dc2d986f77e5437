import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleBook, seededRandom, startFaultProxy, type FaultProxy } from '@deepstore/fault-proxy';

const body = Buffer.alloc(256 * 1024, 0x5a);
let upstream: http.Server;
let target = '';
let uploads: number[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      if (req.method === 'PUT') uploads.push(n);
      res.writeHead(200, { 'content-length': body.length, 'x-host-seen': req.headers.host ?? '' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; bytes: number; host?: string | null; error?: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
    const buf = Buffer.from(await res.arrayBuffer());
    return { status: res.status, bytes: buf.length, host: res.headers.get('x-host-seen') };
  } catch (err) {
    return { status: 0, bytes: 0, error: String((err as Error).cause ?? err) };
  }
}

describe('fault proxy', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy({ target });
  });
  afterAll(() => proxy.stop());

  it('forwards untouched by default, keeping the Host header the client signed', async () => {
    proxy.setRules([]);
    const r = await get(`${proxy.url}/x`);
    expect(r).toMatchObject({ status: 200, bytes: body.length });
    expect(r.host).toBe(`127.0.0.1:${proxy.port}`);
  });

  it('answers injected statuses on the nth matching request only', async () => {
    proxy.setRules([{ path: /^\/obj/, nth: [1, 3], fault: { type: 'status', status: 503 } }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(`${proxy.url}/obj`)).status);
    expect(statuses).toEqual([503, 200, 503, 200]);
    expect((await get(`${proxy.url}/other`)).status).toBe(200);
  });

  it('resets, truncates and stalls responses mid-body', async () => {
    proxy.setRules([{ nth: [1], fault: { type: 'reset-response', afterBytes: 1000 } }]);
    expect((await get(`${proxy.url}/a`)).status).toBe(0); // headers came, the body read failed
    proxy.setRules([{ nth: [1], fault: { type: 'truncate-response', afterBytes: 1000 } }]);
    const t = await get(`${proxy.url}/b`);
    expect(t.bytes).toBeLessThan(body.length);
    proxy.setRules([{ nth: [1], fault: { type: 'stall-response', afterBytes: 1000 } }]);
    const s = await get(`${proxy.url}/c`);
    expect(s.status).toBe(0);
    expect(s.error).toMatch(/timeout|abort/i);
  });

  it('resets an upload after some request bytes, before the server completes it', async () => {
    uploads = [];
    proxy.setRules([{ method: 'PUT', nth: [1], fault: { type: 'reset-request', afterBytes: 64 * 1024 } }]);
    const r = await get(`${proxy.url}/up`, { method: 'PUT', body: Buffer.alloc(1024 * 1024, 1) });
    expect(r.status).toBe(0);
    await new Promise((res) => setTimeout(res, 100));
    expect(uploads).toEqual([]);
    expect((await get(`${proxy.url}/up`, { method: 'PUT', body: Buffer.alloc(10, 1) })).status).toBe(200);
    expect(uploads).toEqual([10]);
  });

  it('replays the same probabilistic schedule for the same seed', () => {
    const run = (seed: number) => {
      const book = new RuleBook([{ probability: 0.3, fault: { type: 'status', status: 500 } }], seededRandom(seed));
      return Array.from({ length: 50 }, () => (book.pick('GET', '/', {}) ? 1 : 0)).join('');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
    expect(run(7)).toContain('1');
    expect(run(7)).toContain('0');
  });
});
