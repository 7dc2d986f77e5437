import type { Readable } from 'node:stream';
import { defaultRegistry, type FileSystemRegistry } from '@deepstore/core';
import { BaseSegmentFetcher, type AttemptContext } from './base-fetcher.js';

/**
 * Pinot's PinotFSSegmentFetcher: any scheme a filesystem is registered for (file, s3, gs, hdfs,
 * ...), through the registry. `fetchToLocal` is the filesystem's `copyToLocal` (cut when its
 * progress stalls); with a rate cap it streams `openRead` instead. `fetchUntarToLocal` streams
 * `openRead` into the extraction. A URI without a scheme is a local path.
 */
export class PinotFSSegmentFetcher extends BaseSegmentFetcher {
  constructor(protected readonly registry: FileSystemRegistry = defaultRegistry) {
    super();
  }

  protected override async fetchOnce(uri: string, dest: string, attempt: AttemptContext): Promise<void> {
    if (attempt.rateLimited) return super.fetchOnce(uri, dest, attempt);
    const fs = await this.registry.resolve(uri);
    await attempt.watch((signal, onProgress) => fs.copyToLocal(uri, dest, { signal, onProgress }));
  }

  protected override async openOnce(uri: string, attempt: AttemptContext): Promise<Readable> {
    const fs = await this.registry.resolve(uri);
    const options = attempt.signal ? { signal: attempt.signal } : {};
    if (attempt.wantsProgress) attempt.setTotal(await fs.length(uri, options).catch(() => undefined));
    return fs.openRead(uri, options);
  }
}
