import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { redactUri, type FileSystemRegistry } from '@deepstore/core';

/**
 * How the controller downloads a segment from a DOWNLOAD_URI: Pinot's
 * SegmentFetcherFactory.fetchSegmentToLocal. The `@deepstore/fetcher` package's factory has
 * this shape; pass it as `fetcher` to use it instead of the built-in one.
 */
export interface SegmentFetcher {
  fetchToLocal(uri: string, dest: string, options?: { signal?: AbortSignal }): Promise<void>;
}

/**
 * The built-in fetcher: `http:`/`https:` with a plain GET (redirects followed), as Pinot's
 * HttpSegmentFetcher; every other scheme through the registry's filesystem (copyToLocal), as
 * PinotFSSegmentFetcher.
 */
export class RegistrySegmentFetcher implements SegmentFetcher {
  private agent: Dispatcher | undefined;

  constructor(private readonly registry: FileSystemRegistry) {}

  async fetchToLocal(uri: string, dest: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
    if (scheme === 'http' || scheme === 'https') {
      await this.fetchHttp(uri, dest, options.signal);
      return;
    }
    const fs = await this.registry.resolve(uri);
    await fs.copyToLocal(uri, dest, options.signal ? { signal: options.signal } : {});
  }

  private async fetchHttp(uri: string, dest: string, signal: AbortSignal | undefined): Promise<void> {
    this.agent ??= new Agent({ connect: { timeout: 10_000 }, headersTimeout: 60_000, bodyTimeout: 60_000 }).compose(
      interceptors.redirect({ maxRedirections: 5 }),
    );
    const res = await request(uri, { method: 'GET', dispatcher: this.agent, ...(signal ? { signal } : {}) });
    const body = res.body as unknown as Readable;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      body.resume();
      throw new Error(`Failed to download segment from ${redactUri(uri)}: HTTP ${res.statusCode}`);
    }
    try {
      await pipeline(body, createWriteStream(dest));
    } catch (err) {
      await rm(dest, { force: true });
      throw err;
    }
  }

  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close();
  }
}
