#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startS3Peer } from './index.js';

/**
 * Starts the S3 peer and prints one JSON line {endpoint, region, accessKeyId, secretAccessKey, directory}.
 * Options: --port N, --directory DIR, --bucket NAME (repeatable). Runs until SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      directory: { type: 'string' },
      bucket: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const peer = await startS3Peer({
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values.directory !== undefined ? { directory: values.directory } : {}),
    ...(values.bucket !== undefined ? { buckets: values.bucket } : {}),
  });
  process.stdout.write(
    JSON.stringify({ endpoint: peer.endpoint, region: peer.region, accessKeyId: peer.accessKeyId, secretAccessKey: peer.secretAccessKey, directory: peer.directory }) + '\n',
  );
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    peer.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
