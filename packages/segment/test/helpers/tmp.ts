import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

export { TempDirs } from '@deepstore/conformance';

/** Entries of the system temp dir whose names start with prefix (to spot leaked build dirs). */
export function tempEntries(prefix: string, dir = tmpdir()): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(prefix));
}
