import type { Readable, Writable } from 'node:stream';

/** A URI as a string (`s3://b/k`, `file:///x`, or a plain local path) or a WHATWG URL. */
export type UriLike = string | URL;

/** Adapter settings, as Pinot passes them: flat string keys (`region`, `accessKey`, ...). */
export type FsConfig = Readonly<Record<string, string | number | boolean | undefined>>;

/** Bytes moved so far; `total` when the size is known in advance. */
export interface Progress {
  readonly bytes: number;
  readonly total?: number;
  /** The URI being transferred (credentials stripped), for multi-file operations. */
  readonly uri?: string;
}

export interface OperationOptions {
  signal?: AbortSignal;
}

export interface TransferOptions extends OperationOptions {
  /** Called as bytes move; at most a few times a second for large transfers. */
  onProgress?: (progress: Progress) => void;
}

export interface DeleteOptions extends OperationOptions {
  /** Delete a non-empty directory and everything under it. Without it, a non-empty directory is refused. */
  force?: boolean;
}

export interface MoveOptions extends TransferOptions {
  /** Replace an existing destination. Without it, an existing destination is refused. */
  overwrite?: boolean;
}

export interface CopyOptions extends TransferOptions {
  /** Replace an existing destination (default true, as Pinot's copyDir does). */
  overwrite?: boolean;
}

export interface ListOptions extends OperationOptions {
  recursive?: boolean;
}

export interface ReadOptions extends OperationOptions {
  /** First byte to read (default 0). */
  offset?: number;
  /** Number of bytes to read from `offset` (default: to the end). */
  length?: number;
}

export interface WriteOptions extends TransferOptions {
  /** Size of the data when known: enables progress totals and lets adapters pick an upload strategy. */
  size?: number;
  /** Replace an existing file (default true). With false, an existing file is refused. */
  overwrite?: boolean;
}

/** One entry of a listing or a stat. */
export interface FileMetadata {
  /** Full URI of the entry, percent-encoded, without a trailing slash. */
  readonly uri: string;
  readonly isDirectory: boolean;
  /** Size in bytes; 0 for directories. */
  readonly length: number;
  /** Milliseconds since the epoch; 0 where the store keeps none (e.g. prefix directories). */
  readonly lastModified: number;
}

/**
 * What an adapter can do. The conformance suite runs or skips tests by these flags,
 * so they must be honest: a flag that claims too much fails the suite.
 */
export interface Capabilities {
  /** Can read files (openRead, copyToLocal). */
  readonly read: boolean;
  /** Can create, replace and delete files and directories. */
  readonly write: boolean;
  /** Can list directories. */
  readonly list: boolean;
  /** Reads honour offset/length on the server side rather than by skipping bytes. */
  readonly rangedRead: boolean;
  /** A reader never observes a partially written file (temp + rename, or an object PUT). */
  readonly atomicWrite: boolean;
  /** `move` is one atomic rename; false means copy + delete. */
  readonly atomicRename: boolean;
  /** `copy` happens inside the store, without streaming the bytes through this process. */
  readonly serverSideCopy: boolean;
  /** The store lists a whole tree in one request stream (object stores) rather than by walking. */
  readonly nativeRecursiveList: boolean;
  /** Empty directories exist on their own (true for disks; object stores emulate them with markers). */
  readonly emptyDirectories: boolean;
  /** `touch` on an existing file moves its lastModified to now. */
  readonly touchUpdatesMtime: boolean;
}

/**
 * The deep-store filesystem, after Pinot's PinotFS: every operation takes URIs and is async.
 * Semantics are Pinot's, made strict where Pinot is loose (see the core README):
 * refusals throw typed errors instead of returning false.
 */
export interface PinotFS {
  /** URI schemes this instance serves (e.g. `['s3', 's3a', 's3n']`). */
  readonly schemes: readonly string[];
  readonly capabilities: Capabilities;

  /** Applies settings; called once before any other operation. */
  init(config: FsConfig): Promise<void>;

  /** Creates the directory and its missing parents; a no-op if it exists. Fails if a file is in the way. */
  mkdir(uri: UriLike, options?: OperationOptions): Promise<void>;

  /**
   * Deletes a file or a directory. Returns false if nothing was there.
   * A non-empty directory needs `force`; without it NotEmptyError is thrown and nothing is deleted.
   */
  delete(uri: UriLike, options?: DeleteOptions): Promise<boolean>;

  /**
   * Moves a file or a directory to `dst` (the full target path). Missing parents of `dst` are created.
   * The source must exist; an existing `dst` needs `overwrite`.
   */
  move(src: UriLike, dst: UriLike, options?: MoveOptions): Promise<void>;

  /** Copies a file, or a directory with everything under it, to `dst` (the full target path). */
  copy(src: UriLike, dst: UriLike, options?: CopyOptions): Promise<void>;

  /** Downloads a file or a directory tree to a local path. */
  copyToLocal(src: UriLike, localPath: string, options?: TransferOptions): Promise<void>;

  /** Uploads a local file or directory tree to `dst`. */
  copyFromLocal(localPath: string, dst: UriLike, options?: TransferOptions): Promise<void>;

  exists(uri: UriLike, options?: OperationOptions): Promise<boolean>;

  /** Size of a file in bytes. Fails on a directory (InvalidInputError) or a missing file (NotFoundError). */
  length(uri: UriLike, options?: OperationOptions): Promise<number>;

  /** Metadata of one entry; NotFoundError if missing. */
  stat(uri: UriLike, options?: OperationOptions): Promise<FileMetadata>;

  /** URIs of the entries under a directory (never the directory itself), sorted. */
  list(uri: UriLike, options?: ListOptions): Promise<string[]>;

  /** Entries under a directory with their metadata, sorted by URI. */
  listWithMetadata(uri: UriLike, options?: ListOptions): Promise<FileMetadata[]>;

  /** Last modification time in ms since the epoch; NotFoundError if missing. */
  lastModified(uri: UriLike, options?: OperationOptions): Promise<number>;

  /** Sets a file's modification time to now, creating an empty file (and parents) if it is missing. */
  touch(uri: UriLike, options?: OperationOptions): Promise<void>;

  /** True for a directory, false for a file or nothing. */
  isDirectory(uri: UriLike, options?: OperationOptions): Promise<boolean>;

  /** Opens a file for reading, optionally a byte range. Errors (missing, directory) are thrown before the stream is returned. */
  openRead(uri: UriLike, options?: ReadOptions): Promise<Readable>;

  /**
   * Writes a file from a stream, buffer or async iterable, creating missing parents.
   * The file appears whole or not at all: on error or abort nothing is left at `uri`
   * (and an existing file there is kept as it was).
   */
  write(uri: UriLike, data: WriteSource, options?: WriteOptions): Promise<void>;

  /** A writable stream onto `uri` with the same all-or-nothing guarantee as `write`; the file appears when the stream finishes. */
  openWrite(uri: UriLike, options?: WriteOptions): Writable;

  /** Releases connections and other resources. */
  close(): Promise<void>;
}

export type WriteSource = Readable | AsyncIterable<Uint8Array> | Uint8Array | string;

/** How a plugin module exposes its filesystem: a class with a no-argument constructor, then `init(config)`. */
export type PinotFSConstructor = new () => PinotFS;
