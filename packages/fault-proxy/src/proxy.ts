import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RuleBook, seededRandom, type Fault, type FaultRule, type ProxiedRequest } from './rules.js';

export interface FaultProxyOptions {
  /** The real server, e.g. http://127.0.0.1:9000. */
  target: string;
  rules?: FaultRule[];
  /** Seed of the generator behind probabilistic rules (default 1). */
  seed?: number;
  port?: number;
}

export interface FaultProxy {
  /** Point clients here instead of at the target. */
  url: string;
  port: number;
  /** Replaces the rules (their counters restart). */
  setRules(rules: FaultRule[], seed?: number): void;
  /** Every request seen, in order (the last 10,000). */
  log(): readonly ProxiedRequest[];
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/**
 * An HTTP proxy on 127.0.0.1 that forwards to one server and injects faults by rule: error
 * answers, delays, connections reset in the middle of an upload or a download, stalls and
 * truncated bodies. The Host header is passed through untouched, so signed requests
 * (AWS SigV4) still verify at the server.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  let book = new RuleBook(options.rules ?? [], seededRandom(options.seed ?? 1));
  const entries: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const record = (e: ProxiedRequest) => {
    entries.push(e);
    if (entries.length > 10_000) entries.shift();
  };

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const fault = book.pick(method, path, req.headers);
    const entry: ProxiedRequest = { method, path, status: 0, ...(fault ? { fault: fault.type } : {}) };
    record(entry);
    if (fault?.type === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers });
      res.end(fault.body ?? `injected ${fault.status}`);
      entry.status = fault.status;
      return;
    }
    const go = () => forward(req, res, fault, entry);
    if (fault?.type === 'delay') setTimeout(go, fault.ms);
    else go();
  });

  function forward(req: IncomingMessage, res: ServerResponse, fault: Fault | undefined, entry: ProxiedRequest): void {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding'];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (up) => {
        const outHeaders: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) outHeaders[k] = v;
        // A rewritten Location would break resumable-upload session URIs that name the server: keep them pointing at us.
        const loc = up.headers.location;
        if (typeof loc === 'string' && loc.startsWith(target.origin)) outHeaders.location = `http://${req.headers.host}${loc.slice(target.origin.length)}`;
        if (up.headers['transfer-encoding']) outHeaders['transfer-encoding'] = up.headers['transfer-encoding'];
        res.writeHead(up.statusCode ?? 502, outHeaders);
        entry.status = up.statusCode ?? 502;
        let sent = 0;
        const limit = fault && 'afterBytes' in fault && fault.type !== 'reset-request' ? fault.afterBytes : undefined;
        up.on('data', (chunk: Buffer) => {
          if (limit === undefined) {
            if (!res.write(chunk)) {
              up.pause();
              res.once('drain', () => up.resume());
            }
            return;
          }
          const room = limit - sent;
          if (room > 0) res.write(room >= chunk.length ? chunk : chunk.subarray(0, room));
          sent += chunk.length;
          if (sent >= limit) {
            up.destroy();
            if (fault!.type === 'reset-response') {
              entry.status = 0;
              res.socket?.resetAndDestroy();
            } else if (fault!.type === 'truncate-response') {
              res.socket?.end();
            } else {
              entry.status = 0; // stall: keep the socket open, send nothing more
            }
          }
        });
        up.on('end', () => res.end());
        up.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502);
        res.end('fault proxy: upstream unreachable');
      } else res.destroy();
    });
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (fault?.type === 'reset-request' && received > fault.afterBytes) {
        upstream.destroy();
        req.socket.resetAndDestroy();
        return;
      }
      if (!upstream.write(chunk)) {
        req.pause();
        upstream.once('drain', () => req.resume());
      }
    });
    req.on('end', () => upstream.end());
    req.on('error', () => upstream.destroy());
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setRules(rules, seed) {
      book = new RuleBook(rules, seededRandom(seed ?? options.seed ?? 1));
    },
    log: () => entries,
    async stop() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
