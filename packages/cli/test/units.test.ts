import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemRegistry } from '@deepstore/core';
import { applyConfig, parseConfigArgument, readConfigFile, type ConfigSetting } from '../src/config.js';
import { formatTime, listingJson, listingText, oneLine, statJson } from '../src/format.js';
import { ProgressBar, formatBytes, formatDuration, renderProgressLine } from '../src/progress-bar.js';
import { main } from '../src/index.js';
import { tempDir } from './helpers.js';

let root: string;
let cleanup: (() => void) | undefined;
beforeAll(() => {
  const t = tempDir('deepstore-cli-units-');
  root = t.dir;
  cleanup = t.cleanup;
});
afterAll(() => cleanup?.());

describe('config', () => {
  it('parses --config arguments', () => {
    expect(parseConfigArgument('s3.region=us-east-1')).toEqual({ key: 's3.region', value: 'us-east-1', source: '--config' });
    expect(parseConfigArgument('s3.endpoint=http://h:9000/?a=b')).toMatchObject({ key: 's3.endpoint', value: 'http://h:9000/?a=b' });
    expect(parseConfigArgument('storage.factory.class.x=./x.js')).toMatchObject({ key: 'storage.factory.class.x', value: './x.js' });
    expect(parseConfigArgument('s3.sessionToken=')).toMatchObject({ value: '' });
    for (const bad of ['s3.region', 'region=x', '=x', '.region=x', 's3.=x', '']) expect(() => parseConfigArgument(bad), bad).toThrow();
  });

  it('applies short keys, Pinot keys and module registrations in order', () => {
    const registry = new FileSystemRegistry();
    const cli = (a: string): ConfigSetting => parseConfigArgument(a);
    const file = (key: string, value: string): ConfigSetting => ({ key, value, source: 'config file x' });
    applyConfig(registry, [
      file('mem.size', '1'),
      file('storage.factory.class.mem', './mem.js'),
      file('pinot.server.storage.factory.s3.region', 'eu-west-1'),
      file('pinot.server.instance.dataDir', '/ignored'),
      cli('s3.region=us-east-1'),
      cli('storage.factory.gs.projectId=p'),
    ]);
    expect(registry.schemes()).toContain('mem');
    expect(registry.configOf('mem')).toEqual({ size: '1' });
    expect(registry.configOf('s3')).toEqual({ region: 'us-east-1' });
    expect(registry.configOf('gs')).toEqual({ projectId: 'p' });
    expect(registry.configOf('pinot')).toEqual({});
  });

  it('refuses unknown schemes, and Pinot settings on the command line', () => {
    expect(() => applyConfig(new FileSystemRegistry(), [parseConfigArgument('s4.region=x')])).toThrow(/unknown scheme "s4"/);
    expect(() => applyConfig(new FileSystemRegistry(), [parseConfigArgument('pinot.server.instance.dataDir=x')])).toThrow(/pinot/);
    expect(() => applyConfig(new FileSystemRegistry(), [parseConfigArgument('storage.factory.s3=x')])).toThrow(/storage\.factory\.s3/);
  });

  it('reads .properties and .json files', async () => {
    const props = path.join(root, 'a.properties');
    writeFileSync(props, '# comment\ns3.region = us-east-1\nstorage.factory.s3.endpoint: http://localhost:9000\nkey\\ with\\ space=v\n');
    expect(await readConfigFile(props)).toEqual([
      { key: 's3.region', value: 'us-east-1', source: `config file ${props}` },
      { key: 'storage.factory.s3.endpoint', value: 'http://localhost:9000', source: `config file ${props}` },
      { key: 'key with space', value: 'v', source: `config file ${props}` },
    ]);
    const json = path.join(root, 'a.json');
    writeFileSync(json, JSON.stringify({ 's3.region': 'x', 'file.fsync': false, 'file.treeConcurrency': 8 }));
    expect((await readConfigFile(json)).map((s) => [s.key, s.value])).toEqual([
      ['s3.region', 'x'],
      ['file.fsync', 'false'],
      ['file.treeConcurrency', '8'],
    ]);
    writeFileSync(json, '[1]');
    await expect(readConfigFile(json)).rejects.toThrow(/JSON object/);
    await expect(readConfigFile(path.join(root, 'missing.json'))).rejects.toThrow(/missing\.json: no such file/);
  });
});

describe('format', () => {
  const file = { uri: 'file:///x/a%20b.txt', isDirectory: false, length: 1234, lastModified: Date.UTC(2026, 10, 27, 9, 0, 0) };
  const dir = { uri: 'file:///x/dir', isDirectory: true, length: 0, lastModified: 0 };

  it('prints aligned human lines', () => {
    expect(listingText([dir, file])).toBe(
      'd         0 -                        file:///x/dir\n' + '-      1234 2026-11-27T09:00:00.000Z file:///x/a%20b.txt\n',
    );
    const huge = { ...file, length: 123_456_789_012 };
    const out = listingText([dir, huge]).split('\n');
    expect(out[0]?.indexOf('-  ')).toBe(out[1]?.indexOf('2026'));
    expect(listingText([])).toBe('');
  });

  it('prints stable JSON', () => {
    const extra = { ...file, etag: 'abc' };
    expect(JSON.parse(listingJson('file:///x', [extra]))).toEqual({ uri: 'file:///x', entries: [file] });
    expect(statJson(extra)).toBe(`{\n  "uri": "file:///x/a%20b.txt",\n  "isDirectory": false,\n  "length": 1234,\n  "lastModified": ${file.lastModified}\n}\n`);
  });

  it('formats times and messages', () => {
    expect(formatTime(0)).toBe('-'.padEnd(24));
    expect(formatTime(Date.UTC(2000, 0, 1))).toBe('2000-01-01T00:00:00.000Z');
    expect(oneLine('a\n  b\r\nc ')).toBe('a b c');
  });
});

describe('progress bar', () => {
  function terminal(columns = 80): { stream: { isTTY: boolean; columns: number; write(s: string): boolean }; writes: string[] } {
    const writes: string[] = [];
    return { writes, stream: { isTTY: true, columns, write: (s: string) => writes.push(s) > 0 } };
  }

  it('renders percentage, bar, amounts, rate and ETA within the width', () => {
    const line = renderProgressLine({ bytes: 512 * 1024 * 1024, total: 1024 * 1024 * 1024, bytesPerSecond: 64 * 1024 * 1024 }, 80);
    expect(line).toMatch(/^ 50% \[=+> +\] 512\.0 MiB \/ 1\.0 GiB {2}64\.0 MiB\/s {2}ETA 0:08$/);
    expect(line.length).toBe(79);
    expect(renderProgressLine({ bytes: 10, total: 10 }, 60)).toMatch(/^100% \[=+\] 10 B \/ 10 B$/);
    expect(renderProgressLine({ bytes: 2048, bytesPerSecond: 1024 }, 80)).toBe('2.0 KiB  1.0 KiB/s');
    expect(renderProgressLine({ bytes: 1, total: 3 }, 30).length).toBeLessThanOrEqual(29);
  });

  it('formats sizes and durations', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '5.0 GiB']);
    expect([0, 5.2, 65, 3600 + 61].map(formatDuration)).toEqual(['0:00', '0:06', '1:05', '1:01:01']);
  });

  it('stays silent for quick transfers, redraws at most every 100 ms and clears the line', () => {
    let now = 1000;
    const t = terminal();
    const bar = new ProgressBar(t.stream, { now: () => now });
    bar.update({ bytes: 10, total: 1000 });
    now += 400;
    bar.update({ bytes: 400, total: 1000 });
    expect(t.writes).toEqual([]); // before the 500 ms delay
    now += 100;
    bar.update({ bytes: 500, total: 1000 });
    expect(t.writes).toHaveLength(1);
    expect(t.writes[0]?.startsWith('\r\x1b[K 50% [')).toBe(true);
    for (let i = 0; i < 10; i++) {
      now += 10;
      bar.update({ bytes: 500 + i, total: 1000 });
    }
    expect(t.writes).toHaveLength(2); // 100 ms passed once in those updates
    bar.finish();
    expect(t.writes.at(-1)).toBe('\r\x1b[K');
    bar.update({ bytes: 900, total: 1000 });
    bar.finish();
    expect(t.writes).toHaveLength(3);
  });

  it('does not clear a line it never drew', () => {
    const t = terminal();
    const bar = new ProgressBar(t.stream);
    bar.update({ bytes: 1 });
    bar.finish();
    expect(t.writes).toEqual([]);
  });
});

describe('main() in process', () => {
  function sink(): { stream: Writable; text: () => string } {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(Buffer.from(chunk));
        cb();
      },
    });
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  }

  it('returns exit codes instead of exiting', async () => {
    const dir = path.join(root, 'inproc');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'f'), 'data');
    const out = sink();
    const err = sink();
    const io = { stdout: out.stream, stderr: err.stream, handleSignals: false };
    expect(await main(['node', 'deepstore', 'ls', '--json', dir], io)).toBe(0);
    expect(JSON.parse(out.text())).toMatchObject({ uri: pathToFileURL(dir).href, entries: [{ length: 4 }] });
    expect(await main(['node', 'deepstore', 'cat', path.join(dir, 'nope')], io)).toBe(1);
    expect(err.text()).toMatch(/^deepstore: cat .*nope: no such file or directory\n$/);
    expect(await main(['node', 'deepstore', 'nope'], io)).toBe(2);
    expect(await main(['node', 'deepstore', '--help'], io)).toBe(0);
  });
});
