/**
 * Hostile-input fuzzing of the schema and table config parsers: valid Pinot schema / table config JSON is mutated
 * (a value replaced by one of the wrong type, a key or array element deleted, an unknown key added, an enum string
 * replaced by an unknown one such as an unknown data type or an Object.prototype name), sent through a JSON text
 * round trip, and parsed. The property: the document parses, or the parser throws a SchemaError / TableConfigError
 * whose message starts with the source file name and names a JSON path — the mutated key, a parent or a child of it,
 * or (for cross-references such as primaryKeyColumns or index column lists) a path that exists in the document.
 * Never a TypeError, RangeError or other crash. Seeds are fixed so every run tries the same cases (see TESTING.md).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSchema, SchemaError, type PinotSchema } from '../src/schema.js';
import { parseTableConfig, TableConfigError } from '../src/table-config.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Seg = string | number;

const SCHEMA_A: Json = {
  schemaName: 'events',
  description: 'fuzz base',
  enableColumnBasedNullHandling: true,
  dimensionFieldSpecs: [
    { name: 'country', dataType: 'STRING', maxLength: 64, maxLengthExceedStrategy: 'ERROR', defaultNullValue: 'none' },
    { name: 'tags', dataType: 'STRING', singleValueField: false },
    { name: 'zone', dataType: 'INT', defaultNullValue: 7, notNull: true },
    { name: 'flag', dataType: 'BOOLEAN' },
    { name: 'amount', dataType: 'BIG_DECIMAL', allowTrailingZeros: true },
    { name: 'payload', dataType: 'JSON' },
    { name: 'blob', dataType: 'BYTES', defaultNullValue: 'cafe' },
  ],
  metricFieldSpecs: [
    { name: 'clicks', dataType: 'LONG', defaultNullValue: 0 },
    { name: 'cost', dataType: 'DOUBLE' },
    { name: 'ratio', dataType: 'FLOAT' },
  ],
  dateTimeFieldSpecs: [
    { name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:HOURS' },
    { name: 'day', dataType: 'STRING', format: 'SIMPLE_DATE_FORMAT|yyyy-MM-dd|UTC', granularity: '1:DAYS' },
    { name: 'tstamp', dataType: 'TIMESTAMP', format: 'TIMESTAMP', granularity: '1:MILLISECONDS' },
  ],
  primaryKeyColumns: ['country', 'zone'],
};

const SCHEMA_B: Json = {
  schemaName: 'legacy',
  dimensionFieldSpecs: [{ name: 'user', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'n', dataType: 'INT' }],
  timeFieldSpec: {
    incomingGranularitySpec: { name: 'daysSinceEpoch', dataType: 'INT', timeType: 'DAYS', timeUnitSize: 1, timeFormat: 'EPOCH' },
    outgoingGranularitySpec: { name: 'daysSinceEpoch', dataType: 'INT', timeType: 'DAYS', timeUnitSize: 1, timeFormat: 'EPOCH' },
  },
  complexFieldSpecs: [],
};

const TABLE: Json = {
  tableName: 'events_OFFLINE',
  tableType: 'OFFLINE',
  isDimTable: false,
  segmentsConfig: { timeColumnName: 'ts', retentionTimeUnit: 'DAYS', retentionTimeValue: '30', segmentPushType: 'APPEND', segmentPushFrequency: 'DAILY', replication: '1' },
  tableIndexConfig: {
    invertedIndexColumns: ['country', 'tags'],
    noDictionaryColumns: ['cost'],
    sortedColumn: ['zone'],
    varLengthDictionaryColumns: ['payload'],
    onHeapDictionaryColumns: ['country'],
    rangeIndexColumns: ['clicks'],
    bloomFilterColumns: ['country'],
    bloomFilterConfigs: { zone: { fpp: 0.01 } },
    nullHandlingEnabled: true,
    createInvertedIndexDuringSegmentGeneration: true,
    segmentNameGeneratorType: 'simple',
    segmentFormatVersion: 'v3',
    optimizeDictionary: false,
    loadMode: 'MMAP',
    segmentPartitionConfig: { columnPartitionMap: { zone: { functionName: 'Murmur', numPartitions: 4, functionConfig: { seed: 1 } } } },
  },
  fieldConfigList: [
    { name: 'ratio', encodingType: 'RAW', indexTypes: [], compressionCodec: 'ZSTANDARD', properties: { rawIndexWriterVersion: '4' } },
    { name: 'amount', encodingType: 'DICTIONARY', indexes: { inverted: { disabled: false }, dictionary: { disabled: false } } },
    { name: 'cost', encodingType: 'RAW', indexes: { forward: { chunkCompressionType: 'SNAPPY' } } },
    { name: 'clicks', encodingType: 'RAW', indexes: { forward: { compressionCodec: 'LZ4', deriveNumDocsPerChunk: true, targetMaxChunkSize: '1MB' } } },
  ],
  ingestionConfig: {
    batchIngestionConfig: { segmentIngestionType: 'APPEND', segmentIngestionFrequency: 'DAILY' },
    transformConfigs: [{ columnName: 'cost', transformFunction: 'clicks * 2' }],
    filterConfig: { filterFunction: "country = 'xx'" },
    continueOnError: false,
    rowTimeValueCheck: true,
  },
  metadata: { customConfigs: {} },
};

/** A wrong-typed (or hostile) value for any slot. */
const WRONG_VALUES: Json[] = [0, -1, 1.5, 2 ** 40, -(2 ** 53), '', 'x', 'true', 'null', [], [1], ['a', null], {}, { a: 1 }, null, true, false];
/** Replacement strings for enum-like values: unknown data types, case/space variants, Object.prototype names. */
const ODD_STRINGS = ['UNKNOWN', 'UUID', 'MAP', 'STRUCT', 'int', 'String', ' STRING', 'LONG ', 'STRING\u0000', 'RAW ', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'a__b', 'a b', '1:2', '-1', 'NaN'];
const ODD_KEYS = ['unknownKey', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a b', '', 'x.y'];

function pathText(path: readonly Seg[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

/** All (container path, key) slots of a document, the root excluded. */
function slots(doc: Json, prefix: Seg[] = [], out: Seg[][] = []): Seg[][] {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push([...prefix, i]);
      slots(v, [...prefix, i], out);
    });
  } else if (doc !== null && typeof doc === 'object') {
    for (const k of Object.keys(doc)) {
      out.push([...prefix, k]);
      slots(doc[k]!, [...prefix, k], out);
    }
  }
  return out;
}

function objects(doc: Json, prefix: Seg[] = [], out: Seg[][] = []): Seg[][] {
  if (Array.isArray(doc)) doc.forEach((v, i) => objects(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') {
    out.push(prefix);
    for (const k of Object.keys(doc)) objects(doc[k]!, [...prefix, k], out);
  }
  return out;
}

function at(doc: Json, path: readonly Seg[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[seg as number] : Object.hasOwn(cur, seg) ? cur[seg as string] : undefined;
  }
  return cur;
}

/** Own-property assignment, so that "__proto__" becomes a real key (as JSON.parse makes it). */
function setOwn(o: Json[] | { [k: string]: Json }, key: Seg, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  kind: 'replace' | 'delete' | 'addKey' | 'oddString' | 'root';
  pick: number;
  value: Json;
  key: string;
  str: string;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('replace', 'replace', 'delete', 'delete', 'addKey', 'oddString', 'oddString', 'root'),
  pick: fc.nat(),
  value: fc.oneof(fc.constantFrom(...WRONG_VALUES), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>),
  key: fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 6 })),
  str: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) }, fc.string({ maxLength: 8 })),
});

/** Applies a mutation in place (the root kind replaces the document); returns the new document and the touched path. */
function mutate(doc: Json, mutation: Mutation): { doc: Json; path: Seg[] } {
  // fast-check hands out shared values: copy before inserting, or a later mutation could build a cycle.
  const m = { ...mutation, value: structuredClone(mutation.value) };
  if (m.kind === 'root') return { doc: m.value, path: [] };
  if (m.kind === 'addKey') {
    const objs = objects(doc);
    if (objs.length === 0) return { doc, path: [] };
    const p = objs[m.pick % objs.length]!;
    setOwn(at(doc, p) as { [k: string]: Json }, m.key, m.value);
    return { doc, path: [...p, m.key] };
  }
  let all = slots(doc);
  if (m.kind === 'oddString') {
    const strs = all.filter((p) => typeof at(doc, p) === 'string');
    if (strs.length > 0) all = strs;
  }
  if (all.length === 0) return { doc: m.value, path: [] };
  const p = all[m.pick % all.length]!;
  const parent = at(doc, p.slice(0, -1)) as Json[] | { [k: string]: Json };
  const key = p[p.length - 1]!;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else setOwn(parent, key, m.kind === 'oddString' && typeof at(doc, p) === 'string' ? m.str : m.value);
  return { doc, path: p };
}

/** `a` is `b`, or a parent of it (the empty path is everyone's parent). */
function isPrefix(a: string, b: string): boolean {
  return a === '' || b === a || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
}

/** Does a textual path name a slot of the document, or a missing key of an object in it? */
function pathInDoc(doc: Json, text: string): boolean {
  const all = [[] as Seg[], ...slots(doc)].map(pathText);
  if (all.includes(text)) return true;
  const m = /^(.*)\.[^.[\]]+$/.exec(text);
  return m !== null && all.includes(m[1]!);
}

interface Tally {
  cases: number;
  parsed: number;
  rejectedAtPath: number;
  rejectedCrossRef: number;
}
const tallies: Record<string, Tally> = {};
afterAll(() => {
  for (const [name, t] of Object.entries(tallies)) console.log(`fuzz-config ${name}: ${JSON.stringify(t)}`);
});

function check(name: string, base: Json, source: string, parse: (json: unknown) => unknown, errorName: string, ErrorClass: typeof SchemaError | typeof TableConfigError, seed: number, numRuns: number): void {
  const t: Tally = (tallies[name] = { cases: 0, parsed: 0, rejectedAtPath: 0, rejectedCrossRef: 0 });
  expect(() => parse(structuredClone(base))).not.toThrow();
  fc.assert(
    fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (mutations) => {
      t.cases++;
      let doc = structuredClone(base);
      const touched: string[] = [];
      for (const m of mutations) {
        const r = mutate(doc, m);
        doc = r.doc;
        touched.push(pathText(r.path));
      }
      // What a user's file would hold: a JSON text round trip (also drops undefined, turns NaN into null).
      const json = JSON.parse(JSON.stringify(doc) ?? 'null') as Json;
      let err: unknown;
      try {
        parse(json);
        t.parsed++;
        return;
      } catch (e) {
        err = e;
      }
      expect(err, `${String(err)}\n${JSON.stringify(json)}`).toBeInstanceOf(ErrorClass);
      const e = err as SchemaError;
      expect(e.name).toBe(errorName);
      expect(e.message.startsWith(`${source}: ${e.path ? `${e.path}: ` : ''}`), e.message).toBe(true);
      if (touched.some((p) => isPrefix(e.path, p) || isPrefix(p, e.path))) t.rejectedAtPath++;
      else {
        // A cross-reference (a column list naming a field the mutation renamed or removed): the path is still a real one.
        expect(pathInDoc(json, e.path), `${e.message}\ntouched ${touched.join(', ')}\n${JSON.stringify(json)}`).toBe(true);
        t.rejectedCrossRef++;
      }
    }),
    { seed, numRuns },
  );
}

describe('schema and table config parsers under mutated JSON', () => {
  it('schema (DIMENSION / METRIC / DATE_TIME fields, primary key): parses or throws SchemaError at a JSON path', () => {
    check('schema A', SCHEMA_A, 'schema.json', (j) => parseSchema(j, 'schema.json'), 'SchemaError', SchemaError, 0x5eed01, 6000);
  });

  it('schema (legacy timeFieldSpec): parses or throws SchemaError at a JSON path', () => {
    check('schema B', SCHEMA_B, 'schema.json', (j) => parseSchema(j, 'schema.json'), 'SchemaError', SchemaError, 0x5eed02, 3000);
  });

  it('table config: parses or throws TableConfigError at a JSON path', () => {
    const schema: PinotSchema = parseSchema(structuredClone(SCHEMA_A), 'schema.json');
    check('table config', TABLE, 'table.json', (j) => parseTableConfig(j, schema, 'table.json'), 'TableConfigError', TableConfigError, 0x5eed03, 8000);
  });

  // BUG (src/table-config.ts resolveForward): `t in CHUNK_TYPES` walks Object.prototype, so chunkCompressionType
  // "toString" / "constructor" / "__proto__" is taken as a codec; the config is still refused at the right path, but
  // the message reads "Compression codec: function toString() { [native code] } is not applicable to raw column: cost"
  // instead of "unsupported chunkCompressionType".
  it('an Object.prototype name as chunkCompressionType is reported as an unsupported chunkCompressionType', () => {
    const schema = parseSchema({ schemaName: 's', metricFieldSpecs: [{ name: 'cost', dataType: 'DOUBLE' }] }, 'schema.json');
    const table = { tableName: 't', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: { noDictionaryColumns: ['cost'] }, fieldConfigList: [{ name: 'cost', encodingType: 'RAW', indexes: { forward: { chunkCompressionType: 'toString' } } }] };
    expect(() => parseTableConfig(table, schema, 'table.json')).toThrow(/^table\.json: fieldConfigList\[0\]\.indexes\.forward\.chunkCompressionType: unsupported chunkCompressionType "toString"$/);
  });
});
