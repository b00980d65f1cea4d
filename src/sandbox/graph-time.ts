import { badRequest, GraphError } from './graph-error';

/**
 * Wall-clock times are handled as "naive" milliseconds: the local fields read as if they were UTC.
 * That keeps date arithmetic (durations, occurrence dates) free of offsets until a zone is applied.
 */
export type NaiveMs = number;

/** How the sandbox turns a Graph `{dateTime, timeZone}` into an instant and back. */
export interface ZoneRules {
  /** The zone name Graph would accept (Windows or IANA), normalised, or undefined when unsupported. */
  resolve(zone: string): string | undefined;
  toInstant(local: NaiveMs, zone: string): number;
  toLocal(instant: number, zone: string): NaiveMs;
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

export function parseLocalDateTime(value: unknown, property: string): NaiveMs {
  if (typeof value !== 'string') throw badRequest(`${property} must be a date and time string.`);
  const match = LOCAL_PATTERN.exec(value);
  if (!match) throw badRequest(`Cannot convert the literal '${value}' to the expected type 'Edm.DateTime'.`);
  const [, y, mo, d, h, mi, s, frac] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h)) {
    throw badRequest(`Cannot convert the literal '${value}' to the expected type 'Edm.DateTime'.`);
  }
  return ms + Math.floor(Number(`0.${frac ?? '0'}`) * 1000);
}

/** Graph's dateTimeTimeZone.dateTime: local fields with seven fractional digits and no offset. */
export function formatLocal(local: NaiveMs): string {
  return new Date(local).toISOString().replace(/\.(\d{3})Z$/, '.$10000');
}

/** Graph's Edm.DateTimeOffset in UTC with seven fractional digits. */
export function formatInstant(instant: number): string {
  return new Date(instant).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export function dateOnly(local: NaiveMs): string {
  return new Date(local).toISOString().slice(0, 10);
}

export function parseDateOnly(value: string): NaiveMs {
  return Date.parse(`${value}T00:00:00Z`);
}

export const DAY_MS = 86_400_000;

/** Parses a query-string instant (`startDateTime=2026-01-01T00:00:00Z`, offset optional, UTC assumed). */
export function parseQueryInstant(value: string | null, name: string): number {
  if (!value) {
    throw new GraphError(
      400,
      'ErrorInvalidParameter',
      `This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.`,
    );
  }
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw badRequest(`The value '${value}' of parameter '${name}' is not a valid date.`);
  return ms;
}

/**
 * Interim zone rules over the runtime's IANA database ("UTC" and IANA names). The shared domain module
 * replaces this once it lands, adding Windows zone names.
 */
export const intlZoneRules: ZoneRules = {
  resolve(zone) {
    if (/^(utc|etc\/utc|gmt)$/i.test(zone)) return 'UTC';
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      return undefined;
    }
  },
  toInstant(local, zone) {
    let guess = local - offsetOf(local, zone);
    guess = local - offsetOf(guess, zone);
    return guess;
  },
  toLocal(instant, zone) {
    return instant + offsetOf(instant, zone);
  },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetOf(instant: number, zone: string): number {
  if (zone === 'UTC') return 0;
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}
