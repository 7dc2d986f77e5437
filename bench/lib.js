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

/** Runs any command under GNU time; resolves to { seconds, rss } (peak RSS in bytes). */
export async function timedRss(cmd, args, env = {}) {
  const out = path.join(os.tmpdir(), `deepstore-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const seconds = await timed('/usr/bin/time', ['-f', '%M', '-o', out, cmd, ...args], env);
  const rss = Number((await readFile(out, 'utf8')).trim().split('\n').pop()) * 1024;
  await rm(out, { force: true });
  return { seconds, rss };
}

/** Starts a peer's CLI (prints one JSON line when ready); resolves to { info, stop }. */
export async function startPeerProcess(script, args = []) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code} before it was ready`)));
  });
  return {
    info,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** Makes `count` files of `size` pseudo-random bytes under `dir` (two levels, like segment trees). */
export async function makeSmallFiles(dir, count, size) {
  const { mkdir, writeFile } = await import('node:fs/promises');
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `part-${String(i % 10).padStart(2, '0')}`);
    if (i < 10) await mkdir(sub, { recursive: true });
    const data = createHash('sha256').update(String(i)).digest();
    await writeFile(path.join(sub, `file-${String(i).padStart(5, '0')}.bin`), Buffer.concat(Array.from({ length: Math.ceil(size / 32) }, () => data)).subarray(0, size));
  }
}
