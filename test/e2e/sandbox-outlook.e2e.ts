import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  startProduct,
  type RunningProduct,
} from './support/harness';

const USER = 'bruno.castillo@contoso.example';

let product: RunningProduct;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await product?.close();
});

/** Graph as any other client sees it: the sandbox's HTTP API with the user's own token. */
function graph<T>(method: string, path: string, body?: unknown): Promise<T> {
  return graphAs<T>(USER, method, path, body);
}

async function graphAs<T>(user: string, method: string, path: string, body?: unknown): Promise<T> {
  const token = await fetch(`${product.base}/sandbox/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, audience: 'graph' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const res = await fetch(`${product.base}/graph/v1.0${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token.access_token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Event {
  id: string;
  subject: string;
  isAllDay: boolean;
  originalStartTimeZone: string;
  start: { dateTime: string; timeZone: string };
  recurrence: { pattern: { type: string }; range: { type: string; numberOfOccurrences: number } } | null;
}

async function seriesNamed(subject: string): Promise<Event[]> {
  const page = await graph<{ value: Event[] }>('GET', '/me/events?$top=100');
  return page.value.filter((e) => e.subject === subject);
}

async function openOutlook(width: number): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme: 'light',
    locale: 'en-US',
    timezoneId: 'Europe/Madrid',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/.test(message.text())) {
      throw new Error(`Blocked by the page's Content-Security-Policy: ${message.text()}`);
    }
  });
  await page.goto(`${product.base}/sandbox/outlook.html?user=${encodeURIComponent(USER)}`);
  await page.getByRole('checkbox', { name: 'Calendar' }).waitFor();
  return page;
}

test('npm start prints the Outlook view beside the add-in', async () => {
  // The server answers as soon as it listens; the banner follows a moment later.
  const deadline = Date.now() + 10_000;
  while (!product.output().includes('Mail:') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(product.output()).toMatch(
    /Add-in: .*\/taskpane\.html[^\n]*\n\s+Outlook view: .*\/sandbox\/outlook\.html/,
  );
});

test('events made in the Outlook view are in Graph; edits show on both sides; the Tandem calendar toggles', async () => {
  // The calendar the sync creates, with an event in it this week.
  const tandem = await graph<{ id: string }>('POST', '/me/calendars', { name: 'Tandem' });
  // Noon today where the browser is: on one day of the week shown, whatever the hour of the run.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
  await graph('POST', `/me/calendars/${tandem.id}/events`, {
    subject: 'Synced from Tandem',
    start: { dateTime: `${today}T12:00:00`, timeZone: 'Europe/Madrid' },
    end: { dateTime: `${today}T13:00:00`, timeZone: 'Europe/Madrid' },
  });

  const page = await openOutlook(1280);
  const synced = page.getByRole('button', { name: /Synced from Tandem/ });
  await synced.waitFor();
  await page.getByRole('checkbox', { name: 'Tandem' }).uncheck();
  await synced.waitFor({ state: 'detached' });
  await page.getByRole('checkbox', { name: 'Tandem' }).check();
  await synced.waitFor();

  // A weekly series of three in New York's zone, made in the view.
  await page.getByRole('button', { name: 'New event' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('A subject is required.').waitFor();
  await dialog.getByLabel('Subject').fill('Quarterly review');
  await dialog.getByLabel('Location').fill('Room 4');
  await dialog.getByLabel('Start time').fill('10:00');
  await dialog.getByLabel('End time').fill('09:00');
  await dialog.getByLabel('Time zone').selectOption('America/New_York');
  await dialog.getByLabel('Repeat').selectOption('weekly');
  await dialog.getByLabel('Occurrences (empty: no end)').fill('3');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('The end must be after the start.').waitFor();
  expect(await seriesNamed('Quarterly review')).toEqual([]);
  await dialog.getByLabel('End time').fill('11:00');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });

  const [created] = await seriesNamed('Quarterly review');
  expect(created).toMatchObject({
    isAllDay: false,
    originalStartTimeZone: 'America/New_York',
    recurrence: { pattern: { type: 'weekly' }, range: { type: 'numbered', numberOfOccurrences: 3 } },
  });
  // 10:00 in New York is 16:00 in Madrid, where this browser is.
  const occurrence = page.getByRole('button', { name: /16:00–17:00.*Quarterly review/ });
  await occurrence.waitFor();
  await screenshot(page, 'sandbox-outlook-calendar-1280');
  expect(await seriousA11yViolations(page)).toEqual([]);

  // Editing an occurrence edits the series; the editor shows the event's own zone.
  await occurrence.click();
  await dialog.getByRole('heading', { name: 'Edit the series' }).waitFor();
  await dialog.getByLabel('Subject').waitFor();
  expect(await dialog.getByLabel('Start time').inputValue()).toBe('10:00');
  expect(await dialog.getByLabel('Time zone').inputValue()).toBe('America/New_York');
  await dialog.getByLabel('Subject').fill('Quarterly review (moved)');
  await dialog.getByLabel('Start time').fill('11:00');
  await dialog.getByLabel('End time').fill('12:00');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: /17:00–18:00.*Quarterly review \(moved\)/ }).waitFor();
  const [edited] = await seriesNamed('Quarterly review (moved)');
  expect(edited?.id).toBe(created?.id);

  // A change made elsewhere in Graph (as the sync makes them) appears without touching the page.
  await graph('PATCH', `/me/events/${created!.id}`, { subject: 'Renamed by the sync' });
  await page.getByRole('button', { name: /Renamed by the sync/ }).waitFor({ timeout: 15_000 });

  // An all-day event, then the series deleted.
  await page.getByRole('button', { name: 'New event' }).click();
  await dialog.getByLabel('Subject').fill('Offsite');
  await dialog.getByLabel('All day').check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const [offsite] = await seriesNamed('Offsite');
  expect(offsite).toMatchObject({ isAllDay: true, recurrence: null });
  await page.getByRole('button', { name: /All day.*Offsite/ }).waitFor();

  await page
    .getByRole('button', { name: /Renamed by the sync/ })
    .first()
    .click();
  await dialog.getByRole('button', { name: 'Delete the series' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page
    .getByRole('button', { name: /Renamed by the sync/ })
    .first()
    .waitFor({ state: 'detached' });
  expect(await seriesNamed('Renamed by the sync')).toEqual([]);

  const narrow = await openOutlook(320);
  await narrow.getByRole('button', { name: /Offsite/ }).waitFor();
  expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await screenshot(narrow, 'sandbox-outlook-calendar-320');
  await narrow.getByRole('button', { name: /All day.*Offsite/ }).click();
  await narrow.getByRole('dialog').getByLabel('Subject').waitFor();
  await screenshot(narrow, 'sandbox-outlook-event-320');
  await narrow.context().close();
  await page.context().close();
});

interface Contact {
  id: string;
  givenName: string;
  surname: string;
  companyName: string;
  emailAddresses: { address: string }[];
}

test('contacts made and edited in the Outlook view are in Graph, in the chosen folder', async () => {
  const folder = await graph<{ id: string }>('POST', '/me/contactFolders', { displayName: 'Tandem' });
  const page = await openOutlook(1280);
  await page.getByRole('tab', { name: 'Contacts' }).click();
  await page.getByLabel('Contact folder').selectOption({ label: 'Tandem' });
  await page.getByText('0 contacts in this folder').waitFor();

  await page.getByRole('button', { name: 'New contact' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('First name').fill('Marta');
  await dialog.getByLabel('Last name').fill('Ruiz');
  await dialog.getByLabel('Email').fill('not-an-email');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('Not an email address.').waitFor();
  await dialog.getByLabel('Email').fill('marta.ruiz@northwind.example');
  await dialog.getByLabel('Company').fill('Northwind');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('Marta Ruiz').waitFor();

  const inFolder = await graph<{ value: Contact[] }>('GET', `/me/contactFolders/${folder.id}/contacts`);
  expect(inFolder.value).toEqual([
    expect.objectContaining({
      givenName: 'Marta',
      surname: 'Ruiz',
      companyName: 'Northwind',
      emailAddresses: [expect.objectContaining({ address: 'marta.ruiz@northwind.example' })],
    }),
  ]);

  await page.getByRole('button', { name: 'Edit Marta Ruiz' }).click();
  await dialog.getByLabel('Company').fill('Northwind Traders');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText(/Northwind Traders/).waitFor();
  const marta = await graph<Contact>('GET', `/me/contacts/${inFolder.value[0]!.id}`);
  expect(marta.companyName).toBe('Northwind Traders');

  // Changed in Graph by someone else: the list follows.
  await graph('PATCH', `/me/contacts/${marta.id}`, { jobTitle: 'Buyer', companyName: 'Northwind Ltd' });
  await page.getByText(/Northwind Ltd/).waitFor({ timeout: 15_000 });
  await screenshot(page, 'sandbox-outlook-contacts-1280');
  expect(await seriousA11yViolations(page)).toEqual([]);

  const narrow = await openOutlook(320);
  await narrow.getByRole('tab', { name: 'Contacts' }).click();
  await narrow.getByLabel('Contact folder').selectOption({ label: 'Tandem' });
  await narrow.getByText('Marta Ruiz').waitFor();
  expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await screenshot(narrow, 'sandbox-outlook-contacts-320');
  await narrow.context().close();

  await page.getByRole('button', { name: 'Edit Marta Ruiz' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('0 contacts in this folder').waitFor();
  await page.context().close();
});

test('the inbox shows what the sandbox delivered to the user', async () => {
  await graphAs('admin@contoso.example', 'POST', '/me/sendMail', {
    message: {
      subject: 'Welcome to the team',
      body: { contentType: 'text', content: 'See you on Monday.' },
      toRecipients: [{ emailAddress: { address: USER } }],
    },
  });
  const page = await openOutlook(1280);
  await page.getByRole('tab', { name: 'Inbox' }).click();
  await page.getByText('Welcome to the team').click();
  await page.getByText('See you on Monday.').waitFor();
  await screenshot(page, 'sandbox-outlook-inbox-1280');
  await page.context().close();
});
