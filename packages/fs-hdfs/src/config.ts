import { InvalidInputError, readInt, type FsConfig } from '@deepstore/core';

/** Settings of the HDFS (WebHDFS) filesystem. */
export interface HdfsFsConfig {
  /**
   * Namenode HTTP(S) addresses, tried in order with failover on StandbyException or an
   * unreachable namenode: `http://nn1:9870,http://nn2:9870`. Default: the URI's host with
   * `httpPort` for `hdfs:` URIs, the URI's own host:port for `webhdfs:` URIs.
   */
  namenodes: string[];
  /** WebHDFS port used with `hdfs://host:rpcPort` URIs when `namenodes` is not set (default 9870). */
  httpPort: number;
  /** The caller (`user.name`); Pinot's `hadoop.user.name`. Default: the USER environment variable, else `dr.who` on the server. */
  user: string | undefined;
  /** A delegation token instead of `user.name` (never logged). */
  delegationToken: string | undefined;
  connectTimeout: number;
  /** A response whose headers or body stall this long (ms) fails, and reads resume (default 60000). */
  socketTimeout: number;
  maxAttempts: number;
  /** Files moved at once in tree operations (default 8). */
  concurrency: number;
}

const KEYS = ['namenodes', 'httpPort', 'user', 'hadoop.user.name', 'delegationToken', 'connectTimeout', 'socketTimeout', 'maxAttempts', 'concurrency'] as const;

export function parseHdfsConfig(config: FsConfig): HdfsFsConfig {
  const raw = new Map<string, string>();
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (!(KEYS as readonly string[]).includes(key)) throw bad(`unknown setting "${key}" for hdfs (known: ${KEYS.join(', ')})`);
    raw.set(key, String(value).trim());
  }
  const str = (k: string) => (raw.get(k) ? raw.get(k) : undefined);
  const namenodes = (str('namenodes') ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter((s) => s !== '');
  for (const nn of namenodes) {
    if (!/^https?:\/\/[^/]+$/.test(nn)) throw bad(`setting "namenodes" must list http(s)://host:port addresses, got ${JSON.stringify(nn)}`);
  }
  const user = str('user') ?? str('hadoop.user.name');
  if (user !== undefined && !/^[A-Za-z0-9._@$-]+$/.test(user)) throw bad(`setting "user" is not a valid user name: ${JSON.stringify(user)}`);
  return {
    namenodes,
    httpPort: readInt('httpPort', str('httpPort'), 9870, 1, 65535, 'init hdfs'),
    user,
    delegationToken: str('delegationToken'),
    connectTimeout: readInt('connectTimeout', str('connectTimeout'), 10_000, 100, 600_000, 'init hdfs'),
    socketTimeout: readInt('socketTimeout', str('socketTimeout'), 60_000, 100, 3_600_000, 'init hdfs'),
    maxAttempts: readInt('maxAttempts', str('maxAttempts'), 5, 1, 20, 'init hdfs'),
    concurrency: readInt('concurrency', str('concurrency'), 8, 1, 256, 'init hdfs'),
  };
}

function bad(message: string): InvalidInputError {
  return new InvalidInputError(message, { operation: 'init hdfs' });
}

