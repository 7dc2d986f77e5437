/**
 * Assembles the peer: one datanode and two namenodes (active + standby) on 127.0.0.1, sharing a
 * namespace, a token store and a block store under one directory.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Cluster } from './cluster.js';
import { Datanode } from './datanode.js';
import { RequestLog, type RequestRecord } from './http.js';
import { Namenode } from './namenode.js';
import { Namespace, type NamespaceImage } from './namespace.js';
import { BlockStore } from './storage.js';
import { TokenStore } from './tokens.js';

export interface WebHdfsPeer {
  /** Namenode HTTP addresses, index 0 active at start, index 1 standby. */
  namenodes: string[];
  /** The initially active namenode (namenodes[0]). */
  namenode: string;
  datanode: string;
  superuser: string;
  failover(activeIndex: 0 | 1): void;
  /**
   * The datanode address the namenodes put in their redirects (default: the datanode itself).
   * Point it at a fault proxy in front of the datanode to test transfers that break.
   */
  advertiseDatanode(url: string): void;
  /** Creates a directory as the superuser, owned by `owner` with `permission` (octal string), for test set-up. */
  mkdirs(path: string, options?: { owner?: string; group?: string; permission?: string }): Promise<void>;
  /** Every request: which server, method, path (decoded), query, status, request body bytes received. Keeps the last 10,000. */
  requests(): ReadonlyArray<{ server: 'namenode' | 'datanode'; index: number; method: string; path: string; query: Record<string, string>; status: number; bodyBytes: number }>;
  stop(): Promise<void>;
}

export interface WebHdfsPeerOptions {
  /** Where file data (blocks/) and, on stop, the namespace image (fsimage.json) live. Default: a temp directory removed on stop. */
  directory?: string;
  /** dfs.ls.limit: entries per LISTSTATUS_BATCH answer. Default 1000. */
  listBatchSize?: number;
  /** The namenode's group mapping (user -> groups). The superuser is always in "supergroup". */
  groups?: Record<string, string[]>;
}

export const SUPERUSER = 'hdfs';
export const SUPERGROUP = 'supergroup';
export const NAMESERVICE = 'ns1';
const REQUEST_LOG_LIMIT = 10_000;
const IMAGE_FILE = 'fsimage.json';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startWebHdfsPeer(options: WebHdfsPeerOptions = {}): Promise<WebHdfsPeer> {
  const given = options.directory !== undefined;
  const directory = given ? path.resolve(options.directory!) : await fs.mkdtemp(path.join(os.tmpdir(), 'deepstore-peer-webhdfs-'));
  await fs.mkdir(directory, { recursive: true });
  const store = new BlockStore(directory);
  await store.init();
  const ns = new Namespace({ superuser: SUPERUSER, supergroup: SUPERGROUP, groups: options.groups ?? {} });
  const imagePath = path.join(directory, IMAGE_FILE);
  const image = await fs.readFile(imagePath, 'utf8').then(
    (text) => JSON.parse(text) as NamespaceImage,
    () => undefined,
  );
  if (image) ns.loadImage(image);
  await store.prune(new Set([...ns.files()].map((f) => f.id)));

  const log = new RequestLog(REQUEST_LOG_LIMIT);
  const cluster: Cluster = {
    ns,
    tokens: new TokenStore(),
    store,
    log,
    nameservice: NAMESERVICE,
    active: 0,
    datanodeUrl: '',
    listBatchSize: options.listBatchSize ?? 1000,
  };

  // requestTimeout 0: a 1 GiB upload may take longer than Node's default 5 minutes.
  const serverOptions: http.ServerOptions = { keepAliveTimeout: 30_000, requestTimeout: 0 };
  const datanode = new Datanode(cluster, log);
  const dnServer = http.createServer(serverOptions, datanode.handle);
  dnServer.on('checkContinue', datanode.handle);
  cluster.datanodeUrl = await listen(dnServer);

  const namenodes = [new Namenode(cluster, 0, log), new Namenode(cluster, 1, log)];
  const nnServers = namenodes.map((nn) => {
    const server = http.createServer(serverOptions, nn.handle);
    server.on('checkContinue', nn.handle); // answer without ever sending 100 Continue
    return server;
  });
  const datanodeUrl = cluster.datanodeUrl;
  const namenodeUrls: string[] = [];
  for (const [i, server] of nnServers.entries()) {
    const url = await listen(server);
    namenodes[i]!.port = Number(new URL(url).port);
    namenodeUrls.push(url);
  }

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const servers = [...nnServers, dnServer];
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of servers) s.closeIdleConnections();
    const timer = setTimeout(() => {
      for (const s of servers) s.closeAllConnections();
    }, 1_000);
    await Promise.all(closed);
    clearTimeout(timer);
    await Promise.allSettled([...datanode.inflight]);
    if (given) await fs.writeFile(imagePath, JSON.stringify(ns.toImage()));
    else await fs.rm(directory, { recursive: true, force: true });
  };

  return {
    namenodes: namenodeUrls,
    namenode: namenodeUrls[0]!,
    datanode: datanodeUrl,
    superuser: SUPERUSER,
    advertiseDatanode(url: string): void {
      cluster.datanodeUrl = url.replace(/\/+$/, '');
    },
    failover(activeIndex: 0 | 1): void {
      if (activeIndex !== 0 && activeIndex !== 1) throw new Error(`failover: no namenode ${String(activeIndex)}`);
      cluster.active = activeIndex;
    },
    async mkdirs(p: string, opts: { owner?: string; group?: string; permission?: string } = {}): Promise<void> {
      let permission: number | undefined;
      if (opts.permission !== undefined) {
        if (!/^[0-7]{1,4}$/.test(opts.permission) || Number.parseInt(opts.permission, 8) > 0o1777) {
          throw new Error(`mkdirs: permission must be an octal string up to 1777, got ${opts.permission}`);
        }
        permission = Number.parseInt(opts.permission, 8);
      }
      ns.adminMkdirs(p, { ...opts, permission });
    },
    requests(): ReadonlyArray<RequestRecord> {
      return log.snapshot();
    },
    stop(): Promise<void> {
      stopping ??= stop();
      return stopping;
    },
  };
}
