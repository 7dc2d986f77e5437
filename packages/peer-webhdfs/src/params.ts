/**
 * WebHDFS query parameters, parsed the way Hadoop's `org.apache.hadoop.hdfs.web.resources.*Param`
 * classes parse them (same ranges, same messages), and the URL encodings Hadoop's redirects use.
 */
import { IllegalArgumentException, invalidParam, type RemoteError } from './errors.js';

export const WEBHDFS_PREFIX = '/webhdfs/v1';

/** dfs.webhdfs.user.provider.user.pattern's default. */
export const USER_PATTERN = /^[A-Za-z_][A-Za-z0-9._-]*[$]?$/;
const USER_PATTERN_TEXT = '^[A-Za-z_][A-Za-z0-9._-]*[$]?$';

/**
 * The query, with names compared case-insensitively (Hadoop's ParamFilter lower-cases every
 * parameter name before Jersey sees it) and the first value of each name winning.
 * Values are decoded as Jersey decodes query parameters ('+' is a space).
 */
export class Query {
  private readonly values = new Map<string, string>();
  /** As sent (original name case), first value of each name, for the request log. */
  readonly raw: Record<string, string> = {};

  /**
   * @param wrapped true on the namenode, where Jersey wraps a parameter's parse error as
   * 'Invalid value for webhdfs parameter "x": ...'; the datanode's ParameterParser does not.
   */
  constructor(
    search: string,
    private readonly wrapped = true,
  ) {
    const params = new URLSearchParams(search);
    for (const [name, value] of params) {
      const key = name.toLowerCase();
      if (!this.values.has(key)) this.values.set(key, value);
      if (!(name in this.raw)) this.raw[name] = value;
    }
  }

  private invalid(name: string, cause: string): RemoteError {
    return this.wrapped ? invalidParam(name, cause) : IllegalArgumentException(cause);
  }

  /** The raw value, or undefined when the parameter is absent. */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  /** A string parameter: absent, empty and Hadoop's "null" all mean "not given". */
  string(name: string): string | undefined {
    const v = this.get(name);
    return v === undefined || v === '' || v === 'null' ? undefined : v;
  }

  /** LongParam: radix-10, optional [min, max]. */
  long(name: string, min?: number, max?: number): number | undefined {
    return this.integer(name, 'long', 10, min, max);
  }

  /** IntegerParam. */
  int(name: string, min?: number, max?: number): number | undefined {
    return this.integer(name, 'integer', 10, min, max);
  }

  /** ShortParam (replication, permission). */
  short(name: string, radix: number, min?: number, max?: number): number | undefined {
    return this.integer(name, 'short', radix, min, max);
  }

  private integer(name: string, kind: 'long' | 'integer' | 'short', radix: number, min?: number, max?: number): number | undefined {
    const str = this.get(name);
    if (str === undefined || str === 'null') return undefined;
    const digits = radix === 8 ? /^[+-]?[0-7]+$/ : /^[+-]?[0-9]+$/;
    const limit = kind === 'long' ? 2n ** 63n : kind === 'integer' ? 2n ** 31n : 2n ** 15n;
    let value: bigint | undefined;
    if (digits.test(str)) {
      const negative = str.startsWith('-');
      const body = str.replace(/^[+-]/, '');
      value = 0n;
      for (const ch of body) value = value * BigInt(radix) + BigInt(Number.parseInt(ch, radix));
      if (negative) value = -value;
      if (value >= limit || value < -limit) value = undefined;
    }
    if (value === undefined) throw this.invalid(name, `Failed to parse "${str}" as a radix-${radix} ${kind} integer.`);
    const n = Number(value);
    const show = (x: number): string => (x < 0 ? '-' : '') + Math.abs(x).toString(radix);
    if (min !== undefined && n < min) throw this.invalid(name, `Invalid parameter range: ${name} = ${show(n)} < ${show(min)}`);
    if (max !== undefined && n > max) throw this.invalid(name, `Invalid parameter range: ${name} = ${show(n)} > ${show(max)}`);
    return n;
  }

  /** BooleanParam: "true"/"false" in any case; default when absent. */
  boolean(name: string, fallback: boolean): boolean {
    const str = this.get(name);
    if (str === undefined || str === 'null') return fallback;
    if (str.toLowerCase() === 'true') return true;
    if (str.toLowerCase() === 'false') return false;
    throw this.invalid(name, `Failed to parse "${str}" to Boolean.`);
  }

  /** PermissionParam: radix-8 short in [0, 1777]. */
  permission(): number | undefined {
    return this.short('permission', 8, 0, 0o1777);
  }

  /** UserParam / DoAsParam: must match the user pattern. */
  user(name: 'user.name' | 'doas'): string | undefined {
    const str = this.get(name);
    if (str === undefined || str === '' || str === 'null') return undefined;
    if (!USER_PATTERN.test(str)) throw this.invalid(name, `Invalid value: "${str}" does not belong to the domain ${USER_PATTERN_TEXT}`);
    return str;
  }

  /** DestinationParam: absolute path, normalised as org.apache.hadoop.fs.Path would. */
  destination(): string | undefined {
    const str = this.string('destination');
    if (str === undefined) return undefined;
    if (!str.startsWith('/')) {
      throw this.invalid('destination', `Invalid parameter value: destination = "${str}" is not an absolute path.`);
    }
    const normal = '/' + str.split('/').filter((c) => c !== '').join('/');
    return normal;
  }
}

/** `validateOpParams`: a required parameter is missing. */
export function requiredParam(name: string, op: string): never {
  throw IllegalArgumentException(`Required param ${name} for op: ${op} is null or empty`);
}

/** java.net.URLEncoder.encode(s, "UTF-8"), which Hadoop uses for redirect query values. */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * The path part of a URI the way java.net.URI's multi-argument constructor quotes it, then
 * toASCIIString(): characters legal in a path stay, everything else (space, %, ?, #, non-ASCII...)
 * becomes %XX of its UTF-8 bytes.
 */
export function encodeUriPath(p: string): string {
  let out = '';
  for (const ch of p) {
    if (/^[A-Za-z0-9_\-!.~'()*,;:$&+=/@]$/.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * Splits a request URL into its decoded path and raw query. The path is percent-decoded as UTF-8
 * ('+' stays '+', as in a URI path); a malformed escape is a 400.
 */
export function splitUrl(url: string): { path: string; search: string } {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? '' : url.slice(q + 1);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw IllegalArgumentException(`URLDecoder: Illegal hex characters in escape (%) pattern - ${rawPath}`);
  }
  return { path, search };
}

/** The HDFS path of a /webhdfs/v1 URL path, or undefined when the URL is outside the REST API. */
export function hdfsPathOf(urlPath: string): string | undefined {
  if (urlPath === WEBHDFS_PREFIX) return '/';
  if (!urlPath.startsWith(WEBHDFS_PREFIX + '/')) return undefined;
  return urlPath.slice(WEBHDFS_PREFIX.length);
}
