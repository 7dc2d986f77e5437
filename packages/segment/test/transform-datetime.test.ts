/**
 * Date/time scalar functions through the evaluator, with the data of pinot-core
 * `data/function/DateTimeFunctionsTest.java` (which also goes through InbuiltFunctionEvaluator).
 */
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../src/transform/evaluator.js';
import { fromJs, JArray, JInt, JTimestamp, type JValue } from '../src/transform/jvalue.js';

const ev = (expr: string, row: Record<string, unknown> = {}): JValue => compileExpression(expr).evaluate((c) => fromJs(row[c]));
const int = (n: number): JInt => new JInt(n);

describe('DateTimeFunctionsTest data provider', () => {
  const cases: Array<[string, string[], Record<string, unknown>, JValue]> = [
    ['round("timestamp", 900000)', ['timestamp'], { timestamp: 1578685189000 }, 1578684600000n],
    ['toEpochSeconds("timestamp")', ['timestamp'], { timestamp: 1578685189000.5 }, 1578685189n],
    ['toEpochSecondsRounded("timestamp", 10)', ['timestamp'], { timestamp: '1578685189000' }, 1578685180n],
    ['to_epoch_seconds_bucket("timestamp", 10)', ['timestamp'], { timestamp: 1578685189000 }, 157868518n],
    ['toEpochMinutes("timestamp")', ['timestamp'], { timestamp: 1578685189000 }, 26311419n],
    ['toEpochMinutesRounded("timestamp", 15)', ['timestamp'], { timestamp: 1578685189000 }, 26311410n],
    ['toEpochMinutesBucket("timestamp", 15)', ['timestamp'], { timestamp: 1578685189000 }, 1754094n],
    ['toEpochHours("timestamp")', ['timestamp'], { timestamp: 1578685189000 }, 438523n],
    ['toEpochHoursRounded("timestamp", 2)', ['timestamp'], { timestamp: 1578685189000 }, 438522n],
    ['toEpochHoursBucket("timestamp", 2)', ['timestamp'], { timestamp: 1578685189000 }, 219261n],
    ['toEpochDays("timestamp")', ['timestamp'], { timestamp: 1578685189000 }, 18271n],
    ['toEpochDaysRounded("timestamp", 7)', ['timestamp'], { timestamp: 1578685189000 }, 18270n],
    ['toEpochDaysBucket("timestamp", 7)', ['timestamp'], { timestamp: 1578685189000 }, 2610n],
    ['fromEpochDays(daysSinceEpoch)', ['daysSinceEpoch'], { daysSinceEpoch: 14000 }, 1209600000000n],
    ['fromEpochDaysBucket(sevenDaysSinceEpoch, 7)', ['sevenDaysSinceEpoch'], { sevenDaysSinceEpoch: 2000 }, 1209600000000n],
    ['fromEpochHours(hoursSinceEpoch)', ['hoursSinceEpoch'], { hoursSinceEpoch: 336000 }, 1209600000000n],
    ['fromEpochHoursBucket(twoHoursSinceEpoch, 2)', ['twoHoursSinceEpoch'], { twoHoursSinceEpoch: 168000 }, 1209600000000n],
    ['fromEpochMinutes(minutesSinceEpoch)', ['minutesSinceEpoch'], { minutesSinceEpoch: 20160000 }, 1209600000000n],
    ['fromEpochMinutesBucket(fifteenMinutesSinceEpoch, 15)', ['fifteenMinutesSinceEpoch'], { fifteenMinutesSinceEpoch: 1344000 }, 1209600000000n],
    ['fromEpochSeconds(secondsSinceEpoch)', ['secondsSinceEpoch'], { secondsSinceEpoch: 1209600000n }, 1209600000000n],
    ['fromEpochSecondsBucket(tenSecondsSinceEpoch, 10)', ['tenSecondsSinceEpoch'], { tenSecondsSinceEpoch: 120960000n }, 1209600000000n],
    ['toEpochDays(fromEpochHours(hoursSinceEpoch))', ['hoursSinceEpoch'], { hoursSinceEpoch: 336000 }, 14000n],
    [
      'toEpochMinutesBucket(fromEpochSecondsBucket(fifteenSecondsSinceEpoch, 15), 10)',
      ['fifteenSecondsSinceEpoch'],
      { fifteenSecondsSinceEpoch: 80640000n },
      2016000n,
    ],
    ["toDateTime(dateTime, 'yyyyMMdd')", ['dateTime'], { dateTime: 98697600000 }, '19730216'],
    ["toDateTime(dateTime, 'MM/yyyy/dd HH:mm:ss')", ['dateTime'], { dateTime: 1234567890000 }, '02/2009/13 23:31:30'],
    ["toDateTime(dateTime, 'EEE MMM dd HH:mm:ss ZZZ yyyy')", ['dateTime'], { dateTime: 7897897890000 }, 'Mon Apr 10 20:31:30 UTC 2220'],
    ["toDateTime(dateTime, 'yyyy-MM-dd ZZZ', tz)", ['dateTime', 'tz'], { dateTime: 1633740369000, tz: 'America/Los_Angeles' }, '2021-10-08 America/Los_Angeles'],
    ["fromDateTime(dateTime, 'yyyyMMdd')", ['dateTime'], { dateTime: '19730216' }, 98668800000n],
    ["fromDateTime(dateTime, 'MM/yyyy/dd HH:mm:ss')", ['dateTime'], { dateTime: '02/2009/13 15:31:30' }, 1234539090000n],
    ["fromDateTime(dateTime, 'EEE MMM dd HH:mm:ss ZZZ yyyy')", ['dateTime'], { dateTime: 'Mon Aug 24 12:36:46 America/Los_Angeles 2009' }, 1251142606000n],
    ["fromDateTime(dateTime, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')", ['dateTime'], { dateTime: null }, null],
    ["fromDateTime(dateTime, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''', 'UTC', -1)", ['dateTime'], { dateTime: 'malformed_string' }, -1n],
    // DST spring-forward gap in Africa/Cairo: 2010-04-30 00:00 did not exist, the first valid instant is 01:00 EEST
    ["fromDateTime(dateTime, 'yyyy-MM-dd', 'Africa/Cairo')", ['dateTime'], { dateTime: '2010-04-30' }, 1272578400000n],
    ["fromDateTime(dateTime, 'yyyy-MM-dd', 'Africa/Cairo', -1)", ['dateTime'], { dateTime: '2010-04-30' }, 1272578400000n],
    ['timezone_hour(tz)', ['tz'], { tz: 'UTC' }, int(0)],
    ['timezone_minute(tz)', ['tz'], { tz: 'UTC' }, int(0)],
    ['timezone_hour(tz)', ['tz'], { tz: 'Asia/Shanghai' }, int(8)],
    ['timezone_hour(tz)', ['tz'], { tz: 'Pacific/Marquesas' }, int(-9)],
    ['timezone_minute(tz)', ['tz'], { tz: 'Pacific/Marquesas' }, int(-30)],
    ['timezone_hour(tz)', ['tz'], { tz: 'Etc/GMT+12' }, int(-12)],
    ['timezone_hour(tz)', ['tz'], { tz: 'Etc/GMT+1' }, int(-1)],
    ['timezone_hour(tz)', ['tz'], { tz: 'America/Toronto' }, int(-5)],
    ['timezone_hour(tz, 1641046981000)', ['tz'], { tz: 'America/Toronto' }, int(-5)],
    ['timezone_hour(tz, 1656685381000)', ['tz'], { tz: 'America/Toronto' }, int(-4)],
    ['timezone_minute(tz, 1656685381000)', ['tz'], { tz: 'America/Toronto' }, int(0)],
    ['ago(duration)', ['duration'], { duration: null }, null],
    ['timezoneHour(timezoneId)', ['timezoneId'], { timezoneId: null }, null],
  ];
  for (const [expr, args, row, expected] of cases) {
    it(expr, () => {
      const e = compileExpression(expr);
      expect(e.arguments).toEqual(args);
      expect(e.evaluate((c) => fromJs(row[c]))).toStrictEqual(expected);
    });
  }

  it('field extractors in UTC and in a zone', () => {
    const millis = 1590272593123; // Sat May 23 2020 22:23:13.123 UTC
    const utc: Array<[string, number]> = [
      ['year', 2020],
      ['year_of_week', 2020],
      ['yow', 2020],
      ['quarter', 2],
      ['month', 5],
      ['week', 21],
      ['week_of_year', 21],
      ['day_of_year', 144],
      ['doy', 144],
      ['day', 23],
      ['day_of_month', 23],
      ['day_of_week', 6],
      ['dow', 6],
      ['hour', 22],
      ['minute', 23],
      ['second', 13],
      ['millisecond', 123],
    ];
    for (const [fn, v] of utc) expect(ev(`${fn}(millis)`, { millis }), fn).toStrictEqual(int(v));
    const la = new Map(utc);
    la.set('hour', 15);
    for (const [fn, v] of la) expect(ev(`${fn}(millis, tz)`, { millis, tz: 'America/Los_Angeles' }), fn).toStrictEqual(int(v));
    expect(ev('yearOfWeek(a)', { a: Date.UTC(2021, 0, 2) })).toStrictEqual(int(2020));
    expect(ev('week(a)', { a: Date.UTC(2021, 0, 2) })).toStrictEqual(int(53));
  });
});

describe('dateTrunc (testDateTrunc)', () => {
  it('standard SQL form and name variations', () => {
    const row = { epochMillis: 1612296732123 };
    expect(ev('date_trunc(second, epochMillis)', row)).toBe(1612296732000n);
    expect(ev('DATE_TRUNC(MINUTE, epochMillis)', row)).toBe(1612296720000n);
    expect(ev("datetrunc('millisecond', epochMillis, 'MILLISECONDS')", row)).toBe(1612296732123n);
    expect(ev("date_trunc('MILLISECOND', epochMillis, 'MILLISECONDS')", row)).toBe(1612296732123n);
    expect(ev("dateTrunc('millisecond', epochMillis, 'milliseconds')", row)).toBe(1612296732123n);
    expect(ev("DATE_TRUNC('SECOND', epochMillis, 'MILLISECONDS')", row)).toBe(1612296732000n);
  });
  it('units from milliseconds, seconds and minutes', () => {
    const units = ['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
    const ms = [1612296732123n, 1612296732000n, 1612296720000n, 1612296000000n, 1612224000000n, 1612137600000n, 1612137600000n, 1609459200000n, 1609459200000n];
    const s = [1612296732n, 1612296732n, 1612296720n, 1612296000n, 1612224000n, 1612137600n, 1612137600n, 1609459200n, 1609459200n];
    const m = [26871612n, 26871612n, 26871612n, 26871600n, 26870400n, 26868960n, 26868960n, 26824320n, 26824320n];
    units.forEach((u, i) => {
      expect(ev(`datetrunc('${u}', epochMillis, 'MILLISECONDS')`, { epochMillis: 1612296732123 }), u).toBe(ms[i]);
      expect(ev(`datetrunc('${u}', epochSeconds, 'SECONDS')`, { epochSeconds: 1612296732 }), u).toBe(s[i]);
      expect(ev(`datetrunc('${u}', epochMinutes, 'MINUTES')`, { epochMinutes: 26871612 }), u).toBe(m[i]);
    });
  });
  it('in a +07:09 zone', () => {
    // 2021-02-01T20:12:12.123+07:09
    const epochMillis = Date.UTC(2021, 1, 1, 20, 12, 12, 123) - (7 * 60 + 9) * 60000;
    const local = (h: number, mi: number, s: number, msv: number) => BigInt(Date.UTC(2021, 1, 1, h, mi, s, msv) - (7 * 60 + 9) * 60000);
    const row = { epochMillis };
    expect(ev("datetrunc('millisecond', epochMillis, 'MILLISECONDS', '+07:09')", row)).toBe(local(20, 12, 12, 123));
    expect(ev("datetrunc('millisecond', epochMillis, 'MILLISECONDS', '+07:09', 'milliseconds')", row)).toBe(local(20, 12, 12, 123));
    expect(ev("datetrunc('second', epochMillis, 'MILLISECONDS', '+07:09')", row)).toBe(local(20, 12, 12, 0));
    expect(ev("datetrunc('minute', epochMillis, 'MILLISECONDS', '+07:09')", row)).toBe(local(20, 12, 0, 0));
    expect(ev("datetrunc('hour', epochMillis, 'MILLISECONDS', '+07:09')", row)).toBe(local(20, 0, 0, 0));
    expect(ev("datetrunc('day', epochMillis, 'MILLISECONDS', '+07:09')", row)).toBe(local(0, 0, 0, 0));
  });
  it('in a region zone', () => {
    // 2021-03-14T12:00:00-04:00 (after the New York DST change)
    expect(ev("datetrunc('day', a, 'MILLISECONDS', 'America/New_York')", { a: Date.UTC(2021, 2, 14, 16) })).toBe(BigInt(Date.UTC(2021, 2, 14, 5)));
  });
});

describe('dateBin, timestampAdd, timestampDiff, extract, ISO-8601', () => {
  it('dateBin (testDateBin)', () => {
    const bin = (w: string, src: string, origin = '2024-01-01 00:00:00'): string => {
      const r = ev(`dateBin('${w}', CAST(s AS TIMESTAMP), CAST(o AS TIMESTAMP))`, { s: src, o: origin });
      return new Date(Number((r as JTimestamp).millis)).toISOString().replace('T', ' ').slice(0, 19);
    };
    expect(bin('2s', '2024-02-10 23:29:55')).toBe('2024-02-10 23:29:54');
    expect(bin('10m', '2024-02-10 23:29:55')).toBe('2024-02-10 23:20:00');
    expect(bin('15m', '2024-02-10 23:29:55')).toBe('2024-02-10 23:15:00');
    expect(bin('1h15m', '2024-02-10 23:00:55')).toBe('2024-02-10 22:30:00');
    expect(bin('1d', '2024-02-10 23:00:55')).toBe('2024-02-10 00:00:00');
    expect(bin('2d', '2024-02-09 23:00:55')).toBe('2024-02-08 00:00:00');
    expect(bin('10d10m', '2024-02-09 23:00:55')).toBe('2024-01-31 00:30:00');
  });
  it('timestampAdd / timestampDiff (TIMESTAMPADD(unit, ...) special syntax too)', () => {
    const now = 1700000000000;
    expect(ev('timestampAdd(DAY, 10, timeCol)', { timeCol: now - 10 * 86400000 })).toBe(BigInt(now));
    expect(ev('timestampAdd(MINUTE, 30, timeCol)', { timeCol: now - 1800000 })).toBe(BigInt(now));
    expect(ev("dateAdd('month', 1, timeCol)", { timeCol: Date.UTC(2021, 0, 31) })).toBe(BigInt(Date.UTC(2021, 1, 28)));
    expect(ev("dateAdd('year', 1, timeCol)", { timeCol: Date.UTC(2020, 1, 29) })).toBe(BigInt(Date.UTC(2021, 1, 28)));
    expect(ev('timestampDiff(DAY, timeCol2, timeCol)', { timeCol: now, timeCol2: now - 10 * 86400000 })).toBe(10n);
    expect(ev('timestampDiff(MINUTE, timeCol2, timeCol)', { timeCol: now, timeCol2: now - 1800000 })).toBe(30n);
    expect(ev('timestampDiff(SECOND, timeCol2, timeCol)', { timeCol: now, timeCol2: now - 1800000 })).toBe(1800n);
    expect(ev("dateDiff('month', a, b)", { a: Date.UTC(2021, 0, 31), b: Date.UTC(2021, 1, 28) })).toBe(1n);
    expect(ev("dateDiff('year', a, b)", { a: Date.UTC(2020, 1, 29), b: Date.UTC(2021, 1, 28) })).toBe(1n);
    expect(ev("dateDiff('year', a, b)", { a: Date.UTC(2020, 1, 29, 1), b: Date.UTC(2021, 1, 28) })).toBe(0n);
    expect(ev("dateDiff('quarter', a, b)", { a: Date.UTC(2020, 0, 1), b: Date.UTC(2020, 11, 31) })).toBe(3n);
  });
  it('EXTRACT(unit FROM x) and extract(unit, x)', () => {
    const t = 1590272593123;
    expect(ev('EXTRACT(YEAR FROM t)', { t })).toStrictEqual(int(2020));
    expect(ev('EXTRACT(DOY FROM t)', { t })).toStrictEqual(int(144));
    // EXTRACT is a keyword: the scalar function is only reachable through the EXTRACT(unit FROM x) syntax
    expect(() => compileExpression("extract('HOUR', t)")).toThrow(/expected a time unit/);
  });
  it('fromIso8601 / toIso8601 (testFromIso8601, testToIso8601)', () => {
    expect(ev("fromIso8601('2023-10-01T00:00:00Z')")).toBe(1696118400000n);
    expect(ev("fromIso8601('2023-10-01T00:00:00+01:00')")).toBe(1696114800000n);
    expect(ev("fromIso8601('2023-10-01T00:00:00-01:00')")).toBe(1696122000000n);
    expect(() => ev("fromIso8601('invalid-date')")).toThrow(/DateTimeParseException/);
    expect(() => ev("fromIso8601('2023-13-01T00:00:00Z')")).toThrow(/DateTimeParseException/);
    expect(ev('toIso8601(1696118400000)')).toBe('2023-10-01T00:00:00Z');
    expect(ev('toIso8601(0)')).toBe('1970-01-01T00:00:00Z');
    expect(ev('toIso8601(9223372036854775807)')).toBe('+292278994-08-17T07:12:55.807Z');
    expect(ev('toIso8601(-1)')).toBe('1969-12-31T23:59:59.999Z');
  });
  it('toTimestamp / fromTimestamp / now / ago', () => {
    expect(ev('toTimestamp(1000)')).toStrictEqual(new JTimestamp(1000n));
    expect(ev('fromTimestamp(toTimestamp(1000))')).toBe(1000n);
    const before = BigInt(Date.now());
    const n = ev('now()') as bigint;
    expect(n >= before && n <= BigInt(Date.now())).toBe(true);
    const ago = ev("ago('PT1H')") as bigint;
    expect(BigInt(Date.now()) - ago >= 3600000n).toBe(true);
  });
  it('MV variants', () => {
    expect(ev('toEpochSecondsMV(a)', { a: [1000, 2000] })).toStrictEqual(new JArray('long', [1n, 2n]));
    const r = ev("toDateTimeMV(a, 'yyyy')", { a: [0, 1e12] });
    expect((r as { items: JValue[] }).items).toEqual(['1970', '2001']);
  });
});

describe('dateTimeConvert (testDateTimeConvert)', () => {
  const convert = (value: unknown, input: string, output: string, granularity: string, expected: JValue, bucketTz?: string) => {
    const expr = bucketTz === undefined ? `dateTimeConvert(timeCol, '${input}', '${output}', '${granularity}')` : `dateTimeConvert(timeCol, '${input}', '${output}', '${granularity}', '${bucketTz}')`;
    expect(ev(expr.replace(/'T'/g, "''T''"), { timeCol: value }), expr).toStrictEqual(expected);
  };
  it('EPOCH to EPOCH', () => {
    convert(1505898960000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '15:MINUTES', 1505898900000n);
    convert(1505898960000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS', 1505898960000n);
    convert(1505902560000, '1:MILLISECONDS:EPOCH', '1:HOURS:EPOCH', '1:HOURS', 418306n);
    convert(5019675, '5:MINUTES:EPOCH', '1:HOURS:EPOCH', '1:HOURS', 418306n);
    convert(5019675, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '1:HOURS', 1505901600000n);
    convert(null, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '1:HOURS', null);
    convert(5019675, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '1:HOURS', 1505901600000n, 'UTC');
    convert(5019675, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '4:HOURS', 1505894400000n);
    convert(5019675, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '4:HOURS', 1505894400000n, 'UTC');
    convert(5019635, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '4:HOURS', 1505887200000n, 'CET');
    convert(5019675, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '2:DAYS', 1505779200000n);
    convert(5019675, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '2:DAYS', 1505779200000n, 'UTC');
    convert(5019675, '5:MINUTES:EPOCH', '1:MILLISECONDS:EPOCH', '2:DAYS', 1505772000000n, 'CET');
  });
  it('EPOCH to SIMPLE_DATE_FORMAT', () => {
    convert(1505985360000, '1:MILLISECONDS:EPOCH', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:DAYS', '20170921');
    convert(1505985360000, '1:MILLISECONDS:EPOCH', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:DAYS', '20170920', 'CET');
    convert(1505962800000, '1:MILLISECONDS:EPOCH', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd tz(America/Los_Angeles)', '1:DAYS', '20170920');
    convert(1505962800000, '1:MILLISECONDS:EPOCH', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd tz(America/Los_Angeles)', '1:DAYS', '20170920', 'CET');
    convert(1523430205000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '12:HOURS', '2018-04-11 00:00:00.000');
    convert(1523430205000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '12:HOURS', '2018-04-10 16:00:00.000', 'CET');
    convert(1519926205000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '5:DAYS', '2018-03-01 00:00:00.000');
    convert(1519926205000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '5:DAYS', '2018-02-28 16:00:00.000', 'CET');
    convert(1522230205000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '5:DAYS', '2018-03-26 00:00:00.000');
    convert(1522230205000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '5:DAYS', '2018-03-25 16:00:00.000', 'CET');
    convert(1524013200000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Los_Angeles)', '1:DAYS', '2018-04-17 00:00:00.000');
    convert(1524013200000, '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Los_Angeles)', '1:DAYS', '2018-04-17 15:00:00.000', 'CET');
    convert(1.50598536e12, '1:MILLISECONDS:EPOCH', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:DAYS', '20170921');
  });
  it('SIMPLE_DATE_FORMAT to EPOCH and SDF', () => {
    convert('20170921', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:MILLISECONDS:EPOCH', '1:DAYS', 1505952000000n);
    convert('20170921', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:MILLISECONDS:EPOCH', '1:DAYS', 1505944800000n, 'CET');
    convert('20170921', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd tz(America/New_York)', '1:MILLISECONDS:EPOCH', '1:DAYS', 1505952000000n);
    convert('20170921', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd tz(America/New_York)', '1:MILLISECONDS:EPOCH', '1:DAYS', 1505944800000n, 'CET');
    convert('2017092000', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMddHH tz(America/New_York)', '1:MILLISECONDS:EPOCH', '1:HOURS', 1505880000000n);
    convert('2017092000', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMddHH tz(America/New_York)', '1:MILLISECONDS:EPOCH', '1:HOURS', 1505880000000n, 'CET');
    convert('2017092000 America/Los_Angeles', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMddHH ZZZ', '1:MILLISECONDS:EPOCH', '1:HOURS', 1505890800000n);
    convert('8/7/2017 12 PM', '1:HOURS:SIMPLE_DATE_FORMAT:M/d/yyyy h a', '1:MILLISECONDS:EPOCH', '1:HOURS', 1502107200000n);
    convert('8/7/2017 12:00:01 PM', '1:SECONDS:SIMPLE_DATE_FORMAT:M/d/yyyy h:mm:ss a', '1:MILLISECONDS:EPOCH', '1:HOURS', 1502107200000n);
    convert('8/7/2017 12:00:01 PM', '1:DAYS:SIMPLE_DATE_FORMAT:M/d/yyyy h:mm:ss a', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS', 1502107201000n);
    convert('8/7/2017 12:45:50 AM', '1:DAYS:SIMPLE_DATE_FORMAT:M/d/yyyy h:mm:ss a', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:MILLISECONDS', '20170807');
    convert('20170921 Asia/Kolkata', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd ZZZ', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:MILLISECONDS', '20170920');
    convert('20170921 Asia/Kolkata', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd ZZZ', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd tz(America/Chicago)', '1:MILLISECONDS', '20170920');
    convert("20180412T19:17:12", "1:HOURS:SIMPLE_DATE_FORMAT:yyyyMMdd'T'HH:mm:ss", '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '15:SECONDS', '2018-04-12 13:17:00.000');
    convert("20180412T19:17:12", "1:HOURS:SIMPLE_DATE_FORMAT:yyyyMMdd'T'HH:mm:ss", '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '15:SECONDS', '2018-04-12 13:17:00.000', 'CET');
    convert("20180328T09:43:25", "1:HOURS:SIMPLE_DATE_FORMAT:yyyyMMdd'T'HH:mm:ss", '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '5:DAYS', '2018-03-26 00:00:00.000');
    convert("20180328T09:43:25", "1:HOURS:SIMPLE_DATE_FORMAT:yyyyMMdd'T'HH:mm:ss", '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Denver)', '5:DAYS', '2018-03-25 16:00:00.000', 'CET');
    convert("20180418T01:00:00", "1:HOURS:SIMPLE_DATE_FORMAT:yyyyMMdd'T'HH:mm:ss", '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Los_Angeles)', '1:DAYS', '2018-04-17 00:00:00.000');
    convert("20180418T01:00:00", "1:HOURS:SIMPLE_DATE_FORMAT:yyyyMMdd'T'HH:mm:ss", '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss.SSS tz(America/Los_Angeles)', '1:DAYS', '2018-04-17 15:00:00.000', 'CET');
  });
  it('numeric strings and timestamps as input (testDateTimeConvertNumericStringEpoch, ...RecordExtractorDateTypes)', () => {
    convert('1505898960000', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS', 1505898960000n);
    convert('1505898960000.0', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS', 1505898960000n);
    convert('1.50589896E12', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS', 1505898960000n);
    convert(new Date(1505898960000), '1:MILLISECONDS:EPOCH', '1:MILLISECONDS:EPOCH', '1:MILLISECONDS', 1505898960000n);
    convert(new Date(1505898960000), 'TIMESTAMP', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:DAYS', '20170920');
  });
  it('keeps the formats of its first call (testDateTimeConvertMultipleInvocations)', () => {
    const e = compileExpression("dateTimeConvert(timeCol, 'SIMPLE_DATE_FORMAT|yyyyMMdd', 'EPOCH|MILLISECONDS', '1:DAYS')");
    for (let i = 0; i < 10; i++) expect(e.evaluate(() => fromJs(20200101 + i))).toBe(BigInt(1577836800000 + 24 * 3600000 * i));
  });
});
