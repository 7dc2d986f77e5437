/**
 * Date/time support for the scalar functions: Joda-Time zones (DateTimeZone.forID / forTimeZone, region zones
 * through the ICU time zone data of Node's Intl), ISO chronology fields, Joda patterns (the engine in
 * segment-name.ts, plus `ZZZ` zone ids), and the conversions of pinot-common `function/scalar/DateTimeFunctions.java`,
 * `function/DateTimePatternHandler.java`, `function/DateTimeUtils.java` and `function/scalar/DateTimeConvert.java`.
 */
import { parseDateTimeFormat, parseDateTimeGranularity, type DateTimeFormat } from '../schema.js';
import { compileJodaPattern, type JodaFormatter } from '../segment-name.js';
import { JavaException, LONG_MAX, LONG_MIN } from './jvalue.js';

export const DAY_MS = 86400000;

export class DateTimeError extends JavaException {}

function illegalArg(msg: string): never {
  throw new JavaException('IllegalArgumentException', msg);
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, ISO chronology)
// ---------------------------------------------------------------------------------------------------------------

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = floorDiv(yy, 400);
  const yoe = yy - era * 400;
  const doy = floorDiv(153 * (m + (m > 2 ? -3 : 9)) + 2, 5) + d - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { year: number; month: number; day: number } {
  const zz = z + 719468;
  const era = floorDiv(zz, 146097);
  const doe = zz - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  /** ISO day of week, Monday = 1. */
  dayOfWeek: number;
  dayOfYear: number;
  weekyear: number;
  weekOfWeekyear: number;
  /** days since epoch of the local date */
  days: number;
  msOfDay: number;
}

/** Fields of a local instant (millis since the epoch in local time). */
export function fieldsOfLocal(local: number): LocalFields {
  const days = floorDiv(local, DAY_MS);
  return fieldsOfDays(days, local - days * DAY_MS);
}

/** Fields of a local date (days since the epoch) and time of day (exact for any Java long instant). */
export function fieldsOfDays(days: number, msOfDay: number): LocalFields {
  const { year, month, day } = civilFromDays(days);
  const dayOfWeek = ((((days + 3) % 7) + 7) % 7) + 1;
  const dayOfYear = days - daysFromCivil(year, 1, 1) + 1;
  const thursday = days - (dayOfWeek - 1) + 3;
  const ty = civilFromDays(thursday).year;
  const weekOfWeekyear = floorDiv(thursday - daysFromCivil(ty, 1, 1), 7) + 1;
  return {
    year,
    month,
    day,
    hour: Math.floor(msOfDay / 3600000),
    minute: Math.floor(msOfDay / 60000) % 60,
    second: Math.floor(msOfDay / 1000) % 60,
    millis: msOfDay % 1000,
    dayOfWeek,
    dayOfYear,
    weekyear: ty,
    weekOfWeekyear,
    days,
    msOfDay,
  };
}

export function localMillis(y: number, m: number, d: number, msOfDay = 0): number {
  return daysFromCivil(y, m, d) * DAY_MS + msOfDay;
}

// ---------------------------------------------------------------------------------------------------------------
// Zones
// ---------------------------------------------------------------------------------------------------------------

export interface Zone {
  readonly id: string;
  /** Offset to add to a UTC instant to get local time. */
  offsetAt(utc: number): number;
  readonly fixed: boolean;
}

function fixedZone(id: string, offset: number): Zone {
  return { id, fixed: true, offsetAt: () => offset };
}

export const UTC: Zone = fixedZone('UTC', 0);

/** Joda's printOffset: ±hh:mm[:ss[.SSS]]. */
function printOffset(offset: number): string {
  const sign = offset >= 0 ? '+' : '-';
  let o = Math.abs(offset);
  const h = Math.floor(o / 3600000);
  o -= h * 3600000;
  const m = Math.floor(o / 60000);
  o -= m * 60000;
  let s = `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  if (o === 0) return s;
  const sec = Math.floor(o / 1000);
  o -= sec * 1000;
  s += `:${String(sec).padStart(2, '0')}`;
  if (o === 0) return s;
  return `${s}.${String(o).padStart(3, '0')}`;
}

/** Joda's offset parser (`[+-]HH[:mm[:ss[.SSS]]]`, also without separators). Returns undefined if malformed. */
function parseOffsetId(s: string): number | undefined {
  const m = /^([+-])(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{3}))?)?)?$/.exec(s);
  if (!m) return undefined;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? '0');
  const se = Number(m[4] ?? '0');
  const ms = Number(m[5] ?? '0');
  if (h > 23 || mi > 59 || se > 59) return undefined;
  const v = ((h * 60 + mi) * 60 + se) * 1000 + ms;
  return m[1] === '-' ? -v : v;
}

const ICU_ONLY_IDS = new Set(['ACT', 'AET', 'AGT', 'ART', 'AST', 'BET', 'BST', 'CAT', 'CNT', 'CST', 'CTT', 'EAT', 'ECT', 'IET', 'IST', 'JST', 'MIT', 'NET', 'NST', 'PLT', 'PNT', 'PRT', 'PST', 'SST', 'VST']);
const regionCache = new Map<string, Zone | null>();
let canonicalIds: Map<string, string> | undefined;

function canonicalIdMap(): Map<string, string> {
  if (!canonicalIds) {
    canonicalIds = new Map();
    for (const id of Intl.supportedValuesOf('timeZone')) canonicalIds.set(id.toLowerCase(), id);
  }
  return canonicalIds;
}

/** A tz database zone (exact-case id), or undefined when Intl does not know it. */
function regionZone(id: string): Zone | undefined {
  if (regionCache.has(id)) return regionCache.get(id) ?? undefined;
  let zone: Zone | null = null;
  if (!ICU_ONLY_IDS.has(id) && !/^[+-]/.test(id)) {
    try {
      const fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: id,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      // Joda ids are case-sensitive; Intl is not.
      const canon = canonicalIdMap().get(id.toLowerCase());
      if (canon === undefined || canon === id) zone = makeRegion(id, fmt);
    } catch {
      zone = null;
    }
  }
  regionCache.set(id, zone);
  return zone ?? undefined;
}

function makeRegion(id: string, fmt: Intl.DateTimeFormat): Zone {
  const cache = new Map<number, number>();
  const compute = (utc: number): number => {
    const clamped = Math.max(-8.64e15, Math.min(8.64e15, utc));
    const parts = fmt.formatToParts(new Date(clamped));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? '0');
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const local = localMillis(year, get('month'), get('day'), ((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000);
    return local - Math.floor(clamped / 1000) * 1000;
  };
  return {
    id,
    fixed: false,
    offsetAt(utc: number): number {
      const key = Math.floor(utc / 60000);
      let v = cache.get(key);
      if (v === undefined) {
        v = compute(key * 60000);
        if (cache.size > 20000) cache.clear();
        cache.set(key, v);
      }
      return v;
    },
  };
}

/** DateTimeZone.forID(id). */
export function jodaZone(id: string): Zone {
  if (id === 'UTC') return UTC;
  const region = regionZone(id);
  if (region) return region;
  if (id === 'UT' || id === 'GMT' || id === 'Z') return UTC;
  let toParse = id;
  if (/^(UTC|GMT)[+-]/.test(id)) toParse = id.slice(3);
  else if (/^UT[+-]/.test(id)) toParse = id.slice(2);
  if (toParse.startsWith('+') || toParse.startsWith('-')) {
    const off = parseOffsetId(toParse);
    if (off === undefined) illegalArg(`Invalid format: "${toParse}"`);
    return off === 0 ? UTC : fixedZone(printOffset(off), off);
  }
  return illegalArg(`The datetime zone id '${id}' is not recognised`);
}

const JODA_CONVERTED: Record<string, string> = {
  GMT: 'UTC', WET: 'WET', CET: 'CET', MET: 'CET', ECT: 'CET', EET: 'EET', MIT: 'Pacific/Apia', HST: 'Pacific/Honolulu', AST: 'America/Anchorage',
  PST: 'America/Los_Angeles', MST: 'America/Denver', PNT: 'America/Phoenix', CST: 'America/Chicago', EST: 'America/New_York',
  IET: 'America/Indiana/Indianapolis', PRT: 'America/Puerto_Rico', CNT: 'America/St_Johns', AGT: 'America/Argentina/Buenos_Aires',
  BET: 'America/Sao_Paulo', ART: 'Africa/Cairo', CAT: 'Africa/Harare', EAT: 'Africa/Addis_Ababa', NET: 'Asia/Yerevan', PLT: 'Asia/Karachi',
  IST: 'Asia/Kolkata', BST: 'Asia/Dhaka', VST: 'Asia/Ho_Chi_Minh', CTT: 'Asia/Shanghai', JST: 'Asia/Tokyo', ACT: 'Australia/Darwin',
  AET: 'Australia/Sydney', SST: 'Pacific/Guadalcanal', NST: 'Pacific/Auckland',
};

/** DateTimeZone.forTimeZone(TimeZone.getTimeZone(id)): unknown ids silently become GMT, as java.util.TimeZone does. */
export function jodaZoneForTimeZone(id: string): Zone {
  if (id === 'UTC') return UTC;
  const conv = JODA_CONVERTED[id];
  if (conv !== undefined) return conv === 'UTC' ? UTC : (regionZone(conv) ?? UTC);
  const region = regionZone(id);
  if (region) return region;
  // TimeZone.parseCustomTimeZone: GMT[+-]h, hh, hmm, hhmm, h:mm, hh:mm
  const custom = /^GMT([+-])(?:(\d{1,2}):(\d{2})|(\d{1,4}))$/.exec(id);
  if (custom) {
    let h: number;
    let m: number;
    if (custom[4] !== undefined) {
      const n = Number(custom[4]);
      [h, m] = custom[4].length <= 2 ? [n, 0] : [Math.floor(n / 100), n % 100];
    } else {
      h = Number(custom[2]);
      m = Number(custom[3]);
    }
    if (h <= 23 && m <= 59) {
      const off = (custom[1] === '-' ? -1 : 1) * (h * 60 + m) * 60000;
      return off === 0 ? UTC : fixedZone(printOffset(off), off);
    }
  }
  return UTC;
}

/** ZoneId.of(id) (then converted to Joda): region ids, Z, UTC/GMT/UT with optional offsets, ±hh[:mm[:ss]]. */
export function javaZoneIdOf(id: string): Zone {
  if (id === 'Z' || id === 'UTC' || id === 'GMT' || id === 'UT') return UTC;
  const offsetForm = /^(?:UTC|GMT|UT)?([+-].*)$/.exec(id);
  if (offsetForm) {
    const o = offsetForm[1]!;
    const m = /^([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/.exec(o);
    if (m && Number(m[2]) <= 18) {
      const off = (m[1] === '-' ? -1 : 1) * ((Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
      return off === 0 ? UTC : fixedZone(printOffset(off), off);
    }
    throw new JavaException('DateTimeException', `Invalid ID for ZoneOffset, invalid format: ${o}`);
  }
  const region = regionZone(id);
  if (region) return region;
  throw new JavaException('DateTimeException', `Unknown time-zone ID: ${id}`);
}

/** DateTimeZone.convertLocalToUTC(local, strict): in a DST gap, strict throws; lenient shifts past the gap. */
export function localToUtcLenient(local: number, zone: Zone): number {
  const offsetLocal = zone.offsetAt(local);
  let offset = zone.offsetAt(local - offsetLocal);
  if (offsetLocal !== offset && offsetLocal < 0) {
    // In a gap the adjusted offset would put western-hemisphere times before the cutover.
    if (zone.offsetAt(local - offset) !== offset) offset = offsetLocal;
  }
  return local - offset;
}

function validOffsets(local: number, zone: Zone): number[] {
  const candidates = new Set<number>();
  for (const probe of [local, local - zone.offsetAt(local), local - DAY_MS, local + DAY_MS]) candidates.add(zone.offsetAt(probe));
  return [...candidates].filter((o) => zone.offsetAt(local - o) === o);
}

/** Joda's getOffsetFromLocal (as a parser computes millis): the earlier instant in an overlap; undefined in a gap. */
export function localToUtcStrict(local: number, zone: Zone): number | undefined {
  if (zone.fixed) return local - zone.offsetAt(0);
  const valid = validOffsets(local, zone);
  if (valid.length === 0) return undefined;
  return local - Math.max(...valid);
}

/** convertLocalToUTC(local, false, originalInstant): keep the original offset when it is still valid. */
export function localToUtcKeeping(local: number, zone: Zone, originalUtc: number): number {
  const o = zone.offsetAt(originalUtc);
  const utc = local - o;
  if (zone.offsetAt(utc) === o) return utc;
  return localToUtcLenient(local, zone);
}

export function fieldsAt(utc: number, zone: Zone): LocalFields {
  return fieldsOfLocal(utc + zone.offsetAt(utc));
}

// ---------------------------------------------------------------------------------------------------------------
// Joda patterns with zones
// ---------------------------------------------------------------------------------------------------------------

interface PatternParts {
  /** pattern segments between `ZZZ` tokens */
  segments: string[];
  hasOffsetToken: boolean;
  formatters: Array<JodaFormatter | null>;
  combined?: JodaFormatter;
}

const patternCache = new Map<string, PatternParts>();

/** Splits a Joda pattern at its (unquoted) zone-id tokens `ZZZ`. */
function splitPattern(pattern: string): PatternParts {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const segments: string[] = [];
  let cur = '';
  let hasOffsetToken = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") j += 2;
          else break;
        } else j++;
      }
      cur += pattern.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      const run = pattern.slice(i, j);
      if (c === 'Z' && run.length >= 3) {
        segments.push(cur);
        cur = '';
      } else {
        if (c === 'Z') hasOffsetToken = true;
        cur += run;
      }
      i = j;
      continue;
    }
    cur += c;
    i++;
  }
  segments.push(cur);
  const parts: PatternParts = {
    segments,
    hasOffsetToken,
    formatters: segments.map((s) => (s.length === 0 ? null : compileJodaPattern(s, 0))),
  };
  if (segments.length === 1 && segments[0]!.length === 0) throw illegalArg('Invalid pattern specification');
  if (patternCache.size > 500) patternCache.clear();
  patternCache.set(pattern, parts);
  return parts;
}

function wrapJoda<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JavaException) throw e;
    throw new JavaException('IllegalArgumentException', e instanceof Error ? e.message : String(e));
  }
}

/** DateTimeFormat.forPattern(pattern).withZone(zone).print(millis). */
export function jodaPrint(pattern: string, millis: bigint, zone: Zone): string {
  return wrapJoda(() => {
    const parts = splitPattern(pattern);
    const offset = zone.offsetAt(Number(millis));
    return parts.formatters.map((f) => (f ? f.print(millis, offset) : '')).join(zone.id);
  });
}

/** The longest zone id (as DateTimeZone.forID knows it) starting at `pos` (DateTimeFormatterBuilder.TimeZoneId). */
function zoneIdAt(text: string, pos: number): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9_+\-/]*/.exec(text.slice(pos));
  if (!m) return undefined;
  for (let len = m[0].length; len > 0; len--) {
    const id = m[0].slice(0, len);
    if (id === 'UTC' || regionZone(id)) return id;
  }
  return undefined;
}

/**
 * DateTimePatternHandler.parseWithDstGapFallback: DateTimeFormat.forPattern(pattern).withZone(zone).parseMillis(text),
 * and on a DST gap (IllegalInstantException) the lenient convertLocalToUTC.
 */
export function jodaParse(text: string, pattern: string, zone: Zone): bigint {
  return wrapJoda(() => {
    const parts = splitPattern(pattern);
    if (parts.segments.length === 1) {
      const f = parts.formatters[0]!;
      if (parts.hasOffsetToken || zone.fixed) return f.parseMillis(text) - BigInt(zone.fixed && !parts.hasOffsetToken ? zone.offsetAt(0) : 0);
      const local = Number(f.parseMillis(text));
      return BigInt(localToUtcStrict(local, zone) ?? localToUtcLenient(local, zone));
    }
    if (parts.segments.length !== 2) throw new JavaException('UnsupportedOperationException', `Joda pattern '${pattern}': more than one ZZZ token is not supported`);
    // One zone id token: find the zone id in the text, parse the rest, interpret it in that zone.
    const combined = (parts.combined ??= compileJodaPattern(parts.segments.join(''), 0));
    let lastError: unknown = new JavaException('IllegalArgumentException', `Invalid format: "${text}"`);
    for (let j = 0; j < text.length; j++) {
      const id = zoneIdAt(text, j);
      if (id === undefined) continue;
      try {
        const local = Number(combined.parseMillis(text.slice(0, j) + text.slice(j + id.length)));
        const z = jodaZone(id);
        if (parts.hasOffsetToken) return BigInt(local);
        const utc = localToUtcStrict(local, z);
        return BigInt(utc ?? localToUtcLenient(local, z));
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// TimeUnit
// ---------------------------------------------------------------------------------------------------------------

export type TimeUnitName = 'NANOSECONDS' | 'MICROSECONDS' | 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';
const UNIT_NANOS: Record<TimeUnitName, bigint> = {
  NANOSECONDS: 1n,
  MICROSECONDS: 1000n,
  MILLISECONDS: 1000000n,
  SECONDS: 1000000000n,
  MINUTES: 60000000000n,
  HOURS: 3600000000000n,
  DAYS: 86400000000000n,
};

export function timeUnitOf(name: string): TimeUnitName {
  if (name in UNIT_NANOS) return name as TimeUnitName;
  return illegalArg(`No enum constant java.util.concurrent.TimeUnit.${name}`);
}

/** TimeUnit `to`.convert(d, `from`): truncating when narrowing, saturating when widening. */
export function convertTimeUnit(d: bigint, from: TimeUnitName, to: TimeUnitName): bigint {
  const f = UNIT_NANOS[from];
  const t = UNIT_NANOS[to];
  if (f === t) return d;
  if (f > t) {
    const r = f / t;
    const max = LONG_MAX / r;
    if (d > max) return LONG_MAX;
    if (d < -max) return LONG_MIN;
    return d * r;
  }
  return d / (t / f);
}

// ---------------------------------------------------------------------------------------------------------------
// ISO chronology field operations (DateTimeUtils.getTimestampField)
// ---------------------------------------------------------------------------------------------------------------

type TsField = 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

export function timestampField(unit: string): TsField {
  const u = unit.toLowerCase();
  if (['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].includes(u)) return u as TsField;
  return illegalArg(`'${unit}' is not a valid Timestamp field`);
}

const PRECISE: Partial<Record<TsField, number>> = { millisecond: 1, second: 1000, minute: 60000, hour: 3600000, day: DAY_MS, week: 7 * DAY_MS };

function floorLocal(field: TsField, local: number): number {
  const precise = PRECISE[field];
  if (field === 'week') {
    const f = fieldsOfLocal(local);
    return (f.days - (f.dayOfWeek - 1)) * DAY_MS;
  }
  if (precise !== undefined) return floorDiv(local, precise) * precise;
  const f = fieldsOfLocal(local);
  if (field === 'month') return localMillis(f.year, f.month, 1);
  if (field === 'quarter') return localMillis(f.year, Math.floor((f.month - 1) / 3) * 3 + 1, 1);
  return localMillis(f.year, 1, 1);
}

/** field.roundFloor(instant) in the zone's chronology (ZonedDateTimeField). */
export function roundFloor(field: TsField, utc: number, zone: Zone): number {
  if (zone.fixed) {
    const o = zone.offsetAt(0);
    return floorLocal(field, utc + o) - o;
  }
  const precise = PRECISE[field];
  if (precise !== undefined && precise < 12 * 3600000) {
    const o = zone.offsetAt(utc);
    return floorLocal(field, utc + o) - o;
  }
  return localToUtcKeeping(floorLocal(field, utc + zone.offsetAt(utc)), zone, utc);
}

function addMonths(utc: number, months: number): number {
  const f = fieldsOfLocal(utc);
  const total = f.year * 12 + (f.month - 1) + months;
  const y = floorDiv(total, 12);
  const m = total - y * 12 + 1;
  const d = Math.min(f.day, daysInMonth(y, m));
  return localMillis(y, m, d, f.msOfDay);
}

/** field.add(instant, value) in UTC. */
export function timestampAdd(field: TsField, interval: bigint, utc: bigint): bigint {
  const precise = PRECISE[field];
  if (precise !== undefined) return BigInt.asIntN(64, utc + interval * BigInt(precise));
  const months = field === 'month' ? interval : field === 'quarter' ? interval * 3n : interval * 12n;
  if (field === 'year') {
    const f = fieldsOfLocal(Number(utc));
    const y = f.year + Number(interval);
    const d = Math.min(f.day, daysInMonth(y, f.month));
    return BigInt(localMillis(y, f.month, d, f.msOfDay));
  }
  return BigInt(addMonths(Number(utc), Number(months)));
}

function monthDifference(minuend: number, subtrahend: number): number {
  if (minuend < subtrahend) return -monthDifference(subtrahend, minuend);
  const a = fieldsOfLocal(minuend);
  let b = fieldsOfLocal(subtrahend);
  let difference = (a.year - b.year) * 12 + a.month - b.month;
  let sub = subtrahend;
  if (a.day === daysInMonth(a.year, a.month) && b.day > a.day) {
    sub = localMillis(b.year, b.month, a.day, b.msOfDay);
    b = fieldsOfLocal(sub);
  }
  const minuendRem = minuend - localMillis(a.year, a.month, 1);
  const subtrahendRem = sub - localMillis(b.year, b.month, 1);
  if (minuendRem < subtrahendRem) difference--;
  return difference;
}

function yearDifference(minuend: number, subtrahend: number): number {
  if (minuend < subtrahend) return -yearDifference(subtrahend, minuend);
  const a = fieldsOfLocal(minuend);
  const b = fieldsOfLocal(subtrahend);
  let minuendRem = minuend - localMillis(a.year, 1, 1);
  let subtrahendRem = subtrahend - localMillis(b.year, 1, 1);
  const FEB_29 = (31 + 29 - 1) * DAY_MS;
  // Balance leap year differences on remainders (BasicChronology.getYearDifference).
  if (subtrahendRem >= FEB_29) {
    if (isLeapYear(b.year)) {
      if (!isLeapYear(a.year)) subtrahendRem -= DAY_MS;
    } else if (minuendRem >= FEB_29 && isLeapYear(a.year)) {
      minuendRem -= DAY_MS;
    }
  }
  let difference = a.year - b.year;
  if (minuendRem < subtrahendRem) difference--;
  return difference;
}

/** field.getDifferenceAsLong(minuend, subtrahend) in UTC. */
export function timestampDiff(field: TsField, minuend: bigint, subtrahend: bigint): bigint {
  const precise = PRECISE[field];
  if (precise !== undefined) return (minuend - subtrahend) / BigInt(precise);
  if (field === 'year') return BigInt(yearDifference(Number(minuend), Number(subtrahend)));
  const months = monthDifference(Number(minuend), Number(subtrahend));
  return BigInt(field === 'quarter' ? Math.trunc(months / 3) : months);
}

// ---------------------------------------------------------------------------------------------------------------
// ISO-8601
// ---------------------------------------------------------------------------------------------------------------

/** Instant.ofEpochMilli(millis).toString(). */
export function instantToString(millis: bigint): string {
  const dayMs = BigInt(DAY_MS);
  let days = millis / dayMs;
  if (millis % dayMs < 0n) days -= 1n;
  const f = fieldsOfDays(Number(days), Number(millis - days * dayMs));
  const p2 = (n: number): string => String(n).padStart(2, '0');
  let year: string;
  if (Math.abs(f.year) < 10000) {
    year = f.year < 0 ? `-${String(-f.year).padStart(4, '0')}` : String(f.year).padStart(4, '0');
  } else {
    year = f.year > 0 ? `+${f.year}` : String(f.year);
  }
  const frac = f.millis === 0 ? '' : `.${String(f.millis).padStart(3, '0')}`;
  return `${year}-${p2(f.month)}-${p2(f.day)}T${p2(f.hour)}:${p2(f.minute)}:${p2(f.second)}${frac}Z`;
}

/** OffsetDateTime.parse(text).toInstant().toEpochMilli() (ISO_OFFSET_DATE_TIME). */
export function parseIsoOffsetDateTime(text: string): bigint {
  const m = /^([+-]\d{4,9}|\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)$/.exec(text);
  const fail = (): never => {
    throw new JavaException('DateTimeParseException', `Text '${text}' could not be parsed`);
  };
  if (!m) return fail();
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6] ?? '0');
  const nanos = (m[7] ?? '').padEnd(9, '0');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) fail();
  let offset = 0;
  const z = m[8]!;
  if (z !== 'Z' && z !== 'z') {
    const o = /^([+-])(\d{2}):?(\d{2})?:?(\d{2})?$/.exec(z)!;
    const h = Number(o[2]);
    const mi = Number(o[3] ?? '0');
    const s = Number(o[4] ?? '0');
    if (h > 18 || mi > 59 || s > 59) fail();
    offset = (o[1] === '-' ? -1 : 1) * ((h * 60 + mi) * 60 + s) * 1000;
  }
  const local = BigInt(daysFromCivil(year, month, day)) * BigInt(DAY_MS) + BigInt(((hour * 60 + minute) * 60 + second) * 1000) + BigInt(Number(nanos.slice(0, 3)));
  return local - BigInt(offset);
}

/** java.time.Duration.parse(text).toMillis(). */
export function parseIsoDuration(text: string): bigint {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text);
  if (!m || text.toUpperCase().endsWith('T') || (m[2] === undefined && m[3] === undefined && m[4] === undefined && m[5] === undefined)) {
    throw new JavaException('DateTimeParseException', `Text cannot be parsed to a Duration`);
  }
  const d = BigInt(m[2] ?? '0');
  const h = BigInt(m[3] ?? '0');
  const mi = BigInt(m[4] ?? '0');
  const s = BigInt(m[5] ?? '0');
  let fracMs = BigInt((m[6] ?? '').padEnd(9, '0').slice(0, 3) || '0');
  if ((m[5] ?? '').startsWith('-')) fracMs = -fracMs;
  let total = ((d * 24n + h) * 60n + mi) * 60000n + s * 1000n + fracMs;
  if (m[1] === '-') total = -total;
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// DateTimeFormatSpec / dateTimeConvert
// ---------------------------------------------------------------------------------------------------------------

export interface FormatSpec {
  spec: DateTimeFormat;
  zone: Zone;
  unit: TimeUnitName;
}

/** new DateTimeFormatSpec(format), with the SIMPLE_DATE_FORMAT zone resolved as DateTimeFormatPatternSpec does. */
export function formatSpec(format: string): FormatSpec {
  const spec = parseDateTimeFormat(format);
  if (typeof spec === 'string') return illegalArg(spec);
  let zone = UTC;
  if (spec.timeFormat === 'SIMPLE_DATE_FORMAT') {
    if (spec.timeZone !== undefined) zone = jodaZoneForTimeZone(spec.timeZone);
    if (spec.sdfPattern === undefined) throw new JavaException('UnsupportedOperationException', 'SIMPLE_DATE_FORMAT without a pattern (ISO parser) is not supported');
    splitPattern(spec.sdfPattern);
  }
  const unit = spec.timeFormat === 'EPOCH' ? spec.unit : 'MILLISECONDS';
  if (!(unit in UNIT_NANOS)) throw new JavaException('UnsupportedOperationException', `time unit ${unit} is not supported here`);
  return { spec, zone, unit: unit as TimeUnitName };
}

/** DateTimeFormatSpec.fromFormatToMillis(String). */
export function fromFormatString(f: FormatSpec, value: string, parseDecimal: (s: string) => bigint, timestampMillis: (s: string) => bigint): bigint {
  switch (f.spec.timeFormat) {
    case 'EPOCH':
      return convertTimeUnit(BigInt.asIntN(64, parseDecimal(value) * BigInt(f.spec.size)), f.unit, 'MILLISECONDS');
    case 'TIMESTAMP':
      return timestampMillis(value);
    case 'SIMPLE_DATE_FORMAT':
      return jodaParse(value, f.spec.sdfPattern!, f.zone);
  }
}

/** DateTimeFormatSpec.fromFormatToMillis(long). */
export function fromFormatLong(f: FormatSpec, value: bigint): bigint {
  switch (f.spec.timeFormat) {
    case 'EPOCH':
      return convertTimeUnit(BigInt.asIntN(64, value * BigInt(f.spec.size)), f.unit, 'MILLISECONDS');
    case 'TIMESTAMP':
      return value;
    case 'SIMPLE_DATE_FORMAT':
      return jodaParse(value.toString(), f.spec.sdfPattern!, f.zone);
  }
}

export interface Granularity {
  size: number;
  unit: TimeUnitName;
}

export function granularitySpec(g: string): Granularity {
  const r = parseDateTimeGranularity(g);
  if (typeof r === 'string') return illegalArg(r);
  return { size: r.size, unit: r.unit };
}

/** DateTimeConvert.truncateDateTime on a MutableDateTime in `zone`. */
export function truncateInZone(utc: number, g: Granularity, zone: Zone): number {
  const local = utc + zone.offsetAt(utc);
  const f = fieldsOfLocal(local);
  const size = g.size;
  let out: number;
  switch (g.unit) {
    case 'MILLISECONDS':
      out = local - f.millis + Math.floor(f.millis / size) * size;
      break;
    case 'SECONDS':
      out = local - f.msOfDay + ((f.hour * 60 + f.minute) * 60 + Math.floor(f.second / size) * size) * 1000;
      break;
    case 'MINUTES':
      out = local - f.msOfDay + (f.hour * 60 + Math.floor(f.minute / size) * size) * 60000;
      break;
    case 'HOURS':
      out = local - f.msOfDay + Math.floor(f.hour / size) * size * 3600000;
      break;
    case 'DAYS':
      out = localMillis(f.year, f.month, Math.floor((f.day - 1) / size) * size + 1);
      break;
    default:
      return utc;
  }
  return zone.fixed ? out - zone.offsetAt(0) : localToUtcKeeping(out, zone, utc);
}
