#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startWebHdfsPeer } from './index.js';

/**
 * Starts the WebHDFS peer and prints one JSON line {namenode, namenodes, datanode, superuser}.
 * Options: --directory DIR, --list-batch-size N. Runs until SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      directory: { type: 'string' },
      'list-batch-size': { type: 'string' },
    },
    strict: true,
  });
  const peer = await startWebHdfsPeer({
    ...(values.directory !== undefined ? { directory: values.directory } : {}),
    ...(values['list-batch-size'] !== undefined ? { listBatchSize: Number(values['list-batch-size']) } : {}),
  });
  process.stdout.write(JSON.stringify({ namenode: peer.namenode, namenodes: peer.namenodes, datanode: peer.datanode, superuser: peer.superuser }) + '\n');
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
