import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { renderNginxConfig } from './config.js';

export { renderNginxConfig, type NginxConfigInput } from './config.js';

export interface NginxPeer {
  httpUrl: string; // 'http://127.0.0.1:PORT' (no trailing slash)
  httpsUrl: string; // 'https://127.0.0.1:PORT2'
  caFile: string; // PEM path of the self-signed certificate, for clients to trust
  root: string; // the directory nginx serves ('/ro' is root/ro)
  auth: { user: string; password: string }; // for /private/
  /** PID of the nginx master process (stop() signals this PID and waits for it and its workers to be gone). */
  pid: number;
  stop(): Promise<void>; // stops nginx (by PID, waits for exit), removes the temp dir unless root was given
}

export interface NginxPeerOptions {
  /** Directory to serve; created if missing, never deleted. Default: a fresh temp dir, deleted by stop(). */
  root?: string;
  /** Credentials of /private/ (default deepstore / s3cret!). */
  auth?: { user: string; password: string };
  /**
   * @internal For tests: where the two ports (HTTP, HTTPS) of each start attempt come from.
   * Default: listen on port 0 with node:net, read the port, close.
   */
  reservePorts?: () => Promise<[number, number]>;
}

export const DEFAULT_AUTH = Object.freeze({ user: 'deepstore', password: 's3cret!' });
export const NGINX_BIN = process.env.DEEPSTORE_NGINX_BIN ?? '/usr/sbin/nginx';
export const DAV_EXT_MODULE = process.env.DEEPSTORE_NGINX_DAV_EXT_MODULE ?? '/usr/lib/nginx/modules/ngx_http_dav_ext_module.so';

const START_ATTEMPTS = 5;
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts a real nginx (WebDAV + dav-ext) on 127.0.0.1 with one HTTP and one HTTPS server, from a
 * config written to a temp dir. Resolves once both ports answer HTTP.
 */
export async function startNginxPeer(options: NginxPeerOptions = {}): Promise<NginxPeer> {
  const auth = { ...(options.auth ?? DEFAULT_AUTH) };
  if (auth.user.length === 0 || auth.user.includes(':') || /[\r\n]/.test(auth.user)) {
    throw new Error(`peer-nginx: user name must be non-empty and contain no ':' or newline: ${JSON.stringify(auth.user)}`);
  }
  if (/[\r\n]/.test(auth.password)) throw new Error('peer-nginx: password must not contain a newline');
  await assertExecutable(NGINX_BIN, 'nginx binary');
  await assertExecutable(DAV_EXT_MODULE, 'dav-ext module', fs.constants.R_OK);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'deepstore-peer-nginx-'));
  let extraDir: string | undefined;
  try {
    const rootGiven = options.root !== undefined;
    const root = rootGiven ? path.resolve(options.root!) : path.join(dir, 'root');
    await fs.mkdir(path.join(root, 'ro'), { recursive: true });
    await fs.mkdir(path.join(root, 'private'), { recursive: true });

    const body = await davBodyTempDir(root, dir);
    extraDir = body.extra;

    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    const htpasswdFile = path.join(dir, 'htpasswd');
    await makeCertificate(certFile, keyFile);
    await fs.writeFile(htpasswdFile, `${auth.user}:${await apr1(auth.password)}\n`, { mode: 0o644 });

    const confFile = path.join(dir, 'nginx.conf');
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      const [httpPort, httpsPort] = await (options.reservePorts ?? freePortPair)();
      await fs.writeFile(
        confFile,
        renderNginxConfig({
          davExtModule: DAV_EXT_MODULE,
          runAsRoot: process.getuid?.() === 0,
          dir,
          root,
          davBodyTemp: body.dir,
          httpPort,
          httpsPort,
          certFile,
          keyFile,
          htpasswdFile,
        }),
      );
      const started = await launch(dir, confFile, httpPort, httpsPort, certFile);
      if ('error' in started) {
        lastError = started.error;
        if (started.addressInUse) continue;
        throw started.error;
      }
      return makePeer(started.child, {
        dir,
        extraDir,
        root,
        httpUrl: `http://127.0.0.1:${httpPort}`,
        httpsUrl: `https://127.0.0.1:${httpsPort}`,
        caFile: certFile,
        auth,
      });
    }
    throw lastError ?? new Error('peer-nginx: could not start nginx');
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    if (extraDir !== undefined) await fs.rm(extraDir, { recursive: true, force: true });
    throw err;
  }
}

interface PeerState {
  dir: string;
  extraDir: string | undefined;
  root: string;
  httpUrl: string;
  httpsUrl: string;
  caFile: string;
  auth: { user: string; password: string };
}

function makePeer(child: ChildProcess, s: PeerState): NginxPeer {
  const pid = child.pid!;
  const exited = exitPromise(child);
  // If the test process exits without stop(), do not leave nginx behind.
  const onExit = (): void => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    rmSync(s.dir, { recursive: true, force: true });
    if (s.extraDir !== undefined) rmSync(s.extraDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', onExit);
      const workers = await childPids(pid);
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM = nginx's fast shutdown: the master signals its workers, reaps them (escalating to
        // SIGKILL after a while) and exits.
        signal(pid, 'SIGTERM');
        const timer = setTimeout(() => signal(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      // Workers are reaped by the master before it exits; make sure, without trusting a reused PID.
      for (const w of workers) {
        if (await isNginxProcess(w)) signal(w, 'SIGKILL');
      }
      await fs.rm(s.dir, { recursive: true, force: true });
      if (s.extraDir !== undefined) await fs.rm(s.extraDir, { recursive: true, force: true });
      // s.root lives inside s.dir when it was not given, so it went with it.
    })();
    return stopping;
  };

  return { httpUrl: s.httpUrl, httpsUrl: s.httpsUrl, caFile: s.caFile, root: s.root, auth: s.auth, pid, stop };
}

type LaunchResult = { child: ChildProcess } | { error: Error; addressInUse: boolean };

async function launch(dir: string, confFile: string, httpPort: number, httpsPort: number, caFile: string): Promise<LaunchResult> {
  const errorLog = path.join(dir, 'error.log');
  await fs.rm(errorLog, { force: true });
  const child = spawn(NGINX_BIN, ['-p', `${dir}/`, '-c', confFile, '-e', errorLog], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  const exited = exitPromise(child);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const failure = async (reason: string): Promise<LaunchResult> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      signal(child.pid, 'SIGKILL');
      await exited;
    }
    const log = await fs.readFile(errorLog, 'utf8').catch(() => '');
    const text = `${stderr}\n${log}`.trim();
    return {
      error: new Error(`peer-nginx: ${reason}${text ? `\n${text}` : ''}`),
      addressInUse: /Address already in use/.test(text),
    };
  };

  const ready = waitReady(dir, child, httpPort, httpsPort, caFile);
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const, (err: unknown) => err as Error),
    exited.then(() => 'exited' as const),
    spawnError,
  ]);
  if (outcome === 'ready') return { child };
  ready.cancel();
  if (outcome === 'exited') return failure(`nginx exited during start-up (code ${child.exitCode}, signal ${child.signalCode})`);
  return failure(outcome.message);
}

/**
 * nginx writes its pid file after it has bound its listening sockets; then both ports must answer an
 * HTTP request (any status) — proof that this nginx's worker is serving them.
 */
function waitReady(dir: string, child: ChildProcess, httpPort: number, httpsPort: number, caFile: string): Promise<void> & { cancel(): void } {
  let cancelled = false;
  const p = (async () => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const pidFile = path.join(dir, 'nginx.pid');
    const ca = await fs.readFile(caFile);
    while (!cancelled) {
      if (Date.now() > deadline) throw new Error(`nginx did not answer on ports ${httpPort}/${httpsPort} within ${READY_TIMEOUT_MS} ms`);
      const pidText = await fs.readFile(pidFile, 'utf8').catch(() => '');
      if (Number(pidText.trim()) === child.pid) {
        const ok = (await probe(http, { port: httpPort })) && (await probe(https, { port: httpsPort, ca, servername: 'localhost' }));
        if (ok) return;
      }
      await delay(50);
    }
  })() as Promise<void> & { cancel(): void };
  p.cancel = () => {
    cancelled = true;
  };
  p.catch(() => undefined);
  return p;
}

function probe(mod: typeof http | typeof https, opts: https.RequestOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const req = mod.request({ host: '127.0.0.1', method: 'HEAD', path: '/', agent: false, timeout: 2_000, ...opts }, (res) => {
      res.resume();
      resolve(typeof res.statusCode === 'number');
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Two distinct free ports on 127.0.0.1 (listen on 0, read, close). nginx binds them next. */
async function freePortPair(): Promise<[number, number]> {
  const servers = await Promise.all(
    Array.from(
      { length: 2 },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return [ports[0]!, ports[1]!];
}

/**
 * nginx's PUT writes the body to a temp file in client_body_temp_path and renames it onto the target.
 * That is a single rename(2) only if both are on one filesystem; find such a directory.
 */
async function davBodyTempDir(root: string, dir: string): Promise<{ dir: string; extra?: string }> {
  const inDir = path.join(dir, 'dav_body_temp');
  const [r, d] = await Promise.all([fs.stat(root), fs.stat(dir)]);
  if (r.dev === d.dev) return { dir: inDir };
  try {
    const extra = await fs.mkdtemp(path.join(path.dirname(root), '.deepstore-peer-nginx-body-'));
    return { dir: extra, extra };
  } catch {
    // Parent not writable: nginx falls back to copying into a temp file next to the target, then renaming.
    return { dir: inDir };
  }
}

async function makeCertificate(certFile: string, keyFile: string): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
}

async function apr1(password: string): Promise<string> {
  const out = await run('openssl', ['passwd', '-apr1', '-stdin'], `${password}\n`);
  const hash = out.trim();
  if (!hash.startsWith('$apr1$')) throw new Error(`peer-nginx: unexpected output of openssl passwd -apr1: ${hash}`);
  return hash;
}

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`peer-nginx: ${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function assertExecutable(file: string, what: string, mode = fs.constants.X_OK): Promise<void> {
  try {
    await fs.access(file, mode);
  } catch {
    throw new Error(`peer-nginx: ${what} not found at ${file}`);
  }
}

function exitPromise(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => {
      if (child.pid === undefined) resolve();
    });
  });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Direct children of pid (Linux /proc); [] when unavailable. */
async function childPids(pid: number): Promise<number[]> {
  const text = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map(Number);
}

/** Whether pid is (still) a live nginx process — not a zombie, not a reused PID of something else. */
export async function isNginxProcess(pid: number): Promise<boolean> {
  const [cmdline, stat] = await Promise.all([
    fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
    fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
  ]);
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return cmdline.startsWith('nginx') && state !== 'Z' && state !== '';
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
