import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileSystemRegistry, PluginNotInstalledError, type PinotFS } from '@deepstore/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const echoModule = path.join(here, 'fixtures', 'echo-fs.js');

describe('FileSystemRegistry', () => {
  it('names the package to install when a built-in scheme has no plugin', async () => {
    const registry = new FileSystemRegistry({ searchPaths: [os.tmpdir()] });
    for (const [uri, pkg] of [
      ['gs://bucket/key', '@deepstore/fs-gcs'],
      ['s3a://bucket/key', '@deepstore/fs-s3'],
      ['webhdfs://nn:9870/p', '@deepstore/fs-hdfs'],
    ] as const) {
      const err = await registry.resolve(uri).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PluginNotInstalledError);
      expect((err as Error).message).toContain(`pnpm add ${pkg}`);
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('refuses an unknown scheme, listing the known ones', async () => {
    const err = await new FileSystemRegistry().resolve('foo://x/y').catch((e: unknown) => e);
    expect((err as { kind?: string }).kind).toBe('Unsupported');
    expect((err as Error).message).toMatch(/scheme "foo:".*storage\.factory\.class\.foo/);
  });

  it('loads a third-party adapter from Pinot-style settings and passes its settings', async () => {
    const registry = new FileSystemRegistry();
    registry.configure({
      'pinot.server.storage.factory.class.echo': echoModule,
      'storage.factory.echo.greeting': 'hello',
      'storage.factory.echo.retries': '3',
      'unrelated.key': 'ignored',
    });
    const fs = (await registry.resolve('echo://anything/x')) as PinotFS & { settings: Record<string, string> };
    expect(fs.settings).toEqual({ greeting: 'hello', retries: '3' });
    expect(await fs.length('echo://anything/x')).toBe(42);
    expect(await registry.resolve('ECHO://other/y')).toBe(fs);
    expect(registry.schemes()).toContain('echo');
  });

  it('registers in code, creating one instance per scheme even under concurrent first use', async () => {
    const registry = new FileSystemRegistry();
    let made = 0;
    registry.register('mem', async () => {
      made += 1;
      const mod = (await import(echoModule)) as { default: new () => PinotFS };
      return new mod.default();
    }, { a: '1' });
    const [a, b] = await Promise.all([registry.resolve('mem://x'), registry.resolve('mem://y')]);
    expect(a).toBe(b);
    expect(made).toBe(1);
  });

  it('rejects malformed Pinot settings by key', () => {
    expect(() => new FileSystemRegistry().configure({ 'storage.factory.s3': 'x' })).toThrow(/storage\.factory\.s3/);
    expect(() => new FileSystemRegistry().configure({ 'storage.factory.class.s3': ' ' })).toThrow(/empty/);
  });

  it('does not cache a failed creation', async () => {
    const registry = new FileSystemRegistry();
    registry.register('flaky', () => {
      throw new Error('not yet');
    });
    await expect(registry.resolve('flaky://x')).rejects.toThrow('not yet');
    registry.register('flaky', echoModule);
    await expect(registry.resolve('flaky://x')).resolves.toBeDefined();
  });
});
