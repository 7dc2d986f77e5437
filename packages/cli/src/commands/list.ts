import { fsFor, missingAs, writeOut, type CommandContext } from '../context.js';
import { listingJson, listingText, statJson, statText } from '../format.js';

export interface LsOptions {
  recursive?: boolean;
  json?: boolean;
}

/**
 * `ls [-r] [--json] URI`: the entries under a directory (the whole tree with -r), sorted by URI.
 * A file is listed as itself, like Unix ls.
 */
export async function ls(ctx: CommandContext, uri: string, options: LsOptions): Promise<void> {
  const fs = await fsFor(ctx, uri);
  const meta = await fs.stat(uri, { signal: ctx.signal }).catch(missingAs('ls', uri));
  const entries = meta.isDirectory ? await fs.listWithMetadata(uri, { recursive: options.recursive === true, signal: ctx.signal }) : [meta];
  await writeOut(ctx, options.json ? listingJson(meta.uri, entries) : listingText(entries));
}

export interface StatOptions {
  json?: boolean;
}

/** `stat [--json] URI`: one entry's metadata. */
export async function stat(ctx: CommandContext, uri: string, options: StatOptions): Promise<void> {
  const fs = await fsFor(ctx, uri);
  const meta = await fs.stat(uri, { signal: ctx.signal });
  await writeOut(ctx, options.json ? statJson(meta) : statText(meta));
}
