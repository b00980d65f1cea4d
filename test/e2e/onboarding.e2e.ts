import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  openTaskpane,
  screenshot,
  seriousA11yViolations,
  startProduct,
  type RunningProduct,
} from './support/harness';

let product: RunningProduct;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await product?.close();
});

/** Screenshots the screen as it is in light and in dark (the web app follows the system theme live), with no serious axe findings in either. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.waitForFunction((dark) => {
      const root = document.querySelector('.tandem-root:not([data-portal-node])');
      if (!root) return false;
      const [r, g, b] = getComputedStyle(root).backgroundColor.match(/\d+/g)!.map(Number);
      return r! + g! + b! < 300 === dark;
    }, theme === 'dark');
    // Dialogs fade and slide in: shoot once every animation has settled.
    await page.waitForFunction(() =>
      document.getAnimations().every((animation) => animation.playState !== 'running'),
    );
    await screenshot(page, `${name}-${theme}`);
    expect({ screen: `${name}-${theme}`, violations: await seriousA11yViolations(page) }).toEqual({
      screen: `${name}-${theme}`,
      violations: [],
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function signIn(page: Page, displayName: string, heading = 'Sign in to Tandem'): Promise<void> {
  await page.getByRole('heading', { name: heading }).waitFor();
  const picker = page.getByRole('combobox');
  await picker.filter({ hasText: 'Ana Admin' }).waitFor();
  if (displayName !== 'Ana Admin') {
    // Fluent's dropdown opens reliably with the keyboard in headless Chromium.
    await picker.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: new RegExp(displayName) }).click();
    await picker.filter({ hasText: displayName }).waitFor();
  }
  await page
    .getByRole('button', { name: heading === 'Sign in to Tandem' ? 'Sign in' : 'Iniciar sesión' })
    .click();
}

interface Mail {
  subject: string;
  body: { content: string };
}

async function waitForMail(address: string, match: RegExp): Promise<Mail> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${product.base}/sandbox/mailboxes/${address}/messages`);
    const { value } = (await res.json()) as { value: Mail[] };
    const mail = value.find((m) => match.test(m.body.content));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`No mail matching ${match} reached ${address}.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('install, request to join, approve from the mail link, and the requester is in', async () => {
  // 0. Before the install, a user who is not an administrator is told to wait for one (in Spanish here).
  const carmen = await openTaskpane(browser, `${product.base}/taskpane.html`, { lang: 'es-ES' });
  await signIn(carmen, 'Carmen Delgado', 'Inicia sesión en Tandem');
  await carmen.getByRole('heading', { name: 'Un administrador debe instalar Tandem primero' }).waitFor();
  expect(await carmen.getByRole('button', { name: /instalar/i }).count()).toBe(0);
  await shoot(carmen, 'onboarding-admin-required-es');
  // "Associate my account": the code goes to the other account's email (none exists here, and the
  // answer does not tell).
  await carmen.getByRole('button', { name: 'Asociar mi cuenta' }).click();
  await carmen.getByLabel('Correo de tu cuenta de Tandem').fill('carmen@old-crm.example');
  await shoot(carmen, 'onboarding-associate-es');
  await carmen.getByRole('button', { name: 'Enviar código' }).click();
  await carmen.getByText('Si carmen@old-crm.example tiene una cuenta de Tandem', { exact: false }).waitFor();
  await carmen.getByLabel('Código de un solo uso').fill('123456');
  await carmen.getByRole('button', { name: 'Verificar y unirme' }).click();
  await carmen.getByRole('alert').filter({ hasText: 'El código no es correcto.' }).waitFor();
  await shoot(carmen, 'onboarding-associate-code-es');
  await carmen.context().close();

  // 1. The Microsoft 365 administrator installs: accepts the terms, the organisation is created.
  const admin = await openTaskpane(browser, `${product.base}/taskpane.html`);
  await signIn(admin, 'Ana Admin');
  await admin.getByRole('heading', { name: 'Install Tandem for your organisation' }).waitFor();
  await admin.getByText('version 2026-01').waitFor();
  await shoot(admin, 'onboarding-install');
  const install = admin.getByRole('button', { name: 'Accept and install' });
  expect(await install.isDisabled()).toBe(true);
  await admin.getByRole('checkbox').check();
  await install.click();
  await admin.getByRole('tab', { name: 'Account' }).waitFor();
  await admin.getByText('Ana Admin <admin@contoso.example>', { exact: false }).waitFor();
  await shoot(admin, 'account');
  await admin.getByRole('tab', { name: 'Users' }).click();
  await admin.getByRole('list', { name: 'Members' }).getByText('admin@contoso.example').waitFor();
  await shoot(admin, 'users');

  // The Microsoft 365 user picker reads the directory with the admin's own Graph token.
  await admin.getByRole('button', { name: 'Microsoft 365 user' }).click();
  const picker = admin.getByRole('dialog', { name: 'Invite Microsoft 365 users' });
  await picker.getByRole('checkbox', { name: /Carmen Delgado/ }).waitFor();
  await picker.getByRole('searchbox').fill('elena');
  // The search ($search with ConsistencyLevel: eventual) narrows the list.
  await picker.getByRole('checkbox', { name: /Carmen Delgado/ }).waitFor({ state: 'detached' });
  await picker.getByRole('checkbox', { name: /Elena Fuentes/ }).check();
  await shoot(admin, 'users-picker');
  await picker.getByRole('button', { name: 'Invite selected' }).click();
  await admin.getByText('Invitations sent: 1.').waitFor();
  await admin.getByRole('list', { name: 'Pending invitations' }).getByText('Elena Fuentes').waitFor();
  const invitation = await waitForMail('elena.fuentes@contoso.example', /#\/invite\/[A-Za-z0-9_-]{20,}/);
  await admin.getByRole('button', { name: 'New user' }).click();
  const newUser = admin.getByRole('dialog', { name: 'Invite a new user' });
  await newUser.waitFor();
  await shoot(admin, 'users-new-user');
  // A guest from another organisation's tenant (Fabrikam), invited by address.
  await newUser.getByLabel('Email').fill('gabriel.moreira@fabrikam.example');
  await newUser.getByRole('button', { name: 'Send invitation' }).click();
  await admin
    .getByRole('list', { name: 'Pending invitations' })
    .getByText('gabriel.moreira@fabrikam.example')
    .waitFor();
  const guestInvitation = await waitForMail(
    'gabriel.moreira@fabrikam.example',
    /#\/invite\/[A-Za-z0-9_-]{20,}/,
  );
  await admin.context().close();

  // 2. A second user of the tenant, with no invitation, asks to join.
  const bruno = await openTaskpane(browser, `${product.base}/taskpane.html`);
  await signIn(bruno, 'Bruno Castillo');
  await bruno.getByRole('heading', { name: /already uses Tandem/ }).waitFor();
  await shoot(bruno, 'onboarding-request-to-join');
  await bruno.getByLabel('Message to the administrators (optional)').fill('I run sales in Madrid.');
  await bruno.getByRole('checkbox').check();
  await bruno.getByRole('button', { name: 'Request to join' }).click();
  await bruno.getByRole('heading', { name: /Your request to join .* is pending/ }).waitFor();
  await shoot(bruno, 'onboarding-pending');

  // 3. The administrators get the approval mail; its link opens the web app.
  const mail = await waitForMail('admin@contoso.example', /#\/users\?approve=/);
  const link = /(https?:\/\/\S+#\/users\?approve=[0-9a-f-]{36})/.exec(mail.body.content)?.[1];
  expect(link).toBeDefined();
  expect(link!.startsWith(`${product.base}/taskpane.html#/users?approve=`)).toBe(true);

  const web = await openTaskpane(browser, link!);
  await signIn(web, 'Ana Admin');
  const dialog = web.getByRole('dialog', { name: 'Approve and add Bruno Castillo' });
  await dialog.waitFor();
  await dialog.getByText('I run sales in Madrid.', { exact: false }).waitFor();
  await shoot(web, 'users-approve');
  await dialog.getByRole('button', { name: 'Approve and add' }).click();
  await web.getByText('Bruno Castillo was added to the organisation.').waitFor();
  await web.getByRole('list', { name: 'Members' }).getByText('bruno.castillo@contoso.example').waitFor();
  expect(web.url()).toMatch(/#\/users$/);
  await shoot(web, 'users-approved');

  // Deactivation asks first.
  await web.getByRole('button', { name: 'Deactivate: Bruno Castillo' }).click();
  await web.getByRole('alertdialog', { name: 'Deactivate Bruno Castillo?' }).waitFor();
  await shoot(web, 'users-deactivate-confirm');
  await web.getByRole('button', { name: 'Cancel' }).click();
  await web.context().close();

  // 4. The requester reloads and is in.
  await bruno.reload();
  await bruno.getByRole('tab', { name: 'Account' }).waitFor();
  await bruno.getByText('Bruno Castillo <bruno.castillo@contoso.example>', { exact: false }).waitFor();
  expect(await bruno.getByRole('tab', { name: 'Users' }).count()).toBe(0);
  await waitForMail('bruno.castillo@contoso.example', /approved/);
  await bruno.context().close();

  // 5. The invited user opens the invitation's link in the web app and accepts, keyboard only.
  const inviteLink = /(https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]{20,})/.exec(invitation.body.content)?.[1];
  expect(inviteLink?.startsWith(`${product.base}/taskpane.html#/invite/`)).toBe(true);
  const elena = await openTaskpane(browser, inviteLink!);
  await signIn(elena, 'Elena Fuentes');
  await elena.getByRole('heading', { name: 'You are invited to join Contoso' }).waitFor();
  await shoot(elena, 'onboarding-invitation');
  await tabTo(elena, 'checkbox');
  await elena.keyboard.press('Space');
  await tabTo(elena, 'button', 'Accept and join');
  await elena.keyboard.press('Enter');
  await elena.getByRole('tab', { name: 'Account' }).waitFor();
  await elena.getByText('Elena Fuentes <elena.fuentes@contoso.example>', { exact: false }).waitFor();
  // The used link is gone from the address bar.
  expect(elena.url()).not.toContain('/invite/');
  await elena.context().close();

  // 6. The guest from Fabrikam opens their link: their sign-in cannot vouch for the address across
  // tenants, so a code mailed to it comes with the accept (in Spanish here).
  const guestLink = /(https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]{20,})/.exec(guestInvitation.body.content)?.[1];
  const gabriel = await openTaskpane(browser, guestLink!, { lang: 'es-ES' });
  await signInOutsideDemoTenant(gabriel, 'gabriel.moreira@fabrikam.example');
  await gabriel.getByRole('heading', { name: 'Te han invitado a unirte a Contoso' }).waitFor();
  await gabriel
    .getByText('Esta invitación se envió a gabriel.moreira@fabrikam.example.', { exact: false })
    .waitFor();
  await shoot(gabriel, 'onboarding-invitation-code-es');
  await gabriel.getByRole('button', { name: 'Enviar el código' }).click();
  const codeMail = await waitForMail('gabriel.moreira@fabrikam.example', /aceptar tu invitación: \d{6}/);
  const code = /(\d{6})/.exec(codeMail.subject)![1]!;
  const codeField = gabriel.getByLabel('Código del correo');
  await codeField.fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
  await gabriel.getByRole('checkbox').check();
  await gabriel.getByRole('button', { name: 'Aceptar y unirme' }).click();
  await gabriel
    .getByRole('alert')
    .filter({ hasText: /Intentos restantes: \d/ })
    .waitFor();
  await shoot(gabriel, 'onboarding-invitation-wrong-code-es');
  await codeField.fill(code);
  await gabriel.getByRole('button', { name: 'Aceptar y unirme' }).click();
  await gabriel.getByRole('tab', { name: 'Cuenta' }).waitFor();
  await gabriel.getByText('gabriel.moreira@fabrikam.example', { exact: false }).first().waitFor();
  await gabriel.context().close();
});

/**
 * Signs in as a sandbox user of a tenant other than the demo one the sign-in screen lists: the
 * sandbox account manager keeps the chosen user in local storage, so the page is reloaded with it.
 */
async function signInOutsideDemoTenant(page: Page, username: string): Promise<void> {
  await page.getByRole('combobox').waitFor();
  await page.evaluate((account) => localStorage.setItem('tandem.sandbox.account', JSON.stringify(account)), {
    username,
    name: username,
  });
  await page.reload();
}

/** Presses Tab until the focused element has the role (and name), failing after 15 presses. */
async function tabTo(page: Page, role: string, name?: string): Promise<void> {
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return {
        role:
          el?.getAttribute('role') ?? (el instanceof HTMLInputElement ? el.type : el?.tagName.toLowerCase()),
        name: el?.textContent?.trim() ?? '',
      };
    });
    if (focused.role === role && (name === undefined || focused.name === name)) return;
  }
  throw new Error(`Tab never reached ${role} ${name ?? ''}`);
}
