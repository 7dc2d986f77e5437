import path from 'node:path';
import { pathToFileURL } from 'node:url';
// Module resolution is the registry's, so fetcher plugins are found where filesystem plugins are.
import { importFrom, InvalidInputError, isMissing, type ModuleImporter } from '@deepstore/core';
import type { SegmentFetcher, SegmentFetcherClass } from './types.js';

const OP = 'init segment fetcher';

/**
 * Imports the module a `<protocol>.class` setting names: a file path (relative to the working
 * directory) or a package, looked up through the given importers, then from this package, then
 * from node_modules above each search path. Errors name the setting.
 */
export async function importFetcherModule(key: string, specifier: string, importers: readonly ModuleImporter[], searchPaths: readonly string[]): Promise<unknown> {
  if (/^(\.{1,2}[\\/]|\/|file:)/.test(specifier)) {
    const url = specifier.startsWith('file:') ? specifier : pathToFileURL(path.resolve(specifier)).href;
    try {
      return await import(url);
    } catch (err) {
      throw new InvalidInputError(`setting "${key}": cannot load the module ${specifier}: ${messageOf(err)}`, { operation: OP, cause: err });
    }
  }
  const attempts: ModuleImporter[] = [...importers, (s) => import(s), ...searchPaths.map((dir) => (s: string) => importFrom(dir, s))];
  for (const attempt of attempts) {
    try {
      return await attempt(specifier);
    } catch (err) {
      if (!isMissing(err, specifier)) {
        throw new InvalidInputError(`setting "${key}": loading the module ${specifier} failed: ${messageOf(err)}`, { operation: OP, cause: err });
      }
    }
  }
  throw new InvalidInputError(`setting "${key}": module ${specifier} cannot be found (install the package, or give a file path such as ./my-fetcher.js)`, { operation: OP });
}

/** The fetcher class of a module: its default export, a named export `SegmentFetcher`, or its first exported fetcher class. */
export function fetcherClassOf(mod: unknown, key: string, specifier: string): SegmentFetcherClass {
  const m = (mod ?? {}) as Record<string, unknown>;
  const nested = (m.default as { default?: unknown } | undefined)?.default;
  const candidates = [m.default, m.SegmentFetcher, nested, ...Object.values(m)];
  const found = candidates.find(isFetcherClass);
  if (!found) {
    throw new InvalidInputError(
      `setting "${key}": module ${specifier} exports no segment fetcher class (a class with init() and fetchToLocal(), as the default export, the named export SegmentFetcher, or any exported class)`,
      { operation: OP },
    );
  }
  return found;
}

export function isFetcherClass(fn: unknown): fn is SegmentFetcherClass {
  if (typeof fn !== 'function') return false;
  const proto = (fn as { prototype?: Partial<SegmentFetcher> }).prototype;
  return typeof proto?.fetchToLocal === 'function' && typeof proto.init === 'function';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Imports a package as an ESM import from a file in `dir` would (node_modules upwards, then `exports` or `main`). */
