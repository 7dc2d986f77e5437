/**
 * The namespace both namenodes share: inodes (owner, group, mode, times), path resolution, and
 * the namesystem operations with the semantics and messages of Hadoop 3's FSDir*Op classes
 * (FSDirMkdirOp, FSDirWriteFileOp, FSDirAppendOp, FSDirDeleteOp, FSDirRenameOp, FSDirAttrOp,
 * FSDirStatAndListingOp). File bytes live in the block store; the namespace only knows lengths.
 */
import {
  AccessControlException,
  AlreadyBeingCreatedException,
  FileAlreadyExistsException,
  FileNotFoundException,
  InvalidPathException,
  IOException,
  ParentNotDirectoryException,
  PathIsNotEmptyDirectoryException,
  RemoteError,
} from './errors.js';
import {
  ALL,
  type Caller,
  checkOwner,
  checkPermission,
  checkResolvable,
  octal,
  READ,
  READ_EXECUTE,
  WRITE,
} from './permissions.js';

/** INodeId.ROOT_INODE_ID: the root is 16385, the first inode created 16386. */
export const ROOT_INODE_ID = 16385;
export const DEFAULT_BLOCK_SIZE = 134_217_728; // dfs.blocksize
export const DEFAULT_REPLICATION = 3; // dfs.replication
export const MIN_BLOCK_SIZE = 1_048_576; // dfs.namenode.fs-limits.min-block-size
export const MAX_REPLICATION = 512; // dfs.replication.max
export const BYTES_PER_CHECKSUM = 512; // dfs.bytes-per-checksum
export const ACCESS_TIME_PRECISION = 3_600_000; // dfs.namenode.accesstime.precision

interface INodeBase {
  id: number;
  name: string;
  parent: DirINode | null;
  owner: string;
  group: string;
  permission: number;
  mtime: number;
  atime: number;
  /** Set once the inode has left the namespace (deleted, or replaced by an overwrite). */
  deleted: boolean;
}

export interface Lease {
  holder: string; // DFSClient_NONMAPREDUCE_..., one per datanode request
  clientMachine: string;
}

export interface FileINode extends INodeBase {
  type: 'FILE';
  length: number;
  blockSize: number;
  replication: number;
  /** Present while a CREATE or APPEND is writing the file (the file is "under construction"). */
  lease: Lease | null;
}

export interface DirINode extends INodeBase {
  type: 'DIRECTORY';
  children: Map<string, INode>;
  /** Children names in HDFS order (UTF-8 byte order), rebuilt lazily. */
  sorted: string[] | null;
}

export type INode = FileINode | DirINode;

/** INodesInPath: the components of a path and the inode (or null) at each depth, root first. */
export class INodesInPath {
  constructor(
    readonly components: string[],
    readonly inodes: Array<INode | null>,
  ) {}

  get path(): string {
    return this.pathOf(this.inodes.length - 1);
  }

  /** The path of the inode at depth i (0 = "/"). */
  pathOf(i: number): string {
    return '/' + this.components.slice(0, i).join('/');
  }

  get last(): INode | null {
    return this.inodes[this.inodes.length - 1] ?? null;
  }

  get parent(): INode | null {
    return this.inodes.length > 1 ? (this.inodes[this.inodes.length - 2] ?? null) : null;
  }
}

export type DirOp = 'READ' | 'WRITE' | 'CREATE';

/** The FileStatus JSON object (keys in the TreeMap order Hadoop's JsonUtil produces). */
export interface FileStatusJson {
  accessTime: number;
  blockSize: number;
  childrenNum: number;
  fileId: number;
  group: string;
  length: number;
  modificationTime: number;
  owner: string;
  pathSuffix: string;
  permission: string;
  replication: number;
  storagePolicy: number;
  type: 'FILE' | 'DIRECTORY';
}

export function fileStatus(inode: INode, pathSuffix: string): FileStatusJson {
  const file = inode.type === 'FILE';
  return {
    accessTime: inode.atime,
    blockSize: file ? inode.blockSize : 0,
    childrenNum: file ? 0 : inode.children.size,
    fileId: inode.id,
    group: inode.group,
    length: file ? inode.length : 0,
    modificationTime: inode.mtime,
    owner: inode.owner,
    pathSuffix,
    permission: octal(inode.permission),
    replication: file ? inode.replication : 0,
    storagePolicy: 0,
    type: inode.type,
  };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** DFSUtil.isValidName: absolute, no ".", "..", ":" components, no empty component in the middle. */
export function isValidName(src: string): boolean {
  if (!src.startsWith('/')) return false;
  const components = src.split('/');
  for (let i = 0; i < components.length; i++) {
    const element = components[i]!;
    if (element === '.' || element === '..' || element.includes(':')) return false;
    if (element === '' && i !== components.length - 1 && i !== 0) return false;
  }
  return true;
}

export interface NamespaceOptions {
  superuser: string;
  supergroup: string;
  /** User -> groups (the namenode's group mapping). Users not listed belong to no group. */
  groups: Record<string, string[]>;
}

export interface ContentSummary {
  directoryCount: number;
  fileCount: number;
  length: number;
  spaceConsumed: number;
}

/** What a DELETE or an overwriting CREATE took out of the namespace (whose blocks must go). */
export interface Removed {
  files: FileINode[];
}

export class Namespace {
  root: DirINode;
  private nextId = ROOT_INODE_ID + 1;
  private clientSeq = 0;

  constructor(readonly options: NamespaceOptions) {
    const now = Date.now();
    this.root = this.newDir('', null, options.superuser, options.supergroup, 0o755, now);
    this.root.id = ROOT_INODE_ID;
    this.nextId = ROOT_INODE_ID + 1;
  }

  caller(user: string): Caller {
    const groups = new Set(this.options.groups[user] ?? []);
    if (user === this.options.superuser) groups.add(this.options.supergroup);
    return { user, groups, superuser: user === this.options.superuser || groups.has(this.options.supergroup) };
  }

  /** A DFSClient name, one per datanode request as WebHDFS makes them. */
  newClientName(): string {
    return `DFSClient_NONMAPREDUCE_${Math.floor(Math.random() * 2 ** 31)}_${++this.clientSeq}`;
  }

  private newDir(name: string, parent: DirINode | null, owner: string, group: string, permission: number, now: number): DirINode {
    return { type: 'DIRECTORY', id: this.nextId++, name, parent, owner, group, permission, mtime: now, atime: 0, deleted: false, children: new Map(), sorted: null };
  }

  private addChild(parent: DirINode, child: INode, now: number): void {
    parent.children.set(child.name, child);
    parent.sorted = null;
    child.parent = parent;
    parent.mtime = now;
  }

  private removeChild(child: INode, now: number): void {
    const parent = child.parent;
    if (!parent) return;
    parent.children.delete(child.name);
    parent.sorted = null;
    parent.mtime = now;
    child.parent = null;
  }

  sortedChildren(dir: DirINode): string[] {
    if (!dir.sorted) dir.sorted = [...dir.children.keys()].sort(byteOrder);
    return dir.sorted;
  }

  /** INodesInPath.resolve: stops descending at the first missing inode or file. */
  resolve(path: string): INodesInPath {
    const components = path.split('/').filter((c) => c !== '');
    const inodes: Array<INode | null> = [this.root];
    let cur: INode | null = this.root;
    for (const name of components) {
      cur = cur && cur.type === 'DIRECTORY' ? (cur.children.get(name) ?? null) : null;
      inodes.push(cur);
    }
    return new INodesInPath(components, inodes);
  }

  /**
   * FSDirectory.resolvePath: creating operations reject invalid names; every operation checks the
   * ancestors are directories and searchable. Walking through a file is a
   * ParentNotDirectoryException for creating operations and an AccessControlException otherwise.
   */
  resolvePath(caller: Caller, src: string, dirOp: DirOp): INodesInPath {
    const isCreate = dirOp === 'CREATE';
    if (isCreate && !isValidName(src)) throw InvalidPathException(`Invalid path name Invalid file name: ${src}`);
    const iip = this.resolve(src);
    try {
      checkResolvable(caller, iip);
    } catch (e) {
      if (e instanceof RemoteError && e.exception === 'ParentNotDirectoryException' && !isCreate) {
        throw AccessControlException(e.message);
      }
      throw e;
    }
    return iip;
  }

  // ---- reads ---------------------------------------------------------------------------------

  getFileInfo(caller: Caller, src: string): INode | null {
    return this.resolvePath(caller, src, 'READ').last;
  }

  /**
   * getListing: the children after `startAfter` (UTF-8 byte order), at most `limit`, and how many
   * remain. A file lists as itself. Undefined when the path does not exist.
   */
  getListing(caller: Caller, src: string, startAfter: string, limit: number): { statuses: FileStatusJson[]; remaining: number } | undefined {
    const iip = this.resolvePath(caller, src, 'READ');
    const target = iip.last;
    if (!target) return undefined;
    if (target.type === 'FILE') return { statuses: [fileStatus(target, '')], remaining: 0 };
    checkPermission(caller, iip, { access: READ_EXECUTE });
    const names = this.sortedChildren(target);
    let start = 0;
    if (startAfter !== '') {
      // binary search for the first name > startAfter
      let lo = 0;
      let hi = names.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byteOrder(names[mid]!, startAfter) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const slice = names.slice(start, start + limit);
    return {
      statuses: slice.map((n) => fileStatus(target.children.get(n)!, n)),
      remaining: names.length - start - slice.length,
    };
  }

  getContentSummary(caller: Caller, src: string): ContentSummary {
    const iip = this.resolvePath(caller, src, 'READ');
    checkPermission(caller, iip, { subAccess: READ_EXECUTE });
    const target = iip.last;
    if (!target) throw FileNotFoundException(`File does not exist: ${iip.path}`);
    const sum: ContentSummary = { directoryCount: 0, fileCount: 0, length: 0, spaceConsumed: 0 };
    const stack: INode[] = [target];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'FILE') {
        sum.fileCount++;
        sum.length += node.length;
        sum.spaceConsumed += node.length * node.replication;
      } else {
        sum.directoryCount++;
        stack.push(...node.children.values());
      }
    }
    return sum;
  }

  /** getBlockLocations' checks, for OPEN and GETFILECHECKSUM on the datanode. */
  openForRead(caller: Caller, src: string): FileINode {
    const iip = this.resolvePath(caller, src, 'READ');
    const inode = iip.last;
    if (!inode) throw FileNotFoundException(`File does not exist: ${iip.path}`);
    if (inode.type !== 'FILE') throw FileNotFoundException(`Path is not a file: ${iip.path}`);
    checkPermission(caller, iip, { access: READ });
    return inode;
  }

  /** getBlockLocations updates the access time once it is older than the precision (1 hour). */
  touchAccessTime(inode: FileINode): void {
    const now = Date.now();
    if (now > inode.atime + ACCESS_TIME_PRECISION) inode.atime = now;
  }

  // ---- writes --------------------------------------------------------------------------------

  /** FSDirMkdirOp.mkdirs (always with createParent, as WebHDFS calls it). */
  mkdirs(caller: Caller, src: string, permission: number): boolean {
    const iip = this.resolvePath(caller, src, 'CREATE');
    const last = iip.last;
    if (last && last.type === 'FILE') throw FileAlreadyExistsException(`Path is not a directory: ${iip.path}`);
    if (last) return true;
    checkPermission(caller, iip, { ancestorAccess: WRITE });
    // Missing ancestors get the requested mode plus u+wx (addImplicitUwx), the leaf the mode as given.
    this.createMissing(iip, caller.user, permission | 0o300, permission, Date.now());
    return true;
  }

  /** Creates every missing directory of iip (the last one with leafMode), owned by `owner`, group inherited. */
  private createMissing(iip: INodesInPath, owner: string, ancestorMode: number, leafMode: number, now: number): DirINode {
    let parent = this.root;
    for (let i = 1; i < iip.inodes.length; i++) {
      const existing = iip.inodes[i];
      if (existing) {
        parent = existing as DirINode;
        continue;
      }
      const mode = i === iip.inodes.length - 1 ? leafMode : ancestorMode;
      const dir = this.newDir(iip.components[i - 1]!, parent, owner, parent.group, mode, now);
      this.addChild(parent, dir, now);
      iip.inodes[i] = dir;
      parent = dir;
    }
    return parent;
  }

  /** FSDirWriteFileOp.startFile, as the datanode's DFSClient.create reaches it. */
  startFile(
    caller: Caller,
    src: string,
    opts: { overwrite: boolean; createParent: boolean; permission: number; replication: number; blockSize: number; holder: string; clientMachine: string },
  ): { inode: FileINode; removed: Removed } {
    const iip = this.resolvePath(caller, src, 'CREATE');
    const path = iip.path;
    if (opts.blockSize < MIN_BLOCK_SIZE) {
      throw IOException(`Specified block size is less than configured minimum value (dfs.namenode.fs-limits.min-block-size): ${opts.blockSize} < ${MIN_BLOCK_SIZE}`);
    }
    if (opts.replication > MAX_REPLICATION) {
      throw IOException(`Requested replication factor of ${opts.replication} exceeds maximum of ${MAX_REPLICATION} for ${path} from ${opts.clientMachine}`);
    }
    const existing = iip.last;
    if (existing && existing.type === 'DIRECTORY') throw FileAlreadyExistsException(`${path} already exists as a directory`);
    if (opts.overwrite && existing) checkPermission(caller, iip, { access: WRITE });
    checkPermission(caller, iip, { ancestorAccess: WRITE });
    if (!opts.createParent) this.verifyParentDir(iip);
    const removed: Removed = { files: [] };
    const now = Date.now();
    if (existing) {
      if (opts.overwrite) {
        this.removeSubtree(existing, removed, now);
        iip.inodes[iip.inodes.length - 1] = null;
      } else {
        this.checkLease(existing, 'CREATE_FILE', path, opts.holder, opts.clientMachine);
        throw FileAlreadyExistsException(`${path} for client ${opts.clientMachine} already exists`);
      }
    }
    // Missing ancestors inherit the nearest existing ancestor's mode plus u+wx (createParent path).
    let nearest: INode = this.root;
    for (const inode of iip.inodes.slice(0, -1)) if (inode) nearest = inode;
    const parent = this.createMissing(
      new INodesInPath(iip.components.slice(0, -1), iip.inodes.slice(0, -1)),
      caller.user,
      nearest.permission | 0o300,
      nearest.permission | 0o300,
      now,
    );
    const file: FileINode = {
      type: 'FILE',
      id: this.nextId++,
      name: iip.components[iip.components.length - 1]!,
      parent,
      owner: caller.user,
      group: parent.group,
      permission: opts.permission,
      mtime: now,
      atime: now,
      deleted: false,
      length: 0,
      blockSize: opts.blockSize,
      replication: opts.replication,
      lease: { holder: opts.holder, clientMachine: opts.clientMachine },
    };
    this.addChild(parent, file, now);
    return { inode: file, removed };
  }

  private verifyParentDir(iip: INodesInPath): void {
    if (iip.inodes.length < 2) return;
    const parent = iip.parent;
    const parentPath = iip.pathOf(iip.inodes.length - 2);
    if (!parent) throw FileNotFoundException(`Parent directory doesn't exist: ${parentPath}`);
    if (parent.type !== 'DIRECTORY') throw ParentNotDirectoryException(`Parent path is not a directory: ${parentPath}`);
  }

  /** A file under construction by someone else cannot be re-created or appended to. */
  private checkLease(inode: INode, op: 'CREATE_FILE' | 'APPEND_FILE', path: string, holder: string, clientMachine: string): void {
    if (inode.type !== 'FILE' || !inode.lease || inode.lease.holder === holder) return;
    throw AlreadyBeingCreatedException(
      `Failed to ${op} ${path} for ${holder} on ${clientMachine} because this file lease is currently owned by ${inode.lease.holder} on ${inode.lease.clientMachine}`,
    );
  }

  /** FSDirAppendOp.appendFile. */
  appendFile(caller: Caller, src: string, holder: string, clientMachine: string): FileINode {
    const iip = this.resolvePath(caller, src, 'WRITE');
    const inode = iip.last;
    if (inode && inode.type === 'DIRECTORY') throw FileAlreadyExistsException(`Cannot append to directory ${iip.path}; already exists as a directory.`);
    checkPermission(caller, iip, { access: WRITE });
    if (!inode) throw FileNotFoundException(`Failed to append to non-existent file ${iip.path} for client ${clientMachine}`);
    this.checkLease(inode, 'APPEND_FILE', iip.path, holder, clientMachine);
    inode.lease = { holder, clientMachine };
    return inode;
  }

  /** completeFile: closes the file for its lease holder; the file must still be in the namespace. */
  completeFile(inode: FileINode, holder: string): void {
    const path = this.pathOf(inode);
    if (inode.deleted || path === undefined) {
      throw FileNotFoundException(`File does not exist: ${path ?? inode.name} (inode ${inode.id}) Holder ${holder} does not have any open files.`);
    }
    if (!inode.lease || inode.lease.holder !== holder) {
      throw IOException(`No lease on ${path} (inode ${inode.id}): File is not open for writing. Holder ${holder} does not have any open files.`);
    }
    inode.lease = null;
    inode.mtime = Date.now();
  }

  /** Releases a lease without failing (the writer went away: HdfsWriter closes the stream). */
  abandonWrite(inode: FileINode, holder: string): void {
    if (inode.lease && inode.lease.holder === holder) {
      inode.lease = null;
      inode.mtime = Date.now();
    }
  }

  /** FSDirDeleteOp.delete. */
  delete(caller: Caller, src: string, recursive: boolean): { deleted: boolean; removed: Removed } {
    const iip = this.resolvePath(caller, src, 'WRITE');
    const target = iip.last;
    if (!recursive && target && target.type === 'DIRECTORY' && target.children.size > 0) {
      throw PathIsNotEmptyDirectoryException(`${iip.path} is non empty`);
    }
    checkPermission(caller, iip, { parentAccess: WRITE, subAccess: ALL, ignoreEmptyDir: true });
    const removed: Removed = { files: [] };
    if (!target || target === this.root) return { deleted: false, removed };
    this.removeSubtree(target, removed, Date.now());
    return { deleted: true, removed };
  }

  private removeSubtree(target: INode, removed: Removed, now: number): void {
    this.removeChild(target, now);
    const stack: INode[] = [target];
    while (stack.length > 0) {
      const node = stack.pop()!;
      node.deleted = true;
      if (node.type === 'FILE') removed.files.push(node);
      else stack.push(...node.children.values());
    }
  }

  /** FSDirRenameOp.renameTo (the old rename WebHDFS's RENAME without options calls). */
  rename(caller: Caller, src: string, dst: string): boolean {
    const srcIIP = this.resolvePath(caller, src, 'WRITE');
    let dstIIP = this.resolvePath(caller, dst, 'CREATE');
    const srcInode = srcIIP.last;
    const dstInode = dstIIP.last;
    // An existing directory as destination means "move into it".
    if (dstInode && dstInode.type === 'DIRECTORY' && srcIIP.components.length > 0) {
      const childName = srcIIP.components[srcIIP.components.length - 1]!;
      dstIIP = new INodesInPath([...dstIIP.components, childName], [...dstIIP.inodes, dstInode.children.get(childName) ?? null]);
    }
    checkPermission(caller, srcIIP, { parentAccess: WRITE });
    checkPermission(caller, dstIIP, { ancestorAccess: WRITE });

    const srcPath = srcIIP.path;
    const dstPath = dstIIP.path;
    if (!srcInode) return false; // source does not exist
    if (srcInode === this.root) return false; // rename of the root
    if (dstPath === srcPath) return true;
    if (dstPath.startsWith(srcPath + '/')) return false; // destination under the source
    if (dstIIP.last) return false; // destination exists
    const dstParent = dstIIP.parent;
    if (!dstParent || dstParent.type !== 'DIRECTORY') return false; // destination's parent does not exist
    const now = Date.now();
    this.removeChild(srcInode, now);
    srcInode.name = dstIIP.components[dstIIP.components.length - 1]!;
    this.addChild(dstParent, srcInode, now);
    return true;
  }

  /** FSDirAttrOp.setPermission. */
  setPermission(caller: Caller, src: string, permission: number): void {
    const iip = this.resolvePath(caller, src, 'WRITE');
    if (!iip.last) throw FileNotFoundException(`cannot find ${iip.path}`);
    checkOwner(caller, iip, iip.inodes.length - 1);
    iip.last.permission = permission;
  }

  /** FSDirAttrOp.setOwner. */
  setOwner(caller: Caller, src: string, owner: string | undefined, group: string | undefined): void {
    const iip = this.resolvePath(caller, src, 'WRITE');
    if (!iip.last) throw FileNotFoundException(`cannot find ${iip.path}`);
    checkOwner(caller, iip, iip.inodes.length - 1);
    if (!caller.superuser) {
      if (owner !== undefined && owner !== caller.user) {
        throw AccessControlException(`User ${caller.user} is not a super user (non-super user cannot change owner).`);
      }
      if (group !== undefined && !caller.groups.has(group)) {
        throw AccessControlException(`User ${caller.user} does not belong to ${group}`);
      }
    }
    if (owner !== undefined) iip.last.owner = owner;
    if (group !== undefined) iip.last.group = group;
  }

  /** FSDirAttrOp.setTimes: -1 leaves a time unchanged. */
  setTimes(caller: Caller, src: string, mtime: number, atime: number): void {
    const iip = this.resolvePath(caller, src, 'WRITE');
    checkPermission(caller, iip, { access: WRITE });
    const inode = iip.last;
    if (!inode) throw FileNotFoundException(`File/Directory ${iip.path} does not exist.`);
    if (mtime !== -1) inode.mtime = mtime;
    if (atime !== -1) inode.atime = atime;
  }

  /** FSDirAttrOp.setReplication: false for a directory. */
  setReplication(caller: Caller, src: string, replication: number): boolean {
    const iip = this.resolvePath(caller, src, 'WRITE');
    checkPermission(caller, iip, { access: WRITE });
    const inode = iip.last;
    if (!inode || inode.type !== 'FILE') return false;
    inode.replication = replication;
    return true;
  }

  /** The path of an inode still in the namespace, or undefined once it has left it. */
  pathOf(inode: INode): string | undefined {
    if (inode === this.root) return '/';
    const names: string[] = [];
    let cur: INode | null = inode;
    while (cur && cur !== this.root) {
      if (cur.deleted || !cur.parent) return undefined;
      names.unshift(cur.name);
      cur = cur.parent;
    }
    return '/' + names.join('/');
  }

  // ---- set-up and persistence ------------------------------------------------------------------

  /** Test set-up: mkdir -p as the superuser, then give the leaf its owner, group and mode. */
  adminMkdirs(path: string, attrs: { owner?: string; group?: string; permission?: number }): DirINode {
    const admin = this.caller(this.options.superuser);
    const iip = this.resolvePath(admin, path, 'CREATE');
    if (iip.last && iip.last.type === 'FILE') throw FileAlreadyExistsException(`Path is not a directory: ${iip.path}`);
    const leaf = iip.last ?? this.createMissing(iip, this.options.superuser, 0o755, 0o755, Date.now());
    if (attrs.owner !== undefined) leaf.owner = attrs.owner;
    if (attrs.group !== undefined) leaf.group = attrs.group;
    if (attrs.permission !== undefined) leaf.permission = attrs.permission;
    return leaf as DirINode;
  }

  /** Every file inode (for loading the block store). */
  *files(): Generator<FileINode> {
    const stack: INode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'FILE') yield node;
      else stack.push(...node.children.values());
    }
  }

  /** A JSON image of the namespace (open files are saved closed, as lease recovery would leave them). */
  toImage(): NamespaceImage {
    const save = (node: INode): ImageNode => {
      const base = { id: node.id, name: node.name, owner: node.owner, group: node.group, permission: node.permission, mtime: node.mtime, atime: node.atime };
      if (node.type === 'FILE') return { ...base, type: 'FILE', length: node.length, blockSize: node.blockSize, replication: node.replication };
      return { ...base, type: 'DIRECTORY', children: [...node.children.values()].map(save) };
    };
    return { version: 1, nextId: this.nextId, root: save(this.root) };
  }

  loadImage(image: NamespaceImage): void {
    const load = (img: ImageNode, parent: DirINode | null): INode => {
      const base = { id: img.id, name: img.name, parent, owner: img.owner, group: img.group, permission: img.permission, mtime: img.mtime, atime: img.atime, deleted: false };
      if (img.type === 'FILE') return { ...base, type: 'FILE', length: img.length, blockSize: img.blockSize, replication: img.replication, lease: null };
      const dir: DirINode = { ...base, type: 'DIRECTORY', children: new Map(), sorted: null };
      for (const child of img.children) dir.children.set(child.name, load(child, dir));
      return dir;
    };
    this.root = load(image.root, null) as DirINode;
    this.nextId = image.nextId;
  }
}

type ImageNode =
  | { type: 'FILE'; id: number; name: string; owner: string; group: string; permission: number; mtime: number; atime: number; length: number; blockSize: number; replication: number }
  | { type: 'DIRECTORY'; id: number; name: string; owner: string; group: string; permission: number; mtime: number; atime: number; children: ImageNode[] };

export interface NamespaceImage {
  version: 1;
  nextId: number;
  root: ImageNode;
}
