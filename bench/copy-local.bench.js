// deepstore cp of a large file between two local directories, beside coreutils cp in the same run.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MiB, ROOT, fmt, makeRandomFile, median, mibps, timed, timedNode } from './lib.js';

export const title = 'Local copy: `deepstore cp` vs `cp`';

export async function run({ workDir, log }) {
  const size = Number(process.env.DEEPSTORE_BENCH_COPY_MB ?? 1024) * MiB;
  const rounds = Number(process.env.DEEPSTORE_BENCH_ROUNDS ?? 5);
  const dir = path.join(workDir, 'copy-local');
  await mkdir(path.join(dir, 'a'), { recursive: true });
  await mkdir(path.join(dir, 'b'), { recursive: true });
  const src = path.join(dir, 'a', 'segment.bin');
  log(`writing a ${size / MiB} MiB source file`);
  await makeRandomFile(src, size);
  await timed('cat', [src]); // warm the page cache so every contender reads from memory
  const cli = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
  const dst = path.join(dir, 'b', 'segment.bin');

  const contenders = [
    { name: '`cp`', kind: 'peer', run: () => timed('cp', [src, dst]) },
    { name: '`cp` then `sync FILE` (durable, like deepstore)', kind: 'peer', run: async () => (await timed('cp', [src, dst])) + (await timed('sync', [dst])) },
    { name: '`deepstore cp` (fsync before rename, the default)', kind: 'ours', node: true, run: () => timedNode([cli, '--quiet', 'cp', src, dst]) },
    { name: '`deepstore cp --config file.fsync=false`', kind: 'ours', node: true, run: () => timedNode([cli, '--quiet', '--config', 'file.fsync=false', 'cp', src, dst]) },
  ];
  const results = contenders.map((c) => ({ ...c, seconds: [], rss: [] }));
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no contender always runs after the same one.
    const order = results.map((_, i) => results[(i + r) % results.length]);
    for (const c of order) {
      await rm(dst, { force: true });
      await timed('sync', []); // start each run with no dirty pages from the previous one
      const out = await c.run();
      c.seconds.push(typeof out === 'number' ? out : out.seconds);
      if (typeof out !== 'number') c.rss.push(out.rss);
      await timed('cmp', [src, dst]); // the copy must be byte-identical
      log(`round ${r + 1}: ${c.name} ${(c.seconds.at(-1)).toFixed(2)} s`);
    }
  }
  await rm(dir, { recursive: true, force: true });

  const tput = (c) => mibps(size, median(c.seconds));
  const [cp, cpSync, ours, oursNoSync] = results;
  const rows = results.map(
    (c) => `| ${c.name} | ${median(c.seconds).toFixed(2)} | ${fmt(tput(c))} | ${c.rss.length ? fmt(Math.max(...c.rss) / MiB) : '-'} |`,
  );
  const ratios = [
    ['`deepstore cp` (fsync) / `cp` + `sync`', tput(ours) / tput(cpSync)],
    ['`deepstore cp` (fsync=false) / `cp`', tput(oursNoSync) / tput(cp)],
    ['`deepstore cp` (fsync) / `cp` (no durability)', tput(ours) / tput(cp)],
  ];
  const peakRss = Math.max(...ours.rss, ...oursNoSync.rss);
  return {
    summary: { ratioDurable: ratios[0][1], ratioNoSync: ratios[1][1], ratioVsPlainCp: ratios[2][1], peakRssMiB: peakRss / MiB },
    markdown: [
      `File of ${size / MiB} MiB (incompressible), source in the page cache, ${rounds} rounds in rotating order, median wall time per contender; each copy checked with \`cmp\`. \`deepstore\` times include starting Node.`,
      '',
      '| contender | seconds | MiB/s | peak RSS MiB |',
      '|---|---:|---:|---:|',
      ...rows,
      '',
      '| ratio (throughput) | value |',
      '|---|---:|',
      ...ratios.map(([k, v]) => `| ${k} | ${v.toFixed(2)}x |`),
      '',
      `Peak RSS of \`deepstore cp\`: ${fmt(peakRss / MiB)} MiB (target: under 150 MB).`,
    ].join('\n'),
  };
}
