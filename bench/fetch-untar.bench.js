// Segment download streamed into extraction from the nginx peer: fetchUntarToLocal beside
// `curl -s URL | tar xz`, same run, same tarball.
import { createHash } from 'node:crypto';
import { link, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MiB, ROOT, fmt, makeRandomFile, median, mibps, startPeerProcess, timed, timedNode, timedRss } from './lib.js';

export const title = 'Segment fetch: `fetchUntarToLocal` vs `curl | tar xz` (nginx peer)';

const NAME = 'benchTable_OFFLINE_0';

/** A segment-shaped directory of about `size` bytes: mostly incompressible column data, some compressible index data. */
async function makeSegment(dir, size) {
  const v3 = path.join(dir, NAME, 'v3');
  await mkdir(v3, { recursive: true });
  await makeRandomFile(path.join(v3, 'columns.psf'), Math.round(size * 0.6), 31);
  await makeRandomFile(path.join(v3, 'columns.psf.1'), Math.round(size * 0.2), 32);
  // Index-like data: a repeating pattern with some noise, which gzip shrinks a lot.
  const block = Buffer.alloc(MiB);
  const noise = createHash('sha256').update('idx').digest();
  for (let i = 0; i < block.length; i++) block[i] = (i % 251) ^ (i % 4093 === 0 ? noise[i % 32] : 0);
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(path.join(v3, 'star_tree_index'));
  for (let left = Math.round(size * 0.2); left > 0; left -= block.length) {
    if (!out.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  await writeFile(path.join(v3, 'metadata.properties'), `segment.name = ${NAME}\nsegment.total.docs = 50000000\n`);
  await writeFile(path.join(v3, 'index_map'), 'col.forward_index.startOffset = 0\n');
  await writeFile(path.join(v3, 'creation.meta'), Buffer.alloc(8, 1));
}

export async function run({ workDir, log }) {
  const size = Number(process.env.DEEPSTORE_BENCH_FETCH_MB ?? 500) * MiB;
  const rounds = Number(process.env.DEEPSTORE_BENCH_FETCH_ROUNDS ?? 3);
  const dir = path.join(workDir, 'fetch-untar');
  await mkdir(path.join(dir, 'served', 'bench'), { recursive: true });
  const peer = await startPeerProcess(path.join(ROOT, 'packages', 'peer-nginx', 'dist', 'cli.js'), ['--root', path.join(dir, 'served')]);
  const { httpUrl } = peer.info;
  try {
    log(`making a ${size / MiB} MiB segment and its tarball (tar czf)`);
    await makeSegment(path.join(dir, 'src'), size);
    const tarball = path.join(dir, 'seg.tar.gz');
    await timed('tar', ['czf', tarball, '-C', path.join(dir, 'src'), NAME]);
    await link(tarball, path.join(dir, 'served', 'bench', 'seg.tar.gz'));
    const tarSize = (await stat(tarball)).size;
    const url = `${httpUrl}/bench/seg.tar.gz`;
    const child = path.join(ROOT, 'bench', 'fetch-untar-child.js');
    const contenders = {
      deepstore: (dest) => timedNode([child, url, dest]),
      curl: (dest) => timedRss('sh', ['-c', `mkdir -p "${dest}" && curl -sSf "${url}" | tar xz -C "${dest}"`]),
    };
    const seconds = { deepstore: [], curl: [] };
    const rss = { deepstore: [], curl: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? ['curl', 'deepstore'] : ['deepstore', 'curl'];
      for (const who of order) {
        const dest = path.join(dir, `out-${who}`);
        await rm(dest, { recursive: true, force: true });
        await timed('sync', []);
        const res = await contenders[who](dest);
        await timed('diff', ['-r', path.join(dir, 'src', NAME), path.join(dest, NAME)]);
        seconds[who].push(res.seconds);
        rss[who].push(res.rss);
        log(`round ${r + 1}: ${who} ${res.seconds.toFixed(2)} s, peak RSS ${fmt(res.rss / MiB)} MiB`);
        await rm(dest, { recursive: true, force: true });
      }
    }
    const speed = (who) => mibps(tarSize, median(seconds[who]));
    const row = (who, label) => `| ${label} | ${median(seconds[who]).toFixed(2)} | ${fmt(speed(who), 1)} | ${fmt(Math.max(...rss[who]) / MiB)} |`;
    const ratio = speed('deepstore') / speed('curl');
    return {
      summary: { deepstoreOverCurl: ratio, deepstoreSeconds: median(seconds.deepstore), curlSeconds: median(seconds.curl), peakRssMiB: Math.max(...rss.deepstore) / MiB },
      markdown: [
        `A segment directory of ${fmt(size / MiB)} MiB (80% incompressible column data, 20% index-like data) as \`tar czf\` makes it (${fmt(tarSize / MiB)} MiB), served by nginx on 127.0.0.1 over HTTP. ${rounds} rounds in alternating order, median wall time; every extraction checked with \`diff -r\` against the source. \`fetchUntarToLocal\` (a Node process: default settings, download gunzipped straight into the safe extraction, renamed into place when complete) against \`curl -s URL | tar xz\` (curl, tar and gzip as three processes on two cores). MiB/s is of the compressed tarball; peak RSS of deepstore is the Node process, of curl/tar the largest of its processes.`,
        '',
        '| contender | seconds | MiB/s | peak RSS MiB |',
        '|---|---:|---:|---:|',
        row('deepstore', '`fetchUntarToLocal`'),
        row('curl', '`curl -s URL \\| tar xz`'),
        `| **deepstore / curl** | | **${ratio.toFixed(2)}x** | |`,
      ].join('\n'),
    };
  } finally {
    await peer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
