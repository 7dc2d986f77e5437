import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileSystemRegistry } from '@deepstore/core';
import {
  localSegmentFile,
  rawTableName,
  uploadSegment,
  type ControllerState,
  type StoredSegment,
  type TableSpec,
  type UploadRecord,
} from './controller.js';
import { ControllerError, Status, errorBody } from './errors.js';
import { SegmentFetcherFactory } from '@deepstore/fetcher';
import type { SegmentFetcher } from './fetch.js';
import { MultipartError, parseMultipart, type FormPart } from './multipart.js';

export { ControllerError, errorBody } from './errors.js';
export type { SegmentFetcher } from './fetch.js';
export { parseMultipart, boundaryOf, MultipartError, type FormPart } from './multipart.js';
export type { StoredSegment, TableSpec, TableType, UploadRecord, UploadType } from './controller.js';

export interface ControllerPeerOptions {
  /** The tables the controller knows; an upload to any other is refused (400 "Failed to find table"). */
  tables: TableSpec[];
  /**
   * The controller's filesystems (its `pinot.controller.storage.factory.*`): used to fetch
   * DOWNLOAD_URIs of other schemes than http(s), to read their length, and to write into the
   * data dir. Default: a registry importing this package's dependencies (file: only).
   */
  registry?: FileSystemRegistry;
  /** How DOWNLOAD_URIs are fetched (default: http(s) by GET, other schemes through `registry`). */
  fetcher?: SegmentFetcher;
  /** controller.data.dir, a URI: where uploaded segments are copied (default: a temp dir, removed by stop()). */
  dataDir?: string;
  /** The allowRefresh used when a request does not send the parameter (the controller's default: true). */
  allowRefresh?: boolean;
  /**
   * Checks the controller does not make, on by default so pushes are proven end to end: the CRC
   * of every uploaded or fetched segment is verified, and a METADATA upload's segment is
   * fetched from DOWNLOAD_URI and must carry the CRC of the metadata sent. A failure is a 400.
   */
  verifySegments?: boolean;
  /** Refuse a segment whose segment.table.name is not the table uploaded to (400). The controller lets tableName override it. Default false. */
  checkSegmentTableName?: boolean;
  /**
   * Basic auth as BasicAuthAccessControlFactory does it: accepted Authorization header values
   * (`Basic <base64>`), each for some raw tables or all. Without a known token: 401; with one
   * not allowed the table: 403. Default: no access control.
   */
  auth?: Array<{ token: string; tables?: string[] }>;
  /** Holds each upload this long after its body arrived, so concurrent uploads overlap visibly. */
  uploadDelayMs?: number;
  /** controller.upload.timeout for parallel push protection (default 600 000 ms). */
  segmentUploadTimeoutMs?: number;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
}

export interface ControllerPeer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** The data dir URI. */
  dataDir: string;
  /** Every upload request, in order of arrival (an entry is complete once `status` is set). */
  readonly uploads: UploadRecord[];
  /** The segments the controller holds, by table and name. */
  readonly segments: StoredSegment[];
  /** Upload requests being processed now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Answers the next `count` upload requests with `status` (default 503) before processing them. */
  failNext(count: number, status?: number, message?: string): void;
  addTable(table: TableSpec): void;
  stop(): Promise<void>;
}

function tableKey(t: TableSpec): string {
  return `${rawTableName(t.tableName)}_${t.tableType}`;
}

function bool(value: string | null, fallback: boolean): boolean {
  return value === null ? fallback : value.toLowerCase() === 'true';
}

/** BasicAuthTokenUtils.normalizeBase64Token, in short: the Basic prefix and base64 padding do not matter. */
function normaliseToken(token: string): string {
  return token.trim().replace(/^Basic\s+/i, '').replace(/=+$/, '');
}

async function drain(body: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of body) {
    // discard
  }
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * Starts a stand-in for a Pinot controller's segment upload API on 127.0.0.1: `POST
 * /v2/segments` (multipart: SEGMENT and METADATA uploads; JSON: URI uploads), with the
 * controller's checks and answers, plus `GET /segments/{table}/{segment}` for segments it keeps
 * in a local data dir and `GET /health`.
 */
export async function startControllerPeer(options: ControllerPeerOptions): Promise<ControllerPeer> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'deepstore-peer-controller-'));
  const tmpDir = path.join(work, 'upload-tmp');
  await mkdir(tmpDir, { recursive: true });
  let dataDir = options.dataDir;
  if (dataDir === undefined) {
    const local = path.join(work, 'data');
    await mkdir(local, { recursive: true });
    dataDir = pathToFileURL(local).href;
  }
  const ownsRegistry = options.registry === undefined;
  const registry = options.registry ?? new FileSystemRegistry({ importers: [(s) => import(s)] });
  // The controller pulls DOWNLOAD_URIs with Pinot's segment fetchers: ours, over the same registry.
  const builtInFetcher = options.fetcher ? undefined : new SegmentFetcherFactory({ registry });
  if (builtInFetcher) await builtInFetcher.init({});
  const fetcher: SegmentFetcher = options.fetcher ?? (builtInFetcher as SegmentFetcherFactory);

  const tables = new Map<string, TableSpec>();
  for (const t of options.tables) tables.set(tableKey(t), t);
  const uploads: UploadRecord[] = [];
  const failures: Array<{ status: number; message: string }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const state: ControllerState = {
    tables,
    zk: new Map(),
    registry,
    fetcher,
    dataDir,
    vip: '',
    tmpDir,
    verifySegments: options.verifySegments ?? true,
    checkSegmentTableName: options.checkSegmentTableName ?? false,
    segmentUploadTimeoutMs: options.segmentUploadTimeoutMs ?? 600_000,
  };

  const checkAuth = (req: http.IncomingMessage, tableName: string | undefined, action = "CREATE '/v2/segments'"): void => {
    if (!options.auth) return;
    const given = req.headers.authorization;
    const principal = given === undefined ? undefined : options.auth.find((a) => normaliseToken(a.token) === normaliseToken(given));
    if (!principal) throw new ControllerError(Status.UNAUTHORIZED, 'HTTP 401 Unauthorized', { 'www-authenticate': 'Basic' });
    const raw = tableName ? rawTableName(tableName) : undefined;
    if (principal.tables && raw !== undefined && !principal.tables.includes(raw)) {
      throw new ControllerError(Status.FORBIDDEN, `Permission is denied for ${action} for table '${tableName}'`);
    }
  };

  const handleUpload = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const record: UploadRecord = {
      seq: uploads.length + 1,
      uploadType: header('upload_type') ?? 'SEGMENT',
      tableName: url.searchParams.get('tableName') ?? undefined,
      tableType: url.searchParams.get('tableType') ?? 'OFFLINE',
      parts: 0,
      enableParallelPushProtection: bool(url.searchParams.get('enableParallelPushProtection'), false),
      allowRefresh: bool(url.searchParams.get('allowRefresh'), options.allowRefresh ?? true),
      authorization: req.headers.authorization !== undefined,
      bytes: 0,
      status: 0,
      message: '',
      startedAt: Date.now(),
      finishedAt: 0,
    };
    const downloadUri = header('download_uri');
    if (downloadUri !== undefined) record.downloadUri = downloadUri;
    const ifMatch = header('if-match');
    if (ifMatch !== undefined) record.ifMatch = ifMatch;
    uploads.push(record);
    const partsDir = await mkdtemp(path.join(tmpDir, 'parts-'));
    const counted = (async function* () {
      for await (const chunk of req) {
        record.bytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })();
    try {
      const contentType = header('content-type') ?? '';
      let parts: FormPart[] | undefined;
      if (/^multipart\/form-data/i.test(contentType)) {
        try {
          parts = await parseMultipart(counted, contentType, partsDir);
        } catch (err) {
          if (!(err instanceof MultipartError)) throw err;
          await drain(counted);
          throw new ControllerError(Status.BAD_REQUEST, `HTTP 400 Bad Request (${err.message})`);
        }
        record.parts = parts.length;
        const first = parts[0];
        if (first) {
          record.partName = first.name;
          if (first.filename !== undefined) record.fileName = first.filename;
        }
      } else {
        await drain(counted);
        // Jersey picks the endpoint by its @Consumes: JSON or multipart/form-data.
        if (!/^application\/json/i.test(contentType)) throw new ControllerError(Status.UNSUPPORTED_MEDIA_TYPE, 'HTTP 415 Unsupported Media Type');
      }
      if (options.uploadDelayMs) await new Promise((r) => setTimeout(r, options.uploadDelayMs));
      checkAuth(req, record.tableName);
      const injected = failures.shift();
      if (injected) throw new ControllerError(injected.status, injected.message);
      const headers: Record<string, string | undefined> = {};
      for (const name of ['upload_type', 'download_uri', 'copy_segment_to_deep_store', 'refresh_only', 'if-match']) headers[name] = header(name);
      const message = await uploadSegment(state, {
        tableName: record.tableName,
        tableType: url.searchParams.get('tableType') ?? undefined,
        enableParallelPushProtection: record.enableParallelPushProtection,
        allowRefresh: record.allowRefresh,
        headers,
        parts,
        record,
      });
      record.status = 200;
      record.message = message;
      send(res, 200, JSON.stringify({ status: message }));
    } catch (err) {
      const e = asControllerError(err);
      record.status = e.status;
      record.message = e.message;
      send(res, e.status, errorBody(e.status, e.message), e.headers);
    } finally {
      record.finishedAt = Date.now();
      inFlight--;
      await rm(partsDir, { recursive: true, force: true });
    }
  };

  const handleDownload = async (res: http.ServerResponse, table: string, segment: string): Promise<void> => {
    const raw = rawTableName(table);
    const file = await localSegmentFile(state, raw, segment);
    if (!file) {
      send(res, Status.NOT_FOUND, errorBody(Status.NOT_FOUND, `Segment ${segment} or table ${table} not found in ${state.dataDir}`));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename=${segment}` });
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };

  // PinotTableRestletResource.listTableConfigs and PinotTableSchema.getTableSchema, for jobs whose
  // tableSpec names no schemaURI / tableConfigURI.
  const handleTableGet = async (req: http.IncomingMessage, res: http.ServerResponse, table: string, schema: boolean, type: string | null): Promise<void> => {
    const raw = rawTableName(table);
    checkAuth(req, raw, schema ? `GET_SCHEMA '/tables/${table}/schema'` : `GET_TABLE_CONFIG '/tables/${table}'`);
    const specs = [...state.tables.values()].filter((t) => rawTableName(t.tableName) === raw);
    if (schema) {
      const found = specs.find((t) => t.schema)?.schema;
      if (!found) throw new ControllerError(Status.NOT_FOUND, `Schema not found for table: ${table}`);
      send(res, 200, JSON.stringify(found, null, 2));
      return;
    }
    const out: Record<string, unknown> = {};
    for (const kind of ['OFFLINE', 'REALTIME'] as const) {
      const spec = specs.find((t) => t.tableType === kind && t.config);
      if (spec && (type === null || type.toUpperCase() === kind)) out[kind] = spec.config;
    }
    if (Object.keys(out).length === 0) throw new ControllerError(Status.NOT_FOUND, `Table ${type !== null ? `${table}_${type.toUpperCase()}` : table} does not exist`);
    send(res, 200, JSON.stringify(out));
  };

  const server = http.createServer({ keepAliveTimeout: 30_000, requestTimeout: 0 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const download = /^\/segments\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const tableGet = /^\/tables\/([^/]+)(\/schema)?$/.exec(url.pathname);
    let work: Promise<void>;
    if (req.method === 'POST' && url.pathname === '/v2/segments') work = handleUpload(req, res, url);
    else if (req.method === 'GET' && url.pathname === '/health') {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
      return;
    } else if (req.method === 'GET' && tableGet) {
      req.resume();
      work = handleTableGet(req, res, decodeURIComponent(tableGet[1] as string), tableGet[2] !== undefined, url.searchParams.get('type'));
    } else if (req.method === 'GET' && download) {
      req.resume();
      work = handleDownload(res, decodeURIComponent(download[1] as string), decodeURIComponent(download[2] as string));
    } else {
      work = drain(req).then(() => send(res, Status.NOT_FOUND, errorBody(Status.NOT_FOUND, 'HTTP 404 Not Found')));
    }
    // A handler's ControllerError is answered with its status; anything else is a 500.
    work.catch((err: unknown) => {
      const e = asControllerError(err);
      send(res, e.status, errorBody(e.status, e.message), e.headers);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.vip = url;

  let stopping: Promise<void> | undefined;
  return {
    url,
    dataDir,
    uploads,
    get segments() {
      return [...state.zk.values()].sort((a, b) => (a.tableNameWithType + '/' + a.segmentName).localeCompare(b.tableNameWithType + '/' + b.segmentName));
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    failNext(count: number, status = 503, message = 'Exception while uploading segment: injected failure') {
      for (let i = 0; i < count; i++) failures.push({ status, message });
    },
    addTable(table: TableSpec) {
      tables.set(tableKey(table), table);
    },
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), 2_000);
        await closed;
        clearTimeout(timer);
        await builtInFetcher?.close();
        if (ownsRegistry) await registry.close();
        await rm(work, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function asControllerError(err: unknown): ControllerError {
  return err instanceof ControllerError ? err : new ControllerError(Status.INTERNAL_SERVER_ERROR, (err as Error).message ?? String(err));
}
