import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, assertBuilt, lines, run, tempDir, tree } from './helpers.js';

const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
let root: string;
let cleanup: (() => void) | undefined;
let n = 0;

beforeAll(() => {
  assertBuilt();
  const t = tempDir();
  root = t.dir;
  cleanup = t.cleanup;
});
afterAll(() => cleanup?.());

/** A fresh directory per test, inside the suite's temp dir. */
function fresh(): string {
  const dir = path.join(root, `t${++n}`);
  mkdirSync(dir);
  return dir;
}

/** dir/a.txt, dir/sub/b.txt, dir/sub/deeper/c.bin, dir/empty/ */
function sampleTree(dir: string): void {
  mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  mkdirSync(path.join(dir, 'empty'));
  writeFileSync(path.join(dir, 'a.txt'), 'alpha\n');
  writeFileSync(path.join(dir, 'sub', 'b.txt'), 'bravo bravo\n');
  writeFileSync(path.join(dir, 'sub', 'deeper', 'c.bin'), randomBytes(3000));
}

/** An error result: exit 1, exactly one stderr line `deepstore: ...`, no stack trace. */
function expectOneLineError(r: { code: number | null; stderr: string }): string {
  expect(r.code, r.stderr).toBe(1);
  const l = lines(r.stderr);
  expect(l, r.stderr).toHaveLength(1);
  expect(l[0]).toMatch(/^deepstore: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return l[0] ?? '';
}

describe('usage', () => {
  it('--help lists every command and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['ls', 'stat', 'cp', 'mv', 'rm', 'mkdir', 'cat']) expect(r.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.out).toContain('--config-file');
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(r.out.trim()).toBe(pkg.version);
  });

  it.each([
    ['no command', []],
    ['an unknown command', ['frobnicate', 'x']],
    ['an unknown option', ['ls', '--bogus', '.']],
    ['an unknown global option', ['--bogus', 'ls', '.']],
    ['a missing argument', ['ls']],
    ['a missing second argument', ['cp', 'a']],
    ['too many arguments', ['rm', 'a', 'b']],
    ['a malformed --config', ['--config', 'region', 'ls', '.']],
    ['a --config without a scheme', ['--config', 'region=x', 'ls', '.']],
    ['a missing option value', ['ls', '.', '--config']],
  ])('exits 2 on %s', async (_what, args) => {
    const r = await run(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^(deepstore: |Usage: deepstore)/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.out).toBe('');
  });

  it('names the problem in one short message', async () => {
    const r = await run(['frobnicate']);
    expect(r.stderr.split('\n')[0]).toBe("deepstore: unknown command 'frobnicate'");
    const m = await run(['cp', 'a']);
    expect(m.stderr.split('\n')[0]).toBe("deepstore: missing required argument 'dst'");
    expect(m.stderr).toContain('deepstore cp --help');
  });

  it('accepts global options after the command', async () => {
    const dir = fresh();
    const r = await run(['ls', '--quiet', '--config', 'file.fsync=false', dir]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('ls', () => {
  it('prints one line per entry: type, size, ISO mtime, URI, sorted', async () => {
    const dir = fresh();
    sampleTree(dir);
    const r = await run(['ls', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const base = pathToFileURL(dir).href;
    const got = lines(r.out);
    expect(got).toHaveLength(3);
    expect(got[0]).toMatch(new RegExp(`^-         6 ${ISO} ${base}/a\\.txt$`));
    expect(got[1]).toMatch(new RegExp(`^d         0 ${ISO} ${base}/empty$`));
    expect(got[2]).toMatch(new RegExp(`^d         0 ${ISO} ${base}/sub$`));
    const mtime = new Date(got[0]?.split(' ').filter(Boolean)[2] ?? '').getTime();
    expect(Math.abs(mtime - statSync(path.join(dir, 'a.txt')).mtimeMs)).toBeLessThan(2);
  });

  it('-r lists the whole tree', async () => {
    const dir = fresh();
    sampleTree(dir);
    const r = await run(['ls', '-r', dir]);
    expect(r.code, r.stderr).toBe(0);
    const base = pathToFileURL(dir).href;
    const uris = lines(r.out).map((l) => l.split(' ').pop());
    expect(uris).toEqual(['a.txt', 'empty', 'sub', 'sub/b.txt', 'sub/deeper', 'sub/deeper/c.bin'].map((p) => `${base}/${p}`));
    expect(lines(r.out)[5]).toMatch(/^- {6}3000 /);
  });

  it('--json prints one document with uri and entries', async () => {
    const dir = fresh();
    sampleTree(dir);
    const r = await run(['ls', '--json', '-r', dir]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.out) as { uri: string; entries: Array<Record<string, unknown>> };
    expect(Object.keys(doc)).toEqual(['uri', 'entries']);
    expect(doc.uri).toBe(pathToFileURL(dir).href);
    expect(doc.entries).toHaveLength(6);
    for (const e of doc.entries) expect(Object.keys(e)).toEqual(['uri', 'isDirectory', 'length', 'lastModified']);
    const c = doc.entries.find((e) => String(e.uri).endsWith('/c.bin'));
    expect(c).toMatchObject({ isDirectory: false, length: 3000 });
    expect(Math.abs(Number(c?.lastModified) - statSync(path.join(dir, 'sub', 'deeper', 'c.bin')).mtimeMs)).toBeLessThan(2);
    expect(doc.entries.find((e) => String(e.uri).endsWith('/empty'))).toMatchObject({ isDirectory: true, length: 0 });
  });

  it('lists a file as itself, and an empty directory as nothing', async () => {
    const dir = fresh();
    sampleTree(dir);
    const f = await run(['ls', path.join(dir, 'a.txt')]);
    expect(f.code).toBe(0);
    expect(lines(f.out)).toHaveLength(1);
    expect(f.out).toContain(`${pathToFileURL(dir).href}/a.txt`);
    const e = await run(['ls', '--json', path.join(dir, 'empty')]);
    expect(JSON.parse(e.out)).toEqual({ uri: `${pathToFileURL(dir).href}/empty`, entries: [] });
  });

  it('prints percent-encoded URIs that work as arguments again', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'a b#1%.txt'), 'odd name');
    const r = await run(['ls', dir]);
    const uri = r.out.trim().split(' ').pop() ?? '';
    expect(uri).toBe(`${pathToFileURL(dir).href}/a%20b%231%25.txt`);
    const c = await run(['cat', uri]);
    expect(c.out).toBe('odd name');
  });

  it('fails with one line naming a missing path', async () => {
    const dir = fresh();
    const missing = path.join(dir, 'nope');
    const line = expectOneLineError(await run(['ls', missing]));
    expect(line).toContain(missing);
    expect(line).toMatch(/no such file or directory/);
  });
});

describe('stat', () => {
  it('prints the entry as ls does', async () => {
    const dir = fresh();
    sampleTree(dir);
    const r = await run(['stat', path.join(dir, 'sub', 'b.txt')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^-        12 ${ISO} ${pathToFileURL(dir).href}/sub/b\\.txt\\n$`));
    const d = await run(['stat', path.join(dir, 'sub')]);
    expect(d.out).toMatch(/^d {9}0 /);
  });

  it('--json prints {uri, isDirectory, length, lastModified}', async () => {
    const dir = fresh();
    sampleTree(dir);
    const r = await run(['stat', '--json', pathToFileURL(path.join(dir, 'a.txt')).href]);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['uri', 'isDirectory', 'length', 'lastModified']);
    expect(doc).toMatchObject({ uri: `${pathToFileURL(dir).href}/a.txt`, isDirectory: false, length: 6 });
    expect(typeof doc.lastModified).toBe('number');
  });

  it('fails with one line naming a missing path', async () => {
    const dir = fresh();
    const line = expectOneLineError(await run(['stat', '--json', path.join(dir, 'ghost')]));
    expect(line).toContain(path.join(dir, 'ghost'));
  });
});

describe('cp', () => {
  it('copies a file byte for byte', async () => {
    const dir = fresh();
    const data = randomBytes(5 * 1024 * 1024);
    writeFileSync(path.join(dir, 'big.bin'), data);
    const r = await run(['cp', path.join(dir, 'big.bin'), path.join(dir, 'copy.bin')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    expect(readFileSync(path.join(dir, 'copy.bin')).equals(data)).toBe(true);
    expect(readFileSync(path.join(dir, 'big.bin')).equals(data)).toBe(true);
  });

  it('copies into an existing directory, and into a target ending with /', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'f.txt'), 'f');
    mkdirSync(path.join(dir, 'into'));
    expect((await run(['cp', path.join(dir, 'f.txt'), path.join(dir, 'into')])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'into', 'f.txt'), 'utf8')).toBe('f');
    expect((await run(['cp', path.join(dir, 'f.txt'), `${pathToFileURL(dir).href}/new/`])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'new', 'f.txt'), 'utf8')).toBe('f');
  });

  it('replaces an existing file', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'src'), 'new');
    writeFileSync(path.join(dir, 'dst'), 'old old old');
    expect((await run(['cp', path.join(dir, 'src'), path.join(dir, 'dst')])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'dst'), 'utf8')).toBe('new');
  });

  it('refuses a directory without -r', async () => {
    const dir = fresh();
    mkdirSync(path.join(dir, 'src'));
    sampleTree(path.join(dir, 'src'));
    const line = expectOneLineError(await run(['cp', path.join(dir, 'src'), path.join(dir, 'dst')]));
    expect(line).toContain('-r');
    expect(existsSync(path.join(dir, 'dst'))).toBe(false);
  });

  it('-r copies a tree, and into an existing directory', async () => {
    const dir = fresh();
    const src = path.join(dir, 'src');
    mkdirSync(src);
    sampleTree(src);
    const r = await run(['cp', '-r', src, path.join(dir, 'dst')]);
    expect(r.code, r.stderr).toBe(0);
    expect(tree(path.join(dir, 'dst'))).toEqual(tree(src));
    expect(readFileSync(path.join(dir, 'dst', 'sub', 'deeper', 'c.bin')).equals(readFileSync(path.join(src, 'sub', 'deeper', 'c.bin')))).toBe(true);
    // Like cp -r: an existing directory receives a copy named after the source.
    expect((await run(['cp', '-r', src, path.join(dir, 'dst')])).code).toBe(0);
    expect(tree(path.join(dir, 'dst', 'src'))).toEqual(tree(src));
  });

  it('fails with one line naming a missing source', async () => {
    const dir = fresh();
    const line = expectOneLineError(await run(['cp', path.join(dir, 'ghost'), path.join(dir, 'x')]));
    expect(line).toContain(path.join(dir, 'ghost'));
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });
});

describe('mv', () => {
  it('renames a file, replacing an existing target', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'a'), 'A');
    writeFileSync(path.join(dir, 'b'), 'B');
    const r = await run(['mv', path.join(dir, 'a'), path.join(dir, 'b')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'a'))).toBe(false);
    expect(readFileSync(path.join(dir, 'b'), 'utf8')).toBe('A');
  });

  it('moves into an existing directory', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'a'), 'A');
    mkdirSync(path.join(dir, 'd'));
    expect((await run(['mv', path.join(dir, 'a'), path.join(dir, 'd')])).code).toBe(0);
    expect(tree(dir)).toEqual(['d/', 'd/a']);
  });

  it('moves a directory tree', async () => {
    const dir = fresh();
    const src = path.join(dir, 'src');
    mkdirSync(src);
    sampleTree(src);
    const before = tree(src);
    expect((await run(['mv', src, path.join(dir, 'moved')])).code).toBe(0);
    expect(existsSync(src)).toBe(false);
    expect(tree(path.join(dir, 'moved'))).toEqual(before);
  });

  it('fails with one line naming a missing source', async () => {
    const dir = fresh();
    const line = expectOneLineError(await run(['mv', path.join(dir, 'ghost'), path.join(dir, 'x')]));
    expect(line).toContain(path.join(dir, 'ghost'));
  });
});

describe('rm', () => {
  it('deletes a file and an empty directory', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'f'), 'x');
    mkdirSync(path.join(dir, 'e'));
    expect((await run(['rm', path.join(dir, 'f')])).code).toBe(0);
    expect((await run(['rm', path.join(dir, 'e')])).code).toBe(0);
    expect(tree(dir)).toEqual([]);
  });

  it('refuses a non-empty directory without -r and deletes it with -r', async () => {
    const dir = fresh();
    sampleTree(dir);
    const line = expectOneLineError(await run(['rm', path.join(dir, 'sub')]));
    expect(line).toContain(path.join(dir, 'sub'));
    expect(line).toContain('rm -r');
    expect(tree(path.join(dir, 'sub'))).toEqual(['b.txt', 'deeper/', 'deeper/c.bin']);
    const r = await run(['rm', '-r', path.join(dir, 'sub')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'sub'))).toBe(false);
    expect(existsSync(path.join(dir, 'a.txt'))).toBe(true);
  });

  it('fails on a missing path', async () => {
    const dir = fresh();
    const line = expectOneLineError(await run(['rm', '-r', path.join(dir, 'ghost')]));
    expect(line).toContain(path.join(dir, 'ghost'));
  });
});

describe('mkdir', () => {
  it('creates missing parents and succeeds on an existing directory', async () => {
    const dir = fresh();
    const target = path.join(dir, 'a', 'b', 'c');
    expect((await run(['mkdir', target])).code).toBe(0);
    expect(statSync(target).isDirectory()).toBe(true);
    expect((await run(['mkdir', pathToFileURL(target).href])).code).toBe(0);
  });

  it('fails when a file is in the way', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'f'), 'x');
    const line = expectOneLineError(await run(['mkdir', path.join(dir, 'f')]));
    expect(line).toContain(path.join(dir, 'f'));
  });
});

describe('cat', () => {
  it('writes a file to stdout byte for byte (5 MB of random data)', async () => {
    const dir = fresh();
    const data = randomBytes(5 * 1024 * 1024);
    writeFileSync(path.join(dir, 'big.bin'), data);
    const r = await run(['cat', path.join(dir, 'big.bin')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.length).toBe(data.length);
    expect(r.stdout.equals(data)).toBe(true);
  });

  it('writes an empty file as nothing', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'empty'), '');
    const r = await run(['cat', path.join(dir, 'empty')]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(0);
  });

  it('stops quietly when the reader goes away (| head)', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'big.bin'), randomBytes(8 * 1024 * 1024));
    const r = await run(['cat', path.join(dir, 'big.bin')], {
      onSpawn: (child) => child.stdout?.once('data', () => child.stdout?.destroy()),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('fails with one line on a directory or a missing file', async () => {
    const dir = fresh();
    expect(expectOneLineError(await run(['cat', dir]))).toContain(dir);
    expect(expectOneLineError(await run(['cat', path.join(dir, 'ghost')]))).toContain(path.join(dir, 'ghost'));
  });
});

describe('schemes and errors', () => {
  it('reports an unknown scheme', async () => {
    const line = expectOneLineError(await run(['ls', 'foo://x/y']));
    expect(line).toContain('"foo:"');
    expect(line).toContain('storage.factory.class.foo');
  });

  it('names the package of a scheme whose plugin is not installed', async () => {
    // An installation with the CLI and only the local adapter, as a user who added no other plugin has.
    const inst = fresh();
    const cliDir = path.join(inst, 'node_modules', '@deepstore', 'cli');
    mkdirSync(cliDir, { recursive: true });
    cpSync(path.join(PACKAGE_DIR, 'dist'), path.join(cliDir, 'dist'), { recursive: true });
    cpSync(path.join(PACKAGE_DIR, 'package.json'), path.join(cliDir, 'package.json'));
    for (const dep of ['@deepstore/core', '@deepstore/fs-local', '@deepstore/segment', 'commander', 'dot-properties']) {
      const link = path.join(inst, 'node_modules', dep);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(realpathSync(path.join(PACKAGE_DIR, 'node_modules', dep)), link, 'dir');
    }
    const bin = path.join(cliDir, 'dist', 'bin.js');
    const r = await run(['cat', 's3://bucket/key'], { bin, cwd: inst });
    const line = expectOneLineError(r);
    expect(line).toContain('pnpm add @deepstore/fs-s3');
    expect(expectOneLineError(await run(['ls', 'gs://bucket/x'], { bin, cwd: inst }))).toContain('@deepstore/fs-gcs');
  });

  it('reports a malformed URI', async () => {
    expectOneLineError(await run(['ls', 'http://[bad']));
  });

  it('prints the stack only with DEEPSTORE_DEBUG=1', async () => {
    const dir = fresh();
    const r = await run(['cat', path.join(dir, 'ghost')], { env: { DEEPSTORE_DEBUG: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^deepstore: cat .*ghost: no such file or directory$/);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});

describe('configuration', () => {
  it('--config with an unknown local setting fails naming the key', async () => {
    const dir = fresh();
    const line = expectOneLineError(await run(['--config', 'file.bogus=1', 'ls', dir]));
    expect(line).toContain('bogus');
  });

  it('accepts full Pinot keys and valid settings', async () => {
    const dir = fresh();
    expect(expectOneLineError(await run(['--config', 'storage.factory.file.bogus2=1', 'ls', dir]))).toContain('bogus2');
    expect(expectOneLineError(await run(['--config', 'file.treeConcurrency=0', 'ls', dir]))).toContain('treeConcurrency');
    const ok = await run(['--config', 'file.fsync=false', '-c', 'storage.factory.file.treeConcurrency=8', 'ls', dir]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('refuses a setting for an unknown scheme', async () => {
    const dir = fresh();
    const line = expectOneLineError(await run(['--config', 's4.region=us-east-1', 'ls', dir]));
    expect(line).toContain('s4.region');
  });

  it('--config-file reads a .properties file', async () => {
    const dir = fresh();
    const props = path.join(dir, 'deepstore.properties');
    writeFileSync(props, '# adapter settings\nfile.fsync = false\nstorage.factory.file.treeConcurrency: 2\npinot.server.instance.dataDir=/ignored\n');
    const ok = await run(['--config-file', props, 'ls', dir]);
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(props, 'storage.factory.file.noSuchKey = 1\n');
    expect(expectOneLineError(await run(['--config-file', props, 'ls', dir]))).toContain('noSuchKey');
  });

  it('--config-file reads a .json file', async () => {
    const dir = fresh();
    const json = path.join(dir, 'deepstore.json');
    writeFileSync(json, JSON.stringify({ 'file.fsync': false, 'storage.factory.file.treeConcurrency': 3 }));
    const ok = await run(['--config-file', json, 'ls', dir]);
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(json, JSON.stringify({ 'file.jsonBogus': 'x' }));
    expect(expectOneLineError(await run(['--config-file', json, 'ls', dir]))).toContain('jsonBogus');
    writeFileSync(json, '{ not json');
    expect(expectOneLineError(await run(['--config-file', json, 'ls', dir]))).toContain(json);
    writeFileSync(json, JSON.stringify({ 'file.fsync': { nested: true } }));
    expect(expectOneLineError(await run(['--config-file', json, 'ls', dir]))).toContain('file.fsync');
  });

  it('--config overrides --config-file', async () => {
    const dir = fresh();
    const props = path.join(dir, 'c.properties');
    writeFileSync(props, 'file.treeConcurrency=not-a-number\n');
    expect((await run(['--config-file', props, 'ls', dir])).code).toBe(1);
    const r = await run(['--config-file', props, '--config', 'file.treeConcurrency=4', 'ls', dir]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('fails with one line on a missing config file', async () => {
    const dir = fresh();
    const line = expectOneLineError(await run(['--config-file', path.join(dir, 'none.properties'), 'ls', dir]));
    expect(line).toContain(path.join(dir, 'none.properties'));
  });
});
