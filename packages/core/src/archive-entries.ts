import path from 'node:path';

/**
 * Why a tar entry must not be extracted, or undefined when it is safe: only plain files and
 * directories, with relative paths that never climb out (`..`), and no NUL. Shared by segment
 * extraction and the segment fetchers' streamed untar.
 */
export function unsafeEntryReason(entryPath: string, type: string): string | undefined {
  if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile' && type !== 'Directory') {
    return `entry type ${type} is not allowed (only files and directories)`;
  }
  if (entryPath.includes('\0')) return 'path contains NUL';
  if (path.posix.isAbsolute(entryPath) || path.win32.isAbsolute(entryPath) || /^[a-zA-Z]:/.test(entryPath)) return 'absolute path';
  if (entryPath.split(/[\\/]+/).includes('..')) return "path contains '..'";
  return undefined;
}
