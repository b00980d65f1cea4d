import { chromium } from 'playwright-core';
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  for (const width of [1280, 320]) {
    const ctx = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.log('pageerror', e));
    page.on('console', (m) => console.log('console', m.text()));
    await page.goto('http://localhost:3871/sandbox/outlook.html?user=bruno.castillo@contoso.example');
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `/tmp/so-${width}.png`, fullPage: true });
  }
  await browser.close();
})();
