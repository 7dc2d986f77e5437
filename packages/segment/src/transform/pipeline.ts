/**
 * The part of Pinot's record transform pipeline that runs before DataTypeTransformer
 * (pinot-segment-local `recordtransformer/RecordTransformerUtils.getTransformers`, `segment/creator/TransformPipeline`):
 *
 *   ComplexTypeTransformer (if ingestionConfig.complexTypeConfig is set)
 *   → ExpressionTransformer (ingestionConfig.transformConfigs, then the schema's deprecated per-field
 *     transformFunction and the implicit `<map>__KEYS` / `<map>__VALUES` columns, topologically sorted)
 *   → FilterTransformer (ingestionConfig.filterConfig: rows for which the filter is TRUE are dropped).
 *
 * Not run here: source-field DataTypeTransformers (sourceFieldConfigs), record enrichers (enrichmentConfigs) and
 * SchemaConformingTransformer — their configs are not parsed by table-config.ts; the legacy TIME field
 * incoming → outgoing conversion is rejected by schema.ts. DataTypeTransformer and the transformers after it are
 * convert.ts' job (the builder's).
 */
import { parseBigDecimal } from '../big-decimal.js';
import { javaDoubleToString, javaFloatToString, javaHashMapOrder } from '../convert.js';
import type { FieldSpec, PinotSchema } from '../schema.js';
import type { TableConfig } from '../table-config.js';
import { javaStringCompare } from '../writer/dictionary-writer.js';
import { ComplexTypeTransformer, parseComplexTypeConfig, readComplexTypeConfig, type ComplexTypeConfig, type RowValues } from './complex-type.js';
import { compileExpression, ExpressionCompileError, isGroovyExpression, type ExpressionEvaluator } from './evaluator.js';
import { fromJs, isJsMap, JArray, JFloat, JMap, toJs, type JValue } from './jvalue.js';

/** A transform or filter problem. Construction errors have no row; the caller adds the row number to row errors. */
export class TransformError extends Error {
  override readonly name = 'TransformError';
  constructor(
    message: string,
    /** The destination column of the failing transform (undefined for the filter and complex-type stages). */
    readonly column: string | undefined,
    /** The transform / filter function text (undefined for the complex-type stage). */
    readonly expression: string | undefined,
    readonly stage: 'complexType' | 'transform' | 'filter',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TransformPipelineOptions {
  /**
   * The complex type config: a parsed ComplexTypeConfig, the raw `ingestionConfig.complexTypeConfig` object, or
   * taken from `tableConfigJson`. (parseTableConfig does not keep it.)
   */
  complexTypeConfig?: ComplexTypeConfig | Record<string, unknown>;
  /** The raw table config JSON, to read `ingestionConfig.complexTypeConfig` from. */
  tableConfigJson?: unknown;
  /** Defaults to the table's ingestionConfig.continueOnError. */
  continueOnError?: boolean;
  /** Called for each error swallowed because of continueOnError (Pinot marks such rows incomplete). */
  onError?: (error: TransformError) => void;
}

export interface PlannedTransform {
  column: string;
  expression: string;
  arguments: readonly string[];
  /** Where it comes from: ingestionConfig.transformConfigs, the schema field's transformFunction, or implicit. */
  source: 'transformConfigs' | 'schema' | 'implicitMap';
}

export interface TransformPipeline {
  /** Transforms one input row: [] when filtered out, several rows when unnested. The input is not modified. */
  transform(row: Record<string, unknown>): Array<Record<string, unknown>>;
  /** Expression transforms in execution order. */
  readonly transforms: readonly PlannedTransform[];
  readonly filter?: { expression: string; arguments: readonly string[] };
  readonly complexTypeConfig?: ComplexTypeConfig;
  /** True when nothing would change a row. */
  readonly isNoOp: boolean;
}

interface Step {
  planned: PlannedTransform;
  evaluate(get: (c: string) => JValue): JValue;
}

function isComplexTypeConfig(v: unknown): v is ComplexTypeConfig {
  return isJsMap(v) && Array.isArray(v.fieldsToUnnest) && Array.isArray(v.prefixesToRename) && typeof v.delimiter === 'string';
}


/** `<map>__KEYS` / `<map>__VALUES`: Pinot's default Groovy `{m.sort()*.key}` / `{m.sort()*.value}`, done natively. */
function implicitMapEvaluator(column: string, mapColumn: string, keys: boolean): ExpressionEvaluator {
  return {
    expression: `Groovy({${mapColumn}.sort()*.${keys ? 'key' : 'value'}}, ${mapColumn})`,
    arguments: [mapColumn],
    evaluate(get) {
      const m = get(mapColumn);
      if (m === null) return null;
      if (!(m instanceof JMap)) throw new Error(`column ${mapColumn} is not a map (needed by ${column})`);
      const entries = [...m.entries].sort((a, b) => javaStringCompare(a[0], b[0]));
      return new JArray('List', entries.map(([k, v]) => (keys ? k : v)));
    },
  };
}

/**
 * Pre-renders values whose JS form would lose their Java type before DataTypeTransformer (convert.ts) sees them:
 * a Double / Float bound for a STRING column becomes Double.toString / Float.toString, and for a BIG_DECIMAL column
 * new BigDecimal(Double.toString(d)).
 */
function outputValue(field: FieldSpec | undefined, v: JValue): unknown {
  if (!field) return toJs(v);
  const one = (x: JValue): unknown => {
    const d = typeof x === 'number' ? x : x instanceof JFloat ? x.v : undefined;
    if (d !== undefined) {
      const text = typeof x === 'number' ? javaDoubleToString(d) : javaFloatToString(d);
      if (field.dataType === 'STRING') return text;
      if (field.dataType === 'BIG_DECIMAL' && Number.isFinite(d)) return parseBigDecimal(text);
    }
    return toJs(x);
  };
  if (v instanceof JArray) return v.items.map(one);
  return one(v);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Builds the pipeline for a schema and table config. Throws TransformError when a transform or the filter cannot be
 * compiled (syntax, unknown function, Groovy), on a transform cycle, or when a transform reads its own destination.
 */
export function createTransformPipeline(schema: PinotSchema, table: TableConfig, opts: TransformPipelineOptions = {}): TransformPipeline {
  const continueOnError = opts.continueOnError ?? table.continueOnError;

  // --- complex type config
  let complexTypeConfig: ComplexTypeConfig | undefined;
  try {
    if (opts.complexTypeConfig === undefined && table.complexTypeConfig !== undefined) {
      complexTypeConfig = table.complexTypeConfig;
    } else if (opts.complexTypeConfig !== undefined) {
      complexTypeConfig = isComplexTypeConfig(opts.complexTypeConfig) ? opts.complexTypeConfig : readComplexTypeConfig(opts.complexTypeConfig, 'complexTypeConfig', schema);
    } else if (opts.tableConfigJson !== undefined) {
      complexTypeConfig = parseComplexTypeConfig(opts.tableConfigJson, schema);
    }
  } catch (e) {
    throw new TransformError(`invalid complexTypeConfig: ${errorText(e)}`, undefined, undefined, 'complexType', { cause: e });
  }

  // --- expression transforms (ExpressionTransformer constructor)
  const evaluators = new Map<string, { evaluator: ExpressionEvaluator; source: PlannedTransform['source'] }>();
  const compile = (column: string, expression: string): ExpressionEvaluator => {
    try {
      return compileExpression(expression);
    } catch (e) {
      const groovy = isGroovyExpression(expression);
      const detail = groovy ? 'Groovy transform functions are not supported (they need a JVM); rewrite it with inbuilt functions' : errorText(e);
      throw new TransformError(`Invalid transform function '${expression}' for column '${column}': ${detail}`, column, expression, 'transform', { cause: e });
    }
  };
  for (const tc of table.transformConfigs ?? []) {
    if (evaluators.has(tc.columnName)) {
      throw new TransformError(`Cannot set more than one transform function on column: ${tc.columnName}.`, tc.columnName, tc.transformFunction, 'transform');
    }
    const evaluator = compile(tc.columnName, tc.transformFunction);
    // TableConfigUtils.validateIngestionConfig
    if (evaluator.arguments.includes(tc.columnName)) {
      throw new TransformError(
        `Arguments of a transform function '[${evaluator.arguments.join(', ')}]' cannot contain the destination column '${tc.columnName}'`,
        tc.columnName,
        tc.transformFunction,
        'transform',
      );
    }
    evaluators.set(tc.columnName, { evaluator, source: 'transformConfigs' });
  }
  for (const field of schema.fields) {
    if (evaluators.has(field.name)) continue;
    if (field.transformFunction !== undefined && field.transformFunction.length > 0) {
      evaluators.set(field.name, { evaluator: compile(field.name, field.transformFunction), source: 'schema' });
    } else if (field.name.endsWith('__KEYS') || field.name.endsWith('__VALUES')) {
      const keys = field.name.endsWith('__KEYS');
      const mapColumn = field.name.slice(0, field.name.length - (keys ? 6 : 8));
      evaluators.set(field.name, { evaluator: implicitMapEvaluator(field.name, mapColumn, keys), source: 'implicitMap' });
    }
  }

  // topologicalSortEvaluators
  const ordered: Step[] = [];
  const done = new Set<string>();
  const discovered = new Set<string>();
  const visit = (column: string): void => {
    const entry = evaluators.get(column);
    if (!entry) return;
    if (discovered.has(column)) {
      throw new TransformError(`Expression cycle found for column '${column}' in transform function definitions.`, column, entry.evaluator.expression, 'transform');
    }
    discovered.add(column);
    for (const arg of entry.evaluator.arguments) if (!done.has(arg)) visit(arg);
    const { evaluator, source } = entry;
    ordered.push({
      planned: { column, expression: evaluator.expression, arguments: evaluator.arguments, source },
      evaluate: (get) => evaluator.evaluate(get),
    });
    done.add(column);
    discovered.delete(column);
  };
  // ExpressionTransformer keeps its evaluators in a HashMap: the DFS starts in hash order.
  for (const column of javaHashMapOrder([...evaluators.keys()])) if (!done.has(column)) visit(column);

  // --- filter
  let filter: { expression: string; evaluator: ExpressionEvaluator } | undefined;
  const filterFunction = table.filterConfig?.filterFunction;
  if (filterFunction !== undefined) {
    try {
      filter = { expression: filterFunction, evaluator: compileExpression(filterFunction) };
    } catch (e) {
      const detail = isGroovyExpression(filterFunction) ? 'Groovy filter functions are not supported (they need a JVM); rewrite it with inbuilt functions' : errorText(e);
      throw new TransformError(`Invalid filter function '${filterFunction}': ${detail}`, undefined, filterFunction, 'filter', { cause: e });
    }
  }

  // --- complex type transformer, with the downstream input columns (TransformPipeline's constructor)
  let complex: ComplexTypeTransformer | undefined;
  if (complexTypeConfig) {
    const downstream = new Set<string>();
    for (const f of schema.fields) downstream.add(f.name);
    for (const s of ordered) {
      downstream.add(s.planned.column);
      for (const a of s.planned.arguments) downstream.add(a);
    }
    for (const a of filter?.evaluator.arguments ?? []) downstream.add(a);
    complex = new ComplexTypeTransformer(complexTypeConfig, downstream);
  }

  const fields = schema.fieldMap;
  const swallow = (e: TransformError): void => {
    if (!continueOnError) throw e;
    opts.onError?.(e);
  };

  const transformRow = (row: RowValues): boolean => {
    const javaValues = new Map<string, JValue>();
    const nullFields = new Set<string>();
    const get = (c: string): JValue => {
      if (javaValues.has(c)) return javaValues.get(c)!;
      const v = fromJs(row.get(c));
      javaValues.set(c, v);
      return v;
    };
    const apply = (column: string, v: JValue): void => {
      javaValues.set(column, v);
      if (v === null) {
        row.delete(column);
        nullFields.add(column);
      } else {
        row.set(column, outputValue(fields.get(column), v));
        nullFields.delete(column);
      }
    };
    for (const step of ordered) {
      const { column, expression, source } = step.planned;
      const existing = row.get(column);
      if (existing === undefined || existing === null || nullFields.has(column)) {
        let v: JValue;
        try {
          v = step.evaluate(get);
        } catch (e) {
          swallow(new TransformError(`Caught exception while evaluating transform function '${expression}' for column: ${column}: ${errorText(e)}`, column, expression, 'transform', { cause: e }));
          continue;
        }
        apply(column, v);
      } else if ((Array.isArray(existing) || isJsMap(existing)) && !(existing instanceof Uint8Array)) {
        // Nested values already present are recomputed when the transform gives another kind of value.
        let v: JValue;
        try {
          v = step.evaluate(get);
        } catch {
          continue;
        }
        if (v === null && source === 'implicitMap') continue;
        const compatible = v !== null && (Array.isArray(existing) ? v instanceof JArray && v.kind !== 'List' : v instanceof JMap);
        if (!compatible) apply(column, v);
      }
    }
    if (filter) {
      let r: JValue;
      try {
        r = filter.evaluator.evaluate(get);
      } catch (e) {
        swallow(new TransformError(`Caught exception while executing filter function: ${filter.expression}: ${errorText(e)}`, undefined, filter.expression, 'filter', { cause: e }));
        return true;
      }
      if (r === true) return false;
    }
    return true;
  };

  const toObject = (row: RowValues): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of row) if (v !== undefined) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  };

  const isNoOp = !complex && ordered.length === 0 && !filter;

  return {
    transforms: ordered.map((s) => s.planned),
    ...(filter ? { filter: { expression: filter.expression, arguments: filter.evaluator.arguments } } : {}),
    ...(complexTypeConfig ? { complexTypeConfig } : {}),
    isNoOp,
    transform(input: Record<string, unknown>): Array<Record<string, unknown>> {
      const row: RowValues = new Map();
      for (const k of Object.keys(input)) row.set(k, complex ? deepCopyValue(input[k]) : input[k]);
      let rows: RowValues[] = [row];
      if (complex) {
        try {
          rows = complex.transform(row);
        } catch (e) {
          // Pinot drops the record when continueOnError is set.
          swallow(new TransformError(`Caught exception while transforming complex types: ${errorText(e)}`, undefined, undefined, 'complexType', { cause: e }));
          return [];
        }
      }
      const out: Array<Record<string, unknown>> = [];
      for (const r of rows) if (transformRow(r)) out.push(toObject(r));
      return out;
    },
  };
}

function deepCopyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopyValue);
  if (isJsMap(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: deepCopyValue(v[k]), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

export { ExpressionCompileError };
