#!/usr/bin/env node
/**
 * Starts the peer and prints one JSON line {endpoint, projectId}; runs until SIGINT/SIGTERM.
 *
 *   node dist/cli.js [--port N] [--dir PATH] [--bucket NAME]...
 */
import { startGcsPeer, type GcsPeerOptions } from './index.js';

function parseArgs(argv: string[]): GcsPeerOptions {
  const options: GcsPeerOptions = {};
  const buckets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') options.port = Number(next());
    else if (a === '--dir' || a === '--directory') options.directory = next();
    else if (a === '--bucket') buckets.push(next());
    else throw new Error(`unknown argument: ${a}`);
  }
  if (buckets.length > 0) options.buckets = buckets;
  return options;
}

const peer = await startGcsPeer(parseArgs(process.argv.slice(2)));
process.stdout.write(JSON.stringify({ endpoint: peer.endpoint, projectId: peer.projectId }) + '\n');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void peer.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
