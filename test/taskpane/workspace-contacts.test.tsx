/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ContactsWorkspace } from '../../src/taskpane/workspace/contacts-workspace';
import { renderScreen } from './support/render';
import { aContact, FakeContactsServer } from './workspace-fake-server';

// jsdom has no layout: give the list's scroller a taskpane's height so rows come into view.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'contact-scroller' ? 600 : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 320 });
});

const ada = () =>
  aContact({
    salutation: 'Ms.',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@engines.example',
    secondaryEmail: 'ada.k@example.org',
    phone: '+44 20 1234 5678',
    mobilePhone: '+44 7700 900123',
    accountName: 'Analytical Engines',
    title: 'Mathematician',
    mailingAddress: { street: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'UK' },
    otherAddress: { city: 'Marylebone' },
    birthdate: '1815-12-10',
    website: 'https://example.com/ada',
    description: 'First programmer.',
    custom: { region: 'EMEA', score: 7 },
  });

function setup(server = new FakeContactsServer(), locale: 'en' | 'es' = 'en') {
  renderScreen(<ContactsWorkspace api={server} />, locale);
  return server;
}

async function openContact(name: string) {
  fireEvent.click(await screen.findByRole('button', { name: new RegExp(name) }));
  return screen.findByRole('heading', { level: 2, name });
}

describe('contacts list', () => {
  test('shows the total and only the rows in view of ten thousand, reading pages as it scrolls', async () => {
    const server = new FakeContactsServer();
    for (let i = 0; i < 10_000; i++) {
      server.add(aContact({ lastName: `Person ${String(i).padStart(5, '0')}`, email: `p${i}@x.example` }));
    }
    setup(server);
    await screen.findByText('10,000 contacts');
    await screen.findByText('Person 00000');
    const rows = screen.getAllByRole('listitem');
    expect(rows.length).toBeLessThan(40);
    expect(server.callsTo('GET', /^\/api\/contacts\?/)).toHaveLength(1);
    // Scrolling far down reads the page there, not every page before it.
    const scroller = screen.getByTestId('contact-scroller');
    scroller.scrollTop = 60 * 7_000;
    fireEvent.scroll(scroller);
    await screen.findByText('Person 07000');
    const offsets = server
      .callsTo('GET', /^\/api\/contacts\?/)
      .map((c) => new URL(c.path, 'http://x').searchParams.get('offset'));
    expect(offsets).toContain('6900');
    expect(offsets.length).toBeLessThan(5);
  });

  test('searches on the server after typing, and sorts', async () => {
    const server = setup(
      new FakeContactsServer().add(
        ada(),
        aContact({ firstName: 'Grace', lastName: 'Hopper', accountName: 'Navy' }),
      ),
    );
    await screen.findByText('Hopper', { exact: false });
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'ana' } });
    await waitFor(() => expect(screen.queryByText('Grace Hopper')).toBeNull());
    expect(screen.getByText('Ada Lovelace')).toBeTruthy();
    const last = server.callsTo('GET', /^\/api\/contacts\?/).at(-1)!;
    expect(new URL(last.path, 'http://x').searchParams.get('q')).toBe('ana');
    fireEvent.click(screen.getByRole('combobox', { name: 'Sort by' }));
    fireEvent.click(await screen.findByRole('option', { name: 'Company (Descending)' }));
    await waitFor(() => {
      const params = new URL(server.callsTo('GET', /^\/api\/contacts\?/).at(-1)!.path, 'http://x')
        .searchParams;
      expect([params.get('sort'), params.get('dir')]).toEqual(['company', 'desc']);
    });
  });

  test('says when nothing matches', async () => {
    setup();
    await screen.findByText('No contacts match.');
  });

  test('mass update of a selection, explaining that it includes imports in the sync', async () => {
    const a = aContact({ lastName: 'Alpha', origin: 'import' });
    const b = aContact({ lastName: 'Beta', origin: 'import' });
    const server = setup(new FakeContactsServer().add(a, b, aContact({ lastName: 'Gamma' })));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select Alpha' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Beta' }));
    expect(screen.getByText('2 selected')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Update selected' }));
    const dialog = await screen.findByRole('dialog', { name: 'Update 2 contacts' });
    within(dialog).getByText(/also includes imported contacts in the sync/);
    fireEvent.change(await within(dialog).findByRole('textbox'), { target: { value: 'Initech' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Update' }));
    await screen.findByText('2 contacts updated.');
    expect(server.callsTo('POST', '/api/contacts/mass-update')[0]!.body).toEqual({
      ids: [a.id, b.id],
      set: { accountName: 'Initech' },
    });
  });
});

describe('contact detail', () => {
  test('shows every field: names, emails, phones, addresses, custom fields, and the sync status', async () => {
    setup(new FakeContactsServer().add(ada()));
    const heading = await openContact('Ada Lovelace');
    const detail = heading.closest('section')!;
    for (const text of [
      'ada@engines.example',
      'ada.k@example.org',
      '+44 20 1234 5678',
      '+44 7700 900123',
      'Analytical Engines',
      'Mathematician',
      'https://example.com/ada',
      'First programmer.',
      'EMEA',
      '7',
      'Marylebone',
    ]) {
      within(detail).getByText(text);
    }
    within(detail).getByText(/12 St James Sq\s+London\s+SW1Y 4JH\s+UK/);
    within(detail).getByText('Mailing address');
    within(detail).getByText('In Outlook');
  });

  test('an imported contact says why it does not sync and offers to include it', async () => {
    const imported = aContact({ lastName: 'Imported', origin: 'import' });
    const server = new FakeContactsServer().add(imported);
    server.statuses.set(imported.id, { state: 'not_synced', reason: 'imported' });
    setup(server);
    await openContact('Imported');
    await screen.findByText(/imported records stay out of the sync until a mass update includes them/);
    fireEvent.click(screen.getByRole('button', { name: 'Include in sync' }));
    await screen.findByText('This contact is now included in the sync.');
    expect(server.callsTo('POST', '/api/contacts/mass-update')[0]!.body).toEqual({
      ids: [imported.id],
      set: {},
    });
    await screen.findByText('Waiting for the next sync');
  });

  test('each reason a contact is not synced is spelt out', async () => {
    const server = new FakeContactsServer();
    const cases = {
      not_yours: /only your own contacts sync/,
      beyond_cap: /beyond the first sync’s limit/,
      sync_off: /contact sync is off/,
    } as const;
    for (const [reason] of Object.entries(cases)) {
      const c = aContact({ lastName: `Reason ${reason}` });
      server.add(c).statuses.set(c.id, { state: 'not_synced', reason: reason as keyof typeof cases });
    }
    setup(server);
    for (const [reason, text] of Object.entries(cases)) {
      await openContact(`Reason ${reason}`);
      await screen.findByText(text);
      fireEvent.click(screen.getByRole('button', { name: 'Back to the list' }));
    }
  });

  test('a contact deleted elsewhere while open is said so, with a way to restore it', async () => {
    const c = aContact({ lastName: 'Gone' });
    const server = setup(new FakeContactsServer().add(c));
    await openContact('Gone');
    server.contacts.set(c.id, { ...c, deletedAt: '2026-11-04T00:00:00Z', version: 2 });
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(
      await within(await screen.findByRole('alertdialog')).findByRole('button', { name: 'Delete' }),
    );
    await screen.findByText('This contact was deleted (it is in the recycle bin).');
    fireEvent.click(screen.getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(server.contacts.get(c.id)!.deletedAt).toBeNull());
  });
});

describe('create and edit', () => {
  async function openNew() {
    fireEvent.click(await screen.findByRole('button', { name: 'New contact' }));
    return screen.findByRole('form', { name: 'New contact' });
  }
  const type = (form: HTMLElement, label: string, value: string) =>
    fireEvent.change(within(form).getByLabelText(label), { target: { value } });

  test('creates a contact with addresses and opens it', async () => {
    const server = setup();
    const form = await openNew();
    type(form, 'First name', 'Grace');
    type(form, 'Last name', 'Hopper');
    type(form, 'Email', 'grace@navy.example');
    type(form, 'Mailing address: City', 'Arlington');
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await screen.findByRole('heading', { level: 2, name: 'Grace Hopper' });
    expect(server.callsTo('POST', '/api/contacts')[0]!.body).toEqual({
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.example',
      mailingAddress: { city: 'Arlington' },
      origin: 'ui',
    });
  });

  const badInput: [string, RegExp, string, string, string][] = [
    [
      'an email the server refuses',
      /contacts$/,
      'body.email must match format "email"',
      'Email',
      'Enter an email address such as name@example.com.',
    ],
    [
      'an over-long name',
      /contacts$/,
      'body.lastName must NOT have more than 120 characters',
      'Last name',
      'At most 120 characters.',
    ],
    [
      'a date that does not exist',
      /contacts$/,
      'body.birthdate must match format "date"',
      'Date of birth',
      'Enter a date that exists, as YYYY-MM-DD.',
    ],
    [
      'an over-long city',
      /contacts$/,
      'body.mailingAddress.city must NOT have more than 120 characters',
      'Mailing address: City',
      'At most 120 characters.',
    ],
    [
      'no name at all',
      /contacts$/,
      'A contact needs a first name, last name, email or company.',
      'First name',
      'A contact needs a first name, last name, email or company.',
    ],
  ];
  test.each(badInput)(
    '%s: the message is on the field and what was typed stays',
    async (_, path, message, label, shown) => {
      const server = setup();
      server.failNext('POST', path, 400, 'invalid_request', message);
      const form = await openNew();
      type(form, 'Last name', 'Hopper');
      type(form, 'Email', 'grace@');
      type(
        form,
        label,
        label === 'Last name' ? 'x'.repeat(121) : label === 'Email' ? 'grace@' : 'kept value',
      );
      fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
      await within(form).findByText(shown);
      within(form).getByText('Check the highlighted fields; nothing was saved.');
      const field = within(form).getByLabelText(label) as HTMLInputElement;
      expect(field.getAttribute('aria-invalid')).toBe('true');
      expect(field.value).toBe(
        label === 'Last name' ? 'x'.repeat(121) : label === 'Email' ? 'grace@' : 'kept value',
      );
      expect((within(form).getByLabelText('Email') as HTMLInputElement).value).toBe('grace@');
      expect(server.contacts.size).toBe(0);
    },
  );

  test('edits send only what changed, over the version read (If-Match)', async () => {
    const c = ada();
    const server = setup(new FakeContactsServer().add(c));
    await openContact('Ada Lovelace');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const form = await screen.findByRole('form', { name: 'Edit Ada Lovelace' });
    type(form, 'Job title', 'Countess');
    type(form, 'Mobile', '');
    type(form, 'region', 'LATAM');
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await screen.findByRole('heading', { level: 2, name: 'Ada Lovelace' });
    const [patch] = server.callsTo('PATCH', `/api/contacts/${c.id}`);
    expect(patch!.body).toEqual({ title: 'Countess', mobilePhone: null, custom: { region: 'LATAM' } });
    expect(patch!.headers).toEqual({ 'if-match': '"1"' });
  });

  test('changed elsewhere while editing: both versions shown, nothing overwritten until the user chooses', async () => {
    const c = ada();
    const server = setup(new FakeContactsServer().add(c));
    await openContact('Ada Lovelace');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const form = await screen.findByRole('form', { name: 'Edit Ada Lovelace' });
    type(form, 'Job title', 'Countess');
    server.changeElsewhere(c.id, { title: 'Analyst', phone: '+44 1' });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await within(form).findByText('This contact changed; review the new values');
    const table = within(form).getByRole('table');
    const titleRow = within(table).getByRole('row', { name: /Job title/ });
    within(titleRow).getByText('Countess');
    within(titleRow).getByText('Analyst');
    expect(server.contacts.get(c.id)!.title).toBe('Analyst');
    expect((within(form).getByLabelText('Job title') as HTMLInputElement).value).toBe('Countess');
    fireEvent.click(within(form).getByRole('button', { name: 'Keep my values' }));
    await screen.findByRole('heading', { level: 2, name: 'Ada Lovelace' });
    const patches = server.callsTo('PATCH', `/api/contacts/${c.id}`);
    expect(patches.at(-1)!.headers).toEqual({ 'if-match': '"2"' });
    // Mine for what I typed; their other change (the phone) is not undone.
    expect(patches.at(-1)!.body).toEqual({ title: 'Countess', phone: '+44 20 1234 5678' });
  });

  test('take the new values replaces the form with the saved version', async () => {
    const c = ada();
    const server = setup(new FakeContactsServer().add(c));
    await openContact('Ada Lovelace');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const form = await screen.findByRole('form', { name: 'Edit Ada Lovelace' });
    type(form, 'Job title', 'Countess');
    server.changeElsewhere(c.id, { title: 'Analyst' });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    fireEvent.click(await within(form).findByRole('button', { name: 'Take the new values' }));
    expect((within(form).getByLabelText('Job title') as HTMLInputElement).value).toBe('Analyst');
  });

  test('deleted while editing: said so, and the typed values stay', async () => {
    const c = ada();
    const server = setup(new FakeContactsServer().add(c));
    await openContact('Ada Lovelace');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const form = await screen.findByRole('form', { name: 'Edit Ada Lovelace' });
    type(form, 'Job title', 'Countess');
    server.contacts.set(c.id, { ...c, deletedAt: '2026-11-04T00:00:00Z' });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await within(form).findByText(/was deleted while you were editing it/);
    expect((within(form).getByLabelText('Job title') as HTMLInputElement).value).toBe('Countess');
  });
});

describe('recycle bin', () => {
  test('delete moves to the bin; the bin restores and deletes for good', async () => {
    const keep = aContact({ lastName: 'Keep' });
    const drop = aContact({ lastName: 'Drop' });
    const server = setup(new FakeContactsServer().add(keep, drop));
    await openContact('Keep');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(
      await within(await screen.findByRole('alertdialog')).findByRole('button', { name: 'Delete' }),
    );
    await screen.findByText('Keep is in the recycle bin.');
    expect(server.callsTo('DELETE', `/api/contacts/${keep.id}`)[0]!.headers).toEqual({ 'if-match': '"1"' });
    server.contacts.set(drop.id, { ...drop, deletedAt: '2026-11-04T00:00:00Z' });
    fireEvent.click(screen.getByRole('button', { name: 'Open the recycle bin' }));
    const bin = await screen.findByRole('region', { name: 'Recycle bin' });
    const keepRow = await within(bin).findByRole('listitem', { name: 'Keep' });
    fireEvent.click(within(keepRow).getByRole('button', { name: 'Restore' }));
    await within(bin).findByText('Keep is back in your contacts.');
    expect(server.contacts.get(keep.id)!.deletedAt).toBeNull();
    const dropRow = within(bin).getByRole('listitem', { name: 'Drop' });
    fireEvent.click(within(dropRow).getByRole('button', { name: 'Delete for good' }));
    fireEvent.click(
      await within(await screen.findByRole('alertdialog')).findByRole('button', { name: 'Delete for good' }),
    );
    await within(bin).findByText('Drop was deleted for good.');
    expect(server.contacts.has(drop.id)).toBe(false);
    await within(bin).findByText('The recycle bin is empty.');
  });

  test('a refused purge is shown', async () => {
    const c = aContact({ lastName: 'Linked', deletedAt: '2026-11-04T00:00:00Z' });
    const server = setup(new FakeContactsServer().add(c));
    server.failNext('DELETE', /purge$/, 409, 'conflict', 'The contact is still in an Outlook mailbox.');
    fireEvent.click(await screen.findByRole('button', { name: 'Recycle bin' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete for good' }));
    fireEvent.click(
      await within(await screen.findByRole('alertdialog')).findByRole('button', { name: 'Delete for good' }),
    );
    await screen.findByText(/still in an Outlook mailbox/);
    expect(server.contacts.has(c.id)).toBe(true);
  });
});

test('in Spanish', async () => {
  const imported = aContact({ lastName: 'Importado', origin: 'import' });
  const server = new FakeContactsServer().add(imported);
  server.statuses.set(imported.id, { state: 'not_synced', reason: 'imported' });
  setup(server, 'es');
  await screen.findByText('1 contactos');
  screen.getByRole('button', { name: 'Nuevo contacto' });
  await openContact('Importado');
  await screen.findByText(/los registros importados quedan fuera/);
  screen.getByRole('button', { name: 'Incluir en la sincronización' });
});
