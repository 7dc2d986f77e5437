import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeepstoreError, InvalidInputError, PluginNotInstalledError, UnsupportedError } from './errors.js';
import type { FsConfig, PinotFS, PinotFSConstructor, UriLike } from './types.js';
import { schemeOf } from './uri.js';

/** The adapter package that serves each built-in scheme. */
export const BUILTIN_SCHEMES: Readonly<Record<string, string>> = Object.freeze({
  file: '@deepstore/fs-local',
  http: '@deepstore/fs-http',
  https: '@deepstore/fs-http',
  hdfs: '@deepstore/fs-hdfs',
  webhdfs: '@deepstore/fs-hdfs',
  s3: '@deepstore/fs-s3',
  s3a: '@deepstore/fs-s3',
  s3n: '@deepstore/fs-s3',
  gs: '@deepstore/fs-gcs',
});

/** Produces a filesystem for a scheme; called once, on first use of the scheme. */
export type FsFactory = (scheme: string) => PinotFS | Promise<PinotFS>;

/** Imports a module by specifier; several can be chained so plugins are found from the caller's package. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

export interface RegistryOptions {
  /**
   * Extra ways to import plugin modules, tried before the built-in ones. An application passes
   * `(s) => import(s)` so plugins are resolved from its own dependencies.
   */
  importers?: ModuleImporter[];
  /** Directories to resolve plugin packages from, after the core package itself (default: the working directory). */
  searchPaths?: string[];
}

type Source = { kind: 'module'; specifier: string } | { kind: 'factory'; factory: FsFactory } | { kind: 'instance'; fs: PinotFS };

// Keys as Pinot writes them, optionally under a node-role prefix: pinot.server.storage.factory.class.s3 = ...
const PINOT_KEY = /^(?:pinot\.(?:controller|server|minion|broker)\.)?storage\.factory\.(.+)$/;

/**
 * Maps URI schemes to filesystems. Built-in schemes load their adapter package lazily on
 * first use; a missing package fails with the install command. Third-party adapters register
 * in code or through Pinot-style `storage.factory.*` settings.
 */
export class FileSystemRegistry {
  private readonly sources = new Map<string, Source>();
  private readonly configs = new Map<string, Record<string, string | number | boolean | undefined>>();
  private readonly instances = new Map<string, Promise<PinotFS>>();
  private readonly importers: ModuleImporter[];
  private readonly searchPaths: string[];

  constructor(options: RegistryOptions = {}) {
    this.importers = options.importers ?? [];
    this.searchPaths = options.searchPaths ?? [process.cwd()];
  }

  /**
   * Registers a scheme: a ready instance, a factory, an adapter class, or a module specifier
   * (a package name or a file path) whose default export is the adapter class.
   * Replaces an earlier registration and forgets an instance already made for the scheme.
   */
  register(scheme: string, target: PinotFS | FsFactory | PinotFSConstructor | string, config?: FsConfig): void {
    const key = normaliseScheme(scheme);
    let source: Source;
    if (typeof target === 'string') source = { kind: 'module', specifier: target };
    else if (typeof target === 'function') source = isConstructor(target) ? { kind: 'factory', factory: () => new target() } : { kind: 'factory', factory: target as FsFactory };
    else source = { kind: 'instance', fs: target };
    this.sources.set(key, source);
    this.instances.delete(key);
    if (config) this.setConfig(key, config);
  }

  /** Merges settings for a scheme; they are passed to the adapter's init on first use. */
  setConfig(scheme: string, config: FsConfig): void {
    const key = normaliseScheme(scheme);
    this.configs.set(key, { ...this.configs.get(key), ...config });
    this.instances.delete(key);
  }

  configOf(scheme: string): FsConfig {
    return { ...this.configs.get(normaliseScheme(scheme)) };
  }

  /**
   * Applies Pinot-style settings: `storage.factory.class.<scheme> = <module>` registers a
   * scheme and `storage.factory.<scheme>.<key> = <value>` sets one of its settings. Keys may
   * carry Pinot's role prefix (`pinot.server.storage.factory...`). Other keys are ignored.
   */
  configure(properties: Readonly<Record<string, string>>): void {
    for (const [fullKey, value] of Object.entries(properties)) {
      const m = PINOT_KEY.exec(fullKey);
      if (!m?.[1]) continue;
      const rest = m[1];
      if (rest.startsWith('class.')) {
        const scheme = rest.slice('class.'.length);
        if (!value.trim()) throw new InvalidInputError(`setting ${fullKey} is empty; it must name a module`);
        this.register(scheme, value.trim());
        continue;
      }
      const dot = rest.indexOf('.');
      if (dot <= 0 || dot === rest.length - 1) throw new InvalidInputError(`setting ${fullKey} must be storage.factory.<scheme>.<key>`);
      this.setConfig(rest.slice(0, dot), { [rest.slice(dot + 1)]: value });
    }
  }

  /** Schemes this registry can serve: registered ones and the built-in ones. */
  schemes(): string[] {
    return [...new Set([...Object.keys(BUILTIN_SCHEMES), ...this.sources.keys()])].sort();
  }

  /** The filesystem for a URI's scheme, created and initialised on first use. */
  async resolve(uri: UriLike): Promise<PinotFS> {
    return this.forScheme(schemeOf(uri));
  }

  async forScheme(scheme: string): Promise<PinotFS> {
    const key = normaliseScheme(scheme);
    let pending = this.instances.get(key);
    if (!pending) {
      pending = this.create(key);
      this.instances.set(key, pending);
      // A failed creation is not cached: installing the plugin or fixing settings can fix it.
      pending.catch(() => {
        if (this.instances.get(key) === pending) this.instances.delete(key);
      });
    }
    return pending;
  }

  /** Closes every filesystem created so far. */
  async close(): Promise<void> {
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
  }

  private async create(scheme: string): Promise<PinotFS> {
    const source: Source | undefined =
      this.sources.get(scheme) ?? (BUILTIN_SCHEMES[scheme] ? { kind: 'module', specifier: BUILTIN_SCHEMES[scheme] } : undefined);
    if (!source) {
      throw new UnsupportedError(
        `no filesystem is registered for scheme "${scheme}:" (known: ${this.schemes().join(', ')}); register one with storage.factory.class.${scheme}`,
      );
    }
    let fs: PinotFS;
    if (source.kind === 'instance') return source.fs;
    if (source.kind === 'factory') fs = await source.factory(scheme);
    else fs = instantiate(await this.importPlugin(scheme, source.specifier), source.specifier, scheme);
    await fs.init(this.configOf(scheme));
    return fs;
  }

  private async importPlugin(scheme: string, specifier: string): Promise<unknown> {
    if (/^(\.{1,2}\/|\/|file:)/.test(specifier)) {
      // A file path is the user's, relative to the working directory, not to this package.
      const url = specifier.startsWith('file:') ? specifier : pathToFileURL(path.resolve(specifier)).href;
      try {
        return await import(url);
      } catch (err) {
        throw new InvalidInputError(`cannot load module ${specifier} registered for scheme "${scheme}:"`, { cause: err });
      }
    }
    const attempts: ModuleImporter[] = [
      ...this.importers,
      (s) => import(s),
      ...this.searchPaths.map((dir) => (s: string) => importFrom(dir, s)),
    ];
    for (const attempt of attempts) {
      try {
        return await attempt(specifier);
      } catch (err) {
        if (!isMissing(err, specifier)) {
          throw new DeepstoreError('Unexpected', `failed to load the filesystem module ${specifier} for scheme "${scheme}:"`, { cause: err });
        }
      }
    }
    if (BUILTIN_SCHEMES[scheme] === specifier) throw new PluginNotInstalledError(scheme, specifier);
    throw new InvalidInputError(`module ${specifier} registered for scheme "${scheme}:" cannot be found`);
  }
}

/** The registry used when none is passed explicitly. */
export const defaultRegistry = new FileSystemRegistry();

/** The filesystem for a URI, from the default registry. */
export function resolveFileSystem(uri: UriLike): Promise<PinotFS> {
  return defaultRegistry.resolve(uri);
}

function normaliseScheme(scheme: string): string {
  const s = scheme.trim().toLowerCase().replace(/:$/, '');
  if (!/^[a-z][a-z0-9+.-]*$/.test(s)) throw new InvalidInputError(`invalid URI scheme: ${JSON.stringify(scheme)}`);
  return s;
}

function isConstructor(fn: unknown): fn is PinotFSConstructor {
  return typeof fn === 'function' && typeof (fn as { prototype?: { init?: unknown } }).prototype?.init === 'function';
}

function instantiate(mod: unknown, specifier: string, scheme: string): PinotFS {
  const m = mod as { default?: unknown; FileSystem?: unknown };
  const candidate = [m.default, m.FileSystem, (m.default as { default?: unknown } | undefined)?.default].find(isConstructor);
  if (!candidate) {
    throw new InvalidInputError(`module ${specifier} (scheme "${scheme}:") does not export a filesystem class as its default export`);
  }
  const fs = new candidate();
  for (const method of ['init', 'stat', 'openRead', 'write', 'listWithMetadata'] as const) {
    if (typeof fs[method] !== 'function') throw new InvalidInputError(`module ${specifier} (scheme "${scheme}:") exports a class without ${method}()`);
  }
  return fs;
}

/**
 * Imports a package as an ESM import from a file in `dir` would find it: node_modules folders
 * from `dir` upwards, then the package's `exports` (or `main`). NODE_PATH is ignored, as ESM
 * ignores it (CommonJS resolution would honour it and find packages the user never installed).
 */
/** Imports a package as if from a file in `dir` (ESM resolution, NODE_PATH ignored). Shared with plugin loaders. */
export async function importFrom(dir: string, specifier: string): Promise<unknown> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const pkgDir = path.join(d, 'node_modules', ...specifier.split('/'));
    const manifest = await readFile(path.join(pkgDir, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest !== undefined) return import(pathToFileURL(path.join(pkgDir, entryOf(JSON.parse(manifest) as PackageManifest))).href);
    if (path.dirname(d) === d) break;
  }
  throw Object.assign(new Error(`Cannot find package '${specifier}' from ${dir}`), { code: 'ERR_MODULE_NOT_FOUND' });
}

interface PackageManifest {
  exports?: unknown;
  main?: string;
}

function entryOf(manifest: PackageManifest): string {
  let target: unknown = manifest.exports;
  if (target && typeof target === 'object' && '.' in (target as Record<string, unknown>)) target = (target as Record<string, unknown>)['.'];
  // Follow import/node/default conditions down to a path.
  while (target && typeof target === 'object') {
    const t = target as Record<string, unknown>;
    target = t.import ?? t.node ?? t.default;
  }
  return typeof target === 'string' ? target : (manifest.main ?? 'index.js');
}

/** Whether an import failed because `specifier` itself is absent (not one of its own dependencies). */
export function isMissing(err: unknown, specifier: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = e?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') return false;
  // Only the plugin itself being absent counts; a plugin whose own dependency is missing is a real error.
  const msg = typeof e.message === 'string' ? e.message : '';
  return msg.includes(`'${specifier}'`) || msg.includes(`"${specifier}"`) || msg.includes(specifier.replace(/^\.\//, ''));
}
