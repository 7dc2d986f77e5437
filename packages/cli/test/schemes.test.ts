// Cross-scheme behaviour, interruption and the progress bar, through a test adapter
// (test/fixtures/mirror-fs.mjs) registered for two schemes, `mira:` and `mirb:`, each storing
// its files under its own local directory.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, MIRROR_FS, assertBuilt, lines, run, tempDir, tree, waitFor } from './helpers.js';

let root: string;
let cleanup: (() => void) | undefined;
let n = 0;

beforeAll(() => {
  assertBuilt();
  const t = tempDir('deepstore-cli-schemes-');
  root = t.dir;
  cleanup = t.cleanup;
});
afterAll(() => cleanup?.());

interface Setup {
  dir: string;
  /** Where mira://h/... lives on disk. */
  a: string;
  /** Where mirb://h/... lives on disk. */
  b: string;
  /** Global options registering both schemes. */
  args: string[];
}

/** A fresh pair of stores, registered through a JSON config file (class keys + `<scheme>.<key>`). */
function setup(extra: Record<string, string | number> = {}): Setup {
  const dir = path.join(root, `s${++n}`);
  const a = path.join(dir, 'store-a');
  const b = path.join(dir, 'store-b');
  mkdirSync(path.join(a, 'h'), { recursive: true });
  mkdirSync(path.join(b, 'h'), { recursive: true });
  const config = path.join(dir, 'stores.json');
  writeFileSync(
    config,
    JSON.stringify({
      'storage.factory.class.mira': MIRROR_FS,
      'storage.factory.class.mirb': MIRROR_FS,
      'mira.root': a,
      'storage.factory.mirb.root': b,
      ...extra,
    }),
  );
  return { dir, a, b, args: ['--config-file', config] };
}

function hiddenTemps(dir: string): string[] {
  return tree(dir).filter((p) => p.includes('.deepstore-tmp'));
}

describe('across schemes', () => {
  it('uploads a local file and tree, lists, stats and cats them on the other scheme', async () => {
    const s = setup();
    const data = randomBytes(5 * 1024 * 1024);
    writeFileSync(path.join(s.dir, 'big.bin'), data);
    mkdirSync(path.join(s.dir, 'tree', 'sub'), { recursive: true });
    writeFileSync(path.join(s.dir, 'tree', 'x.txt'), 'x');
    writeFileSync(path.join(s.dir, 'tree', 'sub', 'y.txt'), 'yy');

    let r = await run([...s.args, 'cp', path.join(s.dir, 'big.bin'), 'mira://h/data/']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(s.a, 'h', 'data', 'big.bin')).equals(data)).toBe(true);

    r = await run([...s.args, 'cp', '-r', path.join(s.dir, 'tree'), 'mira://h/data/']);
    expect(r.code, r.stderr).toBe(0);
    expect(tree(path.join(s.a, 'h', 'data', 'tree'))).toEqual(['sub/', 'sub/y.txt', 'x.txt']);

    r = await run([...s.args, 'ls', '-r', 'mira://h/data']);
    expect(lines(r.out).map((l) => l.split(' ').pop())).toEqual([
      'mira://h/data/big.bin',
      'mira://h/data/tree',
      'mira://h/data/tree/sub',
      'mira://h/data/tree/sub/y.txt',
      'mira://h/data/tree/x.txt',
    ]);
    r = await run([...s.args, 'stat', '--json', 'mira://h/data/big.bin']);
    expect(JSON.parse(r.out)).toMatchObject({ uri: 'mira://h/data/big.bin', isDirectory: false, length: data.length });

    r = await run([...s.args, 'cat', 'mira://h/data/big.bin']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(data)).toBe(true);
  });

  it('streams a file and a tree from one scheme to another', async () => {
    const s = setup();
    const data = randomBytes(5 * 1024 * 1024);
    mkdirSync(path.join(s.a, 'h', 'seg', 'parts'), { recursive: true });
    writeFileSync(path.join(s.a, 'h', 'seg', 'big.bin'), data);
    writeFileSync(path.join(s.a, 'h', 'seg', 'parts', 'p1'), 'one');

    let r = await run([...s.args, 'cp', 'mira://h/seg/big.bin', 'mirb://h/copy.bin']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(s.b, 'h', 'copy.bin')).equals(data)).toBe(true);

    r = await run([...s.args, 'cp', '-r', 'mira://h/seg', 'mirb://h/seg2']);
    expect(r.code, r.stderr).toBe(0);
    expect(tree(path.join(s.b, 'h', 'seg2'))).toEqual(['big.bin', 'parts/', 'parts/p1']);
    expect(readFileSync(path.join(s.b, 'h', 'seg2', 'big.bin')).equals(data)).toBe(true);
  });

  it('mv across schemes copies, then deletes the source', async () => {
    const s = setup();
    mkdirSync(path.join(s.a, 'h', 'seg', 'parts'), { recursive: true });
    writeFileSync(path.join(s.a, 'h', 'seg', 'parts', 'p1'), 'one');
    writeFileSync(path.join(s.a, 'h', 'seg', 'meta'), 'm');
    const r = await run([...s.args, 'mv', 'mira://h/seg', 'mirb://h/']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(s.a, 'h', 'seg'))).toBe(false);
    expect(tree(path.join(s.b, 'h'))).toEqual(['seg/', 'seg/meta', 'seg/parts/', 'seg/parts/p1']);
  });

  it('rm and mkdir go to the scheme of the URI', async () => {
    const s = setup();
    expect((await run([...s.args, 'mkdir', 'mirb://h/x/y'])).code).toBe(0);
    expect(tree(path.join(s.b, 'h'))).toEqual(['x/', 'x/y/']);
    const refused = await run([...s.args, 'rm', 'mirb://h/x']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('mirb://h/x');
    expect((await run([...s.args, 'rm', '-r', 'mirb://h/x'])).code).toBe(0);
    expect(tree(path.join(s.b, 'h'))).toEqual([]);
  });

  it('an adapter setting it does not know fails naming the key', async () => {
    const s = setup();
    const r = await run([...s.args, '--config', 'mira.colour=blue', 'ls', 'mira://h/']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('colour');
  });

  // Goes through core's BaseFileSystem.copyToLocal -> writeFileAtomic.
  it('downloads a file and a tree from another scheme to local paths', async () => {
    const s = setup();
    const data = randomBytes(1024 * 1024);
    mkdirSync(path.join(s.a, 'h', 'seg'), { recursive: true });
    writeFileSync(path.join(s.a, 'h', 'seg', 'big.bin'), data);
    const r = await run([...s.args, 'cp', 'mira://h/seg/big.bin', path.join(s.dir, 'down.bin')], { timeoutMs: 15_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(s.dir, 'down.bin')).equals(data)).toBe(true);
    const t = await run([...s.args, 'cp', '-r', 'mira://h/seg', path.join(s.dir, 'down')], { timeoutMs: 15_000 });
    expect(t.code, t.stderr).toBe(0);
    expect(tree(path.join(s.dir, 'down'))).toEqual(['big.bin']);
  });
});

describe('Ctrl-C', () => {
  it('aborts a file copy with exit 130 and leaves nothing behind', async () => {
    // 8 MiB read 64 KiB per 50 ms: over 6 s, interrupted once the upload has started.
    const s = setup({ 'mira.readDelayMs': 50 });
    writeFileSync(path.join(s.a, 'h', 'big.bin'), randomBytes(8 * 1024 * 1024));
    const started = Date.now();
    const r = await run([...s.args, 'cp', 'mira://h/big.bin', 'mirb://h/out/big.bin'], {
      onSpawn: (child) => {
        void waitFor(() => hiddenTemps(s.b).length > 0, 10_000, 'the upload to start').then(() => child.kill('SIGINT'));
      },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^deepstore: .*(abort|interrupt)/);
    expect(existsSync(path.join(s.b, 'h', 'out', 'big.bin'))).toBe(false);
    expect(hiddenTemps(s.b)).toEqual([]);
    expect(existsSync(path.join(s.a, 'h', 'big.bin'))).toBe(true);
  });

  it('aborts a tree copy and removes the partial target it created', async () => {
    const s = setup({ 'mira.readDelayMs': 50 });
    mkdirSync(path.join(s.a, 'h', 'seg', 'sub'), { recursive: true });
    writeFileSync(path.join(s.a, 'h', 'seg', 'small'), 'done quickly');
    writeFileSync(path.join(s.a, 'h', 'seg', 'sub', 'big1'), randomBytes(3 * 1024 * 1024));
    writeFileSync(path.join(s.a, 'h', 'seg', 'sub', 'big2'), randomBytes(3 * 1024 * 1024));
    const r = await run([...s.args, 'mv', 'mira://h/seg', 'mirb://h/seg'], {
      onSpawn: (child) => {
        void waitFor(() => existsSync(path.join(s.b, 'h', 'seg', 'small')), 10_000, 'the first file to land').then(() => child.kill('SIGINT'));
      },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(tree(path.join(s.b, 'h'))).toEqual([]);
    // The source of an interrupted move is untouched.
    expect(tree(path.join(s.a, 'h', 'seg'))).toEqual(['small', 'sub/', 'sub/big1', 'sub/big2']);
  });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs the CLI under `script`, which gives it a pseudo-terminal; returns what the terminal showed. */
function inTerminal(args: string[]): Promise<{ code: number | null; screen: string }> {
  const quote = (a: string): string => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen: Buffer.concat(out).toString('utf8') }));
  });
}

describe.skipIf(!hasScript)('progress bar (in a pseudo-terminal)', () => {
  it('shows percentage, amounts and rate on stderr for a long copy, then clears the line', async () => {
    // 3 MiB at 64 KiB per 30 ms: about 1.5 s, past the bar's 0.5 s delay.
    const s = setup({ 'mira.readDelayMs': 30 });
    writeFileSync(path.join(s.a, 'h', 'big.bin'), randomBytes(3 * 1024 * 1024));
    const r = await inTerminal([...s.args, 'cp', 'mira://h/big.bin', 'mirb://h/big.bin']);
    expect(r.code, r.screen).toBe(0);
    const frames = r.screen.split('\r\x1b[K').filter((f) => f.trim() !== '');
    expect(frames.length, JSON.stringify(r.screen)).toBeGreaterThanOrEqual(3);
    expect(frames.length).toBeLessThan(40); // throttled: ~10 redraws a second at most
    expect(frames[0]).toMatch(/^ *\d+% \[[= >]+\] \d+\.\d MiB \/ 3\.0 MiB {2}\d+\.\d [KM]iB\/s/);
    expect(r.screen.endsWith('\r\x1b[K')).toBe(true);
    expect(readdirSync(path.join(s.b, 'h'))).toEqual(['big.bin']);
  });

  it('shows nothing with --quiet', async () => {
    const s = setup({ 'mira.readDelayMs': 30 });
    writeFileSync(path.join(s.a, 'h', 'big.bin'), randomBytes(2 * 1024 * 1024));
    const r = await inTerminal([...s.args, '--quiet', 'cp', 'mira://h/big.bin', 'mirb://h/big.bin']);
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toBe('');
  });

  it('shows nothing for a quick copy', async () => {
    const s = setup();
    writeFileSync(path.join(s.a, 'h', 'small'), 'tiny');
    const r = await inTerminal([...s.args, 'cp', 'mira://h/small', 'mirb://h/small']);
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toBe('');
  });
});

describe('warnings from a plugin', () => {
  const WARNING_FS = path.join(path.dirname(MIRROR_FS), 'warning-fs.mjs');
  const args = (dir: string) => ['--config', `storage.factory.class.warn=${WARNING_FS}`, '--config', `warn.root=${dir}`, 'ls', 'warn://h/'];

  it('are one deepstore line each, and the GCP metadata probe warning is dropped unless DEEPSTORE_DEBUG', async () => {
    const s = setup();
    writeFileSync(path.join(s.a, 'h', 'f.txt'), 'x');
    const r = await run(args(s.a));
    expect(r.code, r.stderr).toBe(0);
    expect(r.out).toMatch(/ warn:\/\/h\/f\.txt\n$/);
    expect(r.stderr).toBe('deepstore: warning: DeprecationWarning: this storage SDK option is going away\n');
    const debug = await run(args(s.a), { env: { DEEPSTORE_DEBUG: '1' } });
    expect(debug.stderr.split('\n').filter((l) => l !== '')).toEqual([
      'deepstore: warning: MetadataLookupWarning: received unexpected error = All promises were rejected code = 403, ENOTFOUND',
      'deepstore: warning: DeprecationWarning: this storage SDK option is going away',
    ]);
  });
});
