/**
 * Delegation tokens: GETDELEGATIONTOKEN, RENEWDELEGATIONTOKEN, CANCELDELEGATIONTOKEN, and the
 * `delegation=` parameter. Tokens are encoded the way org.apache.hadoop.security.token.Token
 * encodes them (encodeToUrlString: URL-safe base64 of identifier, password, kind, service as
 * Hadoop Writables), so they look and parse like real ones; the peer looks them up by that string.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { AccessControlException, failedToGetUgi, InvalidToken } from './errors.js';

export const RENEW_INTERVAL = 86_400_000; // dfs.namenode.delegation.token.renew-interval
export const MAX_LIFETIME = 604_800_000; // dfs.namenode.delegation.token.max-lifetime
export const TOKEN_KIND = 'WEBHDFS delegation'; // WebHdfsConstants.WEBHDFS_TOKEN_KIND (http scheme)

interface TokenInfo {
  owner: string;
  renewer: string;
  sequenceNumber: number;
  issueDate: number;
  maxDate: number;
  expiry: number;
}

/** WritableUtils.writeVLong. */
function vlong(value: number): Buffer {
  let i = BigInt(value);
  if (i >= -112n && i <= 127n) return Buffer.from([Number(BigInt.asUintN(8, i))]);
  let len = -112;
  if (i < 0n) {
    i = ~i;
    len = -120;
  }
  let tmp = i;
  while (tmp !== 0n) {
    tmp >>= 8n;
    len--;
  }
  const bytes = [len & 0xff];
  const n = len < -120 ? -(len + 120) : -(len + 112);
  for (let idx = n; idx !== 0; idx--) bytes.push(Number((i >> BigInt((idx - 1) * 8)) & 0xffn));
  return Buffer.from(bytes);
}

/** org.apache.hadoop.io.Text.write. */
function text(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([vlong(bytes.length), bytes]);
}

function describe(seq: number, owner: string): string {
  return `(HDFS_DELEGATION_TOKEN token ${seq} for ${owner})`;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly masterKey = randomBytes(20);
  private seq = 0;

  /** GETDELEGATIONTOKEN: a token for `owner`, renewable by `renewer` (default: the owner). */
  issue(owner: string, renewer: string | undefined, kind: string | undefined, service: string): string {
    const now = Date.now();
    const info: TokenInfo = { owner, renewer: renewer ?? owner, sequenceNumber: ++this.seq, issueDate: now, maxDate: now + MAX_LIFETIME, expiry: now + RENEW_INTERVAL };
    const identifier = Buffer.concat([
      Buffer.from([0]), // version
      text(info.owner),
      text(info.renewer),
      text(''), // realUser
      vlong(info.issueDate),
      vlong(info.maxDate),
      vlong(info.sequenceNumber),
      vlong(1), // masterKeyId
    ]);
    const password = createHmac('sha1', this.masterKey).update(identifier).digest();
    const encoded = Buffer.concat([vlong(identifier.length), identifier, vlong(password.length), password, text(kind ?? TOKEN_KIND), text(service)]);
    const urlString = encoded.toString('base64url');
    this.tokens.set(urlString, info);
    return urlString;
  }

  /** The user a `delegation=` token authenticates, or the SecurityException the namenode answers. */
  authenticate(urlString: string): string {
    const info = this.tokens.get(urlString);
    if (!info) {
      throw failedToGetUgi(`org.apache.hadoop.security.token.SecretManager$InvalidToken: token ${this.guess(urlString)} can't be found in cache`);
    }
    const now = Date.now();
    if (info.expiry < now) {
      throw failedToGetUgi(
        `org.apache.hadoop.security.token.SecretManager$InvalidToken: token ${describe(info.sequenceNumber, info.owner)} is expired, current time: ${new Date(now).toISOString()} expected renewal time: ${new Date(info.expiry).toISOString()}`,
      );
    }
    return info.owner;
  }

  /** RENEWDELEGATIONTOKEN: only the renewer may renew; returns the new expiry time. */
  renew(caller: string, urlString: string): number {
    const info = this.tokens.get(urlString);
    if (!info) throw InvalidToken(`Renewal request for unknown token ${this.guess(urlString)}`);
    if (info.renewer !== caller) {
      throw AccessControlException(`${caller} tries to renew a token ${describe(info.sequenceNumber, info.owner)} with non-matching renewer ${info.renewer}`);
    }
    const now = Date.now();
    if (info.maxDate < now) throw InvalidToken(`User ${caller} tried to renew an expired token ${describe(info.sequenceNumber, info.owner)}`);
    info.expiry = Math.min(info.maxDate, now + RENEW_INTERVAL);
    return info.expiry;
  }

  /** CANCELDELEGATIONTOKEN: the owner or the renewer may cancel. */
  cancel(caller: string, urlString: string): void {
    const info = this.tokens.get(urlString);
    if (!info) throw InvalidToken(`Token not found ${this.guess(urlString)}`);
    if (caller !== info.owner && caller !== info.renewer) {
      throw AccessControlException(`${caller} is not authorized to cancel the token ${describe(info.sequenceNumber, info.owner)}`);
    }
    this.tokens.delete(urlString);
  }

  private guess(urlString: string): string {
    return `(${urlString.length > 24 ? urlString.slice(0, 24) + '...' : urlString})`;
  }
}
