import { FileSystemRegistry, InvalidInputError, decodedPath, redactUri, toUrl } from '@deepstore/core';
import type { ListSegmentsOptions } from './types.js';

/** Constants.TAR_GZ_FILE_EXT and METADATA_TAR_GZ_FILE_EXT of Pinot's batch spec. */
export const TAR_GZ_FILE_EXT = '.tar.gz';
export const METADATA_TAR_GZ_FILE_EXT = '.metadata.tar.gz';

/**
 * Compiles a Java PathMatcher pattern (`glob:...` or `regex:...`) into a predicate over a whole
 * path, with the glob rules of Java's default (Unix) filesystem: `*` and `?` stay within a path
 * segment, `**` crosses segments, `[...]` (`[!...]` negated) and `{a,b}` groups, `\` escapes.
 */
export function compilePathMatcher(pattern: string): (path: string) => boolean {
  const colon = pattern.indexOf(':');
  if (colon <= 0) throw new InvalidInputError(`pushFileNamePattern must be "glob:<pattern>" or "regex:<pattern>", got ${JSON.stringify(pattern)}`);
  const syntax = pattern.slice(0, colon).toLowerCase();
  const body = pattern.slice(colon + 1);
  let source: string;
  if (syntax === 'regex') source = body;
  else if (syntax === 'glob') source = globToRegex(body);
  else throw new InvalidInputError(`pushFileNamePattern syntax "${pattern.slice(0, colon)}" is not recognised (use glob: or regex:)`);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`);
  } catch (err) {
    throw new InvalidInputError(`pushFileNamePattern ${JSON.stringify(pattern)} is not a valid pattern: ${(err as Error).message}`, { cause: err });
  }
  return (path) => re.test(path);
}

const REGEX_META = '.^$+{[]|()';

function globToRegex(glob: string): string {
  let out = '';
  let inGroup = false;
  const bad = (what: string, at: number) =>
    new InvalidInputError(`pushFileNamePattern glob ${JSON.stringify(glob)}: ${what} at index ${at}`);
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    switch (c) {
      case '\\': {
        const next = glob[++i];
        if (next === undefined) throw bad('no character to escape', i - 1);
        out += /[A-Za-z0-9]/.test(next) ? next : `\\${next}`;
        break;
      }
      case '/':
        out += '/';
        break;
      case '[': {
        let cls = '';
        let j = i + 1;
        if (glob[j] === '^') {
          cls += '\\^';
          j++;
        } else {
          if (glob[j] === '!') {
            cls += '^';
            j++;
          }
          if (glob[j] === '-') {
            cls += '-';
            j++;
          }
        }
        let closed = false;
        for (; j < glob.length; j++) {
          const k = glob[j] as string;
          if (k === ']') {
            closed = true;
            break;
          }
          if (k === '/') throw bad('explicit name separator in class', j);
          cls += k === '\\' || k === '[' ? `\\${k}` : k;
        }
        if (!closed) throw bad('missing ]', glob.length - 1);
        // One character that is not the separator and is in the class (Java: [[^/]&&[...]]).
        out += `(?:(?!/)[${cls}])`;
        i = j;
        break;
      }
      case '{':
        if (inGroup) throw bad('cannot nest groups', i);
        out += '(?:(?:';
        inGroup = true;
        break;
      case '}':
        out += inGroup ? '))' : '\\}';
        inGroup = false;
        break;
      case ',':
        out += inGroup ? ')|(?:' : ',';
        break;
      case '*':
        if (glob[i + 1] === '*') {
          out += '.*';
          i++;
        } else {
          out += '[^/]*';
        }
        break;
      case '?':
        out += '[^/]';
        break;
      default:
        out += REGEX_META.includes(c) ? `\\${c}` : c;
    }
  }
  if (inGroup) throw bad('missing }', glob.length - 1);
  return out;
}

/**
 * The forms of a listed file's path that a pushFileNamePattern is matched against. Pinot
 * matches `Paths.get(file)`: for local files the plain absolute path; for other stores the URI
 * string, in which Java's Unix path collapses `//` (`s3://b/k` becomes `s3:/b/k`). Both the
 * URI form and the collapsed form are tried, with percent-decoding.
 */
export function pathsForMatching(uri: string): string[] {
  const url = toUrl(uri);
  const path = decodedPath(url);
  if (url.protocol === 'file:') return [path];
  const scheme = url.protocol.slice(0, -1);
  const full = `${scheme}://${url.host}${path}`;
  const collapsed = full.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return full === collapsed ? [full] : [full, collapsed];
}

/**
 * The segment tarballs a push job would push from an output directory, as Pinot's
 * SegmentPushUtils.getSegmentUriToTarPathMap picks them: every file listed recursively, kept if
 * it matches `pushFileNamePattern` (when given), skipped if it ends in `.metadata.tar.gz`,
 * kept if it ends in `.tar.gz`. Sorted by URI.
 */
export async function listSegmentsToPush(outputDirUri: string, opts: ListSegmentsOptions = {}): Promise<string[]> {
  const matcher = opts.pushFileNamePattern !== undefined ? compilePathMatcher(opts.pushFileNamePattern) : undefined;
  const registry = opts.registry ?? new FileSystemRegistry({ importers: [(s) => import(s)] });
  try {
    const fs = await registry.resolve(outputDirUri);
    let entries;
    try {
      entries = await fs.listWithMetadata(outputDirUri, { recursive: true, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      if (err instanceof Error && (err as { kind?: string }).kind === 'NotFound') {
        throw new InvalidInputError(`the output directory ${redactUri(outputDirUri)} does not exist: no segments to push`, { cause: err });
      }
      throw err;
    }
    const out: string[] = [];
    for (const e of entries) {
      if (e.isDirectory) continue;
      if (matcher && !pathsForMatching(e.uri).some(matcher)) continue;
      const path = decodedPath(toUrl(e.uri));
      if (path.endsWith(METADATA_TAR_GZ_FILE_EXT)) continue;
      if (path.endsWith(TAR_GZ_FILE_EXT)) out.push(e.uri);
    }
    return out.sort();
  } finally {
    if (!opts.registry) await registry.close();
  }
}
