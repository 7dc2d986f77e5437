/**
 * Property-based round trip of the segment builder: random schemas, table configs and rows are
 * built with buildSegment, read back with openSegment, and compared with what Pinot stores,
 * computed independently in helpers/oracle.ts (defaults for nulls, MV wrapping, NaN/-0.0,
 * STRING trimming at 512 chars, Java ordering, statistics, min/max, null vectors).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSegment } from '../src/builder/index.js';
import { parseSchema, type FieldSpec } from '../src/schema.js';
import { openSegment, type SegmentReader } from '../src/segment-reader.js';
import {
  bitsPerElement,
  compareSc,
  DATA_TYPES,
  DATE_TIME_TYPES,
  defaultNull,
  expectCell,
  expectStats,
  INT_MAX,
  INT_MIN,
  isVarWidth,
  keyOf,
  LONG_MAX,
  LONG_MIN,
  METRIC_TYPES,
  storedTypeOf,
  validPropertyValue,
  type DataType,
  type ExpectedCell,
  type FieldType,
  type Sc,
} from './helpers/oracle.js';
import { TempDirs } from './helpers/tmp.js';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

const CODECS = ['PASS_THROUGH', 'SNAPPY', 'ZSTANDARD', 'LZ4', 'GZIP'] as const;
type Codec = (typeof CODECS)[number];
type NullMode = 'off' | 'table' | 'column';

interface ColSpec {
  name: string;
  dataType: DataType;
  fieldType: FieldType;
  sv: boolean;
  raw: boolean;
  /** How a raw column is declared: noDictionaryColumns, a RAW fieldConfig, or both. */
  rawVia: 'noDict' | 'fieldConfig' | 'both';
  codec: Codec | null;
  inverted: boolean;
  invertedVia: 'list' | 'fieldConfig';
  varLen: boolean;
  /** Rows are arranged so the stored values are non-decreasing (single-value columns). */
  sorted: boolean;
  notNull: boolean;
  customDefault?: string;
}

const CUSTOM_DEFAULTS: Partial<Record<DataType, string>> = { INT: '-1', LONG: '42', DOUBLE: '1.5', STRING: 'N/A' };
const DATE_TIME_FORMATS: Partial<Record<DataType, [string, string]>> = {
  INT: ['1:DAYS:EPOCH', '1:DAYS'],
  LONG: ['1:MILLISECONDS:EPOCH', '1:MILLISECONDS'],
  TIMESTAMP: ['TIMESTAMP', '1:SECONDS'],
  STRING: ['1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:DAYS'],
};
/** Mixed case and symbols, so Java String order differs from case-insensitive order. */
const NAMES = ['a', 'B', 'c_1', 'Zz', 'm$', 'x9', 'col', 'Col', 'k', 'Y'];

function colSpecArb(name: string): fc.Arbitrary<ColSpec> {
  return fc
    .record({
      dataType: fc.constantFrom(...DATA_TYPES),
      pick: fc.nat(9),
      sv: fc.boolean(),
      raw: fc.boolean(),
      rawVia: fc.constantFrom('noDict' as const, 'fieldConfig' as const, 'both' as const),
      codec: fc.constantFrom(null, ...CODECS),
      inverted: fc.boolean(),
      invertedVia: fc.constantFrom('list' as const, 'fieldConfig' as const),
      varLen: fc.boolean(),
      sorted: fc.nat(3),
      notNull: fc.boolean(),
      customDefault: fc.nat(4),
    })
    .map((r) => {
      const t = r.dataType;
      let fieldType: FieldType = 'DIMENSION';
      if (r.pick < 3 && METRIC_TYPES.includes(t)) fieldType = 'METRIC';
      else if (r.pick < 5 && DATE_TIME_TYPES.includes(t)) fieldType = 'DATE_TIME';
      const sv = fieldType !== 'DIMENSION' || t === 'JSON' ? true : r.sv;
      const spec: ColSpec = {
        name,
        dataType: t,
        fieldType,
        sv,
        raw: r.raw,
        rawVia: r.rawVia,
        codec: r.raw ? r.codec : null,
        inverted: !r.raw && r.inverted,
        invertedVia: r.invertedVia,
        varLen: !r.raw && r.varLen && isVarWidth(t),
        sorted: sv && r.sorted === 0,
        notNull: r.notNull,
      };
      const custom = CUSTOM_DEFAULTS[t];
      if (custom !== undefined && r.customDefault === 0 && fieldType !== 'DATE_TIME') spec.customDefault = custom;
      return spec;
    });
}

// ---------------------------------------------------------------------------------------------
// Input values
// ---------------------------------------------------------------------------------------------

const MISSING = Symbol('missing');
const PIECES = ['a', 'b', 'Z', ' ', ',', '=', ':', '#', '!', '\\', 'é', '中', '\u{1F600}', '\u{10348}', '\n', '\t', '\u0001', '"', "'", 'null', '\0x', '\uffff'];
const shortString = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => p.join(''));
/** > 512 UTF-16 units of BMP characters (so trimming at 512 cannot split a surrogate pair). */
const longString = fc.tuple(fc.integer({ min: 505, max: 700 }), fc.constantFrom('x', 'é', '中', 'ab', ' ,')).map(([n, c]) => c.repeat(n).slice(0, n));
const stringArb = fc.oneof({ weight: 6, arbitrary: shortString }, { weight: 1, arbitrary: longString }, { weight: 2, arbitrary: fc.constantFrom('', 'a', 'b', 'null') });
const decimalArb = fc.oneof(
  fc
    .tuple(fc.constantFrom('', '-'), fc.stringMatching(/^[0-9]{1,22}$/), fc.option(fc.stringMatching(/^[0-9]{0,12}$/)))
    .map(([s, i, f]) => `${s}${i}${f === null ? '' : `.${f}`}`),
  fc.constantFrom('0', '0.000', '-0.0', '100', '1.50', '1.5', '0.0000001', '123456789012345678901234567890'),
);
const bytesArb = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom(new Uint8Array(0), new Uint8Array([1]), new Uint8Array([1, 2]), new Uint8Array([0xff])) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 257, maxLength: 300 }) },
);
const dateString = fc.integer({ min: 0, max: 20000 }).map((d) => new Date(d * 86400000).toISOString().slice(0, 10).replaceAll('-', ''));
const jsonArb = fc.oneof(
  fc.constantFrom('{"a":1}', '[1,2]', '"x"', 'plain text', '', '{}', '[]', 'true', '{"b":"\u{1F600}"}'),
  fc.record({ a: fc.integer({ min: -5, max: 5 }), b: shortString }),
  fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3 }),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  longString,
);

/** A single value in any form Pinot accepts for the type (SV cells). */
function scalarArb(t: DataType, fieldType: FieldType): fc.Arbitrary<unknown> {
  switch (t) {
    case 'INT':
      return fc.oneof(
        fc.integer({ min: INT_MIN, max: INT_MAX }),
        fc.constantFrom(INT_MIN, INT_MAX, 0, -1),
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -3, max: 3 }).map(String),
      );
    case 'LONG':
      return fc.oneof(
        fc.bigInt({ min: LONG_MIN, max: LONG_MAX }),
        fc.constantFrom(LONG_MIN, LONG_MAX, 0n),
        fc.integer({ min: -3, max: 3 }),
        fc.bigInt({ min: -3n, max: 3n }).map(String),
      );
    case 'FLOAT':
    case 'DOUBLE':
      return fc.oneof(
        fc.double(),
        fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1.5, 3.4028235e38, 1e39, 1e-46, -1e-50, Number.MAX_VALUE, Number.MIN_VALUE),
        fc.integer({ min: -3, max: 3 }).map((n) => n / 2),
      );
    case 'BIG_DECIMAL':
      return fc.oneof(decimalArb, fc.integer({ min: -3, max: 3 }));
    case 'BOOLEAN':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'TRUE', 0, 1));
    case 'TIMESTAMP':
      return fc.oneof(
        fc.integer({ min: -1e12, max: 4e12 }),
        fc.bigInt({ min: 0n, max: 4_000_000_000_000n }),
        fc.date({ min: new Date(-1e12), max: new Date(4e12), noInvalidDate: true }),
        fc.constantFrom(0, 1, 1_600_000_000_000),
      );
    case 'STRING':
      return fieldType === 'DATE_TIME' ? dateString : fc.oneof({ weight: 8, arbitrary: stringArb }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) });
    case 'JSON':
      return jsonArb;
    case 'BYTES':
      return fc.oneof({ weight: 4, arbitrary: bytesArb }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b).toString('hex')) });
  }
}

/** MV elements: one JS type per column, as Pinot converts a whole array by its first element's type. */
function elementArb(t: DataType): fc.Arbitrary<unknown> {
  switch (t) {
    case 'INT':
      return fc.oneof(fc.integer({ min: INT_MIN, max: INT_MAX }), fc.integer({ min: -3, max: 3 }), fc.constantFrom(INT_MIN, INT_MAX));
    case 'LONG':
    case 'TIMESTAMP':
      return fc.oneof(fc.bigInt({ min: t === 'LONG' ? LONG_MIN : 0n, max: t === 'LONG' ? LONG_MAX : 4_000_000_000_000n }), fc.bigInt({ min: 0n, max: 3n }));
    case 'FLOAT':
    case 'DOUBLE':
      return fc.oneof(fc.double(), fc.constantFrom(NaN, -0, 0.5, Infinity), fc.integer({ min: -3, max: 3 }).map((n) => n / 4));
    case 'BIG_DECIMAL':
      return decimalArb;
    case 'BOOLEAN':
      return fc.boolean();
    case 'STRING':
      return stringArb;
    case 'BYTES':
      return bytesArb;
    case 'JSON':
      throw new Error('JSON cannot be multi-value');
  }
}

function cellArb(col: ColSpec): fc.Arbitrary<unknown> {
  const nulls: fc.Arbitrary<unknown> = fc.constantFrom(null, undefined, MISSING, []);
  if (col.sv) {
    const value = scalarArb(col.dataType, col.fieldType);
    return fc.oneof(
      { weight: 8, arbitrary: value },
      { weight: 2, arbitrary: nulls },
      // One-element arrays are unwrapped (DataTypeTransformerUtils.standardize); [null] is null.
      { weight: 1, arbitrary: value.map((v) => [v]) },
      { weight: 1, arbitrary: fc.constant([null]) },
    );
  }
  const elem = elementArb(col.dataType);
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 6, arbitrary: elem }, { weight: 1, arbitrary: fc.constant(null) }), { minLength: 1, maxLength: 5 }) },
    { weight: 2, arbitrary: elem },
    { weight: 2, arbitrary: nulls },
    { weight: 1, arbitrary: fc.constant([null, undefined]) },
  );
}

// ---------------------------------------------------------------------------------------------
// Schema / table config JSON
// ---------------------------------------------------------------------------------------------

function schemaJson(cols: ColSpec[], nullMode: NullMode): Record<string, unknown> {
  const spec = (c: ColSpec): Record<string, unknown> => {
    const o: Record<string, unknown> = { name: c.name, dataType: c.dataType };
    if (!c.sv) o.singleValueField = false;
    if (c.customDefault !== undefined) o.defaultNullValue = c.customDefault;
    if (nullMode === 'column' && c.notNull) o.notNull = true;
    if (c.fieldType === 'DATE_TIME') {
      const [format, granularity] = DATE_TIME_FORMATS[c.dataType]!;
      o.format = format;
      o.granularity = granularity;
    }
    return o;
  };
  return {
    schemaName: 'rt',
    ...(nullMode === 'column' ? { enableColumnBasedNullHandling: true } : {}),
    dimensionFieldSpecs: cols.filter((c) => c.fieldType === 'DIMENSION').map(spec),
    metricFieldSpecs: cols.filter((c) => c.fieldType === 'METRIC').map(spec),
    dateTimeFieldSpecs: cols.filter((c) => c.fieldType === 'DATE_TIME').map(spec),
  };
}

function tableConfigJson(cols: ColSpec[], nullMode: NullMode): Record<string, unknown> {
  const fieldConfigList: Array<Record<string, unknown>> = [];
  for (const c of cols) {
    if (c.raw && c.rawVia !== 'noDict') fieldConfigList.push({ name: c.name, encodingType: 'RAW', ...(c.codec ? { compressionCodec: c.codec } : {}) });
    else if (c.raw && c.codec) fieldConfigList.push({ name: c.name, encodingType: 'RAW', compressionCodec: c.codec });
    else if (c.inverted && c.invertedVia === 'fieldConfig') fieldConfigList.push({ name: c.name, encodingType: 'DICTIONARY', indexTypes: ['INVERTED'] });
  }
  return {
    tableName: 'rt',
    tableType: 'OFFLINE',
    segmentsConfig: {},
    tableIndexConfig: {
      noDictionaryColumns: cols.filter((c) => c.raw && c.rawVia !== 'fieldConfig').map((c) => c.name),
      invertedIndexColumns: cols.filter((c) => c.inverted && c.invertedVia === 'list').map((c) => c.name),
      varLengthDictionaryColumns: cols.filter((c) => c.varLen).map((c) => c.name),
      nullHandlingEnabled: nullMode === 'table',
    },
    fieldConfigList,
  };
}

// ---------------------------------------------------------------------------------------------
// Case generation and expectations
// ---------------------------------------------------------------------------------------------

interface Case {
  cols: ColSpec[];
  nullMode: NullMode;
  numRows: number;
  /** cells[col][row]: the input (MISSING = key absent). */
  cells: unknown[][];
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    names: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 8 }),
    nullMode: fc.constantFrom('off' as const, 'table' as const, 'column' as const),
    numRows: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 300 }) }),
  })
  .chain(({ names, nullMode, numRows }) =>
    fc.tuple(...names.map(colSpecArb)).chain((cols) =>
      fc.tuple(...cols.map((c) => fc.array(cellArb(c), { minLength: numRows, maxLength: numRows }))).map((cells) => ({ cols, nullMode, numRows, cells })),
    ),
  );

interface Expected {
  field: FieldSpec;
  cells: ExpectedCell[];
  dflt: { value: Sc; text: string };
  nullHandling: boolean;
}

/** Computes what every column should hold; sorted columns get their rows reordered first. */
function expectCase(c: Case): { rows: Array<Record<string, unknown>>; expected: Map<string, Expected> } {
  const schema = parseSchema(schemaJson(c.cols, c.nullMode));
  const expected = new Map<string, Expected>();
  const cells = c.cells.map((column) => [...column]);
  c.cols.forEach((col, i) => {
    const field = schema.fieldMap.get(col.name)!;
    const dflt = defaultNull(col.dataType, col.fieldType, col.customDefault);
    let input = cells[i]!;
    const conv = (raw: unknown): ExpectedCell => expectCell(col, field, raw === MISSING ? undefined : raw, dflt.value);
    if (col.sorted) {
      const pairs = input.map((raw) => ({ raw, e: conv(raw) }));
      pairs.sort((a, b) => compareSc(col.dataType, a.e.value as Sc, b.e.value as Sc));
      input = pairs.map((p) => p.raw);
      cells[i] = input;
    }
    const nullHandling = c.nullMode === 'table' || (c.nullMode === 'column' && !col.notNull);
    expected.set(col.name, { field, cells: input.map(conv), dflt, nullHandling });
  });
  const rows = Array.from({ length: c.numRows }, (_, r) => {
    const row: Record<string, unknown> = {};
    c.cols.forEach((col, i) => {
      const v = cells[i]![r];
      if (v !== MISSING) row[col.name] = v;
    });
    return row;
  });
  return { rows, expected };
}

function invertedFrom(ids: ArrayLike<number> | number[][], cardinality: number): number[][] {
  const out: number[][] = Array.from({ length: cardinality }, () => []);
  Array.from(ids as ArrayLike<number | number[]>).forEach((v, doc) => {
    for (const id of new Set(Array.isArray(v) ? v : [v])) out[id]!.push(doc);
  });
  return out;
}

async function verifyColumn(seg: SegmentReader, col: ColSpec, exp: Expected, numRows: number): Promise<void> {
  const name = col.name;
  const t = col.dataType;
  const s = expectStats(col, exp.cells);
  const props = seg.metadata.properties;
  const k = (key: string): string | undefined => props.get(`column.${name}.${key}`);
  const hasDict = !col.raw;
  const ctx = `column ${name} (${t}${col.sv ? '' : ' MV'} ${col.fieldType}${col.raw ? ` raw ${col.codec ?? 'default'}` : ' dict'}${col.inverted ? ' inv' : ''}${col.varLen ? ' varLen' : ''})`;

  // values
  const values = await seg.values(name);
  expect(values, ctx).toEqual(exp.cells.map((c) => c.value));

  // metadata
  const md: Record<string, string | undefined> = {
    columnType: k('columnType'),
    dataType: k('dataType'),
    isSingleValues: k('isSingleValues'),
    defaultNullValue: k('defaultNullValue'),
    totalDocs: k('totalDocs'),
    cardinality: k('cardinality'),
    hasDictionary: k('hasDictionary'),
    forwardIndexEncoding: k('forwardIndexEncoding'),
    isSorted: k('isSorted'),
    lengthOfShortestElement: k('lengthOfShortestElement'),
    lengthOfLongestElement: k('lengthOfLongestElement'),
    isAscii: k('isAscii'),
    maxRowLengthInBytes: k('maxRowLengthInBytes'),
    lengthOfEachEntry: k('lengthOfEachEntry'),
    bitsPerElement: k('bitsPerElement'),
    maxNumberOfMultiValues: k('maxNumberOfMultiValues'),
    totalNumberOfEntries: k('totalNumberOfEntries'),
    minMaxValueInvalid: k('minMaxValueInvalid'),
    isNonNull: k('isNonNull'),
    datetimeFormat: k('datetimeFormat'),
    datetimeGranularity: k('datetimeGranularity'),
  };
  const min = s.min !== undefined ? validPropertyValue(t, s.min) : undefined;
  const max = s.max !== undefined ? validPropertyValue(t, s.max) : undefined;
  const stringStored = storedTypeOf(t) === 'STRING';
  const want: Record<string, string | undefined> = {
    columnType: col.fieldType,
    dataType: t,
    isSingleValues: String(col.sv),
    defaultNullValue: exp.dflt.text,
    totalDocs: String(numRows),
    cardinality: String(s.cardinality),
    hasDictionary: String(hasDict),
    forwardIndexEncoding: hasDict ? 'DICTIONARY' : 'RAW',
    isSorted: String(s.isSorted),
    lengthOfShortestElement: isVarWidth(t) ? String(s.lengthOfShortestElement) : undefined,
    lengthOfLongestElement: isVarWidth(t) ? String(s.lengthOfLongestElement) : undefined,
    isAscii: stringStored ? String(s.isAscii) : undefined,
    maxRowLengthInBytes: isVarWidth(t) && !col.sv ? String(s.maxRowLengthInBytes) : undefined,
    lengthOfEachEntry: String(hasDict && isVarWidth(t) ? s.lengthOfLongestElement : 0),
    bitsPerElement: String(bitsPerElement(s.cardinality)),
    maxNumberOfMultiValues: String(s.maxNumberOfMultiValues),
    totalNumberOfEntries: String(s.totalNumberOfEntries),
    minMaxValueInvalid: min === undefined && max === undefined ? 'true' : undefined,
    isNonNull: exp.nullHandling && s.nullDocIds.length === 0 ? 'true' : undefined,
    datetimeFormat: col.fieldType === 'DATE_TIME' ? DATE_TIME_FORMATS[t]![0] : undefined,
    datetimeGranularity: col.fieldType === 'DATE_TIME' ? DATE_TIME_FORMATS[t]![1] : undefined,
  };
  expect(md, ctx).toEqual(want);
  const cm = seg.column(name);
  expect({ min: cm.minValue, max: cm.maxValue }, ctx).toEqual({ min, max });

  // dictionary: the distinct values, strictly increasing in Java order
  if (hasDict) {
    const dict = await seg.dictionary(name);
    expect(dict, ctx).toEqual(s.sortedDistinct);
    for (let i = 1; i < dict.length; i++) expect(compareSc(t, dict[i - 1] as Sc, dict[i] as Sc), ctx).toBe(-1);
    // DictionaryIndexType.shouldUseVarLengthDictionary: configured, or BYTES/BIG_DECIMAL of unequal lengths
    const buf = await seg.indexBuffer(name, 'dictionary');
    if (isVarWidth(t)) {
      const varLength = col.varLen || (storedTypeOf(t) !== 'STRING' && s.lengthOfShortestElement !== s.lengthOfLongestElement);
      expect(buf.subarray(0, 4).toString('latin1') === '.vl;', `${ctx} var-length dictionary`).toBe(varLength);
      if (!varLength) expect(buf.length, ctx).toBe(s.cardinality * s.lengthOfLongestElement!);
    } else {
      expect(buf.length, ctx).toBe(s.cardinality * { INT: 4, LONG: 8, FLOAT: 4, DOUBLE: 8 }[storedTypeOf(t) as 'INT']);
    }
    // SingleValueSortedForwardIndexCreator: a (first, last) docId pair per dictId
    if (col.sv && s.isSorted) expect((await seg.indexBuffer(name, 'forward_index')).length, ctx).toBe(s.cardinality * 8);
  }

  // forward index layout and inverted index
  expect(await seg.hasIndex(name, 'dictionary'), ctx).toBe(hasDict);
  const wantInverted = col.inverted && !(col.sv && s.isSorted);
  expect(await seg.hasIndex(name, 'inverted_index'), ctx).toBe(wantInverted);
  if (wantInverted) {
    const inv = await seg.invertedIndex(name);
    const ids = col.sv ? await seg.dictIds(name) : await seg.mvDictIds(name);
    const fromForward = invertedFrom(ids, s.cardinality);
    expect([...inv.values()], ctx).toEqual(fromForward);
    // and from the model: docs holding each distinct value
    const byKey = new Map(s.sortedDistinct.map((v, i) => [keyOf(t, v), i]));
    const fromModel: number[][] = Array.from({ length: s.cardinality }, () => []);
    exp.cells.forEach((c, doc) => {
      for (const id of new Set((col.sv ? [c.value as Sc] : (c.value as Sc[])).map((v) => byKey.get(keyOf(t, v))!))) fromModel[id]!.push(doc);
    });
    expect(fromForward, ctx).toEqual(fromModel);
  }

  // null value vector
  const wantNullVector = exp.nullHandling && s.nullDocIds.length > 0;
  expect(await seg.hasIndex(name, 'nullvalue_vector'), ctx).toBe(wantNullVector);
  expect(await seg.nullDocIds(name), ctx).toEqual(wantNullVector ? s.nullDocIds : []);
}

async function buildAndVerify(c: Case, outDir: string): Promise<string> {
  const { rows, expected } = expectCase(c);
  const built = await buildSegment(rows, {
    schema: schemaJson(c.cols, c.nullMode),
    tableConfig: tableConfigJson(c.cols, c.nullMode),
    outDir,
    creationTime: 1_700_000_000_000,
  });
  expect(built.totalDocs).toBe(c.numRows);
  const seg = await openSegment(built.tarFile);
  try {
    await seg.verifyCrc();
    expect(seg.metadata.totalDocs).toBe(c.numRows);
    expect(seg.metadata.name).toBe('rt_OFFLINE_0');
    const names = (ft: FieldType): string[] => c.cols.filter((x) => x.fieldType === ft).map((x) => x.name).sort();
    expect(seg.metadata.dimensionColumns).toEqual(names('DIMENSION'));
    expect(seg.metadata.metricColumns).toEqual(names('METRIC'));
    expect(seg.metadata.dateTimeColumns).toEqual(names('DATE_TIME'));
    expect([...seg.metadata.columns.keys()]).toEqual(c.cols.map((x) => x.name).sort());
    expect(seg.creationMeta?.creationTime).toBe(1_700_000_000_000n);
    for (const col of c.cols) await verifyColumn(seg, col, expected.get(col.name)!, c.numRows);
  } finally {
    await seg.close();
  }
  return built.tarFile;
}

describe('buildSegment → openSegment round trip', () => {
  it('random schemas, table configs and rows read back as Pinot stores them', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        await buildAndVerify(c, tmp.make('ds-rt-'));
      }),
      { seed: 20260821, numRuns: 100 },
    );
  });

  it('the same rows and creationTime give a byte-identical .tar.gz', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const a = await buildAndVerify(c, tmp.make('ds-det-'));
        const { rows } = expectCase(c);
        const again = await buildSegment(rows, {
          schema: schemaJson(c.cols, c.nullMode),
          tableConfig: tableConfigJson(c.cols, c.nullMode),
          outDir: tmp.make('ds-det-'),
          creationTime: 1_700_000_000_000,
        });
        expect(readFileSync(again.tarFile).equals(readFileSync(a))).toBe(true);
      }),
      { seed: 7, numRuns: 8 },
    );
  });

  it('every data type and codec over several raw chunks (2500 rows)', async () => {
    // Raw forward indexes hold 1000 docs per chunk by default: this crosses chunk boundaries.
    const types: Array<[DataType, boolean]> = [
      ['INT', true], ['LONG', true], ['FLOAT', true], ['DOUBLE', true], ['BIG_DECIMAL', true], ['BOOLEAN', true], ['TIMESTAMP', true],
      ['STRING', true], ['JSON', true], ['BYTES', true], ['INT', false], ['LONG', false], ['FLOAT', false], ['DOUBLE', false],
      ['STRING', false], ['BYTES', false], ['BIG_DECIMAL', false], ['BOOLEAN', false], ['TIMESTAMP', false],
    ];
    const cols: ColSpec[] = [];
    types.forEach(([dataType, sv], i) => {
      const base = { dataType, fieldType: 'DIMENSION' as const, sv, rawVia: 'fieldConfig' as const, invertedVia: 'list' as const, varLen: false, sorted: false, notNull: false };
      cols.push({ ...base, name: `r${i}`, raw: true, codec: CODECS[i % CODECS.length]!, inverted: false });
      cols.push({ ...base, name: `d${i}`, raw: false, codec: null, inverted: true });
    });
    cols.push({ name: 'srt', dataType: 'STRING', fieldType: 'DIMENSION', sv: true, raw: false, rawVia: 'noDict', codec: null, inverted: true, invertedVia: 'list', varLen: true, sorted: true, notNull: false });
    const numRows = 2500;
    const gen = fc.tuple(...cols.map((c) => fc.array(cellArb(c), { minLength: numRows, maxLength: numRows })));
    const [cells] = fc.sample(gen, { seed: 99, numRuns: 1 });
    await buildAndVerify({ cols, nullMode: 'table', numRows, cells: cells! }, tmp.make('ds-big-'));
  });
});

describe('a dictionary column with a RAW forward index (fieldConfig encodingType RAW + an inverted index)', () => {
  // Pinot keeps the dictionary for the inverted index and writes a raw forward index
  // (DictionaryIndexType / ForwardIndexType, BaseSegmentCreator.adaptConfig;
  // forwardIndexEncoding = RAW, hasDictionary = true in metadata).
  const schema = {
    schemaName: 'rd',
    dimensionFieldSpecs: [
      { name: 's', dataType: 'STRING' },
      { name: 'm', dataType: 'INT', singleValueField: false },
    ],
  };
  const tableConfig = {
    tableName: 'rd',
    tableType: 'OFFLINE',
    segmentsConfig: {},
    tableIndexConfig: {},
    fieldConfigList: [
      { name: 's', encodingType: 'RAW', indexTypes: ['INVERTED'] },
      { name: 'm', encodingType: 'RAW', indexes: { inverted: {} } },
    ],
  };
  const rows = [
    { s: 'b', m: [1, 2] },
    { s: 'a', m: [3] },
    { s: 'b', m: null },
  ];
  const build = async (): Promise<SegmentReader> => openSegment((await buildSegment(rows, { schema, tableConfig, outDir: tmp.make('ds-rd-'), creationTime: 1 })).tarFile);

  it('is written with a dictionary, a raw forward index and a bitmap inverted index', async () => {
    const seg = await build();
    try {
      await seg.verifyCrc();
      const p = seg.metadata.properties;
      expect([p.get('column.s.hasDictionary'), p.get('column.s.forwardIndexEncoding')]).toEqual(['true', 'RAW']);
      expect([p.get('column.m.hasDictionary'), p.get('column.m.forwardIndexEncoding')]).toEqual(['true', 'RAW']);
      expect(await seg.dictionary('s')).toEqual(['a', 'b']);
      expect(await seg.dictionary('m')).toEqual([INT_MIN, 1, 2, 3]);
      expect(await seg.invertedIndex('s')).toEqual(new Map([['a', [1]], ['b', [0, 2]]]));
      expect(await seg.invertedIndex('m')).toEqual(new Map([[INT_MIN, [2]], [1, [0]], [2, [0]], [3, [1]]]));
    } finally {
      await seg.close();
    }
  });

  // SegmentReader.values()/dictIds() pick the forward index reader from hasDictionary (and
  // isSorted); Pinot's ForwardIndexReaderFactory.createIndexReader picks it from
  // metadata.getForwardIndexEncoding(): RAW → a raw chunk reader even when a dictionary exists.
  // Today the raw bytes are decoded as fixed-bit dictIds: s reads ['a','a','a'], m reads [].
  it('values() decodes the raw forward index', async () => {
    const seg = await build();
    try {
      expect(await seg.values('s')).toEqual(['b', 'a', 'b']);
      expect(await seg.values('m')).toEqual([[1, 2], [3], [INT_MIN]]);
    } finally {
      await seg.close();
    }
  });
});

describe('oracle sanity', () => {
  it('tarball layout: one segment dir with v3/ holding the four files', async () => {
    const out = tmp.make('ds-layout-');
    const cols: ColSpec[] = [{ name: 'a', dataType: 'INT', fieldType: 'DIMENSION', sv: true, raw: false, rawVia: 'noDict', codec: null, inverted: false, invertedVia: 'list', varLen: false, sorted: false, notNull: false }];
    await buildAndVerify({ cols, nullMode: 'off', numRows: 3, cells: [[1, 2, 3]] }, out);
    const { list } = await import('tar');
    const entries: string[] = [];
    await list({ file: join(out, 'rt_OFFLINE_0.tar.gz'), onReadEntry: (e) => entries.push(e.path) });
    expect(entries).toEqual(['rt_OFFLINE_0/', 'rt_OFFLINE_0/v3/', 'rt_OFFLINE_0/v3/creation.meta', 'rt_OFFLINE_0/v3/index_map', 'rt_OFFLINE_0/v3/metadata.properties', 'rt_OFFLINE_0/v3/columns.psf']);
  });
});

describe('dictionaries whose every value is empty', () => {
  // Pinot writes a fixed-width dictionary of width 0 (an empty file, dictionaryElementSize 0) for
  // a BYTES column holding only empty byte arrays (its default null value) and a STRING column
  // holding only ''; BaseImmutableDictionary reads it as fixed width because it has no '.vl;'
  // magic. Our reader used to take width 0 as "var-length" and failed on these segments.
  it('BYTES of only defaults and STRING of only empty strings read back', async () => {
    const schema = { schemaName: 'e', dimensionFieldSpecs: [{ name: 'b', dataType: 'BYTES' }, { name: 's', dataType: 'STRING' }, { name: 'k', dataType: 'INT' }] };
    const tableConfig = { tableName: 'e', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: {} };
    const built = await buildSegment([{ s: '', k: 1 }, { b: new Uint8Array(0), s: '', k: 2 }, { k: 3, s: '' }], { schema, tableConfig, outDir: tmp.make('ds-empty-dict-'), creationTime: 1_700_000_000_000 });
    const seg = await openSegment(built.tarFile);
    try {
      await seg.verifyCrc();
      expect(seg.metadata.columns.get('b')?.dictionaryElementSize).toBe(0);
      expect(seg.metadata.columns.get('s')?.dictionaryElementSize).toBe(0);
      expect((await seg.values('b')).map((v) => Buffer.from(v as Uint8Array).length)).toEqual([0, 0, 0]);
      expect(await seg.values('s')).toEqual(['', '', '']);
      expect(await seg.values('k')).toEqual([1, 2, 3]);
    } finally {
      await seg.close();
    }
  });
});
