import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertValue } from '../src/convert.js';
import { compileConverter } from '../src/convert-fast.js';
import { parseSchema } from '../src/schema.js';

const schema = parseSchema({
  schemaName: 't',
  dimensionFieldSpecs: ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP', 'STRING'].flatMap((t) => [
    { name: `sv_${t}`, dataType: t },
    ...(t === 'BOOLEAN' ? [] : [{ name: `mv_${t}`, dataType: t, singleValueField: false }]),
  ]),
  metricFieldSpecs: [{ name: 'm_DOUBLE', dataType: 'DOUBLE' }],
  dateTimeFieldSpecs: [],
});

const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.float().map((f) => f),
  fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 2147483648, -2147483649, 2 ** 53, 2 ** 63, Number.MAX_VALUE),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 510, maxLength: 520 }),
  fc.constantFrom('', '12', ' 7 ', '1.5', 'true', 'a\u0000b', '-0'),
  fc.constant(null),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }));

describe('compileConverter', () => {
  it('answers exactly as convertValue for every field type and input (or throws the same way)', () => {
    const converters = schema.fields.map((f) => ({ f, conv: compileConverter(f) }));
    fc.assert(
      fc.property(value, (raw) => {
        for (const { f, conv } of converters) {
          let expected: unknown;
          let expectedError: string | undefined;
          try {
            expected = convertValue(f, raw);
          } catch (e) {
            expectedError = (e as Error).message;
          }
          if (expectedError !== undefined) {
            expect(() => conv(raw), `${f.name} ${String(raw)}`).toThrow(expectedError);
          } else {
            const got = conv(raw);
            expect(Object.is(got, expected) || JSON.stringify(got, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : v)) === JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : v)), `${f.name} ${String(raw)}`).toBe(true);
          }
        }
      }),
      { numRuns: 3000, seed: 42 },
    );
  });
});
