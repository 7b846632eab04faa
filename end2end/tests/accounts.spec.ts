import { test, expect, hydrated, password } from './fixtures';
import { fakeServicesPort } from '../playwright.config';

const appgain = `http://127.0.0.1:${fakeServicesPort}`;

async function setWebhookFailing(failing: boolean) {
  const res = await fetch(`${appgain}/__control`, { method: 'POST', body: JSON.stringify({ failing }) });
  expect(res.ok).toBe(true);
}

test('sign up, see provisioning finish, log out, log in, and replace the credentials in Settings', async ({ page }) => {
  const email = `owner-${Date.now()}@example.com`;
  await setWebhookFailing(true);

  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Organization name').fill('Playwright Org');
  await page.getByLabel('First name').fill('Paula');
  await page.getByLabel('Phone').fill('+201001383533');
  await page.getByRole('button', { name: 'Sign up' }).click();

  // The webhook failed: the account exists and the user is warned.
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole('heading', { name: 'Welcome, Paula' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('could not be set up yet');
  await expect(page.locator('.status-card')).toHaveAttribute('data-status', 'pending');

  // The webhook recovers; the background retry provisions without any user action.
  await setWebhookFailing(false);
  await expect(async () => {
    await page.reload();
    await expect(page.locator('.status-card')).toHaveAttribute('data-status', 'provisioned', { timeout: 500 });
  }).toPass({ timeout: 45_000 });

  // Log out, then back in.
  await hydrated(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard/);

  // Settings: the key only masked, never whole.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  const masked = page.locator('.masked-key');
  await expect(masked).toHaveText('appgain-e2***abcdef');
  expect(await page.content()).not.toContain('appgain-e2e-secret-key');

  // Replace the credentials.
  await hydrated(page);
  await page.getByLabel('Suit ID').fill('suit-replaced');
  await page.getByLabel('API key').fill('replaced-key-abcdefghijklmnopqrstuvwxyz');
  await page.getByRole('button', { name: 'Save credentials' }).click();
  await expect(page.getByText('Credentials saved.')).toBeVisible();
  await expect(masked).toHaveText('replaced-k***uvwxyz');
  await expect(page.locator('.status-card')).toHaveAttribute('data-status', 'manual');
  await expect(page.locator('.status-card')).toContainText('suit-replaced');
  expect(await page.content()).not.toContain('replaced-key-abcdefghijklmnopqrstuvwxyz');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the signup form still shows its errors beside the fields', async ({ page }) => {
    await page.goto('/signup');
    await page.getByLabel('E-mail').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(/\/signup\?form_error=/);
    await expect(page.locator('#field-email-error')).toContainText('e-mail address');
    await expect(page.locator('#field-password-error')).toContainText('at least 8 characters');
    await expect(page.locator('#field-organization_name-error')).toContainText('organization name');
    expect(page.url()).not.toContain('short');
  });

  test('signing up and logging in work as plain forms', async ({ page }) => {
    await setWebhookFailing(false);
    const email = `plain-${Date.now()}@example.com`;
    await page.goto('/signup');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organization name').fill('No Script Ltd');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page).toHaveURL(/\/dashboard/);
    await expect(page.getByRole('status')).toContainText('credentials are set up');
  });
});

test('a visitor who is not logged in cannot open Settings', async ({ page }) => {
  const response = await page.goto('/settings');
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Please log in' })).toBeVisible();
});
