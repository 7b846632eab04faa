import { test, expect, hydrated, signUp, signUpPlain, bearer, receiver, expectAccessible, expectFitsSmallScreen, type Page } from './fixtures';

/** The board's column of a stage. */
const column = (page: Page, stage: string) => page.getByRole('region', { name: new RegExp(`^${stage}`) });

test('a member adds deals, moves them on the board by drag and drop and by keyboard, and the stage change is delivered', async ({ page, request }) => {
  const hook = await receiver();
  try {
    const email = `board-${Date.now()}@example.com`;
    await signUp(page, email, 'Board Co');
    const auth = await bearer(request, email);
    const sub = await request.post('/api/v1/webhooks', { headers: auth, data: { name: 'Pipeline', url: hook.url, events: ['deal.stage.changed'] } });
    expect(sub.status()).toBe(201);
    const ada = await request.post('/api/contacts', { headers: auth, data: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@engines.io' } });
    expect(ada.status()).toBe(201);
    for (const deal of [
      { title: 'Analytical engine', value_cents: 120000, currency: 'GBP', stage: 'lead', contact_id: (await ada.json()).id },
      { title: 'Difference engine', value_cents: 50000, currency: 'GBP', stage: 'lead' },
      { title: 'Tabulator', value_cents: 150000, currency: 'JPY', stage: 'lead' },
    ]) {
      expect((await request.post('/api/deals', { headers: auth, data: deal })).status()).toBe(201);
    }

    await page.getByRole('link', { name: 'Deals' }).click();
    await expect(page.getByRole('heading', { name: 'Deals', level: 1 })).toBeVisible();
    await hydrated(page);
    const lead = column(page, 'Lead');
    await expect(lead).toContainText('1,700.00 GBP');
    await expect(lead).toContainText('150,000 JPY');
    await expect(lead.getByRole('listitem').filter({ hasText: 'Analytical engine' })).toContainText('Ada Lovelace');
    await expect(column(page, 'Won')).toContainText('No deals at this stage.');

    // Dragged with the mouse from Lead to Won.
    // Taken by the card's corner (its middle is the "Move to" control), with the whole board
    // in view: a page scrolling between the press and the first move drags another card.
    await page.setViewportSize({ width: 1280, height: 1600 });
    await lead.getByRole('listitem').filter({ hasText: 'Analytical engine' }).dragTo(column(page, 'Won'), { sourcePosition: { x: 4, y: 4 } });
    await expect(column(page, 'Won').getByRole('listitem').filter({ hasText: 'Analytical engine' })).toBeVisible();
    await expect(column(page, 'Won')).toContainText('1,200.00 GBP');
    await expect(column(page, 'Lead')).toContainText('500.00 GBP');

    // Moved from the keyboard alone: to the card's "Move to" control, a stage, Enter.
    const select = page.getByLabel('Move Difference engine to');
    await select.focus();
    await page.keyboard.press('ArrowDown'); // lead → qualified
    await expect(select).toHaveValue('qualified');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Move Difference engine' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(column(page, 'Qualified').getByRole('listitem').filter({ hasText: 'Difference engine' })).toBeVisible();
    await expect(page.getByRole('status')).toContainText('The deal was moved.');

    // A deal added from the page's form, with its contact named by e-mail address.
    await page.getByLabel('Title').fill('Jacquard loom');
    await page.getByLabel('Contact').fill('ada@engines.io');
    await page.getByLabel('Amount').fill('2,500.50');
    await page.getByLabel('Currency').fill('eur');
    await page.getByLabel('Stage', { exact: true }).selectOption('proposal');
    await page.getByRole('button', { name: 'Add deal' }).click();
    await expect(column(page, 'Proposal')).toContainText('2,500.50 EUR');
    await page.getByLabel('Amount').fill('12.345');
    await page.getByLabel('Title').fill('Bad amount');
    await page.getByRole('button', { name: 'Add deal' }).click();
    await expect(page.locator('#field-amount-error')).toContainText('Write the amount in EUR');
    await expectAccessible(page);
    await expectFitsSmallScreen(page);

    // Both moves went out as deal.stage.changed, and are in the logs.
    await expect.poll(() => hook.got.length, { timeout: 30_000 }).toBe(2);
    const moves = hook.got.map((r) => JSON.parse(r.body)).map((e) => [e.event, e.data.title, e.data.previous_stage, e.data.stage]);
    expect(moves).toEqual(
      expect.arrayContaining([
        ['deal.stage.changed', 'Analytical engine', 'lead', 'won'],
        ['deal.stage.changed', 'Difference engine', 'lead', 'qualified'],
      ]),
    );
    await page.goto('/settings/webhooks/logs');
    await hydrated(page);
    await expect(page.locator('.attempts tbody.attempt').filter({ hasText: 'deal.stage.changed' })).toHaveCount(2);
  } finally {
    hook.close();
  }
});

test('a deal is edited on its page', async ({ page, request }) => {
  const email = `deal-${Date.now()}@example.com`;
  await signUp(page, email, 'Deal Co');
  const auth = await bearer(request, email);
  const made = await request.post('/api/deals', { headers: auth, data: { title: 'Support plan', value_cents: 99900, currency: 'USD' } });
  const id = (await made.json()).id;
  await page.goto('/deals');
  await hydrated(page);
  await page.getByRole('link', { name: 'Support plan' }).click();
  await expect(page.getByRole('heading', { name: 'Support plan', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByLabel('Amount')).toHaveValue('999.00');
  await page.getByLabel('Contact').fill('nobody@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#field-contact-error')).toContainText('No contact has this e-mail address');
  await page.getByLabel('Contact').fill('');
  await page.getByLabel('Title').fill('Support plan, gold');
  await page.getByLabel('Amount').fill('1,999');
  await page.getByLabel('Stage').selectOption('negotiation');
  const me = await (await request.get('/api/auth/me', { headers: auth })).json();
  await page.getByLabel('Assigned to').selectOption(me.user_id);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Support plan, gold', level: 1 })).toBeVisible();
  const stored = await (await request.get(`/api/deals/${id}`, { headers: auth })).json();
  expect([stored.title, stored.value_cents, stored.stage, stored.assigned_to]).toEqual(['Support plan, gold', 199900, 'negotiation', me.user_id]);
  await expectAccessible(page);
  await expectFitsSmallScreen(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the board moves a deal and adds one with plain forms', async ({ page, request }) => {
    const email = `nojs-board-${Date.now()}@example.com`;
    const auth = await signUpPlain(page, request, email, 'Plain Board');
    expect((await request.post('/api/deals', { headers: auth, data: { title: 'Printing press', value_cents: 1000 } })).status()).toBe(201);

    await page.goto('/deals');
    await page.getByLabel('Move Printing press to').selectOption('won');
    await page.getByRole('button', { name: 'Move Printing press' }).click();
    await expect(page).toHaveURL(/\/deals\?moved=1/);
    await expect(column(page, 'Won')).toContainText('Printing press');
    await page.getByLabel('Title').fill('Telegraph');
    await page.getByLabel('Amount').fill('10');
    await page.getByRole('button', { name: 'Add deal' }).click();
    await expect(page).toHaveURL(/\/deals\?created=1/);
    await expect(column(page, 'Lead')).toContainText('Telegraph');
  });
});
