/**
 * Pinot's InbuiltFunctionEvaluator (pinot-common `evaluator/InbuiltFunctionEvaluator.java`) over the expression tree
 * of parser.ts, with FunctionEvaluatorFactory's Groovy detection (`evaluator/FunctionEvaluatorFactory.java`).
 *
 * Semantics reproduced:
 *  - literals evaluate to their Java value; identifiers read the row (absent → null);
 *  - `and` / `or` / `not` are special nodes: variadic, three-valued (null when undecided), non-Boolean operands fail
 *    with a ClassCastException;
 *  - `arrayValueConstructor` (ARRAY[...]) is an Object[] constant of its literal operands;
 *  - other functions are looked up by canonical name and argument count; a function whose parameters are not
 *    nullable returns null as soon as one argument is null; arguments are converted to the method's parameter classes
 *    (FunctionInvoker.convertTypes / PinotDataType) except for varargs methods;
 *  - failures are wrapped as "Caught exception while executing function: method(args): message".
 */
import { canonicalize, lookupFunction, hasFunction, type Args, type FunctionDef } from './registry.js';
import './functions-string.js';
import './functions-math.js';
import './functions-datetime.js';
import './functions-json.js';
import { parseJackson } from './json.js';
import { convertArgument, javaClassName, JavaException, javaToString, JArray, type JValue } from './jvalue.js';
import { ExpressionSyntaxError, parseExpression, type Expr } from './parser.js';

/** Raised when an expression cannot be compiled (syntax, unknown function, Groovy). */
export class ExpressionCompileError extends Error {
  override readonly name = 'ExpressionCompileError';
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
  }
}

/** Raised when an expression fails for a row; `function` is the failing node as Pinot prints it. */
export class ExpressionEvaluationError extends Error {
  override readonly name = 'ExpressionEvaluationError';
  constructor(
    message: string,
    readonly expression: string,
    readonly javaClass: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ExpressionEvaluator {
  readonly expression: string;
  /** FunctionEvaluator.getArguments(): the columns read, in evaluation order (duplicates kept). */
  readonly arguments: readonly string[];
  /** Evaluates against a row; `get` returns a column's Java value (null when absent). */
  evaluate(get: (column: string) => JValue): JValue;
}

type Node = {
  run(get: (column: string) => JValue): JValue;
  /** How Pinot's ExecutableNode.toString() prints the node. */
  show(): string;
};

/** FunctionEvaluatorFactory.isGroovyExpression: the expression text starts with "Groovy". */
export function isGroovyExpression(expression: string): boolean {
  return expression.startsWith('Groovy');
}

function javaMessage(e: unknown): { cls: string; msg: string } {
  if (e instanceof ExpressionEvaluationError) return { cls: e.javaClass, msg: e.message };
  if (e instanceof JavaException) return { cls: e.javaClass, msg: e.message };
  if (e instanceof Error) return { cls: e.name, msg: e.message };
  return { cls: 'Error', msg: String(e) };
}

function booleanOperand(v: JValue): boolean | null {
  if (v === null || typeof v === 'boolean') return v;
  throw new JavaException('ClassCastException', `class ${javaClassName(v)} cannot be cast to class java.lang.Boolean`);
}

const parseJson = (s: string): JValue => parseJackson(s);

function plan(e: Expr, args: string[], expression: string): Node {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      return { run: () => v, show: () => `'${javaToString(v)}'` };
    }
    case 'array': {
      const v = new JArray('Object', e.values);
      return { run: () => v, show: () => `'[${e.values.map(javaToString).join(', ')}]'` };
    }
    case 'identifier': {
      const name = e.name;
      args.push(name);
      return { run: (get) => get(name), show: () => name };
    }
    case 'function':
      break;
  }
  const children = e.args.map((a) => plan(a, args, expression));
  const canonical = canonicalize(e.name);
  switch (canonical) {
    case 'and':
      return {
        run(get) {
          let hasNull = false;
          for (const c of children) {
            const r = booleanOperand(c.run(get));
            if (r === null) hasNull = true;
            else if (!r) return false;
          }
          return hasNull ? null : true;
        },
        show: () => `and(${children.map((c) => c.show()).join(',')})`,
      };
    case 'or':
      return {
        run(get) {
          let hasNull = false;
          for (const c of children) {
            const r = booleanOperand(c.run(get));
            if (r === null) hasNull = true;
            else if (r) return true;
          }
          return hasNull ? null : false;
        },
        show: () => `or(${children.map((c) => c.show()).join(',')})`,
      };
    case 'not': {
      if (children.length !== 1) throw new ExpressionCompileError(`NOT function expects 1 argument, got: ${children.length}`, expression);
      const c = children[0]!;
      return {
        run(get) {
          const r = booleanOperand(c.run(get));
          return r === null ? null : !r;
        },
        show: () => `not(${c.show()})`,
      };
    }
    case 'arrayvalueconstructor': {
      const values = e.args.map((a) => {
        if (a.kind !== 'literal') throw new ExpressionCompileError('arrayValueConstructor expects literal arguments', expression);
        return a.value;
      });
      const v = new JArray('Object', values);
      return { run: () => v, show: () => `'[${values.map(javaToString).join(', ')}]'` };
    }
    default:
      break;
  }
  const def = lookupFunction(canonical, children.length);
  if (!def) {
    const label = e.operator !== undefined ? `${e.name} (operator ${e.operator})` : e.name;
    if (hasFunction(canonical)) throw new ExpressionCompileError(`Unsupported function: ${label} with ${children.length} arguments`, expression);
    throw new ExpressionCompileError(`Unsupported function: ${label}`, expression);
  }
  return functionNode(def, children, expression);
}

function functionNode(def: FunctionDef, children: Node[], expression: string): Node {
  const state: Record<string, unknown> = {};
  const n = children.length;
  const show = (): string => `${def.method}(${children.map((c) => c.show()).join(',')})`;
  return {
    show,
    run(get) {
      const values: JValue[] = new Array<JValue>(n);
      for (let k = 0; k < n; k++) values[k] = children[k]!.run(get);
      try {
        if (!def.nullable) for (const v of values) if (v === null) return null;
        if (def.params === 'varargs') return def.impl(values as Args, state);
        const params = def.params;
        for (let k = 0; k < n; k++) values[k] = convertArgument(params[k]!, values[k]!, parseJson);
        return def.impl(values as Args, state);
      } catch (err) {
        const { cls, msg } = javaMessage(err);
        throw new ExpressionEvaluationError(`Caught exception while executing function: ${show()}: ${cls === 'ExpressionEvaluationError' ? '' : `${cls}: `}${msg}`, expression, cls, { cause: err });
      }
    },
  };
}

/**
 * FunctionEvaluatorFactory.getExpressionEvaluator for an inbuilt expression. Throws ExpressionCompileError for Groovy
 * (not supported here), syntax errors and unknown functions.
 */
export function compileExpression(expression: string): ExpressionEvaluator {
  if (isGroovyExpression(expression)) {
    throw new ExpressionCompileError(`Groovy transform functions are not supported (Groovy cannot run here): ${expression}`, expression);
  }
  let ast: Expr;
  try {
    ast = parseExpression(expression);
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) throw new ExpressionCompileError(e.message, expression);
    throw e;
  }
  const args: string[] = [];
  const root = plan(ast, args, expression);
  return {
    expression,
    arguments: args,
    evaluate(get) {
      return root.run(get);
    },
  };
}
