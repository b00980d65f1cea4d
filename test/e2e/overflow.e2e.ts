import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, startProduct, type RunningProduct } from './support/harness';

/**
 * Every screen at the narrowest taskpane (320 px) in Spanish, the longer language, light and dark:
 * nothing may push the page sideways. The same walk at desktop width in English shows the app using
 * the width. Screenshots land in test-results/ for a person to look at.
 */
const PASSES = [
  { name: '320-es', width: 320, locale: 'es-ES' },
  { name: '1280-en', width: 1280, locale: 'en-US' },
] as const;

const LONG_ORG =
  'Contoso Internacional de Distribución y Logística del Mediterráneo Occidental Sociedad Anónima';

describe.each(PASSES)('every screen at $width px ($locale)', ({ name, width, locale }) => {
  let product: RunningProduct;
  let browser: Browser;
  const es = locale.startsWith('es');
  const say = (en: string, spanish: string) => (es ? spanish : en);

  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });

  async function open(url = `${product.base}/taskpane.html`): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 800 }, locale });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(url);
    return page;
  }

  /** In light and in dark: a screenshot, and no horizontal overflow. */
  async function check(page: Page, screen: string): Promise<void> {
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.waitForFunction(
        (dark) => document.documentElement.dataset.theme === (dark ? 'dark' : 'light'),
        theme === 'dark',
      );
      await page.waitForFunction(() =>
        document.getAnimations().every((animation) => animation.playState !== 'running'),
      );
      await screenshot(page, `overflow-${name}-${screen}-${theme}`);
      const sizes = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        // What sticks out, innermost first, to say where to look when it fails.
        outside: [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
          .filter(
            (el) => ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5),
          )
          .slice(0, 5)
          .map(
            (el) => `${el.tagName.toLowerCase()}.${el.classList[0] ?? ''} "${el.textContent?.slice(0, 40)}"`,
          ),
      }));
      expect({ screen: `${screen}-${theme}`, ...sizes }).toEqual({
        screen: `${screen}-${theme}`,
        scrollWidth: expect.any(Number),
        innerWidth: sizes.innerWidth,
        outside: [],
      });
      expect(sizes.scrollWidth).toBeLessThanOrEqual(sizes.innerWidth);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  async function signIn(page: Page, displayName: string): Promise<void> {
    await page.getByRole('heading', { name: say('Sign in to Tandem', 'Inicia sesión en Tandem') }).waitFor();
    const picker = page.getByRole('combobox');
    await picker.filter({ hasText: 'Ana Admin' }).waitFor();
    if (displayName !== 'Ana Admin') {
      await picker.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('option', { name: new RegExp(displayName) }).click();
      await picker.filter({ hasText: displayName }).waitFor();
    }
    await page.getByRole('button', { name: say('Sign in', 'Iniciar sesión') }).click();
  }

  async function mailLink(address: string, pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${product.base}/sandbox/mailboxes/${address}/messages`);
      const { value } = (await res.json()) as { value: { body: { content: string } }[] };
      const links = value.map((m) => pattern.exec(m.body.content)?.[1]).filter((l) => l !== undefined);
      const newest = links[links.length - 1];
      if (newest) return newest;
      if (Date.now() > deadline) throw new Error(`No mail matching ${pattern} reached ${address}.`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const button = (page: Page, en: string, spanish: string) =>
    page.getByRole('button', { name: say(en, spanish), exact: true });

  test('no screen scrolls sideways', async () => {
    // Signed out, and a user whose organisation has no Tandem yet.
    const carmen = await open();
    await carmen.getByRole('combobox').filter({ hasText: 'Ana Admin' }).waitFor();
    await check(carmen, 'sign-in');
    await signIn(carmen, 'Carmen Delgado');
    await carmen
      .getByRole('heading', {
        name: say(
          'An administrator must install Tandem first',
          'Un administrador debe instalar Tandem primero',
        ),
      })
      .waitFor();
    await check(carmen, 'admin-required');
    await button(carmen, 'Associate my account', 'Asociar mi cuenta').click();
    await carmen
      .getByLabel(say('Email of your Tandem account', 'Correo de tu cuenta de Tandem'))
      .fill('carmen@old');
    await button(carmen, 'Send code', 'Enviar código').click();
    await check(carmen, 'associate-invalid-email');
    await carmen.context().close();

    // The administrator installs, naming the organisation at length.
    const admin = await open();
    await signIn(admin, 'Ana Admin');
    await button(admin, 'Accept and install', 'Aceptar e instalar').waitFor();
    await check(admin, 'install');
    await admin
      .getByLabel(say('Organisation name (optional)', 'Nombre de la organización (opcional)'))
      .fill(LONG_ORG);
    await admin.getByRole('checkbox').check();
    await button(admin, 'Accept and install', 'Aceptar e instalar').click();
    await admin.getByRole('tab', { name: say('Account', 'Cuenta') }).waitFor();
    await admin.getByText(LONG_ORG).waitFor();
    await check(admin, 'account');
    await admin.getByRole('tab', { name: say('Microsoft integration', 'Integración con Microsoft') }).click();
    await admin
      .getByRole('tab', { name: say('Microsoft integration', 'Integración con Microsoft'), selected: true })
      .waitFor();
    await admin.waitForLoadState('networkidle');
    await check(admin, 'integration');
    await admin.getByRole('tab', { name: say('Users', 'Usuarios') }).click();
    const members = admin.getByRole('list', { name: say('Members', 'Miembros') });
    await members.getByText('admin@contoso.example').waitFor();
    await check(admin, 'users');

    await button(admin, 'Microsoft 365 user', 'Usuario de Microsoft 365').click();
    const picker = admin.getByRole('dialog');
    await picker.getByRole('checkbox', { name: /Elena Fuentes/ }).check();
    // Yourself, at the top of the list, is marked and cannot be picked.
    await picker.getByRole('group').evaluate((list) => (list.scrollTop = 0));
    expect(await picker.getByRole('checkbox', { name: /Ana Admin/ }).isDisabled()).toBe(true);
    await check(admin, 'users-picker');
    await button(admin, 'Invite selected', 'Invitar a los seleccionados').click();
    await admin.getByRole('list', { name: say('Pending invitations', 'Invitaciones pendientes') }).waitFor();
    const firstLink = await mailLink(
      'elena.fuentes@contoso.example',
      /(https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]{20,})/,
    );

    await button(admin, 'New user', 'Nuevo usuario').click();
    await admin
      .getByRole('dialog')
      .getByLabel(/Email|Correo electrónico/)
      .fill('elena.fuentes@contoso.example');
    await check(admin, 'users-new-user');
    // Re-inviting Elena replaces her first link.
    await button(admin, 'Send invitation', 'Enviar invitación').click();
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    await button(
      admin,
      'Revoke: elena.fuentes@contoso.example',
      'Revocar: elena.fuentes@contoso.example',
    ).click();
    await admin.getByRole('alertdialog').waitFor();
    await check(admin, 'users-revoke-confirm');
    await button(admin, 'Cancel', 'Cancelar').click();

    // Bruno asks to join; the administrator's tab is still open on Users.
    const bruno = await open();
    await signIn(bruno, 'Bruno Castillo');
    await bruno
      .getByLabel(
        say('Message to the administrators (optional)', 'Mensaje para los administradores (opcional)'),
      )
      .fill('Vendo en Madrid y Sevilla; Carmen me dijo que pidiera acceso.');
    await check(bruno, 'request-to-join');
    await bruno.getByRole('checkbox').check();
    await button(bruno, 'Request to join', 'Solicitar unirme').click();
    await bruno.getByRole('heading', { name: /pending|pendiente/ }).waitFor();
    await check(bruno, 'pending');

    // The approval mail's link, opened in the tab that is already open: the request is there, pending.
    const approve = await mailLink(
      'admin@contoso.example',
      /(https?:\/\/\S+#\/users\?approve=[0-9a-f-]{36})/,
    );
    await admin.evaluate((hash) => (window.location.hash = hash), new URL(approve).hash);
    const dialog = admin.getByRole('dialog', { name: /Bruno Castillo/ });
    await dialog.getByText('Vendo en Madrid', { exact: false }).waitFor();
    await check(admin, 'users-approve');
    await button(admin, 'Cancel', 'Cancelar').click();
    await button(admin, 'Reject: Bruno Castillo', 'Rechazar: Bruno Castillo').click();
    await admin.getByRole('alertdialog').waitFor();
    await check(admin, 'users-reject-confirm');
    await admin
      .getByRole('alertdialog')
      .getByRole('button', { name: say('Reject', 'Rechazar') })
      .click();
    await admin.getByRole('alertdialog').waitFor({ state: 'detached' });

    // Bruno is told his request was declined, and when.
    await bruno.reload();
    await bruno.getByRole('heading', { name: /declined|rechazado/ }).waitFor();
    await check(bruno, 'declined');
    await bruno.context().close();

    // Elena's first link was replaced by the re-invite: it says so and offers the newer invitation.
    const elena = await open(firstLink);
    await signIn(elena, 'Elena Fuentes');
    await elena
      .getByRole('heading', {
        name: say('This invitation link was replaced', 'Este enlace de invitación se ha sustituido'),
      })
      .waitFor();
    await check(elena, 'invitation-replaced');
    await elena.getByRole('checkbox').check();
    await button(elena, 'Accept and join', 'Aceptar y unirme').click();
    await elena.getByRole('tab', { name: say('Account', 'Cuenta') }).waitFor();
    await elena.context().close();
    await admin.context().close();
  });
});
