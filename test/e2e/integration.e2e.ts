/* eslint-disable @typescript-eslint/no-explicit-any -- Graph answers are read field by field. */
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
 * The administrator installs Tandem, turns on calendar and contact sync in the "Microsoft integration"
 * page, watches it run, reads the summary, and finds the items in the sandbox mailbox; goes ahead,
 * once asked, with a run the mass-delete guard stopped; turning a sync off asks first and then takes
 * the Tandem calendar out of Outlook.
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

async function token(audience: 'crm' | 'graph'): Promise<string> {
  const res = await fetch(`${product.base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ADMIN, audience }),
  });
  if (!res.ok) throw new Error(`sandbox token: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call(path: string, audience: 'crm' | 'graph', method = 'GET', body?: unknown): Promise<any> {
  const res = await fetch(`${product.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await token(audience)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** The items of the mailbox's Tandem calendar or contacts folder, or null when there is none. */
async function tandemContainer(kind: 'calendar' | 'contacts'): Promise<any[] | null> {
  const list = kind === 'calendar' ? '/graph/v1.0/me/calendars' : '/graph/v1.0/me/contactFolders';
  const found = ((await call(list, 'graph')).value as any[]).find(
    (c) => (c.name ?? c.displayName) === 'Tandem',
  );
  if (!found) return null;
  const items =
    kind === 'calendar'
      ? `/graph/v1.0/me/calendars/${found.id}/events`
      : `/graph/v1.0/me/contactFolders/${found.id}/contacts`;
  return (await call(items, 'graph')).value as any[];
}

async function signIn(page: Page): Promise<void> {
  await page.getByRole('combobox').filter({ hasText: 'Ana Admin' }).waitFor();
  await page.getByRole('button', { name: 'Sign in' }).click();
  const tab = page.getByRole('tab', { name: 'Microsoft integration' });
  await tab.waitFor();
  // Keyboard only: focus the tab list's selected tab, arrow to the page, select it.
  await tab.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('switch', { name: 'Calendar sync' }).waitFor();
}

test('the admin turns on calendar and contact sync, sees it run, and finds the items in Outlook', async () => {
  // Install through the API as `tandem seed` does, then give the admin a contact and an event.
  const onboarding = await call('/api/onboarding', 'crm');
  await call('/api/onboarding/install', 'crm', 'POST', {
    acceptTerms: true,
    termsVersion: onboarding.termsVersion,
  });
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
  await call('/api/events', 'crm', 'POST', {
    title: 'Kick-off with Fabrikam',
    timeZone: 'Europe/Madrid',
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
  });
  const contactIds: string[] = [];
  for (const [firstName, lastName] of [
    ['Lucía', 'Ferrer'],
    ['Marc', 'Soler'],
  ] as const) {
    const created = await call('/api/contacts', 'crm', 'POST', {
      firstName,
      lastName,
      email: `${lastName.toLowerCase()}@example.org`,
    });
    contactIds.push(created.id);
  }
  // Slow Outlook down so the run can be watched.
  await call('/sandbox/admin/limits', 'crm', 'PUT', { user: ADMIN, latencyMs: 400 });

  const page = await openTaskpane(browser, `${product.base}/taskpane.html`, { theme: 'light' });
  await signIn(page);
  await screenshot(page, 'integration-off-light');
  expect(await seriousA11yViolations(page)).toEqual([]);

  const calendar = page.getByRole('switch', { name: 'Calendar sync' });
  await calendar.focus();
  await page.keyboard.press('Space');
  await page.getByRole('progressbar', { name: /^Calendar: / }).waitFor();
  await screenshot(page, 'integration-progress-light');
  await page.getByText('Calendar sync is on.').waitFor({ timeout: 60_000 });
  await page.getByText('Added to Outlook: 1').waitFor();

  await page.getByRole('switch', { name: 'Contact sync' }).click();
  await page.getByRole('progressbar', { name: /^Contact: / }).waitFor();
  await page.getByText('Contact sync is on.').waitFor({ timeout: 60_000 });
  await page.getByText('Added to Outlook: 2').waitFor();
  expect(await page.getByText(/Last sync .* · Completed/).count()).toBe(2);
  await call('/sandbox/admin/limits', 'crm', 'PUT', { user: ADMIN, latencyMs: 0 });
  await screenshot(page, 'integration-on-light');
  expect(await seriousA11yViolations(page)).toEqual([]);

  expect((await tandemContainer('calendar'))?.map((e) => e.subject)).toEqual(['Kick-off with Fabrikam']);
  expect((await tandemContainer('contacts'))?.map((c) => c.givenName).sort()).toEqual(['Lucía', 'Marc']);

  // Sync now carries a later CRM change.
  await call('/api/contacts', 'crm', 'POST', { firstName: 'Nuria', lastName: 'Vidal' });
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByRole('button', { name: 'Sync now', disabled: false }).waitFor();
  await page.getByText('Added to Outlook: 1').last().waitFor();
  expect((await tandemContainer('contacts'))?.map((c) => c.givenName).sort()).toEqual([
    'Lucía',
    'Marc',
    'Nuria',
  ]);

  // The same field changed on both sides: the conflicts list shows both values and what was kept.
  const lucia = (await tandemContainer('contacts'))!.find((c) => c.givenName === 'Lucía');
  await call(`/api/contacts/${contactIds[0]}`, 'crm', 'PATCH', { mobilePhone: '+34 600 000 002' });
  await call(`/graph/v1.0/me/contacts/${lucia.id}`, 'graph', 'PATCH', { mobilePhone: '+34 699 999 999' });
  await page.getByRole('button', { name: 'Sync now' }).click();
  const conflicts = page.getByRole('list', { name: 'Conflicts' });
  await conflicts.getByText('+34 699 999 999').waitFor();
  await conflicts.getByText('+34 600 000 002').waitFor();
  await page.getByText('Conflicts settled: 1').waitFor();
  await screenshot(page, 'integration-conflict-light');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Dismiss the conflict on Mobile' }).click();
  await page.getByText('No conflicts to review.').waitFor();

  // Seven of twelve synced contacts deleted in Outlook: the guard stops the run, the admin goes ahead.
  for (let i = 1; i <= 9; i++) {
    await call('/api/contacts', 'crm', 'POST', { firstName: `Client ${i}`, lastName: 'Roca' });
  }
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByText('Added to Outlook: 9').waitFor();
  const clients = (await tandemContainer('contacts'))!.filter((c) => c.surname === 'Roca');
  for (const c of clients.slice(0, 7)) await call(`/graph/v1.0/me/contacts/${c.id}`, 'graph', 'DELETE');
  await page.getByRole('button', { name: 'Sync now', disabled: false }).click();
  await page.getByRole('button', { name: 'Delete them anyway' }).click();
  const deletes = page.getByRole('alertdialog', { name: 'Delete 7 of your 12 synced contacts?' });
  await deletes.getByText(/^7 contacts deleted in Outlook move to the Tandem recycle bin/).waitFor();
  await page.waitForTimeout(400); // the dialog's opening animation
  await screenshot(page, 'integration-deletes-light');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await deletes.getByRole('button', { name: 'Delete them', exact: true }).click();
  await page.getByText('Removed from Tandem (restorable): 7').waitFor();
  expect((await call('/api/contacts?deleted=true', 'crm')).items).toHaveLength(7);
  expect(await tandemContainer('contacts')).toHaveLength(5);

  // Turning a sync off asks first.
  await calendar.click();
  const dialog = page.getByRole('alertdialog', { name: 'Turn off calendar sync?' });
  await dialog.waitFor();
  await expect(dialog.getByText(/Tandem keeps every event in the CRM/).count()).resolves.toBe(1);
  await page.waitForTimeout(400); // the dialog's opening animation
  await screenshot(page, 'integration-confirm-light');
  await dialog.getByRole('button', { name: 'Keep syncing' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await tandemContainer('calendar')).not.toBeNull();
  await calendar.click();
  await dialog.getByRole('button', { name: 'Turn off' }).click();
  await page.getByText('Calendar sync is off. Tandem kept all your data.').waitFor();
  expect(await tandemContainer('calendar')).toBeNull();
  expect((await call('/api/events', 'crm')).items.map((e: any) => e.title)).toEqual([
    'Kick-off with Fabrikam',
  ]);
  await page.context().close();
});

test('the same page in dark, and in Spanish', async () => {
  const dark = await openTaskpane(browser, `${product.base}/taskpane.html`, { theme: 'dark' });
  await signIn(dark);
  await dark
    .getByText('Contact sync is on.')
    .or(dark.getByText(/Last sync .* · Completed/).first())
    .waitFor();
  await screenshot(dark, 'integration-dark');
  expect(await seriousA11yViolations(dark)).toEqual([]);
  await dark.getByRole('switch', { name: 'Contact sync' }).click();
  await dark.getByRole('alertdialog', { name: 'Turn off contact sync?' }).waitFor();
  await dark.waitForTimeout(400);
  await screenshot(dark, 'integration-confirm-dark');
  await dark.getByRole('button', { name: 'Keep syncing' }).click();
  await dark.context().close();

  const es = await openTaskpane(browser, `${product.base}/taskpane.html`, { lang: 'es-ES' });
  await es.getByRole('button', { name: 'Iniciar sesión' }).click();
  await es.getByRole('tab', { name: 'Integración con Microsoft' }).click();
  await es.getByRole('switch', { name: 'Sincronización de contactos' }).waitFor();
  await screenshot(es, 'integration-es');
  await es.context().close();
});
