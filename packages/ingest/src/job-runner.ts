import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileSystemRegistry, InvalidInputError, joinUri, parentUri, relativePath, schemeOf, toUrl, type PinotFS } from '@deepstore/core';
import { compilePathMatcher, pathsForMatching, type PushOptions } from '@deepstore/push';
import { buildSegmentFromFiles, parseSchema, parseTableConfig, RowError, type PinotSchema, type TableConfig } from '@deepstore/segment';
import type { JobSpec } from './job-spec.js';

export interface RunJobOptions {
  /** Resolves every URI of the job; configured from `pinotFSSpecs` on top of what it has. */
  registry?: FileSystemRegistry;
  /** Run input files i, i+N, i+2N, ... of the sorted listing (sequence ids stay those of the whole job). */
  shard?: { index: number; count: number };
  /** Keep going after a failed input file; the report lists every failure. */
  continueOnError?: boolean;
  /** Segments built at once (default: segmentCreationJobParallelism, else the number of cores). */
  parallelism?: number;
  /** Creation time for every segment (default: now, per segment). */
  creationTime?: number;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

export interface JobProgress {
  phase: 'create' | 'push';
  filesDone: number;
  filesTotal: number;
  rows: number;
  /** The file or segment just finished. */
  last?: string;
}

export interface FileOutcome {
  input: string;
  sequenceId: number;
  status: 'built' | 'skipped' | 'failed';
  segmentName?: string;
  segmentUri?: string;
  rows?: number;
  error?: string;
}

export interface JobReport {
  files: FileOutcome[];
  pushed: Array<{ segmentUri: string; controller: string }>;
  rows: number;
  seconds: number;
}

/** The controller's own words from an error body (`{"code":404,"error":"..."}`), if any. */
function controllerMessage(body: string): string {
  try {
    const e = (JSON.parse(body) as { error?: unknown }).error;
    return typeof e === 'string' && e !== '' ? `: ${e.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

/** Fetches a JSON document: from a controller (http/https) or any registered file system. */
async function readJsonUri(uri: string, registry: FileSystemRegistry, what: string, authToken?: string, signal?: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    const scheme = schemeOf(uri);
    if (scheme === 'http' || scheme === 'https') {
      const res = await fetch(uri, { ...(signal ? { signal } : {}), headers: authToken ? { Authorization: authToken } : {} });
      text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}${controllerMessage(text)}`);
    } else {
      const fs = await registry.resolve(uri);
      const chunks: Buffer[] = [];
      for await (const c of await fs.openRead(uri, signal ? { signal } : {})) chunks.push(c as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    }
  } catch (e) {
    throw new InvalidInputError(`cannot read the ${what} ${uri}: ${(e as Error).message}`, { operation: 'ingest', cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`the ${what} ${uri} is not valid JSON: ${(e as Error).message}`, { operation: 'ingest', cause: e });
  }
}

/** Schema and table config from the tableSpec URIs, or from the first controller (as Pinot's runner does). */
export async function loadTable(spec: JobSpec, registry: FileSystemRegistry, signal?: AbortSignal): Promise<{ schemaJson: unknown; tableJson: unknown; schema: PinotSchema; table: TableConfig }> {
  const controller = spec.controllerURIs[0]?.replace(/\/+$/, '');
  const schemaUri = spec.tableSpec.schemaURI ?? `${controller}/tables/${encodeURIComponent(spec.tableSpec.tableName)}/schema`;
  const tableUri = spec.tableSpec.tableConfigURI ?? `${controller}/tables/${encodeURIComponent(spec.tableSpec.tableName)}`;
  const schemaJson = await readJsonUri(schemaUri, registry, 'schema', spec.authToken, signal);
  let tableJson = await readJsonUri(tableUri, registry, 'table config', spec.authToken, signal);
  // The controller answers GET /tables/T with {"OFFLINE": {...}} (SegmentGenerationUtils.getTableConfig).
  const t = tableJson as Record<string, unknown>;
  if (t && typeof t === 'object' && !('tableName' in t) && (t.OFFLINE || t.REALTIME)) tableJson = t.OFFLINE ?? t.REALTIME;
  const schema = parseSchema(schemaJson, schemaUri);
  const table = parseTableConfig(tableJson, schema, tableUri);
  return { schemaJson, tableJson, schema, table };
}

/** The input files of a job, sorted, with Pinot's sequence ids (per parent directory unless the global option is set). */
export async function listInputFiles(spec: JobSpec, registry: FileSystemRegistry, signal?: AbortSignal): Promise<Array<{ uri: string; sequenceId: number }>> {
  const input = spec.inputDirURI as string;
  const fs = await registry.resolve(input);
  const entries = await fs.listWithMetadata(input, { recursive: spec.searchRecursively, ...(signal ? { signal } : {}) });
  // The same Java PathMatcher emulation push uses for pushFileNamePattern, on the same path forms.
  const include = spec.includeFileNamePattern ? compilePathMatcher(spec.includeFileNamePattern) : undefined;
  const exclude = spec.excludeFileNamePattern ? compilePathMatcher(spec.excludeFileNamePattern) : undefined;
  const files = entries
    .filter((e) => !e.isDirectory)
    .map((e) => e.uri)
    .filter((uri) => {
      const paths = pathsForMatching(uri);
      return (!include || paths.some(include)) && !(exclude && paths.some(exclude));
    })
    .sort();
  const global = (spec.segmentNameGenerator?.configs['use.global.directory.sequence.id'] ?? '').toLowerCase() === 'true';
  if (global) return files.map((uri, i) => ({ uri, sequenceId: i }));
  const byDir = new Map<string, number>();
  return files.map((uri) => {
    const dir = parentUri(uri);
    const seq = byDir.get(dir) ?? 0;
    byDir.set(dir, seq + 1);
    return { uri, sequenceId: seq };
  });
}

function configureRegistry(registry: FileSystemRegistry, spec: JobSpec): void {
  const props: Record<string, string> = {};
  for (const fsSpec of spec.fileSystems) for (const [k, v] of Object.entries(fsSpec.configs)) props[`storage.factory.${fsSpec.scheme}.${k}`] = v;
  if (Object.keys(props).length > 0) registry.configure(props);
}

/** Runs `tasks` with at most `limit` at a time, in order of start. */
async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++] as T);
  });
  await Promise.all(workers);
}

/**
 * Runs a Pinot SegmentGenerationJobSpec: lists and filters the input files, builds one segment
 * per file (in parallel), writes `<outputDirURI>/<input dir relative to inputDirURI>/<segment>.tar.gz`
 * through the output scheme's adapter, and pushes them for the push job types.
 */
export async function runJob(spec: JobSpec, opts: RunJobOptions = {}): Promise<JobReport> {
  const start = Date.now();
  const ownRegistry = !opts.registry;
  const registry = opts.registry ?? new FileSystemRegistry({ importers: [(s) => import(s)] });
  configureRegistry(registry, spec);
  const signal = opts.signal;
  const report: JobReport = { files: [], pushed: [], rows: 0, seconds: 0 };
  const tmp = await mkdtemp(join(tmpdir(), 'deepstore-ingest-'));
  try {
    const creates = spec.jobType.startsWith('SegmentCreation');
    const builtUris: string[] = [];
    if (creates) {
      const { schemaJson, tableJson } = await loadTable(spec, registry, signal);
      let files = await listInputFiles(spec, registry, signal);
      const shard = opts.shard;
      if (shard) files = files.filter((_, i) => i % shard.count === shard.index);
      const outFs: PinotFS = await registry.resolve(spec.outputDirURI);
      const cores = availableParallelism();
      const limit = Math.max(1, opts.parallelism ?? (spec.segmentCreationJobParallelism > 0 ? spec.segmentCreationJobParallelism : cores));
      let done = 0;
      let failed: Error | undefined;
      await pool(files, limit, async (file) => {
        if (failed && !opts.continueOnError) return;
        signal?.throwIfAborted();
        const outcome: FileOutcome = { input: file.uri, sequenceId: file.sequenceId, status: 'failed' };
        report.files.push(outcome);
        const work = await mkdtemp(join(tmp, 'task-'));
        try {
          const local = schemeOf(file.uri) === 'file' ? fileURLToPath(toUrl(file.uri)) : join(work, 'input');
          if (schemeOf(file.uri) !== 'file') await (await registry.resolve(file.uri)).copyToLocal(file.uri, local, signal ? { signal } : {});
          const built = await buildSegmentFromFiles({
            schema: schemaJson,
            tableConfig: tableJson,
            inputs: [{ file: local, format: spec.recordReader?.format ?? 'csv', name: file.uri, ...(spec.recordReader?.csv ? { csv: spec.recordReader.csv } : {}) }],
            outDir: join(work, 'out'),
            workDir: work,
            sequenceId: file.sequenceId,
            inputFileUri: file.uri,
            customProperties: { 'input.data.file.uri': file.uri },
            ...(spec.segmentNameGenerator ? { segmentNameGenerator: spec.segmentNameGenerator } : {}),
            ...(opts.creationTime !== undefined ? { creationTime: opts.creationTime } : {}),
            // Files already run in parallel: one thread per file unless there is a single file.
            parallelism: files.length === 1 ? Math.min(2, cores) : 1,
            ...(signal ? { signal } : {}),
          });
          if (built.totalDocs === 0 && spec.failOnEmptySegment) throw new Error('the input has no rows (failOnEmptySegment)');
          const rel = relativePath(spec.inputDirURI as string, parentUri(file.uri)) ?? '';
          const target = joinUri(spec.outputDirURI, rel, `${built.segmentName}.tar.gz`);
          outcome.segmentName = built.segmentName;
          outcome.segmentUri = target;
          outcome.rows = built.totalDocs;
          if (!spec.overwriteOutput && (await outFs.exists(target, signal ? { signal } : {}))) {
            // SegmentGenerationJobRunner: an existing output segment is kept, not overwritten.
            outcome.status = 'skipped';
          } else {
            await outFs.copyFromLocal(built.tarFile, target, signal ? { signal } : {});
            outcome.status = 'built';
          }
          builtUris.push(target);
          report.rows += built.totalDocs;
        } catch (e) {
          const err = e as Error;
          outcome.error = err instanceof RowError ? err.message : `${err.message}`;
          if (!opts.continueOnError) failed ??= new InvalidInputError(`Failed to generate Pinot segment for file - ${file.uri}: ${err.message}`, { operation: 'ingest', cause: e });
        } finally {
          await rm(work, { recursive: true, force: true });
          done++;
          opts.onProgress?.({ phase: 'create', filesDone: done, filesTotal: files.length, rows: report.rows, last: file.uri });
        }
      });
      if (failed) throw failed;
    }

    if (spec.jobType !== 'SegmentCreation') {
      // Loaded only for push jobs.
      const { listSegmentsToPush, pushMetadataSegments, pushTarSegments, pushUriSegments } = await import('@deepstore/push');
      const segments = creates ? builtUris.sort() : await listSegmentsToPush(spec.outputDirURI, { registry, ...(spec.push.pushFileNamePattern ? { pushFileNamePattern: spec.push.pushFileNamePattern } : {}) });
      const pushOpts: PushOptions = {
        controllerUris: spec.controllerURIs,
        tableName: spec.tableSpec.tableName,
        pushAttempts: spec.push.pushAttempts,
        pushRetryIntervalMillis: spec.push.pushRetryIntervalMillis,
        pushParallelism: spec.push.pushParallelism,
        ...(spec.push.segmentUriPrefix !== undefined ? { segmentUriPrefix: spec.push.segmentUriPrefix } : {}),
        ...(spec.push.segmentUriSuffix !== undefined ? { segmentUriSuffix: spec.push.segmentUriSuffix } : {}),
        copyToDeepStore: spec.push.copyToDeepStoreForMetadataPush,
        ...(spec.authToken ? { authToken: spec.authToken } : {}),
        registry,
        ...(signal ? { signal } : {}),
      };
      const kind = spec.jobType.endsWith('TarPush') ? 'tar' : spec.jobType.endsWith('UriPush') ? 'uri' : 'metadata';
      const results = kind === 'tar' ? await pushTarSegments(segments, pushOpts) : kind === 'uri' ? await pushUriSegments(segments, pushOpts) : await pushMetadataSegments(segments, pushOpts);
      for (const r of results) report.pushed.push({ segmentUri: r.segmentUri, controller: r.controllerUri });
      opts.onProgress?.({ phase: 'push', filesDone: segments.length, filesTotal: segments.length, rows: report.rows });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
    if (ownRegistry) await registry.close();
    report.seconds = (Date.now() - start) / 1000;
  }
  return report;
}
