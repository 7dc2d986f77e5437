import { SegmentUnsupportedError } from '../errors.js';
import { parseDateTimeFormatSpec, type JavaTimeUnit } from '../segment-name.js';

/**
 * The runtime half of Pinot's DateTimeFormatSpec that segment creation needs for the time
 * column: value -> epoch millis (segment start/end time and its range check) and millis ->
 * value (the default time for rows without one). Parsing and Joda patterns come from
 * segment-name.ts.
 */
export interface TimeFormat {
  kind: 'EPOCH' | 'TIMESTAMP' | 'SIMPLE_DATE_FORMAT';
  /** Column unit (EPOCH; MILLISECONDS for TIMESTAMP and SIMPLE_DATE_FORMAT). */
  unit: JavaTimeUnit;
  toMillis(value: string | number | bigint): number;
  fromMillis(ms: number): string | bigint;
}

const UNIT_MILLIS: Record<JavaTimeUnit, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

export function unitMillis(unit: JavaTimeUnit): number {
  return UNIT_MILLIS[unit];
}

export function parseTimeFormat(format: string): TimeFormat {
  const spec = parseDateTimeFormatSpec(format);
  switch (spec.timeFormat) {
    case 'EPOCH': {
      const unit = spec.timeUnit;
      if (unit === null) throw new SegmentUnsupportedError(`time column format ${format}: unit ${spec.unit} cannot be a segment time unit`);
      const size = spec.size;
      return {
        kind: 'EPOCH',
        unit,
        toMillis: (v) => Number(typeof v === 'bigint' ? v : BigInt(String(v).trim())) * size * UNIT_MILLIS[unit],
        // DateTimeFormatSpec.fromMillisToFormat: TimeUnit.convert (truncating) divided by the size.
        fromMillis: (ms) => BigInt(Math.trunc(ms / UNIT_MILLIS[unit] / size)),
      };
    }
    case 'TIMESTAMP':
      return { kind: 'TIMESTAMP', unit: 'MILLISECONDS', toMillis: (v) => Number(v), fromMillis: (ms) => BigInt(ms) };
    case 'SIMPLE_DATE_FORMAT': {
      const f = spec.formatter();
      return { kind: 'SIMPLE_DATE_FORMAT', unit: 'MILLISECONDS', toMillis: (v) => Number(f.parseMillis(String(v))), fromMillis: (ms) => f.print(ms) };
    }
  }
}

/** TimeUtils.VALID_MIN_TIME_MILLIS / VALID_MAX_TIME_MILLIS: 1971-01-01 and 2071-01-01 UTC, both inclusive. */
export const MIN_VALID_TIME_MILLIS = Date.UTC(1971, 0, 1);
export const MAX_VALID_TIME_MILLIS = Date.UTC(2071, 0, 1);

/** TimeUtils.timeValueInValidRange. */
export function inValidTimeRange(ms: number): boolean {
  return ms >= MIN_VALID_TIME_MILLIS && ms <= MAX_VALID_TIME_MILLIS;
}

/** Epoch millis as ISO-8601, or `<ms> ms` when no Date can hold them. */
export function isoOrRaw(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `${ms} ms` : d.toISOString();
}

/**
 * TimeValidationTransformerUtils.transformTimeValue for one stored time value: the value when it
 * parses with the column's format into Pinot's valid range; otherwise null with continueOnError,
 * else an Error with Pinot's message.
 */
export function validateTimeValue<T extends string | number | bigint>(format: TimeFormat, formatText: string, continueOnError: boolean, value: T): T | null {
  let problem: string;
  try {
    const ms = format.toMillis(value);
    if (inValidTimeRange(ms)) return value;
    problem = `Time value: ${isoOrRaw(ms)} is not in valid range: 1971-01-01T00:00:00.000Z/2071-01-01T00:00:00.000Z`;
  } catch {
    problem = `Caught exception while parsing time value: ${String(value)} with format: ${formatText}`;
  }
  if (continueOnError) return null;
  throw new Error(problem);
}
