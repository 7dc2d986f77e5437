// Shared helpers for benchmark scripts: timing child processes, medians, formatting.
import { spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MiB = 1 << 20;

/** Runs a command, resolving to its wall time in seconds; rejects on a non-zero exit. */
export async function timed(cmd, args, env = {}) {
  const start = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs a Node script with the peak-RSS probe preloaded; resolves to { seconds, rss }. */
export async function timedNode(args, env = {}) {
  const rssFile = path.join(os.tmpdir(), `deepstore-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const seconds = await timed(process.execPath, ['--require', path.join(ROOT, 'bench', 'max-rss.cjs'), ...args], {
    ...env,
    DEEPSTORE_BENCH_RSS_FILE: rssFile,
  });
  const rss = Number(await readFile(rssFile, 'utf8'));
  await rm(rssFile, { force: true });
  return { seconds, rss };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Writes `size` pseudo-random bytes (incompressible, deterministic) to `file`, streaming. */
export async function makeRandomFile(file, size, seed = 1) {
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(String(seed)).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(4 * MiB);
  let left = size;
  const src = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, zeros.length);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
  await pipeline(src, createWriteStream(file));
}

export const mibps = (bytes, seconds) => bytes / MiB / seconds;
export const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
