import { instantToWallMs, tryResolveTimeZone, wallMsToInstant } from '../domain/time-zones';
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

/** Zones as the domain rules them: Windows ids and IANA names, deterministic DST handling. */
export const domainZoneRules: ZoneRules = {
  resolve: tryResolveTimeZone,
  toInstant: (local, zone) => wallMsToInstant(local, zone).getTime(),
  toLocal: (instant, zone) => instantToWallMs(new Date(instant), zone),
};
