#!/usr/bin/env node
// Fetches a segment through a custom fetcher plugin registered by configuration.
//
//   node run.js [SEGMENT_TARBALL]
//
// Without an argument it makes a small Pinot-shaped segment tarball (tar czf). It stores the
// tarball in a content-addressed store under a temp dir, then streams cas://sha256/<digest> into a
// safe extraction with SegmentFetcherFactory, configured as a Pinot server would be:
// protocols=cas, cas.class=<this folder>/cas-fetcher.js, cas.root=<store>.
// Last, it shows what a damaged blob does: every attempt fails its digest check, nothing is left.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SegmentFetcherFactory } from '@deepstore/fetcher';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-cas-'));
try {
  const tarball = process.argv[2] ? path.resolve(process.argv[2]) : await makeSampleTarball(work);
  const store = path.join(work, 'store');
  const digest = createHash('sha256').update(await readFile(tarball)).digest('hex');
  await mkdir(path.join(store, 'sha256', digest.slice(0, 2)), { recursive: true });
  await copyFile(tarball, path.join(store, 'sha256', digest.slice(0, 2), digest));

  const factory = new SegmentFetcherFactory();
  await factory.init({
    protocols: 'cas',
    'cas.class': path.join(here, 'cas-fetcher.js'),
    'cas.root': store,
    'cas.retry.count': '2',
    'cas.retry.wait.ms': '50',
  });
  const uri = `cas://sha256/${digest}`;
  const dest = path.join(work, 'segments');
  console.log(`fetcher     ${factory.getFetcher('cas').constructor.name} (protocols=cas, cas.class=cas-fetcher.js)`);
  console.log(`fetching    ${uri}`);
  const dir = await factory.fetchUntarToLocal(uri, dest);
  console.log(`segment dir ${dir}`);
  for (const rel of (await readdir(dir, { recursive: true })).sort()) {
    const st = await stat(path.join(dir, rel));
    console.log(`  ${st.isDirectory() ? 'd' : '-'} ${String(st.size).padStart(9)}  ${rel}`);
  }
  console.log('segment fetched OK: the blob matched its digest and was extracted safely');

  // A damaged blob: same name, one byte changed.
  const blob = path.join(store, 'sha256', digest.slice(0, 2), digest);
  const bytes = await readFile(blob);
  bytes[bytes.length >> 1] ^= 0xff;
  await writeFile(blob, bytes);
  const again = path.join(work, 'segments-2');
  try {
    await factory.fetchUntarToLocal(uri, again, { onRetry: (r) => console.log(`  retry ${r.attempt} in ${r.delayMs} ms`) });
    console.log('damaged blob was NOT detected');
    process.exitCode = 1;
  } catch (err) {
    const left = await readdir(again).catch(() => []);
    console.log(`damaged blob refused: ${err.message}`);
    console.log(`left behind under ${path.basename(again)}/: ${left.length === 0 ? 'nothing' : left.join(', ')}`);
  }
  await factory.close();
} finally {
  await rm(work, { recursive: true, force: true });
}

async function makeSampleTarball(dir) {
  const seg = path.join(dir, 'src', 'airlineStats_OFFLINE_0');
  await mkdir(path.join(seg, 'v3'), { recursive: true });
  await writeFile(path.join(seg, 'v3', 'columns.psf'), createHash('sha256').update('x').digest().toString('hex').repeat(40_000));
  await writeFile(path.join(seg, 'v3', 'index_map'), 'Carrier.dictionary.startOffset = 0\nCarrier.dictionary.size = 180\n');
  await writeFile(path.join(seg, 'v3', 'metadata.properties'), 'segment.name = airlineStats_OFFLINE_0\nsegment.total.docs = 9746\n');
  await writeFile(path.join(seg, 'v3', 'creation.meta'), Buffer.from([0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]));
  const out = path.join(dir, 'airlineStats_OFFLINE_0.tar.gz');
  await promisify(execFile)('tar', ['-czf', out, '-C', path.dirname(seg), path.basename(seg)]);
  return out;
}
