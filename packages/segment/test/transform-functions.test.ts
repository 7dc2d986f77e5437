/**
 * The inbuilt evaluator and scalar functions, with expectations ported from Pinot's tests:
 * pinot-common evaluator/InbuiltFunctionEvaluatorTest, function/scalar/StringFunctionsTest, ArithmeticFunctionsTest,
 * LogicalFunctionsTest, HashFunctionsTest, DataTypeConversionFunctionsTest, regexp/*Test and pinot-core
 * data/function/ArithmeticFunctionsTest, ArrayFunctionsTest, LogicalFunctionsTest, ObjectFunctionsTest,
 * BitFunctionsTest (evaluated through InbuiltFunctionEvaluator there too).
 */
import { describe, expect, it } from 'vitest';
import { parseBigDecimal } from '../src/big-decimal.js';
import { compileExpression, ExpressionCompileError, ExpressionEvaluationError } from '../src/transform/evaluator.js';
import { splitByWholeSeparator, splitPart3, splitPart4 } from '../src/transform/functions-string.js';
import { fromJs, JArray, JFloat, JInt, JMap, type JValue } from '../src/transform/jvalue.js';

const ev = (expr: string, row: Record<string, unknown> = {}): JValue => compileExpression(expr).evaluate((c) => fromJs(row[c]));
const int = (n: number): JInt => new JInt(n);
const ints = (...n: number[]): JArray => new JArray('int', n.map(int));
const strs = (...s: string[]): JArray => new JArray('String', s);
const args = (expr: string): readonly string[] => compileExpression(expr).arguments;
/** Calls a function with the given (JS / Java) argument values, passed through columns a0, a1, ... */
const call = (name: string, ...values: unknown[]): JValue => {
  const row: Record<string, unknown> = {};
  values.forEach((v, i) => (row[`a${i}`] = v));
  return ev(`${name}(${values.map((_, i) => `a${i}`).join(', ')})`, row);
};

describe('InbuiltFunctionEvaluator (InbuiltFunctionEvaluatorTest)', () => {
  it('boolean literals', () => {
    expect(ev('true')).toBe(true);
    expect(ev('false')).toBe(false);
    expect(ev('True')).toBe(true);
    expect(ev('False')).toBe(false);
    expect(ev('1')).toStrictEqual(int(1));
    expect(ev('0')).toStrictEqual(int(0));
  });

  it('or / and / not with nulls', () => {
    expect(ev('or(null, false, true)')).toBe(true);
    expect(ev('or(null, false, null)')).toBeNull();
    expect(ev('or(null, null, null)')).toBeNull();
    expect(ev('or(null, true, null)')).toBe(true);
    expect(ev('or(true, false)')).toBe(true);
    expect(ev('and(null, false, true)')).toBe(false);
    expect(ev('and(null, false, null)')).toBe(false);
    expect(ev('and(null, null, null)')).toBeNull();
    expect(ev('and(null, true, null)')).toBeNull();
    expect(ev('and(true, false)')).toBe(false);
    expect(ev('not(null)')).toBeNull();
    expect(ev('not(false)')).toBe(true);
    expect(ev('not(true)')).toBe(false);
  });

  it('and / or / not reject non-boolean operands with a ClassCastException', () => {
    expect(() => ev('and(1, true)')).toThrow(/java.lang.Integer cannot be cast to class java.lang.Boolean/);
    expect(() => ev('x OR true', { x: 'abc' })).toThrow(/java.lang.String cannot be cast/);
  });

  it('column and literal expressions', () => {
    expect(args('testColumn')).toEqual(['testColumn']);
    for (let i = 0; i < 5; i++) expect(ev('testColumn', { testColumn: `testValue${i}` })).toBe(`testValue${i}`);
    expect(args("'testValue'")).toEqual([]);
    expect(ev("'testValue'")).toBe('testValue');
  });

  it('scalar wrapper with a reserved keyword column: dateTrunc(\'MONTH\', "date")', () => {
    expect(args('dateTrunc(\'MONTH\', "date")')).toEqual(['date']);
    for (let m = 1; m < 9; m++) {
      const millis = Date.UTC(2020, m - 1, 15, 12);
      expect(ev('dateTrunc(\'MONTH\', "date")', { date: millis })).toBe(BigInt(Date.UTC(2020, m - 1, 1)));
    }
  });

  it('regexp_extract name overrides', () => {
    const row = { testColumn: 'testValue0' };
    expect(args("regexp_extract(testColumn, '(.*)([\\d]+)')")).toEqual(['testColumn']);
    expect(ev("regexp_extract(testColumn, '(.*)([\\d]+)')", row)).toBe('testValue0');
    expect(ev("regexp_extract(testColumn, '(.*)([\\d]+)', 2)", row)).toBe('0');
    expect(ev("regexp_extract(testColumn, '(.*)([\\d]+)', 3, 'null')", row)).toBe('null');
  });

  it('functions with columns, literals and nesting', () => {
    expect(args('reverse(testColumn)')).toEqual(['testColumn']);
    expect(ev('reverse(testColumn)', { testColumn: 'testValue1' })).toBe('1eulaVtset');
    expect(args('reverse(12345)')).toEqual([]);
    expect(ev('reverse(12345)')).toBe('54321');
    expect(ev('reverse(reverse(testColumn))', { testColumn: 'testValue2' })).toBe('testValue2');
  });

  it('null arguments of functions that cannot take null give null', () => {
    for (const e of [
      "fromDateTime(\"NULL\", 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')",
      "fromDateTime(\"invalid_identifier\", 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')",
      'toDateTime(1648010797, "invalid_identifier", "invalid_identifier")',
      'toDateTime("invalid_identifier", "invalid_identifier", "invalid_identifier")',
      'toDateTime("NULL", "invalid_identifier", "invalid_identifier")',
      'toDateTime("invalid_identifier", "NULL", "invalid_identifier")',
    ]) {
      expect(ev(e)).toBeNull();
    }
  });

  it('polymorphic bitwise functions resolve to the LONG overload', () => {
    const intRow = { value: 6, rhs: 3, shift: 2 };
    expect(ev('bitNot(value)', intRow)).toBe(-7n);
    expect(ev('bitAnd(value, rhs)', intRow)).toBe(2n);
    expect(ev('bitShiftRightUnsigned(value, shift)', intRow)).toBe(1n);
    expect(ev('bitExtract(value, shift)', { value: 2n ** 40n, shift: 40 })).toStrictEqual(int(1));
  });

  it('arguments list keeps evaluation order and duplicates', () => {
    expect(args('concat(a, concat(b, a))')).toEqual(['a', 'b', 'a']);
  });

  it('wraps failures naming the Java method and arguments', () => {
    let err: unknown;
    try {
      ev("plus(x, 10)", { x: 'abcd' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpressionEvaluationError);
    expect((err as Error).message).toBe('Caught exception while executing function: doublePlus(x,\'10\'): NumberFormatException: For input string: "abcd"');
  });
});

describe('unsupported functions and Groovy', () => {
  it('unknown functions fail at compile time naming the function', () => {
    expect(() => compileExpression('toEpochSecondz(t)')).toThrow(ExpressionCompileError);
    expect(() => compileExpression('toEpochSecondz(t)')).toThrow('Unsupported function: toepochsecondz');
    expect(() => compileExpression('lower(a, b)')).toThrow('Unsupported function: lower with 2 arguments');
  });
  it('IN / NOT IN / || / IS TRUE have no scalar function in Pinot', () => {
    expect(() => compileExpression("a IN ('x', 'y')")).toThrow('Unsupported function: IN (operator IN)');
    expect(() => compileExpression("a NOT IN ('x')")).toThrow('Unsupported function: NOT_IN');
    expect(() => compileExpression("a || 'x'")).toThrow('Unsupported function: ||');
    expect(() => compileExpression('a IS TRUE')).toThrow('Unsupported function: IS_TRUE');
  });
  it('Groovy expressions are rejected', () => {
    expect(() => compileExpression('Groovy({a + 1}, a)')).toThrow(/Groovy transform functions are not supported/);
  });
});

describe('operators', () => {
  it('comparisons resolve to the DOUBLE overloads (equals with a 1e-7 tolerance)', () => {
    const row = { svInt: 123, svDouble: '123', svLong: 123n };
    expect(ev('svInt = 123', row)).toBe(true);
    expect(ev('svDouble > 120', row)).toBe(true);
    expect(ev('svDouble >= 123', row)).toBe(true);
    expect(ev('svDouble < 200', row)).toBe(true);
    expect(ev('svDouble <= 123', row)).toBe(true);
    expect(ev('svLong != 125', row)).toBe(true);
    expect(ev('svLong <> 125', row)).toBe(true);
    expect(ev('svLong = 123', row)).toBe(true);
    expect(ev('between(svLong, 100, 125)', row)).toBe(true);
    expect(ev('svLong BETWEEN 100 AND 125', row)).toBe(true);
    expect(ev('svLong NOT BETWEEN 100 AND 125', row)).toBe(false);
    expect(ev('equals(1.00000001, 1)')).toBe(true);
    expect(ev('notEquals(1.00000001, 1)')).toBe(false);
    // String comparison goes through Double.parseDouble, as in Pinot ("svInt = 'abc'" fails at runtime).
    expect(() => ev("svInt = 'abc'", row)).toThrow(/NumberFormatException/);
    expect(ev("'1e3' = 1000")).toBe(true);
  });

  it('AND / OR / NOT', () => {
    const row = { svInt: 123, svDouble: 123.0, svLong: 123n };
    expect(ev('svInt = 123 AND svDouble <= 200', row)).toBe(true);
    expect(ev('svInt = 125 OR svLong <= 200', row)).toBe(true);
    expect(ev('NOT svInt = 125', row)).toBe(true);
    expect(ev('a = 1 AND b = 2 AND c = 3', { a: 1, b: 2, c: 3 })).toBe(true);
  });

  it('IS NULL / IS NOT NULL (ObjectFunctions)', () => {
    const row = { svNullString: null, svInt: 123, mvLong: [123.5] };
    expect(ev('svNullString is null', row)).toBe(true);
    expect(ev('svInt is not null', row)).toBe(true);
    expect(ev('mvLong is not null', row)).toBe(true);
    expect(ev('mvNullFloat is null', row)).toBe(true);
  });

  it('arithmetic operators give doubles', () => {
    expect(ev('a + b', { a: 1, b: 2 })).toBe(3);
    expect(ev('a - b', { a: 3, b: 4 })).toBe(-1);
    expect(ev('a * b', { a: 5, b: 6 })).toBe(30);
    expect(ev('a / b', { a: 7.5, b: 8 })).toBe(0.9375);
    expect(ev('a % b', { a: 9, b: 5 })).toBe(4);
    expect(ev('-a', { a: 9 })).toBe(-9);
    expect(ev('-5')).toStrictEqual(int(-5));
    expect(ev('- -5')).toStrictEqual(int(5));
    expect(ev('2 + 3 * 4')).toBe(14);
    expect(ev('(2 + 3) * 4')).toBe(20);
    expect(ev('-2147483648')).toStrictEqual(int(-2147483648));
    expect(ev('2147483648')).toBe(2147483648n);
    expect(ev('1.5')).toBe(1.5);
    expect(ev('1e3')).toBe(1000);
  });

  it('CASE WHEN (searched and simple) maps to caseWhen', () => {
    expect(ev("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END", { a: 5 })).toBe('big');
    expect(ev("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END", { a: 0.5 })).toBe('small');
    expect(ev("CASE WHEN a > 1 THEN 'big' END", { a: 0 })).toBeNull();
    expect(ev("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END", { a: 2 })).toBe('two');
    // only Boolean.TRUE selects a branch; a null condition falls through
    expect(ev("CASE WHEN a > 1 THEN 'big' ELSE 'else' END", {})).toBe('else');
    expect(ev("caseWhen(true, 'x', 'y')")).toBe('x');
  });

  it('LIKE and NOT LIKE (case-insensitive, as RegexpLikeConstFunctions.like compiles it)', () => {
    expect(ev("a LIKE 'ab%'", { a: 'ABCD' })).toBe(true);
    expect(ev("a LIKE '_b_'", { a: 'abc' })).toBe(true);
    expect(ev("a LIKE 'b%'", { a: 'abc' })).toBe(false);
    expect(ev("a NOT LIKE 'b%'", { a: 'abc' })).toBe(true);
    expect(ev("a LIKE '%.com'", { a: 'x.com' })).toBe(true);
    expect(ev("a LIKE '%.com'", { a: 'xcom' })).toBe(false);
    expect(ev("a LIKE 'a\\_c'", { a: 'a_c' })).toBe(true);
    expect(ev("a LIKE 'a\\_c'", { a: 'abc' })).toBe(false);
    // a trailing % is stripped before escapes are read: '100\%' means "starts with 100\"
    expect(ev("a LIKE '100\\%'", { a: '100%' })).toBe(false);
  });

  it('CAST(x AS type)', () => {
    expect(ev("CAST('12' AS INT)")).toStrictEqual(int(12));
    expect(ev("CAST('12.7' AS INT)")).toStrictEqual(int(12));
    expect(ev('CAST(a AS BIGINT)', { a: '2021-01-01 00:00:00' })).toBe(1609459200000n);
    expect(ev('CAST(a AS LONG)', { a: '123' })).toBe(123n);
    expect(ev('CAST(a AS DOUBLE)', { a: 3 })).toBe(3);
    expect(ev('CAST(a AS VARCHAR)', { a: 1.5 })).toBe('1.5');
    expect(ev('CAST(a AS STRING)', { a: 3 })).toBe('3');
    expect(ev('CAST(a AS FLOAT)', { a: 1.1 })).toStrictEqual(new JFloat(Math.fround(1.1)));
    expect(ev('CAST(a AS BOOLEAN)', { a: 'TRUE' })).toBe(true);
    expect(ev('CAST(a AS DECIMAL(10, 2))', { a: '1.50' })).toStrictEqual(parseBigDecimal('1.50'));
    expect(ev('CAST(a AS JSON)', { a: '{"x": 1}' })).toBe('{"x":1}');
    expect(() => ev('CAST(a AS REAL)', { a: 1 })).toThrow('Unknown data type: REAL');
  });

  it('COALESCE / NULLIF / isDistinctFrom', () => {
    expect(ev('coalesce(a, b, 3)', { b: 'x' })).toBe('x');
    expect(ev('coalesce(a, b)', {})).toBeNull();
    expect(ev('nullIf(a, b)', { a: 'x', b: 'x' })).toBeNull();
    expect(ev('nullIf(a, b)', { a: 'x', b: 'y' })).toBe('x');
    expect(ev('isDistinctFrom(a, b)', { a: 1, b: 1 })).toBe(false);
    expect(ev('isDistinctFrom(a, b)', { a: 1 })).toBe(true);
    expect(ev('a IS NOT DISTINCT FROM b', {})).toBe(true);
  });
});

describe('arithmetic functions (pinot-core ArithmeticFunctionsTest)', () => {
  const cases: Array<[string, Record<string, unknown>, JValue]> = [
    ['add(a, b)', { a: 1, b: 2 }, 3],
    ['plus(a, b)', { a: 1, b: 2 }, 3],
    ['mult(a, b)', { a: 5, b: 6 }, 30],
    ['a * b', { a: 5n, b: 6 }, 30],
    ['a / b', { a: 7.5, b: 8 }, 0.9375],
    ['div(a, b)', { a: 7.5, b: 8 }, 0.9375],
    ['divide(a, b)', { a: 7.5, b: '8' }, 0.9375],
    ['intdiv(a, b)', { a: 1.5, b: '0.0001' }, 15000n],
    ['intDivOrZero(a, b)', { a: 1.5, b: '0.0001' }, 15000n],
    ['divide(a, b, 0)', { a: 1.5, b: '0' }, 0],
    ['intDivOrZero(a, b)', { a: 1.5, b: '0' }, 0n],
    ['isFinite(a)', { a: 1.5 }, int(1)],
    ['isFinite(a)', { a: Infinity }, int(0)],
    ['isFinite(a)', { a: NaN }, int(0)],
    ['isInfinite(a)', { a: -Infinity }, int(1)],
    ['isInfinite(a)', { a: NaN }, int(0)],
    ['ifNotFinite(a, 2.0)', { a: 1.5 }, 1.5],
    ['ifNotFinite(a, 2.0)', { a: Infinity }, 2],
    ['ifNotFinite(a, 2.0)', { a: NaN }, 2],
    ['isNaN(a)', { a: NaN }, int(1)],
    ['isNaN(a)', { a: Infinity }, int(0)],
    ['mod(a, b)', { a: 9, b: 5 }, 4],
    ['moduloOrZero(a, b)', { a: 9, b: 5 }, 4],
    ['moduloOrZero(a, b)', { a: 9, b: 0 }, 0],
    ['positiveModulo(a, b)', { a: 9, b: 5 }, 4],
    ['positiveModulo(a, b)', { a: 9, b: -5 }, 4],
    ['positiveModulo(a, b)', { a: -9, b: 5 }, 1],
    ['positiveModulo(a, b)', { a: -9, b: -5 }, 1],
    ['negate(a)', { a: 9 }, -9],
    ['negate(a)', { a: -9 }, 9],
    ['least(a, b)', { a: 9, b: 5 }, 5],
    ['greatest(a, b)', { a: 9, b: 5 }, 9],
    ['abs(a)', { a: 9.5 }, 9.5],
    ['abs(b)', { b: -9.5 }, 9.5],
    ['sign(a)', { a: 9.5 }, 1],
    ['sign(b)', { b: -9.5 }, -1],
    ['floor(a)', { a: 9.5 }, 9],
    ['ceil(a)', { a: 9.5 }, 10],
    ['exp(a)', { a: 9.5 }, Math.exp(9.5)],
    ['sqrt(a)', { a: 9.5 }, Math.sqrt(9.5)],
    ['ln(a)', { a: 9.5 }, Math.log(9.5)],
    ['log10(a)', { a: 9.5 }, Math.log10(9.5)],
    ['log2(a)', { a: 9.5 }, Math.log(9.5) / Math.log(2)],
    ['power(a, 2)', { a: 9.5 }, 9.5 * 9.5],
    ['gcd(a, b)', { a: 9n, b: 6n }, 3n],
    ['lcm(a, b)', { a: 9n, b: 6n }, 18n],
    ['gcd(a, b)', { a: 9n, b: 0n }, 9n],
    ['lcm(a, b)', { a: 9n, b: 0n }, 0n],
    ['gcd(a, b)', { a: 0n, b: 0n }, 0n],
    ['hypot(a, b)', { a: 3.5, b: 4.5 }, Math.hypot(3.5, 4.5)],
    ['byteswapInt(a)', { a: 0x12345678 }, int(0x78563412)],
    ['byteswapLong(a)', { a: 0x1234567890abcdefn }, BigInt.asIntN(64, 0xefcdab9078563412n)],
  ];
  for (const [expr, row, expected] of cases) {
    it(`${expr} with ${JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, () => {
      const r = ev(expr, row);
      if (typeof expected === 'number' && Number.isNaN(expected)) expect(r).toBeNaN();
      else expect(r).toStrictEqual(expected);
    });
  }

  it('roundDecimal and truncate (BigDecimal HALF_UP / DOWN)', () => {
    const table: Array<[number, number, number, number, number, number]> = [
      // a, roundDecimal(a), roundDecimal(a,1), roundDecimal(a,2), truncate(a), truncate(a,1)
      [9.5, 10, 9.5, 9.5, 9, 9.5],
      [9.4, 9, 9.4, 9.4, 9, 9.4],
      [9.6, 10, 9.6, 9.6, 9, 9.6],
      [9.45, 9, 9.5, 9.45, 9, 9.4],
      [9.46, 9, 9.5, 9.46, 9, 9.4],
    ];
    for (const [a, r0, r1, r2, t0, t1] of table) {
      expect(ev('roundDecimal(a)', { a })).toBe(r0);
      expect(ev('roundDecimal(a, 1)', { a })).toBe(r1);
      expect(ev('roundDecimal(a, 2)', { a })).toBe(r2);
      expect(ev('truncate(a)', { a })).toBe(t0);
      expect(ev('truncate(a, 1)', { a })).toBe(t1);
    }
    expect(ev('roundDecimal(a, 0)', { a: 9.5 })).toBe(10);
    for (const a of [Infinity, -Infinity]) {
      expect(ev('roundDecimal(a)', { a })).toBe(a);
      expect(ev('roundDecimal(a, 2)', { a })).toBe(a);
    }
    expect(ev('roundDecimal(a)', { a: NaN })).toBeNaN();
  });

  it('other math (ArithmeticFunctionsTest in pinot-common)', () => {
    expect(ev('cbrt(27)')).toBe(3);
    expect(ev('exp2(3)')).toBe(8);
    expect(ev('exp10(2)')).toBe(100);
    expect(ev('sigmoid(0)')).toBe(0.5);
    expect(ev('pi()')).toBe(Math.PI);
    expect(ev('e()')).toBe(Math.E);
    expect(ev('bitCount(255)')).toStrictEqual(int(8));
    expect(ev('bitCount(-1)')).toStrictEqual(int(64));
    expect(ev('factorial(5)')).toBe(120n);
    expect(ev('factorial(20)')).toBe(2432902008176640000n);
    expect(() => ev('factorial(21)')).toThrow('factorial argument must be between 0 and 20, got 21');
    expect(ev('widthBucket(5.35, 0.024, 10.06, 5)')).toStrictEqual(int(3));
    expect(ev('widthBucket(-1, 0, 10, 5)')).toStrictEqual(int(0));
    expect(ev('widthBucket(10, 0, 10, 5)')).toStrictEqual(int(6));
    expect(ev('rand(42)')).toBe(ev('rand(42)'));
    const r = ev('rand()') as number;
    expect(r >= 0 && r < 1).toBe(true);
  });

  it('trigonometry', () => {
    expect(ev('sin(0)')).toBe(0);
    expect(ev('cos(0)')).toBe(1);
    expect(ev('degrees(pi())')).toBe(180);
    expect(ev('radians(180)')).toBe(Math.PI);
    expect(ev('atan2(1, 1)')).toBe(Math.atan2(1, 1));
    expect(ev('asinh(0)')).toBe(0);
  });
});

describe('string functions (StringFunctionsTest)', () => {
  it('basics', () => {
    expect(call('lower', 'ABC')).toBe('abc');
    expect(call('upper', 'abc')).toBe('ABC');
    expect(ev('trim(a)', { a: '  x  ' })).toBe('x');
    expect(ev('trim(a)', { a: '\tx\t' })).toBe('\tx\t'); // TRIM(x) is TRIM(BOTH ' ' FROM x)
    expect(ev("trim(LEADING 'x' FROM a)", { a: 'xxabcxx' })).toBe('abcxx');
    expect(ev("trim(TRAILING 'x' FROM a)", { a: 'xxabcxx' })).toBe('xxabc');
    expect(ev("trim(BOTH 'xy' FROM a)", { a: 'xyabcyx' })).toBe('abc');
    expect(call('ltrim', ' \t a ')).toBe('a ');
    expect(call('rtrim', ' a \n')).toBe(' a');
    expect(ev("concat(a, b, '-')", { a: 'x', b: 'y' })).toBe('x-y');
    expect(ev("concat_ws('-', a, b)", { a: 'x', b: 'y' })).toBe('x-y');
    expect(ev('concat(a, b)', { a: 'x', b: 1.5 })).toBe('x1.5');
    expect(ev('substr(a, 2)', { a: 'abcdef' })).toBe('cdef');
    expect(ev('substr(a, 1, 3)', { a: 'abcdef' })).toBe('bc');
    expect(ev('substr(a, 1, -1)', { a: 'abcdef' })).toBe('bcdef');
    expect(ev('substr(a, -2)', { a: 'abcdef' })).toBe('ef');
    expect(ev('substring(a, 2)', { a: 'abcdef' })).toBe('bcdef');
    expect(ev('substring(a, 2, 3)', { a: 'abcdef' })).toBe('bcd');
    expect(ev('SUBSTRING(a FROM 2 FOR 3)', { a: 'abcdef' })).toBe('bcd');
    expect(ev("replace(a, 'b', 'X')", { a: 'abcb' })).toBe('aXcX');
    expect(call('reverse', 'a\uD83D\uDE00b')).toBe('b\uD83D\uDE00a');
    expect(call('length', '\uD83D\uDE00')).toStrictEqual(int(2));
    expect(ev("strpos(a, 'b')", { a: 'abcb' })).toStrictEqual(int(1));
    expect(ev("strpos(a, 'b', 2)", { a: 'abcb' })).toStrictEqual(int(3));
    expect(ev("strpos(a, 'aa', 2)", { a: 'aaa' })).toStrictEqual(int(1));
    expect(ev("strrpos(a, 'b')", { a: 'abcb' })).toStrictEqual(int(3));
    expect(ev("strrpos(a, 'b', 2)", { a: 'abcb' })).toStrictEqual(int(1));
    expect(ev("startsWith(a, 'ab')", { a: 'abc' })).toBe(true);
    expect(ev("endsWith(a, 'bc')", { a: 'abc' })).toBe(true);
    expect(ev("lpad(a, 5, 'xy')", { a: 'ab' })).toBe('xyxab');
    expect(ev("rpad(a, 5, 'xy')", { a: 'ab' })).toBe('abxyx');
    expect(ev("lpad(a, 1, 'x')", { a: 'ab' })).toBe('ab');
    expect(ev("left(a, 2)", { a: 'abc' })).toBe('ab');
    expect(ev("rightSubStr(a, 2)", { a: 'abc' })).toBe('bc');
    expect(call('codepoint', 'A')).toStrictEqual(int(65));
    expect(ev('chr(65)')).toBe('A');
    expect(ev('repeat(a, 3)', { a: 'ab' })).toBe('ababab');
    expect(ev("repeat(a, '-', 3)", { a: 'ab' })).toBe('ab-ab-ab');
    expect(ev("remove(a, 'b')", { a: 'abcb' })).toBe('ac');
    expect(ev("contains(a, 'bc')", { a: 'abcd' })).toBe(true);
    expect(ev("strcmp(a, 'abd')", { a: 'abc' })).toStrictEqual(int(-1));
    expect(call('normalize', 'e\u0301')).toBe('\u00e9');
    expect(ev("normalize(a, 'NFD')", { a: '\u00e9' })).toBe('e\u0301');
  });

  it('split (StringUtils.splitByWholeSeparator) and splitPart', () => {
    expect(ev("split(a, ',')", { a: 'a,b,,c,' })).toStrictEqual(strs('a', 'b', 'c', ''));
    expect(ev("split(a, ',', 2)", { a: 'a,b,c' })).toStrictEqual(strs('a', 'b,c'));
    expect(ev("split(a, '')", { a: ' a  b ' })).toStrictEqual(strs('a', 'b'));
    expect(ev("stringToArray(a, '::')", { a: 'x::y' })).toStrictEqual(strs('x', 'y'));
    const table: Array<[string, string, number, number, string, string]> = [
      ['org.apache.pinot.common.function', '.', 0, 100, 'org', 'org'],
      ['org.apache.pinot.common.function', '.', 10, 100, 'null', 'null'],
      ['org.apache.pinot.common.function', '.', 1, 0, 'apache', 'apache'],
      ['org.apache.pinot.common.function', '.', 1, 1, 'apache', 'null'],
      ['org.apache.pinot.common.function', '.', 0, 1, 'org', 'org.apache.pinot.common.function'],
      ['org.apache.pinot.common.function', '.', 1, 2, 'apache', 'apache.pinot.common.function'],
      ['org.apache.pinot.common.function', '.', 2, 3, 'pinot', 'pinot.common.function'],
      ['org.apache.pinot.common.function', '.', 3, 4, 'common', 'common.function'],
      ['org.apache.pinot.common.function', '.', 4, 5, 'function', 'function'],
      ['org.apache.pinot.common.function', '.', 5, 6, 'null', 'null'],
      ['org.apache.pinot.common.function', '.', 3, 3, 'common', 'null'],
      ['+++++', '+', 0, 100, '', ''],
      ['+++++', '+', 1, 100, 'null', 'null'],
      ['+++++org++apache++', '', 1, 100, 'null', 'null'],
      ['+++++org++apache++', '', 0, 100, '+++++org++apache++', '+++++org++apache++'],
      ['org.apache.pinot.common.function', '.', -1, 100, 'function', 'function'],
      ['org.apache.pinot.common.function', '.', -10, 100, 'null', 'null'],
      ['org.apache.pinot.common.function', '.', -2, 0, 'common', 'common'],
      ['org.apache.pinot.common.function', '.', -1, 1, 'function', 'org.apache.pinot.common.function'],
      ['org.apache.pinot.common.function', '.', -2, 1, 'common', 'null'],
      ['org.apache.pinot.common.function', '.', -1, 2, 'function', 'apache.pinot.common.function'],
      ['org.apache.pinot.common.function', '.', -2, 2, 'common', 'org'],
      ['org.apache.pinot.common.function', '.', -1, 3, 'function', 'pinot.common.function'],
      ['org.apache.pinot.common.function', '.', -3, 3, 'pinot', 'org'],
      ['org.apache.pinot.common.function', '.', -4, 3, 'apache', 'null'],
      ['org.apache.pinot.common.function', '.', -1, 4, 'function', 'common.function'],
      ['org.apache.pinot.common.function', '.', -3, 4, 'pinot', 'apache'],
      ['org.apache.pinot.common.function', '.', -4, 4, 'apache', 'org'],
      ['org.apache.pinot.common.function', '.', -1, 5, 'function', 'function'],
      ['org.apache.pinot.common.function', '.', -5, 5, 'org', 'org'],
      ['org.apache.pinot.common.function', '.', -6, 5, 'null', 'null'],
      ['org.apache.pinot.common.function', '.', -1, 6, 'function', 'function'],
      ['org.apache.pinot.common.function', '.', -5, 6, 'org', 'org'],
      ['org.apache.pinot.common.function', '.', -6, 6, 'null', 'null'],
      ['+++++', '+', -1, 100, '', ''],
      ['+++++', '+', -2, 100, 'null', 'null'],
      ['hello', '', -1, 100, 'hello', 'hello'],
      ['hello', '', -2, 100, 'null', 'null'],
      ['abc', '.', 0, 100, 'abc', 'abc'],
      ['abc', '.', 1, 100, 'null', 'null'],
      ['abc', '.', -1, 100, 'abc', 'abc'],
      ['abc', '.', -2, 100, 'null', 'null'],
      ['.', '.', 0, 100, '', ''],
      ['.', '.', 1, 100, 'null', 'null'],
      ['.', '.', -1, 100, '', ''],
      ['org++apache++', '+', 0, 100, 'org', 'org'],
      ['org++apache++', '+', 1, 100, 'apache', 'apache'],
      ['org++apache++', '+', 2, 100, '', ''],
      ['org++apache++', '+', 3, 100, 'null', 'null'],
      ['org++apache++', '+', -1, 100, '', ''],
      ['org++apache++', '+', -2, 100, 'apache', 'apache'],
      ['org++apache++', '+', -3, 100, 'org', 'org'],
      ['org++apache++', '+', -4, 100, 'null', 'null'],
      ['++org++apache++', '+', 0, 100, 'org', 'org'],
      ['++org++apache++', '+', 1, 100, 'apache', 'apache'],
      ['++org++apache++', '+', -1, 100, '', ''],
      ['++org++apache++', '+', -2, 100, 'apache', 'apache'],
      ['++org++apache++', '+', -3, 100, 'org', 'org'],
      ['++org++apache++', '+', -4, 100, 'null', 'null'],
      ['++abc++', '+', 0, 100, 'abc', 'abc'],
      ['++abc++', '+', -1, 100, '', ''],
      ['++abc++', '+', -2, 100, 'abc', 'abc'],
      ['++abc++', '+', -3, 100, 'null', 'null'],
      ['org::apache::pinot', '::', 0, 100, 'org', 'org'],
      ['org::apache::pinot', '::', 1, 100, 'apache', 'apache'],
      ['org::apache::pinot', '::', 2, 100, 'pinot', 'pinot'],
      ['org::apache::pinot', '::', 3, 100, 'null', 'null'],
      ['org::apache::pinot', '::', -1, 100, 'pinot', 'pinot'],
      ['org::apache::pinot', '::', -2, 100, 'apache', 'apache'],
      ['org::apache::pinot', '::', -3, 100, 'org', 'org'],
      ['org::apache::pinot', '::', -4, 100, 'null', 'null'],
      ['::::org::::apache', '::', 0, 100, 'org', 'org'],
      ['::::org::::apache', '::', 1, 100, 'apache', 'apache'],
      ['::::org::::apache', '::', 2, 100, 'null', 'null'],
      ['::::org::::apache', '::', -1, 100, 'apache', 'apache'],
      ['::::org::::apache', '::', -2, 100, 'org', 'org'],
      ['::::org::::apache', '::', -3, 100, 'null', 'null'],
      ['::org::apache::', '::', 0, 100, 'org', 'org'],
      ['::org::apache::', '::', 1, 100, 'apache', 'apache'],
      ['::org::apache::', '::', 2, 100, '', ''],
      ['::org::apache::', '::', -1, 100, '', ''],
      ['::org::apache::', '::', -2, 100, 'apache', 'apache'],
      ['::org::apache::', '::', -3, 100, 'org', 'org'],
      ['::org::apache::', '::', -4, 100, 'null', 'null'],
      ['', '.', 0, 100, 'null', 'null'],
      ['', '.', -1, 100, 'null', 'null'],
      ['', '.', -2, 100, 'null', 'null'],
      ['', '::', -1, 100, 'null', 'null'],
      ['org.apache.pinot', '.', -2147483648, 100, 'null', 'null'],
    ];
    for (const [input, delim, index, limit, expected, expectedWithLimit] of table) {
      expect(splitPart3(input, delim, index), `${input} ${delim} ${index}`).toBe(expected);
      expect(splitPart4(input, delim, limit, index), `${input} ${delim} ${limit} ${index}`).toBe(expectedWithLimit);
    }
    expect(ev("splitPart(a, '.', 1)", { a: 'x.y.z' })).toBe('y');
    expect(ev("split_part(a, '.', 2, 1)", { a: 'x.y.z' })).toBe('y.z');
  });

  it('splitPart agrees with splitByWholeSeparator on random input (testSplitPartRandomized)', () => {
    const chars = 'abcdefg.,:;+-_/';
    const delimiters = ['.', ',', ':', '::', '++', 'ab', '///'];
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let iter = 0; iter < 5000; iter++) {
      const len = rnd(50);
      let input = '';
      for (let i = 0; i < len; i++) input += chars[rnd(chars.length)];
      const delim = delimiters[rnd(delimiters.length)]!;
      const index = rnd(21) - 10;
      const parts = splitByWholeSeparator(input, delim);
      const expected = index >= 0 && index < parts.length ? parts[index] : index < 0 && index >= -parts.length ? parts[parts.length + index] : 'null';
      expect(splitPart3(input, delim, index), `'${input}' '${delim}' ${index}`).toBe(expected);
    }
  });

  it('isJson', () => {
    expect(call('isJson', '')).toBe(true);
    expect(call('isJson', '{"key": "value"}')).toBe(true);
    expect(call('isJson', '{"key": "value", }')).toBe(false);
    expect(call('isJson', '{"key": "va')).toBe(false);
  });

  it('prefixes and suffixes', () => {
    expect(ev('prefixes(a, 3)', { a: 'abcde' })).toStrictEqual(strs('a', 'ab', 'abc'));
    expect(ev('suffixes(a, 3)', { a: 'abcde' })).toStrictEqual(strs('e', 'de', 'cde'));
    expect(ev("prefixesWithPrefix(a, 3, '^')", { a: 'abcde' })).toStrictEqual(strs('^a', '^ab', '^abc'));
    expect(ev("suffixesWithSuffix(a, 3, '$')", { a: 'abcde' })).toStrictEqual(strs('e$', 'de$', 'cde$'));
    expect(ev('prefixes(a, 9)', { a: 'a' })).toStrictEqual(strs('a'));
    expect(ev('prefixes(a, 0)', { a: 'abcde' })).toStrictEqual(strs());
    expect(ev('suffixes(a, 3)', { a: '' })).toStrictEqual(strs());
  });

  it('initcap', () => {
    const table: Array<[string, string]> = [
      ['hello world', 'Hello World'],
      ['HELLO WORLD', 'Hello World'],
      ['HeLLo WoRLd', 'Hello World'],
      ['hello  world', 'Hello  World'],
      [' hello world ', ' Hello World '],
      ['hello-world', 'Hello-world'],
      ['hello_world', 'Hello_world'],
      ['123hello world', '123hello World'],
      ['hello\tworld', 'Hello\tWorld'],
      ['hello\nworld', 'Hello\nWorld'],
      ['', ''],
      ['SQL is AWESOME', 'Sql Is Awesome'],
      ['café résumé', 'Café Résumé'],
      ['one,two,three', 'One,two,three'],
    ];
    for (const [input, expected] of table) expect(call('initcap', input)).toBe(expected);
  });

  it('UUID bytes', () => {
    expect(call('fromUUIDBytes', call('toUUIDBytes', '550E8400-E29B-41D4-A716-446655440000'))).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(call('toUUIDBytes', 'not-a-uuid')).toBeNull();
  });

  it('levenshtein and hamming distances', () => {
    const table: Array<[string, string, number]> = [
      ['', '', 0],
      ['a', '', 1],
      ['kitten', 'sitting', 3],
      ['saturday', 'sunday', 3],
      ['intention', 'execution', 5],
      ['algorithm', 'altruistic', 6],
      ['abcdefghijklmnop', '1234567890123456', 16],
      ['programming', 'grammar', 6],
      ['WORLD', 'world', 5],
    ];
    for (const [a, b, d] of table) expect(call('levenshteinDistance', a, b)).toStrictEqual(int(d));
    expect(call('hammingDistance', 'abc', 'aef')).toStrictEqual(int(2));
    expect(call('hammingDistance', 'abc', 'abcd')).toStrictEqual(int(-1));
  });

  it('soundex and difference', () => {
    expect(call('soundex', 'Robert')).toBe('R163');
    expect(call('soundex', 'Rupert')).toBe('R163');
    expect(call('soundex', 'Ashcraft')).toBe('A261');
    expect(call('soundex', '')).toBe('0000');
    expect(ev('soundex(a)', {})).toBeNull();
    expect(call('difference', 'Robert', 'Rupert')).toStrictEqual(int(4));
    expect(call('difference', 'Smith', 'Johnson')).toStrictEqual(int(1));
    expect(call('difference', '', '')).toStrictEqual(int(4));
    expect(call('difference', 'Robert', '')).toStrictEqual(int(0));
  });

  it('encodeUrl / decodeUrl', () => {
    expect(call('encodeUrl', '')).toBe('');
    expect(call('encodeUrl', ' ')).toBe('+');
    expect(call('encodeUrl', '?')).toBe('%3F');
    expect(call('encodeUrl', 'http://localhost:8080/hello?a=b')).toBe('http%3A%2F%2Flocalhost%3A8080%2Fhello%3Fa%3Db');
    expect(call('encodeUrl', 'http://localhost:8080/hello?paramWithSpace=a b')).toBe('http%3A%2F%2Flocalhost%3A8080%2Fhello%3FparamWithSpace%3Da+b');
    expect(call('decodeUrl', 'http%3A%2F%2Flocalhost%3A8080%2Fhello%3FparamWithSpace%3Da+b')).toBe('http://localhost:8080/hello?paramWithSpace=a b');
    expect(call('decodeUrl', '%E2%82%AC')).toBe('€');
  });

  it('ascii, space, substringIndex, firstLine, case-insensitive prefix/suffix, lengths', () => {
    expect(call('ascii', 'A')).toStrictEqual(int(65));
    expect(call('ascii', '')).toStrictEqual(int(0));
    expect(ev('space(5)')).toBe('     ');
    expect(ev('space(-1)')).toBe('');
    const si: Array<[string, string, number, string]> = [
      ['a.b.c.d', '.', 1, 'a'],
      ['a.b.c.d', '.', 2, 'a.b'],
      ['a.b.c.d', '.', 10, 'a.b.c.d'],
      ['a.b.c.d', '.', -1, 'd'],
      ['a.b.c.d', '.', -3, 'b.c.d'],
      ['a.b.c.d', '.', -10, 'a.b.c.d'],
      ['a.b.c', '.', 0, ''],
      ['a.b.c', '', 1, ''],
      ['abc', '.', -1, 'abc'],
      ['a::b::c', '::', 1, 'a'],
      ['a::b::c', '::', -1, 'c'],
    ];
    for (const [s, d, n, e] of si) expect(call('substringIndex', s, d, n)).toBe(e);
    expect(call('firstLine', 'hello\r\nworld')).toBe('hello');
    expect(call('firstLine', '\nstart')).toBe('');
    expect(call('startsWithCaseInsensitive', 'Hello World', 'HELLO')).toBe(true);
    expect(call('startsWithCaseInsensitive', 'Hello World', 'world')).toBe(false);
    expect(call('endsWithCaseInsensitive', 'Hello World', 'WORLD')).toBe(true);
    expect(call('isValidASCII', 'café')).toBe(false);
    expect(call('isValidASCII', 'Hello World 123!@#')).toBe(true);
    expect(call('bitLength', '日')).toStrictEqual(int(24));
    expect(call('octetLength', 'é')).toStrictEqual(int(2));
    expect(call('charLength', '\uD83D\uDE00')).toStrictEqual(int(1));
  });

  it('regexpCount / regexpSubstr / translate / overlay', () => {
    expect(call('regexpCount', 'hello world hello', 'hello')).toStrictEqual(int(2));
    expect(call('regexpCount', 'aaaa', 'aa')).toStrictEqual(int(2));
    expect(call('regexpCount', 'abc123def456', '\\d+')).toStrictEqual(int(2));
    expect(call('regexpCount', '', 'a')).toStrictEqual(int(0));
    expect(call('regexpSubstr', 'hello world', 'w\\w+')).toBe('world');
    expect(call('regexpSubstr', 'hello', '\\d+')).toBeNull();
    expect(call('translate', 'hello', 'aeiou', 'AEIOU')).toBe('hEllO');
    expect(call('translate', 'abcdef', 'ace', 'XY')).toBe('XbYdf');
    expect(call('translate', '12300', '0123456789', 'zero')).toBe('erozz');
    expect(call('translate', 'aaa', 'aa', 'XY')).toBe('XXX');
    expect(call('overlay', 'hello world', 'there', 7)).toBe('hello there');
    expect(call('overlay', 'abcdef', 'XY', 3, 0)).toBe('abXYcdef');
    expect(call('overlay', 'abcdef', 'XY', 3, 4)).toBe('abXY');
    expect(call('overlay', 'abc', 'XY', 10)).toBe('abcXY');
    expect(call('overlay', 'abc', 'Z', 2, 100)).toBe('aZ');
  });

  it('bytes and charsets', () => {
    expect(call('toUtf8', 'é')).toStrictEqual(new Uint8Array([0xc3, 0xa9]));
    expect(call('fromUtf8', new Uint8Array([0xc3, 0xa9]))).toBe('é');
    expect(call('toAscii', 'é')).toStrictEqual(new Uint8Array([0x3f]));
    expect(call('toBytes', 'é', 'ISO-8859-1')).toStrictEqual(new Uint8Array([0xe9]));
    expect(call('fromBytes', new Uint8Array([0xe9]), 'ISO-8859-1')).toBe('é');
    expect(call('toBytes', 'x', 'NO-SUCH-CHARSET')).toBeNull();
    expect(call('toBase64', new Uint8Array([1, 2, 3]))).toBe('AQID');
    expect(call('fromBase64', 'AQID')).toStrictEqual(new Uint8Array([1, 2, 3]));
    expect(() => call('fromBase64', 'A')).toThrow(/IllegalArgumentException/);
  });
});

describe('regexp functions (regexp/*Test)', () => {
  it('regexpExtract (const pattern compiled on the first call) and regexpExtractVar', () => {
    expect(ev("regexpExtract(a, '([a-z]+)-(\\d+)', 2)", { a: 'foo-123' })).toBe('123');
    expect(ev("regexpExtract(a, '([a-z]+)-(\\d+)', 3, 'dflt')", { a: 'foo-123' })).toBe('dflt');
    expect(ev("regexpExtract(a, 'x(y)?z', 1)", { a: 'xz' })).toBeNull();
    expect(ev("regexpExtract(a, '\\d+')", { a: 'no digits' })).toBe('');
    const constEval = compileExpression('regexpExtract(a, p)');
    expect(constEval.evaluate((c) => fromJs({ a: 'abc123', p: '\\d+' }[c]))).toBe('123');
    // Pinot keeps the first pattern of a "const" function instance
    expect(constEval.evaluate((c) => fromJs({ a: 'abc123', p: '[a-z]+' }[c]))).toBe('123');
    const varEval = compileExpression('regexpExtractVar(a, p)');
    expect(varEval.evaluate((c) => fromJs({ a: 'abc123', p: '[a-z]+' }[c]))).toBe('abc');
  });

  it('regexpReplace', () => {
    expect(ev("regexpReplace(a, 'a', 'x')", { a: 'banana' })).toBe('bxnxnx');
    expect(ev("regexpReplace(a, '(an)', '<$1>')", { a: 'banana' })).toBe('b<an><an>a');
    expect(ev("regexpReplace(a, 'a', 'x', 2)", { a: 'banana' })).toBe('banxnx');
    expect(ev("regexpReplace(a, 'a', 'x', 0, 1)", { a: 'banana' })).toBe('banxna');
    expect(ev("regexpReplace(a, 'A', 'x', 0, -1, 'i')", { a: 'banana' })).toBe('bxnxnx');
    expect(ev("regexpReplace(a, 'A', 'x', 0, -1, 'c')", { a: 'banana' })).toBe('banana');
    expect(ev("regexpReplace(a, '\\s+', ' ')", { a: 'a \t\n b' })).toBe('a b');
    expect(ev("regexpReplace(a, '(?<first>\\w+) (?<last>\\w+)', '${last}, ${first}')", { a: 'John Smith' })).toBe('Smith, John');
    expect(ev("regexpReplace(a, 'x', '\\$')", { a: 'axb' })).toBe('a$b');
    expect(() => ev("regexpReplace(a, 'x', '$2')", { a: 'axb' })).toThrow('No group 2');
    expect(ev("regexpReplaceVar(a, '[0-9]', '#')", { a: 'a1b22' })).toBe('a#b##');
  });

  it('regexpLike (find semantics, match parameter)', () => {
    expect(ev("regexpLike(a, 'an')", { a: 'banana' })).toBe(true);
    expect(ev("regexpLike(a, '^an')", { a: 'banana' })).toBe(false);
    expect(ev("regexpLike(a, 'AN', 'i')", { a: 'banana' })).toBe(true);
    expect(ev("regexpLike(a, 'AN', 'c')", { a: 'banana' })).toBe(false);
    expect(() => ev("regexpLike(a, 'AN', 'x')", { a: 'banana' })).toThrow(/Unsupported match parameter/);
    expect(ev("regexpLikeVar(a, p)", { a: 'foo.bar', p: 'o\\.b' })).toBe(true);
    expect(ev("likeVar(a, p)", { a: 'foobar', p: 'FOO%' })).toBe(true);
  });

  it('Java regex syntax translated to JS', () => {
    expect(ev("regexpExtract(a, '\\p{Alpha}+')", { a: '12abc34' })).toBe('abc');
    expect(ev("regexpExtract(a, '\\Q.*\\E')", { a: 'x.*y' })).toBe('.*');
    expect(ev("regexpExtract(a, '(?i)abc')", { a: 'xABCx' })).toBe('ABC');
    expect(ev("regexpExtract(a, 'a.c')", { a: 'a\nc' })).toBe('');
    expect(ev("regexpExtract(a, '(?s)a.c')", { a: 'a\nc' })).toBe('a\nc');
    expect(ev("regexpLike(a, 'abc$')", { a: 'abc\n' })).toBe(true);
    expect(ev("regexpLike(a, '\\Aabc\\z')", { a: 'abc\n' })).toBe(false);
    expect(() => ev("regexpLike(a, 'a*+')", { a: 'aaa' })).toThrow(/Possessive quantifiers are not supported/);
  });
});

describe('array functions (pinot-core ArrayFunctionsTest)', () => {
  const row = {
    intArray: new JArray('int', [3, 2, 10, 6, 1, 12].map(int)),
    integerArray: [3, 2, 10, 6, 1, 12],
    longArray: new JArray('long', [3n, 2n, 10n, 6n, 1n, 12n]),
    stringArray: ['3', '2', '10', '6', '1', '12'],
    stringArrayWithNulls: new JArray('String', ['3', '2', '10', '6', '1', '12', '', null]),
  };
  const cases: Array<[string, JValue]> = [
    ['array_reverse_int(intArray)', ints(12, 1, 6, 10, 2, 3)],
    ['array_reverse_int(integerArray)', ints(12, 1, 6, 10, 2, 3)],
    ['array_reverse_int(stringArray)', ints(12, 1, 6, 10, 2, 3)],
    ['array_reverse_string(intArray)', strs('12', '1', '6', '10', '2', '3')],
    ['array_reverse_string(integerArray)', strs('12', '1', '6', '10', '2', '3')],
    ['array_sort_int(stringArray)', ints(1, 2, 3, 6, 10, 12)],
    ['array_sort_string(intArray)', strs('1', '10', '12', '2', '3', '6')],
    ['array_index_of_int(stringArray, 2)', int(1)],
    ["array_index_of_string(intArray, '2')", int(1)],
    ['array_contains_int(stringArray, 2)', true],
    ["array_contains_string(integerArray, '2')", true],
    ['array_slice_int(intArray, 1, 2)', ints(2)],
    ['array_slice_long(longArray, 1, 3)', new JArray('long', [2n, 10n])],
    ['array_slice_string(stringArray, 1, 2)', strs('2')],
    ['array_distinct_int(integerArray)', ints(3, 2, 10, 6, 1, 12)],
    ['array_distinct_string(stringArray)', strs('3', '2', '10', '6', '1', '12')],
    ['array_remove_int(intArray, 2)', ints(3, 10, 6, 1, 12)],
    ['array_remove_string(stringArray, 2)', strs('3', '10', '6', '1', '12')],
    ['array_union_int(intArray, intArray)', ints(3, 2, 10, 6, 1, 12)],
    ['array_union_string(stringArray, stringArray)', strs('3', '2', '10', '6', '1', '12')],
    ['array_concat_int(intArray, intArray)', ints(3, 2, 10, 6, 1, 12, 3, 2, 10, 6, 1, 12)],
    ['array_push_back_int(intArray, 7)', ints(3, 2, 10, 6, 1, 12, 7)],
    ["array_push_back_string(stringArray, 'x')", strs('3', '2', '10', '6', '1', '12', 'x')],
    ['array_push_front_int(intArray, 7)', ints(7, 3, 2, 10, 6, 1, 12)],
    ["array_push_front_string(stringArray, 'x')", strs('x', '3', '2', '10', '6', '1', '12')],
    ["array_to_string(stringArray, '::')", '3::2::10::6::1::12'],
    ["array_to_string(stringArrayWithNulls, '::', '*')", '3::2::10::6::1::12::*::*'],
    ['arrayLength(integerArray)', int(6)],
    ['cardinality(stringArray)', int(6)],
    ['arrayElementAtInt(integerArray, 3)', int(10)],
    ['arrayElementAtInt(integerArray, 7)', int(0)],
    ['arrayElementAtString(stringArray, 0)', ''],
    ['arraySumInt(integerArray)', int(34)],
    ['arrayIndexesOfInt(array(1, 2, 1), 1)', ints(0, 2)],
    ['intersectIndices(array(1, 2, 4), array(2, 4))', ints(2, 4)],
    ['generateIntArray(1, 10, 3)', ints(1, 4, 7, 10)],
    ['generateLongArray(1, 3, 1)', new JArray('long', [1n, 2n, 3n])],
  ];
  for (const [expr, expected] of cases) {
    it(expr, () => expect(ev(expr, row)).toStrictEqual(expected));
  }
  it('array(...) builds primitive arrays; ARRAY[...] is an Object[] of literals', () => {
    expect(ev("array('a', 'b')")).toStrictEqual(strs('a', 'b'));
    expect(ev('array(1.5, 2.5)')).toStrictEqual(new JArray('double', [1.5, 2.5]));
    expect(ev("ARRAY[1, 'x']")).toStrictEqual(new JArray('Object', [int(1), 'x']));
    expect(ev('arraySliceInt(array(1, 2), 1, 4)')).toStrictEqual(ints(2, 0, 0));
  });
});

describe('hash functions (HashFunctionsTest, FnvHashFunctionsTest)', () => {
  const bytes = (x: string): Uint8Array => new Uint8Array(Buffer.from(x, 'utf8'));
  const t = bytes('testString');
  it('digests', () => {
    expect(call('sha', t)).toBe('956265657d0b637ef65b9b59f9f858eecf55ed6a');
    // sha224 is SHA3-224 (DigestUtils.sha3_224Hex)
    expect(call('sha224', t)).toBe('bb54d1095764bff72b570dcdc3172ed6d1b26695494528a0059c95ae');
    expect(call('sha256', t)).toBe('4acf0b39d9c4766709a3689f553ac01ab550545ffa4544dfc0b2cea82fba02a3');
    expect(call('sha512', t)).toBe(
      'c48af5a7f6d4a851fc8a434eed638ab1a6ef68e19dbcae894ac67c9fbc5bcb0182b8e7123b3df3c9e4dcb7690c23103f03dc17f54352071ceb2a4eb204b26b91',
    );
    expect(call('md5', t)).toBe('536788f4dbdffeecfbb8f350a941eea3');
    // string arguments are converted to bytes as hex (PinotDataType.STRING.toBytes)
    expect(ev("md5(toUtf8('testString'))")).toBe('536788f4dbdffeecfbb8f350a941eea3');
  });
  it('murmur', () => {
    expect(call('murmurHash2', t)).toStrictEqual(int(-534425817));
    expect(call('murmurHash2UTF8', 'testString')).toStrictEqual(int(-534425817));
    expect(call('murmurHash2Bit64', t)).toBe(3907736674355139845n);
    expect(call('murmurHash2Bit64', t, 12345)).toBe(-2138976126980760436n);
    expect(call('murmurHash3Bit32', t, 0)).toStrictEqual(int(-1435605585));
    expect(call('murmurHash3Bit64', t, 0)).toBe(-3652179990542706350n);
    expect(call('murmurHash3Bit128', t, 0)).toStrictEqual(new Uint8Array(new Int8Array([82, -103, -23, 15, -90, -39, 80, -51, 15, 73, -81, -28, 111, -21, -78, 108]).buffer));
  });
  it('fnv, adler32, crc32, crc32c', () => {
    const fnv: Array<[string, number, number, bigint, bigint]> = [
      ['', 0x811c9dc5, 0x811c9dc5, 0xcbf29ce484222325n, 0xcbf29ce484222325n],
      ['a', 0x050c5d7e, 0xe40c292c, 0xaf63bd4c8601b7ben, 0xaf63dc4c8601ec8cn],
      ['ab', 0x70772d38, 0x4d2505ca, 0x08326707b4eb37b8n, 0x089c4407b545986an],
      ['abc', 0x439c2f4b, 0x1a47e90b, 0xd8dcca186bafadcbn, 0xe71fa2190541574bn],
    ];
    for (const [x, f1, f1a, f64, f64a] of fnv) {
      expect(call('fnv1Hash32', bytes(x))).toStrictEqual(int(f1 | 0));
      expect(call('fnv1aHash32', bytes(x))).toStrictEqual(int(f1a | 0));
      expect(call('fnv1Hash64', bytes(x))).toBe(BigInt.asIntN(64, f64));
      expect(call('fnv1aHash64', bytes(x))).toBe(BigInt.asIntN(64, f64a));
      expect(call('fnv1aHash64UTF8', x)).toBe(BigInt.asIntN(64, f64a));
    }
    expect(call('adler32', t)).toStrictEqual(int(392102968));
    expect(call('crc32', t)).toStrictEqual(int(418708744));
    expect(call('crc32c', t)).toStrictEqual(int(-1608760557));
  });
});

describe('data type conversion functions (DataTypeConversionFunctionsTest)', () => {
  it('bigDecimal bytes, hex, base64, hexDecimal', () => {
    const bd = parseBigDecimal('123456.789');
    expect(ev('bytesToBigDecimal(bigDecimalToBytes(a))', { a: bd })).toStrictEqual(bd);
    expect(ev("hexToBytes('0aFF')")).toStrictEqual(new Uint8Array([0x0a, 0xff]));
    expect(call('bytesToHex', new Uint8Array([0x0a, 0xff]))).toBe('0aff');
    expect(call('base64Encode', new Uint8Array(Buffer.from('hello')))).toStrictEqual(new Uint8Array(Buffer.from('aGVsbG8=')));
    expect(call('base64Decode', new Uint8Array(Buffer.from('aGVsbG8=')))).toStrictEqual(new Uint8Array(Buffer.from('hello')));
    expect(ev("hexDecimalToLong('0x7fffffffffffffff')")).toBe(9223372036854775807n);
    expect(ev("hexDecimalToLong('ff')")).toBe(255n);
    expect(ev('longToHexDecimal(-1)')).toBe('ffffffffffffffff');
  });
});

describe('argument conversion (FunctionInvoker / PinotDataType)', () => {
  it('converts numbers, strings and arrays to the parameter classes', () => {
    expect(ev('upper(a)', { a: 1.5 })).toBe('1.5');
    expect(ev('upper(a)', { a: true })).toBe('TRUE');
    expect(ev('upper(a)', { a: 12345678901 })).toBe('12345678901');
    // a multi-value argument where a scalar is expected: its first element
    expect(ev('a + 1', { a: ['123', '7'] })).toBe(124);
    expect(() => ev('a + 1', { a: new Uint8Array([1]) })).toThrow('Cannot convert value from BYTES to DOUBLE');
    expect(ev("jsonFormat(a)", { a: new JMap(new Map([['k', int(1)]]), false) })).toBe('{"k":1}');
  });
});
