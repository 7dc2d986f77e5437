// Settings: Pinot's keys and defaults, the backoff formula, auth headers, errors naming the key.
import { describe, expect, it } from 'vitest';
import { AttemptBudget, SegmentFetcherFactory, backoffDelayMs, parseAuth, parseFetcherSettings, parseHttpSettings } from '@deepstore/fetcher';

describe('settings', () => {
  it("uses Pinot's retry defaults: 3 attempts, 100 ms, factor 5", () => {
    const s = parseFetcherSettings({});
    expect([s.retryCount, s.retryWaitMs, s.retryDelayScaleFactor]).toEqual([3, 100, 5]);
    expect(s.maxExtractedBytes).toBe(8 * 1024 ** 3);
    expect(s.rateLimitBytesPerSec).toBe(0);
    expect(parseFetcherSettings({ 'rate.limit.bytes.per.sec': '-1' }).rateLimitBytesPerSec).toBe(0);
  });

  it('draws the wait after failed attempt i from [w*f^i, w*f^(i+1)) as ExponentialBackoffRetryPolicy does', () => {
    expect([0, 1, 2].map((i) => backoffDelayMs(i, 100, 5, () => 0))).toEqual([100, 500, 2500]);
    expect([0, 1, 2].map((i) => backoffDelayMs(i, 100, 5, () => 0.999999))).toEqual([499, 2499, 12499]);
    expect(backoffDelayMs(3, 100, 1, () => 0.7)).toBe(100); // an empty range: exactly the minimum
    expect(backoffDelayMs(0, 0, 5, () => 0.7)).toBe(0);
  });

  it('counts attempts like BaseRetryPolicy: retry.count is the total, the first one included', async () => {
    const b = new AttemptBudget({ attempts: 3, waitMs: 1, scaleFactor: 2 });
    const granted = [await b.next(), await b.next(new Error('a')), await b.next(new Error('b')), await b.next(new Error('c'))];
    expect(granted).toEqual([true, true, true, false]);
    expect(b.attempts).toBe(3);
    const ac = new AbortController();
    const slow = new AttemptBudget({ attempts: 3, waitMs: 10_000, scaleFactor: 1, signal: ac.signal });
    await slow.next();
    const waiting = slow.next(new Error('x'));
    setTimeout(() => ac.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ kind: 'Aborted' }); // an abort cuts the backoff wait
  });

  it("builds the auth header as Pinot's StaticTokenAuthProvider", () => {
    expect(parseAuth({ 'auth.token': 'abc' })).toEqual({ Authorization: 'Basic abc' });
    expect(parseAuth({ 'auth.token': 'Basic abc' })).toEqual({ Authorization: 'Basic abc' });
    expect(parseAuth({ 'auth.token': 'xyz', 'auth.prefix': 'Bearer', 'auth.header': 'X-Auth' })).toEqual({ 'X-Auth': 'Bearer xyz' });
    expect(() => parseAuth({ 'auth.prefix': 'Bearer' })).toThrow(/no "auth.token"/);
    expect(() => parseAuth({ 'auth.provider.class': 'org.x.Y', 'auth.token': 's3cr3t' })).toThrow(/auth\.provider\.class/);
    expect(() => parseAuth({ 'auth.token': 'a\r\nX-Injected: 1' })).toThrow(/line break/);
    try {
      parseAuth({ 'auth.token': 'TOKEN-VALUE', 'auth.header': 'bad header' });
    } catch (err) {
      expect(String(err)).not.toContain('TOKEN-VALUE');
    }
  });

  it('names the key of a bad value', () => {
    expect(() => parseFetcherSettings({ 'retry.count': 'abc' })).toThrow(/setting "retry.count" must be an integer from 1/);
    expect(() => parseFetcherSettings({ 'retry.delay.scale.factor': '0.5' })).toThrow(/"retry.delay.scale.factor"/);
    expect(() => parseFetcherSettings({ 'untar.max.bytes': '1e3x' })).toThrow(/"untar.max.bytes"/);
    expect(() => parseHttpSettings({ 'ssl.server.ca-cert': '/nonexistent/ca.pem' })).toThrow(/"ssl.server.ca-cert" names a file that cannot be read/);
    expect(() => parseHttpSettings({ 'ssl.server.enable-verification': 'maybe' })).toThrow(/"ssl.server.enable-verification"/);
    expect(() => parseHttpSettings({ 'http.request.socketTimeoutMs': '-5' })).toThrow(/"http.request.socketTimeoutMs"/);
  });

  it('reports factory configuration errors with the full key', async () => {
    const f = new SegmentFetcherFactory();
    await expect(f.init({ 'retry.count': '0' })).rejects.toThrow(/setting "retry.count"/);
    await expect(f.init({ protocols: 's3', 's3.retry.wait.ms': 'soon' })).rejects.toThrow(/setting "s3.retry.wait.ms" must be an integer/);
    await expect(f.init({ protocols: 'http', 'http.ssl.client.pkcs12.file': '/x.p12' })).rejects.toThrow(/"http.ssl.client.pkcs12.file"/);
    await expect(f.init({ protocols: 'no way' })).rejects.toThrow(/setting "protocols"/);
    await f.close();
  });
});
