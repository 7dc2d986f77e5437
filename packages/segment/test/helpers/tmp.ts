import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temp directories created by a test file, removed by cleanup(). */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix = 'ds-test-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  cleanup(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Entries of the system temp dir whose names start with prefix (to spot leaked build dirs). */
export function tempEntries(prefix: string, dir = tmpdir()): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(prefix));
}
