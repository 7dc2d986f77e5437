import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { WebHdfsPeer } from '../src/index.js';

export const MiB = 1024 * 1024;

export interface CurlResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  /** Every response curl printed (100 Continue, redirects followed with -L, the final one). */
  chain: Array<{ status: number; headers: Record<string, string> }>;
  code: number;
  stderr: string;
}

/**
 * Runs /usr/bin/curl with -sS -i (and the given arguments) and parses what it printed: every
 * status line and header block, then the final body.
 */
export function curl(args: string[], opts: { stdin?: Readable | Buffer; timeoutMs?: number } = {}): Promise<CurlResponse> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-i', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    if (opts.stdin instanceof Buffer) child.stdin.end(opts.stdin);
    else if (opts.stdin) opts.stdin.pipe(child.stdin);
    else child.stdin.end();
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      clearTimeout(timer);
      let raw = Buffer.concat(out);
      const chain: CurlResponse['chain'] = [];
      while (raw.subarray(0, 5).toString() === 'HTTP/') {
        const end = raw.indexOf('\r\n\r\n');
        if (end === -1) break;
        const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(lines[0]!.split(' ')[1]);
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        chain.push({ status, headers });
        raw = raw.subarray(end + 4);
        // Another header block follows after 1xx, and after a redirect curl followed (-L).
        const followed = args.includes('-L') && status >= 300 && status < 400 && headers.location !== undefined;
        if (!(status >= 100 && status < 200) && !followed) break;
      }
      const last = chain[chain.length - 1] ?? { status: 0, headers: {} };
      resolve({ status: last.status, headers: last.headers, body: raw, text: raw.toString('utf8'), chain, code: code ?? -1, stderr });
    });
  });
}

/** The parsed JSON of a response body. */
export function json<T = Record<string, unknown>>(r: CurlResponse): T {
  return JSON.parse(r.text) as T;
}

/** The RemoteException of an error response. */
export function remote(r: CurlResponse): { exception: string; javaClassName: string; message: string } {
  return json<{ RemoteException: { exception: string; javaClassName: string; message: string } }>(r).RemoteException;
}

/** A WebHDFS URL on a namenode: path segments percent-encoded, then the query. */
export function nnUrl(base: string, hdfsPath: string, query: Record<string, string | number | boolean>): string {
  const encodedPath = hdfsPath
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return `${base}/webhdfs/v1${encodedPath}?${qs}`;
}

// ---- the npm `webhdfs` client (callback API, promisified) -----------------------------------

type Callback<T> = (err: Error | null | undefined, value?: T) => void;
export interface WebHdfsClient {
  writeFile(path: string, data: Buffer | string, cb: Callback<void>): unknown;
  appendFile(path: string, data: Buffer | string, cb: Callback<void>): unknown;
  readFile(path: string, cb: Callback<Buffer>): unknown;
  mkdir(path: string, mode: string | Callback<void>, cb?: Callback<void>): unknown;
  readdir(path: string, cb: Callback<Array<Record<string, unknown>>>): unknown;
  rename(path: string, destination: string, cb: Callback<void>): unknown;
  unlink(path: string, recursive: boolean | Callback<void>, cb?: Callback<void>): unknown;
  stat(path: string, cb: Callback<Record<string, unknown>>): unknown;
  exists(path: string, cb: (exists: boolean) => void): unknown;
  chmod(path: string, mode: string, cb: Callback<void>): unknown;
  chown(path: string, uid: string, gid: string, cb: Callback<void>): unknown;
  createWriteStream(path: string, append?: boolean, opts?: Record<string, unknown>): NodeJS.WritableStream & NodeJS.EventEmitter;
  createReadStream(path: string, opts?: Record<string, unknown>): NodeJS.EventEmitter;
}

const require = createRequire(import.meta.url);
const WebHDFS = require('webhdfs') as { createClient(opts: Record<string, unknown>, requestParams?: Record<string, unknown>): WebHdfsClient };

export function client(peer: WebHdfsPeer, user: string, namenode = peer.namenode): WebHdfsClient {
  return WebHDFS.createClient({ host: '127.0.0.1', port: Number(new URL(namenode).port), path: '/webhdfs/v1', user });
}

export function call<T = void>(fn: (cb: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, value) => (err ? reject(err) : resolve(value as T)));
  });
}

export async function callError(fn: (cb: Callback<unknown>) => unknown): Promise<Error> {
  try {
    await call(fn);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
