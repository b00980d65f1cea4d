import type { Browser } from 'playwright-core';
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

for (const theme of ['light', 'dark'] as const) {
  test(`the sandbox sign-in lists the demo tenant and signs a user in (${theme})`, async () => {
    const page = await openTaskpane(browser, `${product.base}/taskpane.html`, { theme });
    await page.getByRole('heading', { name: 'Sign in to Tandem' }).waitFor();
    // The first demo user is preselected once the directory has loaded.
    const picker = page.getByRole('combobox');
    await picker.filter({ hasText: 'Ana Admin' }).waitFor();
    // Keyboard only: open the list, move to the second user, choose; then back to the first.
    await picker.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: /Bruno Castillo/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await picker.filter({ hasText: 'Bruno Castillo' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: /Ana Admin/ }).click();
    await picker.filter({ hasText: 'Ana Admin' }).waitFor();
    await screenshot(page, `sign-in-${theme}`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A fresh server: Contoso has no organisation yet, and Ana is a Microsoft 365 administrator.
    await page.getByRole('heading', { name: 'Install Tandem for your organisation' }).waitFor();
    await screenshot(page, `after-sign-in-${theme}`);
    await page.context().close();
  });
}

test('Spanish follows the browser language in the web app', async () => {
  const page = await openTaskpane(browser, `${product.base}/taskpane.html`, { lang: 'es-ES' });
  await page.getByRole('button', { name: 'Iniciar sesión' }).waitFor();
  await screenshot(page, 'sign-in-es');
  await page.context().close();
});
