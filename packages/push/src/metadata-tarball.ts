import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { create as createTar, Parser, type ReadEntry } from 'tar';
import { InvalidInputError, asAbortedIfSignalled, throwIfAborted } from '@deepstore/core';
import { unsafeEntryReason } from '@deepstore/segment';

/** V1Constants.MetadataKeys.METADATA_FILE_NAME and V1Constants.SEGMENT_CREATION_META. */
export const METADATA_FILE_NAME = 'metadata.properties';
export const CREATION_META_FILE_NAME = 'creation.meta';

/** The two files a metadata push sends. metadata.properties of a real segment is a few KiB; refuse absurd sizes. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export interface SegmentMetadataFiles {
  metadataProperties: Buffer;
  creationMeta: Buffer;
}

/**
 * Reads `metadata.properties` and `creation.meta` out of a segment tarball stream, as Pinot's
 * TarCompressionUtils.untarOneFile finds them: the first regular-file entry whose last path
 * component is the name (so `<seg>/v3/metadata.properties` of a v3 segment). Streams: nothing is
 * written to disk, and the source is closed as soon as both files have been read (Pinot's
 * builder writes them before columns.psf, so the index data is never downloaded).
 */
export async function extractMetadataFiles(source: Readable, what: string, signal?: AbortSignal): Promise<SegmentMetadataFiles> {
  throwIfAborted(signal);
  const found = new Map<string, Buffer>();
  return new Promise<SegmentMetadataFiles>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      source.unpipe(parser);
      source.destroy();
      if (err !== undefined) reject(err);
      else {
        resolve({
          metadataProperties: found.get(METADATA_FILE_NAME) as Buffer,
          creationMeta: found.get(CREATION_META_FILE_NAME) as Buffer,
        });
      }
    };
    const onAbort = (): void => finish(asAbortedIfSignalled(new Error('aborted'), signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const base = entry.path.split('/').filter((s) => s !== '').pop() ?? '';
        const wanted = entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile';
        if (!wanted || found.has(base) || (base !== METADATA_FILE_NAME && base !== CREATION_META_FILE_NAME)) {
          entry.resume();
          return;
        }
        const reason = unsafeEntryReason(entry.path, entry.type);
        if (reason) {
          finish(new InvalidInputError(`${what}: unsafe tar entry '${entry.path}': ${reason}`));
          return;
        }
        if ((entry.size ?? 0) > MAX_ENTRY_BYTES) {
          finish(new InvalidInputError(`${what}: ${entry.path} is ${entry.size} bytes, too large for segment metadata`));
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          found.set(base, Buffer.concat(chunks));
          if (found.size === 2) finish();
        });
      },
    });
    parser.on('error', (err: Error) => finish(new InvalidInputError(`${what} is not a readable segment tarball: ${err.message}`, { cause: err })));
    parser.on('end', () => {
      const missing = [METADATA_FILE_NAME, CREATION_META_FILE_NAME].filter((n) => !found.has(n));
      // Pinot's words: "Failed to find file: metadata.properties in: <tarball>".
      finish(new InvalidInputError(`Failed to find file: ${missing.join(' and ')} in: ${what} (is it a Pinot segment tarball?)`));
    });
    source.on('error', (err: Error) => finish(asAbortedIfSignalled(err, signal)));
    source.pipe(parser);
  });
}

/**
 * Writes `<dir>/<segmentName>.metadata.tar.gz`: a gzipped tar holding one directory with
 * metadata.properties and creation.meta, the shape SegmentPushUtils.generateSegmentMetadataFile
 * sends (it tars a directory `segmentMetadataDir-<uuid>`; the controller takes the first
 * untarred entry as the segment's directory, whatever its name). Returns the file's path.
 */
export async function writeMetadataTarball(files: SegmentMetadataFiles, segmentName: string, dir: string): Promise<string> {
  const work = await mkdtemp(path.join(dir, 'deepstore-push-meta-'));
  try {
    const folder = path.join(work, 'in', segmentName);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, METADATA_FILE_NAME), files.metadataProperties);
    await writeFile(path.join(folder, CREATION_META_FILE_NAME), files.creationMeta);
    const out = path.join(dir, `${path.basename(work)}-${segmentName}.metadata.tar.gz`);
    await createTar({ gzip: true, file: out, cwd: path.join(work, 'in'), portable: true, noDirRecurse: true }, [
      `${segmentName}/`,
      `${segmentName}/${METADATA_FILE_NAME}`,
      `${segmentName}/${CREATION_META_FILE_NAME}`,
    ]);
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The URI of `<segmentName>.metadata.tar.gz` beside a segment tarball (SegmentPushUtils.generateSegmentMetadataURI). */
export function metadataTarGzUri(segmentTarUri: string, segmentName: string): string {
  const url = new URL(segmentTarUri);
  const dir = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
  url.pathname = `${dir}${encodeURIComponent(segmentName)}.metadata.tar.gz`;
  return url.href;
}

