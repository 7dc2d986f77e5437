#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startNginxPeer } from './index.js';

/**
 * Starts the nginx peer and prints one JSON line {httpUrl, httpsUrl, caFile, root}.
 * Options: --root DIR (kept on stop), --user NAME --password PW (for /private/).
 * Runs until SIGINT/SIGTERM, then stops nginx and exits.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
    },
    strict: true,
  });
  if ((values.user === undefined) !== (values.password === undefined)) {
    throw new Error('--user and --password go together');
  }
  const peer = await startNginxPeer({
    ...(values.root !== undefined ? { root: values.root } : {}),
    ...(values.user !== undefined && values.password !== undefined ? { auth: { user: values.user, password: values.password } } : {}),
  });
  process.stdout.write(JSON.stringify({ httpUrl: peer.httpUrl, httpsUrl: peer.httpsUrl, caFile: peer.caFile, root: peer.root }) + '\n');
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
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
