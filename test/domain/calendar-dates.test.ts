import fc from 'fast-check';
import {
  addDays,
  addMonths,
  dateFromDayNumber,
  dayNumber,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  isValidDate,
} from '../../src/domain/calendar-dates';

test('days in month, with leap years', () => {
  expect(daysInMonth(2024, 2)).toBe(29);
  expect(daysInMonth(2023, 2)).toBe(28);
  expect(daysInMonth(1900, 2)).toBe(28);
  expect(daysInMonth(2000, 2)).toBe(29);
  expect(daysInMonth(2024, 4)).toBe(30);
  expect(daysInMonth(2024, 12)).toBe(31);
});

test('date arithmetic across month, year and leap-day boundaries', () => {
  expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
  expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  expect(addDays('2024-01-01', -1)).toBe('2023-12-31');
  expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
  expect(addMonths('2024-03-15', -3)).toBe('2023-12-15');
});

test('day of week, 0 = Sunday', () => {
  expect(dayOfWeek('1970-01-01')).toBe(4);
  expect(dayOfWeek('2024-03-31')).toBe(0);
  expect(dayOfWeek('0001-01-01')).toBe(1);
});

test('validation rejects days that do not exist', () => {
  expect(isValidDate('2024-02-29')).toBe(true);
  expect(isValidDate('2023-02-29')).toBe(false);
  expect(isValidDate('2024-13-01')).toBe(false);
  expect(isValidDate('2024-1-01')).toBe(false);
  expect(() => addDays('2024-04-31', 1)).toThrow("Invalid date '2024-04-31'");
});

test('day numbers agree with Date.UTC and round-trip', () => {
  fc.assert(
    fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (n) => {
      const date = dateFromDayNumber(n);
      expect(dayNumber(date)).toBe(n);
      expect(isValidDate(date)).toBe(true);
      if (Number(date.slice(0, 4)) >= 100) {
        expect(Date.parse(`${date}T00:00:00Z`) / 86_400_000).toBe(n);
        expect(dayOfWeek(date)).toBe(new Date(`${date}T00:00:00Z`).getUTCDay());
      }
    }),
  );
});
