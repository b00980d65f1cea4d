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

/** A page of the add-in signed in as the admin, on the integration tab, in a language and theme. */
async function integrationPage(lang: 'en' | 'es', theme: 'light' | 'dark'): Promise<Page> {
  const page = await openTaskpane(browser, `${product.base}/taskpane.html`, {
    theme,
    lang: lang === 'es' ? 'es-ES' : 'en-US',
  });
  if (lang === 'en') {
    await signIn(page);
  } else {
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByRole('tab', { name: 'Integración con Microsoft' }).click();
    await page.getByRole('switch', { name: 'Sincronización de contactos' }).waitFor();
  }
  return page;
}

/** Elements of the integration page reaching past the window's right edge. */
const widerThanPage = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('section.tandem-screen *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}`,
      )
      .slice(0, 5),
  );

const overflowsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

test('Outlook down, imported contacts, a conflict on an address: the page says what happens and offers what to do', async () => {
  // Contact sync is on from the first test. A contact with an address, changed on both sides.
  const pau = await call('/api/contacts', 'crm', 'POST', {
    firstName: 'Pau',
    lastName: 'Roca',
    mailingAddress: { street: 'Carrer de Mallorca 401', city: 'Barcelona', postalCode: '08013' },
  });
  await call('/api/contacts/import', 'crm', 'POST', {
    records: [{ firstName: 'Iker' }, { firstName: 'Maite' }, { firstName: 'Nerea' }],
  });
  const page = await integrationPage('en', 'light');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByRole('button', { name: 'Sync now', disabled: false }).waitFor();
  const inOutlook = (await tandemContainer('contacts'))!.find((c) => c.givenName === 'Pau');
  await call(`/api/contacts/${pau.id}`, 'crm', 'PATCH', {
    mailingAddress: { street: 'Carrer de Mallorca 402', city: 'Barcelona', postalCode: '08013' },
  });
  await call(`/graph/v1.0/me/contacts/${inOutlook.id}`, 'graph', 'PATCH', {
    businessAddress: { street: 'Gran Via 1', city: 'Madrid', postalCode: '28013', countryOrRegion: 'Spain' },
  });
  await page.getByRole('button', { name: 'Sync now' }).click();
  const conflicts = page.getByRole('list', { name: 'Conflicts' });
  await conflicts.getByText('Gran Via 1, 28013 Madrid, Spain').waitFor();
  await conflicts.getByText('Carrer de Mallorca 402, 08013 Barcelona').waitFor();
  await page.getByText(/^3 of your contacts were imported and do not sync/).waitFor();

  // Outlook answers 503 to every delta read: the card says it is retrying, why, and when.
  await call('/sandbox/admin/faults', 'crm', 'PUT', {
    user: ADMIN,
    rules: [{ kind: 'unavailable', route: 'delta', every: 1, retryAfterSeconds: 2 }],
  });
  try {
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page
      .getByText(/^Outlook is not answering right now\. Trying again (in \d s|now) \(attempt \d\)\.$/)
      .waitFor();
    await screenshot(page, 'integration-retrying-light');
    const alert = page
      .getByRole('alert')
      .filter({ hasText: 'Outlook (Microsoft 365) is not available right now' });
    await alert.waitFor({ timeout: 60_000 });
  } finally {
    await call('/sandbox/admin/faults', 'crm', 'PUT', { user: ADMIN, rules: [] });
  }
  const card = page.getByRole('group', { name: 'Contact sync' });
  await card.getByText(/Last sync .* · Failed/).waitFor();
  expect(await card.getByText(/Completed|Nothing needed changing/).count()).toBe(0);
  // The raw error waits behind Details, and wraps at 320 px instead of running off the edge.
  await page.setViewportSize({ width: 320, height: 760 });
  await card.getByText('Details').click();
  await card.getByText(/503 serviceNotAvailable/).waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  await screenshot(page, 'integration-failed-details-320-light');
  expect(await seriousA11yViolations(page)).toEqual([]);

  // The same page in both languages and themes, narrow and wide.
  for (const lang of ['en', 'es'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      const other = await integrationPage(lang, theme);
      await other.getByRole('list', { name: lang === 'en' ? 'Conflicts' : 'Conflictos' }).waitFor();
      for (const width of [320, 1280]) {
        await other.setViewportSize({ width, height: 900 });
        await other.waitForTimeout(200);
        await screenshot(other, `integration-review-${lang}-${theme}-${width}`);
        if (width === 320) expect(await widerThanPage(other)).toEqual([]);
      }
      await other.context().close();
    }
  }

  // A mapping that syncs no name, email or company: asked first; going back saves nothing.
  await page.setViewportSize({ width: 400, height: 760 });
  for (const field of ['First name', 'Last name', 'Email', 'Company']) {
    await page.getByRole('combobox', { name: `Outlook field for ${field}` }).selectOption('');
  }
  await page.getByText('Unsaved changes').waitFor();
  await page.getByRole('button', { name: 'Save mapping' }).click();
  const empty = page.getByRole('alertdialog', {
    name: 'Save a mapping that syncs no name, email or company?',
  });
  await empty.waitFor();
  await page.waitForTimeout(400); // the dialog's opening animation
  await screenshot(page, 'integration-mapping-empty-light');
  await empty.getByRole('button', { name: 'Go back' }).click();
  await empty.waitFor({ state: 'hidden' });
  expect((await call('/api/sync/contacts/mapping', 'crm')).isDefault).toBe(true);
  await page.getByRole('button', { name: 'Reset to default' }).click();
  await page.getByText('Default mapping', { exact: true }).waitFor();

  // Keep Outlook's address: the next sync carries it, both sides agree.
  await conflicts.getByRole('button', { name: 'Use the Outlook value of Mailing address' }).click();
  await page.getByText('Your choice is saved in Tandem; the next sync takes it to Outlook.').waitFor();
  expect((await call(`/api/contacts/${pau.id}`, 'crm')).mailingAddress).toMatchObject({
    street: 'Gran Via 1',
    city: 'Madrid',
  });
  // The imported contacts join the sync.
  await card.getByRole('button', { name: 'Sync them too' }).click();
  await page.getByText('3 imported records will sync from the next sync on.').waitFor();
  await page.getByRole('button', { name: 'Sync now', disabled: false }).click();
  await card.getByText('Added to Outlook: 3').waitFor({ timeout: 60_000 });
  await card.getByText(/Last sync .* · Completed/).waitFor();
  const after = (await tandemContainer('contacts'))!;
  expect(after.find((c) => c.givenName === 'Pau')?.businessAddress).toMatchObject({ street: 'Gran Via 1' });
  expect(after.map((c) => c.givenName)).toEqual(expect.arrayContaining(['Iker', 'Maite', 'Nerea']));
  await screenshot(page, 'integration-after-review-light');
  await page.context().close();
});
