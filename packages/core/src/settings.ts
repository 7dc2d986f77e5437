import { InvalidInputError } from './errors.js';

/**
 * Readers for adapter settings given as strings (Pinot passes every setting as text). Each
 * refuses a bad value with one clear line naming the key and the value.
 */
export function readInt(key: string, value: string | undefined, dflt: number, min: number, max: number, operation: string): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`setting "${key}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, { operation });
  }
  return n;
}

export function readBool(key: string, value: string | undefined, dflt: boolean, operation: string): boolean {
  if (value === undefined) return dflt;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new InvalidInputError(`setting "${key}" must be true or false, got ${JSON.stringify(value)}`, { operation });
}
