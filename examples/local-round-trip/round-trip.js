#!/usr/bin/env node
// The main job until segments land: push a folder into a local deep store (a directory on
// disk or an NFS mount, addressed by a file: URI), list it, fetch it back and verify every byte.
//
//   node round-trip.js [SOURCE_DIR] [DEEP_STORE_DIR]
//
// Without arguments it makes a small sample folder (segment-like files) in a temp directory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileSystemRegistry, copyAcross, joinUri, relativePath } from '@deepstore/core';

const [sourceArg, storeArg] = process.argv.slice(2);
const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-demo-'));
const source = sourceArg ? path.resolve(sourceArg) : await makeSample(path.join(work, 'airlineStats'));
const storeUri = pathToFileURL(path.resolve(storeArg ?? path.join(work, 'deep-store'))).href;
const back = path.join(work, 'fetched');

// Plugins resolve from this package's dependencies (here only @deepstore/fs-local).
const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
const target = joinUri(storeUri, 'tables', path.basename(source));
const progress = (label) => (p) => {
  if (process.stderr.isTTY) process.stderr.write(`\r${label} ${p.bytes}/${p.total ?? '?'} bytes`);
};

try {
  console.log(`source      ${source}`);
  console.log(`deep store  ${storeUri}`);
  const t0 = performance.now();
  await copyAcross(pathToFileURL(source), target, { registry, recursive: true, onProgress: progress('push ') });
  const t1 = performance.now();
  if (process.stderr.isTTY) process.stderr.write('\n');

  const fs = await registry.resolve(target);
  const listing = await fs.listWithMetadata(target, { recursive: true });
  console.log(`\n${target}`);
  for (const e of listing) {
    const kind = e.isDirectory ? 'd' : '-';
    console.log(`  ${kind} ${String(e.length).padStart(9)}  ${new Date(e.lastModified).toISOString()}  ${relativePath(target, e.uri)}`);
  }

  await fs.copyToLocal(target, back, { onProgress: progress('fetch') });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const [a, b] = await Promise.all([digestTree(source), digestTree(back)]);
  const same = a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
  const bytes = listing.reduce((n, e) => n + e.length, 0);
  console.log(`\npushed ${listing.filter((e) => !e.isDirectory).length} files (${bytes} bytes) in ${(t1 - t0).toFixed(0)} ms; fetched back to ${back}`);
  if (!same) {
    console.error('round trip FAILED: the fetched tree differs from the source');
    process.exitCode = 1;
  } else {
    console.log('round trip OK: every file came back byte-identical');
  }
} finally {
  await registry.close();
  if (!storeArg) await rm(work, { recursive: true, force: true });
}

/** A folder shaped like a Pinot segment directory, with deterministic content. */
async function makeSample(dir) {
  await mkdir(path.join(dir, 'v3'), { recursive: true });
  const rnd = (n, seed) => createHash('sha256').update(String(seed)).digest().toString('hex').repeat(Math.ceil(n / 64)).slice(0, n);
  await writeFile(path.join(dir, 'v3', 'columns.psf'), rnd(1_500_000, 1));
  await writeFile(path.join(dir, 'v3', 'index_map'), 'Carrier.dictionary.startOffset = 0\nCarrier.dictionary.size = 180\n');
  await writeFile(path.join(dir, 'v3', 'metadata.properties'), 'segment.name = airlineStats_OFFLINE_0\nsegment.total.docs = 9746\n');
  await writeFile(path.join(dir, 'v3', 'creation.meta'), Buffer.from([0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]));
  await writeFile(path.join(dir, 'notes with spaces #1.txt'), 'names with spaces and # survive the trip\n');
  return dir;
}

async function digestTree(root) {
  const out = new Map();
  const walk = async (dir) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else {
        const h = createHash('sha256');
        for await (const c of createReadStream(full)) h.update(c);
        out.set(path.relative(root, full), h.digest('hex'));
      }
    }
  };
  await walk(root);
  return out;
}
