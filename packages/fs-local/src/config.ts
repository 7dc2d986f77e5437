import { InvalidInputError, type FsConfig } from '@deepstore/core';

/** Settings of the local/NFS filesystem. */
export interface LocalFsConfig {
  /**
   * fsync each written file (and its directory) before it becomes visible. Default true: a
   * segment that was reported written survives a crash. Set false only for scratch space.
   */
  fsync: boolean;
  /** Files copied at once in directory copies (default 4; NFS benefits from more). */
  treeConcurrency: number;
}

export const DEFAULT_LOCAL_CONFIG: Readonly<LocalFsConfig> = Object.freeze({ fsync: true, treeConcurrency: 4 });

/** Parses Pinot-style string settings; unknown keys and bad values are refused by name. */
export function parseLocalConfig(config: FsConfig): LocalFsConfig {
  const out: LocalFsConfig = { ...DEFAULT_LOCAL_CONFIG };
  for (const [key, raw] of Object.entries(config)) {
    if (raw === undefined) continue;
    switch (key) {
      case 'fsync':
        out.fsync = parseBool(key, raw);
        break;
      case 'treeConcurrency':
        out.treeConcurrency = parsePositiveInt(key, raw);
        break;
      default:
        throw new InvalidInputError(`unknown setting "${key}" for the local filesystem (known: fsync, treeConcurrency)`, { operation: 'init' });
    }
  }
  return out;
}

function parseBool(key: string, raw: string | number | boolean): boolean {
  if (typeof raw === 'boolean') return raw;
  const s = String(raw).trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new InvalidInputError(`setting "${key}" must be true or false, got ${JSON.stringify(raw)}`, { operation: 'init' });
}

function parsePositiveInt(key: string, raw: string | number | boolean): number {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new InvalidInputError(`setting "${key}" must be an integer from 1 to 1024, got ${JSON.stringify(raw)}`, { operation: 'init' });
  }
  return n;
}
