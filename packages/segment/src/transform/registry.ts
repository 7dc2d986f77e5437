/**
 * The scalar function registry as InbuiltFunctionEvaluator resolves it (pinot-common `function/FunctionRegistry.java`):
 * names are canonicalized (underscores removed, lower-cased) and looked up by argument count, falling back to a
 * variable-argument method. Polymorphic classes (plus, equals, abs, ...) resolve by count too, which gives their
 * "backward compatible" overload (DOUBLE for arithmetic and comparisons, LONG for bitwise, String[] for arrayLength).
 */
import type { JValue, ParamType } from './jvalue.js';

/**
 * A function's arguments. Typed as a long tuple so that destructuring `([a, b]) => ...` gives JValues (the registry
 * guarantees the count); varargs bodies read `length`.
 */
export type Args = [JValue, JValue, JValue, JValue, JValue, JValue, ...JValue[]];

export interface FunctionDef {
  /** The Java method name (used in error messages, as FunctionExecutionNode.toString does). */
  readonly method: string;
  /** Parameter classes, or 'varargs' for an `Object...` method (arguments are passed unconverted). */
  readonly params: readonly ParamType[] | 'varargs';
  /** @ScalarFunction(nullableParameters = true): null arguments reach the function. */
  readonly nullable: boolean;
  /**
   * The body, called with arguments converted to `params`. `state` is per expression node: Pinot instantiates
   * non-static function classes once per node (RegexpExtractConstFunctions, DateTimeConvert, ...).
   */
  readonly impl: (args: Args, state: Record<string, unknown>) => JValue;
}

const REGISTRY = new Map<string, Map<number, FunctionDef>>();

/** FunctionRegistry.canonicalize. */
export function canonicalize(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

export interface DefineOptions {
  nullable?: boolean;
  method?: string;
}

/** Registers one Java method under the given names (the first name is the method name unless `method` is given). */
export function define(names: string | readonly string[], params: readonly ParamType[] | 'varargs', impl: FunctionDef['impl'], opts: DefineOptions = {}): void {
  const list = typeof names === 'string' ? [names] : names;
  const def: FunctionDef = { method: opts.method ?? list[0]!, params, nullable: opts.nullable ?? false, impl };
  const arity = params === 'varargs' ? -1 : params.length;
  // Names that canonicalize alike (substringIndex / substring_index) register once, as FunctionRegistry's Set does.
  for (const c of new Set(list.map(canonicalize))) {
    let byArity = REGISTRY.get(c);
    if (!byArity) REGISTRY.set(c, (byArity = new Map()));
    if (byArity.has(arity)) throw new Error(`Function: ${c} with ${arity === -1 ? 'variable' : arity} arguments is already registered`);
    byArity.set(arity, def);
  }
}

/** FunctionRegistry.lookupFunctionInfo(canonicalName, numArguments). */
export function lookupFunction(canonicalName: string, numArgs: number): FunctionDef | undefined {
  const byArity = REGISTRY.get(canonicalName);
  if (!byArity) return undefined;
  return byArity.get(numArgs) ?? byArity.get(-1);
}

/** FunctionRegistry.contains(canonicalName). */
export function hasFunction(canonicalName: string): boolean {
  return REGISTRY.has(canonicalName);
}

/** Registered canonical names with their argument counts (-1 = variable), for documentation and tests. */
export function registeredFunctions(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [k, v] of REGISTRY) out.set(k, [...v.keys()].sort((a, b) => a - b));
  return out;
}
