/**
 * Date/time scalar functions: pinot-common `function/scalar/DateTimeFunctions.java` (and their MV forms),
 * `function/scalar/DateTimeConvert.java`.
 */
import { bigDecimalLongValue, parseBigDecimal } from '../big-decimal.js';
import { javaTimestampToString } from '../convert.js';
import {
  convertTimeUnit,
  fieldsAt,
  formatSpec,
  fromFormatLong,
  fromFormatString,
  granularitySpec,
  instantToString,
  javaZoneIdOf,
  jodaParse,
  jodaPrint,
  jodaZone,
  parseIsoDuration,
  parseIsoOffsetDateTime,
  roundFloor,
  timestampAdd,
  timestampDiff,
  timestampField,
  timeUnitOf,
  truncateInZone,
  UTC,
  type FormatSpec,
  type Granularity,
  type LocalFields,
  type Zone,
} from './datetime.js';
import { argLong, argStr, argumentType, JArray, JavaException, JInt, JTimestamp, timestampFromString, toJavaLong, toJavaString, type JValue, type ParamType } from './jvalue.js';
import { define, type Args } from './registry.js';

const L = 'long' as const;
const S = 'String' as const;
const LA = 'long[]' as const;
const SA = 'String[]' as const;

const l = argLong;
const s = argStr;

function int(n: number): JInt {
  return new JInt(n | 0);
}

function items(v: JValue): JValue[] {
  return (v as JArray).items;
}

/** Registers `name(long[] ..., rest)` returning an array of `name(each, rest)`. */
function defineMV(names: string[], params: ParamType[], mvIndex: number, scalar: (args: Args) => JValue, kind: 'long' | 'int' | 'String' | 'Timestamp'): void {
  define(names, params, (args) => {
    const arr = items(args[mvIndex]!);
    return new JArray(
      kind,
      arr.map((x) => {
        const a = [...args] as Args;
        a[mvIndex] = x;
        return scalar(a);
      }),
    );
  });
}

const MILLIS_IN: Record<string, bigint> = { Seconds: 1000n, Minutes: 60000n, Hours: 3600000n, Days: 86400000n };

/** TimeUnit.X.toMillis(v): saturating. */
function toMillisSat(v: bigint, unit: bigint): bigint {
  const max = (2n ** 63n - 1n) / unit;
  if (v > max) return 2n ** 63n - 1n;
  if (v < -max) return -(2n ** 63n);
  return v * unit;
}

for (const [u, ms] of Object.entries(MILLIS_IN)) {
  const to = (m: bigint): bigint => m / ms;
  define(`toEpoch${u}`, [L], ([a]) => to(l(a)));
  defineMV([`toEpoch${u}MV`], [LA], 0, ([a]) => to(l(a)), 'long');
  define(`toEpoch${u}Rounded`, [L, L], ([a, b]) => (to(l(a)) / l(b)) * l(b));
  defineMV([`toEpoch${u}RoundedMV`], [LA, L], 0, ([a, b]) => (to(l(a)) / l(b)) * l(b), 'long');
  define(`toEpoch${u}Bucket`, [L, L], ([a, b]) => to(l(a)) / l(b));
  defineMV([`toEpoch${u}BucketMV`], [LA, L], 0, ([a, b]) => to(l(a)) / l(b), 'long');
  define(`fromEpoch${u}`, [L], ([a]) => toMillisSat(l(a), ms));
  defineMV([`fromEpoch${u}MV`], [LA], 0, ([a]) => toMillisSat(l(a), ms), 'long');
  define(`fromEpoch${u}Bucket`, [L, L], ([a, b]) => toMillisSat(BigInt.asIntN(64, l(a) * l(b)), ms));
  defineMV([`fromEpoch${u}BucketMV`], [LA, L], 0, ([a, b]) => toMillisSat(BigInt.asIntN(64, l(a) * l(b)), ms), 'long');
}

define('fromIso8601', [S], ([a]) => parseIsoOffsetDateTime(s(a)));
defineMV(['fromIso8601MV'], [SA], 0, ([a]) => parseIsoOffsetDateTime(s(a)), 'long');
define('toIso8601', [L], ([a]) => instantToString(l(a)));
defineMV(['toIso8601MV'], [LA], 0, ([a]) => instantToString(l(a)), 'String');
define('toTimestamp', [L], ([a]) => new JTimestamp(l(a)));
defineMV(['toTimestampMV'], [LA], 0, ([a]) => new JTimestamp(l(a)), 'Timestamp');
define('fromTimestamp', ['Timestamp'], ([a]) => (a as JTimestamp).millis);
defineMV(['fromTimestampMV'], ['Timestamp[]'], 0, ([a]) => (a as JTimestamp).millis, 'long');

const toDateTime2 = ([a, b]: Args): JValue => jodaPrint(s(b), l(a), UTC);
const toDateTime3 = ([a, b, c]: Args): JValue => jodaPrint(s(b), l(a), jodaZone(s(c)));
define('toDateTime', [L, S], toDateTime2);
defineMV(['toDateTimeMV'], [LA, S], 0, toDateTime2, 'String');
define('toDateTime', [L, S, S], toDateTime3);
defineMV(['toDateTimeMV'], [LA, S, S], 0, toDateTime3, 'String');
const fromDateTime2 = ([a, b]: Args): JValue => jodaParse(s(a), s(b), UTC);
const fromDateTime3 = ([a, b, c]: Args): JValue => jodaParse(s(a), s(b), jodaZone(s(c)));
define('fromDateTime', [S, S], fromDateTime2);
defineMV(['fromDateTimeMV'], [SA, S], 0, fromDateTime2, 'long');
define('fromDateTime', [S, S, S], fromDateTime3);
defineMV(['fromDateTimeMV'], [SA, S, S], 0, fromDateTime3, 'long');
define('fromDateTime', [S, S, S, L], ([a, b, c, d]) => {
  try {
    return jodaParse(s(a), s(b), jodaZone(s(c)));
  } catch {
    return l(d);
  }
});

const round = ([a, b]: Args): JValue => (l(a) / l(b)) * l(b);
define('round', [L, L], round);
defineMV(['roundMV'], [LA, L], 0, round, 'long');
define('now', [], () => BigInt(Date.now()));
define('sleep', [L], ([a]) => l(a));
define('ago', [S], ([a]) => BigInt(Date.now()) - parseIsoDuration(s(a)));
defineMV(['agoMV'], [SA], 0, ([a]) => BigInt(Date.now()) - parseIsoDuration(s(a)), 'long');

const tzHour = (tz: string, millis: bigint): number => Math.trunc(jodaZone(tz).offsetAt(Number(millis)) / 3600000);
const tzMinute = (tz: string, millis: bigint): number => Math.trunc(jodaZone(tz).offsetAt(Number(millis)) / 60000) % 60;
define('timezoneHour', [S], ([a]) => int(tzHour(s(a), 0n)));
defineMV(['timezoneHourMV'], [SA], 0, ([a]) => int(tzHour(s(a), 0n)), 'int');
define('timezoneHour', [S, L], ([a, b]) => int(tzHour(s(a), l(b))));
defineMV(['timezoneHourMV'], [S, LA], 1, ([a, b]) => int(tzHour(s(a), l(b))), 'int');
define('timezoneMinute', [S], ([a]) => int(tzMinute(s(a), 0n)));
defineMV(['timezoneMinuteMV'], [SA], 0, ([a]) => int(tzMinute(s(a), 0n)), 'int');
define('timezoneMinute', [S, L], ([a, b]) => int(tzMinute(s(a), l(b))));
defineMV(['timezoneMinuteMV'], [S, LA], 1, ([a, b]) => int(tzMinute(s(a), l(b))), 'int');

/** The field extractors: name(s), MV name(s), and how to read the value from local fields. */
const EXTRACTORS: Array<[string[], string[], (f: LocalFields) => number]> = [
  [['year'], ['yearMV'], (f) => f.year],
  [['yearOfWeek', 'yow'], ['yearOfWeekMV', 'yowMV'], (f) => f.weekyear],
  [['quarter'], ['quarterMV'], (f) => Math.floor((f.month - 1) / 3) + 1],
  [['month', 'monthOfYear'], ['monthMV', 'monthOfYearMV'], (f) => f.month],
  [['week', 'weekOfYear'], ['weekMV', 'weekOfYearMV'], (f) => f.weekOfWeekyear],
  [['dayOfYear', 'doy'], ['dayOfYearMV', 'doyMV'], (f) => f.dayOfYear],
  [['dayOfMonth', 'day'], ['dayOfMonthMV', 'dayMV'], (f) => f.day],
  [['dayOfWeek', 'dow'], ['dayOfWeekMV', 'dowMV'], (f) => f.dayOfWeek],
  [['hour'], ['hourMV'], (f) => f.hour],
  [['minute'], ['minuteMV'], (f) => f.minute],
  [['second'], ['secondMV'], (f) => f.second],
  [['millisecond'], ['millisecondMV'], (f) => f.millis],
];
for (const [names, mvNames, get] of EXTRACTORS) {
  const one = ([a]: Args): JValue => int(get(fieldsAt(Number(l(a)), UTC)));
  const two = ([a, b]: Args): JValue => int(get(fieldsAt(Number(l(a)), jodaZone(s(b)))));
  define(names, [L], one);
  defineMV(mvNames, [LA], 0, one, 'int');
  define(names, [L, S], two);
  defineMV(mvNames, [LA, S], 0, two, 'int');
}

/** DateTimeFunctions.dateTrunc(unit, timeValue, inputTimeUnit, zone, outputTimeUnit). */
function dateTrunc(unit: string, value: bigint, inputUnit: string, zone: Zone, outputUnit: string): bigint {
  const field = timestampField(unit);
  const millis = convertTimeUnit(value, timeUnitOf(inputUnit.toUpperCase()), 'MILLISECONDS');
  const floored = roundFloor(field, Number(millis), zone);
  return convertTimeUnit(BigInt(floored), 'MILLISECONDS', timeUnitOf(outputUnit.toUpperCase()));
}
/** TimeZoneKey.getTimeZoneKey: Pinot's zone index (Joda-compatible ids). */
function zoneKey(tz: string): Zone {
  try {
    return jodaZone(tz);
  } catch {
    throw new JavaException('TimeZoneNotSupportedException', `Time zone not supported: ${tz}`);
  }
}
define('dateTrunc', [S, L], ([u, v]) => dateTrunc(s(u), l(v), 'MILLISECONDS', UTC, 'MILLISECONDS'));
defineMV(['dateTruncMV'], [S, LA], 1, ([u, v]) => dateTrunc(s(u), l(v), 'MILLISECONDS', UTC, 'MILLISECONDS'), 'long');
define('dateTrunc', [S, L, S], ([u, v, iu]) => dateTrunc(s(u), l(v), s(iu), UTC, s(iu)));
defineMV(['dateTruncMV'], [S, LA, S], 1, ([u, v, iu]) => dateTrunc(s(u), l(v), s(iu), UTC, s(iu)), 'long');
define('dateTrunc', [S, L, S, S], ([u, v, iu, tz]) => dateTrunc(s(u), l(v), s(iu), zoneKey(s(tz)), s(iu)));
defineMV(['dateTruncMV'], [S, LA, S, S], 1, ([u, v, iu, tz]) => dateTrunc(s(u), l(v), s(iu), zoneKey(s(tz)), s(iu)), 'long');
define('dateTrunc', [S, L, S, S, S], ([u, v, iu, tz, ou]) => dateTrunc(s(u), l(v), s(iu), zoneKey(s(tz)), s(ou)));
defineMV(['dateTruncMV'], [S, LA, S, S, S], 1, ([u, v, iu, tz, ou]) => dateTrunc(s(u), l(v), s(iu), zoneKey(s(tz)), s(ou)), 'long');

/** TimeUtils.convertPeriodToMillis: a Joda period like 1d2h30m (d, h, m, s; case-insensitive). */
function periodToMillis(p: string): bigint {
  const m = /^(?:(\d+)[dD])?(?:(\d+)[hH])?(?:(\d+)[mM])?(?:(\d+)[sS])?$/.exec(p);
  if (!m || p.length === 0) throw new JavaException('IllegalArgumentException', `Invalid time spec '${p}' (Valid examples: '3h', '4h30m', '30m', etc)`);
  return ((BigInt(m[1] ?? 0) * 24n + BigInt(m[2] ?? 0)) * 60n + BigInt(m[3] ?? 0)) * 60000n + BigInt(m[4] ?? 0) * 1000n;
}
define('dateBin', [S, 'Timestamp', 'Timestamp'], ([w, src, origin]) => {
  const width = periodToMillis(s(w));
  const o = (origin as JTimestamp).millis;
  const off = (src as JTimestamp).millis - o;
  return new JTimestamp(o + width * (off / width));
});

define(['timestampAdd', 'dateAdd'], [S, L, L], ([u, n, t]) => timestampAdd(timestampField(s(u)), l(n), l(t)));
defineMV(['timestampAddMV', 'dateAddMV'], [S, L, LA], 2, ([u, n, t]) => timestampAdd(timestampField(s(u)), l(n), l(t)), 'long');
define(['timestampDiff', 'dateDiff'], [S, L, L], ([u, a, b]) => timestampDiff(timestampField(s(u)), l(b), l(a)));
defineMV(['timestampDiffMV', 'dateDiffMV'], [S, LA, L], 1, ([u, a, b]) => timestampDiff(timestampField(s(u)), l(b), l(a)), 'long');
defineMV(['timestampDiffMVReverse', 'dateDiffMVReverse'], [S, L, LA], 2, ([u, a, b]) => timestampDiff(timestampField(s(u)), l(b), l(a)), 'long');

const EXTRACT_FIELDS = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DOY', 'DOW', 'HOUR', 'MINUTE', 'SECOND'];
define('extract', [S, L], ([u, t]) => {
  const unit = s(u);
  if (!EXTRACT_FIELDS.includes(unit)) throw new JavaException('IllegalArgumentException', `No enum constant org.apache.pinot.common.function.DateTimeUtils.ExtractFieldType.${unit}`);
  const f = fieldsAt(Number(l(t)), UTC);
  const v = { YEAR: f.year, QUARTER: Math.floor((f.month - 1) / 3) + 1, MONTH: f.month, WEEK: f.weekOfWeekyear, DAY: f.day, DOY: f.dayOfYear, DOW: f.dayOfWeek, HOUR: f.hour, MINUTE: f.minute, SECOND: f.second }[unit]!;
  return int(v);
});

// --- dateTimeConvert (non-static: the formats are read on the first call and kept, as DateTimeConvert does)

interface ConvertState {
  input: FormatSpec;
  output: FormatSpec;
  granularity: Granularity;
  zone: Zone;
}

function initConvert(st: Record<string, unknown>, inFmt: string, outFmt: string, gran: string, bucketTz: string | undefined): ConvertState {
  let c = st.convert as ConvertState | undefined;
  if (!c) {
    const input = formatSpec(inFmt);
    const output = formatSpec(outFmt);
    const granularity = granularitySpec(gran);
    let zone: Zone;
    if (bucketTz !== undefined) {
      try {
        zone = javaZoneIdOf(bucketTz);
      } catch (e) {
        throw new JavaException('IllegalArgumentException', `Error parsing bucketing time zone: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else {
      zone = output.spec.timeFormat === 'SIMPLE_DATE_FORMAT' ? output.zone : UTC;
    }
    st.convert = c = { input, output, granularity, zone };
  }
  return c;
}

function inputMillis(c: ConvertState, value: JValue): bigint {
  if (argumentType(value) === 'STRING' || c.input.spec.timeFormat === 'SIMPLE_DATE_FORMAT') {
    return fromFormatString(
      c.input,
      toJavaString(value),
      (t) => bigDecimalLongValue(parseDecimal(t)),
      (t) => timestampFromString(t),
    );
  }
  return fromFormatLong(c.input, toJavaLong(value));
}

function parseDecimal(t: string) {
  try {
    return parseBigDecimal(t);
  } catch {
    throw new JavaException('NumberFormatException', `Character array is not a valid decimal number: "${t}"`);
  }
}

function printOutput(c: ConvertState, millis: number): JValue {
  return jodaPrint(c.output.spec.sdfPattern!, BigInt(millis), c.output.zone);
}

function epochOutput(c: ConvertState, millis: bigint): JValue {
  return convertTimeUnit(millis, 'MILLISECONDS', c.output.unit) / BigInt(c.output.spec.size);
}

define('dateTimeConvert', ['Object', S, S, S], ([v, i, o, g], st) => {
  const c = initConvert(st, s(i), s(o), s(g), undefined);
  const ms = inputMillis(c, v);
  if (c.output.spec.timeFormat === 'SIMPLE_DATE_FORMAT') return printOutput(c, truncateInZone(Number(ms), c.granularity, c.zone));
  const gms = convertTimeUnit(BigInt(c.granularity.size), c.granularity.unit, 'MILLISECONDS');
  if (gms === 0n) throw new JavaException('ArithmeticException', '/ by zero');
  const rounded = (ms / gms) * gms;
  if (c.output.spec.timeFormat === 'EPOCH') return epochOutput(c, rounded);
  // TIMESTAMP output: DateTimeFormatSpec.fromMillisToFormat → new Timestamp(ms).toString()
  return javaTimestampToString(rounded);
});
define('dateTimeConvert', ['Object', S, S, S, S], ([v, i, o, g, tz], st) => {
  const c = initConvert(st, s(i), s(o), s(g), s(tz));
  const ms = inputMillis(c, v);
  const truncated = truncateInZone(Number(ms), c.granularity, c.zone);
  if (c.output.spec.timeFormat === 'SIMPLE_DATE_FORMAT') return printOutput(c, truncated);
  return epochOutput(c, BigInt(truncated));
});
