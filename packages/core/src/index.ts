export type {
  Capabilities,
  CopyOptions,
  DeleteOptions,
  FileMetadata,
  FsConfig,
  ListOptions,
  MoveOptions,
  OperationOptions,
  PinotFS,
  PinotFSConstructor,
  Progress,
  ReadOptions,
  TransferOptions,
  UriLike,
  WriteOptions,
  WriteSource,
} from './types.js';
export {
  AbortedError,
  AlreadyExistsError,
  DeepstoreError,
  InvalidInputError,
  NotEmptyError,
  NotFoundError,
  PermissionDeniedError,
  PluginNotInstalledError,
  TransientError,
  UnsupportedError,
  asAbortedIfSignalled,
  isDeepstoreError,
  isErrorKind,
  throwIfAborted,
  type ErrorContext,
  type ErrorKind,
} from './errors.js';
export { fromNodeError } from './node-errors.js';
export {
  baseName,
  decodedPath,
  encodeSegment,
  isSameOrUnder,
  joinUri,
  parentUri,
  redactUri,
  relativePath,
  sameUri,
  schemeOf,
  toUrl,
  uriFromPath,
  withoutTrailingSlash,
} from './uri.js';
export { BaseFileSystem, DEFAULT_TREE_CONCURRENCY, signalOf, walkLocal, type DownloadFileOptions } from './base-filesystem.js';
export { LOCAL_CHUNK, knownSize, retryLocalUpload, syncDir, tempSibling, toReadable, writeFileAtomic, type AtomicWriteOptions } from './local-files.js';
export { AggregateProgress, ProgressReporter, progressStream } from './progress.js';
export { Semaphore, forEachLimit } from './concurrency.js';
export {
  BUILTIN_SCHEMES,
  FileSystemRegistry,
  defaultRegistry,
  importFrom,
  isMissing,
  resolveFileSystem,
  type FsFactory,
  type ModuleImporter,
  type RegistryOptions,
} from './registry.js';
export { copyAcross, type CopyAcrossOptions } from './transfer.js';
export { PartReader } from './part-reader.js';
export { addImplicitParents, parseUri, validateRange } from './checks.js';
export { md5Verifier, resumingChunks, resumingRead, type ContentVerifier, type ResumingChunks, type ResumingReadOptions } from './resuming-read.js';
export { withRetry, type RetryOptions } from './retry.js';
export { rangedDownload, type RangedDownloadOptions } from './ranged-download.js';
export { readBool, readInt } from './settings.js';
export * from './archive-entries.js';
