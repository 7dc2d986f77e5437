import { describe, expect, it } from 'vitest';
import { SegmentUnsupportedError } from '../src/errors.js';
import {
  compileJodaPattern,
  createSegmentNameGenerator,
  createSegmentNameGeneratorForTable,
  FixedSegmentNameGenerator,
  InputFileSegmentNameGenerator,
  javaTimeZoneOffset,
  NormalizedDateSegmentNameGenerator,
  type NormalizedDateOptions,
  parseDateTimeFormatSpec,
  SegmentNameError,
  SimpleSegmentNameGenerator,
  timeUnitToMillis,
  type TimeValue,
  UploadedRealtimeSegmentNameGenerator,
  validatePartialOrFullSegmentName,
} from '../src/segment-name.js';

type Case = [sequenceId: number, min: TimeValue | null, max: TimeValue | null, expected: string];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;
const utc = (iso: string) => BigInt(Date.parse(iso));

describe('SimpleSegmentNameGenerator (SimpleSegmentNameGeneratorTest)', () => {
  const table: { args: ConstructorParameters<typeof SimpleSegmentNameGenerator>; str: string; cases: Case[] }[] = [
    {
      args: ['testTable', null],
      str: 'SimpleSegmentNameGenerator: tableName=testTable, appendUUIDToSegmentName=false, excludeTimeInSegmentName=false',
      cases: [[-1, null, null, 'testTable'], [-1, 1234, 5678, 'testTable_1234_5678'], [0, null, null, 'testTable_0'], [0, 1234, 5678, 'testTable_1234_5678_0']],
    },
    {
      args: ['testTable', 'postfix'],
      str: 'SimpleSegmentNameGenerator: tableName=testTable, segmentNamePostfix=postfix, appendUUIDToSegmentName=false, excludeTimeInSegmentName=false',
      cases: [
        [-1, null, null, 'testTable_postfix'], [-1, 1234, 5678, 'testTable_1234_5678_postfix'],
        [0, null, null, 'testTable_postfix_0'], [0, 1234n, '5678', 'testTable_1234_5678_postfix_0'],
      ],
    },
    {
      args: ['testTable', null, false, true],
      str: 'SimpleSegmentNameGenerator: tableName=testTable, appendUUIDToSegmentName=false, excludeTimeInSegmentName=true',
      cases: [[-1, null, null, 'testTable'], [-1, 1234, 5678, 'testTable'], [0, null, null, 'testTable_0'], [0, 1234, 5678, 'testTable_0']],
    },
  ];
  for (const { args, str, cases } of table) {
    it(str, () => {
      const g = new SimpleSegmentNameGenerator(...args);
      expect(g.toString()).toBe(str);
      for (const [sequenceId, minTimeValue, maxTimeValue, expected] of cases) {
        expect(g.generate({ sequenceId, minTimeValue, maxTimeValue })).toBe(expected);
      }
    });
  }

  it('rejects malformed table name, postfix and time values', () => {
    expect(() => new SimpleSegmentNameGenerator('test/Table', 'postfix')).toThrow(SegmentNameError);
    expect(() => new SimpleSegmentNameGenerator('testTable', 'post*fix')).toThrow(SegmentNameError);
    expect(() => new SimpleSegmentNameGenerator('testTable', 'postfix').generate({ sequenceId: 0, minTimeValue: 1234, maxTimeValue: '12|34' }))
      .toThrow('Invalid partial or full segment name: 12|34');
  });

  it('keeps empty parts and appends a UUID (Joiner.skipNulls, UUID.randomUUID)', () => {
    expect(new SimpleSegmentNameGenerator('t', '').generate({ sequenceId: 0 })).toBe('t__0');
    expect(new SimpleSegmentNameGenerator('t', null, true).generate({ sequenceId: 3, minTimeValue: 1, maxTimeValue: 2 }))
      .toMatch(new RegExp(`^t_1_2_3_${UUID.source}$`));
    expect(new SimpleSegmentNameGenerator('t').generate()).toBe('t');
  });
});

describe('FixedSegmentNameGenerator (FixedSegmentNameGeneratorTest)', () => {
  it('returns the fixed name and validates it', () => {
    expect(new FixedSegmentNameGenerator('seg01').generate({ sequenceId: 0 })).toBe('seg01');
    expect(() => new FixedSegmentNameGenerator('seg*01')).toThrow('Invalid partial or full segment name: seg*01');
    expect(new FixedSegmentNameGenerator('seg01').toString()).toBe('FixedSegmentNameGenerator: segmentName=seg01');
  });
});

describe('NormalizedDateSegmentNameGenerator (NormalizedDateSegmentNameGeneratorTest)', () => {
  const epoch = (unit: string) => `1:${unit}:EPOCH`;
  const sdf = (pattern: string) => `1:DAYS:SIMPLE_DATE_FORMAT:${pattern}`;
  const base = { tableName: 'myTable' };
  const table: { name: string; opts: NormalizedDateOptions; str: string; cases: Case[] }[] = [
    {
      name: 'testRefresh', opts: { ...base, pushType: 'REFRESH' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=false',
      cases: [[-1, null, null, 'myTable'], [1, null, null, 'myTable_1']],
    },
    {
      name: 'testWithSegmentNamePrefix', opts: { ...base, segmentNamePrefix: 'myTable_daily', pushType: 'REFRESH' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, appendPushType=false',
      cases: [[-1, null, null, 'myTable_daily'], [1, null, null, 'myTable_daily_1']],
    },
    {
      name: 'testWithSegmentNamePrefixPostfix',
      opts: { ...base, segmentNamePrefix: 'myTable_daily', pushType: 'REFRESH', segmentNamePostfix: 'myPostfix' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, segmentNamePostfix=myPostfix, appendPushType=false',
      cases: [[-1, null, null, 'myTable_daily_myPostfix'], [1, null, null, 'myTable_daily_myPostfix_1']],
    },
    {
      name: 'testWithUntrimmedSegmentNamePrefix', opts: { ...base, segmentNamePrefix: 'myTable_daily  ', pushType: 'REFRESH' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, appendPushType=false',
      cases: [[-1, null, null, 'myTable_daily'], [1, null, null, 'myTable_daily_1']],
    },
    {
      name: 'testWithUntrimmedSegmentNamePrefixPostfix',
      opts: { ...base, segmentNamePrefix: 'myTable_daily  ', pushType: 'REFRESH', segmentNamePostfix: 'myPostfix  ' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, segmentNamePostfix=myPostfix, appendPushType=false',
      cases: [[-1, null, null, 'myTable_daily_myPostfix'], [1, null, null, 'myTable_daily_myPostfix_1']],
    },
    {
      name: 'testExcludeSequenceId', opts: { ...base, excludeSequenceId: true, pushType: 'REFRESH' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=false, excludeSequenceId=true',
      cases: [[-1, null, null, 'myTable'], [1, null, null, 'myTable']],
    },
    {
      name: 'testWithPrefixExcludeSequenceId',
      opts: { ...base, segmentNamePrefix: 'myTable_daily', excludeSequenceId: true, pushType: 'REFRESH' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, appendPushType=false, excludeSequenceId=true',
      cases: [[-1, null, null, 'myTable_daily'], [1, null, null, 'myTable_daily']],
    },
    {
      name: 'testWithPrefixPostfixExcludeSequenceId',
      opts: { ...base, segmentNamePrefix: 'myTable_daily', excludeSequenceId: true, pushType: 'REFRESH', segmentNamePostfix: 'myPostfix' },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, segmentNamePostfix=myPostfix, appendPushType=false, excludeSequenceId=true',
      cases: [[-1, null, null, 'myTable_daily_myPostfix'], [1, null, null, 'myTable_daily_myPostfix']],
    },
    {
      name: 'testAppend', opts: { ...base, pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: epoch('DAYS') },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=true, outputSDF=yyyy-MM-dd, inputTimeUnit=DAYS',
      cases: [[-1, 1, 3, 'myTable_1970-01-02_1970-01-04'], [1, 1, 3, 'myTable_1970-01-02_1970-01-04_1']],
    },
    {
      name: 'testAppendWithSegmentNamePrefix',
      opts: { ...base, segmentNamePrefix: 'myTable_daily', pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: epoch('DAYS') },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, appendPushType=true, outputSDF=yyyy-MM-dd, inputTimeUnit=DAYS',
      cases: [[-1, 1, 3, 'myTable_daily_1970-01-02_1970-01-04'], [1, 1, 3, 'myTable_daily_1970-01-02_1970-01-04_1']],
    },
    {
      name: 'testAppendWithSegmentNamePrefixPostfix',
      opts: {
        ...base, segmentNamePrefix: 'myTable_daily', pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: epoch('DAYS'),
        segmentNamePostfix: 'myPostfix',
      },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable_daily, segmentNamePostfix=myPostfix, appendPushType=true, outputSDF=yyyy-MM-dd, inputTimeUnit=DAYS',
      cases: [[-1, 1, 3, 'myTable_daily_1970-01-02_1970-01-04_myPostfix'], [1, 1, 3, 'myTable_daily_1970-01-02_1970-01-04_myPostfix_1']],
    },
    {
      name: 'testHoursTimeType', opts: { ...base, pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: epoch('HOURS') },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=true, outputSDF=yyyy-MM-dd, inputTimeUnit=HOURS',
      cases: [[-1, 24, 72, 'myTable_1970-01-02_1970-01-04'], [1, 24, 72, 'myTable_1970-01-02_1970-01-04_1']],
    },
    {
      name: 'testLongSimpleDateFormat', opts: { ...base, pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: sdf('yyyyMMdd') },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=true, outputSDF=yyyy-MM-dd, inputSDF=yyyyMMdd',
      cases: [[-1, 19700102, 19700104, 'myTable_1970-01-02_1970-01-04'], [1, 19700102, 19700104, 'myTable_1970-01-02_1970-01-04_1']],
    },
    {
      name: 'testStringSimpleDateFormat', opts: { ...base, pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: sdf('yyyy-MM-dd') },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=true, outputSDF=yyyy-MM-dd, inputSDF=yyyy-MM-dd',
      cases: [[-1, '1970-01-02', '1970-01-04', 'myTable_1970-01-02_1970-01-04'], [1, '1970-01-02', '1970-01-04', 'myTable_1970-01-02_1970-01-04_1']],
    },
    {
      // "works with Joda time library and not java.text": 9 fraction digits and a literal Z offset.
      name: 'testStringSimpleDateFormat (Joda pattern)',
      opts: { ...base, pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: sdf("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSZ") },
      str: "NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=true, outputSDF=yyyy-MM-dd, inputSDF=yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSZ",
      cases: [[1, '2023-01-01T12:00:00.111111111Z', '2023-01-02T12:00:00.111111111Z', 'myTable_2023-01-01_2023-01-02_1']],
    },
    {
      name: 'testMalFormedDateFormatAndTimeValue (valid part)',
      opts: { ...base, pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: sdf('yyyy/MM/dd') },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=true, outputSDF=yyyy-MM-dd, inputSDF=yyyy/MM/dd',
      cases: [[-1, '1970/01/02', '1970/01/04', 'myTable_1970-01-02_1970-01-04'], [1, '1970/01/02', '1970/01/04', 'myTable_1970-01-02_1970-01-04_1']],
    },
    {
      name: 'testHourlyPushFrequency', opts: { ...base, pushType: 'APPEND', pushFrequency: 'hourly', dateTimeFormat: epoch('DAYS') },
      str: 'NormalizedDateSegmentNameGenerator: segmentNamePrefix=myTable, appendPushType=true, outputSDF=yyyy-MM-dd-HH, inputTimeUnit=DAYS',
      cases: [[-1, 1, 3, 'myTable_1970-01-02-00_1970-01-04-00'], [1, 1, 3, 'myTable_1970-01-02-00_1970-01-04-00_1']],
    },
  ];
  for (const { name, opts, str, cases } of table) {
    it(name, () => {
      const g = new NormalizedDateSegmentNameGenerator(opts);
      expect(g.toString()).toBe(str);
      for (const [sequenceId, minTimeValue, maxTimeValue, expected] of cases) {
        expect(g.generate({ sequenceId, minTimeValue, maxTimeValue })).toBe(expected);
      }
    });
  }

  it('testMalFormedTableNameAndSegmentNamePrefixPostfix', () => {
    const common = { pushType: 'APPEND', pushFrequency: 'daily', dateTimeFormat: sdf('yyyy/MM/dd') };
    expect(() => new NormalizedDateSegmentNameGenerator({ tableName: 'my/Table', ...common })).toThrow(SegmentNameError);
    expect(() => new NormalizedDateSegmentNameGenerator({ tableName: 'myTable', segmentNamePrefix: 'myTable\\daily', ...common }))
      .toThrow(SegmentNameError);
    expect(() => new NormalizedDateSegmentNameGenerator({ tableName: 'myTable', segmentNamePrefix: 'myTable_daily', segmentNamePostfix: 'my\\postfix', ...common }))
      .toThrow(SegmentNameError);
  });

  it('testMalFormedDateFormatAndTimeValue: a missing min or max time throws', () => {
    const g = new NormalizedDateSegmentNameGenerator({ tableName: 'myTable', pushType: 'APPEND', dateTimeFormat: sdf('yyyy/MM/dd') });
    expect(() => g.generate({ sequenceId: 1, minTimeValue: null, maxTimeValue: '1970/01/04' }))
      .toThrow(/^Missing minTimeValue for NormalizedDateSegmentNameGenerator$/);
    expect(() => g.generate({ sequenceId: 1, minTimeValue: '1970/01/04' })).toThrow('Missing maxTimeValue');
    expect(() => g.generate({ minTimeValue: '1970-01-04', maxTimeValue: '1970/01/04' }))
      .toThrow('Caught exception while parsing simple date format: yyyy/MM/dd with value: 1970-01-04');
  });

  it('converts EPOCH values with the column TimeUnit, ignoring the size (getNormalizedDate)', () => {
    const day = (format: string, v: TimeValue, freq = 'daily') =>
      new NormalizedDateSegmentNameGenerator({ tableName: 't', pushType: 'append', pushFrequency: freq, dateTimeFormat: format }).getNormalizedDate(v);
    expect(day('1:MILLISECONDS:EPOCH', 86400000)).toBe('1970-01-02');
    expect(day('1:SECONDS:EPOCH', '86400')).toBe('1970-01-02');
    expect(day('1:MINUTES:EPOCH', 1440)).toBe('1970-01-02');
    expect(day('5:MINUTES:EPOCH', 1440)).toBe('1970-01-02'); // not 5 x 1440 minutes
    expect(day('1:MICROSECONDS:EPOCH', 86400000000n)).toBe('1970-01-02');
    expect(day('1:NANOSECONDS:EPOCH', '86399999999999')).toBe('1970-01-01');
    expect(day('1:DAYS:EPOCH', -1)).toBe('1969-12-31');
    expect(day('1:DAYS:EPOCH', 19000)).toBe('2022-01-08');
    expect(day('1:MILLISECONDS:TIMESTAMP', 1672574400000)).toBe('2023-01-01');
    expect(day('EPOCH|HOURS', 25, 'HOURLY')).toBe('1970-01-02-01');
    expect(day('EPOCH', '-1', 'hourly')).toBe('1969-12-31-23');
    expect(() => day('1:DAYS:EPOCH', '1.5')).toThrow('NumberFormatException');
    expect(() => day('1:WEEKS:EPOCH', 1)).toThrow('NullPointerException');
  });

  it('requires a date time format spec (and a pattern) only for APPEND', () => {
    expect(() => new NormalizedDateSegmentNameGenerator({ tableName: 't', pushType: 'APPEND' })).toThrow(/Must provide date time format spec/);
    expect(() => new NormalizedDateSegmentNameGenerator({ tableName: 't', pushType: 'APPEND', dateTimeFormat: '1:DAYS:SIMPLE_DATE_FORMAT' }))
      .toThrow(/Must provide pattern for SIMPLE_DATE_FORMAT/);
    expect(new NormalizedDateSegmentNameGenerator({ tableName: 't', pushType: 'REFRESH' }).generate({ sequenceId: 2 })).toBe('t_2');
    // Anything but APPEND (any case) is treated like REFRESH.
    expect(new NormalizedDateSegmentNameGenerator({ tableName: 't', pushType: 'REPLACE' }).generate({ sequenceId: 2 })).toBe('t_2');
  });

  it('parses SIMPLE_DATE_FORMAT in the pattern time zone and prints UTC dates', () => {
    const g = (format: string) => new NormalizedDateSegmentNameGenerator({ tableName: 't', pushType: 'APPEND', pushFrequency: 'hourly', dateTimeFormat: format });
    expect(g('1:DAYS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH tz(GMT+0700)').getNormalizedDate('1970-01-02 03')).toBe('1970-01-01-20');
    expect(g('SIMPLE_DATE_FORMAT|yyyyMMddHH|GMT-05:00').getNormalizedDate('2024022920')).toBe('2024-03-01-01');
    expect(g('SIMPLE_DATE_FORMAT|yyyyMMddHH|Etc/UTC').getNormalizedDate('2024022920')).toBe('2024-02-29-20');
    expect(() => g('SIMPLE_DATE_FORMAT|yyyyMMdd|America/Chicago')).toThrow(SegmentUnsupportedError);
  });
});

describe('InputFileSegmentNameGenerator (InputFileSegmentNameGeneratorTest)', () => {
  const csv = ['.+/(.+)\\.csv', '${filePathPattern:\\1}'] as const;
  const cases: [uri: string, pattern: string, template: string, expected: string][] = [
    ['/my/path/to/segmentname.tsv', ...csv, 'my_path_to_segmentname_tsv'],
    ['hdfs:///my/path/to/segmentname.tsv', ...csv, 'my_path_to_segmentname_tsv'],
    ['hdfs:///my/path/to/segmentname.csv', ...csv, 'segmentname'],
    ['hdfs:/server:9000//my/path/to/segmentname.csv', ...csv, 'segmentname'],
    ['file:///my/path/to/segmentname.csv', ...csv, 'segmentname'],
    ['file:///my/path/to/segmentname.csv', '.+/(\\w+)(\\.csv)?', '${filePathPattern:\\1}', 'segmentname'],
    ['file:///my/path/to/segmentname', '.+/(\\w+)(\\.csv)?', '${filePathPattern:\\1}', 'segmentname'],
    // Our additions: authority, %-decoding, unmatched optional groups become "".
    ['s3://bucket/a%20b/x.csv', '/(.+)/(x)(y)?\\.csv', '${filePathPattern:\\2}-${filePathPattern:\\1}${filePathPattern:\\3}', 'x-a b'],
  ];
  for (const [uri, pattern, template, expected] of cases) {
    it(`${uri} with ${pattern}`, () => {
      const g = new InputFileSegmentNameGenerator(pattern, template, uri);
      expect(g.generate({ sequenceId: -1 })).toBe(expected);
      expect(g.toString()).toBe(
        `InputFileSegmentNameGenerator: filePathPattern=${pattern}, segmentNameTemplate=${template}, inputFileUri=${uri}, segmentName=${expected}`,
      );
    });
  }

  it('rejects URIs java.net.URI rejects, and appends a UUID on request', () => {
    expect(() => new InputFileSegmentNameGenerator(...csv, 'file:///a b.csv')).toThrow('Invalid inputFileUri');
    expect(() => new InputFileSegmentNameGenerator('(', '${filePathPattern:\\1}', '/a.csv')).toThrow('Invalid filePathPattern');
    expect(new InputFileSegmentNameGenerator(...csv, '/x/seg.csv', true).generate()).toMatch(new RegExp(`^seg_${UUID.source}$`));
  });
});

describe('UploadedRealtimeSegmentNameGenerator (UploadedRealtimeSegmentNameGeneratorTest)', () => {
  it('joins prefix, table, partition, creation time and suffix with "__"', () => {
    const g = new UploadedRealtimeSegmentNameGenerator('tableName', 1, 1234567890n, 'prefix', 'suffix');
    expect(g.generate({ sequenceId: 2 })).toBe('prefix__tableName__1__1234567890__suffix');
    expect(new UploadedRealtimeSegmentNameGenerator('tableName', 1, 1234567890, 'prefix').generate({ sequenceId: 2 }))
      .toBe('prefix__tableName__1__1234567890__2');
    expect(() => new UploadedRealtimeSegmentNameGenerator('table__x', 1, 1, 'p')).toThrow('Invalid tableName or prefix');
    expect(() => new UploadedRealtimeSegmentNameGenerator('t', 1, 0, 'p')).toThrow('Creation time must be greater than 0');
    expect(() => new UploadedRealtimeSegmentNameGenerator('t', 1, 1, 'p', ' ')).toThrow('Invalid suffix');
  });
});

describe('validatePartialOrFullSegmentName', () => {
  it('rejects \\ / : * ? " < > | unless a line terminator stops Java\'s "."', () => {
    for (const c of '\\/:*?"<>|') expect(() => validatePartialOrFullSegmentName(`a${c}b`)).toThrow(SegmentNameError);
    expect(() => validatePartialOrFullSegmentName('a_b-c.d e')).not.toThrow();
    expect(() => validatePartialOrFullSegmentName('a\n/b')).not.toThrow();
  });
});

describe('createSegmentNameGenerator (SegmentGenerationTaskRunner.getSegmentNameGenerator)', () => {
  it('infers simple for an EPOCH time column: the airlineStats fixture name', () => {
    const g = createSegmentNameGenerator({ tableName: 'airlineStats_OFFLINE', timeColumn: { format: '1:DAYS:EPOCH', dataType: 'INT' } });
    expect(g).toBeInstanceOf(SimpleSegmentNameGenerator);
    expect(g.generate({ sequenceId: 0, minTimeValue: 16085, maxTimeValue: 16085 })).toBe('airlineStats_OFFLINE_16085_16085_0');
  });

  it('infers normalizedDate for a STRING SIMPLE_DATE_FORMAT time column, APPEND by default', () => {
    const g = createSegmentNameGenerator({ tableName: 't_OFFLINE', timeColumn: { format: '1:DAYS:SIMPLE_DATE_FORMAT:yyyy/MM/dd', dataType: 'STRING' } });
    expect(g.generate({ sequenceId: 0, minTimeValue: '2024/01/02', maxTimeValue: '2024/01/03' })).toBe('t_OFFLINE_2024-01-02_2024-01-03_0');
  });

  it('maps the spec types and config keys', () => {
    const simple = createSegmentNameGenerator({
      type: 'simple', tableName: 't', configs: { 'segment.name.prefix': 'ignored', 'segment.name.postfix': 'p', 'exclude.time.in.segment.name': 'TRUE' },
    });
    expect(simple.generate({ sequenceId: 1, minTimeValue: 5, maxTimeValue: 6 })).toBe('t_p_1');
    expect(createSegmentNameGenerator({ type: 'simple', tableName: 't', configs: { 'append.uuid.to.segment.name': 'true' } }).generate())
      .toMatch(new RegExp(`^t_${UUID.source}$`));
    const nd = createSegmentNameGenerator({
      type: 'normalizedDate', tableName: 't', pushType: 'APPEND', pushFrequency: 'HOURLY', timeColumn: { format: 'EPOCH|HOURS' },
      configs: { 'segment.name.prefix': ' pre ', 'segment.name.postfix': 'post', 'exclude.sequence.id': 'true' },
    });
    expect(nd.generate({ sequenceId: 4, minTimeValue: 0, maxTimeValue: 1 })).toBe('pre_1970-01-01-00_1970-01-01-01_post');
    expect(createSegmentNameGenerator({ type: 'normalizedDate', tableName: 't', pushType: 'REFRESH' }).generate({ sequenceId: 4 })).toBe('t_4');
    expect(createSegmentNameGenerator({ type: 'fixed', tableName: 't', configs: { 'segment.name': 'seg' } }).generate()).toBe('seg');
    expect(() => createSegmentNameGenerator({ type: 'fixed', tableName: 't' })).toThrow('Missing segmentName for FixedSegmentNameGenerator');
    const file = createSegmentNameGenerator({
      type: 'inputFile', tableName: 't', inputFileUri: 'gs://b/d/part-7.avro',
      configs: { 'file.path.pattern': '.+/part-(\\d+)\\.avro', 'segment.name.template': 'seg_${filePathPattern:\\1}' },
    });
    expect(file.generate()).toBe('seg_7');
    const up = createSegmentNameGenerator({
      type: 'uploadedRealtime', tableName: 't', creationTime: '99',
      configs: { 'segment.partitionId': '3', 'segment.name.prefix': 'up' },
    });
    expect(up.generate({ sequenceId: 5 })).toBe('up__t__3__99__5');
    expect(() => createSegmentNameGenerator({ type: 'uploadedRealtime', tableName: 't', configs: { 'segment.name.prefix': 'up' } }))
      .toThrow('Valid partition id must be set');
    expect(() => createSegmentNameGenerator({ type: 'uploadedRealtime', tableName: 't', configs: { 'segment.partitionId': 'x', 'segment.uploadTimeMs': '1' } }))
      .toThrow('Partition Id must be a valid integer value');
    // The task runner's switch is case-sensitive.
    expect(() => createSegmentNameGenerator({ type: 'Simple', tableName: 't' })).toThrow('Unsupported segment name generator type: Simple');
  });

  it('SegmentNameGeneratorFactory: table-config type, any case, simple honours the prefix', () => {
    expect(createSegmentNameGeneratorForTable({ tableName: 't', prefix: 'pre', postfix: 'post' }).generate({ sequenceId: 0 })).toBe('pre_post_0');
    expect(createSegmentNameGeneratorForTable({ type: 'NormalizedDate', tableName: 't', pushType: 'REFRESH', excludeSequenceId: true }).generate({ sequenceId: 0 }))
      .toBe('t');
    expect(() => createSegmentNameGeneratorForTable({ type: 'uploadedrealtime', tableName: 't' })).toThrow(SegmentUnsupportedError);
  });
});

describe('DateTimeFormatSpec', () => {
  it('parses colon and pipe formats', () => {
    expect(parseDateTimeFormatSpec('5:MINUTES:EPOCH')).toMatchObject({ timeFormat: 'EPOCH', size: 5, timeUnit: 'MINUTES', sdfPattern: null });
    expect(parseDateTimeFormatSpec('1:WEEKS:EPOCH')).toMatchObject({ unit: 'WEEKS', timeUnit: null });
    expect(parseDateTimeFormatSpec('EPOCH')).toMatchObject({ size: 1, timeUnit: 'MILLISECONDS' });
    expect(parseDateTimeFormatSpec('EPOCH|SECONDS|10')).toMatchObject({ size: 10, timeUnit: 'SECONDS' });
    expect(parseDateTimeFormatSpec('1:DAYS:SIMPLE_DATE_FORMAT:HH:mm tz(GMT+01:30)')).toMatchObject({ sdfPattern: 'HH:mm', zoneOffsetMillis: 5400000 });
    expect(parseDateTimeFormatSpec('SIMPLE_DATE_FORMAT|yyyy|GMT-3')).toMatchObject({ sdfPattern: 'yyyy', zoneOffsetMillis: -10800000 });
    expect(parseDateTimeFormatSpec('TIMESTAMP')).toMatchObject({ timeFormat: 'TIMESTAMP', timeUnit: 'MILLISECONDS' });
  });

  it('reports invalid formats like Pinot', () => {
    expect(() => parseDateTimeFormatSpec('1:DAYS')).toThrow("Invalid format:1:DAYS, must be of format 'size:timeUnit:timeFormat(:patternWithTz)'");
    expect(() => parseDateTimeFormatSpec('0:DAYS:EPOCH')).toThrow('Invalid size: 0 in format: 0:DAYS:EPOCH, must be positive');
    expect(() => parseDateTimeFormatSpec('1:DAYZ:EPOCH')).toThrow('Invalid time unit: DAYZ in format: 1:DAYZ:EPOCH');
    expect(() => parseDateTimeFormatSpec('1:DAYS:FOO')).toThrow('Invalid time format: FOO in format: 1:DAYS:FOO');
    expect(() => parseDateTimeFormatSpec('1:DAYS:SIMPLE_DATE_FORMAT:yyyy-qq')).toThrow('Invalid SIMPLE_DATE_FORMAT pattern: yyyy-qq in format');
    expect(() => parseDateTimeFormatSpec('EPOCH|DAYS|x')).toThrow('Invalid size: EPOCH in format: EPOCH|DAYS|x');
    expect(() => parseDateTimeFormatSpec('')).toThrow('Must provide format');
  });

  it('resolves Java time zone ids without a tz database', () => {
    expect(javaTimeZoneOffset('UTC')).toBe(0);
    expect(javaTimeZoneOffset('Etc/GMT+5')).toBe(-5 * 3600000);
    expect(javaTimeZoneOffset('GMT+0700')).toBe(7 * 3600000);
    expect(javaTimeZoneOffset('GMT-7:30')).toBe(-(7 * 60 + 30) * 60000);
    expect(javaTimeZoneOffset('GMT+130')).toBe(90 * 60000);
    expect(javaTimeZoneOffset('GMT+24')).toBe(0); // TimeZone.getTimeZone falls back to GMT
    expect(javaTimeZoneOffset('GMT+007')).toBe(7 * 60000);
    expect(() => javaTimeZoneOffset('CST')).toThrow(SegmentUnsupportedError);
  });

  it('converts with TimeUnit.toMillis semantics (truncating, saturating)', () => {
    expect(timeUnitToMillis('NANOSECONDS', -1999999n)).toBe(-1n);
    expect(timeUnitToMillis('DAYS', 2n ** 62n)).toBe(2n ** 63n - 1n);
    expect(timeUnitToMillis('SECONDS', -(2n ** 62n))).toBe(-(2n ** 63n));
  });
});

describe('Joda patterns', () => {
  const print = (p: string, iso: string | bigint) => compileJodaPattern(p).print(typeof iso === 'bigint' ? iso : utc(iso));
  const parse = (p: string, text: string) => new Date(Number(compileJodaPattern(p).parseMillis(text))).toISOString();

  it('prints the patterns Pinot uses', () => {
    const t = '2024-03-05T07:08:09.012Z';
    expect(print('yyyy-MM-dd', t)).toBe('2024-03-05');
    expect(print('yyyyMMdd', t)).toBe('20240305');
    expect(print("yyyy-MM-dd'T'HH:mm:ss", t)).toBe('2024-03-05T07:08:09');
    expect(print('yyyyMMddHH', t)).toBe('2024030507');
    expect(print('HH mm ss SSS', t)).toBe('07 08 09 012');
    expect(print("'at' h:mm a, EEE d MMM yy ''D''", t)).toBe("at 7:08 AM, Tue 5 Mar 24 '65'");
    expect(print('EEEE MMMM k K hh', '2024-03-05T00:00:00Z')).toBe('Tuesday March 24 0 12');
    expect(print('S SS SSSSSS', t)).toBe('0 01 012000');
    expect(print('yyyy-MM-dd Z ZZ', 0n)).toBe('1970-01-01 +0000 +00:00');
    expect(print('yyyy-MM-dd', -1n)).toBe('1969-12-31');
    expect(print('yyyy y YYYY', utc('0000-06-01T00:00:00Z') - 366n * 86400000n)).toBe('-0001 -1 0002');
    expect(compileJodaPattern('yyyy-MM-dd HH ZZ', 7 * 3600000).print(0n)).toBe('1970-01-01 07 +07:00');
  });

  it('parses leniently but validates fields (DateTimeParserBucket)', () => {
    expect(parse('yyyyMMdd', '19700102')).toBe('1970-01-02T00:00:00.000Z');
    expect(parse('yyyyMMdd', '1970012')).toBe('1970-01-02T00:00:00.000Z'); // max digits, not exact
    expect(parse('yyyy-MM-dd', '+2024-2-9')).toBe('2024-02-09T00:00:00.000Z');
    expect(parse("yyyy-MM-dd'T'HH:mm:ss", '2024-01-02t03:04:05')).toBe('2024-01-02T03:04:05.000Z'); // literals ignore case
    expect(parse('MM-dd', '02-29')).toBe('2000-02-29T00:00:00.000Z'); // default year 2000 for month/day patterns
    expect(parse('HH', '05')).toBe('1970-01-01T05:00:00.000Z');
    expect(parse('ss.S', '01.5')).toBe('1970-01-01T00:00:01.500Z'); // a fraction, not a millis count
    expect(parse('ss.SSSSSSSSS', '01.123456789')).toBe('1970-01-01T00:00:01.123Z');
    expect(parse('dd/MMM/yyyy', '05/jan/2024')).toBe('2024-01-05T00:00:00.000Z');
    expect(parse('dd MMMM yyyy', '05 SEPTEMBER 2024')).toBe('2024-09-05T00:00:00.000Z');
    expect(parse('hh:mm a', '12:30 PM')).toBe('1970-01-01T12:30:00.000Z');
    expect(parse('hh:mm a', '12:30 am')).toBe('1970-01-01T00:30:00.000Z');
    expect(parse('kk', '24')).toBe('1970-01-01T00:00:00.000Z');
    expect(parse('yyyy D', '2024 60')).toBe('2024-02-29T00:00:00.000Z');
    expect(parse('EEE, dd MMM yyyy', 'Mon, 01 Jan 2024')).toBe('2024-01-01T00:00:00.000Z');
    expect(parse("yyyy-MM-dd'T'HH:mmZ", '2024-01-01T00:00+0530')).toBe('2023-12-31T18:30:00.000Z');
    expect(parse("yyyy-MM-dd'T'HH:mmZZ", '2024-01-01T00:00-01:00')).toBe('2024-01-01T01:00:00.000Z');
    expect(parse("yyyy-MM-dd'T'HH:mmZ", '2024-01-01T00:00z')).toBe('2024-01-01T00:00:00.000Z');
    expect(compileJodaPattern('yyyy-MM-dd HH', 3600000).parseMillis('1970-01-01 01')).toBe(0n);
  });

  it('resolves two-digit years around the SimpleDateFormat pivot (now - 30)', () => {
    const pivot = new Date().getUTCFullYear() - 30;
    const low = pivot - 50;
    const year = (yy: number) => new Date(Number(compileJodaPattern('yy-MM').parseMillis(`${String(yy).padStart(2, '0')}-01`))).getUTCFullYear();
    expect(year(low % 100)).toBe(low);
    expect(year((low + 99) % 100)).toBe(low + 99);
    // Lenient when no numeric field follows: more digits are a full year.
    expect(new Date(Number(compileJodaPattern('yy').parseMillis('1999'))).getUTCFullYear()).toBe(1999);
  });

  it('reports malformed text and out-of-range fields like Joda', () => {
    expect(() => parse('yyyy-MM-dd', '2024-01-0x')).toThrow('Invalid format: "2024-01-0x" is malformed at "x"');
    expect(() => parse('yyyy-MM-dd', '2024-01')).toThrow('Invalid format: "2024-01" is too short');
    expect(() => parse('yyyy-MM-dd', '2023-02-29')).toThrow('Value 29 for dayOfMonth must be in the range [1,28]');
    expect(() => parse('yyyy-MM', '2023-13')).toThrow('Value 13 for monthOfYear must be in the range [1,12]');
    expect(() => parse('dd MMM', '05 jAn')).toThrow('Invalid format');
  });

  it('refuses pattern letters it does not implement, and Joda\'s illegal ones', () => {
    for (const p of ['ww', 'z', 'ZZZ', 'G', 'CC', 'xxxx']) expect(() => compileJodaPattern(p)).toThrow(SegmentUnsupportedError);
    expect(() => compileJodaPattern('yyyy-qq')).toThrow('Illegal pattern component: qq');
    expect(() => compileJodaPattern('')).toThrow('Invalid pattern specification');
  });
});
