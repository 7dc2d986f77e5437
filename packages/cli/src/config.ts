import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseProperties } from 'dot-properties';
import { InvalidInputError, type FileSystemRegistry } from '@deepstore/core';

/** One setting as the user wrote it, and where it came from (for error messages). */
export interface ConfigSetting {
  readonly key: string;
  readonly value: string;
  /** `--config` or `config file <path>`. */
  readonly source: string;
}

/** Pinot's storage keys, optionally under a node-role prefix (`pinot.server.storage.factory...`). */
const STORAGE_KEY = /^(?:pinot\.(?:controller|server|minion|broker)\.)?storage\.factory\./;
const CLASS_KEY = /^(?:pinot\.(?:controller|server|minion|broker)\.)?storage\.factory\.class\./;
const SHORT_KEY = /^([a-zA-Z][a-zA-Z0-9+-]*)\.(.+)$/;

/**
 * Splits one `--config` argument, `<scheme>.<key>=<value>` or a full Pinot key
 * (`storage.factory.class.<scheme>=<module>`, `storage.factory.<scheme>.<key>=<value>`).
 * Throws on a malformed argument; the caller reports it as a usage error.
 */
export function parseConfigArgument(arg: string): ConfigSetting {
  const eq = arg.indexOf('=');
  if (eq < 0) throw new Error(`expected <scheme>.<key>=<value>, got ${JSON.stringify(arg)}`);
  const key = arg.slice(0, eq).trim();
  const value = arg.slice(eq + 1);
  if (!STORAGE_KEY.test(key) && !SHORT_KEY.test(key)) {
    throw new Error(`expected <scheme>.<key>=<value>, got ${JSON.stringify(arg)}`);
  }
  return { key, value, source: '--config' };
}

/**
 * Reads a settings file: a `.json` file holding one flat object, or (any other name) a Java
 * `.properties` file. Keys are Pinot keys or `<scheme>.<key>`, as for `--config`.
 */
export async function readConfigFile(file: string): Promise<ConfigSetting[]> {
  const source = `config file ${file}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new InvalidInputError(`${source}: ${why}`, { cause: err });
  }
  if (path.extname(file).toLowerCase() === '.json') return parseJsonSettings(text, source);
  return Object.entries(parseProperties(text)).map(([key, value]) => ({ key: key.trim(), value: String(value), source }));
}

function parseJsonSettings(text: string, source: string): ConfigSetting[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`${source}: invalid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidInputError(`${source}: expected a JSON object of "<key>": <value> settings`);
  }
  return Object.entries(doc as Record<string, unknown>).map(([key, value]) => {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new InvalidInputError(`${source}: the value of "${key}" must be a string, a number or a boolean`);
    }
    return { key: key.trim(), value: String(value), source };
  });
}

/**
 * Applies settings to the registry, in order (later ones win). Module registrations
 * (`storage.factory.class.<scheme>`) are applied first, so `<scheme>.<key>` settings may name
 * a scheme registered anywhere in the same sources.
 *
 * - `storage.factory.*` keys (with or without a `pinot.<role>.` prefix) go to the registry as Pinot writes them.
 * - Other keys starting with `pinot.` are Pinot settings unrelated to storage: ignored in files
 *   (so a Pinot config file can be passed as is), refused on the command line.
 * - `<scheme>.<key>` sets `<key>` for `<scheme>`, which must be a built-in or registered scheme.
 *
 * Adapters check their own keys when first used: an unknown key fails then, naming the key.
 */
export function applyConfig(registry: FileSystemRegistry, settings: readonly ConfigSetting[]): void {
  for (const s of settings) {
    if (CLASS_KEY.test(s.key)) registry.configure({ [s.key]: s.value });
  }
  for (const s of settings) {
    if (CLASS_KEY.test(s.key)) continue;
    if (STORAGE_KEY.test(s.key)) {
      registry.configure({ [s.key]: s.value });
      continue;
    }
    if (s.key.startsWith('pinot.') && s.source !== '--config') continue;
    const m = SHORT_KEY.exec(s.key);
    if (!m?.[1] || !m[2]) {
      throw new InvalidInputError(`${s.source}: setting "${s.key}" must be <scheme>.<key> or storage.factory.<scheme>.<key>`);
    }
    const scheme = m[1].toLowerCase();
    const known = registry.schemes();
    if (!known.includes(scheme)) {
      throw new InvalidInputError(
        `${s.source}: setting "${s.key}" names unknown scheme "${scheme}" (known: ${known.join(', ')}); register it with storage.factory.class.${scheme}=<module>`,
      );
    }
    registry.setConfig(scheme, { [m[2]]: s.value });
  }
}
