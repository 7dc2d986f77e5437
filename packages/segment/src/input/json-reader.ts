import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export interface JsonReaderOptions {
  signal?: AbortSignal;
}

/** Integers beyond 2^53 keep their exact value as bigint (JSON.parse source text access). */
function reviver(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
    return BigInt(context.source);
  }
  return value;
}

/**
 * Records of a JSON file as Pinot's JSONRecordReader reads them (Jackson readValues): a stream
 * of top-level objects, newline-delimited or not, or one top-level array of objects. Streamed
 * value by value, so a file's size never matters; a bad value names its byte offset.
 */
export async function* readJson(source: string | Readable, opts: JsonReaderOptions = {}): AsyncGenerator<Record<string, unknown>> {
  const input = typeof source === 'string' ? createReadStream(source, opts.signal ? { signal: opts.signal } : {}) : source;
  const name = typeof source === 'string' ? source : 'JSON input';
  let buf = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let arrayMode: boolean | undefined;
  let consumed = 0; // characters before buf[0]
  let index = 0;
  let pos = 0; // next character of buf to scan
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    // One decoder for the whole stream: a character split across chunks stays one character.
    buf += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let i = pos;
    for (; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) {
        inString = true;
        if (depth === 0 && start < 0) throw new Error(`${name}: expected a JSON object at character ${consumed + i}, found a string`);
        continue;
      }
      if (c === 0x7b || c === 0x5b) {
        if (depth === 0 && c === 0x5b && arrayMode === undefined) {
          arrayMode = true;
          continue;
        }
        if (depth === 0) start = i;
        arrayMode ??= false;
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (depth === 0 && c === 0x5d && arrayMode) continue;
        depth--;
        if (depth === 0) {
          const text = buf.slice(start, i + 1);
          let value: unknown;
          try {
            value = JSON.parse(text, reviver as (k: string, v: unknown) => unknown);
          } catch (e) {
            throw new Error(`${name}: record ${index + 1} (character ${consumed + start}) is not valid JSON: ${(e as Error).message}`, { cause: e });
          }
          if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            throw new Error(`${name}: record ${index + 1} (character ${consumed + start}) is not a JSON object`);
          }
          index++;
          yield value as Record<string, unknown>;
          start = -1;
        }
      } else if (depth === 0 && !(c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0xfeff)) {
        throw new Error(`${name}: unexpected ${JSON.stringify(buf[i])} at character ${consumed + i} between records`);
      }
    }
    // Keep only the unfinished record.
    const keepFrom = start < 0 ? buf.length : start;
    consumed += keepFrom;
    buf = buf.slice(keepFrom);
    pos = buf.length;
    if (start >= 0) start = 0;
  }
  if (depth !== 0 || inString) throw new Error(`${name}: ends inside record ${index + 1}`);
}
