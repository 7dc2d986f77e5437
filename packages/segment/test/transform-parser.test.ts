/**
 * The ingestion expression parser (what CalciteSqlParser.compileToExpression + Pinot's Parser.jj accept, and the
 * expression tree RequestContextUtils / CalciteSqlParser.toExpression build from it), plus parse errors and the
 * compile-time errors of the evaluator (Groovy, unknown functions, operators without a scalar function).
 */
import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionCompileError } from '../src/transform/evaluator.js';
import { JInt } from '../src/transform/jvalue.js';
import { compilerFunctionName, expressionArguments, ExpressionSyntaxError, parseExpression, type Expr } from '../src/transform/parser.js';

/** A compact rendering of the tree: f(name: args), identifiers bare, literals as their text. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'identifier':
      return e.name;
    case 'literal':
      return e.text;
    case 'array':
      return e.text;
    case 'function':
      return `${e.name}(${e.args.map(show).join(', ')})`;
  }
}
const p = (s: string): string => show(parseExpression(s));
const syntaxError = (s: string): ExpressionSyntaxError => {
  try {
    parseExpression(s);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionSyntaxError);
    return e as ExpressionSyntaxError;
  }
  throw new Error(`expected a syntax error for ${s}`);
};

describe('function calls, identifiers and literals', () => {
  it('function names are canonicalized like RequestUtils.canonicalizeFunctionNamePreservingSpecialKey', () => {
    expect(p("Concat_WS('-', a)")).toBe("concatws('-', a)");
    expect(p('toEpochSeconds(ts)')).toBe('toepochseconds(ts)');
    expect(compilerFunctionName('is_null')).toBe('IS_NULL');
    expect(compilerFunctionName('notEquals')).toBe('NOT_EQUALS');
    expect(compilerFunctionName('json_path_string')).toBe('jsonpathstring');
  });

  it('nested calls and zero-argument calls', () => {
    expect(p("upper(concat(a, trim(b), ' '))")).toBe("upper(concat(a, trim('BOTH', ' ', b), ' '))");
    expect(p('now()')).toBe('now()');
  });

  it('identifiers: plain, double-quoted, compound, item paths', () => {
    expect(parseExpression('"my col"')).toEqual({ kind: 'identifier', name: 'my col' });
    expect(parseExpression('"a""b"')).toEqual({ kind: 'identifier', name: 'a"b' });
    expect(parseExpression('a.b.c')).toEqual({ kind: 'identifier', name: 'a.b.c' });
    expect(parseExpression('a[0]')).toEqual({ kind: 'identifier', name: 'a[0]' });
    expect(parseExpression('"timestamp"')).toEqual({ kind: 'identifier', name: 'timestamp' });
    expect(expressionArguments(parseExpression("concat(a, concat(b, a, '-'), c)"))).toEqual(['a', 'b', 'a', 'c']);
    // InbuiltFunctionEvaluator adds one argument per identifier occurrence (duplicates kept)
    expect(compileExpression("concat(a, concat(b, a, '-'), c)").arguments).toEqual(['a', 'b', 'a', 'c']);
  });

  it('string literals with doubled quotes', () => {
    expect(parseExpression("'it''s'")).toMatchObject({ kind: 'literal', value: "it's" });
    expect(parseExpression("''")).toMatchObject({ kind: 'literal', value: '' });
    expect(parseExpression("'yyyy-MM-dd''T''HH:mm:ss''Z'''")).toMatchObject({ value: "yyyy-MM-dd'T'HH:mm:ss'Z'" });
  });

  it('numeric literals: Integer, Long, Double; negative literals folded', () => {
    expect(parseExpression('12')).toMatchObject({ kind: 'literal', value: new JInt(12) });
    expect(parseExpression('12345678901')).toMatchObject({ kind: 'literal', value: 12345678901n });
    expect(parseExpression('1.5')).toMatchObject({ kind: 'literal', value: 1.5 });
    expect(parseExpression('1e3')).toMatchObject({ kind: 'literal', value: 1000 });
    expect(parseExpression('-5')).toMatchObject({ kind: 'literal', value: new JInt(-5) });
    expect(p('-a')).toBe('negate(a)');
  });

  it('boolean and null literals, ARRAY constructor', () => {
    expect(parseExpression('TRUE')).toMatchObject({ kind: 'literal', value: true });
    expect(parseExpression('false')).toMatchObject({ kind: 'literal', value: false });
    expect(parseExpression('NULL')).toMatchObject({ kind: 'literal', value: null });
    expect(parseExpression('ARRAY[1,2]')).toMatchObject({ kind: 'array', values: [new JInt(1), new JInt(2)] });
  });

  it('comments are skipped', () => {
    expect(p('a /* c */ + 1 -- trailing')).toBe('plus(a, 1)');
  });
});

describe('operators', () => {
  it('comparison operators', () => {
    expect(p('a = 1')).toBe('EQUALS(a, 1)');
    expect(p('a != 1')).toBe('NOT_EQUALS(a, 1)');
    expect(p('a <> 1')).toBe('NOT_EQUALS(a, 1)');
    expect(p('a < 1')).toBe('LESS_THAN(a, 1)');
    expect(p('a <= 1')).toBe('LESS_THAN_OR_EQUAL(a, 1)');
    expect(p('a > 1')).toBe('GREATER_THAN(a, 1)');
    expect(p('a >= 1')).toBe('GREATER_THAN_OR_EQUAL(a, 1)');
  });

  it('boolean operators with SQL precedence; AND / OR flattened', () => {
    expect(p("a = 1 AND b <> 'x' OR NOT c")).toBe("OR(AND(EQUALS(a, 1), NOT_EQUALS(b, 'x')), NOT(c))");
    expect(p('a AND b AND c')).toBe('AND(a, b, c)');
    expect(p('a OR (b OR c)')).toBe('OR(a, b, c)');
    expect(p('NOT a = 1')).toBe('NOT(EQUALS(a, 1))');
  });

  it('arithmetic precedence', () => {
    expect(p('a + b * 2 - 3 / c % 4')).toBe('minus(plus(a, times(b, 2)), mod(divide(3, c), 4))');
    expect(p('(a + b) * 2')).toBe('times(plus(a, b), 2)');
  });

  it('IS [NOT] NULL, [NOT] BETWEEN, [NOT] LIKE, [NOT] IN', () => {
    expect(p('a IS NULL')).toBe('IS_NULL(a)');
    expect(p('a IS NOT NULL')).toBe('IS_NOT_NULL(a)');
    expect(p('a BETWEEN 1 AND 3')).toBe('BETWEEN(a, 1, 3)');
    expect(p('a NOT BETWEEN 1 AND 3')).toBe('NOT(BETWEEN(a, 1, 3))');
    expect(p("a LIKE 'x%'")).toBe("LIKE(a, 'x%')");
    expect(p("a NOT LIKE 'x%'")).toBe("NOT(LIKE(a, 'x%'))");
    expect(p('a IN (1, 2)')).toBe('IN(a, 1, 2)');
    expect(p("a NOT IN ('x')")).toBe("NOT_IN(a, 'x')");
    expect(p('a IS DISTINCT FROM b')).toBe('isdistinctfrom(a, b)');
  });

  it('CASE, CAST, EXTRACT, TRIM, SUBSTRING, DATE_TRUNC, TIMESTAMPADD', () => {
    expect(p("CASE WHEN a > 1 THEN 'big' ELSE 'small' END")).toBe("case(GREATER_THAN(a, 1), 'big', 'small')");
    expect(p("CASE a WHEN 1 THEN 'one' END")).toBe("case(EQUALS(a, 1), 'one', NULL)");
    expect(p('CAST(a AS LONG)')).toBe("cast(a, 'LONG')");
    expect(p('EXTRACT(YEAR FROM ts)')).toBe("extract('YEAR', ts)");
    expect(p("TRIM(LEADING 'x' FROM s)")).toBe("trim('LEADING', 'x', s)");
    expect(p('SUBSTRING(s FROM 2 FOR 3)')).toBe('substring(s, 2, 3)');
    expect(p("DATE_TRUNC('DAY', ts)")).toBe("datetrunc('DAY', ts)");
    expect(p('TIMESTAMPADD(DAY, 1, ts)')).toBe("timestampadd('DAY', 1, ts)");
  });
});

describe('syntax errors', () => {
  it('unterminated string / missing parenthesis / trailing tokens', () => {
    expect(syntaxError("'abc").detail).toBe('unterminated string literal');
    expect(syntaxError('concat(a, b').detail).toBe("expected ')'");
    const e = syntaxError('a b');
    expect(e.detail).toBe('unexpected "b" after the expression');
    expect(e.position).toBe(2);
    expect(e.message).toBe('Caught exception while parsing expression: a b — unexpected "b" after the expression (at position 2)');
  });

  it('incomplete expressions and stray tokens', () => {
    expect(syntaxError('a +').detail).toBe('unexpected end of expression');
    expect(syntaxError('1 +* 2').detail).toBe('unexpected "*"');
    expect(syntaxError('f(,)').detail).toBe('unexpected ","');
    expect(syntaxError(')').detail).toBe('unexpected ")"');
    expect(syntaxError('@a').detail).toBe("unexpected character '@'");
    expect(syntaxError('CASE WHEN a THEN 1').detail).toBe('expected END');
    expect(syntaxError('a BETWEEN 1').detail).toBe('expected AND');
    expect(syntaxError('a IN ()').detail).toBe('an IN list needs at least one value');
  });

  it('identifier problems', () => {
    expect(syntaxError('""').detail).toBe('empty quoted identifier');
    expect(syntaxError('select').detail).toMatch(/reserved word select cannot be used as a column name without double quotes/);
    expect(syntaxError('toEpochDays(timestamp)').detail).toMatch(/reserved word timestamp/);
    expect(syntaxError('a::int').detail).toMatch(/'::' cast operator is not supported/);
  });
});

describe('compile errors (InbuiltFunctionEvaluator / FunctionEvaluatorFactory)', () => {
  const compileError = (s: string): string => {
    try {
      compileExpression(s);
    } catch (e) {
      expect(e).toBeInstanceOf(ExpressionCompileError);
      return (e as Error).message;
    }
    throw new Error(`expected a compile error for ${s}`);
  };

  it('Groovy (expressions starting with "Groovy") is not supported', () => {
    expect(compileError('Groovy({a+1}, a)')).toBe('Groovy transform functions are not supported (Groovy cannot run here): Groovy({a+1}, a)');
  });

  it('unknown functions and wrong arity', () => {
    expect(compileError('foo(a)')).toBe('Unsupported function: foo');
    expect(compileError('concat(a)')).toBe('Unsupported function: concat with 1 arguments');
  });

  it('operators that have no scalar function in Pinot', () => {
    expect(compileError('a IN (1, 2)')).toBe('Unsupported function: IN (operator IN)');
    expect(compileError("a || 'x'")).toBe('Unsupported function: || (operator ||)');
    expect(compileError('a IS TRUE')).toBe('Unsupported function: IS_TRUE (operator IS TRUE)');
  });

  it('syntax errors surface as compile errors', () => {
    expect(compileError("concat(a, 'x'")).toMatch(/^Caught exception while parsing expression: concat\(a, 'x' — expected '\)'/);
  });
});
