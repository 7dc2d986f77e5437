/**
 * metadata.properties, index_map and creation.meta of built segments, checked against the
 * airlineStats fixture (what keys Pinot writes per kind of column), a hand-computed
 * metadata.properties in Pinot HEAD's key order (BaseSegmentCreator.writeMetadata /
 * addColumnMetadataInfo / addFieldSpec), the v3 layout rules of SegmentV1V2ToV3FormatConverter,
 * and CrcUtils / BaseSegmentCreator.persistCreationMeta recomputed here independently.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSegment, type BuiltSegment } from '../src/builder/index.js';
import { openSegment } from '../src/segment-reader.js';
import { fixturesDir } from './fixtures-dir.js';
import { TempDirs } from './helpers/tmp.js';

const tmp = new TempDirs();
afterAll(() => tmp.cleanup());

const CREATION_TIME = 1_700_000_000_000;

/** java.util.zip.Adler32, written out plainly. */
function adler32(parts: Uint8Array[]): number {
  let a = 1;
  let b = 0;
  for (const p of parts) {
    for (const x of p) {
      a = (a + x) % 65521;
      b = (b + a) % 65521;
    }
  }
  return (b * 65536 + a) >>> 0;
}

/** A properties file's `key = value` lines (no comments, no continuations in what we read here). */
function propertyLines(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const i = l.indexOf(' = ');
      return [l.slice(0, i), l.slice(i + 3)];
    });
}

function javaCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function build(rows: Array<Record<string, unknown>>, schema: unknown, tableConfig: unknown, extra: Record<string, unknown> = {}): Promise<BuiltSegment & { segmentDir: string }> {
  const built = await buildSegment(rows, { schema, tableConfig, outDir: tmp.make('ds-md-'), creationTime: CREATION_TIME, keepSegmentDir: true, ...extra });
  expect(built.segmentDir).toBeDefined();
  return built as BuiltSegment & { segmentDir: string };
}

// ---------------------------------------------------------------------------------------------
// (a) the keys Pinot writes, per kind of column, as the airlineStats fixture carries them
// ---------------------------------------------------------------------------------------------

const airlineSchema = {
  schemaName: 'airlineLike',
  dimensionFieldSpecs: [
    { name: 'AirlineID', dataType: 'INT' },
    { name: 'DivAirportIDs', dataType: 'INT', singleValueField: false },
    { name: 'Carrier', dataType: 'STRING' },
    { name: 'DivAirports', dataType: 'STRING', singleValueField: false },
  ],
  dateTimeFieldSpecs: [
    { name: 'DaysSinceEpoch', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' },
    { name: 'ts', dataType: 'TIMESTAMP', format: '1:MILLISECONDS:TIMESTAMP', granularity: '1:SECONDS' },
  ],
};
const airlineTable = { tableName: 'airlineLike', tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'DaysSinceEpoch' }, tableIndexConfig: { invertedIndexColumns: ['Carrier'] } };
const airlineRows = [
  { AirlineID: 19805, DivAirportIDs: [12478, 13930], Carrier: 'AA', DivAirports: ['JFK', 'ORD'], DaysSinceEpoch: 16085, ts: 1389744000000 },
  { AirlineID: 19393, DivAirportIDs: null, Carrier: 'WN', DivAirports: [], DaysSinceEpoch: 16085, ts: 1389744000000 },
  { AirlineID: 20366, DivAirportIDs: [10397], Carrier: 'EV', DivAirports: ['ATL'], DaysSinceEpoch: 16086, ts: 1389830400000 },
];

function fixtureProperties(): Array<[string, string]> {
  return propertyLines(readFileSync(join(fixturesDir(), 'airlineStats-startree.metadata.properties'), 'latin1'));
}

/** column -> key -> value, from `column.<col>.<key>` lines. */
function columnKeys(lines: Array<[string, string]>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [k, v] of lines) {
    const m = /^column\.(.+)\.([^.]+)$/.exec(k);
    if (!m) continue;
    if (!out.has(m[1]!)) out.set(m[1]!, new Map());
    out.get(m[1]!)!.set(m[2]!, v);
  }
  return out;
}

const kindOf = (keys: Map<string, string>): string => `${keys.get('dataType')} ${keys.get('isSingleValues') === 'false' ? 'MV' : 'SV'} ${keys.get('columnType')}`;

describe('(a) keys per kind of column, as in the airlineStats fixture', () => {
  it('every key every fixture column of the same kind carries is in ours; so are the segment-level keys', async () => {
    const fixture = fixtureProperties();
    // Keys every fixture column of a kind carries (minValue/maxValue are absent on some STRING columns).
    const byKind = new Map<string, Set<string>>();
    for (const keys of columnKeys(fixture).values()) {
      const kind = kindOf(keys);
      const have = new Set(keys.keys());
      const prev = byKind.get(kind);
      byKind.set(kind, prev ? new Set([...prev].filter((k) => have.has(k))) : have);
    }
    const built = await build(airlineRows, airlineSchema, airlineTable);
    const ours = propertyLines(readFileSync(join(built.segmentDir, 'v3', 'metadata.properties'), 'utf8'));
    const ourColumns = columnKeys(ours);
    const kindsChecked = new Set<string>();
    for (const [col, keys] of ourColumns) {
      const want = byKind.get(kindOf(keys));
      expect(want, `kind ${kindOf(keys)} of ${col} is in the fixture`).toBeDefined();
      kindsChecked.add(kindOf(keys));
      const missing = [...want!].filter((k) => !keys.has(k));
      expect(missing, `column ${col} (${kindOf(keys)})`).toEqual([]);
    }
    // INT, STRING, TIMESTAMP, multi-value INT/STRING and DATE_TIME columns all checked
    expect([...kindsChecked].sort()).toEqual(['INT MV DIMENSION', 'INT SV DATE_TIME', 'INT SV DIMENSION', 'STRING MV DIMENSION', 'STRING SV DIMENSION', 'TIMESTAMP SV DATE_TIME']);

    const segmentKeys = (lines: Array<[string, string]>): string[] => lines.map(([k]) => k).filter((k) => !k.startsWith('column.') && !k.startsWith('startree.'));
    const ourSegmentKeys = new Set(segmentKeys(ours));
    expect(segmentKeys(fixture).filter((k) => !ourSegmentKeys.has(k))).toEqual([]);
    // and with the fixture's meaning
    const get = (k: string): string | undefined => ours.find(([x]) => x === k)?.[1];
    expect(get('segment.time.column.name')).toBe('DaysSinceEpoch');
    expect([get('segment.start.time'), get('segment.end.time'), get('segment.time.unit')]).toEqual(['16085', '16086', 'DAYS']);
    expect(get('segment.datetime.column.names')).toBe('DaysSinceEpoch,ts');
    expect(get('segment.padding.character')).toBe('\\u0000');
    expect(ours.at(-1)).toEqual(['segment.index.version', 'v3']);
    expect(built.segmentName).toBe('airlineLike_OFFLINE_16085_16086_0');
  });
});

// ---------------------------------------------------------------------------------------------
// (b) exact metadata.properties of a tiny segment
// ---------------------------------------------------------------------------------------------

const tinySchema = {
  schemaName: 'tiny',
  dimensionFieldSpecs: [
    { name: 'name', dataType: 'STRING' },
    { name: 'tags', dataType: 'STRING', singleValueField: false },
  ],
  metricFieldSpecs: [
    { name: 'score', dataType: 'INT' },
    { name: 'price', dataType: 'DOUBLE' },
  ],
  dateTimeFieldSpecs: [{ name: 'ts', dataType: 'TIMESTAMP', format: '1:MILLISECONDS:TIMESTAMP', granularity: '1:MILLISECONDS' }],
};
const tinyTable = {
  tableName: 'tiny',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'ts' },
  tableIndexConfig: { noDictionaryColumns: ['price'], invertedIndexColumns: ['name'], nullHandlingEnabled: true },
};
const tinyRows = [
  { name: 'bob', tags: ['x', 'yy'], score: 3, price: 1.5, ts: 1600000000000 },
  { name: '  café', tags: null, score: null, price: 2.25, ts: 1600000001000 },
  { name: 'zz, top', tags: ['x'], score: 7, price: null, ts: 1600000002000 },
];
const buildTiny = (): Promise<BuiltSegment & { segmentDir: string }> =>
  build(tinyRows, tinySchema, tinyTable, { sequenceId: 3, customProperties: { 'custom.owner': 'team a' } });

/*
 * Hand-computed:
 * - name: 'bob', '  café', 'zz, top' → Java order '  café' < 'bob' < 'zz, top'; not sorted in
 *   arrival order (so the inverted index is built); UTF-8 lengths 3, 7, 7; not ASCII (é).
 *   Min gets replaceSpecialCharacterInPropertyValue's '\0' before the leading space, max its
 *   '\0\0' for the comma; Commons escapes both (and é) as \uXXXX.
 * - price (raw DOUBLE metric): 1.5, 2.25, null → 0.0 (metric default): min 0.0, max 2.25.
 * - score (INT metric): 3, null → 0, 7.
 * - tags (MV STRING): [x, yy], null → [null], [x]: distinct null/x/yy (4/1/2 bytes), entries 4,
 *   longest row 4 bytes ('null'), at most 2 values.
 * - ts: sorted, the time column: start/end 1600000000000/1600000002000 MILLISECONDS.
 * isNonNull for the null-handling columns without nulls (name, ts). isAutoGenerated = false is
 * the one line current Pinot does not write (only when true); this package writes it as older
 * Pinot did (see metadata-writer.ts).
 */
const TINY_METADATA = `segment.padding.character = \\u0000
segment.name = tiny_OFFLINE_1600000000000_1600000002000_3
segment.table.name = tiny
segment.dimension.column.names = name,tags
segment.metric.column.names = price,score
segment.datetime.column.names = ts
segment.time.column.name = ts
segment.total.docs = 3
segment.start.time = 1600000000000
segment.end.time = 1600000002000
segment.time.unit = MILLISECONDS
custom.owner = team a
column.name.columnType = DIMENSION
column.name.dataType = STRING
column.name.isSingleValues = true
column.name.defaultNullValue = null
column.name.totalDocs = 3
column.name.cardinality = 3
column.name.hasDictionary = true
column.name.forwardIndexEncoding = DICTIONARY
column.name.isSorted = false
column.name.lengthOfShortestElement = 3
column.name.lengthOfLongestElement = 7
column.name.isAscii = false
column.name.lengthOfEachEntry = 7
column.name.bitsPerElement = 2
column.name.maxNumberOfMultiValues = 0
column.name.totalNumberOfEntries = 3
column.name.isAutoGenerated = false
column.name.minValue = \\u0000  caf\\u00E9
column.name.maxValue = zz\\u0000\\u0000 top
column.name.isNonNull = true
column.price.columnType = METRIC
column.price.dataType = DOUBLE
column.price.isSingleValues = true
column.price.defaultNullValue = 0.0
column.price.totalDocs = 3
column.price.cardinality = 3
column.price.hasDictionary = false
column.price.forwardIndexEncoding = RAW
column.price.isSorted = false
column.price.lengthOfEachEntry = 0
column.price.bitsPerElement = 2
column.price.maxNumberOfMultiValues = 0
column.price.totalNumberOfEntries = 3
column.price.isAutoGenerated = false
column.price.minValue = 0.0
column.price.maxValue = 2.25
column.score.columnType = METRIC
column.score.dataType = INT
column.score.isSingleValues = true
column.score.defaultNullValue = 0
column.score.totalDocs = 3
column.score.cardinality = 3
column.score.hasDictionary = true
column.score.forwardIndexEncoding = DICTIONARY
column.score.isSorted = false
column.score.lengthOfEachEntry = 0
column.score.bitsPerElement = 2
column.score.maxNumberOfMultiValues = 0
column.score.totalNumberOfEntries = 3
column.score.isAutoGenerated = false
column.score.minValue = 0
column.score.maxValue = 7
column.tags.columnType = DIMENSION
column.tags.dataType = STRING
column.tags.isSingleValues = false
column.tags.defaultNullValue = null
column.tags.totalDocs = 3
column.tags.cardinality = 3
column.tags.hasDictionary = true
column.tags.forwardIndexEncoding = DICTIONARY
column.tags.isSorted = false
column.tags.lengthOfShortestElement = 1
column.tags.lengthOfLongestElement = 4
column.tags.isAscii = true
column.tags.maxRowLengthInBytes = 4
column.tags.lengthOfEachEntry = 4
column.tags.bitsPerElement = 2
column.tags.maxNumberOfMultiValues = 2
column.tags.totalNumberOfEntries = 4
column.tags.isAutoGenerated = false
column.tags.minValue = null
column.tags.maxValue = yy
column.ts.columnType = DATE_TIME
column.ts.dataType = TIMESTAMP
column.ts.isSingleValues = true
column.ts.defaultNullValue = 0
column.ts.datetimeFormat = TIMESTAMP
column.ts.datetimeGranularity = 1:MILLISECONDS
column.ts.totalDocs = 3
column.ts.cardinality = 3
column.ts.hasDictionary = true
column.ts.forwardIndexEncoding = DICTIONARY
column.ts.isSorted = true
column.ts.lengthOfEachEntry = 0
column.ts.bitsPerElement = 2
column.ts.maxNumberOfMultiValues = 0
column.ts.totalNumberOfEntries = 3
column.ts.isAutoGenerated = false
column.ts.minValue = 1600000000000
column.ts.maxValue = 1600000002000
column.ts.isNonNull = true
segment.index.version = v3
`;

describe('(b) metadata.properties of a hand-checked segment', () => {
  it('is exactly the expected text, in Pinot HEAD key order, segment.index.version last', async () => {
    const built = await buildTiny();
    expect(built.segmentName).toBe('tiny_OFFLINE_1600000000000_1600000002000_3');
    expect(readFileSync(join(built.segmentDir, 'v3', 'metadata.properties'), 'utf8')).toBe(TINY_METADATA);
  });

  it('reads back: recovered min/max, values, null vectors', async () => {
    const built = await buildTiny();
    const seg = await openSegment(built.tarFile);
    try {
      expect(seg.column('name').minValue).toBe('  café');
      expect(seg.column('name').maxValue).toBe('zz, top');
      expect(await seg.values('name')).toEqual(['bob', '  café', 'zz, top']);
      expect(await seg.values('tags')).toEqual([['x', 'yy'], ['null'], ['x']]);
      expect(await seg.values('score')).toEqual([3, 0, 7]);
      expect(await seg.values('price')).toEqual([1.5, 2.25, 0]);
      expect(await seg.nullDocIds('tags')).toEqual([1]);
      expect(await seg.nullDocIds('score')).toEqual([1]);
      expect(await seg.nullDocIds('price')).toEqual([2]);
      expect(await seg.nullDocIds('name')).toEqual([]);
      expect(await seg.invertedIndex('name')).toEqual(new Map([['  café', [1]], ['bob', [0]], ['zz, top', [2]]]));
    } finally {
      await seg.close();
    }
  });

  it('a null in the time column becomes "now" (creationTime) when the schema default is not a valid time', async () => {
    const built = await build([{ ts: 1600000000000 }, { ts: null }], { schemaName: 't', dateTimeFieldSpecs: [tinySchema.dateTimeFieldSpecs[0]] }, { ...tinyTable, tableIndexConfig: { nullHandlingEnabled: true } });
    const seg = await openSegment(built.tarFile);
    try {
      expect(await seg.values('ts')).toEqual([1600000000000n, BigInt(CREATION_TIME)]);
      expect(await seg.nullDocIds('ts')).toEqual([1]);
      expect([seg.metadata.startTime, seg.metadata.endTime]).toEqual(['1600000000000', String(CREATION_TIME)]);
      expect(built.segmentName).toBe(`tiny_OFFLINE_1600000000000_${CREATION_TIME}_0`);
    } finally {
      await seg.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// (c) index_map and columns.psf
// ---------------------------------------------------------------------------------------------

interface MapEntry {
  column: string;
  indexId: string;
  startOffset: number;
  size: number;
}

function parseIndexMapText(text: string): MapEntry[] {
  const lines = propertyLines(text);
  expect(lines.length % 2).toBe(0);
  const out: MapEntry[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const [k1, v1] = lines[i]!;
    const [k2, v2] = lines[i + 1]!;
    const m1 = /^(.+)\.([a-z_]+)\.startOffset$/.exec(k1);
    const m2 = /^(.+)\.([a-z_]+)\.size$/.exec(k2);
    expect(m1, k1).not.toBeNull();
    expect(m2, k2).not.toBeNull();
    expect([m2![1], m2![2]]).toEqual([m1![1], m1![2]]);
    out.push({ column: m1![1]!, indexId: m1![2]!, startOffset: Number(v1), size: Number(v2) });
  }
  return out;
}

const PSF_MAGIC = Buffer.from('deadbeefdeafbead', 'hex');

function checkLayout(segmentDir: string): { entries: MapEntry[]; psf: Buffer } {
  const entries = parseIndexMapText(readFileSync(join(segmentDir, 'v3', 'index_map'), 'utf8'));
  const psf = readFileSync(join(segmentDir, 'v3', 'columns.psf'));
  // columns in Java String order, index ids sorted within a column
  const cols = entries.map((e) => e.column);
  const distinctCols = cols.filter((c, i) => cols.indexOf(c) === i);
  expect(distinctCols).toEqual([...distinctCols].sort(javaCompare));
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1]!;
    const b = entries[i]!;
    // each column's entries are together
    if (a.column !== b.column) expect(cols.slice(i).includes(a.column)).toBe(false);
    else expect(javaCompare(a.indexId, b.indexId)).toBe(-1);
  }
  // contiguous, starting at 0, ending at the end of columns.psf, each behind the 8-byte magic
  let offset = 0;
  for (const e of entries) {
    expect(e.startOffset, `${e.column}.${e.indexId}`).toBe(offset);
    expect(e.size).toBeGreaterThanOrEqual(8);
    expect(psf.subarray(e.startOffset, e.startOffset + 8).equals(PSF_MAGIC), `${e.column}.${e.indexId} magic`).toBe(true);
    offset += e.size;
  }
  expect(offset).toBe(psf.length);
  expect(statSync(join(segmentDir, 'v3', 'columns.psf')).size).toBe(psf.length);
  return { entries, psf };
}

describe('(c) index_map', () => {
  it('tiny segment: the expected entries, in order, contiguous, sizes including the magic', async () => {
    const built = await buildTiny();
    const { entries } = checkLayout(built.segmentDir);
    expect(entries.map((e) => `${e.column}.${e.indexId}`)).toEqual([
      'name.dictionary',
      'name.forward_index',
      'name.inverted_index',
      'price.forward_index',
      'price.nullvalue_vector',
      'score.dictionary',
      'score.forward_index',
      'score.nullvalue_vector',
      'tags.dictionary',
      'tags.forward_index',
      'tags.nullvalue_vector',
      'ts.dictionary',
      'ts.forward_index',
    ]);
    // sizes = payload + 8; a few payloads are fixed by the format
    const size = (k: string): number => entries.find((e) => `${e.column}.${e.indexId}` === k)!.size;
    expect(size('name.dictionary')).toBe(8 + 3 * 7); // 3 values padded to 7 bytes
    expect(size('score.dictionary')).toBe(8 + 3 * 4);
    expect(size('ts.dictionary')).toBe(8 + 3 * 8);
    expect(size('ts.forward_index')).toBe(8 + 3 * 8); // sorted: first/last docId per dictId
    expect(size('name.inverted_index')).toBeGreaterThan(8 + 4 * 4);
    const seg = await openSegment(built.tarFile);
    try {
      for (const e of entries) expect((await seg.indexBuffer(e.column, e.indexId as never)).length).toBe(e.size - 8);
    } finally {
      await seg.close();
    }
  });

  it('column names with mixed case and symbols are in Java String (UTF-16 code unit) order', async () => {
    const names = ['b', 'B', '_x', 'a1', 'A', 'Z9', 'aa', 'é', 'z'];
    const schema = { schemaName: 'o', dimensionFieldSpecs: names.map((name) => ({ name, dataType: 'INT' })) };
    const table = { tableName: 'o', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: { invertedIndexColumns: ['b', 'A'], nullHandlingEnabled: true } };
    const built = await build([Object.fromEntries(names.map((n) => [n, 2])), Object.fromEntries(names.map((n) => [n, null]))], schema, table);
    const { entries } = checkLayout(built.segmentDir);
    const cols = [...new Set(entries.map((e) => e.column))];
    expect(cols).toEqual(['A', 'B', 'Z9', '_x', 'a1', 'aa', 'b', 'z', 'é']);
    expect(entries.filter((e) => e.column === 'b').map((e) => e.indexId)).toEqual(['dictionary', 'forward_index', 'inverted_index', 'nullvalue_vector']);
  });
});

// ---------------------------------------------------------------------------------------------
// (d) creation.meta
// ---------------------------------------------------------------------------------------------

/** The v1 file name of an index (V1Constants.Indexes), from the column's metadata. */
function v1Name(column: string, indexId: string, md: { hasDictionary: boolean; sv: boolean; sorted: boolean }): string {
  switch (indexId) {
    case 'dictionary':
      return `${column}.dict`;
    case 'forward_index':
      if (!md.hasDictionary) return `${column}.${md.sv ? 'sv' : 'mv'}.raw.fwd`;
      if (!md.sv) return `${column}.mv.fwd`;
      return `${column}.sv.${md.sorted ? 'sorted' : 'unsorted'}.fwd`;
    case 'inverted_index':
      return `${column}.bitmap.inv`;
    case 'nullvalue_vector':
      return `${column}.bitmap.nullvalue`;
    default:
      throw new Error(indexId);
  }
}

function checkCreationMeta(built: BuiltSegment & { segmentDir: string }): void {
  const v3 = join(built.segmentDir, 'v3');
  const meta = readFileSync(join(v3, 'creation.meta'));
  expect(meta.length).toBe(24);
  const files = ['columns.psf', 'index_map', 'metadata.properties'].sort(javaCompare).map((f) => readFileSync(join(v3, f)));
  const crc = adler32(files);
  expect(meta.readBigInt64BE(0)).toBe(BigInt(crc));
  expect(meta.readBigInt64BE(8)).toBe(BigInt(CREATION_TIME));

  // data CRC: the v1 .dict/.fwd files (rebuilt from columns.psf) in sorted file-name order
  const { entries, psf } = checkLayout(built.segmentDir);
  const props = new Map(propertyLines(readFileSync(join(v3, 'metadata.properties'), 'utf8')));
  const v1: Array<[string, Buffer]> = entries.map((e) => {
    const md = {
      hasDictionary: props.get(`column.${e.column}.hasDictionary`) === 'true',
      sv: props.get(`column.${e.column}.isSingleValues`) === 'true',
      sorted: props.get(`column.${e.column}.isSorted`) === 'true',
    };
    return [v1Name(e.column, e.indexId, md), psf.subarray(e.startOffset + 8, e.startOffset + e.size)];
  });
  const data = v1.filter(([n]) => n.endsWith('.fwd') || n.endsWith('.dict')).sort(([a], [b]) => javaCompare(a, b));
  const dataCrc = adler32(data.map(([, b]) => b));
  expect(meta.readBigInt64BE(16)).toBe(BigInt(dataCrc));
  expect([built.crc, built.dataCrc, built.creationTime]).toEqual([crc, dataCrc, CREATION_TIME]);
}

describe('(d) creation.meta', () => {
  it('tiny segment: CRC over the v3 files, data CRC over the v1 .dict/.fwd buffers, creation time as given', async () => {
    const built = await buildTiny();
    checkCreationMeta(built);
    const seg = await openSegment(built.tarFile);
    try {
      const r = await seg.verifyCrc();
      expect([r.expected, r.expectedData]).toEqual([BigInt(built.crc), BigInt(built.dataCrc)]);
    } finally {
      await seg.close();
    }
  });

  it('airline-like segment (MV, raw, inverted, DATE_TIME columns)', async () => {
    checkCreationMeta(await build(airlineRows, airlineSchema, { ...airlineTable, tableIndexConfig: { invertedIndexColumns: ['Carrier', 'DivAirports'], noDictionaryColumns: ['AirlineID', 'DivAirportIDs'] } }));
  });

  it('the data CRC sorts v1 names as Java does ("a.dict" < "a.sv..." < "a_b..." < "ab...")', async () => {
    const schema = { schemaName: 's', dimensionFieldSpecs: ['a', 'a_b', 'ab', 'A'].map((name) => ({ name, dataType: 'STRING' })) };
    const table = { tableName: 's', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: { noDictionaryColumns: ['ab'] } };
    checkCreationMeta(await build([{ a: 'q', a_b: 'r', ab: 's', A: 't' }, { a: 'p', a_b: 'r', ab: 's', A: 't' }], schema, table));
  });
});

// ---------------------------------------------------------------------------------------------
// Empty segments (0 rows): EmptyColumnStatistics and BaseSegmentCreator's empty-segment paths
// ---------------------------------------------------------------------------------------------

describe('empty segment (0 rows)', () => {
  const schema = {
    schemaName: 'e',
    dimensionFieldSpecs: [
      { name: 's', dataType: 'STRING' },
      { name: 'b', dataType: 'BYTES' },
      { name: 'i', dataType: 'INT' },
      { name: 'm', dataType: 'STRING', singleValueField: false },
    ],
    dateTimeFieldSpecs: [{ name: 'd', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS', defaultNullValue: 18000 }],
  };
  const table = (time?: string, nullHandlingEnabled = false): unknown => ({
    tableName: 'e',
    tableType: 'OFFLINE',
    segmentsConfig: time ? { timeColumnName: time } : {},
    tableIndexConfig: { nullHandlingEnabled },
  });
  const props = async (b: BuiltSegment & { segmentDir: string }): Promise<Map<string, string>> =>
    new Map(propertyLines(readFileSync(join(b.segmentDir, 'v3', 'metadata.properties'), 'utf8')));

  it('has no index buffers, no dictionary, cardinality 0, and opens and verifies', async () => {
    const built = await build([], schema, table());
    const p = await props(built);
    expect(p.get('segment.total.docs')).toBe('0');
    for (const c of ['s', 'b', 'i', 'm', 'd']) {
      expect(p.get(`column.${c}.cardinality`)).toBe('0');
      expect(p.get(`column.${c}.hasDictionary`)).toBe('false');
      expect(p.get(`column.${c}.totalNumberOfEntries`)).toBe('0');
      expect(p.get(`column.${c}.minValue`)).toBeUndefined();
      // EmptyColumnShape.isSorted() is isSingleValue()
      expect(p.get(`column.${c}.isSorted`)).toBe(c === 'm' ? 'false' : 'true');
    }
    expect(readFileSync(join(built.segmentDir, 'v3', 'columns.psf')).length).toBe(0);
    const seg = await openSegment(built.tarFile);
    try {
      await seg.verifyCrc();
      expect(seg.metadata.totalDocs).toBe(0);
      expect(await seg.hasIndex('s', 'forward_index')).toBe(false);
    } finally {
      await seg.close();
    }
  });

  // Pinot: SegmentPreIndexStatsCollectorImpl.build() replaces every collector by
  // EmptyColumnStatistics when there are no docs; EmptyColumnShape.getLengthOfShortestElement()
  // is 0 for var-width types (ColumnShape: "For empty column of var-length types, returns 0").
  it('var-width columns: lengthOfShortestElement = 0 (EmptyColumnShape), not Integer.MAX_VALUE', async () => {
    const p = await props(await build([], schema, table()));
    expect([p.get('column.s.lengthOfShortestElement'), p.get('column.b.lengthOfShortestElement'), p.get('column.m.lengthOfShortestElement')]).toEqual(['0', '0', '0']);
  });

  // EmptyColumnShape does not override ColumnShape.isAscii(), whose default is false.
  it('STRING columns: isAscii = false (ColumnShape default), not true', async () => {
    const p = await props(await build([], schema, table()));
    expect([p.get('column.s.isAscii'), p.get('column.m.isAscii')]).toEqual(['false', 'false']);
  });

  // BaseSegmentCreator.initColSegmentCreationInfo creates no index creators when _totalDocs == 0
  // (ColumnIndexCreators with a null NullValueVectorCreator), so writeMetadata writes no isNonNull.
  it('null handling on: no isNonNull key (no NullValueVectorCreator exists without docs)', async () => {
    const p = await props(await build([], schema, table(undefined, true)));
    expect(['s', 'b', 'i', 'm', 'd'].map((c) => p.get(`column.${c}.isNonNull`))).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  // BaseSegmentCreator.generateSegmentName: with a time column and _totalDocs == 0 the name
  // generator gets (now, now); SimpleSegmentNameGenerator joins them into the name.
  it('with a time column, the segment name carries "now" as start and end', async () => {
    const built = await build([], schema, table('d'));
    expect(built.segmentName).toBe(`e_OFFLINE_${CREATION_TIME}_${CREATION_TIME}_0`);
  });

  // BaseSegmentCreator.writeMetadata, _totalDocs == 0, EPOCH time column:
  // startTime = endTime = timeUnit.convert(now, MILLISECONDS) — the schema's default null value
  // (18000 days, a valid time) plays no part.
  it('with an EPOCH DAYS time column, start/end time are now in days, not the default null value', async () => {
    const p = await props(await build([], schema, table('d')));
    const days = String(Math.floor(CREATION_TIME / 86_400_000));
    expect([p.get('segment.start.time'), p.get('segment.end.time'), p.get('segment.time.unit')]).toEqual([days, days, 'DAYS']);
  });
});
