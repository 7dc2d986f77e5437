import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { UriLike } from './types.js';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// Query parameters that carry secrets in signed or tokenised URLs (S3, GCS, Azure SAS, WebHDFS delegation).
const SECRET_PARAM = /(signature|^sig$|token|secret|password|passwd|^pwd$|credential|^key$|apikey|api_key|^auth|delegation|^se$|^sp$)/i;

/** The scheme of a URI, lower-case and without the colon; `file` for plain paths. */
export function schemeOf(uri: UriLike): string {
  if (uri instanceof URL) return uri.protocol.slice(0, -1).toLowerCase();
  const m = SCHEME.exec(uri);
  return m?.[1] ? m[1].toLowerCase() : 'file';
}

/**
 * Parses a URI or a plain local path into a URL. Plain paths are resolved against the
 * working directory and percent-encoded, so names with `#`, `?`, `%` or spaces survive.
 */
export function toUrl(uri: UriLike): URL {
  if (uri instanceof URL) return new URL(uri.href);
  if (typeof uri !== 'string' || uri.length === 0) {
    throw new TypeError(`expected a URI or a path, got ${uri === '' ? 'an empty string' : typeof uri}`);
  }
  if (uri.includes('\0')) throw new TypeError(`URI contains a NUL byte: ${JSON.stringify(redactUri(uri.replaceAll('\0', '')))}`);
  if (!SCHEME.test(uri)) return pathToFileURL(path.resolve(uri));
  try {
    return new URL(uri);
  } catch {
    throw new TypeError(`malformed URI: ${redactUri(uri)}`);
  }
}

/** A URI safe to print: no user info, no password, no signature or token in the query. */
export function redactUri(uri: UriLike): string {
  let url: URL;
  try {
    url = uri instanceof URL ? new URL(uri.href) : new URL(uri);
  } catch {
    // Not parseable: strip everything up to the last '@' of the authority-ish part (a secret key
    // may hold '/' or '@'), and any query or fragment. Over-redacting a malformed URI is fine.
    return String(uri)
      .replace(/^([^?#]*?\/\/)[^?#]*@/, '$1***@')
      .replace(/[?#].*$/, (m) => `${m[0]}***`);
  }
  if (url.username || url.password) {
    url.username = '***';
    url.password = '';
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, 'REDACTED');
  }
  // Fragments carry OAuth-style tokens (#access_token=...); they never matter to a store.
  if (url.hash) url.hash = '';
  return url.href;
}

/** Percent-encodes one path segment (a file or directory name). */
export function encodeSegment(name: string): string {
  return encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The decoded path of a URL (`/a b/c#d` for `/a%20b/c%23d`). */
export function decodedPath(url: URL): string {
  return url.pathname
    .split('/')
    .map((s) => decodeURIComponent(s))
    .join('/');
}

/** Removes one trailing slash (never the root's). */
export function withoutTrailingSlash(url: URL): URL {
  const out = new URL(url.href);
  while (out.pathname.length > 1 && out.pathname.endsWith('/')) out.pathname = out.pathname.slice(0, -1);
  return out;
}

/**
 * Appends names to a URI's path. Each name is a raw (not encoded) relative path; `/` in it
 * separates levels. Query and fragment are dropped.
 */
export function joinUri(base: UriLike, ...names: string[]): string {
  const url = withoutTrailingSlash(toUrl(base));
  url.search = '';
  url.hash = '';
  const segs = names.flatMap((n) => n.split('/')).filter((s) => s !== '');
  for (const s of segs) {
    if (s === '.' || s === '..') throw new TypeError(`path segment "${s}" is not allowed in ${redactUri(url)}`);
  }
  const prefix = url.pathname === '/' ? '' : url.pathname;
  url.pathname = `${prefix}/${segs.map(encodeSegment).join('/')}`;
  return url.href;
}

/** The parent of a URI (the root is its own parent). */
export function parentUri(uri: UriLike): string {
  const url = withoutTrailingSlash(toUrl(uri));
  url.search = '';
  url.hash = '';
  const idx = url.pathname.lastIndexOf('/');
  url.pathname = idx <= 0 ? '/' : url.pathname.slice(0, idx);
  return url.href;
}

/** The last path segment of a URI, decoded. */
export function baseName(uri: UriLike): string {
  const url = withoutTrailingSlash(toUrl(uri));
  const seg = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  return decodeURIComponent(seg);
}

/**
 * The decoded path of `child` relative to `parent`, or undefined if `child` is not strictly
 * under `parent` (different scheme, authority, or path).
 */
export function relativePath(parent: UriLike, child: UriLike): string | undefined {
  const p = withoutTrailingSlash(toUrl(parent));
  const c = withoutTrailingSlash(toUrl(child));
  if (p.protocol !== c.protocol || p.host !== c.host) return undefined;
  // Compare decoded segments: `+`, `'` or `(` may be encoded by one producer and not by another.
  const ps = segmentsOf(p);
  const cs = segmentsOf(c);
  if (cs.length <= ps.length || ps.some((s, i) => cs[i] !== s)) return undefined;
  return cs.slice(ps.length).join('/');
}

function segmentsOf(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

/** Builds a URI from a scheme, an authority and a decoded absolute path, encoding each segment the same way everywhere. */
export function uriFromPath(scheme: string, authority: string, decodedAbsolutePath: string): string {
  const segs = decodedAbsolutePath.split('/').filter((s) => s !== '');
  return `${scheme}://${authority}/${segs.map(encodeSegment).join('/')}`;
}

/** True if both URIs name the same entry (trailing slashes ignored). */
export function sameUri(a: UriLike, b: UriLike): boolean {
  const x = withoutTrailingSlash(toUrl(a));
  const y = withoutTrailingSlash(toUrl(b));
  return x.protocol === y.protocol && x.host === y.host && decodedPath(x) === decodedPath(y);
}

/** True if `inner` is `outer` or lies under it. */
export function isSameOrUnder(outer: UriLike, inner: UriLike): boolean {
  return sameUri(outer, inner) || relativePath(outer, inner) !== undefined;
}
