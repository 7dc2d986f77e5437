import type { Writable } from 'node:stream';
import { NotFoundError, isErrorKind, type FileSystemRegistry, type PinotFS, type Progress } from '@deepstore/core';
import { ProgressBar } from './progress-bar.js';

/** An output stream: process.stdout / process.stderr, or a test double. */
export type OutputStream = Writable & { readonly isTTY?: boolean; readonly columns?: number };

export interface Io {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: NodeJS.ProcessEnv;
}

/** A progress callback for one transfer and the function that removes its bar. */
export interface ProgressSink {
  readonly onProgress: (p: Progress) => void;
  finish(): void;
}

/** What every command gets: the registry, the abort signal, the streams, the global options. */
export interface CommandContext {
  readonly registry: FileSystemRegistry;
  readonly signal: AbortSignal;
  readonly io: Io;
  readonly quiet: boolean;
  /** True once stdout has failed with EPIPE (the reader went away, e.g. `| head`). */
  stdoutClosed(): boolean;
}

/** The filesystem serving a URI's scheme. */
export function fsFor(ctx: CommandContext, uri: string): Promise<PinotFS> {
  return ctx.registry.resolve(uri);
}

/**
 * A progress bar on stderr for transfers, or undefined when there must be none
 * (--quiet, or stderr is not a terminal).
 */
export function progressSink(ctx: CommandContext): ProgressSink | undefined {
  if (ctx.quiet || ctx.io.stderr.isTTY !== true) return undefined;
  const bar = new ProgressBar(ctx.io.stderr);
  return { onProgress: (p) => bar.update(p), finish: () => bar.finish() };
}

/** Writes to stdout and resolves once everything written so far has been handed to the OS. */
export async function writeOut(ctx: CommandContext, text: string): Promise<void> {
  if (ctx.stdoutClosed()) return;
  await new Promise<void>((resolve) => {
    // Errors (EPIPE) are reported on the stream's 'error' event, which main() watches.
    ctx.io.stdout.write(text, () => resolve());
  });
}

/**
 * Reports a missing entry against the command the user typed (`ls x: no such file...`)
 * rather than the adapter call that found it missing (`stat x: ...`).
 */
export function missingAs(operation: string, uri: string): (err: unknown) => never {
  return (err) => {
    if (isErrorKind(err, 'NotFound')) throw new NotFoundError('no such file or directory', { operation, uri, cause: err });
    throw err;
  };
}
