import { Transform, type TransformCallback } from 'node:stream';
import type { Progress } from './types.js';

const REPORT_EVERY_MS = 100;

/**
 * Calls `onProgress` at most every 100 ms while bytes move, and always once at the end,
 * so a terminal progress bar stays cheap even for millions of small chunks.
 */
export class ProgressReporter {
  private bytes = 0;
  private lastReport = 0;
  constructor(
    private readonly onProgress: ((p: Progress) => void) | undefined,
    private readonly total?: number,
    private readonly uri?: string,
  ) {}

  add(n: number): void {
    this.bytes += n;
    if (!this.onProgress) return;
    const now = Date.now();
    if (now - this.lastReport >= REPORT_EVERY_MS) {
      this.lastReport = now;
      this.emit();
    }
  }

  /** Sets the absolute count (for transfers measured by polling rather than by chunks). */
  set(n: number): void {
    this.add(n - this.bytes);
  }

  done(): void {
    if (this.onProgress) this.emit();
  }

  get transferred(): number {
    return this.bytes;
  }

  private emit(): void {
    const p: { bytes: number; total?: number; uri?: string } = { bytes: this.bytes };
    if (this.total !== undefined) p.total = this.total;
    if (this.uri !== undefined) p.uri = this.uri;
    this.onProgress?.(p);
  }
}

/** A pass-through stream that reports the bytes flowing through it. */
export function progressStream(reporter: ProgressReporter): Transform {
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      reporter.add(chunk.length);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      reporter.done();
      cb();
    },
  });
}

/** Sums progress across the files of a tree transfer into one running total. */
export class AggregateProgress {
  private readonly perFile = new Map<string, number>();
  private done = 0;
  constructor(
    private readonly onProgress: ((p: Progress) => void) | undefined,
    private readonly total?: number,
  ) {}

  /** A per-file callback that feeds the aggregate. */
  forFile(key: string): ((p: Progress) => void) | undefined {
    if (!this.onProgress) return undefined;
    return (p) => {
      this.perFile.set(key, p.bytes);
      this.emit(p.uri);
    };
  }

  fileDone(key: string, size: number): void {
    this.perFile.delete(key);
    this.done += size;
    this.emit();
  }

  private emit(uri?: string): void {
    if (!this.onProgress) return;
    let bytes = this.done;
    for (const b of this.perFile.values()) bytes += b;
    const p: { bytes: number; total?: number; uri?: string } = { bytes };
    if (this.total !== undefined) p.total = this.total;
    if (uri !== undefined) p.uri = uri;
    this.onProgress(p);
  }
}
