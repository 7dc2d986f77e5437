/**
 * HDFS permissions: FsAction, FsPermission's string forms, and the checks
 * org.apache.hadoop.hdfs.server.namenode.FSPermissionChecker makes (traverse, ancestor, parent,
 * path, sub-tree, owner, sticky bit), with its messages.
 */
import { AccessControlException, ParentNotDirectoryException } from './errors.js';
import type { DirINode, INode, INodesInPath } from './namespace.js';

export const READ = 4;
export const WRITE = 2;
export const EXECUTE = 1;
export const ALL = 7;
export const READ_EXECUTE = READ | EXECUTE;

const ACTION_NAMES = ['NONE', 'EXECUTE', 'WRITE', 'WRITE_EXECUTE', 'READ', 'READ_EXECUTE', 'READ_WRITE', 'ALL'];

/** The caller of an operation, as the namenode sees it. */
export interface Caller {
  user: string;
  groups: ReadonlySet<string>;
  superuser: boolean;
}

/** The octal string WebHDFS puts in FileStatus.permission ("755", "1777"). */
export function octal(mode: number): string {
  return (mode & 0o1777).toString(8);
}

/** FsPermission.toString(): "rwxr-xr-x", with t/T for the sticky bit. */
export function symbolic(mode: number): string {
  const triple = (bits: number): string => (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  let s = triple((mode >> 6) & 7) + triple((mode >> 3) & 7) + triple(mode & 7);
  if (mode & 0o1000) s = s.slice(0, 8) + (mode & 1 ? 't' : 'T');
  return s;
}

function describe(inode: INode, path: string): string {
  return `"${path}":${inode.owner}:${inode.group}:${inode.type === 'DIRECTORY' ? 'd' : '-'}${symbolic(inode.permission)}`;
}

export function hasPermission(caller: Caller, inode: INode, access: number): boolean {
  const mode = inode.permission;
  let bits: number;
  if (caller.user === inode.owner) bits = (mode >> 6) & 7;
  else if (caller.groups.has(inode.group)) bits = (mode >> 3) & 7;
  else bits = mode & 7;
  return (bits & access) === access;
}

function check(caller: Caller, iip: INodesInPath, i: number, access: number): void {
  const inode = i >= 0 ? iip.inodes[i] : null;
  if (inode && !hasPermission(caller, inode, access)) {
    throw AccessControlException(
      `Permission denied: user=${caller.user}, access=${ACTION_NAMES[access]}, inode=${describe(inode, iip.pathOf(i))}`,
    );
  }
}

/**
 * Walks the existing ancestors: each must be a directory (else ParentNotDirectoryException) and,
 * for a non-superuser, searchable (EXECUTE).
 */
function checkTraverse(caller: Caller | null, iip: INodesInPath, last: number): void {
  for (let j = 0; j <= last; j++) {
    const inode = iip.inodes[j];
    if (!inode) break;
    if (inode.type !== 'DIRECTORY') throw ParentNotDirectoryException(`${iip.pathOf(j)} (is not a directory)`);
    if (caller) check(caller, iip, j, EXECUTE);
  }
}

export interface PermissionRequest {
  owner?: boolean;
  ancestorAccess?: number;
  parentAccess?: number;
  access?: number;
  subAccess?: number;
  ignoreEmptyDir?: boolean;
}

/** FSPermissionChecker.checkPermission. The superuser passes everything but the directory checks. */
export function checkPermission(caller: Caller, iip: INodesInPath, req: PermissionRequest = {}): void {
  const inodes = iip.inodes;
  const lastIndex = inodes.length - 1;
  let ancestorIndex = inodes.length - 2;
  while (ancestorIndex >= 0 && !inodes[ancestorIndex]) ancestorIndex--;
  checkTraverse(caller.superuser ? null : caller, iip, ancestorIndex);
  if (caller.superuser) return;

  const last = inodes[lastIndex];
  if (req.parentAccess !== undefined && req.parentAccess & WRITE && inodes.length > 1 && last) {
    checkStickyBit(caller, iip, lastIndex - 1, last);
  }
  if (req.ancestorAccess !== undefined && inodes.length > 1) check(caller, iip, ancestorIndex, req.ancestorAccess);
  if (req.parentAccess !== undefined && inodes.length > 1) check(caller, iip, lastIndex - 1, req.parentAccess);
  if (req.access !== undefined) check(caller, iip, lastIndex, req.access);
  if (req.subAccess !== undefined && last && last.type === 'DIRECTORY') {
    checkSubAccess(caller, last, iip.pathOf(lastIndex), req.subAccess, req.ignoreEmptyDir ?? false);
  }
  if (req.owner) checkOwner(caller, iip, lastIndex);
}

function checkSubAccess(caller: Caller, root: DirINode, rootPath: string, access: number, ignoreEmptyDir: boolean): void {
  const stack: Array<[DirINode, string]> = [[root, rootPath]];
  while (stack.length > 0) {
    const [dir, path] = stack.pop()!;
    if (!(ignoreEmptyDir && dir.children.size === 0) && !hasPermission(caller, dir, access)) {
      throw AccessControlException(
        `Permission denied: user=${caller.user}, access=${ACTION_NAMES[access]}, inode=${describe(dir, path)}`,
      );
    }
    for (const child of dir.children.values()) {
      if (child.type === 'DIRECTORY') stack.push([child, path === '/' ? `/${child.name}` : `${path}/${child.name}`]);
    }
  }
}

export function checkOwner(caller: Caller, iip: INodesInPath, i: number): void {
  if (caller.superuser) return;
  const inode = iip.inodes[i];
  if (inode && inode.owner === caller.user) return;
  throw AccessControlException(`Permission denied. user=${caller.user} is not the owner of inode=${iip.pathOf(i)}`);
}

function checkStickyBit(caller: Caller, iip: INodesInPath, parentIndex: number, inode: INode): void {
  const parent = iip.inodes[parentIndex];
  if (!parent || !(parent.permission & 0o1000)) return;
  if (parent.owner === caller.user || inode.owner === caller.user) return;
  throw AccessControlException(
    `Permission denied by sticky bit: user=${caller.user}, path=${describe(inode, iip.pathOf(parentIndex + 1))}, parent=${describe(parent, iip.pathOf(parentIndex))}`,
  );
}

/** The rudimentary traverse check resolvePath makes for every operation. */
export function checkResolvable(caller: Caller, iip: INodesInPath): void {
  checkPermission(caller, iip, {});
}
