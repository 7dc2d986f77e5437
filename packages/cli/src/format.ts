import type { FileMetadata } from '@deepstore/core';

/** An entry as printed with --json: always these four keys, in this order. */
export interface JsonEntry {
  uri: string;
  isDirectory: boolean;
  length: number;
  lastModified: number;
}

/** Width of the ISO timestamp column (`2026-11-27T09:00:00.000Z`). */
const TIME_WIDTH = 24;
/** Minimum width of the size column; it grows when a size needs more. */
const MIN_SIZE_WIDTH = 9;

export function toJsonEntry(meta: FileMetadata): JsonEntry {
  return { uri: meta.uri, isDirectory: meta.isDirectory, length: meta.length, lastModified: meta.lastModified };
}

/** `ls --json`: `{"uri": ..., "entries": [...]}`, pretty-printed, with a final newline. */
export function listingJson(uri: string, entries: readonly FileMetadata[]): string {
  return `${JSON.stringify({ uri, entries: entries.map(toJsonEntry) }, null, 2)}\n`;
}

/** `stat --json`: one entry object, pretty-printed, with a final newline. */
export function statJson(meta: FileMetadata): string {
  return `${JSON.stringify(toJsonEntry(meta), null, 2)}\n`;
}

/**
 * Human listing, one line per entry:
 * `<type> <size> <mtime> <uri>` where type is `d` (directory) or `-` (file), the size is in
 * bytes, right-aligned (all rows share the width of the widest size, at least 9), the mtime is
 * ISO 8601 UTC (`-` padded to the same width when the store keeps none), and the URI is the
 * entry's full percent-encoded URI, which can be passed back to any command.
 */
export function listingText(entries: readonly FileMetadata[]): string {
  if (entries.length === 0) return '';
  const sizeWidth = Math.max(MIN_SIZE_WIDTH, ...entries.map((e) => String(e.length).length));
  return entries.map((e) => `${entryLine(e, sizeWidth)}\n`).join('');
}

/** `stat`: the same line as `ls` prints for the entry. */
export function statText(meta: FileMetadata): string {
  return `${entryLine(meta, Math.max(MIN_SIZE_WIDTH, String(meta.length).length))}\n`;
}

function entryLine(e: FileMetadata, sizeWidth: number): string {
  return `${e.isDirectory ? 'd' : '-'} ${String(e.length).padStart(sizeWidth)} ${formatTime(e.lastModified)} ${e.uri}`;
}

/** ISO 8601 UTC, or `-` (padded to the same width) for 0 / unknown. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '-'.padEnd(TIME_WIDTH);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '-'.padEnd(TIME_WIDTH) : d.toISOString();
}

/** Collapses an error message onto one line. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
