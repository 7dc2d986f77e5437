/**
 * Pinot's ingestion expression syntax: what `CalciteSqlParser.compileToExpression` (pinot-common
 * `sql/parsers/CalciteSqlParser.java`, Calcite BABEL conformance, Pinot's `codegen/templates/Parser.jj`) accepts
 * and how `toExpression` turns it into Pinot's expression tree (literal / identifier / function).
 *
 * Supported: identifiers (unquoted `[A-Za-z][A-Za-z0-9_$]*`, compound `a.b.c`, "double quoted" with "" escapes,
 * item paths `a[0].b`), literals ('strings' with '' escapes, integers, decimals, exponents, TRUE / FALSE / NULL,
 * `ARRAY[...]`), function calls `name(arg, ...)`, operators `OR AND NOT = <> != < <= > >= + - * / % IS [NOT] NULL
 * [NOT] BETWEEN [NOT] LIKE [NOT] IN (...)`, unary minus / plus, `CASE [x] WHEN ... THEN ... [ELSE ...] END`,
 * `CAST(x AS type)`, `EXTRACT(unit FROM x)`, `TRIM([BOTH|LEADING|TRAILING] [chars] FROM x)`, `TRIM(x)`,
 * `SUBSTRING(x FROM a [FOR b])`, `DATE_TRUNC(unit, ...)`, `TIMESTAMPADD(unit, ...)`, `TIMESTAMPDIFF(unit, ...)`,
 * `--` and `/* *\/` comments.
 *
 * Function names keep Pinot's form: `RequestUtils.canonicalizeFunctionNamePreservingSpecialKey` (underscores
 * removed, lower-cased, FilterKind names such as EQUALS / IS_NULL / AND kept upper-case). Operators map to the
 * names Calcite's SqlKind gives them (`=` → EQUALS, `+` → plus, `-x` → negate, ...).
 */
import { JavaException, JInt, type JValue } from './jvalue.js';

export type Expr =
  | { kind: 'literal'; value: JValue; text: string; numeric?: string }
  | { kind: 'array'; values: JValue[]; text: string }
  | { kind: 'identifier'; name: string }
  | { kind: 'function'; name: string; operator?: string; args: Expr[] };

export class ExpressionSyntaxError extends JavaException {
  constructor(
    readonly detail: string,
    readonly expression: string,
    readonly position: number,
  ) {
    super('SqlCompilationException', `Caught exception while parsing expression: ${expression} — ${detail} (at position ${position})`);
  }
}

/** FilterKind names (pinot-common `sql/FilterKind.java`), kept as special keys by the compiler. */
const FILTER_KINDS = [
  'AND', 'OR', 'NOT', 'EQUALS', 'NOT_EQUALS', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'LESS_THAN', 'LESS_THAN_OR_EQUAL', 'BETWEEN', 'RANGE', 'IN', 'NOT_IN',
  'LIKE', 'REGEXP_LIKE', 'TEXT_MATCH', 'JSON_MATCH', 'IS_NULL', 'IS_NOT_NULL', 'VECTOR_SIMILARITY', 'VECTOR_SIMILARITY_RADIUS', 'SEMANTIC_MATCH',
];
const SPECIAL_KEYS = new Map(FILTER_KINDS.map((k) => [k.replace(/_/g, '').toLowerCase(), k]));

/** FunctionRegistry.canonicalize: underscores removed, lower-cased. */
export function canonicalizeName(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/** RequestUtils.canonicalizeFunctionNamePreservingSpecialKey. */
export function compilerFunctionName(name: string): string {
  const c = canonicalizeName(name);
  return SPECIAL_KEYS.get(c) ?? c;
}

/**
 * Words that stay reserved in Pinot's parser (codegen/config.fmpp nonReservedKeywordsToAdd leaves these out), plus the
 * operator and literal keywords the grammar needs. They cannot be bare identifiers; double-quote them.
 */
const RESERVED = new Set(
  [
    'ANY', 'CALL', 'CASE', 'CREATE', 'CROSS', 'CURRENT', 'CURSOR', 'DATE', 'DEFAULT', 'DEFINE', 'DELETE', 'DESCRIBE', 'DISTINCT', 'DROP', 'EXCEPT',
    'EXPLAIN', 'FETCH', 'FROM', 'FULL', 'GRANT', 'GROUP', 'GROUPING', 'HAVING', 'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTERVAL', 'INTO', 'JOIN',
    'LATERAL', 'LEFT', 'LIMIT', 'MATCH_RECOGNIZE', 'MERGE', 'MINUS', 'NATURAL', 'NEW', 'NEXT', 'NULL', 'OFFSET', 'ON', 'ORDER', 'OUTER', 'OVER',
    'PARTITION', 'PATTERN', 'RANGE', 'RIGHT', 'ROLLUP', 'ROW', 'ROWS', 'SELECT', 'SET', 'SETS', 'SKIP', 'SOME', 'STREAM', 'TABLE', 'TABLESAMPLE',
    'THEN', 'TIME', 'TIMESTAMP', 'UNION', 'UNNEST', 'UPDATE', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH', 'AND', 'OR', 'NOT', 'IS',
    'BETWEEN', 'LIKE', 'ELSE', 'END', 'TRUE', 'FALSE', 'AS', 'CAST', 'ESCAPE', 'SIMILAR',
  ],
);

/** Calcite TimeUnit() keywords, turned into SqlIntervalQualifier literals in the special forms. */
const TIME_UNITS = new Map([
  ['NANOSECOND', 'NANOSECOND'], ['MICROSECOND', 'MICROSECOND'], ['MILLISECOND', 'MILLISECOND'], ['SECOND', 'SECOND'], ['MINUTE', 'MINUTE'], ['HOUR', 'HOUR'],
  ['DAY', 'DAY'], ['DAYOFWEEK', 'DOW'], ['DAYOFYEAR', 'DOY'], ['DOW', 'DOW'], ['DOY', 'DOY'], ['ISODOW', 'ISODOW'], ['ISOYEAR', 'ISOYEAR'], ['WEEK', 'WEEK'],
  ['MONTH', 'MONTH'], ['QUARTER', 'QUARTER'], ['YEAR', 'YEAR'], ['EPOCH', 'EPOCH'], ['DECADE', 'DECADE'], ['CENTURY', 'CENTURY'], ['MILLENNIUM', 'MILLENNIUM'],
]);

type Tok =
  | { t: 'ident'; v: string; quoted: boolean; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'eof'; pos: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  const fail = (msg: string, pos: number): never => {
    throw new ExpressionSyntaxError(msg, src, pos);
  };
  while (i < n) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && src[i + 1] === '-') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment', i);
      i = end + 2;
      continue;
    }
    const start = i;
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= n) fail('unterminated string literal', start);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i++];
      }
      out.push({ t: 'string', v, pos: start });
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= n) fail('unterminated quoted identifier', start);
        if (src[i] === '"') {
          if (src[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i++];
      }
      if (v.length === 0) fail('empty quoted identifier', start);
      out.push({ t: 'ident', v, quoted: true, pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (/[A-Za-z_$]/.test(src[i] ?? '')) fail(`unexpected character '${src[i]}' after a number`, i);
      out.push({ t: 'number', v: m[0], pos: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80) {
      while (i < n && (/[A-Za-z0-9_$]/.test(src[i]!) || src.charCodeAt(i) >= 0x80)) i++;
      out.push({ t: 'ident', v: src.slice(start, i), quoted: false, pos: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['<=', '>=', '<>', '!=', '||', '::'].includes(two)) {
      out.push({ t: 'op', v: two, pos: start });
      i += 2;
      continue;
    }
    if ('()[],.=<>+-*/%'.includes(c)) {
      out.push({ t: 'op', v: c, pos: start });
      i++;
      continue;
    }
    fail(`unexpected character '${c}'`, i);
  }
  out.push({ t: 'eof', pos: n });
  return out;
}

/** SqlLiteral → Pinot Literal (RequestUtils.getLiteral): exact integers → Integer / Long, other numbers → Double. */
function numericLiteral(text: string, negative: boolean): JValue {
  const exact = !/[eE]/.test(text);
  const isInteger = exact && !text.includes('.');
  if (isInteger) {
    let b = BigInt(text);
    if (negative) b = -b;
    if (b >= -2147483648n && b <= 2147483647n) return new JInt(Number(b));
    // BigDecimal.longValue() wraps silently on overflow (the TODO in RequestUtils.getLiteral).
    return BigInt.asIntN(64, b);
  }
  const d = Number(text);
  return negative ? -d : d;
}

function fn(name: string, args: Expr[], operator?: string): Expr {
  return operator === undefined ? { kind: 'function', name, args } : { kind: 'function', name, operator, args };
}

function str(v: string): Expr {
  return { kind: 'literal', value: v, text: `'${v.replace(/'/g, "''")}'` };
}

/**
 * Parses one expression. Throws ExpressionSyntaxError for anything Pinot's parser would reject (or that this
 * implementation does not support, said so in the message).
 */
export function parseExpression(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = (k = 0): Tok => toks[Math.min(p + k, toks.length - 1)]!;
  const fail = (msg: string, tok: Tok = peek()): never => {
    throw new ExpressionSyntaxError(msg, src, tok.pos);
  };
  const isKw = (tok: Tok, ...words: string[]): boolean => tok.t === 'ident' && !tok.quoted && words.includes(tok.v.toUpperCase());
  const isOp = (tok: Tok, ...ops: string[]): boolean => tok.t === 'op' && ops.includes(tok.v);
  const expectOp = (op: string): void => {
    if (!isOp(peek(), op)) fail(`expected '${op}'`);
    p++;
  };
  const expectKw = (kw: string): void => {
    if (!isKw(peek(), kw)) fail(`expected ${kw}`);
    p++;
  };
  const describe = (tok: Tok): string => (tok.t === 'eof' ? 'end of expression' : tok.t === 'string' ? `'${tok.v}'` : `"${(tok as { v: string }).v}"`);

  // precedence climbing: OR < AND < NOT < comparison / IS / BETWEEN / LIKE / IN < + - < * / % || < unary
  const orExpr = (): Expr => {
    const first = andExpr();
    if (!isKw(peek(), 'OR')) return first;
    const args = [first];
    while (isKw(peek(), 'OR')) {
      p++;
      args.push(andExpr());
    }
    return fn('OR', flatten('OR', args), 'OR');
  };
  const andExpr = (): Expr => {
    const first = notExpr();
    if (!isKw(peek(), 'AND')) return first;
    const args = [first];
    while (isKw(peek(), 'AND')) {
      p++;
      args.push(notExpr());
    }
    return fn('AND', flatten('AND', args), 'AND');
  };
  const flatten = (name: string, args: Expr[]): Expr[] =>
    args.flatMap((a) => (a.kind === 'function' && a.name === name && a.operator === name ? a.args : [a]));
  const notExpr = (): Expr => {
    if (isKw(peek(), 'NOT')) {
      p++;
      return fn('NOT', [notExpr()], 'NOT');
    }
    return comparison();
  };
  const comparison = (): Expr => {
    let left = additive();
    for (;;) {
      const tok = peek();
      if (tok.t === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(tok.v)) {
        p++;
        const right = additive();
        const name = { '=': 'EQUALS', '<>': 'NOT_EQUALS', '!=': 'NOT_EQUALS', '<': 'LESS_THAN', '<=': 'LESS_THAN_OR_EQUAL', '>': 'GREATER_THAN', '>=': 'GREATER_THAN_OR_EQUAL' }[tok.v]!;
        left = fn(name, [left, right], tok.v);
        continue;
      }
      if (isKw(tok, 'IS')) {
        p++;
        let negated = false;
        if (isKw(peek(), 'NOT')) {
          negated = true;
          p++;
        }
        if (isKw(peek(), 'NULL')) {
          p++;
          left = fn(negated ? 'IS_NOT_NULL' : 'IS_NULL', [left], negated ? 'IS NOT NULL' : 'IS NULL');
          continue;
        }
        if (isKw(peek(), 'TRUE', 'FALSE', 'UNKNOWN')) {
          const w = (peek() as { v: string }).v.toUpperCase();
          p++;
          left = fn(`IS_${negated ? 'NOT_' : ''}${w}`, [left], `IS ${negated ? 'NOT ' : ''}${w}`);
          continue;
        }
        if (isKw(peek(), 'DISTINCT')) {
          p++;
          expectKw('FROM');
          const right = additive();
          left = fn(negated ? 'isnotdistinctfrom' : 'isdistinctfrom', [left, right], `IS ${negated ? 'NOT ' : ''}DISTINCT FROM`);
          continue;
        }
        fail('expected NULL, NOT NULL, TRUE, FALSE or DISTINCT FROM after IS');
      }
      let negated = false;
      if (isKw(tok, 'NOT') && isKw(peek(1), 'BETWEEN', 'LIKE', 'IN')) {
        negated = true;
        p++;
      }
      const t2 = peek();
      if (isKw(t2, 'BETWEEN')) {
        p++;
        if (isKw(peek(), 'SYMMETRIC', 'ASYMMETRIC')) fail('BETWEEN SYMMETRIC / ASYMMETRIC is not supported');
        const lo = additive();
        expectKw('AND');
        const hi = additive();
        const call = fn('BETWEEN', [left, lo, hi], 'BETWEEN');
        left = negated ? fn('NOT', [call], 'NOT') : call;
        continue;
      }
      if (isKw(t2, 'LIKE')) {
        p++;
        const pattern = additive();
        const args = [left, pattern];
        if (isKw(peek(), 'ESCAPE')) {
          p++;
          args.push(additive());
        }
        const call = fn('LIKE', args, 'LIKE');
        left = negated ? fn('NOT', [call], 'NOT') : call;
        continue;
      }
      if (isKw(t2, 'IN')) {
        p++;
        expectOp('(');
        const args = [left];
        if (isOp(peek(), ')')) fail('an IN list needs at least one value');
        args.push(orExpr());
        while (isOp(peek(), ',')) {
          p++;
          args.push(orExpr());
        }
        expectOp(')');
        left = fn(negated ? 'NOT_IN' : 'IN', args, negated ? 'NOT IN' : 'IN');
        continue;
      }
      if (negated) fail('expected BETWEEN, LIKE or IN after NOT');
      return left;
    }
  };
  const additive = (): Expr => {
    let left = multiplicative();
    for (;;) {
      const tok = peek();
      if (isOp(tok, '+', '-')) {
        p++;
        left = fn(tok.t === 'op' && tok.v === '+' ? 'plus' : 'minus', [left, multiplicative()], (tok as { v: string }).v);
        continue;
      }
      return left;
    }
  };
  const multiplicative = (): Expr => {
    let left = unary();
    for (;;) {
      const tok = peek();
      if (isOp(tok, '*', '/', '%', '||')) {
        p++;
        const v = (tok as { v: string }).v;
        const name = v === '*' ? 'times' : v === '/' ? 'divide' : v === '%' ? 'mod' : '||';
        left = fn(name, [left, unary()], v);
        continue;
      }
      return left;
    }
  };
  const unary = (): Expr => {
    const tok = peek();
    if (isOp(tok, '-')) {
      p++;
      const operand = unary();
      // Calcite folds a minus sign into a numeric literal (SqlParserUtil.toTreeEx → SqlLiteral.createNegative).
      if (operand.kind === 'literal' && operand.numeric !== undefined) {
        const neg = operand.numeric.startsWith('-');
        const digits = neg ? operand.numeric.slice(1) : operand.numeric;
        return { kind: 'literal', value: numericLiteral(digits, !neg), text: neg ? digits : `-${digits}`, numeric: neg ? digits : `-${digits}` };
      }
      return fn('negate', [operand], '-');
    }
    if (isOp(tok, '+')) {
      p++;
      return unary();
    }
    return postfix(primary());
  };
  const postfix = (e: Expr): Expr => {
    // item access a[0] / a['x'] and .field after an identifier: Pinot collapses the chain into one identifier.
    let cur = e;
    for (;;) {
      if (isOp(peek(), '[') && cur.kind === 'identifier') {
        p++;
        const idx = peek();
        if (idx.t !== 'number' && idx.t !== 'string') fail('only literal item indexes are supported in path expressions');
        p++;
        expectOp(']');
        cur = { kind: 'identifier', name: `${cur.name}[${(idx as { v: string }).v}]` };
        continue;
      }
      if (isOp(peek(), '.') && cur.kind === 'identifier' && peek(1).t === 'ident') {
        p++;
        const part = peek() as { v: string };
        p++;
        cur = { kind: 'identifier', name: `${cur.name}.${part.v}` };
        continue;
      }
      if (isOp(peek(), '::')) fail("the '::' cast operator is not supported, use CAST(x AS type)");
      return cur;
    }
  };
  const args = (): Expr[] => {
    expectOp('(');
    const list: Expr[] = [];
    if (isOp(peek(), ')')) {
      p++;
      return list;
    }
    if (isKw(peek(), 'DISTINCT', 'ALL')) fail('DISTINCT / ALL in function arguments is not supported');
    list.push(orExpr());
    while (isOp(peek(), ',')) {
      p++;
      list.push(orExpr());
    }
    expectOp(')');
    return list;
  };
  const timeUnitLiteral = (): Expr => {
    const tok = peek();
    if (tok.t !== 'ident') return fail('expected a time unit');
    p++;
    const unit = tok.quoted ? undefined : TIME_UNITS.get(tok.v.toUpperCase());
    return str(unit ?? tok.v);
  };
  const dataTypeName = (): string => {
    const tok = peek();
    if (tok.t !== 'ident') return fail('expected a data type');
    p++;
    let name = tok.quoted ? tok.v : tok.v.toUpperCase();
    const next = peek();
    if (!tok.quoted) {
      if (name === 'INT') name = 'INTEGER';
      else if (name === 'NUMERIC' || name === 'DEC') name = 'DECIMAL';
      else if (name === 'CHARACTER') name = 'CHAR';
      else if (name === 'DOUBLE' && isKw(next, 'PRECISION')) p++;
      else if ((name === 'CHAR' || name === 'CHARACTER') && isKw(next, 'VARYING')) {
        p++;
        name = 'VARCHAR';
      }
    }
    if (isOp(peek(), '(')) {
      // precision / scale
      p++;
      while (!isOp(peek(), ')')) {
        if (peek().t === 'eof') fail("expected ')'");
        p++;
      }
      p++;
    }
    if (isKw(peek(), 'ARRAY', 'MULTISET')) fail('array / multiset CAST targets are not supported');
    return tok.quoted ? tok.v : name;
  };
  const caseExpr = (): Expr => {
    // CASE already consumed
    let value: Expr | undefined;
    if (!isKw(peek(), 'WHEN')) value = orExpr();
    const operands: Expr[] = [];
    if (!isKw(peek(), 'WHEN')) fail('expected WHEN');
    while (isKw(peek(), 'WHEN')) {
      p++;
      const w = orExpr();
      expectKw('THEN');
      const t = orExpr();
      // SqlCase.createSwitched turns the simple form into `value = when` conditions.
      operands.push(value ? fn('EQUALS', [value, w], '=') : w, t);
    }
    if (isKw(peek(), 'ELSE')) {
      p++;
      operands.push(orExpr());
    } else {
      operands.push({ kind: 'literal', value: null, text: 'NULL' });
    }
    expectKw('END');
    return fn('case', operands, 'CASE');
  };
  const primary = (): Expr => {
    const tok = peek();
    switch (tok.t) {
      case 'string':
        p++;
        return str(tok.v);
      case 'number':
        p++;
        return { kind: 'literal', value: numericLiteral(tok.v, false), text: tok.v, numeric: tok.v };
      case 'op':
        if (tok.v === '(') {
          p++;
          const e = orExpr();
          if (isOp(peek(), ',')) fail('row constructors (a, b) are not supported');
          expectOp(')');
          return e;
        }
        return fail(`unexpected ${describe(tok)}`);
      case 'eof':
        return fail('unexpected end of expression');
      case 'ident':
        break;
    }
    p++;
    if (tok.quoted) {
      if (isOp(peek(), '(')) return fn(compilerFunctionName(tok.v), args());
      return { kind: 'identifier', name: tok.v };
    }
    const upper = tok.v.toUpperCase();
    switch (upper) {
      case 'TRUE':
      case 'FALSE':
        return { kind: 'literal', value: upper === 'TRUE', text: upper };
      case 'NULL':
        return { kind: 'literal', value: null, text: 'NULL' };
      case 'UNKNOWN':
        return { kind: 'literal', value: null, text: 'UNKNOWN' };
      case 'CASE':
        return caseExpr();
      case 'CAST': {
        expectOp('(');
        const e = orExpr();
        expectKw('AS');
        const type = dataTypeName();
        if (isKw(peek(), 'FORMAT')) fail('CAST ... FORMAT is not supported');
        expectOp(')');
        return fn('cast', [e, str(type)], 'CAST');
      }
      case 'EXTRACT': {
        expectOp('(');
        const unit = timeUnitLiteral();
        expectKw('FROM');
        const e = orExpr();
        expectOp(')');
        return fn('extract', [unit, e], 'EXTRACT');
      }
      case 'TRIM': {
        expectOp('(');
        let flag = 'BOTH';
        let chars: Expr = str(' ');
        let e: Expr;
        if (isKw(peek(), 'BOTH', 'LEADING', 'TRAILING')) {
          flag = (peek() as { v: string }).v.toUpperCase();
          p++;
          if (!isKw(peek(), 'FROM')) chars = orExpr();
          expectKw('FROM');
          e = orExpr();
        } else {
          e = orExpr();
          if (isKw(peek(), 'FROM')) {
            p++;
            chars = e;
            e = orExpr();
          }
        }
        expectOp(')');
        // SqlTrimFunction.createCall: TRIM(x) is TRIM(BOTH ' ' FROM x).
        return fn('trim', [str(flag), chars, e], 'TRIM');
      }
      case 'SUBSTRING': {
        expectOp('(');
        const list = [orExpr()];
        if (isKw(peek(), 'FROM') || isOp(peek(), ',')) {
          p++;
          list.push(orExpr());
          if (isKw(peek(), 'FOR') || isOp(peek(), ',')) {
            p++;
            list.push(orExpr());
          }
        }
        expectOp(')');
        return fn('substring', list);
      }
      case 'DATE_TRUNC': {
        // Pinot's DateTruncFunctionCall: (TimeUnit | 'string'), expression, then up to three string literals.
        expectOp('(');
        const list: Expr[] = [];
        if (peek().t === 'string') {
          list.push(str((peek() as { v: string }).v));
          p++;
        } else {
          const unitTok = peek();
          if (unitTok.t !== 'ident' || unitTok.quoted || !TIME_UNITS.has(unitTok.v.toUpperCase())) fail('DATE_TRUNC expects a time unit or a string literal first');
          list.push(timeUnitLiteral());
        }
        expectOp(',');
        list.push(orExpr());
        while (isOp(peek(), ',')) {
          p++;
          if (peek().t !== 'string') fail('DATE_TRUNC expects string literals after the time value');
          list.push(str((peek() as { v: string }).v));
          p++;
        }
        expectOp(')');
        return fn('datetrunc', list);
      }
      case 'TIMESTAMPADD':
      case 'TIMESTAMPDIFF': {
        expectOp('(');
        const unit = timeUnitLiteral();
        expectOp(',');
        const a = orExpr();
        expectOp(',');
        const b = orExpr();
        expectOp(')');
        return fn(upper === 'TIMESTAMPADD' ? 'timestampadd' : 'timestampdiff', [unit, a, b]);
      }
      case 'ARRAY': {
        if (isOp(peek(), '[')) {
          p++;
          const values: JValue[] = [];
          const texts: string[] = [];
          if (!isOp(peek(), ']')) {
            for (;;) {
              const e = unary();
              if (e.kind !== 'literal') fail('ARRAY[...] elements must be literals');
              values.push((e as { value: JValue }).value);
              texts.push((e as { text: string }).text);
              if (!isOp(peek(), ',')) break;
              p++;
            }
          }
          expectOp(']');
          return { kind: 'array', values, text: `ARRAY[${texts.join(',')}]` };
        }
        break;
      }
      default:
        break;
    }
    if (isOp(peek(), '(')) return fn(compilerFunctionName(tok.v), args());
    if (RESERVED.has(upper)) fail(`reserved word ${tok.v} cannot be used as a column name without double quotes ("${tok.v}")`, tok);
    return { kind: 'identifier', name: tok.v };
  };

  const e = orExpr();
  if (peek().t !== 'eof') fail(`unexpected ${describe(peek())} after the expression`);
  if (e.kind === 'identifier' && e.name === '*') fail('* is not an expression');
  return e;
}

/** Identifiers an expression reads, in evaluation (depth-first, left-to-right) order, duplicates kept. */
export function expressionArguments(e: Expr, out: string[] = []): string[] {
  if (e.kind === 'identifier') out.push(e.name);
  else if (e.kind === 'function') for (const a of e.args) expressionArguments(a, out);
  return out;
}
