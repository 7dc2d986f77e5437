/**
 * What the namenodes and the datanode share: the namespace, the token store, the block store,
 * which namenode is active, and how a request's caller is established.
 */
import { failedToGetUgi } from './errors.js';
import type { RequestLog } from './http.js';
import type { Namespace } from './namespace.js';
import type { Query } from './params.js';
import type { BlockStore } from './storage.js';
import type { TokenStore } from './tokens.js';

/** hadoop.http.staticuser.user: who a request without user.name or delegation runs as. */
export const DEFAULT_WEB_USER = 'dr.who';

export interface Cluster {
  ns: Namespace;
  tokens: TokenStore;
  store: BlockStore;
  log: RequestLog;
  /** The logical nameservice; what the namenode passes as namenoderpcaddress (HA configuration). */
  nameservice: string;
  active: 0 | 1;
  datanodeUrl: string;
  listBatchSize: number;
}

export interface Auth {
  user: string;
  /** The token the request authenticated with, passed on to the datanode in redirects. */
  delegation?: string;
  /** user.name / doas as given, passed on in redirects when there is no token. */
  userName?: string;
  doAs?: string;
}

/**
 * JspHelper.getUGI: a delegation token (the token's owner; a user.name or doas naming someone
 * else is refused), else user.name, else the default web user. doas for another user is a proxy
 * request, which no proxy-user configuration here allows.
 */
export function authenticate(cluster: Cluster, q: Query): Auth {
  const userName = q.user('user.name');
  const doAs = q.user('doas');
  const delegation = q.string('delegation');
  if (delegation !== undefined) {
    const owner = cluster.tokens.authenticate(delegation);
    for (const name of [userName, doAs]) {
      if (name !== undefined && name !== owner) {
        throw failedToGetUgi(`java.io.IOException: Usernames not matched: name=${name} != expected=${owner}`);
      }
    }
    return { user: owner, delegation };
  }
  const remote = userName ?? DEFAULT_WEB_USER;
  if (doAs !== undefined && doAs !== remote) {
    throw failedToGetUgi(`org.apache.hadoop.security.authorize.AuthorizationException: User: ${remote} is not allowed to impersonate ${doAs}`);
  }
  return { user: remote, ...(userName !== undefined ? { userName } : {}), ...(doAs !== undefined ? { doAs } : {}) };
}
