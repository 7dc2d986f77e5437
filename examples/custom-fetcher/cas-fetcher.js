// A segment fetcher plugin for a made-up protocol, cas:// (a content-addressed store):
//
//   cas://sha256/<hex digest>   ->   <root>/sha256/<first 2 hex>/<hex digest>
//
// The blob is streamed and its SHA-256 checked as it goes; a blob whose bytes do not match its
// name fails the attempt (retryably: another attempt may read a repaired blob or another mirror).
// It extends BaseSegmentFetcher, so Pinot's retries, the stall timeout, the rate cap, progress
// and the safe streamed extraction come for free: the plugin only opens a byte stream.
//
// Register it by configuration (what Pinot calls <protocol>.class), e.g.
//   protocols=cas
//   cas.class=./cas-fetcher.js        (a file path, or a package name)
//   cas.root=/srv/segment-blobs       (required; several roots separated by commas are mirrors)
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Transform, pipeline } from 'node:stream';
import { InvalidInputError, NotFoundError, TransientError } from '@deepstore/core';
import { BaseSegmentFetcher } from '@deepstore/fetcher';

export default class CasSegmentFetcher extends BaseSegmentFetcher {
  roots = [];

  /** Gets the `cas.*` settings without the prefix (plus retry.*, stall.timeout.ms, ...), read by the base class. */
  doInit(config) {
    const roots = (config.root ?? '').split(',').map((r) => r.trim()).filter(Boolean);
    if (roots.length === 0) throw new InvalidInputError('setting "root" is required: the directory of the content-addressed store');
    this.roots = roots.map((r) => path.resolve(r));
  }

  /** One attempt: a stream of the blob that fails at its end unless the bytes hash to its name. */
  async openOnce(uri, attempt) {
    const m = /^cas:\/\/sha256\/([0-9a-f]{64})$/.exec(uri);
    if (!m) throw new InvalidInputError('expected cas://sha256/<64 hex digits>', { uri, operation: attempt.operation });
    const digest = m[1];
    // Attempt n reads mirror n (round robin), so a damaged blob on one mirror is read elsewhere next.
    const root = this.roots[(attempt.attempt - 1) % this.roots.length];
    const file = path.join(root, 'sha256', digest.slice(0, 2), digest);
    const body = createReadStream(file, { highWaterMark: 1 << 20 });
    await new Promise((resolve, reject) => {
      body.once('open', resolve);
      body.once('error', (err) => reject(err.code === 'ENOENT' ? new NotFoundError('no such blob', { uri, cause: err }) : err));
    });
    const hash = createHash('sha256');
    const check = new Transform({
      transform(chunk, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
      flush(cb) {
        const got = hash.digest('hex');
        cb(got === digest ? null : new TransientError(`blob content hashes to ${got.slice(0, 12)}..., not to its name`, { uri }));
      },
    });
    // pipeline: an error on either side destroys both, and reaches whoever reads `check`.
    return pipeline(body, check, () => undefined);
  }
}
