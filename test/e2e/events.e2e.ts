/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are read field by field. */
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  openTaskpane,
  screenshot,
  seriousA11yViolations,
  startProduct,
  type RunningProduct,
} from './support/harness';

/**
 * A member opens Events, creates a weekly series, changes one occurrence and deletes another; the
 * workspace is photographed at 320 px and 1280 px, light and dark, English and Spanish.
 */

const ADMIN = 'admin@contoso.example';
let product: RunningProduct;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await product?.close();
});

async function crm(path: string, method = 'GET', body?: unknown): Promise<any> {
  const tokenRes = await fetch(`${product.base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ADMIN, audience: 'crm' }),
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(`${product.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${access_token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json();
}

async function openEvents(page: Page, names: { signIn: string; events: string }): Promise<void> {
  await page.getByRole('combobox').filter({ hasText: 'Ana Admin' }).waitFor();
  await page.getByRole('button', { name: names.signIn }).click();
  await page.getByRole('tab', { name: names.events }).click();
}

const occurrence = (page: Page, title: string) => page.getByRole('button', { name: new RegExp(title) });

test('creates a weekly series, edits one occurrence and deletes another', async () => {
  // Install through the API as `tandem seed` does.
  const onboarding = await crm('/api/onboarding');
  await crm('/api/onboarding/install', 'POST', { acceptTerms: true, termsVersion: onboarding.termsVersion });
  const page = await openTaskpane(browser, `${product.base}/taskpane.html`);
  await openEvents(page, { signIn: 'Sign in', events: 'Events' });
  await page.getByRole('button', { name: 'New event' }).click();
  await page.getByLabel('Title').fill('E2E stand-up');
  await page.getByLabel('Repeat').selectOption('weekly');
  await page.getByLabel('Ends').selectOption('after');
  await page.getByLabel('Number of times').fill('4');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Event saved.').waitFor();
  await occurrence(page, 'E2E stand-up').nth(3).waitFor();
  expect(await occurrence(page, 'E2E stand-up').count()).toBe(4);

  // Change the second occurrence only.
  await occurrence(page, 'E2E stand-up').nth(1).click();
  await page.getByRole('button', { name: 'This occurrence' }).click();
  await page.getByLabel('Title').fill('E2E stand-up (moved)');
  await page.getByLabel('Start time').fill('11:00');
  await page.getByLabel('End time').fill('12:00');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Event saved.').waitFor();
  await occurrence(page, 'E2E stand-up \\(moved\\)').waitFor();

  // Delete the third.
  await occurrence(page, 'E2E stand-up').nth(2).click();
  await page.getByRole('button', { name: 'This occurrence' }).click();
  await page.getByRole('button', { name: 'Delete this occurrence' }).click();
  await page.getByText('Event deleted.').waitFor();
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('button')].filter((b) => b.textContent?.includes('E2E stand-up'))
        .length === 3,
  );
  expect(await occurrence(page, 'E2E stand-up').count()).toBe(3);
  expect(await seriousA11yViolations(page)).toEqual([]);

  const events = (await crm('/api/events?owner=me')).items as any[];
  const series = events.find((e) => e.title === 'E2E stand-up');
  expect(series.recurrence.pattern.type).toBe('weekly');
  expect(series.recurrence.range).toMatchObject({ type: 'numbered', numberOfOccurrences: 4 });
  expect(series.exceptions).toHaveLength(2);
  expect(series.exceptions[0]).toMatchObject({ title: 'E2E stand-up (moved)' });
  expect(series.exceptions[1]).toMatchObject({ cancelled: true });
  await page.context().close();
});

test.each([
  ['en', 'light', 320],
  ['en', 'dark', 1280],
  ['es', 'light', 1280],
  ['es', 'dark', 320],
  ['en', 'dark', 320],
  ['es', 'light', 320],
  ['en', 'light', 1280],
  ['es', 'dark', 1280],
] as const)('screenshots: %s %s %d px', async (lang, theme, width) => {
  const page = await openTaskpane(browser, `${product.base}/taskpane.html`, { theme, lang });
  await page.setViewportSize({ width, height: 900 });
  const es = lang === 'es';
  await openEvents(page, { signIn: es ? 'Iniciar sesión' : 'Sign in', events: es ? 'Eventos' : 'Events' });
  await occurrence(page, 'E2E stand-up').first().waitFor();
  await screenshot(page, `events-agenda-${lang}-${theme}-${width}`);
  await page.getByRole('tab', { name: es ? 'Mes' : 'Month' }).click();
  await page.getByRole('grid').waitFor();
  await screenshot(page, `events-month-${lang}-${theme}-${width}`);
  await page.getByRole('tab', { name: es ? 'Semana' : 'Week' }).click();
  await page.getByRole('heading', { level: 3 }).first().waitFor();
  await screenshot(page, `events-week-${lang}-${theme}-${width}`);
  await page.getByRole('button', { name: es ? 'Nuevo evento' : 'New event' }).click();
  await page.getByLabel(es ? 'Repetir' : 'Repeat').selectOption('weekly');
  await page.getByRole('button', { name: es ? 'Guardar' : 'Save' }).click();
  await page.getByText(es ? 'Revisa los campos marcados' : 'Check the highlighted fields').waitFor();
  await screenshot(page, `events-form-${lang}-${theme}-${width}`);
  await page.context().close();
});
