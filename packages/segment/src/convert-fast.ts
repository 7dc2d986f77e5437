import { convertValue } from './convert.js';
import type { FieldSpec, StoredValue } from './schema.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

type Scalar = (v: unknown) => StoredValue | undefined;

/**
 * The common, already-typed cases of convertValue, answered without its general machinery:
 * `undefined` from a scalar check means "not a fast case", and the full convertValue decides.
 * Every fast answer equals convertValue's (a property test checks this).
 */
function scalarFastPath(field: FieldSpec): Scalar | undefined {
  switch (field.dataType) {
    case 'INT':
      return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX && !Object.is(v, -0) ? v : undefined);
    case 'LONG':
    case 'TIMESTAMP':
      return (v) => {
        if (typeof v === 'bigint') return v >= -9223372036854775808n && v <= 9223372036854775807n ? v : undefined;
        return typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0) ? BigInt(v) : undefined;
      };
    case 'FLOAT':
      return (v) => (typeof v === 'number' && !Number.isNaN(v) && !Object.is(v, -0) && !Object.is(Math.fround(v), -0) ? Math.fround(v) : undefined);
    case 'DOUBLE':
      return (v) => (typeof v === 'number' && !Number.isNaN(v) && !Object.is(v, -0) ? v : undefined);
    case 'BOOLEAN':
      return (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : undefined);
    case 'STRING': {
      const max = field.effectiveMaxLength;
      return (v) => (typeof v === 'string' && v.length <= max && !v.includes('\0') ? v : undefined);
    }
    default:
      return undefined;
  }
}

/** convertValue for one field, with a fast path for values that are already of the column's type. */
export function compileConverter(field: FieldSpec): (raw: unknown) => StoredValue | StoredValue[] | null {
  const fast = scalarFastPath(field);
  if (!fast) return (raw) => convertValue(field, raw);
  if (field.singleValue) {
    return (raw) => {
      if (raw === null || raw === undefined) return null;
      const v = fast(raw);
      return v !== undefined ? v : convertValue(field, raw);
    };
  }
  // Multi-value numbers follow Pinot's per-array element-class rules (mixed classes fail, INT
  // arrays do not become TIMESTAMP, ...): only STRING arrays take the fast path.
  if (field.dataType !== 'STRING') return (raw) => convertValue(field, raw);
  return (raw) => {
    if (raw === null || raw === undefined) return null;
    if (Array.isArray(raw) && raw.length > 0) {
      const out = new Array<StoredValue>(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const v = fast(raw[i]);
        if (v === undefined) return convertValue(field, raw);
        out[i] = v;
      }
      return out;
    }
    if (!Array.isArray(raw)) {
      const v = fast(raw);
      if (v !== undefined) return [v];
    }
    return convertValue(field, raw);
  };
}
