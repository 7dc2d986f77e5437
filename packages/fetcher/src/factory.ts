import {
  DeepstoreError,
  FileSystemRegistry,
  InvalidInputError,
  UnsupportedError,
  schemeOf,
  type ModuleImporter,
} from '@deepstore/core';
import { HttpSegmentFetcher, HttpsSegmentFetcher } from './http-fetcher.js';
import { fetcherClassOf, importFetcherModule } from './loader.js';
import { PinotFSSegmentFetcher } from './pinotfs-fetcher.js';
import { toUriList } from './base-fetcher.js';
import type { FetchOptions, FetcherConfig, SegmentFetcher, SegmentUris } from './types.js';

export const PROTOCOLS_KEY = 'protocols';
export const CLASS_KEY_SUFFIX = '.class';

// Pinot's keys may come with the node-role prefix: pinot.server.segment.fetcher.protocols = ...
const PINOT_PREFIX = /^pinot\.(?:controller|server|minion|broker)\.segment\.fetcher\./;
const PROTOCOL = /^[a-z][a-z0-9+.-]*$/;

export interface SegmentFetcherFactoryOptions {
  /** Filesystems for the PinotFS fetcher (default: a new registry with the importers below). */
  registry?: FileSystemRegistry;
  /**
   * Ways to import `<protocol>.class` modules (and, for a registry made here, filesystem
   * plugins), tried first. An application passes `(s) => import(s)` so they resolve from its own
   * dependencies.
   */
  importers?: ModuleImporter[];
  /** Directories to resolve packages from after that (default: the working directory). */
  searchPaths?: string[];
}

/** The built-in fetchers a `<protocol>.class` setting may name by their Pinot class name. */
const BUILTIN_CLASSES: Readonly<Record<string, 'http' | 'https' | 'pinotfs'>> = {
  'org.apache.pinot.common.utils.fetcher.HttpSegmentFetcher': 'http',
  'org.apache.pinot.common.utils.fetcher.HttpsSegmentFetcher': 'https',
  'org.apache.pinot.common.utils.fetcher.PinotFSSegmentFetcher': 'pinotfs',
  HttpSegmentFetcher: 'http',
  HttpsSegmentFetcher: 'https',
  PinotFSSegmentFetcher: 'pinotfs',
};

/**
 * Pinot's SegmentFetcherFactory, as an instance: one fetcher per protocol, chosen by a URI's
 * scheme. `http` and `https` get the HTTP fetcher, any scheme with a registered filesystem the
 * PinotFS fetcher, unless configuration (`protocols`, `<protocol>.class`) or `register` says
 * otherwise.
 */
export class SegmentFetcherFactory {
  readonly registry: FileSystemRegistry;
  private readonly ownsRegistry: boolean;
  private readonly importers: ModuleImporter[];
  private readonly searchPaths: string[];
  private readonly configured = new Map<string, SegmentFetcher>();
  private readonly httpFetcher = new HttpSegmentFetcher();
  private readonly httpsFetcher = new HttpsSegmentFetcher();
  private readonly pinotFsFetcher: PinotFSSegmentFetcher;

  constructor(options: SegmentFetcherFactoryOptions = {}) {
    this.importers = options.importers ?? [];
    this.searchPaths = options.searchPaths ?? [process.cwd()];
    this.ownsRegistry = options.registry === undefined;
    this.registry = options.registry ?? new FileSystemRegistry({ importers: this.importers, searchPaths: this.searchPaths });
    this.pinotFsFetcher = new PinotFSSegmentFetcher(this.registry);
  }

  /**
   * Applies Pinot's fetcher settings. The default fetchers get the whole configuration (as in
   * Pinot); each protocol in `protocols` gets a fetcher (`<protocol>.class`, or the default for
   * it) initialised with its `<protocol>.*` settings, plus the top-level `auth.*` ones when it
   * has none of its own. Keys may carry Pinot's `pinot.<role>.segment.fetcher.` prefix.
   */
  async init(config: FetcherConfig): Promise<void> {
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (v !== undefined) props[k.replace(PINOT_PREFIX, '')] = String(v);
    await this.httpFetcher.init(props);
    await this.httpsFetcher.init(props);
    await this.pinotFsFetcher.init(props);
    const protocols = (props[PROTOCOLS_KEY] ?? '')
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter((p) => p !== '');
    for (const p of protocols) {
      if (!PROTOCOL.test(p)) throw new InvalidInputError(`setting "${PROTOCOLS_KEY}": ${JSON.stringify(p)} is not a valid protocol name`, { operation: 'init segment fetcher' });
    }
    const globalAuth = Object.entries(props).filter(([k]) => k.startsWith('auth.'));
    const made = new Map<string, SegmentFetcher>();
    try {
      for (const p of protocols) {
        const sub: Record<string, string> = {};
        for (const [k, v] of Object.entries(props)) if (k.startsWith(`${p}.`)) sub[k.slice(p.length + 1)] = v;
        if (!Object.keys(sub).some((k) => k.startsWith('auth.'))) for (const [k, v] of globalAuth) sub[k] = v;
        const classKey = `${p}${CLASS_KEY_SUFFIX}`;
        const fetcher = props[classKey]?.trim() ? await this.instantiate(classKey, props[classKey].trim()) : this.defaultFor(p);
        made.set(p, fetcher);
        try {
          await fetcher.init(sub);
        } catch (err) {
          throw withPrefix(err, p);
        }
      }
    } catch (err) {
      await Promise.allSettled([...made.values()].map((f) => f.close?.()));
      throw err;
    }
    const replaced = [...this.configured.entries()].filter(([p]) => made.has(p)).map(([, f]) => f);
    for (const [p, f] of made) this.configured.set(p, f);
    await Promise.allSettled(replaced.map((f) => f.close?.()));
  }

  /** Uses `fetcher` for `protocol` (it must be initialised already). */
  register(protocol: string, fetcher: SegmentFetcher): void {
    const p = protocol.trim().toLowerCase().replace(/:$/, '');
    if (!PROTOCOL.test(p)) throw new InvalidInputError(`invalid protocol name: ${JSON.stringify(protocol)}`);
    if (typeof fetcher?.fetchToLocal !== 'function') throw new InvalidInputError(`the fetcher registered for "${p}" has no fetchToLocal()`);
    this.configured.set(p, fetcher);
  }

  /** The fetcher for a protocol (a URI scheme, without the colon). */
  getFetcher(protocol: string): SegmentFetcher {
    const p = protocol.trim().toLowerCase().replace(/:$/, '');
    const configured = this.configured.get(p);
    if (configured) return configured;
    if (p === 'http') return this.httpFetcher;
    if (p === 'https') return this.httpsFetcher;
    if (this.registry.schemes().includes(p)) return this.pinotFsFetcher;
    const known = [...new Set(['http', 'https', ...this.configured.keys(), ...this.registry.schemes()])].sort().join(', ');
    throw new UnsupportedError(
      `no segment fetcher for protocol "${p}" (known: ${known}); configure one with protocols=${p} and ${p}.class=<module>, register it in code, or register a filesystem for "${p}:"`,
    );
  }

  /** Downloads a segment (from any of its replicas) to the file `dest`, with the fetcher for the URI's scheme. */
  async fetchToLocal(uri: SegmentUris, dest: string, options?: FetchOptions): Promise<void> {
    return this.fetcherFor(uri, 'fetchToLocal').fetchToLocal(uri, dest, options);
  }

  /** Streams a segment tarball into a safe extraction under `destDir`; returns the segment directory. */
  async fetchUntarToLocal(uri: SegmentUris, destDir: string, options?: FetchOptions): Promise<string> {
    const fetcher = this.fetcherFor(uri, 'fetchUntarToLocal');
    if (typeof fetcher.fetchUntarToLocal !== 'function') throw new UnsupportedError(`the fetcher for "${schemeOf(toUriList(uri, 'fetchUntarToLocal')[0]!)}" cannot untar`);
    return fetcher.fetchUntarToLocal(uri, destDir, options);
  }

  /** Closes every fetcher and, when the factory made it, the registry. */
  async close(): Promise<void> {
    const all = new Set<SegmentFetcher>([this.httpFetcher, this.httpsFetcher, this.pinotFsFetcher, ...this.configured.values()]);
    await Promise.allSettled([...all].map((f) => f.close?.()));
    if (this.ownsRegistry) await this.registry.close();
  }

  private fetcherFor(uri: SegmentUris, operation: string): SegmentFetcher {
    const list = toUriList(uri, operation);
    const schemes = [...new Set(list.map((u) => schemeOf(u)))];
    if (schemes.length > 1) throw new InvalidInputError(`the replicas of one segment must share a scheme, got ${schemes.join(', ')}`, { operation });
    return this.getFetcher(schemes[0]!);
  }

  private defaultFor(protocol: string): SegmentFetcher {
    if (protocol === 'http') return new HttpSegmentFetcher();
    if (protocol === 'https') return new HttpsSegmentFetcher();
    return new PinotFSSegmentFetcher(this.registry);
  }

  private async instantiate(key: string, specifier: string): Promise<SegmentFetcher> {
    const builtin = BUILTIN_CLASSES[specifier];
    if (builtin === 'http') return new HttpSegmentFetcher();
    if (builtin === 'https') return new HttpsSegmentFetcher();
    if (builtin === 'pinotfs') return new PinotFSSegmentFetcher(this.registry);
    const mod = await importFetcherModule(key, specifier, this.importers, this.searchPaths);
    const Class = fetcherClassOf(mod, key, specifier);
    let fetcher: SegmentFetcher;
    try {
      fetcher = new Class();
    } catch (err) {
      throw new InvalidInputError(`setting "${key}": constructing the fetcher class of ${specifier} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return fetcher;
  }
}

/** A protocol's init error, with its setting names given in full (`s3.retry.count`). */
function withPrefix(err: unknown, protocol: string): unknown {
  if (!(err instanceof DeepstoreError)) {
    return new InvalidInputError(`the segment fetcher for protocol "${protocol}" failed to initialise: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const message = err.message.replace(/setting "([^"]+)"/g, (_m, k: string) => `setting "${protocol}.${k}"`);
  if (message === err.message) return err;
  return new InvalidInputError(`protocol "${protocol}": ${message}`, { cause: err });
}
