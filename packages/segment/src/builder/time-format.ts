/**
 * The runtime half of Pinot's DateTimeFormatSpec (pinot-spi data/DateTimeFormatSpec.java): a
 * time column's format string, old (`1:DAYS:EPOCH`, `1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd`) or new
 * (`EPOCH|DAYS|1`, `SIMPLE_DATE_FORMAT|yyyyMMdd`, `TIMESTAMP`), and the conversions the segment
 * creator needs: value -> epoch millis (segment start/end time) and millis -> value (the
 * default time when a row has none).
 */
export type TimeUnitName = 'NANOSECONDS' | 'MICROSECONDS' | 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';

const UNIT_MILLIS: Record<TimeUnitName, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

export interface TimeFormat {
  kind: 'EPOCH' | 'TIMESTAMP' | 'SIMPLE_DATE_FORMAT';
  /** Column unit (EPOCH; MILLISECONDS for TIMESTAMP and SIMPLE_DATE_FORMAT). */
  unit: TimeUnitName;
  size: number;
  pattern?: string;
  toMillis(value: string | number | bigint): number;
  fromMillis(ms: number): string | number | bigint;
}

function isUnit(s: string): s is TimeUnitName {
  return Object.hasOwn(UNIT_MILLIS, s);
}

export function parseTimeFormat(format: string): TimeFormat {
  let kind: string;
  let unit = 'MILLISECONDS';
  let size = 1;
  let pattern: string | undefined;
  let zone: string | undefined;
  if (format.includes('|') || !format.includes(':')) {
    const parts = format.split('|');
    kind = (parts[0] ?? '').trim().toUpperCase();
    if (kind === 'EPOCH') {
      unit = (parts[1] ?? 'MILLISECONDS').trim().toUpperCase();
      if (parts[2] !== undefined) size = Number(parts[2]);
    } else if (kind === 'SIMPLE_DATE_FORMAT') {
      pattern = parts[1];
      zone = parts[2];
    }
  } else {
    const parts = format.split(':');
    size = Number(parts[0]);
    unit = (parts[1] ?? '').toUpperCase();
    kind = (parts[2] ?? '').toUpperCase();
    if (kind === 'SIMPLE_DATE_FORMAT') {
      pattern = parts.slice(3).join(':');
      const tz = /^(.*?)\s+tz\((.+)\)$/.exec(pattern);
      if (tz) {
        pattern = tz[1];
        zone = tz[2];
      }
    }
  }
  if (!Number.isInteger(size) || size < 1) throw new Error(`time format ${format}: bad size`);
  if (!isUnit(unit)) throw new Error(`time format ${format}: unknown time unit ${unit}`);
  const u: TimeUnitName = unit;
  switch (kind) {
    case 'EPOCH':
      return {
        kind,
        unit: u,
        size,
        toMillis: (v) => Number(typeof v === 'bigint' ? v : BigInt(String(v).trim())) * size * UNIT_MILLIS[u],
        // TimeUnit.convert truncates toward zero.
        fromMillis: (ms) => BigInt(Math.trunc(ms / UNIT_MILLIS[u] / size)),
      };
    case 'TIMESTAMP':
      return { kind, unit: 'MILLISECONDS', size: 1, toMillis: (v) => Number(v), fromMillis: (ms) => BigInt(ms) };
    case 'SIMPLE_DATE_FORMAT': {
      if (!pattern) throw new Error(`time format ${format}: SIMPLE_DATE_FORMAT needs a pattern`);
      if (zone !== undefined && !['UTC', 'GMT', 'Z', 'Etc/UTC'].includes(zone.trim())) {
        throw new Error(`time format ${format}: time zone ${zone} is not supported (only UTC)`);
      }
      const p = compilePattern(pattern);
      return { kind, unit: 'MILLISECONDS', size: 1, pattern, toMillis: (v) => p.parse(String(v)), fromMillis: (ms) => p.format(ms) };
    }
    default:
      throw new Error(`time format ${format}: unknown time format ${kind}`);
  }
}

type Token = { field: 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S'; width: number } | { literal: string };

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out.push({ literal: "'" });
        i += 2;
        continue;
      }
      if (end < 0) throw new Error(`date pattern ${pattern}: unterminated quote`);
      out.push({ literal: pattern.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      if (!'yMdHmsS'.includes(c)) throw new Error(`date pattern ${pattern}: letter '${c}' is not supported`);
      out.push({ field: c as 'y', width: j - i });
      i = j;
      continue;
    }
    out.push({ literal: c });
    i++;
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compilePattern(pattern: string): { parse(s: string): number; format(ms: number): string } {
  const tokens = tokenize(pattern);
  let re = '^';
  tokens.forEach((t, i) => {
    if ('literal' in t) {
      re += escapeRegex(t.literal);
      return;
    }
    const next = tokens[i + 1];
    const adjacentNumber = next !== undefined && 'field' in next;
    // Joda reads fixed widths when numeric fields touch (yyyyMMdd); otherwise any digit count.
    re += adjacentNumber ? `(\\d{${t.width}})` : t.field === 'y' ? '(-?\\d+)' : '(\\d+)';
  });
  const regex = new RegExp(re + '$');
  const fields = tokens.filter((t): t is Extract<Token, { field: string }> => 'field' in t);
  return {
    parse(s: string): number {
      const m = regex.exec(s.trim());
      if (!m) throw new Error(`${JSON.stringify(s)} does not match the date pattern ${pattern}`);
      const v = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
      fields.forEach((f, i) => {
        let n = Number(m[i + 1]);
        if (f.field === 'S') n = Number((m[i + 1] ?? '0').padEnd(3, '0').slice(0, 3));
        v[f.field] = n;
      });
      if (v.M < 1 || v.M > 12 || v.d < 1 || v.d > 31 || v.H > 23 || v.m > 59 || v.s > 59) {
        throw new Error(`${JSON.stringify(s)} is not a valid date for the pattern ${pattern}`);
      }
      const ms = Date.UTC(v.y, v.M - 1, v.d, v.H, v.m, v.s, v.S);
      const d = new Date(ms);
      if (d.getUTCDate() !== v.d) throw new Error(`${JSON.stringify(s)} is not a valid date for the pattern ${pattern}`);
      return ms;
    },
    format(ms: number): string {
      const d = new Date(ms);
      const values = { y: d.getUTCFullYear(), M: d.getUTCMonth() + 1, d: d.getUTCDate(), H: d.getUTCHours(), m: d.getUTCMinutes(), s: d.getUTCSeconds(), S: d.getUTCMilliseconds() };
      return tokens
        .map((t) => {
          if ('literal' in t) return t.literal;
          let n = values[t.field];
          if (t.field === 'y' && t.width === 2) n %= 100;
          return String(n).padStart(t.width, '0');
        })
        .join('');
    },
  };
}
