import { describe, expect, it } from 'vitest';
import { parseDateTimeFormat, parseDateTimeGranularity, parseSchema, SchemaError, type FieldSpec, type PinotSchema } from '../src/schema.js';
import { parseTableConfig, TableConfigError } from '../src/table-config.js';

function schemaWith(extra: Record<string, unknown>): PinotSchema {
  return parseSchema({ schemaName: 's', ...extra });
}

function dim(spec: Record<string, unknown>): FieldSpec {
  return schemaWith({ dimensionFieldSpecs: [{ name: 'c', ...spec }] }).fields[0]!;
}

function metric(spec: Record<string, unknown>): FieldSpec {
  return schemaWith({ metricFieldSpecs: [{ name: 'c', ...spec }] }).fields[0]!;
}

function schemaError(json: unknown, source?: string): SchemaError {
  try {
    parseSchema(json, source);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    return e as SchemaError;
  }
  throw new Error('expected a SchemaError');
}

describe('parseSchema', () => {
  const schema = parseSchema({
    schemaName: 'events',
    dimensionFieldSpecs: [
      { name: 'country', dataType: 'STRING' },
      { name: 'tags', dataType: 'STRING', singleValueField: false },
      { name: 'Zone', dataType: 'INT' },
      { name: 'élan', dataType: 'BOOLEAN' },
    ],
    metricFieldSpecs: [
      { name: 'clicks', dataType: 'LONG' },
      { name: 'cost', dataType: 'DOUBLE' },
    ],
    dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:HOURS' }],
    primaryKeyColumns: ['country'],
  });

  it('keeps fields in Java TreeMap order and lists names as SegmentGeneratorConfig sorts them', () => {
    expect(schema.schemaName).toBe('events');
    expect(schema.fields.map((f) => f.name)).toEqual(['Zone', 'clicks', 'cost', 'country', 'tags', 'ts', 'élan']);
    expect(schema.dimensionNames).toEqual(['Zone', 'country', 'tags', 'élan']);
    expect(schema.metricNames).toEqual(['clicks', 'cost']);
    expect(schema.dateTimeNames).toEqual(['ts']);
    expect(schema.primaryKeyColumns).toEqual(['country']);
    expect(schema.enableColumnBasedNullHandling).toBe(false);
    expect(schema.fieldMap.get('tags')).toMatchObject({ fieldType: 'DIMENSION', dataType: 'STRING', storedType: 'STRING', singleValue: false });
    expect(schema.fieldMap.get('élan')).toMatchObject({ dataType: 'BOOLEAN', storedType: 'INT' });
    expect(schema.fieldMap.get('ts')).toMatchObject({
      fieldType: 'DATE_TIME',
      format: '1:MILLISECONDS:EPOCH',
      granularity: '1:HOURS',
      formatSpec: { timeFormat: 'EPOCH', size: 1, unit: 'MILLISECONDS' },
      granularitySpec: { size: 1, unit: 'HOURS' },
      path: 'dateTimeFieldSpecs[0]',
    });
  });

  it("uses Pinot's default null values (FieldSpec.DEFAULT_*_NULL_VALUE_OF_*) and their strings", () => {
    const cases: Array<[string, unknown, string]> = [
      ['INT', -2147483648, '-2147483648'],
      ['LONG', -9223372036854775808n, '-9223372036854775808'],
      ['FLOAT', -Infinity, '-Infinity'],
      ['DOUBLE', -Infinity, '-Infinity'],
      ['BOOLEAN', 0, '0'],
      ['TIMESTAMP', 0n, '0'],
      ['STRING', 'null', 'null'],
      ['JSON', 'null', 'null'],
      ['BIG_DECIMAL', { unscaled: 0n, scale: 0 }, '0'],
    ];
    for (const [dataType, value, text] of cases) {
      const f = dim({ dataType });
      expect(f.defaultNullValue, dataType).toEqual(value);
      expect(f.defaultNullValueString, dataType).toBe(text);
    }
    expect(dim({ dataType: 'BYTES' }).defaultNullValue).toEqual(new Uint8Array(0));
    expect(dim({ dataType: 'BYTES' }).defaultNullValueString).toBe('');
    const metrics: Array<[string, unknown, string]> = [
      ['INT', 0, '0'],
      ['LONG', 0n, '0'],
      ['FLOAT', 0, '0.0'],
      ['DOUBLE', 0, '0.0'],
      ['BIG_DECIMAL', { unscaled: 0n, scale: 0 }, '0'],
    ];
    for (const [dataType, value, text] of metrics) {
      const f = metric({ dataType });
      expect(f.defaultNullValue, dataType).toEqual(value);
      expect(f.defaultNullValueString, dataType).toBe(text);
    }
  });

  it('parses user default null values as FieldSpec.DataType.convert does (FieldSpecTest)', () => {
    expect(dim({ dataType: 'BOOLEAN', defaultNullValue: false }).defaultNullValue).toBe(0);
    expect(dim({ dataType: 'BOOLEAN', defaultNullValue: 'TRUE' }).defaultNullValue).toBe(1);
    expect(dim({ dataType: 'BOOLEAN', defaultNullValue: 'yes' }).defaultNullValue).toBe(0); // BooleanUtils.toInt: anything else is false
    expect(dim({ dataType: 'TIMESTAMP', defaultNullValue: '1970-01-01 00:00:00.0' }).defaultNullValue).toBe(0n);
    expect(dim({ dataType: 'TIMESTAMP', defaultNullValue: '2024-07-12T15:32:36Z' }).defaultNullValueString).toBe('1720798356000');
    const f = dim({ dataType: 'FLOAT', singleValueField: false, defaultNullValue: -0.1 });
    expect(f.defaultNullValue).toBe(Math.fround(-0.1));
    expect(f.defaultNullValueString).toBe('-0.1');
    expect(metric({ dataType: 'LONG', defaultNullValue: 1 }).defaultNullValue).toBe(1n);
    const bd = dim({ dataType: 'BIG_DECIMAL', defaultNullValue: -1 });
    expect(bd.defaultNullValue).toEqual({ unscaled: -1n, scale: 0 });
    expect(bd.defaultNullValueString).toBe('-1');
    // BIG_DECIMAL default strings are plain (toPlainString), even for exponent input
    expect(dim({ dataType: 'BIG_DECIMAL', defaultNullValue: '1E+2' }).defaultNullValueString).toBe('100');
    expect(dim({ dataType: 'BIG_DECIMAL', defaultNullValue: '1.0e-7' }).defaultNullValueString).toBe('0.00000010');
    const bytes = metric({ dataType: 'BYTES', defaultNullValue: '1020' });
    expect(bytes.defaultNullValue).toEqual(new Uint8Array([0x10, 0x20]));
    expect(bytes.defaultNullValueString).toBe('1020');
    expect(dim({ dataType: 'DOUBLE', defaultNullValue: 1e10 }).defaultNullValueString).toBe('1.0E10');
    expect(dim({ dataType: 'STRING', defaultNullValue: { a: 1 } }).defaultNullValue).toBe('{"a":1}');
    expect(dim({ dataType: 'STRING', defaultNullValue: 3000000000 }).defaultNullValue).toBe('3000000000');
  });

  it('computes max length settings as FieldSpec and addFieldSpec do', () => {
    const s = dim({ dataType: 'STRING', maxLength: 20000 });
    expect(s).toMatchObject({ maxLength: 20000, effectiveMaxLength: 20000, nonDefaultMaxLength: 20000, effectiveMaxLengthExceedStrategy: 'TRIM_LENGTH' });
    expect(s.nonDefaultMaxLengthExceedStrategy).toBeUndefined();
    const d = dim({ dataType: 'STRING' });
    expect(d.effectiveMaxLength).toBe(512);
    expect(d.nonDefaultMaxLength).toBeUndefined();
    expect(dim({ dataType: 'STRING', maxLengthExceedStrategy: 'ERROR' }).nonDefaultMaxLengthExceedStrategy).toBe('ERROR');
    expect(dim({ dataType: 'STRING', maxLengthExceedStrategy: 'TRIM_LENGTH' }).nonDefaultMaxLengthExceedStrategy).toBeUndefined();
    expect(dim({ dataType: 'JSON' }).effectiveMaxLengthExceedStrategy).toBe('NO_ACTION');
    expect(dim({ dataType: 'BYTES', maxLengthExceedStrategy: 'TRIM_LENGTH' }).nonDefaultMaxLengthExceedStrategy).toBe('TRIM_LENGTH');
    // Only stored STRING/BYTES columns carry schemaMaxLength in metadata.
    const i = dim({ dataType: 'INT', maxLength: 10 });
    expect(i.effectiveMaxLength).toBe(10);
    expect(i.nonDefaultMaxLength).toBeUndefined();
  });

  it('forces the TIMESTAMP format for TIMESTAMP date-time columns and accepts the pipe formats', () => {
    const s = schemaWith({
      dateTimeFieldSpecs: [
        { name: 'a', dataType: 'TIMESTAMP', format: '1:MILLISECONDS:EPOCH', granularity: 'DAYS|1' },
        { name: 'b', dataType: 'STRING', format: 'SIMPLE_DATE_FORMAT|yyyy-MM-dd|America/New_York', granularity: '1:DAYS' },
        { name: 'c', dataType: 'STRING', format: '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd HH tz(GMT+0700)', granularity: 'HOURS' },
        { name: 'd', dataType: 'INT', format: 'EPOCH|MINUTES|5', granularity: 'MINUTES|15' },
      ],
    });
    expect(s.fields.map((f) => [f.format, f.granularity])).toEqual([
      ['TIMESTAMP', 'DAYS|1'],
      ['SIMPLE_DATE_FORMAT|yyyy-MM-dd|America/New_York', '1:DAYS'],
      ['1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd HH tz(GMT+0700)', 'HOURS'],
      ['EPOCH|MINUTES|5', 'MINUTES|15'],
    ]);
    expect(s.fields[0]!.formatSpec).toEqual({ timeFormat: 'TIMESTAMP', size: 1, unit: 'MILLISECONDS' });
    expect(s.fields[1]!.formatSpec).toMatchObject({ timeFormat: 'SIMPLE_DATE_FORMAT', sdfPattern: 'yyyy-MM-dd', timeZone: 'America/New_York' });
    expect(s.fields[2]!.formatSpec).toMatchObject({ sdfPattern: 'yyyyMMdd HH', timeZone: 'GMT+0700' });
    expect(s.fields[3]!.formatSpec).toEqual({ timeFormat: 'EPOCH', size: 5, unit: 'MINUTES' });
    expect(s.fields[3]!.granularitySpec).toEqual({ size: 15, unit: 'MINUTES' });
  });

  it('parses date-time formats like DateTimeFormatSpec (FieldSpecTest.testDateTimeFormat, DateTimeFormatSpecTest)', () => {
    for (const bad of ['1:hours', 'one_hours', '1:hour:EPOCH', '1:HOUR:EPOCH:yyyyMMdd', '0:HOURS:EPOCH', '-1:HOURS:EPOCH', '0.1:HOURS:EPOCH', '1:DAY', 'one:DAYS:EPOCH', 'EPOCH|DAYS|one', 'EPOCH|DAY', 'EPOCH|yyyyMMdd', '1:DAY:SIMPLE_DATE_FORMAT:yyycMMdd', 'SIMPLE_DATE_FORMAT|yyycMMdd', '']) {
      expect(typeof parseDateTimeFormat(bad), bad).toBe('string');
    }
    expect(parseDateTimeFormat('1:HOURS:EPOCH')).toEqual({ timeFormat: 'EPOCH', size: 1, unit: 'HOURS' });
    expect(parseDateTimeFormat('1:DAYS:SIMPLE_DATE_FORMAT')).toEqual({ timeFormat: 'SIMPLE_DATE_FORMAT', size: 1, unit: 'MILLISECONDS' });
    expect(parseDateTimeFormat('1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd')).toMatchObject({ sdfPattern: 'yyyyMMdd' });
    expect(parseDateTimeFormat('1:MONTHS:EPOCH')).toEqual({ timeFormat: 'EPOCH', size: 1, unit: 'MONTHS' });
    expect(parseDateTimeFormat('EPOCH')).toEqual({ timeFormat: 'EPOCH', size: 1, unit: 'MILLISECONDS' });
    expect(parseDateTimeFormat('1:MILLISECONDS:TIMESTAMP')).toEqual({ timeFormat: 'TIMESTAMP', size: 1, unit: 'MILLISECONDS' });
    expect(parseDateTimeFormat("SIMPLE_DATE_FORMAT|yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toMatchObject({ sdfPattern: "yyyy-MM-dd'T'HH:mm:ss.SSSZ" });
  });

  it('parses granularities like DateTimeGranularitySpec (DateTimeGranularitySpecTest)', () => {
    expect(parseDateTimeGranularity('1:HOURS')).toEqual({ size: 1, unit: 'HOURS' });
    expect(parseDateTimeGranularity('15:MINUTES')).toEqual({ size: 15, unit: 'MINUTES' });
    expect(parseDateTimeGranularity('HOURS|1')).toEqual({ size: 1, unit: 'HOURS' });
    expect(parseDateTimeGranularity('MINUTES|15')).toEqual({ size: 15, unit: 'MINUTES' });
    expect(parseDateTimeGranularity('DAYS')).toEqual({ size: 1, unit: 'DAYS' });
    for (const bad of ['0:HOURS', '1:DUMMY', '1:HOURS:X', 'x:DAYS', 'DAYS|2|3', 'WEEKS', '']) expect(typeof parseDateTimeGranularity(bad), bad).toBe('string');
  });

  it('supports a legacy timeFieldSpec without conversion', () => {
    const s = schemaWith({
      dimensionFieldSpecs: [{ name: 'd', dataType: 'STRING' }],
      timeFieldSpec: { incomingGranularitySpec: { name: 'daysSinceEpoch', dataType: 'INT', timeType: 'DAYS' }, defaultNullValue: 18000 },
    });
    expect(s.timeFieldName).toBe('daysSinceEpoch');
    expect(s.dimensionNames).toEqual(['d']);
    expect(s.dateTimeNames).toEqual([]);
    const t = s.fieldMap.get('daysSinceEpoch')!;
    expect(t).toMatchObject({ fieldType: 'TIME', dataType: 'INT', defaultNullValue: 18000, formatSpec: { timeFormat: 'EPOCH', size: 1, unit: 'DAYS' }, granularitySpec: { size: 1, unit: 'DAYS' } });
    expect(t.format).toBeUndefined();
  });

  it('rejects a timeFieldSpec that converts incoming to outgoing values', () => {
    const e = schemaError({
      schemaName: 's',
      timeFieldSpec: {
        incomingGranularitySpec: { name: 'millis', dataType: 'LONG', timeType: 'MILLISECONDS' },
        outgoingGranularitySpec: { name: 'days', dataType: 'INT', timeType: 'DAYS' },
      },
    });
    expect(e.path).toBe('timeFieldSpec.outgoingGranularitySpec');
    expect(e.message).toMatch(/not supported.*DATE_TIME/);
    expect(
      schemaError({
        schemaName: 's',
        timeFieldSpec: {
          incomingGranularitySpec: { name: 't', dataType: 'LONG', timeType: 'MILLISECONDS' },
          outgoingGranularitySpec: { name: 't', dataType: 'INT', timeType: 'DAYS' },
        },
      }).message,
    ).toMatch(/name is the same/);
  });

  it('excludes virtual columns from the segment fields', () => {
    const s = schemaWith({ dimensionFieldSpecs: [{ name: '$docId', dataType: 'INT', virtualColumnProvider: 'x.DocIdProvider' }, { name: 'a', dataType: 'INT' }] });
    expect(s.fields.map((f) => f.name)).toEqual(['a']);
    expect(s.virtualColumns).toEqual(['$docId']);
    expect(s.dimensionNames).toEqual(['a']);
  });

  describe('errors', () => {
    it('names the path, the field and the problem, with the source file', () => {
      const e = schemaError(
        {
          schemaName: 's',
          dimensionFieldSpecs: [
            { name: 'a', dataType: 'STRING' },
            { name: 'b', dataType: 'INT' },
            { name: 'country', dataType: 'STRNG' },
          ],
        },
        'schema.json',
      );
      expect(e.name).toBe('SchemaError');
      expect(e.path).toBe('dimensionFieldSpecs[2].dataType');
      expect(e.source).toBe('schema.json');
      expect(e.message).toBe('schema.json: dimensionFieldSpecs[2].dataType: field "country": unknown data type "STRNG" (expected one of INT, LONG, FLOAT, DOUBLE, BIG_DECIMAL, BOOLEAN, TIMESTAMP, STRING, JSON, BYTES)');
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['duplicate names across lists', { dimensionFieldSpecs: [{ name: 'x', dataType: 'INT' }], metricFieldSpecs: [{ name: 'x', dataType: 'LONG' }] }, 'metricFieldSpecs[0]', /field "x" is declared twice \(first at dimensionFieldSpecs\[0\]\)/],
      ['multi-value date-time', { dateTimeFieldSpecs: [{ name: 't', dataType: 'LONG', singleValueField: false, format: 'EPOCH', granularity: 'DAYS' }] }, 'dateTimeFieldSpecs[0].singleValueField', /field "t": a DATE_TIME field cannot be multi-value/],
      ['multi-value metric', { metricFieldSpecs: [{ name: 'm', dataType: 'LONG', singleValueField: false }] }, 'metricFieldSpecs[0].singleValueField', /METRIC field cannot be multi-value/],
      ['STRING metric', { metricFieldSpecs: [{ name: 'm', dataType: 'STRING' }] }, 'metricFieldSpecs[0].dataType', /data type STRING is not allowed for a METRIC field/],
      ['BOOLEAN metric', { metricFieldSpecs: [{ name: 'm', dataType: 'BOOLEAN' }] }, 'metricFieldSpecs[0].dataType', /Unsupported data type: BOOLEAN in METRIC field/],
      ['bad INT default', { dimensionFieldSpecs: [{ name: 'i', dataType: 'INT', defaultNullValue: 'abc' }] }, 'dimensionFieldSpecs[0].defaultNullValue', /field "i": defaultNullValue "abc" is not a valid INT — Pinot: Cannot convert value: 'abc' to type: INT/],
      ['INT default out of range', { dimensionFieldSpecs: [{ name: 'i', dataType: 'INT', defaultNullValue: 3000000000 }] }, 'dimensionFieldSpecs[0].defaultNullValue', /not a valid INT/],
      ['bad BYTES default', { dimensionFieldSpecs: [{ name: 'b', dataType: 'BYTES', defaultNullValue: 'xyz' }] }, 'dimensionFieldSpecs[0].defaultNullValue', /not a valid BYTES/],
      ['NaN default', { metricFieldSpecs: [{ name: 'd', dataType: 'DOUBLE', defaultNullValue: 'NaN' }] }, 'metricFieldSpecs[0].defaultNullValue', /NaN as null default value is not managed yet for d/],
      ['negative maxLength', { dimensionFieldSpecs: [{ name: 's', dataType: 'STRING', maxLength: -1 }] }, 'dimensionFieldSpecs[0].maxLength', /maxLength must not be negative/],
      ['non-integer maxLength', { dimensionFieldSpecs: [{ name: 's', dataType: 'STRING', maxLength: 'big' }] }, 'dimensionFieldSpecs[0].maxLength', /maxLength must be a 32-bit integer/],
      ['unknown strategy', { dimensionFieldSpecs: [{ name: 's', dataType: 'STRING', maxLengthExceedStrategy: 'TRUNCATE' }] }, 'dimensionFieldSpecs[0].maxLengthExceedStrategy', /unknown maxLengthExceedStrategy "TRUNCATE"/],
      ['multi-value JSON', { dimensionFieldSpecs: [{ name: 'j', dataType: 'JSON', singleValueField: false }] }, 'dimensionFieldSpecs[0].singleValueField', /JSON columns cannot be of multi-value type/],
      ['blank in name', { dimensionFieldSpecs: [{ name: 'a b', dataType: 'INT' }] }, 'dimensionFieldSpecs[0].name', /The column name "a b" should not contain blank space/],
      ['reserved name', { dimensionFieldSpecs: [{ name: '$segmentName', dataType: 'STRING' }] }, 'dimensionFieldSpecs[0].name', /reserved for a built-in virtual column/],
      ['missing dataType', { dimensionFieldSpecs: [{ name: 'a' }] }, 'dimensionFieldSpecs[0].dataType', /field "a": dataType is missing/],
      ['UUID', { dimensionFieldSpecs: [{ name: 'u', dataType: 'UUID' }] }, 'dimensionFieldSpecs[0].dataType', /data type UUID is not supported/],
      ['complex fields', { complexFieldSpecs: [{ name: 'm', dataType: 'MAP' }] }, 'complexFieldSpecs', /not supported/],
      ['bad date-time format', { dateTimeFieldSpecs: [{ name: 't', dataType: 'LONG', format: '1:HOUR:EPOCH', granularity: '1:HOURS' }] }, 'dateTimeFieldSpecs[0].format', /field "t": invalid format "1:HOUR:EPOCH": Invalid time unit: HOUR in format: 1:HOUR:EPOCH/],
      ['missing date-time format', { dateTimeFieldSpecs: [{ name: 't', dataType: 'LONG', granularity: '1:HOURS' }] }, 'dateTimeFieldSpecs[0].format', /Must provide format/],
      ['bad granularity', { dateTimeFieldSpecs: [{ name: 't', dataType: 'LONG', format: 'EPOCH', granularity: '0:HOURS' }] }, 'dateTimeFieldSpecs[0].granularity', /Invalid size: 0 in granularity: 0:HOURS, must be positive/],
      ['unsortable date pattern', { dateTimeFieldSpecs: [{ name: 't', dataType: 'STRING', format: '1:DAYS:SIMPLE_DATE_FORMAT:MM/dd/yyyy', granularity: '1:DAYS' }] }, 'dateTimeFieldSpecs[0].format', /SIMPLE_DATE_FORMAT pattern MM\/dd\/yyyy has to be sorted by both lexicographical and datetime order/],
      ['illegal pattern letter', { dateTimeFieldSpecs: [{ name: 't', dataType: 'STRING', format: 'SIMPLE_DATE_FORMAT|yyyy-qq', granularity: '1:DAYS' }] }, 'dateTimeFieldSpecs[0].format', /Illegal pattern component: qq/],
      ['unknown primary key', { dimensionFieldSpecs: [{ name: 'a', dataType: 'INT' }], primaryKeyColumns: ['a', 'b'] }, 'primaryKeyColumns[1]', /The primary key column must exist/],
      ['field type in the wrong list', { dimensionFieldSpecs: [{ name: 'a', dataType: 'INT', fieldType: 'METRIC' }] }, 'dimensionFieldSpecs[0].fieldType', /does not belong in dimensionFieldSpecs/],
    ];
    it.each(cases)('%s', (_label, extra, path, message) => {
      const e = schemaError({ schemaName: 's', ...extra });
      expect(e.path).toBe(path);
      expect(e.message).toMatch(message);
    });

    it('requires an object with a schemaName', () => {
      expect(schemaError([]).message).toMatch(/must be a JSON object/);
      expect(schemaError({ dimensionFieldSpecs: [] }).path).toBe('schemaName');
    });
  });
});

describe('parseTableConfig', () => {
  const schema = parseSchema({
    schemaName: 'events',
    dimensionFieldSpecs: [
      { name: 'country', dataType: 'STRING' },
      { name: 'tags', dataType: 'STRING', singleValueField: false },
      { name: 'userId', dataType: 'LONG' },
      { name: 'payload', dataType: 'JSON' },
    ],
    metricFieldSpecs: [{ name: 'cost', dataType: 'DOUBLE' }],
    dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:HOURS' }],
  });
  const base = (extra: Record<string, unknown> = {}, index: Record<string, unknown> = {}): Record<string, unknown> => ({
    tableName: 'events',
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: 'ts' },
    tenants: {},
    tableIndexConfig: index,
    ...extra,
  });
  const tcError = (json: unknown, source?: string): TableConfigError => {
    try {
      parseTableConfig(json, schema, source);
    } catch (e) {
      expect(e).toBeInstanceOf(TableConfigError);
      return e as TableConfigError;
    }
    throw new Error('expected a TableConfigError');
  };

  it('defaults: dictionary-encoded columns, APPEND, no null vectors', () => {
    const t = parseTableConfig(base(), schema);
    expect(t).toMatchObject({ tableName: 'events', tableNameWithType: 'events_OFFLINE', tableType: 'OFFLINE', timeColumnName: 'ts', nullHandling: 'off', segmentIngestionType: 'APPEND', sortedColumns: [] });
    expect([...t.columns.keys()]).toEqual(['cost', 'country', 'payload', 'tags', 'ts', 'userId']);
    expect(t.columns.get('country')).toEqual({
      column: 'country',
      dictionary: true,
      forwardEncoding: 'DICTIONARY',
      forwardIndexDisabled: false,
      inverted: false,
      varLengthDictionary: false,
      rawIndexWriterVersion: 4,
      deriveNumDocsPerChunk: false,
      targetMaxChunkSize: '1MB',
      targetDocsPerChunk: 1000,
      nullValueVector: false,
    });
  });

  it('strips the type suffix and accepts a lower-case table type', () => {
    const t = parseTableConfig(base({ tableName: 'events_REALTIME', tableType: 'realtime' }), schema);
    expect(t.tableName).toBe('events');
    expect(t.tableNameWithType).toBe('events_REALTIME');
    expect(t.tableType).toBe('REALTIME');
    // a REALTIME suffix on an OFFLINE table is part of the raw name
    expect(parseTableConfig(base({ tableName: 'events_REALTIME' }), schema).tableName).toBe('events_REALTIME');
  });

  it('no-dictionary columns are raw with Pinot default compression (LZ4, PASS_THROUGH for metrics); noDictionaryConfig values are ignored', () => {
    const t = parseTableConfig(base({}, { noDictionaryColumns: ['userId', 'cost'], noDictionaryConfig: { country: 'SNAPPY' } }), schema);
    expect(t.columns.get('userId')).toMatchObject({ dictionary: false, forwardEncoding: 'RAW', compression: 'LZ4' });
    expect(t.columns.get('cost')).toMatchObject({ dictionary: false, forwardEncoding: 'RAW', compression: 'PASS_THROUGH' });
    expect(t.columns.get('country')).toMatchObject({ dictionary: false, forwardEncoding: 'RAW', compression: 'LZ4' });
    expect(t.columns.get('country')!.compressionCodec).toBeUndefined();
  });

  it('fieldConfigList: RAW with a codec, index types, inverted + RAW shares a dictionary', () => {
    const t = parseTableConfig(
      base({
        fieldConfigList: [
          { name: 'userId', encodingType: 'RAW', compressionCodec: 'ZSTANDARD' },
          { name: 'country', encodingType: 'RAW', indexTypes: ['INVERTED'] },
          { name: 'tags', encodingType: 'DICTIONARY', indexes: { inverted: {} } },
          { name: 'payload', encodingType: 'RAW', indexes: { forward: { compressionCodec: 'GZIP' }, json: {} } },
        ],
      }),
      schema,
    );
    expect(t.columns.get('userId')).toMatchObject({ dictionary: false, forwardEncoding: 'RAW', compressionCodec: 'ZSTANDARD', compression: 'ZSTANDARD' });
    expect(t.columns.get('country')).toMatchObject({ dictionary: true, forwardEncoding: 'RAW', inverted: true, compression: 'LZ4' });
    expect(t.columns.get('tags')).toMatchObject({ dictionary: true, forwardEncoding: 'DICTIONARY', inverted: true });
    expect(t.columns.get('payload')).toMatchObject({ dictionary: false, compression: 'GZIP' });
    expect(t.ignoredIndexes).toEqual([{ path: 'fieldConfigList[3].indexes.json', feature: 'json index', column: 'payload' }]);
  });

  it('inverted index columns, sorted column, null handling, var-length dictionaries', () => {
    const t = parseTableConfig(
      base({}, { invertedIndexColumns: ['country', ''], sortedColumn: ['userId'], nullHandlingEnabled: true, varLengthDictionaryColumns: ['country'], createInvertedIndexDuringSegmentGeneration: true }),
      schema,
    );
    expect(t.columns.get('country')).toMatchObject({ inverted: true, varLengthDictionary: true, nullValueVector: true });
    expect(t.sortedColumn).toBe('userId');
    expect(t.nullHandling).toBe('table');
    expect(t.createInvertedIndexDuringSegmentGeneration).toBe(true);
    // A sorted column declared raw stays raw (nothing forces a dictionary for sorted columns).
    const raw = parseTableConfig(base({}, { sortedColumn: ['userId'], noDictionaryColumns: ['userId'] }), schema);
    expect(raw.columns.get('userId')).toMatchObject({ dictionary: false, forwardEncoding: 'RAW' });
  });

  it('column-based null handling follows notNull', () => {
    const s = parseSchema({ schemaName: 's', enableColumnBasedNullHandling: true, dimensionFieldSpecs: [{ name: 'a', dataType: 'INT' }, { name: 'b', dataType: 'INT', notNull: true }] });
    const t = parseTableConfig({ tableName: 's', tableType: 'OFFLINE', segmentsConfig: {}, tableIndexConfig: { nullHandlingEnabled: false } }, s);
    expect(t.nullHandling).toBe('column');
    expect(t.columns.get('a')!.nullValueVector).toBe(true);
    expect(t.columns.get('b')!.nullValueVector).toBe(false);
  });

  it('ingestion type, frequency, transforms, filter and partitioning are returned', () => {
    const t = parseTableConfig(
      base({
        ingestionConfig: {
          batchIngestionConfig: { segmentIngestionType: 'REFRESH', segmentIngestionFrequency: 'DAILY' },
          transformConfigs: [
            { columnName: 'country', transformFunction: 'upper(countryRaw)' },
            { columnName: 'tmp', transformFunction: 'jsonExtractObject(raw)' },
            { columnName: 'userId', transformFunction: "JSONPATHLONG(tmp, '$.id')" },
          ],
          filterConfig: { filterFunction: "Groovy({country == 'xx'}, country)" },
        },
      }, { segmentPartitionConfig: { columnPartitionMap: { userId: { functionName: 'Murmur', numPartitions: 8 } } } }),
      schema,
    );
    expect(t.segmentIngestionType).toBe('REFRESH');
    expect(t.segmentIngestionFrequency).toBe('DAILY');
    expect(t.transformConfigs).toHaveLength(3);
    expect(t.filterConfig).toEqual({ filterFunction: "Groovy({country == 'xx'}, country)" });
    expect(t.segmentPartitionConfig).toEqual({ columnPartitionMap: { userId: { functionName: 'Murmur', numPartitions: 8 } } });
    expect(parseTableConfig(base({ segmentsConfig: { timeColumnName: 'ts', segmentPushType: 'refresh' } }), schema).segmentIngestionType).toBe('refresh');
  });

  it('lists index features it does not build', () => {
    const t = parseTableConfig(base({}, { rangeIndexColumns: ['userId'], bloomFilterColumns: ['country'], starTreeIndexConfigs: [{}] }), schema);
    expect(t.ignoredIndexes.map((i) => i.path)).toEqual(['tableIndexConfig.rangeIndexColumns[0]', 'tableIndexConfig.bloomFilterColumns[0]', 'tableIndexConfig.starTreeIndexConfigs']);
  });

  describe('errors', () => {
    it('names the JSON path and the source', () => {
      const e = tcError(base({}, { invertedIndexColumns: ['country', 'cuntry'] }), 'table.json');
      expect(e.name).toBe('TableConfigError');
      expect(e.path).toBe('tableIndexConfig.invertedIndexColumns[1]');
      expect(e.message).toBe('table.json: tableIndexConfig.invertedIndexColumns[1]: column "cuntry" is not in schema "events" — Pinot: Failed to find column: cuntry in schema');
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['inverted index on a no-dictionary column', base({}, { invertedIndexColumns: ['country'], noDictionaryColumns: ['country'] }), 'tableIndexConfig.invertedIndexColumns[0]', /Cannot create inverted index on column: country without dictionary/],
      ['multi-value sorted column', base({}, { sortedColumn: ['tags'] }), 'tableIndexConfig.sortedColumn[0]', /Cannot sort on multi-value column: tags/],
      ['unknown sorted column', base({}, { sortedColumn: ['nope'] }), 'tableIndexConfig.sortedColumn[0]', /Failed to find sorted column: nope in schema/],
      ['unknown codec', base({ fieldConfigList: [{ name: 'userId', encodingType: 'RAW', compressionCodec: 'BROTLI' }] }), 'fieldConfigList[0].compressionCodec', /unknown compression codec "BROTLI"/],
      ['raw codec on a dictionary column', base({ fieldConfigList: [{ name: 'userId', compressionCodec: 'LZ4' }] }), 'fieldConfigList[0].compressionCodec', /Compression codec: LZ4 is not applicable to dictionary encoded column: userId/],
      ['MV_ENTRY_DICT on a raw column', base({ fieldConfigList: [{ name: 'userId', encodingType: 'RAW', compressionCodec: 'MV_ENTRY_DICT' }] }), 'fieldConfigList[0].compressionCodec', /not applicable to raw column: userId/],
      ['CLP on a non-string column', base({ fieldConfigList: [{ name: 'userId', encodingType: 'RAW', compressionCodec: 'CLP' }] }), 'fieldConfigList[0].compressionCodec', /Cannot apply CLP compression codec to column: userId/],
      ['DELTA on a multi-value column', base({ fieldConfigList: [{ name: 'tags', encodingType: 'RAW', compressionCodec: 'DELTA' }] }), 'fieldConfigList[0].compressionCodec', /single-value columns/],
      ['duplicate field config', base({ fieldConfigList: [{ name: 'userId' }, { name: 'userId' }] }), 'fieldConfigList[1].name', /Duplicate FieldConfig for column: userId/],
      ['field config of an unknown column', base({ fieldConfigList: [{ name: 'nope' }] }), 'fieldConfigList[0].name', /Failed to find column: nope/],
      ['DICTIONARY field config of a no-dictionary column', base({ fieldConfigList: [{ name: 'userId', indexTypes: ['RANGE'] }] }, { noDictionaryColumns: ['userId'] }), 'fieldConfigList[0].encodingType', /FieldConfig encoding type is different from indexingConfig for column: userId/],
      ['inverted declared twice', base({ fieldConfigList: [{ name: 'country', indexes: { inverted: {} } }] }, { invertedIndexColumns: ['country'] }), 'fieldConfigList[0].indexes.inverted', /declared in two different ways for index inverted on column country/],
      ['disabled dictionary with dictionary encoding', base({ fieldConfigList: [{ name: 'country', indexes: { dictionary: { disabled: true } } }] }), 'fieldConfigList[0].indexes.dictionary', /Dictionary must be enabled for dictionary-encoded forward index column: country/],
      ['var-length dictionary on a fixed-width column', base({}, { varLengthDictionaryColumns: ['userId'] }), 'tableIndexConfig.varLengthDictionaryColumns[0]', /Cannot create var-length dictionary on column: userId of fixed-width stored type: LONG/],
      ['time column that is a dimension', base({ segmentsConfig: { timeColumnName: 'country' } }), 'segmentsConfig.timeColumnName', /is a DIMENSION field, not a DATE_TIME/],
      ['missing time column in REALTIME', base({ tableType: 'REALTIME', segmentsConfig: {} }), 'segmentsConfig.timeColumnName', /'timeColumnName' cannot be null in REALTIME table config/],
      ['bad push type', base({ ingestionConfig: { batchIngestionConfig: { segmentIngestionType: 'UPSERT' } } }), 'ingestionConfig.batchIngestionConfig.segmentIngestionType', /invalid push type: UPSERT/],
      ['double underscore', base({ tableName: 'my__table' }), 'tableName', /cannot contain double underscore/],
      ['two dots', base({ tableName: 'a.b.c' }), 'tableName', /more than one '\.'/],
      ['missing tableIndexConfig', { tableName: 't', tableType: 'OFFLINE', segmentsConfig: {} }, 'tableIndexConfig', /'tableIndexConfig' must be configured/],
      ['unknown table type', base({ tableType: 'HYBRID' }), 'tableType', /unknown table type "HYBRID"/],
      ['partition on a multi-value column', base({}, { segmentPartitionConfig: { columnPartitionMap: { tags: { functionName: 'Murmur', numPartitions: 4 } } } }), 'tableIndexConfig.segmentPartitionConfig.columnPartitionMap.tags', /Cannot partition on multi-value column: tags/],
      ['non-positive partitions', base({}, { segmentPartitionConfig: { columnPartitionMap: { userId: { functionName: 'Murmur', numPartitions: 0 } } } }), 'tableIndexConfig.segmentPartitionConfig.columnPartitionMap.userId.numPartitions', /'numPartitions' must be positive/],
      ['duplicate transform', base({ ingestionConfig: { transformConfigs: [{ columnName: 'country', transformFunction: 'upper(a)' }, { columnName: 'country', transformFunction: 'lower(a)' }] } }), 'ingestionConfig.transformConfigs[1].columnName', /Duplicate transform config found for column 'country'/],
      ['transform to an unknown column', base({ ingestionConfig: { transformConfigs: [{ columnName: 'nope', transformFunction: 'upper(a)' }] } }), 'ingestionConfig.transformConfigs[0].columnName', /The destination column 'nope' of the transform function must be present in the schema/],
      ['forward index disabled on REALTIME', base({ tableType: 'REALTIME', fieldConfigList: [{ name: 'country', properties: { forwardIndexDisabled: 'true' } }] }), 'fieldConfigList[0].properties.forwardIndexDisabled', /Cannot disable forward index for column: country, as the table type is REALTIME/],
      ['unknown segment name generator', base({}, { segmentNameGeneratorType: 'random' }), 'tableIndexConfig.segmentNameGeneratorType', /Unsupported segmentNameGeneratorType: random/],
    ];
    it.each(cases)('%s', (_label, json, path, message) => {
      const e = tcError(json);
      expect(e.path).toBe(path);
      expect(e.message).toMatch(message);
    });
  });
});
