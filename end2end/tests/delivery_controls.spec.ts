import { test, expect, hydrated, logIn, receiver, signUp, bearer, password } from './fixtures';
import { adminEmail, adminPassword } from '../playwright.config';

test('an owner adds a webhook with a custom header, a payload filter and a rate limit', async ({ page, request }) => {
  const hook = await receiver();
  try {
    const email = `controls-${Date.now()}@example.com`;
    await signUp(page, email, 'Controls Co');
    await page.goto('/settings/webhooks');
    await hydrated(page);
    const form = page.locator('form.subscription-form');
    await form.getByLabel('Name').fill('Keyed hook');
    await form.getByLabel('URL').fill(hook.url);
    await form.getByLabel('contact.created').check();
    // A header of ours is refused with its name.
    await form.getByLabel('Custom headers').fill('Host: evil.example');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.locator('#field-headers-error')).toContainText('Host');
    await form.getByLabel('Custom headers').fill('X-Api-Key: k-playwright-secret-1\nX-Route: eu-1');
    await form.getByLabel('Payload filter').fill('{"data.first_name": {"$in": ["Ada", "Grace"]}}');
    await form.getByLabel('Rate limit (attempts per second)').fill('50');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const row = page.locator('.subscriptions tr', { hasText: 'Keyed hook' });
    await expect(row).toBeVisible();

    // A contact the filter leaves out makes no delivery; Ada's arrives with the headers.
    const api = await bearer(request, email);
    expect((await request.post('/api/contacts', { data: { first_name: 'Bob', email: 'bob@example.com' }, headers: api })).status()).toBe(201);
    expect((await request.post('/api/contacts', { data: { first_name: 'Ada', email: 'ada@example.com' }, headers: api })).status()).toBe(201);
    await expect.poll(() => hook.got.length, { timeout: 60_000 }).toBe(1);
    expect(JSON.parse(hook.got[0].body).data.email).toBe('ada@example.com');
    expect(hook.got[0].headers['x-api-key']).toBe('k-playwright-secret-1');
    expect(hook.got[0].headers['x-route']).toBe('eu-1');

    // The value never comes back: not in the page, not in the edit form (masked there).
    await page.reload();
    await hydrated(page);
    expect(await page.content()).not.toContain('k-playwright-secret-1');
    await row.getByRole('button', { name: 'Edit Keyed hook' }).click();
    const edit = page.locator('form.subscription-form');
    await expect(edit.getByLabel('Custom headers')).toHaveValue('X-Api-Key: ********\nX-Route: ********');
    await expect(edit.getByLabel('Rate limit (attempts per second)')).toHaveValue('50');
    await expect(edit.getByLabel('Payload filter')).toHaveValue(/"\$in"/);
    // Saved as shown, the masked value keeps the stored one.
    await edit.getByLabel('Custom headers').fill('X-Api-Key: ********\nX-Route: us-2');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('form.subscription-form').getByRole('button', { name: 'Add webhook' })).toBeVisible();
    expect((await request.post('/api/contacts', { data: { first_name: 'Grace', email: 'grace@example.com' }, headers: api })).status()).toBe(201);
    await expect.poll(() => hook.got.length, { timeout: 60_000 }).toBe(2);
    expect(hook.got[1].headers['x-api-key']).toBe('k-playwright-secret-1');
    expect(hook.got[1].headers['x-route']).toBe('us-2');
  } finally {
    hook.close();
  }
});

test('a failing endpoint shows a notice with its last error on Settings → Webhooks and the dashboard', async ({ page, request }) => {
  const down = await receiver('broken', 500);
  try {
    const email = `failing-${Date.now()}@example.com`;
    await signUp(page, email, 'Failing Co');
    const api = await bearer(request, email);
    const created = await request.post('/api/v1/webhooks', { data: { name: 'Flaky CRM', url: down.url, events: ['contact.created'] }, headers: api });
    expect(created.status()).toBe(201);
    const id = (await created.json()).id;
    expect((await request.post('/api/contacts', { data: { first_name: 'Ada' }, headers: api })).status()).toBe(201);
    await expect.poll(() => down.got.length, { timeout: 60_000 }).toBeGreaterThan(0);

    const notice = page.locator('.endpoint-notice', { hasText: 'Flaky CRM' });
    await expect
      .poll(async () => {
        await page.goto('/settings/webhooks');
        return notice.count();
      }, { timeout: 60_000 })
      .toBe(1);
    await expect(notice).toContainText('Webhook “Flaky CRM” is failing');
    await expect(notice).toContainText('Last error: HTTP 500');
    await page.goto('/dashboard');
    await expect(notice).toContainText('is failing');
    await notice.getByRole('link', { name: 'View its logs' }).click();
    await expect(page).toHaveURL(new RegExp(`/settings/webhooks/logs\\?subscription=${id}`));
    await expect(page.locator('tbody.attempt').first()).toContainText('500');
  } finally {
    down.close();
  }
});

test('a platform admin binds a workflow to deal.stage.changed, and a deal won calls it', async ({ page, request }) => {
  test.setTimeout(120_000);
  const workflow = await receiver('{"received": true}');
  try {
    const org = `Trigger Co ${Date.now()}`;
    const owner = `trigger-${Date.now()}@example.com`;
    const signup = await request.post('/api/v1/auth/signup', { data: { email: owner, password, organization_name: org } });
    expect(signup.status()).toBe(201);

    await logIn(page, adminEmail, adminPassword);
    await page.getByRole('link', { name: 'Platform Administration' }).click();
    await hydrated(page);
    await page.getByLabel('Tenant').selectOption({ label: org });
    await expect(page).toHaveURL(/tenant=[0-9a-f-]{36}/);
    await page.getByRole('link', { name: 'N8N Webhooks' }).click();
    const n8n = page.getByRole('tabpanel', { name: 'N8N Webhooks' });
    await n8n.getByRole('button', { name: 'Add Webhook' }).click();
    const editor = page.getByRole('dialog', { name: 'Add Webhook' });
    await editor.getByLabel('Workflow Name').fill('won_deals');
    await editor.getByLabel('Webhook URL').fill(workflow.url);
    await editor.getByLabel('deal.stage.changed').check();
    await editor.getByLabel('Trigger filter').fill('{"data.stage": "won"}');
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect(n8n.locator('.webhooks tr', { hasText: 'won_deals' })).toBeVisible();

    // The tenant's deal moves twice; only the move to won calls the workflow.
    const api = await bearer(request, owner);
    const deal = await request.post('/api/deals', { data: { title: 'Big one', value_cents: 500000 }, headers: api });
    expect(deal.status()).toBe(201);
    const dealId = (await deal.json()).id;
    for (const stage of ['proposal', 'won']) {
      expect((await request.post(`/api/deals/${dealId}/stage`, { data: { stage }, headers: api })).status()).toBe(200);
    }
    await expect.poll(() => workflow.got.length, { timeout: 60_000 }).toBe(1);
    const sent = JSON.parse(workflow.got[0].body);
    expect(sent.event).toBe('deal.stage.changed');
    expect(sent.data.stage).toBe('won');
    expect(sent.data.id).toBe(dealId);

    // The edit dialog shows the binding.
    await n8n.locator('.webhooks tr', { hasText: 'won_deals' }).getByRole('button', { name: 'Edit won_deals' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit won_deals' });
    await expect(edit.getByLabel('deal.stage.changed')).toBeChecked();
    await expect(edit.getByLabel('Trigger filter')).toHaveValue(/"won"/);
  } finally {
    workflow.close();
  }
});
