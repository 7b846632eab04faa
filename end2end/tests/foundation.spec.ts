import { test, expect, type Page } from './fixtures';

/**
 * Collects what the browser reports as broken while a test runs, except the failures of
 * `expected` addresses (a page that is meant to answer 404).
 */
function watchForErrors(page: Page, expected: string[] = []): string[] {
  const errors: string[] = [];
  const isExpected = (url: string) => expected.some((path) => url.includes(path));
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !isExpected(m.location().url)) errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !isExpected(r.url())) errors.push(`${r.status()} ${r.url()}`);
  });
  return errors;
}

test('the landing page renders, hydrates, and its tabs work only after hydration', async ({ page }) => {
  const errors = watchForErrors(page);
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('ConnectGain');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Every CRM event, where your systems need it.');

  // The WASM takes over the server-rendered page.
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');

  // Now the capability panels are tabs: one shows at a time, and clicking switches.
  const outbound = page.getByRole('tabpanel', { name: 'Outbound webhooks' });
  const n8n = page.getByRole('tabpanel', { name: 'n8n workflows' });
  await expect(outbound).toBeVisible();
  await expect(n8n).toBeHidden();
  await page.getByRole('tab', { name: 'n8n workflows' }).click();
  await expect(n8n).toBeVisible();
  await expect(outbound).toBeHidden();
  await expect(page.getByRole('tab', { name: 'n8n workflows' })).toHaveAttribute('aria-selected', 'true');

  expect(errors).toEqual([]);
});

test('every page hydrates under the Content-Security-Policy, its inline script allowed by the nonce', async ({ page }) => {
  const errors = watchForErrors(page);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text());
  });
  await page.goto('/signup');
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('E-mail').fill(`csp-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Organization name').fill('CSP Org');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard/);

  for (const path of ['/', '/dashboard', '/contacts', '/campaigns', '/settings', '/settings/webhooks', '/settings/webhooks/logs', '/settings/inbound', '/docs/verifying-signatures']) {
    const response = await page.goto(path);
    const csp = (await response!.headerValue('content-security-policy')) ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, `${path}: ${csp}`).toBeTruthy();
    expect(csp).toContain("'wasm-unsafe-eval'");
    // Only the inline script with this nonce could start the WASM that marks the page.
    await expect(page.locator('.app'), path).toHaveAttribute('data-hydrated', 'true');
  }
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('every part of the landing page is still readable', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'false');
    for (const name of ['Outbound webhooks', 'WhatsApp & SMS', 'n8n workflows', 'Inbound webhooks']) {
      await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
    }
    await expect(page.getByText('deal.stage.changed')).toBeVisible();
  });
});

test('an unknown address answers 404 with a page that leads back', async ({ page }) => {
  const errors = watchForErrors(page, ['/no-such-page']);
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('link', { name: 'Back to the start page' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the WASM bundle is sent compressed', async ({ page, request }) => {
  // What the browser itself asks for (Chromium accepts br and gzip).
  const [wasm] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('.wasm')),
    page.goto('/'),
  ]);
  expect(['br', 'gzip']).toContain(await wasm.headerValue('content-encoding'));
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');

  // Each precompressed form, for clients that accept only one of them.
  const path = new URL(wasm.url()).pathname;
  for (const encoding of ['br', 'gzip']) {
    const response = await request.get(path, { headers: { 'Accept-Encoding': encoding } });
    expect(response.status()).toBe(200);
    expect(response.headers()['content-encoding']).toBe(encoding);
  }
  const plain = await request.get(path, { headers: { 'Accept-Encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
  expect((await plain.body()).subarray(0, 4)).toEqual(Buffer.from([0x00, 0x61, 0x73, 0x6d]));
});
