import { test, expect, signUp, signUpPlain, hydrated, expectAccessible } from './fixtures';

// At 375 px the header's navigation folds behind a Menu button (with JavaScript), and no
// page scrolls sideways. Without JavaScript the links wrap under the brand.

const pages = ['/dashboard', '/contacts', '/deals', '/conversations', '/campaigns', '/settings', '/settings/webhooks', '/settings/webhooks/logs', '/settings/inbound', '/settings/api-keys', '/docs/verifying-signatures', '/docs/api'];

test.use({ viewport: { width: 375, height: 740 } });

test('the navigation opens from a Menu button, closes on Escape and on a new page', async ({ page }) => {
  await signUp(page, `menu-${Date.now()}@example.com`);
  const menu = page.getByRole('button', { name: 'Menu' });
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(nav.getByRole('link', { name: 'Contacts' })).toBeHidden();

  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByRole('link', { name: 'Contacts' })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toBeFocused();

  // From the keyboard: open, go to Deals; the new page starts with the menu closed.
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await nav.getByRole('link', { name: 'Deals' }).click();
  await expect(page).toHaveURL(/\/deals$/);
  await expect(menu).toHaveAttribute('aria-expanded', 'false');

  for (const path of pages) {
    await page.goto(path);
    // The API reference is plain HTML: nothing hydrates there.
    if (path !== '/docs/api') await hydrated(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} at 375 px`).toBeLessThanOrEqual(375);
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the links wrap under the brand and no page scrolls sideways', async ({ page, request }) => {
    await signUpPlain(page, request, `menu-plain-${Date.now()}@example.com`, 'Plain Co');
    await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' })).toBeVisible();
    for (const path of pages) {
      await page.goto(path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path} at 375 px`).toBeLessThanOrEqual(375);
    }
  });
});
