import { pipeline } from 'node:stream/promises';
import { fsFor, missingAs, writeOut, type CommandContext } from '../context.js';

/**
 * `cat URI`: streams a file to stdout. A reader that goes away early (`| head`) ends the
 * command quietly and successfully.
 */
export async function cat(ctx: CommandContext, uri: string): Promise<void> {
  const fs = await fsFor(ctx, uri);
  const stream = await fs.openRead(uri, { signal: ctx.signal }).catch(missingAs('cat', uri));
  try {
    // end: false, stdout stays open (it belongs to the process).
    await pipeline(stream, ctx.io.stdout, { end: false, signal: ctx.signal });
  } catch (err) {
    if (ctx.stdoutClosed() || isBrokenPipe(err)) return;
    throw err;
  }
  // Resolves once all the bytes have been handed to the OS.
  await writeOut(ctx, '');
}

function isBrokenPipe(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}
