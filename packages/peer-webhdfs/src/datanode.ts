/**
 * The datanode's WebHDFS handler (WebHdfsHandler + HdfsWriter): the second step of CREATE,
 * APPEND, OPEN and GETFILECHECKSUM. CREATE and APPEND stream the body to disk chunk by chunk; the
 * file is in the namespace, with its growing length, from the moment the datanode accepts the
 * request, and if the connection breaks the bytes received so far stay (HdfsWriter closes the
 * output stream when the channel goes inactive).
 */
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, type Cluster } from './cluster.js';
import { EOFException, HadoopIllegalArgumentException, IllegalArgumentException, RemoteError } from './errors.js';
import { drain, type RequestLog, type RequestRecord, sendError, sendJson, sendPlain } from './http.js';
import { BYTES_PER_CHECKSUM, DEFAULT_BLOCK_SIZE, DEFAULT_REPLICATION, type FileINode } from './namespace.js';
import { encodeUriPath, hdfsPathOf, Query, splitUrl } from './params.js';

const CLOSE = { Connection: 'close' };
const JSON_UTF8 = 'application/json; charset=utf-8';

export class Datanode {
  constructor(
    private readonly cluster: Cluster,
    private readonly log: RequestLog,
  ) {}

  /** Uploads in progress, so stop() can wait for them to settle. */
  readonly inflight = new Set<Promise<void>>();

  /** The http.Server 'request' and 'checkContinue' listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const record = this.log.add({ server: 'datanode', index: 0, method, path: req.url ?? '', query: {}, status: 0, bodyBytes: 0 });
    const work = this.serve(method, req, res, record).catch((e: unknown) => {
      this.fail(req, res, record, e);
    });
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  };

  private fail(req: IncomingMessage, res: ServerResponse, record: RequestRecord, e: unknown): void {
    // ExceptionHandler's response, and the channel is closed after it.
    if (!(e instanceof RemoteError)) console.error('peer-webhdfs datanode:', e);
    sendErrorClose(res, record, e);
    drain(req, record);
  }

  private async serve(method: string, req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    const { path: urlPath, search } = splitUrl(req.url ?? '/');
    const q = new Query(search, false);
    const path = hdfsPathOf(urlPath);
    record.path = path ?? urlPath;
    record.query = q.raw;
    if (path === undefined) {
      sendPlain(res, record, 404, `Not Found: ${urlPath}\n`);
      drain(req, record);
      return;
    }
    const op = (q.get('op') ?? '').toUpperCase();
    if (op === 'CREATE' && method === 'PUT') return this.onCreate(req, res, record, q, path);
    if (op === 'APPEND' && method === 'POST') return this.onAppend(req, res, record, q, path);
    if (op === 'OPEN' && method === 'GET') return this.onOpen(req, res, record, q, path);
    if (op === 'GETFILECHECKSUM' && method === 'GET') return this.onChecksum(req, res, record, path, q);
    if (op === 'CREATE' && method === 'OPTIONS') {
      record.status = 200;
      res.writeHead(200, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': 'Accept',
        'Access-Control-Allow-Methods': 'PUT',
        'Access-Control-Max-Age': 1728000,
        'Content-Length': 0,
        Connection: 'keep-alive',
      });
      res.end();
      drain(req, record);
      return;
    }
    throw IllegalArgumentException(`Invalid operation ${q.get('op') ?? null}`);
  }

  /** ParameterParser.namenodeId + DFSClient: the namenode to talk to must be given and known. */
  private checkNamenode(q: Query): void {
    const nn = q.get('namenoderpcaddress');
    if (nn === undefined || nn === '') throw IllegalArgumentException('namenoderpcaddress is not specified.');
    if (nn !== this.cluster.nameservice) throw IllegalArgumentException(`java.net.UnknownHostException: ${nn}`);
  }

  private async onCreate(req: IncomingMessage, res: ServerResponse, record: RequestRecord, q: Query, path: string): Promise<void> {
    const permission = q.permission() ?? 0o644;
    const overwrite = q.boolean('overwrite', false);
    const createParent = q.boolean('createparent', true);
    const replication = q.short('replication', 10, 1) ?? DEFAULT_REPLICATION;
    const blockSize = q.long('blocksize', 1) ?? DEFAULT_BLOCK_SIZE;
    q.int('buffersize', 1);
    this.checkNamenode(q);
    const auth = authenticate(this.cluster, q);
    if (blockSize % BYTES_PER_CHECKSUM !== 0) {
      throw HadoopIllegalArgumentException(`Invalid values: dfs.bytes-per-checksum (=${BYTES_PER_CHECKSUM}) must divide block size (=${blockSize}).`);
    }
    const ns = this.cluster.ns;
    const holder = ns.newClientName();
    const { inode, removed } = ns.startFile(ns.caller(auth.user), path, {
      overwrite,
      createParent,
      permission,
      replication,
      blockSize,
      holder,
      clientMachine: clientMachine(req),
    });
    for (const old of removed.files) await this.cluster.store.remove(old.id).catch(() => {});
    const location = `hdfs://${this.cluster.nameservice}${encodeUriPath(ns.pathOf(inode) ?? path)}`;
    await this.receive(req, res, record, inode, holder, false, () => {
      record.status = 201;
      res.writeHead(201, { Location: location, 'Content-Length': 0, 'Access-Control-Allow-Origin': '*', ...CLOSE });
      res.end();
    });
  }

  private async onAppend(req: IncomingMessage, res: ServerResponse, record: RequestRecord, q: Query, path: string): Promise<void> {
    q.int('buffersize', 1);
    this.checkNamenode(q);
    const auth = authenticate(this.cluster, q);
    const ns = this.cluster.ns;
    const holder = ns.newClientName();
    const inode = ns.appendFile(ns.caller(auth.user), path, holder, clientMachine(req));
    await this.receive(req, res, record, inode, holder, true, () => {
      record.status = 200;
      res.writeHead(200, { 'Content-Length': 0, ...CLOSE });
      res.end();
    });
  }

  /**
   * HdfsWriter: every chunk goes to disk before the file's length grows; at the end of the body the
   * file is completed and the response sent. A broken connection completes the file with what
   * arrived (no response can be sent).
   */
  private async receive(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
    inode: FileINode,
    holder: string,
    append: boolean,
    respond: () => void,
  ): Promise<void> {
    const ns = this.cluster.ns;
    let fh: FileHandle;
    try {
      fh = await this.cluster.store.openForWrite(inode.id, append);
    } catch (e) {
      ns.abandonWrite(inode, holder);
      throw e;
    }
    if (/100-continue/i.test(String(req.headers.expect ?? ''))) res.writeContinue();
    let complete = false;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        let off = 0;
        while (off < chunk.length) {
          const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
          off += bytesWritten;
        }
        record.bodyBytes += chunk.length;
        inode.length += chunk.length;
      }
      complete = true;
    } catch {
      // the client went away mid-body
    } finally {
      await fh.close().catch(() => {});
    }
    if (!complete) {
      ns.abandonWrite(inode, holder);
      res.destroy();
      return;
    }
    ns.completeFile(inode, holder); // throws if the file was deleted or overwritten meanwhile
    respond();
  }

  private async onOpen(req: IncomingMessage, res: ServerResponse, record: RequestRecord, q: Query, path: string): Promise<void> {
    const offset = q.long('offset', 0) ?? 0;
    const length = q.long('length', 0);
    q.int('buffersize', 1);
    this.checkNamenode(q);
    const auth = authenticate(this.cluster, q);
    const ns = this.cluster.ns;
    const inode = ns.openForRead(ns.caller(auth.user), path);
    const visible = inode.length;
    if (offset > visible) throw EOFException('Cannot seek after EOF');
    ns.touchAccessTime(inode);
    const contentLength = length === undefined ? visible - offset : Math.min(visible - offset, length);
    const fh = contentLength > 0 ? await this.cluster.store.openForRead(inode.id) : undefined;
    drain(req, record);
    record.status = 200;
    res.writeHead(200, {
      'Access-Control-Allow-Methods': 'GET',
      'Access-Control-Allow-Origin': '*',
      'Content-Type': 'application/octet-stream',
      'Content-Length': contentLength,
      ...CLOSE,
    });
    if (!fh) {
      res.end();
      return;
    }
    const stream = fh.createReadStream({ start: offset, end: offset + contentLength - 1, highWaterMark: 1 << 16 });
    await new Promise<void>((resolve) => {
      stream.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  }

  private async onChecksum(req: IncomingMessage, res: ServerResponse, record: RequestRecord, path: string, q: Query): Promise<void> {
    this.checkNamenode(q);
    const auth = authenticate(this.cluster, q);
    const ns = this.cluster.ns;
    const inode = ns.openForRead(ns.caller(auth.user), path);
    const checksum = await this.cluster.store.checksum(inode.id, inode.length, inode.blockSize);
    drain(req, record);
    sendJson(res, record, 200, { FileChecksum: checksum }, { 'Content-Type': JSON_UTF8, ...CLOSE });
  }
}

function clientMachine(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function sendErrorClose(res: ServerResponse, record: RequestRecord, e: unknown): void {
  sendError(res, record, e, { 'Content-Type': JSON_UTF8, ...CLOSE });
}
