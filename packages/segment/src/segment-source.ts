import { unsafeEntryReason } from '@deepstore/core';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { SegmentFormatError } from './errors.js';

export type SegmentLayout = 'v1' | 'v3';

/** Where a segment's files are on local disk. */
export interface SegmentLocation {
  /** The segment's top directory (holds v1 files, or the v3/ folder). */
  segmentDir: string;
  /** The directory holding metadata.properties (segmentDir or segmentDir/v3). */
  indexDir: string;
  layout: SegmentLayout;
  /** Removes the temporary extraction directory, if any. */
  cleanup(): Promise<void>;
}

export interface ExtractOptions {
  /** Refuse tarballs whose entries add up to more than this many bytes (default 8 GiB). */
  maxTotalBytes?: number;
  /** Refuse tarballs with more entries than this (default 100 000). */
  maxEntries?: number;
}

const DEFAULT_MAX_TOTAL = 8 * 1024 ** 3;
const DEFAULT_MAX_ENTRIES = 100_000;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

// The entry rules are core's, shared with @deepstore/fetcher's streamed untar.
export { unsafeEntryReason };

/**
 * Extracts a segment tarball into `target` safely: the whole archive is listed first and
 * refused (nothing written) if any entry is absolute, has `..`, is a link or special file,
 * or the total size exceeds the cap; then it is extracted with the same checks as a filter.
 */
export async function extractSegmentTarball(file: string, target: string, opts: ExtractOptions = {}): Promise<void> {
  const maxTotal = opts.maxTotalBytes ?? DEFAULT_MAX_TOTAL;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const problems: string[] = [];
  let total = 0;
  let count = 0;
  try {
    await tar.list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        count++;
        total += entry.size ?? 0;
        const reason = unsafeEntryReason(entry.path, entry.type);
        if (reason) problems.push(`'${entry.path}': ${reason}`);
        entry.resume();
      },
    });
  } catch (err) {
    if (err instanceof SegmentFormatError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw err;
    throw new SegmentFormatError(`${path.basename(file)} is not a readable .tar.gz segment (corrupt or truncated): ${e.message}`, { cause: err });
  }
  if (problems.length > 0) {
    throw new SegmentFormatError(`Refusing to extract ${path.basename(file)}: unsafe entries: ${problems.join('; ')}`);
  }
  if (count > maxEntries) {
    throw new SegmentFormatError(`Refusing to extract ${path.basename(file)}: ${count} entries (max ${maxEntries})`);
  }
  if (total > maxTotal) {
    throw new SegmentFormatError(
      `Refusing to extract ${path.basename(file)}: ${total} bytes uncompressed (max ${maxTotal})`,
    );
  }
  let written = 0;
  await tar.extract({
    file,
    cwd: target,
    strict: true,
    preservePaths: false,
    preserveOwner: false,
    filter: (p, entry) => {
      const type = 'type' in entry ? entry.type : 'File';
      if (unsafeEntryReason(p, type)) return false;
      written += 'size' in entry ? (entry.size ?? 0) : 0;
      if (written > maxTotal) throw new SegmentFormatError(`Refusing to extract ${path.basename(file)}: too large`);
      return true;
    },
  });
}

/** Finds the layout of a segment directory (a v1 dir, a dir with v3/, or a v3/ dir itself). */
export async function locateSegmentDir(dir: string): Promise<Omit<SegmentLocation, 'cleanup'>> {
  if (await exists(path.join(dir, 'v3', 'metadata.properties'))) {
    return { segmentDir: dir, indexDir: path.join(dir, 'v3'), layout: 'v3' };
  }
  if (await exists(path.join(dir, 'metadata.properties'))) {
    if (await exists(path.join(dir, 'index_map'))) {
      return { segmentDir: path.dirname(dir), indexDir: dir, layout: 'v3' };
    }
    return { segmentDir: dir, indexDir: dir, layout: 'v1' };
  }
  throw new SegmentFormatError(`No Pinot segment in ${dir}: no metadata.properties there or in v3/`);
}

/**
 * Opens a segment from a `.tar.gz`/`.tgz` file (extracted to a temp directory, removed by
 * `cleanup`), a segment directory, or a v3/ directory.
 */
export async function openSegmentSource(source: string, opts: ExtractOptions = {}): Promise<SegmentLocation> {
  const st = await stat(source);
  if (st.isDirectory()) {
    return { ...(await locateSegmentDir(source)), cleanup: async () => {} };
  }
  const tmp = await mkdtemp(path.join(tmpdir(), 'deepstore-segment-'));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    await extractSegmentTarball(source, tmp, opts);
    const top = (await readdir(tmp, { withFileTypes: true })).filter((d) => d.isDirectory());
    let dir = tmp;
    if (!(await exists(path.join(tmp, 'metadata.properties'))) && top.length === 1 && top[0]) {
      dir = path.join(tmp, top[0].name);
    }
    return { ...(await locateSegmentDir(dir)), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
