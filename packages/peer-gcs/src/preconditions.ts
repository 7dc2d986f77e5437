/**
 * Request preconditions (https://cloud.google.com/storage/docs/request-preconditions):
 * ifGenerationMatch (0 = the object must not exist), ifGenerationNotMatch, ifMetagenerationMatch,
 * ifMetagenerationNotMatch; `ifSource...` for the source of copy/rewrite.
 *
 * A failed *Match condition is 412 conditionNotMet. A failed *NotMatch condition is 304 Not Modified on
 * reads (object metadata and media GETs) and 412 on writes.
 */
import { errors, NotModified } from './errors.js';
import type { StoredObject } from './resources.js';

export interface Preconditions {
  ifGenerationMatch?: number;
  ifGenerationNotMatch?: number;
  ifMetagenerationMatch?: number;
  ifMetagenerationNotMatch?: number;
}

export function parseInt64(name: string, value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw errors.invalid(`Invalid value for ${name}: ${value}`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw errors.invalid(`Invalid value for ${name}: ${value}`);
  return n;
}

export function parsePreconditions(query: URLSearchParams, prefix: 'if' | 'ifSource' = 'if'): Preconditions {
  const out: Preconditions = {};
  const g = parseInt64(`${prefix}GenerationMatch`, query.get(`${prefix}GenerationMatch`));
  if (g !== undefined) out.ifGenerationMatch = g;
  const gn = parseInt64(`${prefix}GenerationNotMatch`, query.get(`${prefix}GenerationNotMatch`));
  if (gn !== undefined) out.ifGenerationNotMatch = gn;
  const m = parseInt64(`${prefix}MetagenerationMatch`, query.get(`${prefix}MetagenerationMatch`));
  if (m !== undefined) out.ifMetagenerationMatch = m;
  const mn = parseInt64(`${prefix}MetagenerationNotMatch`, query.get(`${prefix}MetagenerationNotMatch`));
  if (mn !== undefined) out.ifMetagenerationNotMatch = mn;
  return out;
}

export function hasPreconditions(p: Preconditions): boolean {
  return (
    p.ifGenerationMatch !== undefined ||
    p.ifGenerationNotMatch !== undefined ||
    p.ifMetagenerationMatch !== undefined ||
    p.ifMetagenerationNotMatch !== undefined
  );
}

/**
 * Throws when a condition does not hold for `obj` (the live object, or undefined when there is none).
 * `read`: the request is a GET of metadata or media (NotMatch failures are then 304).
 */
export function checkPreconditions(obj: StoredObject | undefined, p: Preconditions, read = false): void {
  const generation = obj?.generation ?? 0;
  if (p.ifGenerationMatch !== undefined && p.ifGenerationMatch !== generation) {
    throw errors.conditionNotMet();
  }
  if (p.ifMetagenerationMatch !== undefined && (!obj || obj.metageneration !== p.ifMetagenerationMatch)) {
    throw errors.conditionNotMet();
  }
  if (p.ifGenerationNotMatch !== undefined && p.ifGenerationNotMatch === generation) {
    if (read) throw new NotModified();
    throw errors.conditionNotMet('If-None-Match');
  }
  if (p.ifMetagenerationNotMatch !== undefined && obj && obj.metageneration === p.ifMetagenerationNotMatch) {
    if (read) throw new NotModified();
    throw errors.conditionNotMet('If-None-Match');
  }
}
