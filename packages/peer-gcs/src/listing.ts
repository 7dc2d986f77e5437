/**
 * objects.list (GET /storage/v1/b/{bucket}/o): prefix, delimiter (prefixes[]), includeTrailingDelimiter,
 * startOffset/endOffset, matchGlob, maxResults (default and cap 1000, counting items plus prefixes),
 * pageToken/nextPageToken. Names are listed in UTF-8 byte order.
 */
import type { PeerContext } from './context.js';
import { errors } from './errors.js';
import { json, type PeerRequest, type PeerResponse } from './http.js';
import { parseInt64 } from './preconditions.js';
import { compareNames, objectResource, type StoredObject } from './resources.js';
import { afterPrefix, lowerBound, upperBound } from './store.js';

const MAX_RESULTS = 1000;

interface PageToken {
  /** The last entry returned: an object name, or a prefix when `p` is set. */
  k: string;
  p?: 1;
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');
}

function decodeToken(s: string): PageToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as PageToken;
    if (typeof t.k !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw errors.invalid('Invalid page token.');
  }
}

/** Cloud Storage matchGlob syntax: `*` (not across `/`), `**`, `?`, `[abc]`, `[!a-z]`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let re = '^';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` also matches no directory at all
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 3;
        } else {
          re += '.*';
          i += 2;
        }
      } else {
        re += '[^/]*';
        i++;
      }
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        i++;
      } else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close + 1;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
      i++;
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
      i++;
    } else if (c === ',' && braces > 0) {
      re += '|';
      i++;
    } else if (c === '\\' && i + 1 < glob.length) {
      re += glob[i + 1]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 2;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i++;
    }
  }
  if (braces > 0) throw errors.invalid(`Invalid matchGlob: ${glob}`);
  re += '$';
  try {
    return new RegExp(re, 's');
  } catch {
    throw errors.invalid(`Invalid matchGlob: ${glob}`);
  }
}

export function listObjects(ctx: PeerContext, req: PeerRequest, bucket: string): PeerResponse {
  const b = ctx.store.requireBucket(bucket);
  const q = req.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const includeTrailing = q.get('includeTrailingDelimiter') === 'true';
  const startOffset = q.get('startOffset') ?? '';
  const endOffset = q.get('endOffset') ?? '';
  const glob = q.get('matchGlob');
  const matcher = glob ? globToRegExp(glob) : undefined;
  const requested = parseInt64('maxResults', q.get('maxResults'));
  if (requested !== undefined && requested < 0) throw errors.invalid(`Invalid value for maxResults: ${requested}`);
  const max = requested === undefined || requested === 0 ? MAX_RESULTS : Math.min(requested, MAX_RESULTS);
  const token = q.get('pageToken') ? decodeToken(q.get('pageToken')!) : undefined;

  const names = b.names;
  let i = lowerBound(names, prefix);
  if (startOffset) i = Math.max(i, lowerBound(names, startOffset));
  if (token) i = Math.max(i, token.p ? afterPrefix(names, token.k) : upperBound(names, token.k));

  const items: StoredObject[] = [];
  const prefixes: string[] = [];
  let count = 0;
  let last: PageToken | undefined;
  let more = false;
  while (i < names.length) {
    const name = names[i]!;
    if (!name.startsWith(prefix)) break;
    if (endOffset && compareNames(name, endOffset) >= 0) break;
    if (matcher && !matcher.test(name)) {
      i++;
      continue;
    }
    if (count >= max) {
      more = true;
      break;
    }
    if (delimiter) {
      const rest = name.slice(prefix.length);
      const at = rest.indexOf(delimiter);
      if (at >= 0) {
        const p = prefix + rest.slice(0, at + delimiter.length);
        prefixes.push(p);
        count++;
        if (includeTrailing && name === p) items.push(b.objects.get(name)!);
        last = { k: p, p: 1 };
        i = afterPrefix(names, p);
        continue;
      }
    }
    items.push(b.objects.get(name)!);
    count++;
    last = { k: name };
    i++;
  }

  const body: Record<string, unknown> = { kind: 'storage#objects' };
  if (more && last) body.nextPageToken = encodeToken(last);
  if (prefixes.length > 0) body.prefixes = prefixes;
  if (items.length > 0) body.items = items.map((o) => objectResource(o, req.origin));
  return json(req, 200, body);
}
