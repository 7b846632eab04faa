import { test, expect, hydrated, password } from './fixtures';


test('an owner generates an inbound key, a lead posted with it is processed and becomes a contact', async ({ page, request }) => {
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(`inbound-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Organization name').fill('Inbound Co');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard/);

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Inbound', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Inbound webhooks' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText('No key yet')).toBeVisible();
  await page.getByRole('button', { name: 'Generate key' }).click();
  const apiKey = await page.getByLabel('Inbound API key').inputValue();
  expect(apiKey).toMatch(/^cgi_/);
  const tenantId = (await page.getByTestId('tenant-id').textContent())!.trim();
  // The curl example carries the key while it is shown, ready to paste.
  await expect(page.getByLabel('curl example')).toContainText(apiKey);

  const answer = await request.post('/api/webhooks/lead.captured', {
    headers: { 'X-Tenant-ID': tenantId, 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
    data: { email: 'grace@example.com', name: 'Grace Hopper', source: 'website_form', utm_campaign: 'e2e' },
  });
  expect(answer.status()).toBe(200);
  const body = await answer.json();
  expect(body).toMatchObject({ tenant_id: tenantId, event_name: 'lead.captured', status: 'received' });

  // A wrong key is refused.
  const refused = await request.post('/api/webhooks/lead.captured', {
    headers: { 'X-Tenant-ID': tenantId, 'X-API-Key': 'cgi_wrong', 'Content-Type': 'application/json' },
    data: { email: 'mallory@example.com' },
  });
  expect(refused.status()).toBe(401);

  // The owner sees the processed event (the key itself is no longer shown after a reload).
  await expect(async () => {
    await page.reload();
    await hydrated(page);
    const row = page.locator(`.inbound-events tr[data-event-id="${body.id}"]`);
    await expect(row).toContainText('lead.captured', { timeout: 1000 });
    await expect(row).toContainText('processed', { timeout: 1000 });
  }).toPass({ timeout: 45_000 });
  await expect(page.getByLabel('Inbound API key')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(apiKey);
  const row = page.locator(`.inbound-events tr[data-event-id="${body.id}"]`);
  await row.getByText('Payload').click();
  await expect(row).toContainText('grace@example.com');

  // …and the new contact. On a busy machine the client-side navigation and the page's data
  // can take a while: wait for the address, then for the list (as a reader would, reloading).
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page).toHaveURL(/\/contacts$/, { timeout: 45_000 });
  await expect(async () => {
    if (!(await page.locator('.contact-list').isVisible())) {
      await page.reload();
    }
    await hydrated(page);
    await expect(page.locator('.contact-list')).toContainText('Grace Hopper', { timeout: 5000 });
  }).toPass({ timeout: 45_000 });
  await expect(page.locator('.contact-list')).toContainText('grace@example.com');
});
