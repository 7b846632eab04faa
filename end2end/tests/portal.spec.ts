import { test, expect, hydrated, receiver, signUp, bearer } from './fixtures';
import { createHmac } from 'node:crypto';

test('an owner edits a webhook in place, reads its page, sends a custom test and reveals its secret', async ({ page, request }) => {
  const [first, second] = [await receiver(), await receiver()];
  try {
    const email = `portal-${Date.now()}@example.com`;
    await signUp(page, email, 'Portal Co');
    await page.goto('/settings/webhooks');
    await hydrated(page);
    await page.getByLabel('Name').fill('Portal hook');
    await page.getByLabel('URL').fill(first.url);
    await page.getByLabel('contact.created').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    const row = page.locator('.subscriptions tr', { hasText: 'Portal hook' });
    await expect(row).toContainText('No attempts');

    // Edit: the form comes prefilled; the URL and the events change, nothing else.
    await row.getByRole('button', { name: 'Edit Portal hook' }).click();
    const form = page.locator('form.subscription-form');
    await expect(form.getByRole('heading', { name: 'Edit Portal hook' })).toBeVisible();
    await expect(form.getByLabel('Name')).toHaveValue('Portal hook');
    await expect(form.getByLabel('contact.created')).toBeChecked();
    await form.getByLabel('URL').fill('ftp://nowhere');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(form.locator('#field-url-error')).not.toBeEmpty();
    await form.getByLabel('URL').fill(second.url);
    await form.getByLabel('deal.created').check();
    // A payload filter: text that is not JSON stays in the page with its error.
    const filter = form.getByLabel('Payload filter');
    await filter.fill('{"data.title": ');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(form.locator('#field-filter-error')).toContainText('This is not JSON');
    await filter.fill('{"$or": [{"event": "contact.created"}, {"data.title": "Annual plan"}]}');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(row).toContainText(second.url);
    await expect(row).toContainText('contact.created, deal.created');

    // The next delivery goes to the new URL, signed with the secret it had; a deal the
    // filter leaves out (made first) is not sent at all.
    const api = await bearer(request, email);
    expect((await request.post('/api/deals', { data: { title: 'Side project' }, headers: api })).status()).toBe(201);
    expect((await request.post('/api/deals', { data: { title: 'Annual plan' }, headers: api })).status()).toBe(201);
    await expect.poll(() => second.got.length, { timeout: 60_000 }).toBe(1);
    expect(first.got.length).toBe(0);
    const { headers, body } = second.got[0];
    expect(JSON.parse(body).event).toBe('deal.created');
    expect(JSON.parse(body).data.title).toBe('Annual plan');
    expect(headers['x-webhook-signature']).toBe(createHmac('sha256', secret).update(body).digest('hex'));

    // Its page: the figures and a chart of the range, 96 buckets of 24 h, 60 of 1 h.
    await row.getByRole('link', { name: 'Portal hook' }).click();
    await expect(page.getByRole('heading', { name: 'Portal hook', level: 1 })).toBeVisible();
    await expect(page.locator('.endpoint-head')).toContainText('Only events matching');
    await hydrated(page);
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('.figures div', { hasText: 'Attempts' }).locator('dd').textContent();
      }, { timeout: 60_000 })
      .toBe('1');
    await hydrated(page);
    await expect(page.locator('.delivery-chart .bucket')).toHaveCount(96);
    await expect(page.locator('.delivery-chart svg')).toHaveAttribute('aria-label', /^1 attempts, 0 failed/);
    await page.getByRole('button', { name: '1h', exact: true }).click();
    await expect(page.locator('.delivery-chart .bucket')).toHaveCount(60);
    await expect(page.locator('.recent-attempts tbody tr')).toHaveCount(1);

    // A custom test payload, checked as JSON before it can be sent.
    await page.getByLabel('Event', { exact: true }).selectOption('deal.created');
    const editor = page.getByLabel("Payload (the event's data)");
    await expect(editor).toHaveValue(/"title"/);
    await editor.fill('{"custom": ');
    await expect(page.locator('#test-payload-error')).toContainText('Not valid JSON');
    await expect(page.getByRole('button', { name: 'Send test event' })).toBeDisabled();
    await editor.fill('{"custom": 42, "note": "from the portal"}');
    await expect(page.locator('#test-payload-error')).toBeEmpty();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect(page.getByText('Test event queued.')).toBeVisible();
    await expect.poll(() => second.got.length, { timeout: 60_000 }).toBe(2);
    const test = JSON.parse(second.got[1].body);
    expect([test.event, test.data]).toEqual(['deal.created', { custom: 42, note: 'from the portal' }]);

    // The secret, revealed again on request.
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await expect(page.getByLabel('Secret', { exact: true })).toHaveValue(secret);
  } finally {
    first.close();
    second.close();
  }
});

test('the logs page through every attempt and open a delivery; contacts page through everything', async ({ page, request }) => {
  const hook = await receiver();
  try {
    const email = `logs-${Date.now()}@example.com`;
    await signUp(page, email, 'Portal Co');
    const api = await bearer(request, email);
    const created = await request.post('/api/v1/webhooks', { data: { name: 'Busy hook', url: hook.url, events: ['contact.created'] }, headers: api });
    expect(created.status()).toBe(201);
    const subscription = (await created.json()).id;
    // 105 contacts and attempts: more than two pages of logs (50) and one of contacts (100).
    for (let i = 0; i < 105; i++) {
      const contact = await request.post('/api/contacts', { data: { email: `c${i}@portal.test`, first_name: `Contact${i}` }, headers: api });
      expect(contact.status()).toBe(201);
    }
    await expect.poll(() => hook.got.length, { timeout: 90_000 }).toBe(105);
    await expect
      .poll(async () => (await (await request.get(`/api/v1/webhooks/${subscription}/stats`, { headers: api })).json()).total, { timeout: 60_000 })
      .toBe(105);

    await page.goto('/settings/webhooks/logs');
    await hydrated(page);
    const rows = page.locator('.attempts tbody.attempt');
    await expect(rows).toHaveCount(50);
    // Each page turn waits for the first row to be another attempt (the old page stays
    // shown until the new one has arrived).
    const firstId = () => rows.first().getAttribute('data-attempt-id');
    const turn = async (name: string, count: number) => {
      const before = await firstId();
      await page.getByRole('button', { name, exact: true }).click();
      await expect.poll(firstId).not.toBe(before);
      await expect(rows).toHaveCount(count);
    };
    const newest = await firstId();
    await turn('Older →', 50);
    await turn('Older →', 5);
    await expect(page.getByRole('button', { name: 'Older →' })).toBeDisabled();
    await turn('← Newer', 50);
    await turn('Newest', 50);
    expect(await firstId()).toBe(newest);

    // Open the oldest delivery: its payload, state and attempts.
    await turn('Older →', 50);
    await turn('Older →', 5);
    const oldest = rows.last();
    await oldest.getByRole('button', { name: 'Details' }).click();
    const delivery = oldest.getByRole('region', { name: 'Delivery' });
    await expect(delivery.locator('.delivery-status')).toHaveText('delivered');
    const payload = JSON.parse(await delivery.getByLabel('Payload sent').inputValue());
    expect(payload.event).toBe('contact.created');
    expect(payload.data.email).toMatch(/^c\d+@portal\.test$/);
    await expect(delivery.locator('.delivery-attempts li')).toHaveCount(1);
    // What the receiver got under this webhook-id is that payload.
    const webhookId = (await oldest.locator('.attempt-details code').first().textContent())!;
    const sent = hook.got.find((g) => g.headers['webhook-id'] === webhookId);
    expect(JSON.parse(sent!.body)).toEqual(payload);

    // Found again by its webhook-id, from the search box.
    await page.getByLabel('webhook-id or delivery id').fill(webhookId);
    const before = await firstId();
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(firstId).not.toBe(before);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('contact.created');
    await rows.first().getByRole('button', { name: 'Details' }).click();
    await expect(rows.first().locator('.attempt-details')).toContainText(webhookId);

    // Contacts: the first 100, then the rest.
    await page.goto('/contacts');
    await hydrated(page);
    const contacts = page.locator('.contact-list tbody tr');
    await expect(contacts).toHaveCount(100);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect(contacts).toHaveCount(105);
    await expect(contacts.last()).toContainText('c0@portal.test');
    await expect(page.getByRole('button', { name: 'Show more' })).toHaveCount(0);
  } finally {
    hook.close();
  }
});
