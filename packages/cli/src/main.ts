import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FileSystemRegistry, isErrorKind } from '@deepstore/core';
import { applyConfig, parseConfigArgument, readConfigFile, type ConfigSetting } from './config.js';
import type { CommandContext, Io, OutputStream } from './context.js';
import { oneLine } from './format.js';
import { cat } from './commands/cat.js';
import type { InspectOptions } from './commands/inspect.js';
import type { BuildCommandOptions } from './commands/build.js';
import type { IngestOptions } from './commands/ingest.js';
import { ls, stat } from './commands/list.js';
import { mkdir, rm } from './commands/remove.js';
import { cp, mv } from './commands/transfer.js';

/** Exit codes of the deepstore command. */
export const EXIT = Object.freeze({ OK: 0, ERROR: 1, USAGE: 2, SIGINT: 130, SIGTERM: 143 });

export interface MainOptions {
  stdout?: OutputStream;
  stderr?: OutputStream;
  env?: NodeJS.ProcessEnv;
  /** Abort the running operation on SIGINT / SIGTERM (default true). */
  handleSignals?: boolean;
}

type GlobalOptions = {
  quiet?: boolean;
  config?: ConfigSetting[];
  configFile?: string[];
};

type Run = (ctx: CommandContext) => Promise<void>;

/**
 * Runs the deepstore command line and resolves to the exit code: 0 success, 1 error (one line
 * on stderr), 2 usage error, 130 interrupted (SIGINT; 143 for SIGTERM). `argv` is as in
 * process.argv (node, script, args...). Never throws and never calls process.exit.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io: Io = { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr, env: options.env ?? process.env };
  const debug = io.env.DEEPSTORE_DEBUG === '1';
  const controller = new AbortController();
  let interruptCode: number | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT;
    // A second signal means "now": the operation did not stop in time.
    if (interruptCode !== undefined) process.exit(code);
    interruptCode = code;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  let stdoutClosed = false;
  const onStdoutError = (err: Error): void => {
    // The reader went away (`deepstore cat x | head`): not an error of ours.
    if ((err as { code?: unknown }).code === 'EPIPE') stdoutClosed = true;
  };
  io.stdout.on('error', onStdoutError);

  // Plugins are imported from this package, so the adapters installed with the CLI are found.
  const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
  let pending: Run | undefined;
  let globals: GlobalOptions = {};
  try {
    const program = buildProgram(io, (run, opts) => {
      pending = run;
      globals = opts;
    });
    try {
      await program.parseAsync([...argv], { from: 'node' });
    } catch (err) {
      if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      throw err;
    }
    if (!pending) return EXIT.OK;
    const settings = [...(await readConfigFiles(globals.configFile ?? [])), ...(globals.config ?? [])];
    applyConfig(registry, settings);
    const ctx: CommandContext = {
      registry,
      signal: controller.signal,
      io,
      quiet: globals.quiet === true,
      stdoutClosed: () => stdoutClosed,
    };
    await pending(ctx);
    // Completed, even if a Ctrl-C came too late to stop it.
    return EXIT.OK;
  } catch (err) {
    if (interruptCode !== undefined) {
      report(io, isErrorKind(err, 'Aborted') ? err : controller.signal.reason, debug ? err : undefined);
      return interruptCode;
    }
    report(io, err, debug ? err : undefined);
    return EXIT.ERROR;
  } finally {
    await registry.close();
    io.stdout.off('error', onStdoutError);
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

async function readConfigFiles(files: readonly string[]): Promise<ConfigSetting[]> {
  const out: ConfigSetting[] = [];
  for (const f of files) out.push(...(await readConfigFile(f)));
  return out;
}

/** Prints `deepstore: <message>` on one line; with DEEPSTORE_DEBUG=1 also the stack and causes. */
function report(io: Io, err: unknown, debugDetail: unknown): void {
  const message = err instanceof Error ? err.message || err.name : String(err);
  io.stderr.write(`deepstore: ${oneLine(message)}\n`);
  if (debugDetail !== undefined) io.stderr.write(`${inspect(debugDetail, { depth: 6 })}\n`);
}

/**
 * The commander program. Actions do not run the command themselves: they hand it to `select`,
 * so main() runs it after parsing, with the config applied, its errors reported and the
 * registry closed, whatever happens.
 */
function buildProgram(io: Io, select: (run: Run, globals: GlobalOptions) => void): Command {
  const program = new Command('deepstore');
  program
    .description("Apache Pinot's deep store from the command line: list, inspect, copy, move and delete files on any scheme")
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('-q, --quiet', 'no progress bar')
    .option('-c, --config <scheme.key=value>', 'an adapter setting, e.g. s3.region=us-east-1 or storage.factory.<scheme>.<key>=<value> (repeatable)', collectSetting)
    .option('--config-file <file>', 'settings from a .properties or .json file (repeatable; --config wins)', collectFile)
    .addHelpText(
      'after',
      [
        '',
        'URIs: any scheme with an installed adapter (file:, s3:, gs:, hdfs:, http(s):), or a local path.',
        'Exit codes: 0 success, 1 error, 2 usage error, 130 interrupted (Ctrl-C).',
        'Set DEEPSTORE_DEBUG=1 to print stack traces.',
      ].join('\n'),
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(usageMessage(s, 'deepstore')),
    });

  const command = (name: string, description: string): Command => {
    const cmd = program.command(name).description(description);
    // Inherited settings are copied on creation; only the usage hint differs per command.
    cmd.configureOutput({ ...program.configureOutput(), outputError: (s, write) => write(usageMessage(s, `deepstore ${name}`)) });
    return cmd;
  };
  const globalsOf = (cmd: Command): GlobalOptions => cmd.optsWithGlobals<GlobalOptions>();

  command('ls', 'list a directory (a file is listed as itself)')
    .argument('<uri>', 'directory or file')
    .option('-r, --recursive', 'list the whole tree')
    .option('--json', 'print one JSON document: {"uri", "entries": [{"uri", "isDirectory", "length", "lastModified"}]}')
    .action((uri: string, opts: { recursive?: boolean; json?: boolean }, cmd: Command) => select((ctx) => ls(ctx, uri, opts), globalsOf(cmd)));

  command('stat', "show one entry's type, size and modification time")
    .argument('<uri>', 'file or directory')
    .option('--json', 'print one JSON document: {"uri", "isDirectory", "length", "lastModified"}')
    .action((uri: string, opts: { json?: boolean }, cmd: Command) => select((ctx) => stat(ctx, uri, opts), globalsOf(cmd)));

  command('cp', 'copy a file, or a directory with -r, between any schemes')
    .argument('<src>', 'source file or directory')
    .argument('<dst>', 'target; an existing directory or a URI ending with / receives <dst>/<name of src>')
    .option('-r, --recursive', 'copy a directory with everything under it')
    .action((src: string, dst: string, opts: { recursive?: boolean }, cmd: Command) => select((ctx) => cp(ctx, src, dst, opts), globalsOf(cmd)));

  command('mv', 'move a file or a directory (across schemes: copy, then delete the source)')
    .argument('<src>', 'source file or directory')
    .argument('<dst>', 'target; an existing directory or a URI ending with / receives <dst>/<name of src>')
    .action((src: string, dst: string, _opts: unknown, cmd: Command) => select((ctx) => mv(ctx, src, dst), globalsOf(cmd)));

  command('rm', 'delete a file or an empty directory (a non-empty one needs -r)')
    .argument('<uri>', 'file or directory')
    .option('-r, --recursive', 'delete a directory with everything under it')
    .action((uri: string, opts: { recursive?: boolean }, cmd: Command) => select((ctx) => rm(ctx, uri, opts), globalsOf(cmd)));

  command('mkdir', 'create a directory and its missing parents (no error if it exists)')
    .argument('<uri>', 'directory')
    .action((uri: string, _opts: unknown, cmd: Command) => select((ctx) => mkdir(ctx, uri), globalsOf(cmd)));

  command('inspect', "show a Pinot segment's metadata, columns and first rows, verifying its CRC")
    .argument('<segment>', 'a segment .tar.gz, a segment directory, or a URI on any scheme')
    .option('--json', 'print one JSON document')
    .option('--rows <n>', 'rows to show (default 10)')
    .action((segment: string, opts: InspectOptions, cmd: Command) => select(async (ctx) => (await import('./commands/inspect.js')).inspect(ctx, segment, opts), globalsOf(cmd)));

  command('build', 'build a Pinot segment from CSV, JSON or Avro files; prints the URI of its .tar.gz last')
    .requiredOption('--schema <file>', 'Pinot schema JSON')
    .requiredOption('--table-config <file>', 'Pinot table config JSON')
    .requiredOption('--input <fileOrUri...>', 'input files (local paths or URIs on any scheme; .gz is read transparently)')
    .option('--format <format>', 'csv, json or avro (default: from the file name)')
    .requiredOption('--out <dirUri>', 'output directory URI; the segment goes to <out>/<segmentName>.tar.gz')
    .option('--segment-name <name>', "a fixed segment name (default: Pinot's simple generator, <table>_<minTime>_<maxTime>_<sequenceId>)")
    .option('--sequence-id <n>', 'sequence id in the generated name (default 0; -1 for none)')
    .option('--creation-time <millis>', 'creation time recorded in creation.meta (default: now); fixes the output bytes')
    .option('--overwrite', 'replace an existing segment of the same name')
    .action((opts: BuildCommandOptions, cmd: Command) =>
      // Loaded when used: the other commands need neither the builder nor its dependencies.
      select(async (ctx) => (await import('./commands/build.js')).build(ctx, opts), globalsOf(cmd)),
    );

  command('ingest', 'run a Pinot batch ingestion job spec (segment creation and tar / URI / metadata push)')
    .argument('<jobSpec>', 'the job spec YAML (Pinot SegmentGenerationJobSpec)')
    .option('--shard <i/N>', 'run input files i, i+N, ... of the sorted listing, with the whole job\'s sequence ids')
    .option('--continue-on-error', 'build the other files when one fails; report every failure (exit 1)')
    .option('--values <name=value...>', 'values for ${name} placeholders in the job spec')
    .option('--parallelism <n>', 'segments built at once (default: segmentCreationJobParallelism, else the cores)')
    .option('--json', 'print the job report as JSON')
    .action((jobSpec: string, opts: IngestOptions, cmd: Command) => select(async (ctx) => (await import('./commands/ingest.js')).ingest(ctx, jobSpec, opts), globalsOf(cmd)));

  command('cat', 'write a file to stdout')
    .argument('<uri>', 'file')
    .action((uri: string, _opts: unknown, cmd: Command) => select((ctx) => cat(ctx, uri), globalsOf(cmd)));

  return program;
}

function collectSetting(value: string, previous: ConfigSetting[] | undefined): ConfigSetting[] {
  try {
    return [...(previous ?? []), parseConfigArgument(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function collectFile(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Commander's `error: ...` text as `deepstore: ...` plus where to find usage. */
function usageMessage(text: string, commandPath: string): string {
  const message = oneLine(text.replace(/^error:\s*/, ''));
  return `deepstore: ${message}\nRun '${commandPath} --help' for usage.\n`;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
