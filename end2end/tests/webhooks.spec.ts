import { test, expect, hydrated, receiver, type Page } from './fixtures';
import { createHmac } from 'node:crypto';

const password = 'correct horse battery';

/** Counts the page's requests to one server function, e.g. `webhooks/list`. */
function requestsTo(page: Page, endpoint: string) {
  const seen = { count: 0 };
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith(`/${endpoint}`)) seen.count++;
  });
  return seen;
}

test('an owner adds a webhook, creates a contact and sees the signed delivery in the logs', async ({ page }) => {
  const hook = await receiver('received by the e2e receiver');
  try {
    await page.goto('/signup');
    await hydrated(page);
    await page.getByLabel('E-mail').fill(`hooks-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organization name').fill('Hooks Co');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(/\/dashboard/);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Webhooks', exact: true })).toBeVisible();
    await hydrated(page);
    // From here on each action's answer updates the list in place: it is never loaded again.
    const listLoads = requestsTo(page, 'webhooks/list');
    await page.getByLabel('Name').fill('CRM sync');
    await page.getByLabel('URL').fill(hook.url);
    await page.getByLabel('contact.created').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    const subscription = page.locator('.subscriptions tr', { hasText: 'CRM sync' });
    await expect(subscription).toContainText('contact.created');
    await subscription.getByRole('button', { name: 'Turn off' }).click();
    await expect(subscription.locator('.badge').first()).toHaveText('Off');
    await subscription.getByRole('button', { name: 'Turn on' }).click();
    await expect(subscription.locator('.badge').first()).toHaveText('Active');
    expect(listLoads.count).toBe(0);

    await page.getByRole('link', { name: 'Contacts' }).click();
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Contacts', exact: true })).toBeVisible();
    const contactLoads = requestsTo(page, 'contacts/list');
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expect(page.locator('.contact-list')).toContainText('Ada Lovelace');
    expect(contactLoads.count).toBe(0);

    // The receiver got the event, signed over the exact body (the seed's Node check).
    await expect.poll(() => hook.got.length, { timeout: 30_000 }).toBe(1);
    const { headers, body } = hook.got[0];
    const event = JSON.parse(body);
    expect(event.event).toBe('contact.created');
    expect(event.data.email).toBe('ada@example.com');
    expect(headers['x-webhook-signature']).toBe(createHmac('sha256', secret).update(JSON.stringify(event)).digest('hex'));

    // The delivery and the receiver's answer are in the logs.
    await page.goto('/settings/webhooks/logs');
    await hydrated(page);
    const row = page.locator('.attempts tbody.attempt').first();
    await expect(row).toContainText('contact.created');
    await expect(row.locator('.badge')).toHaveText('200');
    await row.getByRole('button', { name: 'Details' }).click();
    await expect(row.locator('.response-body')).toHaveText('received by the e2e receiver');
    await expect(row.locator('.attempt-details')).toContainText('x-webhook-signature');

    // Replay sends the same delivery again.
    await row.getByRole('button', { name: 'Replay', exact: true }).click();
    await expect.poll(() => hook.got.length, { timeout: 30_000 }).toBe(2);
    expect(hook.got[1].body).toBe(body);
    expect(hook.got[1].headers['webhook-id']).toBe(headers['webhook-id']);
    expect(await page.content()).not.toContain(secret);
  } finally {
    hook.close();
  }
});
