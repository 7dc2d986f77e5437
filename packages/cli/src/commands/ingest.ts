import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '@deepstore/core';
import { parseJobSpec, renderTemplate, runJob, type JobReport } from '@deepstore/ingest';
import { writeOut, type CommandContext } from '../context.js';

export interface IngestOptions {
  shard?: string;
  continueOnError?: boolean;
  values?: string[];
  parallelism?: string;
  json?: boolean;
}

/**
 * `ingest JOB.yaml`: runs a Pinot SegmentGenerationJobSpec (`jobType` SegmentCreation and the
 * push variants). Progress (files and rows) shows on a terminal; a summary goes to stdout.
 */
export async function ingest(ctx: CommandContext, jobFile: string, opts: IngestOptions): Promise<void> {
  const values: Record<string, string> = {};
  for (const v of opts.values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new InvalidInputError(`--values takes name=value, got ${JSON.stringify(v)}`, { operation: 'ingest' });
    values[v.slice(0, eq)] = v.slice(eq + 1);
  }
  let text: string;
  try {
    text = await readFile(jobFile, 'utf8');
  } catch (e) {
    throw new InvalidInputError(`cannot read the job spec ${jobFile}: ${(e as Error).message}`, { operation: 'ingest', cause: e });
  }
  const spec = parseJobSpec(renderTemplate(text, values, jobFile), jobFile);
  let shard: { index: number; count: number } | undefined;
  if (opts.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(opts.shard);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || count < 1 || index >= count) throw new InvalidInputError(`--shard must be i/N with 0 <= i < N, got ${JSON.stringify(opts.shard)}`, { operation: 'ingest' });
    shard = { index, count };
  }
  const parallelism = opts.parallelism === undefined ? undefined : Number(opts.parallelism);
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism >= 1)) throw new InvalidInputError(`--parallelism must be a positive integer, got ${opts.parallelism}`, { operation: 'ingest' });
  const tty = !ctx.quiet && ctx.io.stderr.isTTY === true;
  let lastDraw = 0;
  const report: JobReport = await runJob(spec, {
    registry: ctx.registry,
    signal: ctx.signal,
    ...(shard ? { shard } : {}),
    ...(parallelism !== undefined ? { parallelism } : {}),
    continueOnError: opts.continueOnError === true,
    onProgress: (p) => {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100 && p.filesDone < p.filesTotal) return;
      lastDraw = now;
      ctx.io.stderr.write(`\r\x1b[K${p.phase === 'create' ? 'building' : 'pushing'} ${p.filesDone}/${p.filesTotal} files, ${p.rows.toLocaleString('en-US')} rows`);
    },
  });
  if (tty) ctx.io.stderr.write('\r\x1b[K');
  const failed = report.files.filter((f) => f.status === 'failed');
  if (opts.json) {
    await writeOut(ctx, `${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = report.files.map((f) => `${f.status.padEnd(7)} ${f.input}${f.segmentUri ? ` -> ${f.segmentUri} (${f.rows ?? 0} rows)` : ''}${f.error ? `: ${f.error}` : ''}`);
    for (const p of report.pushed) lines.push(`pushed  ${p.segmentUri} to ${p.controller}`);
    const built = report.files.filter((f) => f.status === 'built').length;
    const skipped = report.files.filter((f) => f.status === 'skipped').length;
    lines.push(`${report.files.length} files: ${built} built, ${skipped} skipped (already there), ${failed.length} failed; ${report.rows.toLocaleString('en-US')} rows; ${report.pushed.length} pushes; ${report.seconds.toFixed(1)} s`);
    await writeOut(ctx, `${lines.join('\n')}\n`);
  }
  if (failed.length > 0) {
    throw new InvalidInputError(`${failed.length} of ${report.files.length} input files failed: ${failed.map((f) => f.input).join(', ')}`, { operation: 'ingest' });
  }
}
