/**
 * The namenode's WebHDFS resource (NamenodeWebHdfsMethods): metadata operations answered from
 * the namespace, and the first step of OPEN, CREATE, APPEND and GETFILECHECKSUM, answered with a
 * 307 to the datanode (or 200 {"Location": ...} with noredirect=true). A namenode never reads a
 * request body: whatever a client sends it is counted in the request log and discarded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, type Auth, type Cluster } from './cluster.js';
import {
  FileNotFoundException,
  IllegalArgumentException,
  invalidParam,
  IOException,
  StandbyException,
  UnsupportedOperationException,
} from './errors.js';
import { drain, type RequestLog, type RequestRecord, sendEmpty, sendError, sendJson, sendPlain, sendRedirect } from './http.js';
import { DEFAULT_REPLICATION, fileStatus } from './namespace.js';
import { encodeUriPath, hdfsPathOf, javaUrlEncode, Query, requiredParam, splitUrl, WEBHDFS_PREFIX } from './params.js';
import { READ, WRITE, EXECUTE, checkPermission } from './permissions.js';

const OPS: Record<string, { cls: string; ops: string[] }> = {
  GET: {
    cls: 'GetOpParam',
    ops: [
      'OPEN', 'GETFILESTATUS', 'LISTSTATUS', 'GETCONTENTSUMMARY', 'GETQUOTAUSAGE', 'GETFILECHECKSUM', 'GETHOMEDIRECTORY',
      'GETDELEGATIONTOKEN', 'GET_BLOCK_LOCATIONS', 'GETFILEBLOCKLOCATIONS', 'GETACLSTATUS', 'GETXATTRS', 'GETTRASHROOT',
      'LISTXATTRS', 'CHECKACCESS', 'LISTSTATUS_BATCH', 'GETSERVERDEFAULTS', 'GETSNAPSHOTDIFF', 'GETSNAPSHOTDIFFLISTING',
      'GETSNAPSHOTTABLEDIRECTORYLIST', 'GETSNAPSHOTLIST', 'GETALLSTORAGEPOLICY', 'GETSTORAGEPOLICY', 'GETECPOLICY',
      'GETECPOLICIES', 'GETECCODECS', 'GETTRASHROOTS', 'GETSTATUS', 'GETLINKTARGET', 'GETFILELINKSTATUS', 'NULL',
    ],
  },
  PUT: {
    cls: 'PutOpParam',
    ops: [
      'CREATE', 'MKDIRS', 'CREATESYMLINK', 'RENAME', 'SETREPLICATION', 'SETOWNER', 'SETPERMISSION', 'SETTIMES',
      'RENEWDELEGATIONTOKEN', 'CANCELDELEGATIONTOKEN', 'MODIFYACLENTRIES', 'REMOVEACLENTRIES', 'REMOVEDEFAULTACL',
      'REMOVEACL', 'SETACL', 'SETXATTR', 'REMOVEXATTR', 'ENABLEECPOLICY', 'DISABLEECPOLICY', 'SETECPOLICY',
      'ALLOWSNAPSHOT', 'DISALLOWSNAPSHOT', 'CREATESNAPSHOT', 'RENAMESNAPSHOT', 'SETSTORAGEPOLICY',
      'SATISFYSTORAGEPOLICY', 'SETQUOTA', 'SETQUOTABYSTORAGETYPE', 'NULL',
    ],
  },
  POST: { cls: 'PostOpParam', ops: ['APPEND', 'CONCAT', 'TRUNCATE', 'UNSETECPOLICY', 'UNSETSTORAGEPOLICY', 'NULL'] },
  DELETE: { cls: 'DeleteOpParam', ops: ['DELETE', 'DELETESNAPSHOT', 'NULL'] },
};

/** Operations that go through the namesystem as WRITE (checkOperation(OperationCategory.WRITE)). */
const WRITE_CATEGORY_GETS = new Set(['GETDELEGATIONTOKEN']);

const FSACTION = /^[r-][w-][x-]$/;

/** Jersey parses every parameter the HTTP method's resource declares, whatever the op. */
function validateParams(method: string, q: Query): void {
  q.user('user.name');
  q.user('doas');
  if (method === 'GET') {
    q.long('offset', 0);
    q.long('length', 0);
    q.int('buffersize', 1);
    q.boolean('noredirect', false);
    const fsaction = q.string('fsaction');
    if (fsaction !== undefined && !FSACTION.test(fsaction)) {
      throw invalidParam('fsaction', `Invalid value: "${fsaction}" does not belong to the domain ^[r-][w-][x-]$`);
    }
  } else if (method === 'PUT') {
    q.destination();
    q.permission();
    q.boolean('overwrite', false);
    q.int('buffersize', 1);
    q.short('replication', 10, 1);
    q.long('blocksize', 1);
    q.long('modificationtime', -1);
    q.long('accesstime', -1);
    q.boolean('createparent', true);
    q.boolean('noredirect', false);
  } else if (method === 'POST') {
    q.int('buffersize', 1);
    q.boolean('noredirect', false);
    q.long('newlength', 0);
  } else if (method === 'DELETE') {
    q.boolean('recursive', false);
  }
}

function parseOp(method: string, q: Query): string {
  const spec = OPS[method]!;
  const raw = q.get('op');
  if (raw === undefined || raw === 'null') return 'NULL';
  const op = raw.toUpperCase();
  if (!spec.ops.includes(op)) throw invalidParam('op', `No enum constant org.apache.hadoop.hdfs.web.resources.${spec.cls}.Op.${op}`);
  return op;
}

export class Namenode {
  constructor(
    private readonly cluster: Cluster,
    readonly index: 0 | 1,
    private readonly log: RequestLog,
  ) {}

  /** The http.Server 'request' (and 'checkContinue': no 100 Continue is ever sent) listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const record = this.log.add({ server: 'namenode', index: this.index, method, path: req.url ?? '', query: {}, status: 0, bodyBytes: 0 });
    try {
      const { path: urlPath, search } = splitUrl(req.url ?? '/');
      const q = new Query(search);
      const hdfsPath = hdfsPathOf(urlPath);
      record.path = hdfsPath ?? urlPath;
      record.query = q.raw;
      if (hdfsPath === undefined) {
        sendPlain(res, record, 404, `Not Found: ${urlPath}\n`);
      } else if (!OPS[method]) {
        sendPlain(res, record, 405, 'HTTP method not allowed\n');
      } else {
        this.dispatch(method, hdfsPath, q, res, record);
      }
    } catch (e) {
      sendError(res, record, e);
    }
    drain(req, record);
  };

  private dispatch(method: string, path: string, q: Query, res: ServerResponse, record: RequestRecord): void {
    validateParams(method, q);
    const op = parseOp(method, q);
    const implemented = IMPLEMENTED[method]!;
    if (!implemented.includes(op)) throw UnsupportedOperationException(`op=${op} is not supported`);
    if (this.cluster.active !== this.index) {
      const category = method === 'GET' && !WRITE_CATEGORY_GETS.has(op) ? 'READ' : 'WRITE';
      throw StandbyException(`Operation category ${category} is not supported in state standby`);
    }
    const auth = authenticate(this.cluster, q);
    const caller = this.cluster.ns.caller(auth.user);
    const ns = this.cluster.ns;

    switch (op) {
      // ---- GET ----
      case 'OPEN': {
        const status = ns.getFileInfo(caller, path);
        if (!status) throw FileNotFoundException(`File ${this.normal(path)} not found.`);
        const len = status.type === 'FILE' ? status.length : 0;
        const offset = q.long('offset', 0) ?? 0;
        if (offset < 0 || (offset >= len && len > 0)) {
          throw IOException(`Offset=${offset} out of the range [0, ${len}); OPEN, path=${this.normal(path)}`);
        }
        const length = q.long('length', 0);
        const buffersize = q.int('buffersize', 1);
        return this.redirect(res, record, q, op, path, auth, [
          ['buffersize', buffersize],
          ['length', length],
          ['offset', offset],
        ]);
      }
      case 'GETFILESTATUS': {
        const inode = ns.getFileInfo(caller, path);
        if (!inode) throw FileNotFoundException(`File does not exist: ${this.normal(path)}`);
        return sendJson(res, record, 200, { FileStatus: fileStatus(inode, '') });
      }
      case 'LISTSTATUS': {
        const listing = ns.getListing(caller, path, '', Number.MAX_SAFE_INTEGER);
        if (!listing) throw FileNotFoundException(`File ${this.normal(path)} does not exist.`);
        return sendJson(res, record, 200, { FileStatuses: { FileStatus: listing.statuses } });
      }
      case 'LISTSTATUS_BATCH': {
        const startAfter = q.string('startafter') ?? '';
        const listing = ns.getListing(caller, path, startAfter, this.cluster.listBatchSize);
        if (!listing) throw FileNotFoundException(`File ${this.normal(path)} does not exist.`);
        return sendJson(res, record, 200, {
          DirectoryListing: { partialListing: { FileStatuses: { FileStatus: listing.statuses } }, remainingEntries: listing.remaining },
        });
      }
      case 'GETCONTENTSUMMARY': {
        const s = ns.getContentSummary(caller, path);
        return sendJson(res, record, 200, {
          ContentSummary: {
            directoryCount: s.directoryCount,
            ecPolicy: '',
            fileCount: s.fileCount,
            length: s.length,
            quota: -1,
            spaceConsumed: s.spaceConsumed,
            spaceQuota: -1,
            typeQuota: {},
          },
        });
      }
      case 'GETFILECHECKSUM': {
        const status = ns.getFileInfo(caller, path);
        if (!status) throw FileNotFoundException(`File ${this.normal(path)} not found.`);
        return this.redirect(res, record, q, op, path, auth, []);
      }
      case 'GETHOMEDIRECTORY':
        return sendJson(res, record, 200, { Path: `/user/${auth.user}` });
      case 'GETTRASHROOT':
        return sendJson(res, record, 200, { Path: `/user/${auth.user}/.Trash` });
      case 'CHECKACCESS': {
        const fsaction = q.string('fsaction');
        if (fsaction === undefined) requiredParam('fsaction', op);
        const iip = ns.resolvePath(caller, path, 'READ');
        if (!iip.last) throw FileNotFoundException(`Path not found: ${iip.path}`);
        const mode = (fsaction[0] === 'r' ? READ : 0) | (fsaction[1] === 'w' ? WRITE : 0) | (fsaction[2] === 'x' ? EXECUTE : 0);
        checkPermission(caller, iip, { access: mode });
        return sendEmpty(res, record);
      }
      case 'GETDELEGATIONTOKEN': {
        if (q.string('delegation') !== undefined) throw IllegalArgumentException('delegation parameter is not null.');
        const host = `127.0.0.1:${this.port}`;
        const urlString = this.cluster.tokens.issue(auth.user, q.string('renewer'), q.string('kind'), q.string('service') ?? host);
        return sendJson(res, record, 200, { Token: { urlString } });
      }

      // ---- PUT ----
      case 'CREATE': {
        // The namenode only chooses a datanode; the file is created when the datanode calls create().
        return this.redirect(res, record, q, op, path, auth, [
          ['blocksize', q.long('blocksize', 1)],
          ['buffersize', q.int('buffersize', 1)],
          ['createflag', q.get('createflag') ?? ''],
          ['createparent', String(q.boolean('createparent', true))],
          ['overwrite', String(q.boolean('overwrite', false))],
          ['permission', q.permission() === undefined ? undefined : q.permission()!.toString(8)],
          ['replication', q.short('replication', 10, 1)],
        ]);
      }
      case 'MKDIRS': {
        const b = ns.mkdirs(caller, path, q.permission() ?? 0o755);
        return sendJson(res, record, 200, { boolean: b });
      }
      case 'RENAME': {
        if (q.string('renameoptions') !== undefined) throw UnsupportedOperationException('renameoptions (rename2) is not supported by this peer');
        const destination = q.destination();
        if (destination === undefined) requiredParam('destination', op);
        const b = ns.rename(caller, path, destination);
        return sendJson(res, record, 200, { boolean: b });
      }
      case 'SETREPLICATION': {
        const b = ns.setReplication(caller, path, q.short('replication', 10, 1) ?? DEFAULT_REPLICATION);
        return sendJson(res, record, 200, { boolean: b });
      }
      case 'SETOWNER': {
        const owner = q.string('owner');
        const group = q.string('group');
        if (owner === undefined && group === undefined) throw IllegalArgumentException('Both owner and group are empty.');
        ns.setOwner(caller, path, owner, group);
        return sendEmpty(res, record);
      }
      case 'SETPERMISSION':
        ns.setPermission(caller, path, q.permission() ?? 0o755);
        return sendEmpty(res, record);
      case 'SETTIMES':
        ns.setTimes(caller, path, q.long('modificationtime', -1) ?? -1, q.long('accesstime', -1) ?? -1);
        return sendEmpty(res, record);
      case 'RENEWDELEGATIONTOKEN': {
        const token = q.string('token');
        if (token === undefined) requiredParam('token', op);
        return sendJson(res, record, 200, { long: this.cluster.tokens.renew(auth.user, token) });
      }
      case 'CANCELDELEGATIONTOKEN': {
        const token = q.string('token');
        if (token === undefined) requiredParam('token', op);
        this.cluster.tokens.cancel(auth.user, token);
        return sendEmpty(res, record);
      }

      // ---- POST ----
      case 'APPEND': {
        const status = ns.getFileInfo(caller, path);
        if (!status) throw FileNotFoundException(`File ${this.normal(path)} not found.`);
        return this.redirect(res, record, q, op, path, auth, [['buffersize', q.int('buffersize', 1)]]);
      }

      // ---- DELETE ----
      case 'DELETE': {
        const { deleted, removed } = ns.delete(caller, path, q.boolean('recursive', false));
        for (const file of removed.files) void this.cluster.store.remove(file.id).catch(() => {});
        return sendJson(res, record, 200, { boolean: deleted });
      }
    }
    throw UnsupportedOperationException(`op=${op} is not supported`);
  }

  /** Set by the server once it listens. */
  port = 0;

  private normal(path: string): string {
    return '/' + path.split('/').filter((c) => c !== '').join('/');
  }

  /**
   * NamenodeWebHdfsMethods.redirectURI: op, then the caller (delegation=<token>, or doas/user.name
   * sorted), then namenoderpcaddress, then the op's parameters sorted by name, nulls left out.
   */
  private redirect(
    res: ServerResponse,
    record: RequestRecord,
    q: Query,
    op: string,
    path: string,
    auth: Auth,
    params: Array<[string, string | number | undefined]>,
  ): void {
    let query = `op=${op}`;
    if (auth.delegation !== undefined) {
      query += `&delegation=${auth.delegation}`;
    } else {
      if (auth.doAs !== undefined) query += `&doas=${javaUrlEncode(auth.doAs)}`;
      if (auth.userName !== undefined) query += `&user.name=${javaUrlEncode(auth.userName)}`;
    }
    query += `&namenoderpcaddress=${javaUrlEncode(this.cluster.nameservice)}`;
    for (const [name, value] of [...params].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (value !== undefined) query += `&${name}=${javaUrlEncode(String(value))}`;
    }
    const location = `${this.cluster.datanodeUrl}${encodeUriPath(WEBHDFS_PREFIX + this.normal(path))}?${query}`;
    if (q.boolean('noredirect', false)) sendJson(res, record, 200, { Location: location });
    else sendRedirect(res, record, location);
  }
}

const IMPLEMENTED: Record<string, string[]> = {
  GET: ['OPEN', 'GETFILESTATUS', 'LISTSTATUS', 'LISTSTATUS_BATCH', 'GETCONTENTSUMMARY', 'GETFILECHECKSUM', 'GETHOMEDIRECTORY', 'GETTRASHROOT', 'CHECKACCESS', 'GETDELEGATIONTOKEN'],
  PUT: ['CREATE', 'MKDIRS', 'RENAME', 'SETREPLICATION', 'SETOWNER', 'SETPERMISSION', 'SETTIMES', 'RENEWDELEGATIONTOKEN', 'CANCELDELEGATIONTOKEN'],
  POST: ['APPEND'],
  DELETE: ['DELETE'],
};

