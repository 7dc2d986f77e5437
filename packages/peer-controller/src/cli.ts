#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startControllerPeer } from './index.js';
import type { TableSpec } from './controller.js';

/**
 * Starts the controller peer and prints one JSON line {url, dataDir, tables}.
 * Options: --table NAME[:OFFLINE|REALTIME[:timeColumn]] (repeatable, at least one), --port N,
 * --data-dir URI (kept on stop), --no-refresh (allowRefresh defaults to false),
 * --token 'Basic ...' (repeatable: require one of these Authorization values),
 * --no-verify (skip the CRC checks the real controller does not make).
 * Runs until SIGINT/SIGTERM.
 */
function parseTable(spec: string): TableSpec {
  const [name, type = 'OFFLINE', timeColumn] = spec.split(':');
  if (!name) throw new Error(`--table needs a name: ${JSON.stringify(spec)}`);
  const tableType = type.toUpperCase();
  if (tableType !== 'OFFLINE' && tableType !== 'REALTIME') throw new Error(`--table ${spec}: the type must be OFFLINE or REALTIME`);
  return { tableName: name, tableType, ...(timeColumn ? { timeColumnName: timeColumn } : {}) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      table: { type: 'string', multiple: true },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-refresh': { type: 'boolean' },
      'no-verify': { type: 'boolean' },
      token: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const tables = (values.table ?? []).map(parseTable);
  if (tables.length === 0) throw new Error('give at least one --table NAME[:OFFLINE|REALTIME[:timeColumn]]');
  const peer = await startControllerPeer({
    tables,
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values['no-refresh'] ? { allowRefresh: false } : {}),
    ...(values['no-verify'] ? { verifySegments: false } : {}),
    ...(values.token ? { auth: values.token.map((token) => ({ token })) } : {}),
  });
  process.stdout.write(JSON.stringify({ url: peer.url, dataDir: peer.dataDir, tables: tables.map((t) => `${t.tableName.replace(/_(OFFLINE|REALTIME)$/, '')}_${t.tableType}`) }) + '\n');
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
