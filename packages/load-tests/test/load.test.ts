// Load under faults: for each real peer, 200 concurrent uploads and then 200 concurrent fetches of
// small deterministic files, through @deepstore/fault-proxy (seeded 5xx, resets, delays,
// truncations and stalls) in front of the peer. Every transfer must either complete byte-identical
// (checked directly at the peer, not through the proxy) or fail with a clear DeepstoreError; a
// failed upload must leave no partial object, no open multipart upload (S3) and no open resumable
// session (GCS); and the test process's RSS growth must stay bounded.
//
// Half of the transfers go through an adapter that retries (maxAttempts 4), half through one that
// does not (maxAttempts 1), so both the "recovered" and the "failed clearly" paths are exercised.
// The proxy draws faults from a seeded generator; with 200 transfers in flight, the order in which
// requests reach the proxy varies a little from run to run, so the exact counts of faults vary too
// (the test asserts that faults were injected, not how many).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { patternBytes, peakRssGrowth, readAll } from '@deepstore/conformance';
import type { PinotFS } from '@deepstore/core';
import { startFaultProxy, type FaultProxy, type FaultRule } from '@deepstore/fault-proxy';
import { GcsFileSystem } from '@deepstore/fs-gcs';
import { HdfsFileSystem } from '@deepstore/fs-hdfs';
import { HttpFileSystem } from '@deepstore/fs-http';
import { S3FileSystem } from '@deepstore/fs-s3';
import { startGcsPeer } from '@deepstore/peer-gcs';
import { startNginxPeer } from '@deepstore/peer-nginx';
import { startS3Peer } from '@deepstore/peer-s3';
import { startWebHdfsPeer } from '@deepstore/peer-webhdfs';

const KiB = 1024;
const MiB = 1024 * KiB;
const N = 200;
/** Shifts every proxy's seed: CI runs the fixed schedule (0); soak runs try others. */
const SEED = Number(process.env.DEEPSTORE_LOAD_SEED ?? 0);
/** 64 KiB .. 1 MiB, mostly small: about 60 MiB per direction per peer. */
const SIZES = [64, 64, 128, 128, 256, 512, 1024].map((k) => k * KiB);
const sizeOf = (i: number) => SIZES[i % SIZES.length]! + (i % 5) * 17; // odd sizes too
const dataOf = (i: number) => patternBytes(sizeOf(i), 1000 + i);
/** Peak RSS growth allowed per peer (transfers in flight hold their buffers; peers run in-process). */
const RSS_BOUND = 400 * MiB;

/** Faults: every kind the proxy has, drawn with a seeded probability. */
const RULES: FaultRule[] = [
  { probability: 0.04, fault: { type: 'status', status: 503 } },
  { probability: 0.02, fault: { type: 'status', status: 500 } },
  { probability: 0.03, fault: { type: 'delay', ms: 150 } },
  { method: 'PUT', probability: 0.04, fault: { type: 'reset-request', afterBytes: 16 * KiB } },
  { method: 'GET', probability: 0.04, fault: { type: 'reset-response', afterBytes: 20 * KiB } },
  { method: 'GET', probability: 0.04, fault: { type: 'truncate-response', afterBytes: 30 * KiB } },
  { method: 'GET', probability: 0.01, fault: { type: 'stall-response', afterBytes: 10 * KiB } },
];

interface Target {
  name: string;
  proxies: FaultProxy[];
  /** Through the proxy, retrying. */
  retrying: PinotFS;
  /** Through the proxy, one attempt. */
  once: PinotFS;
  /** Straight to the peer. */
  direct: PinotFS;
  uri(i: number): string;
  /** Lists the upload directory at the peer (names only), bypassing the proxy. */
  listAtPeer(): Promise<string[]>;
  /** Uploads the peer still has open (multipart uploads, resumable sessions); [] when it has none. */
  openUploads(): Promise<unknown[]>;
  secrets: string[];
  stop(): Promise<void>;
}

interface Outcome {
  ok: boolean;
  error?: { kind?: unknown; name: string; message: string };
}

async function settle(p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return { ok: true };
  } catch (e) {
    const err = e as { kind?: unknown; name?: string; message?: string };
    return { ok: false, error: { kind: err.kind, name: String(err.name), message: String(err.message) } };
  }
}

const KINDS = ['Transient'];
function expectClearError(t: Target, o: Outcome, what: string): void {
  const e = o.error!;
  expect(typeof e.kind, `${what}: ${e.name}: ${e.message}`).toBe('string');
  expect(e.name, what).toMatch(/Error$/);
  expect(e.message.length, what).toBeGreaterThan(0);
  for (const s of t.secrets) expect(e.message, what).not.toContain(s);
  expect(e.message, what).not.toMatch(/X-Amz-Signature|Authorization:|Credential=/i);
  // A failure under transport faults must be reported as one, not as e.g. InvalidInput.
  expect(KINDS, `${what}: ${e.message}`).toContain(e.kind);
}

const report: Record<string, unknown> = {};
afterAll(() => {
  console.log(`load summary ${JSON.stringify(report)}`);
});

async function runLoad(t: Target, rules: FaultRule[] = RULES): Promise<void> {
  const faultsBefore = t.proxies.reduce((s, p) => s + p.log().filter((e) => e.fault).length, 0);
  for (const p of t.proxies) p.setRules(rules);
  const t0 = Date.now();
  const { result, growth } = await peakRssGrowth(async () => {
    // 1. 200 concurrent uploads.
    const ups = await Promise.all(
      Array.from({ length: N }, (_, i) => settle((i % 2 ? t.once : t.retrying).write(t.uri(i), dataOf(i), { size: sizeOf(i) }))),
    );
    for (const p of t.proxies) p.setRules([]);
    // Verify at the peer: succeeded -> byte-identical; failed -> absent or complete (a response
    // lost after the store committed the whole object), never partial.
    const listed = new Set(await t.listAtPeer());
    let failedAbsent = 0;
    let failedCommitted = 0;
    for (const [i, o] of ups.entries()) {
      const name = t.uri(i).split('/').pop()!;
      if (o.ok) {
        expect(listed.has(name), `${t.name} upload ${i} listed`).toBe(true);
        expect((await readAll(await t.direct.openRead(t.uri(i)))).equals(dataOf(i)), `${t.name} upload ${i} identical`).toBe(true);
      } else {
        expectClearError(t, o, `${t.name} upload ${i}`);
        if (listed.has(name)) {
          failedCommitted += 1;
          expect((await readAll(await t.direct.openRead(t.uri(i)))).equals(dataOf(i)), `${t.name} failed upload ${i} is not partial`).toBe(true);
        } else failedAbsent += 1;
      }
    }
    // Nothing but the expected names (no temporaries, no partial objects) at the peer.
    const expected = new Set(Array.from({ length: N }, (_, i) => t.uri(i).split('/').pop()!));
    expect([...listed].filter((n) => !expected.has(n)), `${t.name} unexpected entries`).toEqual([]);
    expect(await t.openUploads(), `${t.name} open uploads`).toEqual([]);

    // 2. Make every file present (directly), then 200 concurrent fetches through the proxy.
    await Promise.all(ups.map(async (o, i) => (listed.has(t.uri(i).split('/').pop()!) ? undefined : t.direct.write(t.uri(i), dataOf(i)))));
    for (const p of t.proxies) p.setRules(rules);
    const gets = await Promise.all(
      Array.from({ length: N }, async (_, i): Promise<Outcome> => {
        try {
          const got = await readAll(await (i % 2 ? t.once : t.retrying).openRead(t.uri(i)));
          // A fetch that "succeeds" with different bytes is the one outcome never allowed.
          expect(got.equals(dataOf(i)), `${t.name} fetch ${i} identical (${got.length} of ${sizeOf(i)} bytes)`).toBe(true);
          return { ok: true };
        } catch (e) {
          if ((e as Error).name === 'AssertionError') throw e;
          return settle(Promise.reject(e));
        }
      }),
    );
    for (const p of t.proxies) p.setRules([]);
    for (const [i, o] of gets.entries()) if (!o.ok) expectClearError(t, o, `${t.name} fetch ${i}`);
    return {
      uploads: { ok: ups.filter((o) => o.ok).length, failedAbsent, failedCommitted },
      fetches: { ok: gets.filter((o) => o.ok).length, failed: gets.filter((o) => !o.ok).length },
    };
  });
  const faults = t.proxies.reduce((s, p) => s + p.log().filter((e) => e.fault).length, 0) - faultsBefore;
  const byType: Record<string, number> = {};
  for (const p of t.proxies) for (const e of p.log()) if (e.fault) byType[e.fault] = (byType[e.fault] ?? 0) + 1;
  report[t.name] = { ...result, faults, byType, rssGrowthMiB: Math.round(growth / MiB), ms: Date.now() - t0 };
  expect(faults, `${t.name}: faults injected`).toBeGreaterThan(10);
  expect(result.uploads.ok, `${t.name}: most retried uploads succeed`).toBeGreaterThan(N / 2 - 10);
  expect(result.fetches.ok, `${t.name}: most retried fetches succeed`).toBeGreaterThan(N / 2 - 10);
  expect(growth, `${t.name}: RSS growth ${Math.round(growth / MiB)} MiB`).toBeLessThan(RSS_BOUND);
  await t.stop();
}

describe('200 concurrent uploads and fetches per peer, through a fault proxy', () => {
  it('nginx WebDAV (fs-http)', async () => {
    const peer = await startNginxPeer();
    const proxy = await startFaultProxy({ target: peer.httpUrl, seed: SEED + 101 });
    const mk = async (attempts: string) => {
      const fs = new HttpFileSystem();
      await fs.init({ socketTimeout: '1500', maxAttempts: attempts });
      return fs;
    };
    const retrying = await mk('4');
    const once = await mk('1');
    const direct = await mk('4');
    await direct.mkdir(`${peer.httpUrl}/load/`);
    const dirOnDisk = path.join(peer.root, 'load');
    await runLoad({
      name: 'nginx',
      proxies: [proxy],
      retrying,
      once,
      direct,
      uri: (i) => `${proxy.url}/load/f${i}.bin`,
      // Straight from nginx's root directory: shows temporaries too.
      listAtPeer: async () => readdirSync(dirOnDisk),
      openUploads: async () => [],
      secrets: [],
      stop: async () => {
        await Promise.all([retrying.close(), once.close(), direct.close()]);
        await proxy.stop();
        await peer.stop();
      },
    });
  });

  it('S3 peer (fs-s3)', async () => {
    const peer = await startS3Peer({ buckets: ['load'] });
    const proxy = await startFaultProxy({ target: peer.endpoint, seed: SEED + 202 });
    const base = { region: peer.region, accessKey: peer.accessKeyId, secretKey: peer.secretAccessKey, socketTimeout: '1500' };
    const mk = async (endpoint: string, attempts: string) => {
      const fs = new S3FileSystem();
      await fs.init({ ...base, endpoint, maxAttempts: attempts });
      return fs;
    };
    const retrying = await mk(proxy.url, '4');
    const once = await mk(proxy.url, '1');
    const direct = await mk(peer.endpoint, '4');
    await runLoad({
      name: 's3',
      proxies: [proxy],
      retrying,
      once,
      direct,
      uri: (i) => `s3://load/up/f${i}.bin`,
      listAtPeer: async () => (await direct.list('s3://load/up/')).map((u) => u.split('/').pop()!),
      openUploads: () => peer.openMultipartUploads('load'),
      secrets: [peer.secretAccessKey],
      stop: async () => {
        await Promise.all([retrying.close(), once.close(), direct.close()]);
        await proxy.stop();
        await peer.stop();
      },
    });
  });

  it('S3 peer (fs-s3), multipart uploads', async () => {
    // The small files above are single PUTs; here 12 concurrent 6 MiB streams (two parts each at
    // the 5 MB minimum) with faults on the part uploads, then no multipart upload may stay open.
    const peer = await startS3Peer({ buckets: ['load'] });
    const proxy = await startFaultProxy({ target: peer.endpoint, seed: SEED + 203 });
    const base = { region: peer.region, accessKey: peer.accessKeyId, secretKey: peer.secretAccessKey, socketTimeout: '1500', multiPartUploadPartSize: '5MB', multiPartUploadConcurrency: '2' };
    const once = new S3FileSystem();
    await once.init({ ...base, endpoint: proxy.url, maxAttempts: '1' });
    const direct = new S3FileSystem();
    await direct.init({ ...base, endpoint: peer.endpoint });
    try {
      proxy.setRules([
        { method: 'PUT', path: /partNumber=2/, probability: 0.5, fault: { type: 'reset-request', afterBytes: 256 * KiB } },
        { method: 'POST', path: /uploadId=/, probability: 0.2, fault: { type: 'status', status: 503 } },
      ]);
      const M = 12;
      const big = (i: number) => patternBytes(6 * MiB + i, 3000 + i);
      const outcomes = await Promise.all(Array.from({ length: M }, (_, i) => settle(once.write(`s3://load/mp/f${i}.bin`, big(i)))));
      proxy.setRules([]);
      const listed = new Set((await direct.list('s3://load/mp/')).map((u) => u.split('/').pop()!));
      for (const [i, o] of outcomes.entries()) {
        if (o.ok || listed.has(`f${i}.bin`)) expect((await readAll(await direct.openRead(`s3://load/mp/f${i}.bin`))).equals(big(i))).toBe(true);
        if (!o.ok) expect(o.error!.message).not.toContain(peer.secretAccessKey);
      }
      // Aborts run after the failure is reported; give them a moment.
      for (let k = 0; k < 20 && (await peer.openMultipartUploads('load')).length > 0; k++) await new Promise((r) => setTimeout(r, 100));
      expect(await peer.openMultipartUploads('load')).toEqual([]);
      report['s3-multipart'] = { uploads: M, ok: outcomes.filter((o) => o.ok).length, faults: proxy.log().filter((e) => e.fault).length };
      expect(outcomes.some((o) => !o.ok)).toBe(true);
    } finally {
      await once.close();
      await direct.close();
      await proxy.stop();
      await peer.stop();
    }
  });

  it('WebHDFS peer (fs-hdfs), proxies in front of the namenode and the datanode', async () => {
    const peer = await startWebHdfsPeer();
    await peer.mkdirs('/load', { owner: 'alice', permission: '755' });
    const nnProxy = await startFaultProxy({ target: peer.namenode, seed: SEED + 303 });
    const dnProxy = await startFaultProxy({ target: peer.datanode, seed: SEED + 304 });
    peer.advertiseDatanode(dnProxy.url);
    const mk = async (namenodes: string, attempts: string) => {
      const fs = new HdfsFileSystem();
      await fs.init({ namenodes, user: 'alice', socketTimeout: '1500', maxAttempts: attempts });
      return fs;
    };
    const retrying = await mk(nnProxy.url, '4');
    const once = await mk(nnProxy.url, '1');
    // Direct reads still follow the redirect to the advertised datanode; faults are off while verifying.
    const direct = await mk(peer.namenode, '4');
    await runLoad({
      name: 'webhdfs',
      proxies: [nnProxy, dnProxy],
      retrying,
      once,
      direct,
      uri: (i) => `hdfs://nn:8020/load/f${i}.bin`,
      listAtPeer: async () => (await direct.list('hdfs://nn:8020/load')).map((u) => u.split('/').pop()!),
      openUploads: async () => [],
      secrets: [],
      stop: async () => {
        await Promise.all([retrying.close(), once.close(), direct.close()]);
        await nnProxy.stop();
        await dnProxy.stop();
        await peer.stop();
      },
    });
  });

  // 9-24 s alone (the client's upload backoff); more beside other test files.
  it('GCS peer (fs-gcs), resumable uploads above 256 KiB', async () => {
    const peer = await startGcsPeer({ buckets: ['load'] });
    const proxy = await startFaultProxy({ target: peer.endpoint, seed: SEED + 404 });
    const base = { projectId: peer.projectId, resumableThreshold: String(256 * KiB), chunkSize: String(256 * KiB), timeout: '1500' };
    const mk = async (apiEndpoint: string, retries: string) => {
      const fs = new GcsFileSystem();
      await fs.init({ ...base, apiEndpoint, maxRetries: retries });
      return fs;
    };
    const retrying = await mk(proxy.url, '4');
    const once = await mk(proxy.url, '0');
    const direct = await mk(peer.endpoint, '4');
    await runLoad({
      name: 'gcs',
      proxies: [proxy],
      retrying,
      once,
      direct,
      uri: (i) => `gs://load/up/f${i}.bin`,
      listAtPeer: async () => (await direct.list('gs://load/up/')).map((u) => u.split('/').pop()!),
      openUploads: async () => peer.openResumableUploads(),
      // (A chunk reset mid-body used to surface as 'Unexpected' with "The offset is lower than the
      // number of bytes written ... Initiate a new upload"; toGcsError now reports it as Transient.
      // A failed session's cancel can meet a fault too: it is retried, and no session may be left.)
      secrets: [],
      stop: async () => {
        await Promise.all([retrying.close(), once.close(), direct.close()]);
        await proxy.stop();
        await peer.stop();
      },
      // Stalls are left out to keep the run under ~10 s (each costs the 1.5 s timeout plus the
      // client's backoff); the GCS stall path is covered by packages/fs-gcs/test/faults.test.ts.
    }, RULES.filter((r) => r.fault.type !== 'stall-response'));
  }, 120_000);

  // Regression (fs-gcs): reads used to go through @google-cloud/storage's File.createReadStream,
  // which destroys the HTTP agent it shares with every request of the Storage instance whenever a
  // read stream errors. One truncated response then failed most of 100 concurrent reads (measured:
  // 2 truncations -> 90 failed). Reads now use fs-gcs's own undici pool: with maxRetries 0 exactly
  // the truncated media responses fail, and with retries every read completes byte-identical.
  it('GCS: one truncated response fails one read, not its neighbours', async () => {
    const peer = await startGcsPeer({ buckets: ['load'] });
    const proxy = await startFaultProxy({ target: peer.endpoint, seed: 1 });
    const fs = new GcsFileSystem();
    await fs.init({ projectId: peer.projectId, apiEndpoint: proxy.url, maxRetries: '0', timeout: '1500' });
    try {
      await Promise.all(Array.from({ length: 100 }, (_, i) => fs.write(`gs://load/r/f${i}`, patternBytes(300_000, i))));
      const n0 = proxy.log().length;
      // Only media bodies are long enough to be cut at 20,000 bytes; metadata answers are not.
      proxy.setRules([{ method: 'GET', path: /alt=media/, probability: 0.05, fault: { type: 'truncate-response', afterBytes: 20_000 } }]);
      const r = await Promise.allSettled(Array.from({ length: 100 }, async (_, i) => readAll(await fs.openRead(`gs://load/r/f${i}`))));
      const cut = proxy.log().slice(n0).filter((e) => e.fault).map((e) => decodeURIComponent(/o\/([^?]+)/.exec(e.path)![1]!));
      const failed = r.flatMap((x, i) => (x.status === 'rejected' ? [`r/f${i}`] : []));
      report['gcs-truncation-isolation'] = { reads: 100, truncated: cut.length, failed: failed.length };
      expect(cut.length).toBeGreaterThan(0);
      expect(failed.sort()).toEqual(cut.sort());
      for (const [i, x] of r.entries()) {
        if (x.status === 'rejected') expect(String((x.reason as Error).message)).toMatch(/^openRead gs:\/\/load\/r\/f\d+: transient failure/);
        else expect(x.value.equals(patternBytes(300_000, i))).toBe(true);
      }
      // With retries, the same faults cost nothing: every read resumes and completes.
      const retrying = new GcsFileSystem();
      await retrying.init({ projectId: peer.projectId, apiEndpoint: proxy.url, maxRetries: '3', timeout: '1500' });
      try {
        proxy.setRules([{ method: 'GET', path: /alt=media/, probability: 0.05, fault: { type: 'truncate-response', afterBytes: 20_000 } }], 2);
        const all = await Promise.all(Array.from({ length: 100 }, async (_, i) => readAll(await retrying.openRead(`gs://load/r/f${i}`))));
        for (const [i, b] of all.entries()) expect(b.equals(patternBytes(300_000, i))).toBe(true);
      } finally {
        await retrying.close();
      }
    } finally {
      await fs.close();
      await proxy.stop();
      await peer.stop();
    }
  });
});
