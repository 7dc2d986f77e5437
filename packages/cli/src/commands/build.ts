import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlreadyExistsError, InvalidInputError, baseName, joinUri, schemeOf, toUrl } from '@deepstore/core';
import { buildSegmentFromFiles, inputFormatOf, RowError, SchemaError, TableConfigError } from '@deepstore/segment';
import { fsFor, progressSink, writeOut, type CommandContext } from '../context.js';

export interface BuildCommandOptions {
  schema: string;
  tableConfig: string;
  input: string[];
  format?: string;
  out: string;
  segmentName?: string;
  sequenceId?: string;
  overwrite?: boolean;
  creationTime?: string;
}

type Format = 'csv' | 'json' | 'avro';

/** The input format named by --format or by the file name (ignoring a trailing .gz). */
export function formatOf(file: string, explicit: string | undefined): Format {
  if (explicit !== undefined) {
    const f = explicit.toLowerCase();
    if (f === 'csv' || f === 'json' || f === 'avro') return f;
    throw new InvalidInputError(`--format must be csv, json or avro, got ${JSON.stringify(explicit)}`, { operation: 'build' });
  }
  const format = inputFormatOf(file);
  if (format) return format;
  throw new InvalidInputError(`cannot tell the format of ${file} from its name: pass --format csv|json|avro`, { operation: 'build' });
}

async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidInputError(`cannot read the ${what} ${file}: ${(err as Error).message}`, { operation: 'build', cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`the ${what} ${file} is not valid JSON: ${(err as Error).message}`, { operation: 'build', cause: err });
  }
}

/**
 * `build --schema S --table-config T --input FILE_OR_URI... --out DIR_URI`: one Pinot segment
 * from CSV, JSON or Avro input. Inputs on other schemes are fetched first; the tarball is built
 * locally and then put to `<out>/<segmentName>.tar.gz` through the out URI's adapter. The URI of
 * the tarball is the last line of stdout.
 */
export async function build(ctx: CommandContext, opts: BuildCommandOptions): Promise<void> {
  if (opts.input.length === 0) throw new InvalidInputError('--input is required', { operation: 'build' });
  const schema = await readJsonFile(opts.schema, 'schema');
  const tableConfig = await readJsonFile(opts.tableConfig, 'table config');
  const sequenceId = opts.sequenceId === undefined ? 0 : Number(opts.sequenceId);
  if (!Number.isInteger(sequenceId) || sequenceId < -1) throw new InvalidInputError(`--sequence-id must be an integer >= -1, got ${opts.sequenceId}`, { operation: 'build' });
  const creationTime = opts.creationTime === undefined ? Date.now() : Number(opts.creationTime);
  if (!Number.isSafeInteger(creationTime) || creationTime < 0) throw new InvalidInputError(`--creation-time must be epoch milliseconds, got ${opts.creationTime}`, { operation: 'build' });

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'deepstore-build-'));
  const progress = progressSink(ctx);
  try {
    // Inputs: local paths as they are, other schemes fetched into the temp dir.
    const inputs: Array<{ file: string; name: string; format: Format }> = [];
    for (const [i, input] of opts.input.entries()) {
      const format = formatOf(input, opts.format);
      if (schemeOf(input) === 'file') {
        inputs.push({ file: fileURLToPath(toUrl(input)), name: input, format });
      } else {
        const fs = await fsFor(ctx, input);
        const local = path.join(tmp, `input-${i}-${baseName(input) || 'data'}`);
        await fs.copyToLocal(input, local, { signal: ctx.signal });
        inputs.push({ file: local, name: input, format });
      }
    }
    let total = 0;
    for (const inp of inputs) total += (await stat(inp.file)).size;

    const outIsLocal = schemeOf(opts.out) === 'file';
    const localOut = outIsLocal ? fileURLToPath(toUrl(opts.out)) : path.join(tmp, 'out');
    const built = await buildSegmentFromFiles({
      schema,
      tableConfig,
      schemaSource: opts.schema,
      tableConfigSource: opts.tableConfig,
      inputs: inputs.map((i) => ({ file: i.file, format: i.format, name: i.name })),
      outDir: localOut,
      workDir: tmp,
      creationTime,
      overwrite: opts.overwrite === true,
      signal: ctx.signal,
      sequenceId,
      ...(opts.segmentName !== undefined ? { segmentName: opts.segmentName } : {}),
      ...(inputs.length === 1 ? { inputFileUri: inputs[0]?.name } : {}),
      ...(progress ? { onProgress: (p: { bytes: number }) => progress.onProgress({ bytes: p.bytes, total }) } : {}),
    }).catch((err: unknown) => {
      if (err instanceof RowError || err instanceof SchemaError || err instanceof TableConfigError) {
        throw new InvalidInputError((err as Error).message, { operation: 'build', cause: err });
      }
      throw err;
    });

    let uri: string;
    if (outIsLocal) {
      uri = built.tarFile;
    } else {
      const target = joinUri(opts.out, `${built.segmentName}.tar.gz`);
      const fs = await fsFor(ctx, target);
      if (!opts.overwrite && (await fs.exists(target, { signal: ctx.signal }))) {
        throw new AlreadyExistsError('segment already exists (use --overwrite to replace it)', { operation: 'build', uri: target });
      }
      await fs.copyFromLocal(built.tarFile, target, { signal: ctx.signal });
      uri = target;
    }
    progress?.finish();
    await writeOut(ctx, `segment ${built.segmentName}: ${built.totalDocs} docs, ${built.columns.length} columns, crc ${built.crc}\n${uri}\n`);
  } finally {
    progress?.finish();
    await rm(tmp, { recursive: true, force: true });
  }
}
