import { describe, expect, it } from 'vitest';
import {
  bigDecimal,
  bigDecimalByteSize,
  bigDecimalEquals,
  bigDecimalIntValue,
  bigDecimalLongValue,
  bigDecimalToPlainString,
  bigDecimalToString,
  bigIntToByteArray,
  compareBigDecimal,
  deserializeBigDecimal,
  parseBigDecimal,
  pow10,
  serializeBigDecimal,
  stripTrailingZeros,
  type BigDecimal,
} from '../src/big-decimal.js';
import {
  canonicalizeJsonText,
  compareStored,
  ConversionError,
  convertValue,
  dataTypeToString,
  formatStored,
  javaDoubleToString,
  javaFloatToString,
  javaHashMapOrder,
  javaTimestampToString,
  parseJavaDouble,
  parseJavaFloat,
  parseJavaInt,
  parseJavaLong,
  sanitizeStored,
  timestampStringToMillis,
} from '../src/convert.js';
import { parseSchema, type DataType, type FieldSpec } from '../src/schema.js';

function field(dataType: DataType, extra: Record<string, unknown> = {}): FieldSpec {
  return parseSchema({ schemaName: 's', dimensionFieldSpecs: [{ name: 'col', dataType, ...extra }] }).fields[0]!;
}
const mv = (dataType: DataType, extra: Record<string, unknown> = {}): FieldSpec => field(dataType, { singleValueField: false, ...extra });
const bd = (s: string): BigDecimal => parseBigDecimal(s);

function conversionError(f: FieldSpec, raw: unknown): ConversionError {
  try {
    convertValue(f, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConversionError);
    return e as ConversionError;
  }
  throw new Error(`expected a ConversionError for ${String(raw)}`);
}

describe('Java number formatting', () => {
  it('Double.toString (JDK 19+ shortest, outputs from JDK 25)', () => {
    const cases: Array<[number, string]> = [
      [1e7, '1.0E7'],
      [9999999, '9999999.0'],
      [0.001, '0.001'],
      [9.99e-4, '9.99E-4'],
      [1e-5, '1.0E-5'],
      [123456, '123456.0'],
      [4.9e-324, '4.9E-324'],
      [Number.MAX_VALUE, '1.7976931348623157E308'],
      [2e23, '2.0E23'],
      [1e23, '1.0E23'],
      [0.1 + 0.2, '0.30000000000000004'],
      [100, '100.0'],
      [-0, '-0.0'],
      [0, '0.0'],
      [1e21, '1.0E21'],
      [1.5e-323, '1.5E-323'],
      [1e22, '1.0E22'],
      [-1.5, '-1.5'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ];
    for (const [d, s] of cases) expect(javaDoubleToString(d), String(d)).toBe(s);
  });

  it('Float.toString (outputs from JDK 25)', () => {
    const cases: Array<[number, string]> = [
      [1e7, '1.0E7'],
      [1.4e-45, '1.4E-45'],
      [3.4028235e38, '3.4028235E38'],
      [0.1, '0.1'],
      [16777216, '1.6777216E7'],
      [1e10, '1.0E10'],
      [3.3333333, '3.3333333'],
      [1.17549435e-38, '1.1754944E-38'],
      [2.8e-45, '2.8E-45'],
      [9.999999e-4, '9.999999E-4'],
      [-0, '-0.0'],
      [123, '123.0'],
    ];
    for (const [f, s] of cases) expect(javaFloatToString(Math.fround(f)), String(f)).toBe(s);
  });

  it('Double.parseDouble / Float.parseFloat grammar', () => {
    expect(parseJavaDouble(' 1.5f ')).toBe(1.5);
    expect(parseJavaDouble('0x1.8p1')).toBe(3);
    expect(parseJavaDouble('1e99999999999')).toBe(Infinity);
    expect(parseJavaDouble('-NaN')).toBeNaN();
    expect(parseJavaDouble('+Infinity')).toBe(Infinity);
    expect(parseJavaDouble('1.')).toBe(1);
    expect(parseJavaDouble('.5')).toBe(0.5);
    expect(parseJavaDouble('1.5D')).toBe(1.5);
    expect(Object.is(parseJavaDouble('-0'), -0)).toBe(true);
    for (const bad of ['1e', '0x10', '1_0', '', 'Infinityf', 'NaNd', '\u00a01', 'inf', '.']) expect(() => parseJavaDouble(bad), bad).toThrow();
    expect(parseJavaFloat('3.4028235677973366E38')).toBe(Math.fround(3.4028235e38));
    // Just below the midpoint between two floats: rounding through a double would give 1.0000002.
    expect(javaFloatToString(parseJavaFloat('1.00000017881393432617187499'))).toBe('1.0000001');
    expect(Math.fround(Number('1.00000017881393432617187499'))).not.toBe(parseJavaFloat('1.00000017881393432617187499'));
  });

  it('Integer.parseInt / Long.parseLong', () => {
    expect(parseJavaInt('+5')).toBe(5);
    expect(parseJavaInt('-0')).toBe(0);
    expect(parseJavaInt('007')).toBe(7);
    expect(() => parseJavaInt(' 5')).toThrow();
    expect(() => parseJavaInt('2147483648')).toThrow();
    expect(() => parseJavaInt('1.5')).toThrow();
    expect(parseJavaLong('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(() => parseJavaLong('9223372036854775808')).toThrow();
  });
});

describe('BigDecimal', () => {
  it('toString / toPlainString / stripTrailingZeros as Java prints them', () => {
    const cases: Array<[string, string, string, string]> = [
      ['0E+3', '0E+3', '0', '0'],
      ['0.000', '0.000', '0.000', '0'],
      ['1E+2', '1E+2', '100', '1E+2'],
      ['-1.23E-7', '-1.23E-7', '-0.000000123', '-1.23E-7'],
      ['123.4500', '123.4500', '123.4500', '123.45'],
      ['0.0000001', '1E-7', '0.0000001', '1E-7'],
      ['0.000001', '0.000001', '0.000001', '0.000001'],
      ['1E-6', '0.000001', '0.000001', '0.000001'],
      ['-0.0', '0.0', '0.0', '0'],
      ['12E3', '1.2E+4', '12000', '1.2E+4'],
      ['1.2E-3', '0.0012', '0.0012', '0.0012'],
      ['+.5e1', '5', '5', '5'],
    ];
    for (const [input, str, plain, stripped] of cases) {
      const v = parseBigDecimal(input);
      expect(bigDecimalToString(v), input).toBe(str);
      expect(bigDecimalToPlainString(v), input).toBe(plain);
      expect(bigDecimalToString(stripTrailingZeros(v)), input).toBe(stripped);
    }
    for (const bad of ['', '.', '1e', 'e5', '1.2.3', ' 1', '1_0', '0x10']) expect(() => parseBigDecimal(bad), bad).toThrow();
  });

  it('compareTo is numeric, equals is scale-sensitive', () => {
    expect(compareBigDecimal(bd('2.0'), bd('2.00'))).toBe(0);
    expect(bigDecimalEquals(bd('2.0'), bd('2.00'))).toBe(false);
    expect(compareBigDecimal(bd('-1'), bd('-0.5'))).toBe(-1);
    expect(compareBigDecimal(bd('1E+3'), bd('999.999'))).toBe(1);
    expect(compareBigDecimal(bd('0'), bd('0E+5'))).toBe(0);
  });

  it('intValue / longValue truncate and wrap like Java', () => {
    expect(bigDecimalIntValue(bd('1E+10'))).toBe(1410065408);
    expect(bigDecimalIntValue(bd('-7.9'))).toBe(-7);
    expect(bigDecimalLongValue(bd('9223372036854775808.123'))).toBe(-9223372036854775808n);
    expect(bigDecimalLongValue(bd('1E+100'))).toBe(0n);
  });

  it("BigDecimalUtils.serialize / deserialize (BigDecimalUtilsTest's cases)", () => {
    const cases = [
      bd('0'),
      bd('0.0'),
      bd('0.123456789'),
      bd('-0.123456789'),
      bd('123456789'),
      bd('-123456789'),
      bd('123456789.0123456789'),
      bd('-123456789.0123456789'),
      bd('9223372036854775808.123'),
      bd('-9223372036854775808.123'),
      bigDecimal(12345679n, -1), // 123456789.0123456789 setScale(-1, HALF_UP)
      bigDecimal(-12345679n, -1),
      bigDecimal(1234567890123456789n * pow10(118), 128), // setScale(128)
      bigDecimal(-1234567890123456789n * pow10(118), 128),
    ];
    for (const v of cases) {
      const bytes = serializeBigDecimal(v);
      expect(bytes.length).toBe(bigDecimalByteSize(v));
      expect(deserializeBigDecimal(bytes)).toEqual(v);
    }
    expect([...serializeBigDecimal(bd('1.23'))]).toEqual([0x00, 0x02, 0x7b]);
    expect([...serializeBigDecimal(bd('128'))]).toEqual([0x00, 0x00, 0x00, 0x80]);
    expect([...serializeBigDecimal(bd('-1'))]).toEqual([0x00, 0x00, 0xff]);
    expect([...serializeBigDecimal(bd('-128'))]).toEqual([0x00, 0x00, 0x80]);
    expect([...serializeBigDecimal(bd('1E+1'))]).toEqual([0xff, 0xff, 0x01]);
    expect([...bigIntToByteArray(-129n)]).toEqual([0xff, 0x7f]);
    // byteSizeForFixedPrecision(p) = byteSize(10^p - 1)
    expect(bigDecimalByteSize(bigDecimal(pow10(18) - 1n))).toBe(10);
    expect(bigDecimalByteSize(bigDecimal(pow10(32) - 1n))).toBe(16);
    expect(bigDecimalByteSize(bigDecimal(pow10(38) - 1n))).toBe(18);
  });
});

describe('timestamps (TimestampUtilsTest, java.sql.Timestamp in UTC)', () => {
  it('parses the formats TimestampUtils accepts', () => {
    const cases: Array<[string, bigint]> = [
      ['2024-07-12T15:32:36Z', 1720798356000n],
      ['2024-07-12 15:32:36.111Z', 1720798356111n],
      ['2024-07-12T15:32:36.1', 1720798356100n],
      ['2024-07-12T15:32:36.111111Z', 1720798356111n],
      ['2024-07-12 15:32:36.111', 1720798356111n],
      ['2024-07-12 15:32:36', 1720798356000n],
      ['2024-07-12 15:32', 1720798320000n],
      ['2024-07-12', 1720742400000n],
      ['1720798356111', 1720798356111n],
      ['2024-07-12T15:32:36+02:00', 1720791156000n],
      ['2024-07-12T15:32:36-05:00', 1720816356000n],
      ['2024-07-12T15:32:36.123+01:30', 1720792956123n],
      ['2024-07-12T15:32:36+05:45', 1720777656000n],
      ['2021-05-06 18:03:58.61', 1620324238610n],
      // Timestamp.valueOf is lenient; java.time (SMART) clamps the day and allows 24:00
      ['2024-07-12 25:32:36', 1720834356000n],
      ['2024-02-30 10:00:00', 1709287200000n],
      ['2024-02-30', 1709164800000n],
      ['2024-07-12T24:00', 1720828800000n],
      ['2024-1-2 3:4:5', 1704164645000n],
      ['1969-12-31 23:59:59.999', -1n],
      // java.util.Date uses the Julian calendar before 1582-10-15
      ['1582-10-05 00:00:00', -12219292800000n],
      ['1582-10-15 00:00:00', -12219292800000n],
      ['0001-01-01 00:00:00', -62135769600000n],
    ];
    for (const [s, ms] of cases) expect(timestampStringToMillis(s), s).toBe(ms);
    for (const bad of ['July 12, 2024', '2024-07-12T25:32:36', '2024-07-12T15:32:36+25:00', '2024-07-12T15:32:36+02:60', '2024-07-12T15:32:36.12345678910Z', 'This is not a date', '2024-13-01 00:00:00', '2024-07-12T15:32+01', '12024-07-12']) {
      expect(() => timestampStringToMillis(bad), bad).toThrow(/Invalid timestamp/);
    }
  });

  it('formats like Timestamp.toString()', () => {
    expect(javaTimestampToString(0n)).toBe('1970-01-01 00:00:00.0');
    expect(javaTimestampToString(1620324238610n)).toBe('2021-05-06 18:03:58.61');
    expect(javaTimestampToString(-1n)).toBe('1969-12-31 23:59:59.999');
    expect(javaTimestampToString(-12219292800000n)).toBe('1582-10-15 00:00:00.0');
    expect(javaTimestampToString(-12219292800001n)).toBe('1582-10-04 23:59:59.999');
    expect(javaTimestampToString(-62135769600000n)).toBe('0001-01-01 00:00:00.0');
    expect(javaTimestampToString(253402300800000n)).toBe('10000-01-01 00:00:00.0');
  });
});

describe('JSON as Pinot stores it', () => {
  it('re-serializes JSON strings like Jackson (stringToJsonNodeWithBigDecimal(..).toString())', () => {
    const cases: Array<[string, string | undefined]> = [
      ['1.50', '1.5'],
      ['100.0', '1E+2'],
      ['1e2', '1E+2'],
      ['0.0', '0'],
      ['-0', '0'],
      ['-1.5e-3', '-0.0015'],
      ['12345678901234567890123', '12345678901234567890123'],
      ['123 abc', '123'],
      ['{} x', '{}'],
      ['true x', 'true'],
      ['"abc"x', '"abc"'],
      ['', ''],
      ['   ', ''],
      ['{"b":1,"a":2,"b":3}', '{"b":3,"a":2}'],
      ['[1, 2.50, "x\\u0001"]', '[1,2.5,"x\\u0001"]'],
      ['"\\u0007\\b\\t\\n\\f\\r\\u001f\\u007f/"', '"\\u0007\\b\\t\\n\\f\\r\\u001F\u007f/"'],
      ['{"a":1.0E-7}', '{"a":1E-7}'],
      ['123abc', undefined],
      ['123,', undefined],
      ['truex', undefined],
      ['01', undefined],
      ['1.', undefined],
      ['.5', undefined],
      ['+1', undefined],
      ['NaN', undefined],
      ['hello', undefined],
      ['[1,]', undefined],
      ['{a:1}', undefined],
      ['\ufeff{}', undefined],
    ];
    for (const [text, out] of cases) expect(canonicalizeJsonText(text), text).toBe(out);
  });

  it('orders HashMap keys as Java does (Maps.newHashMapWithExpectedSize)', () => {
    expect(javaHashMapOrder(['testKey1', 'testKey2'])).toEqual(['testKey2', 'testKey1']);
    expect(javaHashMapOrder(['b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
    expect(javaHashMapOrder(['zeta', 'alpha', 'mid', 'key2', 'key1', 'array'])).toEqual(['zeta', 'key1', 'mid', 'key2', 'array', 'alpha']);
    expect(javaHashMapOrder(['10', '9', '1', 'name', 'Name', 'é'])).toEqual(['name', '9', '1', 'é', '10', 'Name']);
  });

  it('converts values to JSON columns (PinotDataTypeTest.testJSON / testJSONArray)', () => {
    const f = field('JSON');
    expect(convertValue(f, false)).toBe('false');
    expect(convertValue(f, true)).toBe('true');
    expect(convertValue(f, new Uint8Array([0, 1]))).toBe('"AAE="');
    const doc = '{"bytes":"AAE=","map":{"key1":"value","key2":null,"array":[-5.4,4,"2"]},"timestamp":1620324238610}';
    expect(convertValue(f, doc)).toBe(doc);
    expect(convertValue(f, new Date(1620324238610))).toBe('1620324238610');
    expect(convertValue(f, [false])).toBe('[false]');
    expect(convertValue(f, [])).toBe('[]');
    expect(convertValue(f, {})).toBe('{}');
    expect(convertValue(f, [new Date(1620324238610)])).toBe('[1620324238610]');
    expect(convertValue(f, 'hello')).toBe('"hello"');
    expect(convertValue(f, 1.5)).toBe('1.5');
    expect(convertValue(f, 1e-7)).toBe('1.0E-7');
    expect(convertValue(f, bd('1E+2'))).toBe('1E+2');
    // A Map goes through MapUtils.toString (keys sorted, nested too); maps inside a top-level array keep HashMap order.
    expect(convertValue(f, { b: 1, a: { d: 2, c: [{ z: 1, y: 2 }] } })).toBe('{"a":{"c":[{"y":2,"z":1}],"d":2},"b":1}');
    expect(convertValue(f, [{ testKey1: 1, testKey2: 2 }])).toBe('[{"testKey2":2,"testKey1":1}]');
  });
});

describe('convertValue', () => {
  it('PinotDataTypeTest.testNumberConversion: 123 in any form reaches every numeric type', () => {
    const sources: unknown[] = [123, 123n, bd('123'), ' 123', '123 ', [123], [' 123'], { k: 123 }];
    for (const src of sources) {
      expect(convertValue(field('INT'), src)).toBe(123);
      expect(convertValue(field('LONG'), src)).toBe(123n);
      expect(convertValue(field('FLOAT'), src)).toBe(123);
      expect(convertValue(field('DOUBLE'), src)).toBe(123);
      expect(convertValue(field('BIG_DECIMAL'), src)).toEqual(bd('123'));
      expect(convertValue(mv('INT'), src)).toEqual([123]);
      expect(convertValue(mv('LONG'), src)).toEqual([123n]);
    }
  });

  it('PinotDataTypeTest.testToString / testBoolean / testBytes', () => {
    const s = field('STRING');
    expect(convertValue(s, 123)).toBe('123');
    expect(convertValue(s, 123n)).toBe('123');
    expect(convertValue(s, 123.5)).toBe('123.5');
    expect(convertValue(s, bd('1E+2'))).toBe('100');
    expect(convertValue(s, ' 123')).toBe(' 123');
    expect(convertValue(mv('STRING'), ' 123')).toEqual([' 123']);
    expect(convertValue(s, true)).toBe('true');
    expect(convertValue(field('INT'), true)).toBe(1);
    expect(convertValue(field('LONG'), false)).toBe(0n);
    expect(convertValue(field('DOUBLE'), true)).toBe(1);
    expect(convertValue(field('BOOLEAN'), 'true')).toBe(1);
    expect(convertValue(s, new Uint8Array([0, 1]))).toBe('0001');
    expect(convertValue(field('BYTES'), '0001')).toEqual(new Uint8Array([0, 1]));
    expect(convertValue(field('BYTES'), new Uint8Array([0, 1]))).toEqual(new Uint8Array([0, 1]));
    expect(convertValue(field('BYTES'), ['0001'])).toEqual(new Uint8Array([0, 1]));
    expect(convertValue(mv('BYTES'), ['0001', 'ff'])).toEqual([new Uint8Array([0, 1]), new Uint8Array([255])]);
    expect(convertValue(s, new Date(1620324238610))).toBe('2021-05-06 18:03:58.61');
  });

  it('INT and LONG: parseInt for strings, casts for numbers', () => {
    const i = field('INT');
    expect(conversionError(i, '1.5').message).toBe('column "col": cannot convert "1.5" to INT: For input string: "1.5"');
    expect(convertValue(i, 1.9)).toBe(1);
    expect(convertValue(i, -1.9)).toBe(-1);
    expect(convertValue(i, 3000000000)).toBe(-1294967296); // Long → (int) wraps
    expect(convertValue(i, 1e20)).toBe(2147483647); // Double → (int) saturates
    expect(convertValue(i, NaN)).toBe(0);
    expect(convertValue(i, bd('1E+10'))).toBe(1410065408);
    expect(conversionError(i, '2147483648').reason).toMatch(/out of INT range/);
    expect(conversionError(i, new Date(0)).reason).toBe('Cannot convert value from TIMESTAMP to INT');
    expect(conversionError(i, new Uint8Array([1])).reason).toBe('Cannot convert value from BYTES to INT');
    const l = field('LONG');
    expect(convertValue(l, 1.9)).toBe(1n);
    expect(convertValue(l, ' -42 ')).toBe(-42n);
    expect(convertValue(l, 2n ** 70n)).toBe(0n); // a BigInteger becomes a BigDecimal; longValue() keeps the low 64 bits
    expect(conversionError(l, '9223372036854775808').reason).toMatch(/out of LONG range/);
  });

  it('FLOAT and DOUBLE: Java parsing, float rounding, special values', () => {
    const f = field('FLOAT');
    expect(convertValue(f, 0.1)).toBe(Math.fround(0.1));
    expect(convertValue(f, '0.1')).toBe(Math.fround(0.1));
    expect(convertValue(f, ' 1.5f ')).toBe(1.5);
    expect(convertValue(f, 16777217n)).toBe(16777216);
    expect(convertValue(f, 'NaN')).toBeNull(); // SpecialValueTransformer: NaN → null
    expect(Object.is(convertValue(f, '-0.0'), 0)).toBe(true); // -0.0 → 0.0
    expect(convertValue(mv('FLOAT'), ['NaN', '2'])).toEqual([2]);
    expect(convertValue(mv('DOUBLE'), [NaN, NaN])).toBeNull();
    const d = field('DOUBLE');
    expect(convertValue(d, '1e400')).toBe(Infinity);
    expect(convertValue(d, 9007199254740993n)).toBe(9007199254740992);
    expect(conversionError(d, 'abc').reason).toBe('For input string: "abc"');
  });

  it('BIG_DECIMAL: trailing zeros stripped unless allowTrailingZeros', () => {
    const b = field('BIG_DECIMAL');
    expect(convertValue(b, '1.500')).toEqual(bd('1.5'));
    expect(convertValue(b, '100')).toEqual(bigDecimal(1n, -2));
    expect(formatStored('BIG_DECIMAL', convertValue(b, '100') as BigDecimal)).toBe('1E+2');
    expect(dataTypeToString('BIG_DECIMAL', convertValue(b, '100') as BigDecimal)).toBe('100');
    expect(convertValue(b, 0.1)).toEqual(bd('0.1')); // new BigDecimal(Double.toString(0.1))
    expect(convertValue(b, 1e21)).toEqual(bigDecimal(1n, -21));
    expect(convertValue(b, '0.000')).toEqual(bigDecimal(0n, 0));
    expect(convertValue(b, new Uint8Array([0x00, 0x02, 0x7b]))).toEqual(bd('1.23'));
    expect(convertValue(field('BIG_DECIMAL', { allowTrailingZeros: true }), '1.500')).toEqual(bd('1.500'));
    expect(conversionError(b, NaN).reason).toMatch(/neither a decimal digit/);
  });

  it('BOOLEAN: BooleanUtils for strings, != 0 for numbers', () => {
    const b = field('BOOLEAN');
    expect(convertValue(b, 'TRUE')).toBe(1);
    expect(convertValue(b, ' true ')).toBe(1);
    expect(convertValue(b, '1')).toBe(1);
    expect(convertValue(b, 'yes')).toBe(0);
    expect(convertValue(b, 2)).toBe(1);
    expect(convertValue(b, 0.0)).toBe(0);
    expect(convertValue(b, bd('0'))).toBe(0);
    expect(convertValue(b, bd('0.0'))).toBe(1); // !value.equals(BigDecimal.ZERO) is scale-sensitive
    expect(conversionError(b, new Date(0)).reason).toBe('Cannot convert value from TIMESTAMP to BOOLEAN');
  });

  it('TIMESTAMP: millis, strings, dates', () => {
    const t = field('TIMESTAMP');
    expect(convertValue(t, 1620324238610)).toBe(1620324238610n);
    expect(convertValue(t, '2021-05-06 18:03:58.61')).toBe(1620324238610n);
    expect(convertValue(t, ' 1620324238610 ')).toBe(1620324238610n);
    expect(convertValue(t, new Date(1620324238610))).toBe(1620324238610n);
    expect(convertValue(t, 1.5e12 + 0.7)).toBe(1500000000000n);
    expect(convertValue(t, 0)).toBe(0n); // Pinot's JSON reader would throw (Integer → TIMESTAMP); accepted like an Avro long
    expect(conversionError(t, 'soon').reason).toBe("Invalid timestamp: 'soon'");
    expect(conversionError(t, true).reason).toBe('Cannot convert value from BOOLEAN to TIMESTAMP');
  });

  it('standardizes arrays and objects (DataTypeTransformerTest.testStandardize)', () => {
    const s = field('STRING');
    const m = mv('STRING');
    expect(convertValue(s, {})).toBeNull();
    expect(convertValue(m, {})).toBeNull();
    expect(convertValue(s, { testKey: 'testValue' })).toBe('testValue');
    expect(convertValue(m, { testKey: 'testValue' })).toEqual(['testValue']);
    expect(conversionError(s, { testKey1: 'testValue1', testKey2: 'testValue2' }).reason).toMatch(/2 values for a single-value column/);
    expect(convertValue(m, { testKey1: 'testValue1', testKey2: 'testValue2' })).toEqual(['testValue2', 'testValue1']); // HashMap order
    expect(convertValue(s, [])).toBeNull();
    expect(convertValue(s, ['testValue'])).toBe('testValue');
    expect(conversionError(s, ['testValue1', 'testValue2']).message).toBe(
      'column "col": cannot convert ["testValue1","testValue2"] to STRING: 2 values for a single-value column (Pinot: Cannot read single-value from Object[])',
    );
    expect(convertValue(m, ['testValue1', 'testValue2'])).toEqual(['testValue1', 'testValue2']);
    expect(convertValue(s, { testKey: [] })).toBeNull();
    expect(convertValue(s, { testKey: ['testValue'] })).toBe('testValue');
    expect(convertValue(s, { testKey1: {}, testKey2: { testKey: 'testValue' } })).toBe('testValue');
    expect(convertValue(m, { testKey: ['testValue1', 'testValue2'] })).toEqual(['testValue1', 'testValue2']);
    expect(convertValue(m, [{ testKey: 'testValue1' }, { testKey: 'testValue2' }, {}])).toEqual(['testValue1', 'testValue2']);
    expect(convertValue(m, [[], [{ testKey: 'testValue1' }], { testKey: [['testValue2'], {}] }])).toEqual(['testValue1', 'testValue2']);
    expect(convertValue(m, [null, 'a', null])).toEqual(['a']);
    expect(convertValue(m, [null, null])).toBeNull();
    expect(conversionError(m, [['a', 'b'], 'c']).reason).toMatch(/single-value column/);
  });

  it('multi-value arrays follow the PinotDataType of their first element', () => {
    expect(convertValue(mv('INT'), [1, 2.5, '3'])).toEqual([1, 2, 3]);
    expect(convertValue(mv('DOUBLE'), [1, 2.5])).toEqual([1, 2.5]);
    expect(conversionError(mv('INT'), ['1', 2.5]).reason).toBe('For input string: "2.5"'); // STRING.toInt(2.5.toString())
    expect(convertValue(mv('STRING'), [1, 1.5, true])).toEqual(['1', '1.5', 'true']);
    expect(convertValue(mv('STRING'), [1, bd('1E+2')])).toEqual(['1', '1E+2']); // Object.toString, not toPlainString
    expect(conversionError(mv('BOOLEAN'), [1, 'true']).reason).toMatch(/ClassCastException/);
    expect(convertValue(mv('BOOLEAN'), ['true', 0])).toEqual([1, 0]);
  });

  it('sanitizes strings: \\0, maxLength and the exceed strategies', () => {
    const long = 'x'.repeat(600);
    expect(convertValue(field('STRING'), long)).toBe('x'.repeat(512));
    expect(convertValue(field('STRING'), 'ab\0cd')).toBe('ab');
    expect(convertValue(field('STRING', { maxLength: 3 }), 'abcdef')).toBe('abc');
    expect(convertValue(field('STRING', { maxLength: 3, maxLengthExceedStrategy: 'NO_ACTION' }), 'abcdef')).toBe('abcdef');
    expect(convertValue(field('STRING', { maxLength: 3, maxLengthExceedStrategy: 'NO_ACTION' }), 'abcd\0e')).toBe('abc');
    expect(convertValue(field('STRING', { maxLength: 3, maxLengthExceedStrategy: 'SUBSTITUTE_DEFAULT_VALUE', defaultNullValue: 'dflt' }), 'abcdef')).toBe('dflt');
    expect(conversionError(field('STRING', { maxLength: 3, maxLengthExceedStrategy: 'ERROR' }), 'abcdef').reason).toBe('value of 6 characters exceeds the configured max length 3');
    expect(convertValue(mv('STRING', { maxLength: 2 }), ['abc', 'd'])).toEqual(['ab', 'd']);
    expect(convertValue(field('BYTES', { maxLength: 1 }), 'aabb')).toEqual(new Uint8Array([0xaa, 0xbb])); // BYTES default NO_ACTION
    expect(convertValue(field('BYTES', { maxLength: 1, maxLengthExceedStrategy: 'TRIM_LENGTH' }), 'aabb')).toEqual(new Uint8Array([0xaa]));
    expect(convertValue(field('JSON', { maxLength: 3 }), '"abcdef"')).toBe('"abcdef"'); // JSON default NO_ACTION
    expect(convertValue(field('JSON', { maxLength: 3, maxLengthExceedStrategy: 'TRIM_LENGTH' }), '"abcdef"')).toBe('"ab');
    expect(sanitizeStored(field('STRING', { maxLength: 2 }), 'abc')).toBe('ab');
  });

  it('null, empty and scalar-for-multi-value inputs', () => {
    expect(convertValue(field('INT'), null)).toBeNull();
    expect(convertValue(field('INT'), undefined)).toBeNull();
    expect(convertValue(mv('INT'), [])).toBeNull();
    expect(convertValue(mv('INT'), 5)).toEqual([5]);
    expect(convertValue(field('JSON'), null)).toBeNull();
    expect(conversionError(field('STRING'), Symbol('x')).reason).toMatch(/unsupported value type/);
  });
});

describe('compareStored / formatStored', () => {
  it('orders like Java', () => {
    expect(compareStored('FLOAT', -0, 0)).toBe(-1);
    expect(compareStored('DOUBLE', NaN, Infinity)).toBe(1);
    expect(compareStored('DOUBLE', NaN, NaN)).toBe(0);
    expect(compareStored('INT', -5, 3)).toBe(-1);
    expect(compareStored('LONG', 2n ** 62n, -(2n ** 62n))).toBe(1);
    expect(compareStored('STRING', '\u{1F600}', '\uFFFF')).toBe(-1); // UTF-16 units: 0xD83D < 0xFFFF
    expect(compareStored('STRING', 'Z', 'a')).toBe(-1);
    expect(compareStored('BYTES', new Uint8Array([0x80]), new Uint8Array([0x7f]))).toBe(1);
    expect(compareStored('BYTES', new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(-1);
    expect(compareStored('BIG_DECIMAL', bd('2.0'), bd('2.00'))).toBe(0);
  });

  it("prints min/max values with Java's toString()", () => {
    expect(formatStored('INT', -2147483648)).toBe('-2147483648');
    expect(formatStored('BOOLEAN', 1)).toBe('1');
    expect(formatStored('LONG', -9223372036854775808n)).toBe('-9223372036854775808');
    expect(formatStored('TIMESTAMP', 1620324238610n)).toBe('1620324238610');
    expect(formatStored('FLOAT', Math.fround(0.1))).toBe('0.1');
    expect(formatStored('FLOAT', -Infinity)).toBe('-Infinity');
    expect(formatStored('DOUBLE', 1e7)).toBe('1.0E7');
    expect(formatStored('DOUBLE', 0.001)).toBe('0.001');
    expect(formatStored('BIG_DECIMAL', bd('1E+2'))).toBe('1E+2');
    expect(formatStored('BIG_DECIMAL', bd('0.0000001'))).toBe('1E-7');
    expect(formatStored('BYTES', new Uint8Array([0xab, 0x01]))).toBe('ab01');
    expect(formatStored('STRING', 'x')).toBe('x');
  });
});
