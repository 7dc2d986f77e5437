// Download and upload of a large file against the nginx WebDAV peer: `deepstore cp` beside curl, same run.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MiB, ROOT, fmt, makeRandomFile, median, mibps, startPeerProcess, timed, timedNode, timedRss } from './lib.js';

export const title = 'HTTP/WebDAV: `deepstore cp` vs curl (nginx peer)';

export async function run({ workDir, log }) {
  const size = Number(process.env.DEEPSTORE_BENCH_HTTP_MB ?? 1024) * MiB;
  const rounds = Number(process.env.DEEPSTORE_BENCH_HTTP_ROUNDS ?? 5); // 5: single GiB transfers here vary 2-3x with disk writeback
  const dir = path.join(workDir, 'http');
  await mkdir(dir, { recursive: true });
  const peer = await startPeerProcess(path.join(ROOT, 'packages', 'peer-nginx', 'dist', 'cli.js'), ['--root', path.join(dir, 'served')]);
  const { httpUrl } = peer.info;
  try {
    const src = path.join(dir, 'big.bin');
    log(`writing a ${size / MiB} MiB file`);
    await makeRandomFile(src, size, 21);
    const cli = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
    const tasks = {
      download: {
        deepstore: (out) => timedNode([cli, '--quiet', 'cp', `${httpUrl}/bench/seed.bin`, out]),
        curl: (out) => timedRss('curl', ['-sSf', '-o', out, `${httpUrl}/bench/seed.bin`]),
      },
      upload: {
        deepstore: (_out, key) => timedNode([cli, '--quiet', 'cp', src, `${httpUrl}/bench/${key}.bin`]),
        curl: (_out, key) => timedRss('curl', ['-sSf', '-T', src, `${httpUrl}/bench/${key}.bin`]),
      },
    };
    await timed('curl', ['-sSf', '-T', src, `${httpUrl}/bench/seed.bin`]);
    const results = { download: { deepstore: [], curl: [] }, upload: { deepstore: [], curl: [] } };
    const rss = { download: { deepstore: [], curl: [] }, upload: { deepstore: [], curl: [] } };
    for (let r = 0; r < rounds; r++) {
      for (const task of ['download', 'upload']) {
        const order = r % 2 ? ['curl', 'deepstore'] : ['deepstore', 'curl'];
        for (const who of order) {
          const out = path.join(dir, `out-${who}.bin`);
          await rm(out, { force: true });
          await timed('sync', []);
          const res = await tasks[task][who](out, `${who}-${r}`);
          if (task === 'download') await timed('cmp', [src, out]);
          else await timed('cmp', [src, path.join(dir, 'served', 'bench', `${who}-${r}.bin`)]);
          results[task][who].push(res.seconds);
          rss[task][who].push(res.rss);
          log(`round ${r + 1}: ${task} ${who} ${res.seconds.toFixed(2)} s`);
        }
      }
    }
    const rows = [];
    const summary = {};
    for (const task of ['download', 'upload']) {
      const speed = (who) => mibps(size, median(results[task][who]));
      // The spread shows how much a run on this machine varies (disk writeback of the GiB files).
      const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
      for (const who of ['deepstore', 'curl']) rows.push(`| ${task} | ${who} | ${median(results[task][who]).toFixed(2)} | ${spread(results[task][who])} | ${fmt(speed(who), 1)} | ${fmt(Math.max(...rss[task][who]) / MiB)} |`);
      rows.push(`| ${task} | **deepstore / curl** | | | **${(speed('deepstore') / speed('curl')).toFixed(2)}x** | |`);
      summary[task] = speed('deepstore') / speed('curl');
    }
    return {
      summary,
      markdown: [
        `File of ${size / MiB} MiB, nginx (Debian, dav + dav_ext) on 127.0.0.1 over HTTP, ${rounds} rounds alternating order, median wall time; every copy checked with \`cmp\`. \`deepstore cp\` downloads are fsynced before they appear and uploads go to a temporary name then MOVE; curl does neither (\`curl -o\`, \`curl -T\`).`,
        '',
        '| task | client | seconds (median) | seconds (all rounds) | MiB/s | peak RSS MiB |',
        '|---|---|---:|---:|---:|---:|',
        ...rows,
      ].join('\n'),
    };
  } finally {
    await peer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
