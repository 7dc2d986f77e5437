import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CurlResult {
  /** curl's exit code (0 = transfer done, whatever the HTTP status). */
  exitCode: number;
  /** HTTP status of the last response (0 if none). */
  status: number;
  /** Headers of the last response, lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  stderr: string;
}

/**
 * Runs the real curl binary. Body goes to a temp file (binary-safe), headers to another; -w prints
 * the status. `--max-time` bounds every call.
 */
export async function curl(args: string[], opts: { maxTimeSeconds?: number } = {}): Promise<CurlResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'peer-nginx-curl-'));
  try {
    const bodyFile = path.join(dir, 'body');
    const headerFile = path.join(dir, 'headers');
    const fullArgs = ['-sS', '--max-time', String(opts.maxTimeSeconds ?? 60), '-o', bodyFile, '-D', headerFile, '-w', '%{http_code}', ...args];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('curl', fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.once('error', reject);
      child.once('close', (c) => resolve({ code: c ?? -1, stdout: out, stderr: err }));
    });
    const body = await fs.readFile(bodyFile).catch(() => Buffer.alloc(0));
    const rawHeaders = await fs.readFile(headerFile, 'utf8').catch(() => '');
    return { exitCode: code, status: Number(stdout.trim()) || 0, headers: parseLastHeaderBlock(rawHeaders), body, stderr };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function parseLastHeaderBlock(raw: string): Record<string, string> {
  const blocks = raw.split(/\r?\n\r?\n/).filter((b) => b.trim().length > 0);
  const last = blocks.at(-1) ?? '';
  const headers: Record<string, string> = {};
  for (const line of last.split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  return sha256(await fs.readFile(file));
}

/** Writes `size` random bytes to a new temp file; returns its path and content. */
export async function randomFile(size: number): Promise<{ file: string; data: Buffer; cleanup(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'peer-nginx-data-'));
  const file = path.join(dir, 'data.bin');
  const data = randomBytes(size);
  await fs.writeFile(file, data);
  return { file, data, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Whether a process with this PID exists (zombies count as gone: they run nothing). */
export async function processAlive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (stat === '') return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z';
}

/** Direct children of a PID (Linux /proc). */
export async function childPids(pid: number): Promise<number[]> {
  const text = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map(Number);
}

export async function cmdline(pid: number): Promise<string> {
  return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ').trim();
}

export async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** All <D:response> entries of a PROPFIND multistatus: href, whether a collection, content length. */
export function parseMultistatus(xml: string): Array<{ href: string; collection: boolean; length?: number; lastModified?: string }> {
  const out: Array<{ href: string; collection: boolean; length?: number; lastModified?: string }> = [];
  for (const m of xml.matchAll(/<D:response>([\s\S]*?)<\/D:response>/g)) {
    const r = m[1]!;
    const href = /<D:href>([^<]*)<\/D:href>/.exec(r)?.[1] ?? '';
    const len = /<D:getcontentlength>(\d+)<\/D:getcontentlength>/.exec(r)?.[1];
    const lm = /<D:getlastmodified>([^<]*)<\/D:getlastmodified>/.exec(r)?.[1];
    out.push({
      href,
      collection: /<D:resourcetype>\s*<D:collection\/>/.test(r),
      ...(len !== undefined ? { length: Number(len) } : {}),
      ...(lm !== undefined ? { lastModified: lm } : {}),
    });
  }
  return out;
}
