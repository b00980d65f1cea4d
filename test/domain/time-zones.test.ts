import fc from 'fast-check';
import {
  CUSTOM_TIME_ZONE,
  MICROSOFT_UTC_TIME_ZONE,
  UnknownTimeZoneError,
  WINDOWS_ZONE_IDS,
  addToLocalDateTime,
  ianaToWindows,
  instantToLocal,
  isValidIanaZone,
  localDateOf,
  localToInstant,
  parseInstant,
  resolveTimeZone,
  windowsToIana,
  zoneOffsetMs,
} from '../../src/domain/time-zones';

const iso = (local: string, zone: string): string => localToInstant(local, zone).toISOString();

describe('Windows and IANA names', () => {
  test.each([
    ['Romance Standard Time', 'Europe/Paris'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Eastern Standard Time', 'America/New_York'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['India Standard Time', 'Asia/Kolkata'],
    ['Chatham Islands Standard Time', 'Pacific/Chatham'],
    ['UTC', 'Etc/UTC'],
  ])('%s is %s', (windows, iana) => {
    expect(windowsToIana(windows)).toBe(iana);
    expect(ianaToWindows(iana)).toBe(windows);
  });

  test('every zone CLDR lists for a Windows id maps back to it', () => {
    expect(ianaToWindows('Europe/Madrid')).toBe('Romance Standard Time');
    expect(ianaToWindows('Africa/Ceuta')).toBe('Romance Standard Time');
    expect(ianaToWindows('America/Toronto')).toBe('Eastern Standard Time');
    expect(ianaToWindows('Australia/Melbourne')).toBe('AUS Eastern Standard Time');
    expect(ianaToWindows('Etc/GMT-3')).toBe('E. Africa Standard Time');
  });

  test('old and new tzdb names both map', () => {
    expect(ianaToWindows('Asia/Calcutta')).toBe('India Standard Time');
    expect(ianaToWindows('Europe/Kiev')).toBe('FLE Standard Time');
    expect(ianaToWindows('Europe/Kyiv')).toBe('FLE Standard Time');
    expect(ianaToWindows('Asia/Ho_Chi_Minh')).toBe('SE Asia Standard Time');
    expect(ianaToWindows('US/Eastern')).toBe('Eastern Standard Time');
    expect(ianaToWindows('UTC')).toBe('UTC');
    expect(ianaToWindows('Etc/GMT')).toBe('UTC');
  });

  test('Windows ids round-trip through their canonical IANA zone', () => {
    for (const windows of WINDOWS_ZONE_IDS) {
      const iana = windowsToIana(windows);
      expect(iana).toBeDefined();
      expect(isValidIanaZone(iana as string)).toBe(true);
      expect(ianaToWindows(iana as string)).toBe(windows);
    }
  });

  test('Windows ids match regardless of case', () => {
    expect(windowsToIana('romance standard time')).toBe('Europe/Paris');
  });

  test('resolveTimeZone accepts both kinds and keeps IANA names as given', () => {
    expect(resolveTimeZone('Romance Standard Time')).toBe('Europe/Paris');
    expect(resolveTimeZone('Europe/Madrid')).toBe('Europe/Madrid');
    expect(resolveTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(resolveTimeZone('UTC')).toBe('Etc/UTC');
    expect(resolveTimeZone(MICROSOFT_UTC_TIME_ZONE)).toBe('Etc/UTC');
  });

  test('Outlook custom zones and unknown names are reported, not guessed', () => {
    expect(() => resolveTimeZone(CUSTOM_TIME_ZONE)).toThrow(UnknownTimeZoneError);
    expect(() => resolveTimeZone(CUSTOM_TIME_ZONE)).toThrow(/custom zone/);
    expect(() => resolveTimeZone('Mars/Olympus_Mons')).toThrow("Unknown time zone 'Mars/Olympus_Mons'");
    expect(() => resolveTimeZone('+01:00')).toThrow(UnknownTimeZoneError);
    expect(() => localToInstant('2024-01-01T09:00:00', 'Nowhere Standard Time')).toThrow(
      UnknownTimeZoneError,
    );
  });

  test('isValidIanaZone', () => {
    expect(isValidIanaZone('Europe/Madrid')).toBe(true);
    expect(isValidIanaZone('Etc/GMT+5')).toBe(true);
    expect(isValidIanaZone('europe/madrid')).toBe(false);
    expect(isValidIanaZone('Romance Standard Time')).toBe(false);
    expect(isValidIanaZone('')).toBe(false);
  });
});

describe('local wall times and instants', () => {
  test('Graph formatting with seven fractional digits', () => {
    expect(instantToLocal(new Date('2024-01-15T08:00:00Z'), 'Europe/Madrid')).toBe(
      '2024-01-15T09:00:00.0000000',
    );
    expect(instantToLocal('2024-01-15T08:00:00.1234567', 'UTC')).toBe('2024-01-15T08:00:00.1230000');
    expect(instantToLocal('2024-01-15T09:00:00+01:00', 'Romance Standard Time')).toBe(
      '2024-01-15T09:00:00.0000000',
    );
  });

  test('Madrid keeps 09:00 across DST: 08:00Z in winter, 07:00Z in summer', () => {
    expect(iso('2024-01-15T09:00:00', 'Europe/Madrid')).toBe('2024-01-15T08:00:00.000Z');
    expect(iso('2024-07-15T09:00:00.0000000', 'Europe/Madrid')).toBe('2024-07-15T07:00:00.000Z');
  });

  test.each([
    // zone, wall time in the gap, instant, wall time it reads as
    ['Europe/Madrid', '2024-03-31T02:30:00', '2024-03-31T01:30:00.000Z', '2024-03-31T03:30:00.0000000'],
    ['America/New_York', '2024-03-10T02:15:00', '2024-03-10T07:15:00.000Z', '2024-03-10T03:15:00.0000000'],
    ['Australia/Sydney', '2024-10-06T02:00:00', '2024-10-05T16:00:00.000Z', '2024-10-06T03:00:00.0000000'],
    ['Pacific/Chatham', '2024-09-29T02:50:00', '2024-09-28T14:05:00.000Z', '2024-09-29T03:50:00.0000000'],
  ])('spring-forward gap in %s moves forward by the gap', (zone, local, instant, reads) => {
    expect(iso(local, zone)).toBe(instant);
    expect(instantToLocal(instant, zone)).toBe(reads);
  });

  test.each([
    ['Europe/Madrid', '2024-10-27T02:30:00', '2024-10-27T00:30:00.000Z'],
    ['America/New_York', '2024-11-03T01:30:00', '2024-11-03T05:30:00.000Z'],
    ['Australia/Sydney', '2024-04-07T02:30:00', '2024-04-06T15:30:00.000Z'],
    ['Pacific/Chatham', '2024-04-07T03:15:00', '2024-04-06T13:30:00.000Z'],
  ])('fall-back overlap in %s takes the earlier instant', (zone, local, instant) => {
    expect(iso(local, zone)).toBe(instant);
    expect(instantToLocal(instant, zone)).toBe(`${local}.0000000`);
  });

  test('half-hour and 45-minute offsets', () => {
    expect(iso('2024-06-01T09:00:00', 'Asia/Kolkata')).toBe('2024-06-01T03:30:00.000Z');
    expect(iso('2024-06-01T09:00:00', 'India Standard Time')).toBe('2024-06-01T03:30:00.000Z');
    expect(iso('2024-06-01T09:00:00', 'Pacific/Chatham')).toBe('2024-05-31T20:15:00.000Z');
    expect(iso('2024-01-15T09:00:00', 'Pacific/Chatham')).toBe('2024-01-14T19:15:00.000Z');
    expect(zoneOffsetMs('2024-06-01T00:00:00Z', 'Asia/Kathmandu')).toBe((5 * 60 + 45) * 60_000);
  });

  test('southern hemisphere: Sydney is on daylight time in January', () => {
    expect(iso('2024-01-15T09:00:00', 'Australia/Sydney')).toBe('2024-01-14T22:00:00.000Z');
    expect(iso('2024-07-15T09:00:00', 'Australia/Sydney')).toBe('2024-07-14T23:00:00.000Z');
  });

  test('a day that a zone skipped entirely moves forward by the whole day', () => {
    // Samoa moved across the date line at the end of 2011-12-29.
    expect(instantToLocal(localToInstant('2011-12-30T10:00:00', 'Pacific/Apia'), 'Pacific/Apia')).toBe(
      '2011-12-31T10:00:00.0000000',
    );
  });

  test('malformed input is refused with the value in the message', () => {
    expect(() => localToInstant('2024-02-30T09:00:00', 'UTC')).toThrow("'2024-02-30T09:00:00'");
    expect(() => localToInstant('2024-01-01T09:00:00Z', 'UTC')).toThrow(RangeError);
    expect(() => instantToLocal('yesterday', 'UTC')).toThrow(RangeError);
    expect(() => instantToLocal(new Date(NaN), 'UTC')).toThrow(RangeError);
  });

  test('wall-clock arithmetic ignores DST', () => {
    expect(addToLocalDateTime('2024-03-30T09:00:00', 86_400_000)).toBe('2024-03-31T09:00:00.0000000');
    expect(localDateOf('2024-03-31T23:59:59.9999999')).toBe('2024-03-31');
  });

  test('parseInstant reads offsets and Graph UTC strings', () => {
    expect(parseInstant('2024-03-31T02:30:00+05:45').toISOString()).toBe('2024-03-30T20:45:00.000Z');
    expect(parseInstant('2024-03-31T02:30:00.0000000').toISOString()).toBe('2024-03-31T02:30:00.000Z');
  });
});

describe('properties', () => {
  const zones = [
    'Europe/Madrid',
    'America/New_York',
    'Australia/Sydney',
    'Asia/Kolkata',
    'Pacific/Chatham',
    'America/Sao_Paulo',
    'Romance Standard Time',
  ];
  const zone = fc.constantFrom(...zones);
  // Whole seconds from 1950 to 2080.
  const instant = fc.integer({ min: -631_152_000, max: 3_471_292_800 }).map((s) => new Date(s * 1000));

  test('localToInstant(instantToLocal(t)) is t, or the earlier twin in an overlap', () => {
    fc.assert(
      fc.property(instant, zone, (t, z) => {
        const local = instantToLocal(t, z);
        const back = localToInstant(local, z);
        expect(back.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(instantToLocal(back, z)).toBe(local);
      }),
    );
  });

  test('instantToLocal(localToInstant(w)) is w outside gaps, and later by less than a day inside one', () => {
    fc.assert(
      fc.property(instant, zone, (t, z) => {
        // Any wall time: take the UTC fields of a random instant.
        const wall = t.toISOString().slice(0, 19);
        const shown = instantToLocal(localToInstant(wall, z), z);
        const shift = Date.parse(`${shown.slice(0, 23)}Z`) - Date.parse(`${wall}Z`);
        expect(shift).toBeGreaterThanOrEqual(0);
        expect(shift).toBeLessThan(86_400_000);
        if (shift > 0) {
          // Only a gap moves a wall time: an hour before and after, the zone's offsets differ.
          const before = zoneOffsetMs(new Date(t.getTime() - 86_400_000), z);
          const after = zoneOffsetMs(new Date(t.getTime() + 86_400_000), z);
          expect(after - before).toBe(shift);
        }
      }),
    );
  });
});
