import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real Pinot segments in shared/fixtures: DEEPSTORE_FIXTURES if set, else the shared/ folder
 * beside the repository (as CI lays it out), else the developers' workspace copy.
 */
export function fixturesDir(): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const candidates = [process.env.DEEPSTORE_FIXTURES, path.join(repo, '..', 'shared', 'fixtures', 'pinot-segments'), '/work/shared/fixtures/pinot-segments'];
  const found = candidates.find((p): p is string => p !== undefined && existsSync(path.join(p, 'paddingNull.tar.gz')));
  if (!found) throw new Error(`Pinot fixture segments not found; set DEEPSTORE_FIXTURES (looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}
