import { test, expect, hydrated, logIn, password, signUp, bearer, expectAccessible, expectFitsSmallScreen, type Page } from './fixtures';
import { adminEmail, adminPassword } from '../playwright.config';

// axe-core on every page, as each kind of visitor sees it (anonymous, an organization's
// owner, a member, a platform admin), after the WASM has taken the page over; and a
// keyboard-only walk through adding a webhook and confirming its deletion.

/** Opens `path`, waits for hydration (where the page hydrates) and runs axe-core. */
async function check(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(500);
  // The API reference is plain HTML: nothing hydrates there.
  if (path !== '/docs/api') await hydrated(page);
  await expectAccessible(page);
}

test('every page an anonymous visitor can open passes axe-core', async ({ page, request }) => {
  // An invitation, so that the join page shows its form.
  const owner = `a11y-inviter-${Date.now()}@example.com`;
  expect((await request.post('/api/v1/auth/signup', { data: { email: owner, password, organization_name: 'Inviting Co' } })).status()).toBe(201);
  const invitation = await request.post('/api/v1/organization/invitations', { headers: await bearer(request, owner) });
  expect(invitation.status()).toBe(201);
  const { token } = await invitation.json();

  for (const path of ['/', '/login', '/signup', '/docs/verifying-signatures', '/docs/api', `/invite/${token}`, '/no-such-page']) {
    await check(page, path);
  }
});

test('every page of an owner, with data on it, passes axe-core', async ({ page, request }) => {
  const email = `a11y-owner-${Date.now()}@example.com`;
  await signUp(page, email, 'Accessible Co');
  const auth = await bearer(request, email);
  const post = async (path: string, data: object) => {
    const response = await request.post(path, { headers: auth, data });
    expect(response.status(), path).toBeLessThan(300);
    return response.json();
  };
  const contact = await post('/api/contacts', { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' });
  const deal = await post('/api/deals', { title: 'Analytical engine', contact_id: contact.id, value_cents: 120000 });
  const conversation = await post('/api/conversations', { contact_id: contact.id, channel: 'email', subject: 'Notes' });
  await post(`/api/conversations/${conversation.id}/messages`, { body: 'On the engine', direction: 'inbound' });
  const subscription = await post('/api/v1/webhooks', { name: 'CRM sync', url: 'http://127.0.0.1:9/hook', events: ['*'] });

  for (const path of [
    '/dashboard',
    '/contacts',
    `/contacts/${contact.id}`,
    '/deals',
    `/deals/${deal.id}`,
    '/conversations',
    `/conversations/${conversation.id}`,
    '/campaigns',
    '/settings',
    '/settings/webhooks',
    `/settings/webhooks/${subscription.id}`,
    '/settings/webhooks/logs',
    '/settings/inbound',
    '/settings/api-keys',
  ]) {
    await check(page, path);
  }
});

test('every page of a member passes axe-core, the one they may not open too', async ({ page, request }) => {
  const owner = `a11y-owner-of-member-${Date.now()}@example.com`;
  expect((await request.post('/api/v1/auth/signup', { data: { email: owner, password, organization_name: 'Team Co' } })).status()).toBe(201);
  const invitation = await request.post('/api/v1/organization/invitations', { headers: await bearer(request, owner) });
  const { token } = await invitation.json();
  const member = `a11y-member-${Date.now()}@example.com`;
  expect((await request.post(`/api/v1/invitations/${token}/accept`, { data: { email: member, password, first_name: 'Mia' } })).status()).toBe(201);

  await logIn(page, member, password);
  for (const path of ['/dashboard', '/contacts', '/deals', '/conversations', '/campaigns', '/settings']) {
    await check(page, path);
  }
});

test('every tab of Platform Administration passes axe-core', async ({ page }) => {
  await logIn(page, adminEmail, adminPassword);
  for (const tab of ['whatsapp', 'sms', 'n8n']) {
    await check(page, `/admin?tab=${tab}`);
  }
});

/** Presses Tab until `target` has focus (a person's way there), failing after `limit` presses. */
async function tabTo(page: Page, target: ReturnType<Page['locator']>, limit = 80) {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

test('from the keyboard alone: add a webhook, then delete it through its confirmation dialog', async ({ page }) => {
  await signUp(page, `a11y-keys-${Date.now()}@example.com`, 'Keyboard Co');
  await page.goto('/settings/webhooks');
  await hydrated(page);

  // The form, field by field, as a keyboard user meets it.
  await tabTo(page, page.getByLabel('Name'));
  await page.keyboard.type('Keyboard hook');
  await tabTo(page, page.getByLabel('URL'));
  await page.keyboard.type('http://127.0.0.1:9/keyboard');
  await tabTo(page, page.getByLabel('contact.created'));
  await page.keyboard.press('Space');
  await expect(page.getByLabel('contact.created')).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Add webhook' }));
  await page.keyboard.press('Enter');
  const row = page.locator('.subscriptions tr', { hasText: 'Keyboard hook' });
  await expect(row).toBeVisible();
  // What happened is announced: the toasts sit in a live region.
  await expect(page.locator('.toasts[aria-live]')).toContainText('Webhook');

  // The dialog takes focus (on Cancel: Enter alone never deletes), keeps it, and gives it
  // back to the button that opened it.
  const remove = row.getByRole('button', { name: 'Delete Keyboard hook' });
  await tabTo(page, remove);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog', { name: 'Delete this webhook?' });
  await expect(dialog).toBeVisible();
  const cancel = dialog.getByRole('button', { name: 'Cancel' });
  const confirm = dialog.getByRole('button', { name: 'Delete webhook' });
  await expect(cancel).toBeFocused();
  await expectAccessible(page);
  await page.keyboard.press('Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(remove).toBeFocused();
  await expect(row).toBeVisible();

  await page.keyboard.press('Enter');
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(row).toBeHidden();
  await expect(page.locator('.toasts[aria-live]')).toContainText('Webhook deleted.');
});

test('an open dialog fits a 375 px screen', async ({ page }) => {
  await signUp(page, `a11y-narrow-${Date.now()}@example.com`, 'Narrow Co');
  await page.goto('/settings/webhooks');
  await hydrated(page);
  await page.getByLabel('Name').fill('Narrow hook');
  await page.getByLabel('URL').fill('http://127.0.0.1:9/narrow');
  await page.getByLabel('contact.created').check();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByRole('button', { name: 'Delete Narrow hook' }).click();
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await expectFitsSmallScreen(page);
});
