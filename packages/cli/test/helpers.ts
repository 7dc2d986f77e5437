import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const BIN = path.join(PACKAGE_DIR, 'dist', 'bin.js');
/** A test adapter serving any scheme it is registered for from a local directory. */
export const MIRROR_FS = path.join(PACKAGE_DIR, 'test', 'fixtures', 'mirror-fs.mjs');

/** Fails early and clearly when the CLI was not built. */
export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm build\` at the repository root first`);
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as UTF-8. */
  out: string;
}

export interface RunOptions {
  cwd?: string;
  /** Another copy of the CLI's bin.js to run (default: this package's build). */
  bin?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child and fail after this long (default 30 s). */
  timeoutMs?: number;
  /** Called once the child is running, e.g. to signal it. */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `node dist/bin.js ...args` and collects its output and exit code. */
export function run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...options.env };
    delete env.DEEPSTORE_DEBUG;
    if (options.env?.DEEPSTORE_DEBUG !== undefined) env.DEEPSTORE_DEBUG = options.env.DEEPSTORE_DEBUG;
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`deepstore ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms; stderr: ${Buffer.concat(err).toString()}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, out: stdout.toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    options.onSpawn?.(child);
  });
}

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'deepstore-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every path under `dir`, relative, sorted (directories with a trailing slash). */
export function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${r}/`);
        walk(r);
      } else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** The stderr lines (without the trailing empty one). */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Waits until `predicate` holds, polling. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
