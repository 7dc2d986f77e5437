/**
 * Worker for fuzz-reader.test.ts: opens one (mutated) segment directory with the BUILT reader
 * (dist/, so a worker thread can load it without a TypeScript loader), reads everything it can,
 * and posts what happened. Runs in a worker so the parent can enforce a per-case timeout with
 * terminate() even when the reader is stuck in a synchronous loop, and can survive an OOM.
 */
import { parentPort } from 'node:worker_threads';

const { openSegment } = await import(new URL('../../dist/segment-reader.js', import.meta.url).href);

function describeError(op, err) {
  const e = err instanceof Error ? err : undefined;
  return { op, isError: e !== undefined, name: e ? e.name : typeof err, message: e ? e.message : String(err) };
}

async function exercise(dir) {
  const errors = [];
  const attempt = async (op, fn) => {
    try {
      await fn();
    } catch (err) {
      errors.push(describeError(op, err));
    }
  };
  let reader;
  await attempt('open', async () => {
    reader = await openSegment(dir);
  });
  if (reader) {
    try {
      await attempt('verifyCrc', () => reader.verifyCrc());
      for (const col of reader.columns) {
        await attempt(`values(${col.name})`, () => reader.values(col.name));
        if (col.hasDictionary) await attempt(`dictionary(${col.name})`, () => reader.dictionary(col.name));
        await attempt(`nullDocIds(${col.name})`, () => reader.nullDocIds(col.name));
        await attempt(`invertedIndex(${col.name})`, async () => {
          if (await reader.hasIndex(col.name, 'inverted_index')) await reader.invertedIndex(col.name);
        });
      }
    } finally {
      await attempt('close', () => reader.close());
    }
  }
  return errors;
}

parentPort.on('message', async ({ id, dir }) => {
  const m0 = process.memoryUsage();
  let peak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.arrayBuffers + m.heapUsed - (m0.arrayBuffers + m0.heapUsed));
  };
  const timer = setInterval(sample, 5);
  const errors = await exercise(dir);
  clearInterval(timer);
  sample();
  parentPort.postMessage({ id, errors, growth: peak });
});
