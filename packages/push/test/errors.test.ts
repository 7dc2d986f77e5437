import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerPeer, type ControllerPeer } from '@deepstore/peer-controller';
import { pushTarSegments, pushUriSegments, retryDelayMs, type PushError, type PushOptions } from '@deepstore/push';
import { TempDirs, failure, makeSegments, registry } from './helpers.js';

const tmp = new TempDirs();
const reg = registry();
let controller: ControllerPeer;
let dir: string;
let uris: string[];
const TOKEN = 'Basic YWRtaW46dmVyeXNlY3JldA==';

beforeAll(async () => {
  dir = tmp.make();
  uris = (await makeSegments(dir, 'orders', 3)).map((s) => pathToFileURL(s.tarFile).href);
  controller = await startControllerPeer({
    tables: [{ tableName: 'orders', tableType: 'OFFLINE', timeColumnName: 'day' }, { tableName: 'other', tableType: 'OFFLINE' }],
    allowRefresh: false,
    auth: [{ token: TOKEN, tables: ['orders', 'orderz'] }],
  });
});
afterAll(async () => {
  await controller?.stop();
  await reg.close();
  tmp.cleanup();
});

const opts = (extra: Partial<PushOptions> = {}): PushOptions => ({ controllerUris: [controller.url], tableName: 'orders', authToken: TOKEN, registry: reg, ...extra });
const uploadsOf = (name: string) => controller.uploads.filter((u) => u.partName === name);

describe('controller answers become clear errors', () => {
  it('409: the segment exists and refresh is off', async () => {
    await pushTarSegments([uris[0] as string], opts());
    const err = await failure<PushError>(pushTarSegments([uris[0] as string], opts({ pushAttempts: 3 })));
    expect(err).toMatchObject({ name: 'PushError', kind: 'AlreadyExists', status: 409, attempts: 1, segmentName: 'orders_0', controllerUri: controller.url, uploadType: 'SEGMENT' });
    expect(err.controllerError).toBe('Segment: orders_0 already exists in table: orders_OFFLINE. Refresh not permitted.');
    expect(err.message).toContain(`TAR push of segment orders_0 (${uris[0]}) to controller ${controller.url} failed: the controller answered 409 Conflict`);
    expect(err.message).toContain('Refresh not permitted.');
    // 4xx is not retried.
    expect(uploadsOf('orders_0').length).toBe(2);
  });

  it('412: an If-Match CRC that is not the existing segment\'s', async () => {
    const err = await failure<PushError>(pushTarSegments([uris[0] as string], opts({ headers: { 'If-Match': '42' }, allowRefresh: true })));
    expect(err.status).toBe(412);
    expect(err.kind).toBe('InvalidInput');
    expect(err.controllerError).toMatch(/^For segment: orders_0 of table: orders_OFFLINE, expected CRC: 42 does not match existing CRC: \d+$/);
    expect(err.message).toContain('precondition failed');
    expect(controller.uploads.at(-1)?.allowRefresh).toBe(true);
  });

  it('400: a table the controller does not have, or a table type that contradicts the name', async () => {
    const unknown = await failure<PushError>(pushTarSegments([uris[1] as string], opts({ tableName: 'orderz' })));
    expect(unknown).toMatchObject({ status: 400, kind: 'InvalidInput', controllerError: 'Failed to find table: orderz_OFFLINE' });
    const mismatch = await failure<PushError>(pushTarSegments([uris[1] as string], opts({ tableName: 'orders_OFFLINE', tableType: 'REALTIME' })));
    expect(mismatch.controllerError).toBe('Table name: orders_OFFLINE does not match table type: REALTIME');
  });

  it('401 and 403 never show the token', async () => {
    const wrong = await failure<PushError>(pushTarSegments([uris[1] as string], opts({ authToken: 'Basic bm9ib2R5Om5vcGU=' })));
    expect(wrong).toMatchObject({ status: 401, kind: 'PermissionDenied', controllerError: 'HTTP 401 Unauthorized' });
    expect(wrong.message).toContain('not authenticated');
    const denied = await failure<PushError>(pushTarSegments([uris[1] as string], opts({ tableName: 'other' })));
    expect(denied).toMatchObject({ status: 403, kind: 'PermissionDenied' });
    for (const e of [wrong, denied]) {
      const all = JSON.stringify({ ...e, message: e.message, stack: e.stack });
      expect(all).not.toContain('bm9ib2R5Om5vcGU');
      expect(all).not.toContain('YWRtaW46dmVyeXNlY3JldA');
    }
  });

  it('credentials and signatures in URIs and in the controller\'s answer are redacted', async () => {
    const signed = 'file:///data/orders_9.tar.gz?X-Amz-Signature=SIGVALUE123';
    const err = await failure<PushError>(pushUriSegments([signed], opts()));
    expect(err.status).toBe(400);
    expect(err.controllerError).toBe('Unsupported URI: file:///data/orders_9.tar.gz?X-Amz-Signature=REDACTED');
    // A controller that echoes a URI with user info and a token.
    controller.failNext(1, 500, 'Exception while uploading segment: cannot fetch http://alice:Pa55w0rd@deep.example/x.tar.gz?token=TOKVALUE987.');
    const echoed = await failure<PushError>(pushUriSegments(['http://bob:Hunter22@deep.example/orders_9.tar.gz?sig=SIGVALUE456'], opts()));
    expect(echoed.controllerError).toBe('Exception while uploading segment: cannot fetch http://***@deep.example/x.tar.gz?token=REDACTED.');
    for (const e of [err, echoed]) {
      for (const text of [e.message, e.segmentUri, e.controllerError ?? '', JSON.stringify(e)]) {
        for (const secret of ['Pa55w0rd', 'Hunter22', 'SIGVALUE123', 'SIGVALUE456', 'TOKVALUE987']) expect(text).not.toContain(secret);
      }
    }
  });
});

describe('retries (Pinot: 5xx only, exponential backoff with jitter)', () => {
  it('retries 5xx answers and succeeds, counting attempts', async () => {
    controller.failNext(2, 503);
    const started = Date.now();
    const [r] = await pushTarSegments([uris[1] as string], opts({ pushAttempts: 3, pushRetryIntervalMillis: 20 }));
    expect(r).toMatchObject({ segmentName: 'orders_1', status: 200, attempts: 3 });
    expect(controller.uploads.slice(-3).map((u) => [u.partName, u.status])).toEqual([
      ['orders_1', 503],
      ['orders_1', 503],
      ['orders_1', 200],
    ]);
    // Waits of [20, 100) then [100, 500) ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
  });

  it('gives up after pushAttempts with the last answer', async () => {
    controller.failNext(2, 500, 'Exception while uploading segment: ZK is down');
    const err = await failure<PushError>(pushTarSegments([uris[2] as string], opts({ pushAttempts: 2, pushRetryIntervalMillis: 1 })));
    expect(err).toMatchObject({ status: 500, kind: 'Transient', attempts: 2, controllerError: 'Exception while uploading segment: ZK is down' });
    expect(err.message).toContain('failed after 2 attempts: the controller answered 500 Internal Server Error');
    // Default pushAttempts is 1: no retry.
    controller.failNext(1, 502);
    const once = await failure<PushError>(pushTarSegments([uris[2] as string], opts()));
    expect(once.attempts).toBe(1);
  });

  it('draws delays in [interval*5^k, interval*5^(k+1))', () => {
    expect(retryDelayMs(0, 1000, () => 0)).toBe(1000);
    expect(retryDelayMs(0, 1000, () => 0.999999)).toBe(4999);
    expect(retryDelayMs(1, 1000, () => 0)).toBe(5000);
    expect(retryDelayMs(2, 10, () => 0.5)).toBe(250 + 500);
  });

  it('a refused connection is not retried (Pinot retries answers, not network failures)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const err = await failure<PushError>(pushTarSegments([uris[2] as string], opts({ controllerUris: [`http://127.0.0.1:${port}`], pushAttempts: 3 })));
    expect(err).toMatchObject({ kind: 'Transient', status: undefined, attempts: 1 });
    expect(err.message).toContain('the request did not complete');
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('a failed push stops the batch, and says so', () => {
  it('reports what was pushed and what was not', async () => {
    const d = tmp.make();
    const batch = (await makeSegments(d, 'batch', 3)).map((s) => pathToFileURL(s.tarFile).href);
    const err = await failure<PushError>(
      pushTarSegments(batch, opts({ onSegment: () => controller.failNext(1, 400, 'Segment validation failed: injected') })),
    );
    expect(err.segmentName).toBe('batch_1');
    expect(err.pushed.map((r) => r.segmentName)).toEqual(['batch_0']);
    expect(err.notAttempted).toEqual([batch[2]]);
    expect(err.message).toContain('[1 segment was not pushed; 1 push succeeded before]');
  });

  it('an abort stops the pushes under way', async () => {
    const slow = await startControllerPeer({ tables: [{ tableName: 'orders', tableType: 'OFFLINE' }], uploadDelayMs: 2_000 });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const started = Date.now();
      const err = await failure(pushTarSegments(uris, { controllerUris: [slow.url], tableName: 'orders', registry: reg, signal: ac.signal }));
      expect(err.kind).toBe('Aborted');
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await slow.stop();
    }
  });

  it('refuses bad options before sending anything', async () => {
    expect((await failure(pushTarSegments(uris, { controllerUris: [], tableName: 'orders', registry: reg }))).message).toContain('controllerUris');
    expect((await failure(pushTarSegments(uris, { controllerUris: ['ftp://x'], tableName: 'orders', registry: reg }))).message).toContain('must be http:// or https://');
    expect((await failure(pushTarSegments(uris, { controllerUris: [controller.url], tableName: ' ', registry: reg }))).message).toContain('tableName is required');
  });
});
