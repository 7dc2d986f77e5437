// Upload and download of one large file and of 1,000 small files against the local S3 peer:
// `deepstore cp` beside `aws s3 cp` (Debian's awscli v2) and OpenDAL's Node binding, same run.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MiB, ROOT, fmt, makeRandomFile, makeSmallFiles, median, mibps, startPeerProcess, timed, timedNode, timedRss } from './lib.js';

export const title = 'S3: `deepstore cp` vs `aws s3 cp` and OpenDAL (local S3 peer)';

export async function run({ workDir, log }) {
  const bigSize = Number(process.env.DEEPSTORE_BENCH_S3_MB ?? 1024) * MiB;
  const smallCount = Number(process.env.DEEPSTORE_BENCH_SMALL_FILES ?? 1000);
  const smallSize = 16 * 1024;
  const rounds = Number(process.env.DEEPSTORE_BENCH_S3_ROUNDS ?? 3);
  const dir = path.join(workDir, 's3');
  await mkdir(dir, { recursive: true });
  const peer = await startPeerProcess(path.join(ROOT, 'packages', 'peer-s3', 'dist', 'cli.js'), ['--bucket', 'bench', '--directory', path.join(dir, 'store')]);
  const { endpoint, region, accessKeyId, secretAccessKey } = peer.info;
  try {
    const big = path.join(dir, 'big.bin');
    const small = path.join(dir, 'small');
    log(`writing a ${bigSize / MiB} MiB file and ${smallCount} files of ${smallSize / 1024} KiB`);
    await makeRandomFile(big, bigSize, 9);
    await makeSmallFiles(small, smallCount, smallSize);
    const cli = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
    const config = ['--config', `s3.endpoint=${endpoint}`, '--config', `s3.accessKey=${accessKeyId}`, '--config', `s3.secretKey=${secretAccessKey}`, '--config', `s3.region=${region}`];
    const awsEnv = { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_DEFAULT_REGION: region, AWS_EC2_METADATA_DISABLED: 'true', HOME: dir };
    const aws = (...args) => timedRss('/usr/bin/aws', ['s3', 'cp', ...args, '--endpoint-url', endpoint, '--only-show-errors'], awsEnv);
    const dal = (...args) => timedNode([path.join(ROOT, 'bench', 'opendal-s3.mjs'), ...args], { ENDPOINT: endpoint, BUCKET: 'bench', ACCESS_KEY: accessKeyId, SECRET_KEY: secretAccessKey, REGION: region });
    const ds = (...args) => timedNode([cli, '--quiet', ...config, 'cp', ...args]);

    const tasks = [
      {
        name: `upload ${bigSize / MiB} MiB file`,
        bytes: bigSize,
        run: { deepstore: (k) => ds(big, `s3://bench/${k}/big.bin`), awscli: (k) => aws(big, `s3://bench/${k}/big.bin`), opendal: (k) => dal('upload', big, `${k}/big.bin`) },
      },
      {
        name: `download ${bigSize / MiB} MiB file`,
        bytes: bigSize,
        verify: async (out) => timed('cmp', [big, out]),
        run: {
          deepstore: (k, out) => ds(`s3://bench/${k}/big.bin`, out),
          awscli: (k, out) => aws(`s3://bench/${k}/big.bin`, out),
          opendal: (k, out) => dal('download', `${k}/big.bin`, out),
        },
      },
      {
        name: `upload ${smallCount} files of ${smallSize / 1024} KiB`,
        bytes: smallCount * smallSize,
        run: {
          deepstore: (k) => ds('-r', small, `s3://bench/${k}/small`),
          awscli: (k) => aws('--recursive', small, `s3://bench/${k}/small`),
          opendal: (k) => dal('upload-tree', small, `${k}/small`),
        },
      },
      {
        name: `download ${smallCount} files of ${smallSize / 1024} KiB`,
        bytes: smallCount * smallSize,
        verify: async (out) => timed('diff', ['-r', small, out]),
        run: {
          deepstore: (k, out) => ds('-r', `s3://bench/${k}/small`, out),
          awscli: (k, out) => aws('--recursive', `s3://bench/${k}/small`, out),
          opendal: (k, out) => dal('download-tree', `${k}/small`, out),
        },
      },
    ];
    const names = ['deepstore', 'awscli', 'opendal'];
    const results = new Map(); // task -> name -> {seconds[], rss[]}
    for (const t of tasks) results.set(t.name, new Map(names.map((n) => [n, { seconds: [], rss: [] }])));
    for (let r = 0; r < rounds; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const t of tasks) {
        for (const name of order) {
          // Downloads read what the same contender uploaded in this round.
          const key = `${name}-${r}`;
          const out = path.join(dir, 'out', key, t.name.startsWith('download') && t.name.includes('files') ? 'small' : 'big.bin');
          await rm(path.join(dir, 'out', key), { recursive: true, force: true });
          await mkdir(path.dirname(out), { recursive: true });
          const res = await t.run[name](key, out);
          if (t.verify) await t.verify(out);
          const cell = results.get(t.name).get(name);
          cell.seconds.push(res.seconds);
          cell.rss.push(res.rss);
          log(`round ${r + 1}: ${t.name}: ${name} ${res.seconds.toFixed(2)} s, ${fmt(res.rss / MiB)} MiB RSS`);
        }
      }
    }
    const rows = [];
    const summary = {};
    for (const t of tasks) {
      const cells = results.get(t.name);
      const speed = (n) => mibps(t.bytes, median(cells.get(n).seconds));
      for (const n of names) {
        const c = cells.get(n);
        rows.push(`| ${t.name} | ${n} | ${median(c.seconds).toFixed(2)} | ${fmt(speed(n), 1)} | ${fmt(Math.max(...c.rss) / MiB)} |`);
      }
      rows.push(`| ${t.name} | **deepstore / awscli** | | **${(speed('deepstore') / speed('awscli')).toFixed(2)}x** | |`);
      rows.push(`| ${t.name} | **deepstore / opendal** | | **${(speed('deepstore') / speed('opendal')).toFixed(2)}x** | |`);
      summary[t.name] = { vsAwscli: speed('deepstore') / speed('awscli'), vsOpendal: speed('deepstore') / speed('opendal'), peakRssMiB: Math.max(...cells.get('deepstore').rss) / MiB };
    }
    return {
      summary,
      markdown: [
        `Server: \`@deepstore/peer-s3\` (s3rver, extended) in its own process on 127.0.0.1, objects on the same disk. ${rounds} rounds in rotating order, median wall time; every download checked against the source (\`cmp\` / \`diff -r\`). Clients run as separate processes with default settings: \`deepstore cp\` (8 MiB parts, 8 in flight), \`aws s3 cp\` (awscli ${'2.9'}, 8 MiB parts, 10 in flight), OpenDAL 0.47.7 (8 MiB chunks; its Node binding has no part-concurrency setting; 10 files at once for trees). Peak RSS via the process's own rusage (deepstore, OpenDAL) and GNU time (awscli). Both sides share this 2-core machine with the server, which is the bottleneck for large transfers.`,
        '',
        '| task | client | seconds | MiB/s | peak RSS MiB |',
        '|---|---|---:|---:|---:|',
        ...rows,
      ].join('\n'),
    };
  } finally {
    await peer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
