/**
 * createTransformPipeline, with expectations ported from Pinot's pinot-segment-local tests:
 * recordtransformer/ExpressionTransformerTest, RecordTransformerTest (filter / scalar / object / logical ops),
 * ComplexTypeTransformerTest and segment/creator/TransformPipelineTest. Groovy transforms in those tests are
 * rewritten with inbuilt functions where the point of the test is not Groovy itself.
 */
import { describe, expect, it } from 'vitest';
import { parseSchema, type PinotSchema } from '../src/schema.js';
import { parseTableConfig, type TableConfig } from '../src/table-config.js';
import { ComplexTypeTransformer, readComplexTypeConfig, type RowValues } from '../src/transform/complex-type.js';
import { createTransformPipeline, TransformError, type TransformPipelineOptions } from '../src/transform/pipeline.js';

type Dim = [name: string, dataType: string, singleValue?: boolean];

function schemaOf(dims: Dim[], extra: Record<string, unknown> = {}): PinotSchema {
  return parseSchema({
    schemaName: 't',
    dimensionFieldSpecs: dims.map(([name, dataType, sv]) => ({ name, dataType, ...(sv === false ? { singleValueField: false } : {}) })),
    ...extra,
  });
}

function tableOf(schema: PinotSchema, ingestionConfig: Record<string, unknown> = {}, override: Partial<TableConfig> = {}): TableConfig {
  return { ...parseTableConfig({ tableName: 't', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: {}, ingestionConfig }, schema), ...override };
}

function pipeline(schema: PinotSchema, table: TableConfig, opts?: TransformPipelineOptions): (row: Record<string, unknown>) => Array<Record<string, unknown>> {
  const p = createTransformPipeline(schema, table, opts);
  return (row) => p.transform(row);
}

const tc = (columnName: string, transformFunction: string): { columnName: string; transformFunction: string } => ({ columnName, transformFunction });

describe('ExpressionTransformer (ExpressionTransformerTest)', () => {
  it('testTransformFunctionSortOrder: dependent transforms run in topological order', () => {
    const schema = schemaOf(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [n, 'STRING'] as Dim));
    const table = tableOf(schema, {
      transformConfigs: [tc('d', 'plus(x, 10)'), tc('b', 'plus(d, 10)'), tc('a', 'plus(b, 10)'), tc('c', 'plus(a, d)'), tc('f', 'plus(e, 10)')],
    });
    const [row] = pipeline(schema, table)({ x: 100, e: 200 });
    // Pinot leaves Doubles 130.0 etc.; for STRING destinations they are rendered as Double.toString here.
    expect(row).toEqual({ x: 100, e: 200, a: '130.0', b: '120.0', c: '240.0', d: '110.0', f: '210.0' });
  });

  it('testNonCyclicTransformFunctionSortOrder: d, b, c, a', () => {
    const schema = schemaOf([['a', 'INT'], ['b', 'INT'], ['c', 'INT']]);
    const table = tableOf(schema, { transformConfigs: [tc('a', 'plus(b,c)'), tc('b', 'plus(d,10)'), tc('d', 'plus(e,10)'), tc('c', 'plus(d,e)')] });
    const p = createTransformPipeline(schema, table);
    expect(p.transforms.map((t) => t.column)).toEqual(['d', 'b', 'c', 'a']);
    expect(p.transforms[0]).toEqual({ column: 'd', expression: 'plus(e,10)', arguments: ['e'], source: 'transformConfigs' });
    expect(p.transform({ e: 1 })).toEqual([{ e: 1, d: 11, b: 21, c: 12, a: 33 }]);
  });

  it('testCyclicTransformFunctionSortOrder', () => {
    const schema = schemaOf([['a', 'INT'], ['b', 'INT'], ['c', 'INT']]);
    const table = tableOf(schema, { transformConfigs: [tc('a', 'plus(b,10)'), tc('b', 'plus(c,10)'), tc('c', 'plus(a,10)')] });
    expect(() => createTransformPipeline(schema, table)).toThrow("Expression cycle found for column 'a' in transform function definitions.");
  });

  it('testMultipleTransformFunctionSortOrder', () => {
    const schema = schemaOf([['a', 'INT'], ['b', 'INT'], ['c', 'INT']]);
    // parseTableConfig rejects the duplicate itself; the pipeline checks too (ExpressionTransformer's precondition)
    expect(() => tableOf(schema, { transformConfigs: [tc('a', 'plus(b,10)'), tc('a', 'plus(c,10)')] })).toThrow(/Duplicate transform config/);
    const table = tableOf(schema, {}, { transformConfigs: [tc('a', 'plus(b,10)'), tc('a', 'plus(c,10)')] });
    expect(() => createTransformPipeline(schema, table)).toThrow('Cannot set more than one transform function on column: a.');
  });

  it('a transform may not read its own destination (TableConfigUtils.validateIngestionConfig)', () => {
    const schema = schemaOf([['a', 'INT']]);
    const table = tableOf(schema, {}, { transformConfigs: [tc('a', 'plus(a, 1)')] });
    expect(() => createTransformPipeline(schema, table)).toThrow("Arguments of a transform function '[a]' cannot contain the destination column 'a'");
  });

  it('testValueAlreadyExists: the transform runs only when the column is missing or null', () => {
    const schema = schemaOf([['fullName', 'STRING']]);
    const table = tableOf(schema, { transformConfigs: [tc('fullName', "concat(firstName, lastName, ' ')")] });
    const run = pipeline(schema, table);
    expect(run({ firstName: 'John', lastName: 'Denver', fullName: 'John N Denver' })[0]!.fullName).toBe('John N Denver');
    expect(run({ firstName: 'John', lastName: 'Denver' })[0]!.fullName).toBe('John Denver');
    expect(run({ firstName: 'John', lastName: 'Denver', fullName: null })[0]!.fullName).toBe('John Denver');
  });

  it('testNullTransformMarksNullField / WhenValueAlreadyExists', () => {
    const schema = schemaOf([['fullName', 'STRING'], ['tags', 'STRING', false]]);
    const table = tableOf(schema, { transformConfigs: [tc('fullName', 'nullIf(1, 1)'), tc('tags', 'jsonPathArray(nothing, null)')] });
    const [row] = pipeline(schema, table)({ tags: ['foo', 'bar'] });
    // a transform giving null removes the value (the existing collection is incompatible with null)
    expect(row).toEqual({});
    expect('tags' in row!).toBe(false);
  });

  it('testTransformReturningNullDoesNotOverrideExistingBytesValue', () => {
    const schema = schemaOf([['payload', 'BYTES']]);
    const table = tableOf(schema, { transformConfigs: [tc('payload', 'nullIf(1, 1)')] });
    const existing = new Uint8Array([7, 8, 9]);
    expect(pipeline(schema, table)({ payload: existing })[0]!.payload).toBe(existing);
  });

  it('testExistingCollectionIsTransformedWhenIncompatibleType', () => {
    const schema = schemaOf([['rawBids', 'INT', false], ['bids', 'INT', false], ['kept', 'INT', false]]);
    const table = tableOf(schema, {
      // jsonStringToArray gives a java.util.List: incompatible with the existing Object[] → recomputed;
      // arrayReverseInt gives an int[]: an array like the existing value → kept (isTypeCompatible)
      transformConfigs: [tc('bids', 'jsonStringToArray(raw)'), tc('kept', 'arrayReverseInt(rawBids)')],
    });
    const [row] = pipeline(schema, table)({ raw: '[1,2,3]', rawBids: [1, 2, 3], bids: [10, 20], kept: [10, 20] });
    expect(row!.bids).toEqual([1, 2, 3]);
    expect(row!.kept).toEqual([10, 20]);
  });

  it('testJsonToArrayIngestionTransform / testJsonToMapIngestionTransform', () => {
    const schema = schemaOf([['columnJson', 'STRING'], ['columnArray', 'STRING', false], ['columnMap', 'JSON']]);
    const table = tableOf(schema, {
      transformConfigs: [tc('columnArray', "jsonPathArray(columnJson, '$')"), tc('columnMap', 'jsonStringToMap(mapJson)')],
    });
    const [row] = pipeline(schema, table)({ columnJson: '["a","b","c"]', mapJson: '{"a":1,"b":"x"}' });
    expect(row!.columnArray).toEqual(['a', 'b', 'c']);
    expect(row!.columnMap).toEqual({ a: 1, b: 'x' });
  });

  it('testImplicitMapTransform (testTransformConfigsFromSchema): <map>__KEYS / __VALUES sorted by key', () => {
    const schema = schemaOf([
      ['map1__KEYS', 'INT', false],
      ['map1__VALUES', 'STRING', false],
      ['map2__KEYS', 'STRING', false],
      ['map2__VALUES', 'INT', false],
    ]);
    const p = createTransformPipeline(schema, tableOf(schema));
    expect(p.transforms.map((t) => [t.column, t.source])).toContainEqual(['map1__KEYS', 'implicitMap']);
    const [row] = p.transform({ map1: { '30': 'foo', '200': 'bar' }, map2: { k2: 20, k1: 10 } });
    expect(row!.map1__KEYS).toEqual(['200', '30']);
    expect(row!.map1__VALUES).toEqual(['bar', 'foo']);
    expect(row!.map2__KEYS).toEqual(['k1', 'k2']);
    expect(row!.map2__VALUES).toEqual([10, 20]);
  });

  it('testImplicitMapTransformDoesNotOverrideExistingValuesWhenSourceMissing', () => {
    const schema = schemaOf([['mapDim1__KEYS', 'STRING', false], ['mapDim1__VALUES', 'INT', false]]);
    const [row] = pipeline(schema, tableOf(schema))({ mapDim1__KEYS: ['k1', 'k2'], mapDim1__VALUES: [1, 2] });
    expect(row).toEqual({ mapDim1__KEYS: ['k1', 'k2'], mapDim1__VALUES: [1, 2] });
  });

  it('schema field transformFunction is used unless ingestionConfig has one for the column', () => {
    const schema = parseSchema({
      schemaName: 't',
      dimensionFieldSpecs: [
        { name: 'maxBid', dataType: 'INT', transformFunction: 'arrayMax(bids)' },
        { name: 'fullName', dataType: 'STRING', transformFunction: 'upper(firstName)' },
      ],
      dateTimeFieldSpecs: [{ name: 'hoursSinceEpoch', dataType: 'LONG', format: '1:HOURS:EPOCH', granularity: '1:HOURS', transformFunction: 'toEpochSeconds("timestamp")' }],
    });
    const table = tableOf(schema, { transformConfigs: [tc('hoursSinceEpoch', 'toEpochHours("timestamp")'), tc('fullName', "concat(firstName, lastName, ' ')")] });
    // TIMESTAMP is a reserved word in Pinot's parser: the column has to be double-quoted.
    // arrayMax is not a Pinot scalar function: the schema's transform is compiled too, and fails naming the column
    expect(() => createTransformPipeline(schema, table)).toThrow(/Invalid transform function 'arrayMax\(bids\)' for column 'maxBid': Unsupported function: arraymax/);
    const schema2 = parseSchema({
      schemaName: 't',
      dimensionFieldSpecs: [{ name: 'fullName', dataType: 'STRING', transformFunction: 'upper(firstName)' }],
      dateTimeFieldSpecs: [{ name: 'hoursSinceEpoch', dataType: 'LONG', format: '1:HOURS:EPOCH', granularity: '1:HOURS', transformFunction: 'toEpochSeconds("timestamp")' }],
      metricFieldSpecs: [{ name: 'big', dataType: 'INT', transformFunction: 'length(firstName)' }],
    });
    const p = createTransformPipeline(schema2, tableOf(schema2, { transformConfigs: [tc('hoursSinceEpoch', 'toEpochHours("timestamp")'), tc('fullName', "concat(firstName, lastName, ' ')")] }));
    const [row] = p.transform({ firstName: 'John', lastName: 'Denver', timestamp: 1574000000000 });
    expect(row).toMatchObject({ fullName: 'John Denver', hoursSinceEpoch: 437222n, big: 4 });
    expect(p.transforms.find((t) => t.column === 'big')!.source).toBe('schema');
  });

  it('testTransformFunctionWithWrongInput: the error names the column and the function', () => {
    const schema = schemaOf([['x', 'INT']]);
    const table = tableOf(schema, {}, { transformConfigs: [tc('y', 'plus(x, 10)')] });
    const run = pipeline(schema, table);
    expect(run({ x: 10 })[0]!.y).toBe(20);
    let error: unknown;
    try {
      run({ x: 'abcd' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TransformError);
    const te = error as TransformError;
    expect(te.column).toBe('y');
    expect(te.expression).toBe('plus(x, 10)');
    expect(te.stage).toBe('transform');
    expect(te.message).toContain("'plus(x, 10)' for column: y");
    expect(te.message).toContain('Caught exception while executing function');
  });

  it('testTransformFunctionContinueOnError', () => {
    const schema = schemaOf([['x', 'INT']]);
    const table = tableOf(schema, { continueOnError: true }, { transformConfigs: [tc('y', 'plus(x, 10)')] });
    const errors: TransformError[] = [];
    const run = pipeline(schema, table, { onError: (e) => errors.push(e) });
    expect(run({ x: 10 })).toEqual([{ x: 10, y: 20 }]);
    expect(run({ x: 'abcd' })).toEqual([{ x: 'abcd' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.column).toBe('y');
    expect(run({ x: null })).toEqual([{ x: null }]);
    expect(errors).toHaveLength(1);
  });

  it('testLegacyNonDeterministicTransformFunctionRemainsRuntimeCompatible: now()', () => {
    const schema = schemaOf([['eventTimeMs', 'LONG']]);
    const before = BigInt(Date.now());
    const [row] = pipeline(schema, tableOf(schema, { transformConfigs: [tc('eventTimeMs', 'now()')] }))({});
    expect(typeof row!.eventTimeMs).toBe('bigint');
    expect((row!.eventTimeMs as bigint) >= before - 1000n && (row!.eventTimeMs as bigint) <= BigInt(Date.now()) + 1000n).toBe(true);
  });

  it('Double / Float results for STRING and BIG_DECIMAL destinations keep their Java text', () => {
    const schema = schemaOf([['s', 'STRING'], ['n', 'DOUBLE'], ['sv', 'STRING', false]]);
    const table = tableOf(schema, { transformConfigs: [tc('s', 'times(a, 2)'), tc('n', 'times(a, 2)'), tc('sv', 'arrayReverseInt(ints)')] });
    expect(pipeline(schema, table)({ a: 1e21, ints: [1, 2] })).toEqual([{ a: 1e21, ints: [1, 2], s: '2.0E21', n: 2e21, sv: [2, 1] }]);
  });
});

describe('construction errors', () => {
  const schema = schemaOf([['a', 'STRING'], ['b', 'STRING']]);
  it('Groovy is rejected naming the column', () => {
    const table = tableOf(schema, { transformConfigs: [tc('a', "Groovy({b + 'x'}, b)")] });
    let error: unknown;
    try {
      createTransformPipeline(schema, table);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TransformError);
    expect((error as TransformError).column).toBe('a');
    expect((error as Error).message).toMatch(/for column 'a': Groovy transform functions are not supported/);
  });
  it('Groovy filter is rejected', () => {
    const table = tableOf(schema, { filterConfig: { filterFunction: 'Groovy({svInt > 123}, svInt)' } });
    expect(() => createTransformPipeline(schema, table)).toThrow(/Invalid filter function .*Groovy filter functions are not supported/);
  });
  it('an unknown function names the function and the column', () => {
    const table = tableOf(schema, { transformConfigs: [tc('a', 'toTitleCase(b)')] });
    expect(() => createTransformPipeline(schema, table)).toThrow("Invalid transform function 'toTitleCase(b)' for column 'a': Unsupported function: totitlecase");
    const wrongArity = tableOf(schema, { transformConfigs: [tc('a', 'upper(b, b)')] });
    expect(() => createTransformPipeline(schema, wrongArity)).toThrow(/for column 'a': Unsupported function: upper with 2 arguments/);
  });
  it('a syntax error names the column', () => {
    const table = tableOf(schema, { transformConfigs: [tc('a', "concat(b, 'x'")] });
    expect(() => createTransformPipeline(schema, table)).toThrow(/for column 'a': .*expected '\)'/);
  });
  it('isNoOp', () => {
    expect(createTransformPipeline(schema, tableOf(schema)).isNoOp).toBe(true);
    expect(createTransformPipeline(schema, tableOf(schema, { filterConfig: { filterFunction: 'a IS NULL' } })).isNoOp).toBe(false);
  });
});

describe('FilterTransformer (RecordTransformerTest)', () => {
  // RecordTransformerTest.getRecord(): the values the filters see (Java byte / char / List / String[] inputs)
  const record = { svInt: 123, svLong: 123, svFloat: [123], svDouble: ['123'], svBoolean: 'true', mvLong: [123], svNullString: null };
  const schema = schemaOf([['svInt', 'INT'], ['svLong', 'LONG'], ['svDouble', 'DOUBLE'], ['svFloat', 'FLOAT']]);
  const filtered = (filterFunction: string, opts: Record<string, unknown> = {}): boolean =>
    createTransformPipeline(schema, tableOf(schema, { filterConfig: { filterFunction }, ...opts })).transform(record).length === 0;

  it('testScalarOps', () => {
    for (const f of ['svInt = 123', 'svDouble > 120', 'svDouble >= 123', 'svDouble < 200', 'svDouble <= 123', 'svLong != 125', 'svLong = 123', 'between(svLong, 100, 125)']) {
      expect(filtered(f), f).toBe(true);
    }
    expect(filtered('svInt > 123')).toBe(false);
    expect(filtered('svInt <> 123')).toBe(false);
  });

  it('testObjectOps', () => {
    for (const f of ['svNullString is null', 'svInt is not null', 'mvLong is not null', 'mvNullFloat is null']) expect(filtered(f), f).toBe(true);
    expect(filtered('svInt is null')).toBe(false);
  });

  it('testLogicalScalarOps', () => {
    expect(filtered('svInt = 123 AND svDouble <= 200')).toBe(true);
    expect(filtered('svInt = 125 OR svLong <= 200')).toBe(true);
    expect(filtered('svInt = 125 AND svLong <= 200')).toBe(false);
    expect(filtered('NOT (svInt = 125)')).toBe(true);
  });

  it('testFilterTransformer: value not found, runtime error, continueOnError', () => {
    // a null argument makes the comparison null, which is not TRUE: kept
    expect(filtered('notPresent = 123')).toBe(false);
    expect(() => filtered("svInt = 'abc'")).toThrow(TransformError);
    expect(() => filtered("svInt = 'abc'")).toThrow(/Caught exception while executing filter function: svInt = 'abc'/);
    expect(filtered("svInt = 'abc'", { continueOnError: true })).toBe(false);
  });

  it('the filter sees the transformed columns', () => {
    const s = schemaOf([['name', 'STRING'], ['len', 'INT']]);
    const run = pipeline(s, tableOf(s, { transformConfigs: [tc('len', 'length(name)')], filterConfig: { filterFunction: 'len > 3' } }));
    expect(run({ name: 'abcd' })).toEqual([]);
    expect(run({ name: 'abc' })).toEqual([{ name: 'abc', len: 3 }]);
    expect(run({})).toEqual([{}]);
  });
});

describe('ComplexTypeTransformer (ComplexTypeTransformerTest)', () => {
  const cfg = (raw: Record<string, unknown> = {}): ComplexTypeTransformer => new ComplexTypeTransformer(readComplexTypeConfig(raw));
  const rowOf = (o: Record<string, unknown>): RowValues => new Map(Object.entries(o));
  const run = (t: ComplexTypeTransformer, o: Record<string, unknown>): Array<Record<string, unknown>> => t.transform(rowOf(o)).map((r) => Object.fromEntries(r));

  it('testFlattenMap', () => {
    const cc = new Uint8Array([1, 1]);
    const [row, ...rest] = run(cfg(), { a: 1n, map1: { b: 'v', im1: { aa: 2, bb: 'u', cc } }, map2: { c: 3 } });
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({ a: 1n, 'map1.b': 'v', 'map1.im1.aa': 2, 'map1.im1.bb': 'u', 'map1.im1.cc': cc, 'map2.c': 3 });
  });

  it('testFlattenMap: tuples inside an unnested collection, custom delimiter', () => {
    const rows = run(cfg({ fieldsToUnnest: ['l1'] }), { l1: [{ b: 'v', im1: { aa: 2, bb: 'u' } }], l2: [2] });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ 'l1.b': 'v', 'l1.im1.aa': 2, 'l1.im1.bb': 'u', l2: [2] });
    const rows2 = run(cfg({ fieldsToUnnest: ['l1'], delimiter: '_' }), { l1: [{ im1: { aa: 2, bb: 'u' } }] });
    expect(rows2[0]).toMatchObject({ l1_im1_aa: 2, l1_im1_bb: 'u' });
  });

  it('testUnnestCollection: root level', () => {
    const array = [{ a: 'v1' }, { a: 'v2' }];
    const rows = run(cfg({ fieldsToUnnest: ['array'] }), { array });
    expect(rows.map((r) => r['array.a'])).toEqual(['v1', 'v2']);
    expect(rows[0]!.array).toEqual(array);
  });

  it('testUnnestCollection: sibling collections give the cross product', () => {
    const rows = run(cfg({ fieldsToUnnest: ['array', 'array2'] }), { array: [{ a: 'v1' }, { a: 'v2' }], array2: [{ b: 'v3' }, { b: 'v4' }] });
    expect(rows.map((r) => [r['array.a'], r['array2.b']])).toEqual([
      ['v1', 'v3'],
      ['v1', 'v4'],
      ['v2', 'v3'],
      ['v2', 'v4'],
    ]);
  });

  it('testUnnestCollection: nested collections; an empty nested collection keeps its parent row', () => {
    const input = (): Record<string, unknown> => ({ array: [{ a: 'v1', array2: [{ b: 'v3' }, { b: 'v4' }] }, { a: 'v2', array2: [] }] });
    const rows = run(cfg({ fieldsToUnnest: ['array', 'array.array2'] }), input());
    expect(rows.map((r) => [r['array.a'], r['array.array2.b']])).toEqual([
      ['v1', 'v3'],
      ['v1', 'v4'],
      ['v2', undefined],
    ]);
    const rows2 = run(cfg({ fieldsToUnnest: ['array'] }), input());
    expect(rows2).toHaveLength(2);
    expect(rows2[0]!['array.a']).toBe('v1');
    expect(rows2[0]!['array.array2']).toBe('[{"b":"v3"},{"b":"v4"}]');
    expect(rows2[1]!['array.a']).toBe('v2');
  });

  it('testUnnestCollection: primitive elements', () => {
    const rows = run(cfg({ fieldsToUnnest: ['array'] }), { a: 'value', b: 'another', array: ['x', 'y'] });
    expect(rows).toEqual([
      { a: 'value', b: 'another', array: 'x' },
      { a: 'value', b: 'another', array: 'y' },
    ]);
  });

  it('testUnnestMultiLevelArray', () => {
    const level1 = { level2: { level3: [{ level4: 'foo_bar' }, { level4: 'foo_bar' }] } };
    const rows = run(cfg({ fieldsToUnnest: ['level1', 'level1.level2.level3'], collectionNotUnnestedToJson: 'NONE' }), { level1: [level1, level1] });
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r['level1.level2.level3.level4']).toBe('foo_bar');
  });

  it('testConvertCollectionToString', () => {
    const rows = run(cfg({ fieldsToUnnest: ['array'] }), { array: [{ array1: [{ b: 'v1' }] }] });
    expect(rows).toHaveLength(1);
    expect(rows[0]!['array.array1']).toBe('[{"b":"v1"}]');
    // primitive array: kept by default (NON_PRIMITIVE), converted with ALL
    expect(run(cfg(), { array: [1, 2] })[0]!.array).toEqual([1, 2]);
    expect(run(cfg({ collectionNotUnnestedToJson: 'ALL' }), { array: [1, 2] })[0]!.array).toBe('[1,2]');
    // array under a tuple
    expect(run(cfg({ collectionNotUnnestedToJson: 'ALL' }), { t: { array1: [{ b: 'v1' }] } })[0]!['t.array1']).toBe('[{"b":"v1"}]');
    expect(run(cfg({ collectionNotUnnestedToJson: 'NONE' }), { t: { array1: [{ b: 'v1' }] } })[0]!['t.array1']).toEqual([{ b: 'v1' }]);
  });

  it('testRenamePrefixes', () => {
    const t = cfg({ prefixesToRename: { 'map1.': '', map2: 'test' } });
    const row = rowOf({ a: 1n, 'map1.b': 2n, 'map2.c': 'u' });
    t.renamePrefixes(row);
    expect(Object.fromEntries(row)).toEqual({ a: 1n, b: 2n, 'test.c': 'u' });
    expect(() => cfg({ prefixesToRename: { 'test.': '' } }).renamePrefixes(rowOf({ a: 1n, 'test.a': 2n }))).toThrow();
    expect(() => cfg({ prefixesToRename: { test: '' } }).renamePrefixes(rowOf({ a: 1n, test: 2n }))).toThrow();
  });

  it('testPrefixesToRename / testPrefixesToRename2', () => {
    const rows = run(cfg({ prefixesToRename: { 'map1.': '', map2: 'test' } }), { a: 1n, map1: { b: 'v', im1: { aa: 2, bb: 'u' } }, map2: { c: 3 } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ a: 1n, b: 'v', 'im1.aa': 2, 'im1.bb': 'u', 'test.c': 3 });
    const rows2 = run(cfg({ prefixesToRename: { 'info.': '', class_teacher: 'teacher' } }), {
      name: 'Jane',
      info: { id: '100', address: { street: '1 Park Street', city: 'San Francisco', state: 'CA' } },
      class_teacher: { name: 'Max' },
    });
    expect(rows2[0]).toMatchObject({ name: 'Jane', id: '100', 'address.street': '1 Park Street', 'address.city': 'San Francisco', 'address.state': 'CA', 'teacher.name': 'Max' });
  });

  it('config validation', () => {
    expect(() => readComplexTypeConfig({ collectionNotUnnestedToJson: 'SOME' })).toThrow(/collectionNotUnnestedToJson: must be one of NONE, NON_PRIMITIVE, ALL/);
    expect(() => readComplexTypeConfig({ fieldsToUnnest: 'a' })).toThrow(/fieldsToUnnest: must be an array of strings/);
    const schema = schemaOf([['info.id', 'STRING']]);
    expect(() => readComplexTypeConfig({ prefixesToRename: { 'info.': '' } }, 'complexTypeConfig', schema)).toThrow(
      'Fields in the schema may not begin with any prefix specified in the prefixesToRename config. Name conflict with field: info.id and prefix: info.',
    );
    expect(readComplexTypeConfig({ fieldsToUnnest: ['b', 'a.c', 'a'] }).fieldsToUnnest).toEqual(['a', 'a.c', 'b']);
  });
});

describe('TransformPipeline (TransformPipelineTest)', () => {
  const tableJson = {
    tableName: 'githubComplexTypeEvents',
    tableType: 'OFFLINE',
    tenants: {},
    segmentsConfig: { segmentPushType: 'REFRESH', replication: '1', timeColumnName: 'created_at_timestamp' },
    tableIndexConfig: { loadMode: 'MMAP' },
    ingestionConfig: {
      transformConfigs: [{ columnName: 'created_at_timestamp', transformFunction: "fromDateTime(created_at, 'yyyy-MM-dd''T''HH:mm:ss''Z''')" }],
      complexTypeConfig: { fieldsToUnnest: ['payload.commits'], prefixesToRename: { 'payload.': '' } },
    },
    metadata: { customConfigs: {} },
  };
  const schemaJson = (withCommits: boolean): Record<string, unknown> => ({
    dimensionFieldSpecs: [
      ...[
        ['id', 'STRING'],
        ['type', 'STRING'],
        ['push_id', 'LONG'],
        ['size', 'INT'],
        ['distinct_size', 'INT'],
        ['ref', 'STRING'],
        ['head', 'STRING'],
        ['before', 'STRING'],
        ['commits.sha', 'STRING'],
        ['commits.author.name', 'STRING'],
        ['commits.author.email', 'STRING'],
        ['commits.message', 'STRING'],
        ['commits.distinct', 'BOOLEAN'],
        ['commits.url', 'STRING'],
      ].map(([name, dataType]) => ({ name, dataType })),
      ...(withCommits ? [{ name: 'commits', dataType: 'JSON' }] : []),
    ],
    dateTimeFieldSpecs: [
      { name: 'created_at', dataType: 'STRING', format: "1:SECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd'T'HH:mm:ss'Z'", granularity: '1:SECONDS' },
      { name: 'created_at_timestamp', dataType: 'TIMESTAMP', format: '1:MILLISECONDS:TIMESTAMP', granularity: '1:SECONDS' },
    ],
    schemaName: 'githubComplexTypeEvents',
  });
  const message = "Merge branch 'master' of https://github.com/LimeVista/Tapes\\n\\n# Conflicts:\\n#\\t.gitignore";
  const commit = (sha: string, email: string): Record<string, unknown> => ({
    sha,
    author: { name: 'Lime', email },
    message,
    distinct: true,
    url: `https://api.github.com/repos/LimeVista/Tapes/commits/${sha}`,
  });
  const sample = (commits: unknown): Record<string, unknown> => ({
    id: '7044874109',
    type: 'PushEvent',
    actor: { id: 18542751, login: 'LimeVista', display_login: 'LimeVista', gravatar_id: '', url: 'https://api.github.com/users/LimeVista', avatar_url: 'https://avatars.githubusercontent.com/u/18542751?' },
    repo: { id: 115911530, name: 'LimeVista/Tapes', url: 'https://api.github.com/repos/LimeVista/Tapes' },
    payload: {
      push_id: '2226018068',
      size: 1,
      distinct_size: 1,
      ref: 'refs/heads/master',
      head: 'c5fc8b32a9ead1eba315d97410cb4ac1e6ca1774',
      before: '892d872c5d3f24cc6837900c9f4618dc2fe92930',
      commits,
    },
    public: true,
    created_at: '2018-01-01T11:00:00Z',
  });

  it('testUnnestFieldWithTransform (commits is a map: flattened, prefix renamed)', () => {
    const schema = parseSchema(schemaJson(false));
    const table = parseTableConfig(tableJson, schema);
    const p = createTransformPipeline(schema, table, { tableConfigJson: tableJson });
    expect(p.complexTypeConfig).toEqual({ fieldsToUnnest: ['payload.commits'], delimiter: '.', collectionNotUnnestedToJson: 'NON_PRIMITIVE', prefixesToRename: [['payload.', '']] });
    const rows = p.transform(sample(commit('c5fc8b32a9ead1eba315d97410cb4ac1e6ca1774', '4cc153d999e24274955157fc813e6f92f821525d@outlook.com')));
    expect(rows).toHaveLength(1);
    // values before DataTypeTransformer (Pinot's test asserts after it: push_id 2226018068L, commits.distinct 1)
    expect(rows[0]).toMatchObject({
      created_at_timestamp: 1514804400000n,
      'commits.author.email': '4cc153d999e24274955157fc813e6f92f821525d@outlook.com',
      'commits.author.name': 'Lime',
      'commits.message': message,
      'commits.sha': 'c5fc8b32a9ead1eba315d97410cb4ac1e6ca1774',
      'commits.distinct': true,
      'commits.url': 'https://api.github.com/repos/LimeVista/Tapes/commits/c5fc8b32a9ead1eba315d97410cb4ac1e6ca1774',
      ref: 'refs/heads/master',
      distinct_size: 1,
      head: 'c5fc8b32a9ead1eba315d97410cb4ac1e6ca1774',
      push_id: '2226018068',
      size: 1,
      before: '892d872c5d3f24cc6837900c9f4618dc2fe92930',
      'actor.id': 18542751,
    });
  });

  it('testNotAddingOriginalValueUnnestFieldWithTransform / testAddingOriginalValueUnnestFieldWithTransform', () => {
    const commits = [commit('c5fc8b32a9ead1eba315d97410cb4ac1e6ca1774', 'a@outlook.com'), commit('410cb4ac1e6ca1774c5fc8b32a9ead1eba315d97', 'b@outlook.com')];
    for (const withCommits of [false, true]) {
      const schema = parseSchema(schemaJson(withCommits));
      const p = createTransformPipeline(schema, parseTableConfig(tableJson, schema), { complexTypeConfig: tableJson.ingestionConfig.complexTypeConfig });
      const rows = p.transform(sample(commits));
      expect(rows).toHaveLength(2);
      expect(rows.map((r) => r['commits.sha'])).toEqual(['c5fc8b32a9ead1eba315d97410cb4ac1e6ca1774', '410cb4ac1e6ca1774c5fc8b32a9ead1eba315d97']);
      expect(rows[1]!['commits.author.email']).toBe('b@outlook.com');
      expect(rows[0]!.created_at_timestamp).toBe(1514804400000n);
      if (withCommits) expect(rows[0]!.commits).toBeDefined();
      else expect(rows[0]!.commits).toBeUndefined();
    }
  });

  it('the input row is not modified', () => {
    const schema = parseSchema(schemaJson(false));
    const p = createTransformPipeline(schema, parseTableConfig(tableJson, schema), { tableConfigJson: tableJson });
    const input = sample([commit('x', 'y')]);
    const copy = structuredClone(input);
    p.transform(input);
    expect(input).toEqual(copy);
  });

  it('an invalid complexTypeConfig is a construction error', () => {
    const schema = parseSchema(schemaJson(false));
    expect(() => createTransformPipeline(schema, parseTableConfig(tableJson, schema), { complexTypeConfig: { delimiter: 3 } })).toThrow(/invalid complexTypeConfig: complexTypeConfig.delimiter: must be a string/);
  });
});
