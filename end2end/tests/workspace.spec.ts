import { test, expect, hydrated, signUp, signUpPlain, bearer, expectAccessible, expectFitsSmallScreen } from './fixtures';

test('an owner creates a read API key, uses it, and revokes it', async ({ page, request }) => {
  const email = `keys-${Date.now()}@example.com`;
  await signUp(page, email, 'Keys Co');
  await page.getByRole('link', { name: 'Settings' }).click();
  await hydrated(page);
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  await expect(page.getByText('No API keys yet.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'API keys' })).toHaveAttribute('aria-current', 'page');

  await page.getByLabel('Name').fill('n8n reports');
  await page.getByLabel('Scope').selectOption('read');
  await page.getByRole('button', { name: 'Create key' }).click();
  const field = page.getByLabel('The new API key');
  await expect(field).toHaveValue(/^cgk_/);
  const key = await field.inputValue();
  const row = page.getByRole('row', { name: /n8n reports/ });
  await expect(row).toContainText(`cgk_…${key.slice(-4)}`);
  await expect(row).toContainText('Read');
  await expectAccessible(page);
  await expectFitsSmallScreen(page);

  // Used as a program would: reads work, writes are refused.
  const auth = { authorization: `Bearer ${key}` };
  const contact = await request.post('/api/contacts', { headers: await bearer(request, email), data: { first_name: 'Ada', email: 'ada@example.com' } });
  expect(contact.status()).toBe(201);
  const listed = await request.get('/api/contacts?q=ada', { headers: auth });
  expect(listed.status()).toBe(200);
  expect((await listed.json()).data.map((c: { email: string }) => c.email)).toEqual(['ada@example.com']);
  const write = await request.post('/api/contacts', { headers: auth, data: { first_name: 'Bob' } });
  expect(write.status()).toBe(403);

  // Shown once: a reload lists the key by its hint only.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('The new API key')).toHaveCount(0);
  expect(await page.content()).not.toContain(key);

  // Asked first: dismissed, nothing happens; accepted, the key is revoked.
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('button', { name: 'Revoke n8n reports' }).click();
  await expect(row).toBeVisible();
  expect((await request.get('/api/contacts', { headers: auth })).status()).toBe(200);
  const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => { resolve(dialog.message()); void dialog.accept(); }));
  await page.getByRole('button', { name: 'Revoke n8n reports' }).click();
  expect(await asked).toContain('Revoke the key n8n reports?');
  await expect(page.getByText('The key was revoked')).toBeVisible();
  await expect(page.getByRole('row', { name: /n8n reports/ })).toHaveCount(0);
  expect((await request.get('/api/contacts', { headers: auth })).status()).toBe(401);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an API key is created and shown once, and contacts are searched', async ({ page, request }) => {
    const email = `nojs-keys-${Date.now()}@example.com`;
    const auth = await signUpPlain(page, request, email, 'Plain Co');
    for (const c of [{ first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.mil' }, { first_name: 'Alan', email: 'alan@bletchley.uk' }]) {
      expect((await request.post('/api/contacts', { headers: auth, data: c })).status()).toBe(201);
    }

    await page.goto('/settings/api-keys');
    await page.getByLabel('Name').fill('cron job');
    await page.getByLabel('Scope').selectOption('read_write');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page).toHaveURL(/\/settings\/api-keys$/);
    const key = await page.getByLabel('The new API key').inputValue();
    expect(key).toMatch(/^cgk_/);
    const made = await request.post('/api/contacts', { headers: { authorization: `Bearer ${key}` }, data: { first_name: 'Katherine', email: 'kj@nasa.gov' } });
    expect(made.status()).toBe(201);
    await page.reload();
    await expect(page.getByLabel('The new API key')).toHaveCount(0);
    await expect(page.getByRole('row', { name: /cron job/ })).toContainText('Read and write');

    await page.goto('/contacts');
    await page.getByLabel('Search contacts').fill('hopper');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\/contacts\?q=hopper/);
    await expect(page.getByRole('cell', { name: 'grace@navy.mil' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'alan@bletchley.uk' })).toHaveCount(0);
    await page.goto('/contacts?q=nobody');
    await expect(page.getByText('No contact matches “nobody”')).toBeVisible();
  });
});

test('a member searches contacts', async ({ page, request }) => {
  const email = `search-${Date.now()}@example.com`;
  await signUp(page, email, 'Search Co');
  const auth = await bearer(request, email);
  for (const c of [{ first_name: 'Ada', last_name: 'Lovelace', phone: '+44 20 7946 0958' }, { first_name: 'Grace', email: 'grace@navy.mil' }]) {
    expect((await request.post('/api/contacts', { headers: auth, data: c })).status()).toBe(201);
  }
  await page.getByRole('link', { name: 'Contacts' }).click();
  await hydrated(page);
  await expect(page.getByRole('cell', { name: 'grace@navy.mil' })).toBeVisible();
  await page.getByLabel('Search contacts').fill('7946');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/contacts\?q=7946/);
  await expect(page.getByRole('cell', { name: 'Ada Lovelace' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'grace@navy.mil' })).toHaveCount(0);
  await expectAccessible(page);
  await expectFitsSmallScreen(page);
});

test('a member opens a contact from the search, edits it, assigns it, sees its deals, and deletes it', async ({ page, request }) => {
  const email = `contact-${Date.now()}@example.com`;
  await signUp(page, email, 'Contact Co');
  const auth = await bearer(request, email);
  const made = await request.post('/api/contacts', { headers: auth, data: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@engines.io', attributes: { plan: 'pro' } } });
  const contactId = (await made.json()).id;
  const deal = await request.post('/api/deals', { headers: auth, data: { title: 'Analytical engine', value_cents: 120000, currency: 'GBP', contact_id: contactId } });
  expect(deal.status()).toBe(201);

  await page.getByRole('link', { name: 'Contacts' }).click();
  await hydrated(page);
  await page.getByLabel('Search contacts').fill('lovelace');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText('Analytical engine')).toBeVisible();
  await expect(page.getByText('1,200.00 GBP')).toBeVisible();
  await expect(page.getByLabel('Other fields')).toContainText('"plan": "pro"');

  // An invalid address is refused beside its field; a valid change is saved.
  await page.getByLabel('Phone').fill('12');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#field-phone-error')).not.toBeEmpty();
  await page.getByLabel('Phone').fill('');
  await page.getByLabel('E-mail').fill('ada@lovelace.org');
  await page.getByLabel('Last name').fill('King');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Ada King', level: 1 })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Saved.');
  const stored = await (await request.get(`/api/contacts/${contactId}`, { headers: auth })).json();
  expect([stored.email, stored.last_name]).toEqual(['ada@lovelace.org', 'King']);

  const me = await (await request.get('/api/auth/me', { headers: auth })).json();
  await page.getByLabel('Person').selectOption(me.user_id);
  await page.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByText('Assignment saved.')).toBeVisible();
  expect((await (await request.get(`/api/contacts/${contactId}`, { headers: auth })).json()).assigned_to).toBe(me.user_id);
  await expectAccessible(page);
  await expectFitsSmallScreen(page);

  const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => { resolve(dialog.message()); void dialog.accept(); }));
  await page.getByRole('button', { name: 'Delete contact' }).click();
  expect(await asked).toContain('Delete Ada King?');
  await expect(page).toHaveURL(/\/contacts\?deleted=1/);
  await expect(page.getByText('The contact was deleted.')).toBeVisible();
  expect((await request.get(`/api/contacts/${contactId}`, { headers: auth })).status()).toBe(404);
});

test('the campaigns page lists the campaigns sent', async ({ page }) => {
  await signUp(page, `history-${Date.now()}@example.com`, 'History Co');
  await page.getByRole('link', { name: 'Campaigns' }).click();
  await hydrated(page);
  await expect(page.getByText('No campaigns sent yet.')).toBeVisible();
  await page.getByLabel('Campaign name').fill('Spring sale');
  await page.getByLabel('Channel').selectOption('whatsapp');
  await page.getByLabel('Message').fill('20% off this week');
  await page.getByRole('button', { name: 'Send campaign' }).click();
  const row = page.getByRole('row', { name: /Spring sale/ });
  await expect(row).toContainText('whatsapp');
  await expect(row).toContainText(/completed|failed/);
  await expectAccessible(page);
  await expectFitsSmallScreen(page);
});

/** Adds `n` contacts named `Person 1` … `Person n` (the first is the oldest). */
async function manyContacts(request: import('@playwright/test').APIRequestContext, auth: { authorization: string }, n: number) {
  for (let i = 1; i <= n; i++) {
    expect((await request.post('/api/contacts', { headers: auth, data: { first_name: 'Person', last_name: String(i) } })).status()).toBe(201);
  }
}

test('"Show more" appends the next contacts in place', async ({ page, request }) => {
  const email = `more-${Date.now()}@example.com`;
  await signUp(page, email, 'More Co');
  await manyContacts(request, await bearer(request, email), 102);
  await page.getByRole('link', { name: 'Contacts' }).click();
  await hydrated(page);
  const rows = page.locator('.contact-list tbody tr');
  await expect(rows).toHaveCount(100);
  await page.getByRole('button', { name: 'Show more' }).click();
  await expect(rows).toHaveCount(102);
  await expect(rows.last().locator('td').first()).toHaveText('Person 1');
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(page.getByRole('button', { name: 'Show more' })).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('"Show more" loads the next contacts, keeping the search', async ({ page, request }) => {
    const email = `nojs-more-${Date.now()}@example.com`;
    await manyContacts(request, await signUpPlain(page, request, email, 'Plain More'), 101);
    await page.goto('/contacts?q=person');
    await expect(page.locator('.contact-list tbody tr')).toHaveCount(100);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect(page).toHaveURL(/\/contacts\?q=person&cursor=/);
    await expect(page.locator('.contact-list tbody tr')).toHaveCount(1);
    await expect(page.locator('.contact-list tbody td').first()).toHaveText('Person 1');
    await page.getByRole('link', { name: 'Back to the newest' }).click();
    await expect(page.locator('.contact-list tbody tr')).toHaveCount(100);
  });
});
