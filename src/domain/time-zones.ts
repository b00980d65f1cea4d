/**
 * Time zones as Graph and the CRM speak them: Windows ids ("Romance Standard Time") and IANA names
 * ("Europe/Madrid"), local wall times ("2024-03-31T02:30:00.0000000") and instants.
 *
 * Conversions use the host's `Intl` time zone data (full ICU in Node 20 and in browsers), so no tz
 * database ships with us. DST rules, applied the same way everywhere:
 * - a wall time that does not exist (inside a spring-forward gap) moves forward by the length of the
 *   gap: 02:30 on the day Madrid jumps from 02:00 to 03:00 becomes 03:30 (+02:00). This is what
 *   Outlook and most calendars do, and it keeps the event's duration;
 * - a wall time that happens twice (inside a fall-back overlap) takes the earlier instant, i.e. the
 *   one still on daylight time, so an event is never silently moved an hour later.
 *
 * Local wall times are handled as "wall milliseconds": the wall fields read as if they were UTC. That
 * makes wall-clock arithmetic (add a day, keep 09:00) plain integer arithmetic, independent of zone.
 */
import { dateOfDayNumber, dayNumberOf, daysInMonth, formatDate } from './calendar-dates';
import { IANA_ALIASES, WINDOWS_ZONE_ROWS } from './windows-zones';

export {
  addDays,
  addMonths,
  dayNumber,
  dateFromDayNumber,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  isLeapYear,
  isValidDate,
  parseDate,
  formatDate,
} from './calendar-dates';

/** Outlook writes this as `originalStartTimeZone` when the organizer's zone is a custom definition. */
export const CUSTOM_TIME_ZONE = 'tzone://Microsoft/Custom';
/** Outlook's spelling of UTC in `originalStartTimeZone`. */
export const MICROSOFT_UTC_TIME_ZONE = 'tzone://Microsoft/Utc';

export class UnknownTimeZoneError extends Error {
  constructor(
    readonly zone: string,
    readonly reason: 'custom' | 'unknown',
  ) {
    super(
      reason === 'custom'
        ? `Time zone '${zone}' is an Outlook custom zone with no standard name; ` +
            'its rules are not known, so local times in it cannot be converted'
        : `Unknown time zone '${zone}': expected a Windows time zone id or an IANA zone name`,
    );
    this.name = 'UnknownTimeZoneError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Windows <-> IANA

/**
 * Intl's answers remembered per name (`null`: not a zone): building a formatter is what a lookup
 * costs, and every event read or written looks its zones up. Bounded, as names may come from input.
 */
const canonicalNames = new Map<string, string | null>();
const MAX_REMEMBERED_NAMES = 2_000;

const ianaByWindows = new Map<string, string>();
const ianaByWindowsLower = new Map<string, string>();
const windowsByIana = new Map<string, string>();
const windowsByCanonicalIana = new Map<string, string>();

function addIanaForWindows(iana: string, windows: string): void {
  // The first row that lists a zone wins: rows list a zone's own Windows id before any other.
  if (!windowsByIana.has(iana)) windowsByIana.set(iana, windows);
  const canonical = intlCanonicalName(iana);
  if (canonical && !windowsByCanonicalIana.has(canonical)) windowsByCanonicalIana.set(canonical, windows);
}

for (const [windows, canonical, others] of WINDOWS_ZONE_ROWS) {
  ianaByWindows.set(windows, canonical);
  ianaByWindowsLower.set(windows.toLowerCase(), canonical);
  addIanaForWindows(canonical, windows);
  for (const other of others.split(' ')) if (other) addIanaForWindows(other, windows);
}

/** Every Windows time zone id in the table, in the table's (west to east) order. */
export const WINDOWS_ZONE_IDS: readonly string[] = WINDOWS_ZONE_ROWS.map(([windows]) => windows);

/** The canonical IANA zone for a Windows id (CLDR territory 001), or undefined if the id is unknown. */
export function windowsToIana(name: string): string | undefined {
  if (name === MICROSOFT_UTC_TIME_ZONE) return 'Etc/UTC';
  // Windows ids are registry key names, which Windows compares without regard to case.
  return ianaByWindows.get(name) ?? ianaByWindowsLower.get(name.toLowerCase());
}

/** The Windows id whose zones include this IANA zone (or one of its aliases), or undefined. */
export function ianaToWindows(name: string): string | undefined {
  const direct = windowsByIana.get(name) ?? windowsByIana.get(IANA_ALIASES[name] ?? '');
  if (direct) return direct;
  const canonical = intlCanonicalName(name);
  return canonical ? windowsByCanonicalIana.get(canonical) : undefined;
}

export function isWindowsZone(name: string): boolean {
  return windowsToIana(name) !== undefined;
}

/**
 * True if the host knows this IANA zone. Names are matched with their exact case (Graph and tzdb
 * spell them one way; a lower-cased name is more likely a typo than a choice).
 */
export function isValidIanaZone(name: string): boolean {
  const canonical = intlCanonicalName(name);
  if (canonical === undefined) return false;
  return canonical === name || canonical.toLowerCase() !== name.toLowerCase();
}

/** Accepts a Windows id or an IANA name and returns the IANA name; undefined if neither. */
export function tryResolveTimeZone(name: string): string | undefined {
  const fromWindows = windowsToIana(name);
  if (fromWindows) return fromWindows;
  return isValidIanaZone(name) ? name : undefined;
}

/**
 * The zone to keep as the one a person chose, or undefined if the name is unknown. A Windows id
 * names its canonical zone ("Romance Standard Time" → Europe/Paris); an IANA name the table lists
 * stays itself, even when its Windows zone is named after another city (Europe/Madrid stays
 * Europe/Madrid); any other IANA name (an old alias) becomes the canonical zone of its Windows zone.
 * Every spelling of UTC is Etc/UTC.
 */
export function chosenTimeZone(name: string): string | undefined {
  const fromWindows = windowsToIana(name);
  if (fromWindows) return fromWindows;
  if (!isValidIanaZone(name)) return undefined;
  const windows = ianaToWindows(name);
  const canonical = windows === undefined ? undefined : ianaByWindows.get(windows);
  if (canonical === 'Etc/UTC') return canonical;
  return windowsByIana.has(name) ? name : (canonical ?? name);
}

/**
 * The name Graph is given for a zone: its Windows id when the zone is that id's canonical zone (so
 * Outlook shows its own name), else the IANA name, which Graph accepts and reports back as chosen.
 */
export function graphTimeZoneName(zone: string): string {
  const iana = chosenTimeZone(zone) ?? zone;
  const windows = ianaToWindows(iana);
  return windows !== undefined && ianaByWindows.get(windows) === iana ? windows : iana;
}

/**
 * Accepts a Windows id or an IANA name and returns the IANA name. Throws
 * {@link UnknownTimeZoneError} for Outlook's custom zone and for names it does not know, rather than
 * guessing a zone from an offset.
 */
export function resolveTimeZone(name: string): string {
  const resolved = tryResolveTimeZone(name);
  if (resolved !== undefined) return resolved;
  throw new UnknownTimeZoneError(name, name === CUSTOM_TIME_ZONE ? 'custom' : 'unknown');
}

function intlCanonicalName(name: string): string | undefined {
  const known = canonicalNames.get(name);
  if (known !== undefined) return known ?? undefined;
  const canonical = askIntl(name);
  if (canonicalNames.size < MAX_REMEMBERED_NAMES) canonicalNames.set(name, canonical ?? null);
  return canonical;
}

function askIntl(name: string): string | undefined {
  // Intl also accepts offsets such as "+01:00" on newer hosts; those are not zone names.
  if (!/^[A-Za-z]/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Wall times

const MS_PER_DAY = 86_400_000;
const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;
const INSTANT_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function wallMsFromMatch(match: RegExpExecArray, text: string): number {
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(match[i]));
  const second = Number(match[6] ?? '0');
  // Graph writes 7 fractional digits (100 ns); a Date holds milliseconds, so the rest is dropped.
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new RangeError(`Invalid date-time '${text}': expected YYYY-MM-DDTHH:mm:ss[.fffffff]`);
  }
  return (
    dayNumberOf({ year, month, day }) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis
  );
}

/** Wall milliseconds of a local `YYYY-MM-DDTHH:mm[:ss[.fffffff]]` (no offset allowed). */
export function parseLocalDateTime(local: string): number {
  const match = LOCAL_PATTERN.exec(local);
  if (!match)
    throw new RangeError(`Invalid local date-time '${local}': expected YYYY-MM-DDTHH:mm:ss[.fffffff]`);
  return wallMsFromMatch(match, local);
}

export function isValidLocalDateTime(local: string): boolean {
  try {
    parseLocalDateTime(local);
    return true;
  } catch {
    return false;
  }
}

/** Formats wall milliseconds the way Graph writes `dateTime`: `YYYY-MM-DDTHH:mm:ss.fffffff`. */
export function formatLocalDateTime(wallMs: number): string {
  const dayNumber = Math.floor(wallMs / MS_PER_DAY);
  let rest = wallMs - dayNumber * MS_PER_DAY;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${formatDate(dateOfDayNumber(dayNumber))}T${pad(hour)}:${pad(minute)}:${pad(second)}.` +
    `${String(millis).padStart(3, '0')}0000`
  );
}

/** Adds wall-clock milliseconds to a local time (the zone's DST changes are not involved). */
export function addToLocalDateTime(local: string, ms: number): string {
  return formatLocalDateTime(parseLocalDateTime(local) + ms);
}

/** The `YYYY-MM-DD` part of a local date-time, validated. */
export function localDateOf(local: string): string {
  return formatDate(dateOfDayNumber(Math.floor(parseLocalDateTime(local) / MS_PER_DAY)));
}

/**
 * Parses an instant. Accepts `Z` or a `±HH:MM` offset; a string with neither is read as UTC, because
 * that is how Graph writes UTC times (`"2024-05-01T07:00:00.0000000"` with `timeZone: "UTC"`).
 */
export function parseInstant(text: string): Date {
  const match = INSTANT_PATTERN.exec(text);
  if (!match) throw new RangeError(`Invalid instant '${text}': expected YYYY-MM-DDTHH:mm:ss[.fff][Z|±HH:MM]`);
  const wallMs = wallMsFromMatch(match, text);
  const suffix = match[8];
  let offsetMs = 0;
  if (suffix && suffix.toUpperCase() !== 'Z') {
    const digits = suffix.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMs = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
  }
  return new Date(wallMs - offsetMs);
}

function toInstantMs(instant: Date | string): number {
  const ms = typeof instant === 'string' ? parseInstant(instant).getTime() : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid instant: the Date is not a valid time');
  return ms;
}

// ---------------------------------------------------------------------------------------------------
// Zone offsets

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    const iana = resolveTimeZone(zone);
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Local wall milliseconds at an instant in a zone (Windows or IANA). */
function wallMsAt(instantMs: number, zone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = NaN, month = NaN, day = NaN, minute = NaN, second = NaN } = fields;
  // Some engines print midnight as hour 24 even with h23.
  const hour = (fields['hour'] ?? NaN) % 24;
  const secondsOfDay = (hour * 60 + minute) * 60 + second;
  return (
    dayNumberOf({ year, month, day }) * MS_PER_DAY +
    secondsOfDay * 1000 +
    (((instantMs % 1000) + 1000) % 1000)
  );
}

/** The zone's offset from UTC at an instant, in milliseconds (Madrid in summer: +7_200_000). */
export function zoneOffsetMs(instant: Date | string, zone: string): number {
  const ms = toInstantMs(instant);
  return wallMsAt(ms, zone) - ms;
}

function offsetAtMs(instantMs: number, zone: string): number {
  return wallMsAt(instantMs, zone) - instantMs;
}

function wallMsToInstantMs(wallMs: number, zone: string): number {
  // Real offsets lie within ±14 h, so instants a day either side of the wall time bracket the true
  // instant: their offsets are the ones in force before and after any transition near it.
  const before = offsetAtMs(wallMs - MS_PER_DAY, zone);
  const after = offsetAtMs(wallMs + MS_PER_DAY, zone);
  const candidates = [wallMs - before, wallMs - after].filter(
    (instantMs) => offsetAtMs(instantMs, zone) === wallMs - instantMs,
  );
  // Overlap: two candidates, take the earlier. Gap: none; reading the wall time with the offset in
  // force before the gap lands after it, moved forward by the gap's length.
  return candidates.length > 0 ? Math.min(...candidates) : wallMs - before;
}

/**
 * The instant at which a zone's clocks show a local wall time (`YYYY-MM-DDTHH:mm:ss[.fffffff]`).
 * In a spring-forward gap the time moves forward by the gap; in a fall-back overlap the earlier
 * instant is taken.
 */
export function localToInstant(local: string, zone: string): Date {
  return new Date(wallMsToInstantMs(parseLocalDateTime(local), zone));
}

/** What a zone's clocks show at an instant, formatted as Graph does: `YYYY-MM-DDTHH:mm:ss.0000000`. */
export function instantToLocal(instant: Date | string, zone: string): string {
  return formatLocalDateTime(wallMsAt(toInstantMs(instant), zone));
}

/** Wall-ms variants for code that does many conversions (recurrence expansion). */
export function wallMsToInstant(wallMs: number, zone: string): Date {
  return new Date(wallMsToInstantMs(wallMs, zone));
}

export function instantToWallMs(instant: Date, zone: string): number {
  return wallMsAt(toInstantMs(instant), zone);
}
