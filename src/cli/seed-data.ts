import type { ContactFields } from '../domain/contact';
import type { EventFields } from '../domain/event';
import { localToInstant } from '../domain/time-zones';

/** A small deterministic PRNG (mulberry32): the same seed gives the same demo data everywhere. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Lucía',
  'Mateo',
  'Sofía',
  'Hugo',
  'Martina',
  'Leo',
  'Valeria',
  'Pablo',
  'Emma',
  'Daniel',
  'Olivia',
  'Noah',
  'Chloé',
  'Liam',
  'Aisha',
  'Kenji',
  'Ingrid',
  'Tomás',
  'Zoë',
  'Amara',
];
const LAST = [
  'García',
  'Fernández',
  'López',
  'Martínez',
  'Sánchez',
  'Pérez',
  'Gómez',
  'Martin',
  'Jiménez',
  'Ruiz',
  'Smith',
  "O'Brien",
  'Müller',
  'Rossi',
  'Dubois',
  'Nakamura',
  'Okafor',
  'Larsen',
  'Silva',
  'Novak',
];
const COMPANIES = [
  'Northwind Traders',
  'Fabrikam',
  'Tailspin Toys',
  'Wide World Importers',
  'Litware',
  'Adventure Works',
  'Proseware',
  'Woodgrove Bank',
  'Lamna Healthcare',
  'Alpine Ski House',
];
const TITLES = [
  'Sales Manager',
  'CEO',
  'Buyer',
  'Head of Operations',
  'Account Executive',
  'CFO',
  'Procurement Lead',
  'Marketing Director',
];
const CITIES: [string, string, string][] = [
  ['Madrid', '28013', 'Spain'],
  ['Barcelona', '08002', 'Spain'],
  ['Seattle', '98101', 'United States'],
  ['London', 'EC1A 1BB', 'United Kingdom'],
  ['Berlin', '10115', 'Germany'],
  ['Tokyo', '100-0001', 'Japan'],
];
const ZONES = ['Europe/Madrid', 'America/New_York', 'Europe/London', 'Asia/Tokyo', 'America/Los_Angeles'];
const SUBJECTS = [
  'Quarterly review',
  'Product demo',
  'Contract renewal',
  'Kick-off',
  'Site visit',
  'Pricing call',
  'Onboarding session',
  'Lunch with the buyer',
];

const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

export function demoContact(next: () => number, i: number): ContactFields {
  const firstName = pick(next, FIRST);
  const lastName = pick(next, LAST);
  const company = pick(next, COMPANIES);
  const [city, postalCode, country] = pick(next, CITIES);
  const phone = `+34 91 ${String(100 + (i % 900))} ${String(1000 + Math.floor(next() * 9000))}`;
  return {
    salutation: next() < 0.5 ? 'Ms.' : 'Mr.',
    firstName,
    lastName,
    email: `${slug(firstName)}.${slug(lastName)}${i}@${slug(company)}.example`,
    phone,
    mobilePhone: next() < 0.6 ? `+34 6${String(10000000 + Math.floor(next() * 89999999))}` : null,
    accountName: company,
    title: pick(next, TITLES),
    department: next() < 0.5 ? 'Sales' : 'Purchasing',
    mailingAddress: { street: `${1 + (i % 200)} Main Street`, city, postalCode, country },
    birthdate:
      next() < 0.3
        ? `19${60 + Math.floor(next() * 40)}-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`
        : null,
    description: next() < 0.2 ? 'Met at the trade fair.\nPrefers calls in the morning.' : null,
  };
}

/** Events spread from 60 days ago to 120 days ahead: timed in several zones, some all-day, some weekly. */
export function demoEvent(next: () => number, i: number, today: string): EventFields {
  const timeZone = pick(next, ZONES);
  const dayOffset = Math.floor(next() * 180) - 60;
  const date = addDays(today, dayOffset);
  const title = `${pick(next, SUBJECTS)} — ${pick(next, COMPANIES)}`;
  if (i % 10 === 9) {
    return {
      title,
      timeZone,
      isAllDay: true,
      startDate: date,
      endDate: addDays(date, 1),
      reminderMinutes: null,
    };
  }
  const hour = 8 + Math.floor(next() * 9);
  const wall = `${date}T${String(hour).padStart(2, '0')}:${next() < 0.5 ? '00' : '30'}:00`;
  const start = localToInstant(wall, timeZone).toISOString();
  const end = new Date(Date.parse(start) + (next() < 0.7 ? 60 : 30) * 60_000).toISOString();
  const fields: EventFields = {
    title,
    timeZone,
    start,
    end,
    location: next() < 0.5 ? pick(next, CITIES)[0] : null,
    description: next() < 0.3 ? 'Agenda: status, next steps, open questions.' : null,
    reminderMinutes: 15,
  };
  if (i % 15 === 0) {
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
    fields.recurrence = {
      pattern: {
        type: 'weekly',
        interval: 1,
        daysOfWeek: [days[weekday] as (typeof days)[number]],
        firstDayOfWeek: 'monday',
      },
      range: { type: 'numbered', startDate: date, numberOfOccurrences: 8 },
    };
  }
  return fields;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
