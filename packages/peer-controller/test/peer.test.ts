import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginxPeer, type NginxPeer } from '@deepstore/peer-nginx';
import { startControllerPeer, type ControllerPeer } from '../src/index.js';
import { TempDirs, curl, gnuTar, makeSegment, metadataTarball } from './helpers.js';

const tmp = new TempDirs();
let peer: ControllerPeer;
let nginx: NginxPeer;
let segDir: string;
let seg1: string; // orders_1.tar.gz
let seg2: string; // orders_2.tar.gz

beforeAll(async () => {
  segDir = tmp.make();
  seg1 = (await makeSegment(segDir, 'orders_1', [20000, 20001])).tarFile;
  seg2 = (await makeSegment(segDir, 'orders_2', [20002])).tarFile;
  peer = await startControllerPeer({
    tables: [
      { tableName: 'orders', tableType: 'OFFLINE', timeColumnName: 'day' },
      { tableName: 'events_REALTIME', tableType: 'REALTIME' },
      { tableName: 'timed', tableType: 'OFFLINE', timeColumnName: 'ts' },
    ],
  });
  nginx = await startNginxPeer();
});
afterAll(async () => {
  await peer?.stop();
  await nginx?.stop();
  tmp.cleanup();
});

const upload = (query: string) => `${peer.url}/v2/segments?${query}`;

describe('TAR (SEGMENT) uploads, checked with curl -F', () => {
  it('stores the segment, answers as the controller does, and serves it back', async () => {
    const a = await curl(['-F', `orders_1=@${seg1}`, upload('tableName=orders&tableType=OFFLINE')]);
    expect(a.status).toBe(200);
    expect(a.json).toEqual({ status: 'Successfully uploaded segment: orders_1 of table: orders_OFFLINE' });
    const rec = peer.uploads.at(-1);
    expect(rec).toMatchObject({ uploadType: 'SEGMENT', tableName: 'orders', tableType: 'OFFLINE', tableNameWithType: 'orders_OFFLINE', segmentName: 'orders_1', partName: 'orders_1', parts: 1, status: 200 });
    const stored = peer.segments.find((s) => s.segmentName === 'orders_1');
    expect(stored?.downloadUrl).toBe(`${peer.url}/segments/orders/orders_1`);
    expect(stored?.crc).toBe(rec?.crc);
    const out = join(tmp.make(), 'back.tar.gz');
    const got = await curl(['-o', out, stored!.downloadUrl]);
    expect(got.status).toBe(200);
    expect(readFileSync(out).equals(readFileSync(seg1))).toBe(true);
  });

  it('409 when the segment exists and refresh is off; 412 on a wrong If-Match; refresh otherwise', async () => {
    const conflict = await curl(['-F', `orders_1=@${seg1}`, upload('tableName=orders&allowRefresh=false')]);
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual({ code: 409, error: 'Segment: orders_1 already exists in table: orders_OFFLINE. Refresh not permitted.' });
    const crc = peer.segments.find((s) => s.segmentName === 'orders_1')!.crc;
    const wrong = await curl(['-H', 'If-Match: 12345', '-F', `orders_1=@${seg1}`, upload('tableName=orders')]);
    expect(wrong.status).toBe(412);
    expect(wrong.json?.error).toBe(`For segment: orders_1 of table: orders_OFFLINE, expected CRC: 12345 does not match existing CRC: ${crc}`);
    const garbage = await curl(['-H', 'If-Match: abc', '-F', `orders_1=@${seg1}`, upload('tableName=orders')]);
    expect(garbage.json).toEqual({ code: 412, error: 'Caught exception for segment: orders_1 of table: orders_OFFLINE while parsing IF-MATCH CRC: "abc"' });
    const ok = await curl(['-H', `If-Match: ${crc}`, '-F', `orders_1=@${seg1}`, upload('tableName=orders')]);
    expect(ok.status).toBe(200);
    expect(peer.segments.find((s) => s.segmentName === 'orders_1')?.refreshTime).toBeGreaterThan(0);
  });

  it('refuses a form without exactly one file part, and a REFRESH_ONLY upload of a new segment', async () => {
    const two = await curl(['-F', `a=@${seg1}`, '-F', `b=@${seg2}`, upload('tableName=orders')]);
    expect(two.json).toEqual({ code: 400, error: 'Invalid multi-part form for segment metadata' });
    const notSegment = await curl(['-F', 'x=hello', upload('tableName=orders')]);
    expect(notSegment.status).toBe(500);
    expect(notSegment.json?.error).toMatch(/^Exception while uploading segment: /);
    const gone = await curl(['-H', 'REFRESH_ONLY: true', '-F', `orders_2=@${seg2}`, upload('tableName=orders')]);
    expect(gone.json).toEqual({ code: 410, error: 'Cannot refresh non-existing segment: orders_2 for table: orders_OFFLINE' });
  });

  it('answers 400 for an unknown table or a type mismatch, 500 for an unknown type, 403 without a time interval', async () => {
    expect((await curl(['-F', `orders_2=@${seg2}`, upload('tableName=nope')])).json).toEqual({ code: 400, error: 'Failed to find table: nope_OFFLINE' });
    expect((await curl(['-F', `orders_2=@${seg2}`, upload('tableName=orders_REALTIME&tableType=OFFLINE')])).json).toEqual({
      code: 400,
      error: 'Table name: orders_REALTIME does not match table type: OFFLINE',
    });
    expect((await curl(['-F', `orders_2=@${seg2}`, upload('tableName=orders&tableType=HYBRID')])).json).toEqual({
      code: 500,
      error: 'No enum constant org.apache.pinot.spi.config.table.TableType.HYBRID',
    });
    // A REALTIME table without a time column takes a segment; the type comes from the query.
    expect((await curl(['-F', `orders_2=@${seg2}`, upload('tableName=events&tableType=REALTIME')])).json?.status).toBe(
      'Successfully uploaded segment: orders_2 of table: events_REALTIME',
    );
    const noTime = (await makeSegment(tmp.make(), 'untimed_1', [1], { timeColumn: null })).tarFile;
    expect((await curl(['-F', `untimed_1=@${noTime}`, upload('tableName=timed')])).json).toEqual({
      code: 403,
      error: 'Failed to find time interval in segment: untimed_1 for table: timed_OFFLINE with time column: ts',
    });
    const early = (await makeSegment(tmp.make(), 'orders_early', [1, 2], { checkTimeRange: false })).tarFile;
    expect((await curl(['-F', `orders_early=@${early}`, upload('tableName=orders')])).json).toEqual({
      code: 403,
      error:
        'Invalid segment start/end time: 1970-01-02T00:00:00.000Z/1970-01-03T00:00:00.000Z (in millis: 86400000/172800000) for segment: orders_early ' +
        'of table: orders_OFFLINE, must be between: 1971-01-01T00:00:00.000Z/2071-01-01T00:00:00.000Z',
    });
  });

  it('refuses a segment whose files do not give its CRC (this peer checks what the controller does not)', async () => {
    const work = tmp.make();
    await gnuTar(['xzf', seg2], work);
    const psf = join(work, 'orders_2', 'v3', 'columns.psf');
    const bytes = readFileSync(psf);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(psf, bytes);
    await gnuTar(['czf', 'bad.tar.gz', 'orders_2'], work);
    const a = await curl(['-F', `orders_2=@${join(work, 'bad.tar.gz')}`, upload('tableName=orders')]);
    expect(a.status).toBe(400);
    expect(a.json?.error).toMatch(/^Segment verification failed for segment: orders_2 of table: orders_OFFLINE: .*CRC mismatch/);
  });
});

describe('URI and METADATA uploads', () => {
  it('URI: refuses file:, fetches http(s) itself', async () => {
    const json = ['-X', 'POST', '-H', 'Content-Type: application/json', '-H', 'UPLOAD_TYPE: URI'];
    const file = pathToFileURL(seg2).href;
    expect((await curl([...json, '-H', `DOWNLOAD_URI: ${file}`, upload('tableName=orders')])).json).toEqual({ code: 400, error: `Unsupported URI: ${file}` });
    expect((await curl([...json, upload('tableName=orders')])).json).toEqual({
      code: 400,
      error: "Source download URI is required in header field 'DOWNLOAD_URI' for URI upload mode",
    });
    mkdirSync(join(nginx.root, 'segs'), { recursive: true });
    copyFileSync(seg2, join(nginx.root, 'segs', 'orders_2.tar.gz'));
    const a = await curl([...json, '-H', `DOWNLOAD_URI: ${nginx.httpUrl}/segs/orders_2.tar.gz`, upload('tableName=orders')]);
    expect(a.json).toEqual({ status: 'Successfully uploaded segment: orders_2 of table: orders_OFFLINE' });
    expect(peer.uploads.at(-1)).toMatchObject({ uploadType: 'URI', downloadUri: `${nginx.httpUrl}/segs/orders_2.tar.gz`, parts: 0 });
    // The v2 endpoint copies it into the controller's data dir.
    expect(peer.segments.find((s) => s.tableNameWithType === 'orders_OFFLINE' && s.segmentName === 'orders_2')?.downloadUrl).toBe(`${peer.url}/segments/orders/orders_2`);
    const missing = await curl([...json, '-H', `DOWNLOAD_URI: ${nginx.httpUrl}/segs/nope.tar.gz`, upload('tableName=orders')]);
    expect(missing.status).toBe(500);
    expect(missing.json?.error).toContain('Exception while uploading segment: Failed to download segment from');
  });

  it('METADATA: keeps the DOWNLOAD_URI, or copies the segment into the data dir with COPY_SEGMENT_TO_DEEP_STORE', async () => {
    const work = tmp.make();
    const seg = (await makeSegment(work, 'orders_3', [20010])).tarFile;
    const meta = await metadataTarball(seg, 'orders_3', work);
    const where = pathToFileURL(seg).href;
    const h = ['-H', 'UPLOAD_TYPE: METADATA', '-H', `DOWNLOAD_URI: ${where}`];
    const a = await curl([...h, '-H', 'COPY_SEGMENT_TO_DEEP_STORE: false', '-F', `orders_3=@${meta}`, upload('tableName=orders&enableParallelPushProtection=true')]);
    expect(a.json).toEqual({ status: 'Successfully uploaded segment: orders_3 of table: orders_OFFLINE' });
    let stored = peer.segments.find((s) => s.segmentName === 'orders_3');
    expect(stored).toMatchObject({ downloadUrl: where, location: undefined, uploadStartTime: -1 });
    expect(peer.uploads.at(-1)).toMatchObject({ uploadType: 'METADATA', copyToDeepStore: false, enableParallelPushProtection: true });

    const b = await curl([...h, '-H', 'COPY_SEGMENT_TO_DEEP_STORE: true', '-F', `orders_3=@${meta}`, upload('tableName=orders')]);
    expect(b.status).toBe(200);
    stored = peer.segments.find((s) => s.segmentName === 'orders_3');
    expect(stored?.downloadUrl).toBe(`${peer.url}/segments/orders/orders_3`);
    expect(readFileSync(fileURLToPath(stored!.location!)).equals(readFileSync(seg))).toBe(true);

    // Metadata of one segment with the DOWNLOAD_URI of another: refused by this peer's check.
    const other = await curl([...h.slice(0, 2), '-H', `DOWNLOAD_URI: ${pathToFileURL(seg1).href}`, '-F', `orders_3=@${meta}`, upload('tableName=orders')]);
    expect(other.status).toBe(400);
    expect(other.json?.error).toContain('the segment at DOWNLOAD_URI is orders_1');
    const noUri = await curl([...h.slice(0, 2), '-F', `orders_3=@${meta}`, upload('tableName=orders')]);
    expect(noUri.json?.error).toBe("Source download URI is required in header field 'DOWNLOAD_URI' for METADATA upload mode");
  });
});

describe('access control, injected failures, other paths and the CLI', () => {
  it('401 without a known token, 403 for a table the token may not write', async () => {
    const secured = await startControllerPeer({
      tables: [{ tableName: 'orders', tableType: 'OFFLINE' }, { tableName: 'other', tableType: 'OFFLINE' }],
      auth: [{ token: 'Basic YWRtaW46dmVyeXNlY3JldA==', tables: ['orders'] }],
    });
    try {
      const none = await curl(['-F', `orders_1=@${seg1}`, `${secured.url}/v2/segments?tableName=orders`]);
      expect(none.json).toEqual({ code: 401, error: 'HTTP 401 Unauthorized' });
      const auth = ['-H', 'Authorization: Basic YWRtaW46dmVyeXNlY3JldA'];
      expect((await curl([...auth, '-F', `orders_1=@${seg1}`, `${secured.url}/v2/segments?tableName=other`])).json).toEqual({
        code: 403,
        error: "Permission is denied for CREATE '/v2/segments' for table 'other'",
      });
      expect((await curl([...auth, '-F', `orders_1=@${seg1}`, `${secured.url}/v2/segments?tableName=orders`])).status).toBe(200);
      expect(secured.uploads.map((u) => u.authorization)).toEqual([false, true, true]);
    } finally {
      await secured.stop();
    }
  });

  it('answers injected 5xx first, 415 for other content types and 404 elsewhere', async () => {
    peer.failNext(1);
    const a = await curl(['-F', `orders_1=@${seg1}`, upload('tableName=orders')]);
    expect(a.json).toEqual({ code: 503, error: 'Exception while uploading segment: injected failure' });
    expect((await curl(['-F', `orders_1=@${seg1}`, upload('tableName=orders')])).status).toBe(200);
    expect((await curl(['-X', 'POST', '-H', 'Content-Type: text/plain', '--data', 'x', upload('tableName=orders')])).status).toBe(415);
    expect((await curl([`${peer.url}/tables`])).json).toEqual({ code: 404, error: 'HTTP 404 Not Found' });
    expect(peer.inFlight).toBe(0);
  });

  it('the CLI prints its address and stops on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, '--table', 'orders:OFFLINE:day', '--no-refresh'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] as string);
      });
      child.on('exit', (code) => reject(new Error(`cli exited with ${code}`)));
    });
    const info = JSON.parse(line) as { url: string; tables: string[] };
    expect(info.tables).toEqual(['orders_OFFLINE']);
    expect((await curl(['-F', `orders_1=@${seg1}`, `${info.url}/v2/segments?tableName=orders`])).status).toBe(200);
    expect((await curl(['-F', `orders_1=@${seg1}`, `${info.url}/v2/segments?tableName=orders`])).status).toBe(409);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
