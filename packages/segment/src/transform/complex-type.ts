/**
 * Pinot's ComplexTypeTransformer (pinot-segment-local `recordtransformer/ComplexTypeTransformer.java`) over raw JS
 * rows, and the `ingestionConfig.complexTypeConfig` section of a table config
 * (pinot-spi `config/table/ingestion/ComplexTypeConfig.java`, validated as TableConfigUtils.validateIngestionConfig
 * does).
 *
 * Rows hold what the record readers produce: plain objects are Java Maps, arrays are Object[] (a JS array is never a
 * java.util.Collection here). Flattening keeps the original map column and adds `parent<delimiter>child` columns;
 * unnesting turns each element of a listed collection into its own row; collections that are not unnested become
 * JSON strings according to `collectionNotUnnestedToJson` (default NON_PRIMITIVE).
 */
import type { PinotSchema } from '../schema.js';
import { writeJackson } from './json.js';
import { fromJs, isJsMap } from './jvalue.js';

export type CollectionNotUnnestedToJson = 'NONE' | 'NON_PRIMITIVE' | 'ALL';

export interface ComplexTypeConfig {
  /** Sorted (Collections.sort), so a parent collection is unnested before its children. */
  fieldsToUnnest: string[];
  delimiter: string;
  collectionNotUnnestedToJson: CollectionNotUnnestedToJson;
  /** In configuration order; the first matching prefix wins. */
  prefixesToRename: Array<[string, string]>;
}

export class ComplexTypeConfigError extends Error {
  override readonly name = 'ComplexTypeConfigError';
  constructor(
    readonly detail: string,
    readonly path: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `ingestionConfig.complexTypeConfig` from a raw table config JSON (or the complexTypeConfig object itself when
 * `path` says so). Returns undefined when the table has none. With a schema, enforces TableConfigUtils' rule that no
 * schema column begins with a prefix of prefixesToRename.
 */
export function parseComplexTypeConfig(tableConfigJson: unknown, schema?: PinotSchema): ComplexTypeConfig | undefined {
  if (!isObject(tableConfigJson)) return undefined;
  const ingestion = tableConfigJson.ingestionConfig;
  if (ingestion === undefined || ingestion === null) return undefined;
  if (!isObject(ingestion)) throw new ComplexTypeConfigError('must be a JSON object', 'ingestionConfig');
  const raw = ingestion.complexTypeConfig;
  if (raw === undefined || raw === null) return undefined;
  return readComplexTypeConfig(raw, 'ingestionConfig.complexTypeConfig', schema);
}

/** Parses a complexTypeConfig object (Jackson binding of ComplexTypeConfig). */
export function readComplexTypeConfig(raw: unknown, path = 'complexTypeConfig', schema?: PinotSchema): ComplexTypeConfig {
  if (!isObject(raw)) throw new ComplexTypeConfigError('must be a JSON object', path);
  let fieldsToUnnest: string[] = [];
  if (raw.fieldsToUnnest !== undefined && raw.fieldsToUnnest !== null) {
    if (!Array.isArray(raw.fieldsToUnnest) || raw.fieldsToUnnest.some((f) => typeof f !== 'string')) {
      throw new ComplexTypeConfigError('must be an array of strings', `${path}.fieldsToUnnest`);
    }
    // Collections.sort: String.compareTo (UTF-16 units)
    fieldsToUnnest = [...(raw.fieldsToUnnest as string[])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  let delimiter = '.';
  if (raw.delimiter !== undefined && raw.delimiter !== null) {
    if (typeof raw.delimiter !== 'string') throw new ComplexTypeConfigError('must be a string', `${path}.delimiter`);
    delimiter = raw.delimiter;
  }
  let mode: CollectionNotUnnestedToJson = 'NON_PRIMITIVE';
  if (raw.collectionNotUnnestedToJson !== undefined && raw.collectionNotUnnestedToJson !== null) {
    const m = raw.collectionNotUnnestedToJson;
    if (m !== 'NONE' && m !== 'NON_PRIMITIVE' && m !== 'ALL') {
      throw new ComplexTypeConfigError(`must be one of NONE, NON_PRIMITIVE, ALL, got ${JSON.stringify(m)}`, `${path}.collectionNotUnnestedToJson`);
    }
    mode = m;
  }
  const prefixesToRename: Array<[string, string]> = [];
  if (raw.prefixesToRename !== undefined && raw.prefixesToRename !== null) {
    if (!isObject(raw.prefixesToRename)) throw new ComplexTypeConfigError('must be a JSON object', `${path}.prefixesToRename`);
    for (const [k, v] of Object.entries(raw.prefixesToRename)) {
      if (typeof v !== 'string') throw new ComplexTypeConfigError('must be a string', `${path}.prefixesToRename.${k}`);
      prefixesToRename.push([k, v]);
    }
  }
  if (schema) {
    for (const [prefix] of prefixesToRename) {
      for (const f of schema.fields) {
        if (f.name.startsWith(prefix)) {
          throw new ComplexTypeConfigError(
            `Fields in the schema may not begin with any prefix specified in the prefixesToRename config. Name conflict with field: ${f.name} and prefix: ${prefix}`,
            `${path}.prefixesToRename`,
          );
        }
      }
    }
  }
  return { fieldsToUnnest, delimiter, collectionNotUnnestedToJson: mode, prefixesToRename };
}

/** A row being transformed: field → value, in insertion order. */
export type RowValues = Map<string, unknown>;

function isNonPrimitiveArray(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function isNested(v: unknown): boolean {
  return isJsMap(v) || Array.isArray(v);
}

/** GenericRow.copy(Object): maps and arrays deep-copied. */
export function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Uint8Array) return v.slice();
  if (isJsMap(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: deepCopy(v[k]), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

export class ComplexTypeTransformer {
  private readonly keepOriginal: string[];

  constructor(
    readonly config: ComplexTypeConfig,
    /** Input columns of the downstream transformers (withInputColumnsForDownstreamTransformers); all when undefined. */
    downstreamColumns?: ReadonlySet<string>,
  ) {
    this.keepOriginal = config.fieldsToUnnest.filter((f) => {
      if (!downstreamColumns) return true;
      const renamed = this.renamePrefix(f);
      return downstreamColumns.has(renamed ?? f);
    });
  }

  /** The input columns it reads (getInputColumns): the fields to unnest. */
  get inputColumns(): readonly string[] {
    return this.config.fieldsToUnnest;
  }

  private concat(a: string, b: string): string {
    return a + this.config.delimiter + b;
  }

  renamePrefix(field: string): string | undefined {
    for (const [prefix, replacement] of this.config.prefixesToRename) {
      if (field.startsWith(prefix)) return replacement + field.slice(prefix.length);
    }
    return undefined;
  }

  private shallConvertToJson(arr: unknown[]): boolean {
    switch (this.config.collectionNotUnnestedToJson) {
      case 'ALL':
        return true;
      case 'NONE':
        return false;
      default:
        return arr.length > 0 && isNested(arr[0]);
    }
  }

  private toJson(v: unknown): string {
    return writeJackson(fromJs(v));
  }

  /** Transforms one row (mutated in place) into one or more rows. Throws on failure. */
  transform(row: RowValues): RowValues[] {
    let rows: RowValues[];
    if (this.config.fieldsToUnnest.length === 0) {
      this.flattenRow(row, [...row.keys()]);
      rows = [row];
    } else {
      const original = this.keepOriginal.length === 0 ? undefined : new Map(this.keepOriginal.map((f) => [f, deepCopy(row.get(f) ?? null)] as const));
      this.flattenRow(row, [...row.keys()]);
      rows = [row];
      for (const field of this.config.fieldsToUnnest) rows = rows.flatMap((r) => this.unnest(r, field));
      if (original) {
        for (const r of rows) for (const [k, v] of original) if (r.get(k) === undefined || r.get(k) === null) r.set(k, v);
      }
    }
    if (this.config.prefixesToRename.length > 0) for (const r of rows) this.renamePrefixes(r);
    return rows;
  }

  private unnest(row: RowValues, column: string): RowValues[] {
    const value = row.get(column);
    if (!isNonPrimitiveArray(value) || value.length === 0) return [row];
    row.delete(column);
    return value.map((item) => {
      const copy = new Map<string, unknown>();
      for (const [k, v] of row) copy.set(k, deepCopy(v));
      if (isJsMap(item)) for (const k of Object.keys(item)) copy.set(this.concat(column, k), item[k]);
      else copy.set(column, item);
      return copy;
    });
  }

  /** flattenMap(GenericRow, columns). */
  private flattenRow(row: RowValues, columns: string[]): void {
    for (const column of columns) {
      const value = row.get(column);
      if (isJsMap(value)) {
        const mapColumns: string[] = [];
        for (const k of Object.keys(value)) {
          const name = this.concat(column, k);
          const nested = value[k];
          row.set(name, nested);
          if (isNested(nested)) mapColumns.push(name);
        }
        this.flattenRow(row, mapColumns);
      } else if (isNonPrimitiveArray(value)) {
        if (this.config.fieldsToUnnest.includes(column)) {
          for (const inner of value) if (isJsMap(inner)) this.flattenInner(column, inner, Object.keys(inner));
        } else if (this.shallConvertToJson(value)) {
          row.set(column, this.toJson(value));
        }
      }
    }
  }

  /** flattenMap(String path, Map map, Collection fields): flattens the maps inside an unnested collection item. */
  private flattenInner(path: string, map: Record<string, unknown>, fields: string[]): void {
    for (const field of fields) {
      const value = map[field];
      const concatName = this.concat(path, field);
      if (isJsMap(value)) {
        const innerFields: string[] = [];
        for (const k of Object.keys(value)) {
          const innerName = this.concat(field, k);
          const innerValue = value[k];
          setKey(map, innerName, innerValue);
          if (isNested(innerValue)) innerFields.push(innerName);
        }
        if (innerFields.length > 0) this.flattenInner(path, map, innerFields);
      } else if (isNonPrimitiveArray(value)) {
        if (this.config.fieldsToUnnest.includes(concatName)) {
          for (const inner of value) if (isJsMap(inner)) this.flattenInner(concatName, inner, Object.keys(inner));
        } else if (this.shallConvertToJson(value)) {
          setKey(map, field, this.toJson(value));
        }
      }
    }
  }

  /** renamePrefixes(GenericRow). */
  renamePrefixes(row: RowValues): void {
    for (const field of [...row.keys()]) {
      const newName = this.renamePrefix(field);
      if (newName === undefined) continue;
      const value = row.get(field);
      row.delete(field);
      const existing = row.get(newName);
      if (newName.length === 0 || (existing !== undefined && existing !== null)) {
        throw new Error(`Name conflict after attempting to rename field ${field} to ${newName}`);
      }
      row.set(newName, value);
    }
  }
}
