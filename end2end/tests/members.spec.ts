import { test, expect, hydrated, signUp, password } from './fixtures';


test('an owner invites a member, who joins but cannot open Settings', async ({ page, browser }) => {
  await signUp(page, `inviter-${Date.now()}@example.com`, 'Invite Co');
  await page.getByRole('link', { name: 'Settings' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Create an invitation link' }).click();
  const link = await page.getByLabel('Invitation link').inputValue();
  expect(link).toMatch(/\/invite\/cgv_/);

  const guest = await browser.newContext();
  const member = await guest.newPage();
  await member.goto(new URL(link).pathname);
  await expect(member.getByRole('heading', { name: 'Join Invite Co' })).toBeVisible();
  await hydrated(member);
  const memberEmail = `member-${Date.now()}@example.com`;
  await member.getByLabel('E-mail').fill(memberEmail);
  await member.getByLabel('Password').fill(password);
  await member.getByLabel('First name').fill('Mia');
  await member.getByRole('button', { name: 'Join' }).click();
  await expect(member.getByRole('heading', { name: 'Welcome, Mia' })).toBeVisible();
  await expect(member.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  const forbidden = await member.goto('/settings');
  expect(forbidden?.status()).toBe(403);
  await expect(member.getByRole('heading', { name: 'Not allowed' })).toBeVisible();

  // The link worked once.
  const reused = await member.goto(new URL(link).pathname);
  expect(reused?.status()).toBe(404);
  await guest.close();

  // The owner sees the new member and removes them after confirming.
  await page.reload();
  await expect(page.getByRole('cell', { name: memberEmail, exact: true })).toBeVisible();
  const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => { resolve(dialog.message()); void dialog.accept(); }));
  await page.getByRole('button', { name: `Remove ${memberEmail}` }).click();
  expect(await asked).toBe(`Remove ${memberEmail}?`);
  await expect(page.getByRole('cell', { name: memberEmail, exact: true })).toHaveCount(0);
});

test('a campaign is sent through Appgain and its answer shown', async ({ page }) => {
  await signUp(page, `sender-${Date.now()}@example.com`, 'Campaign Co');
  await page.getByRole('link', { name: 'Campaigns' }).click();
  await hydrated(page);
  await page.getByLabel('Campaign name').fill('Spring sale');
  await page.getByLabel('Channel').selectOption('sms');
  await page.getByLabel('Message').fill('20% off today');
  await page.getByRole('button', { name: 'Send campaign' }).click();
  await expect(page.locator('.campaign-result')).toContainText('Appgain answered HTTP 200');
  await expect(page.locator('.campaign-result')).toContainText('queued');
});
