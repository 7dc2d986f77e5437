import type { Progress } from '@deepstore/core';

/** Where the bar is drawn: a terminal (stderr). */
export interface TerminalStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressBarOptions {
  /** Nothing is drawn before the transfer has run this long, so quick copies stay silent (default 500 ms). */
  delayMs?: number;
  /** Minimum time between redraws (default 100 ms: at most ~10 redraws a second). */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Rate is measured over this window, so it follows the current speed rather than the average. */
const RATE_WINDOW_MS = 5000;
const CLEAR_LINE = '\r\x1b[K';

/**
 * A one-line progress bar for a terminal: percentage, bar, bytes done / total, rate and time
 * left. Feed it core's `onProgress` reports; call `finish()` at the end (also on failure), which
 * erases the line so the terminal is left as it was.
 */
export class ProgressBar {
  private readonly start: number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  private drawn = false;
  private finished = false;
  private samples: Array<{ t: number; bytes: number }> = [];

  constructor(
    private readonly stream: TerminalStream,
    options: ProgressBarOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.delayMs = options.delayMs ?? 500;
    this.intervalMs = options.intervalMs ?? 100;
    this.start = this.now();
  }

  /** Records a progress report and redraws if enough time has passed. */
  update(progress: Progress): void {
    if (this.finished) return;
    const t = this.now();
    this.samples.push({ t, bytes: progress.bytes });
    while (this.samples.length > 2 && t - (this.samples[0]?.t ?? t) > RATE_WINDOW_MS) this.samples.shift();
    if (t - this.start < this.delayMs || t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    this.drawn = true;
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 80;
    const line = renderProgressLine({ bytes: progress.bytes, total: progress.total, bytesPerSecond: this.rate() }, columns);
    this.stream.write(`${CLEAR_LINE}${line}`);
  }

  /** Erases the bar (if it was ever drawn); later updates are ignored. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.drawn) this.stream.write(CLEAR_LINE);
  }

  /** True once something has been drawn. */
  get visible(): boolean {
    return this.drawn && !this.finished;
  }

  private rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t - first.t < 50) return undefined;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}

export interface ProgressLineState {
  bytes: number;
  total?: number | undefined;
  bytesPerSecond?: number | undefined;
}

/**
 * The text of the bar, fitted into `columns - 1` characters (the last column is left free so
 * the terminal never wraps):
 * ` 42% [=========>            ] 12.0 MiB / 28.6 MiB  3.1 MiB/s  ETA 0:05`
 * Without a known total: `12.0 MiB  3.1 MiB/s`.
 */
export function renderProgressLine(state: ProgressLineState, columns: number): string {
  const width = Math.max(columns - 1, 20);
  const rate = state.bytesPerSecond !== undefined && Number.isFinite(state.bytesPerSecond) ? `${formatBytes(state.bytesPerSecond)}/s` : '';
  if (state.total === undefined || state.total <= 0) {
    return fit([formatBytes(state.bytes), rate].filter(Boolean).join('  '), width);
  }
  const fraction = Math.min(Math.max(state.bytes / state.total, 0), 1);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const amounts = `${formatBytes(state.bytes)} / ${formatBytes(state.total)}`;
  const remaining = state.total - state.bytes;
  const eta = state.bytesPerSecond && state.bytesPerSecond > 0 && remaining > 0 ? `ETA ${formatDuration(remaining / state.bytesPerSecond)}` : '';
  const tail = [amounts, rate, eta].filter(Boolean).join('  ');
  const barWidth = width - percent.length - tail.length - 4; // " [" + "] "
  if (barWidth < 10) return fit(`${percent} ${tail}`, width);
  const filled = Math.floor(fraction * barWidth);
  const bar = fraction >= 1 ? '='.repeat(barWidth) : `${'='.repeat(filled)}>${' '.repeat(barWidth - filled - 1)}`;
  return `${percent} [${bar}] ${tail}`;
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `12.3 MiB`, `4.0 GiB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '? B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `m:ss`, or `h:mm:ss` past an hour. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width);
}
