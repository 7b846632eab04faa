import { test, expect, hydrated, logIn, type Page } from './fixtures';
import { adminEmail, adminPassword, fakeServicesPort } from '../playwright.config';

const services = `http://127.0.0.1:${fakeServicesPort}`;
const secrets = {
  accessToken: 'EAAtestAccessToken-e2e-0123456789',
  verifyToken: 'verify-token-e2e-42',
  twilioToken: '0123456789abcdef0123456789abcdef',
  n8nToken: 'n8n-bearer-token-for-e2e-tests-0123456789',
};

async function toast(page: Page, text: string | RegExp) {
  await expect(page.locator('.toast').filter({ hasText: text })).toBeVisible();
}

/** Counts the page's requests to one server function, e.g. `admin/integrations`. */
function requestsTo(page: Page, endpoint: string) {
  const seen = { count: 0 };
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith(`/${endpoint}`)) seen.count++;
  });
  return seen;
}

test('a platform admin configures WhatsApp, Twilio and an n8n webhook, calls it and sees it in the analytics', async ({ page, request }) => {
  test.setTimeout(180_000);
  // A tenant to configure, signed up through the API.
  const org = `Admin Target ${Date.now()}`;
  const signup = await request.post('/api/v1/auth/signup', {
    data: { email: `tenant-${Date.now()}@example.com`, password: 'correct horse battery', organization_name: org },
  });
  expect(signup.status()).toBe(201);

  await logIn(page, adminEmail, adminPassword);
  // A save's answer is what the form shows next: nothing is loaded again after one.
  const settingsLoads = requestsTo(page, 'admin/integrations');
  const webhookLoads = requestsTo(page, 'admin/webhooks');
  await page.getByRole('link', { name: 'Platform Administration' }).click();
  await expect(page.getByRole('link', { name: 'Integrations', exact: true })).toHaveAttribute('aria-current', 'page');
  await hydrated(page);
  await page.getByLabel('Tenant').selectOption({ label: org });
  await expect(page).toHaveURL(/tenant=[0-9a-f-]{36}/);
  const tenantId = new URL(page.url()).searchParams.get('tenant')!;

  // WhatsApp: save, then a test message through the (fake) Graph API.
  await page.getByRole('link', { name: 'WhatsApp' }).click();
  const whatsapp = page.getByRole('tabpanel', { name: 'WhatsApp' });
  await whatsapp.getByLabel('Enabled').check();
  await whatsapp.getByLabel('Phone Number ID').fill('123456789012345');
  await whatsapp.getByLabel('Business Account ID').fill('987654321098765');
  await whatsapp.getByLabel('Access Token').fill(secrets.accessToken);
  await whatsapp.getByLabel('Webhook Verify Token').fill(secrets.verifyToken);
  await whatsapp.getByLabel('Phone Number (optional)', { exact: true }).fill('+15551230000');
  const loadsBeforeSave = settingsLoads.count;
  expect(loadsBeforeSave, 'the counter saw the page load the settings').toBeGreaterThan(0);
  await whatsapp.getByRole('button', { name: 'Save WhatsApp settings' }).click();
  await toast(page, 'WhatsApp settings saved.');
  await expect(whatsapp.getByLabel('Access Token')).toHaveAttribute('placeholder', 'EAAtestAcc***456789');
  expect(settingsLoads.count).toBe(loadsBeforeSave);
  await expect(whatsapp.getByLabel('Access Token')).toHaveValue('');
  await whatsapp.getByLabel('To', { exact: true }).fill('+15551234567');
  await whatsapp.getByRole('button', { name: 'Send test message' }).click();
  await expect(whatsapp.locator('.provider-answer')).toContainText(/Message id: wamid\.e2e-\d+/);

  // Twilio: save, a bad number shows the provider's error, a good one goes through.
  await page.getByRole('link', { name: 'SMS' }).click();
  const sms = page.getByRole('tabpanel', { name: 'SMS' });
  await sms.getByLabel('Enabled').check();
  await sms.getByLabel('Provider').selectOption('twilio');
  await sms.getByLabel('Account SID').fill('AC0123456789abcdef0123456789abcdef');
  await sms.getByLabel('Auth Token').fill(secrets.twilioToken);
  await sms.getByLabel('Phone Number (optional)', { exact: true }).fill('+15557654321');
  await sms.getByRole('button', { name: 'Save SMS settings' }).click();
  await toast(page, 'SMS settings saved.');
  await sms.getByLabel('To', { exact: true }).fill('+15005550001');
  await sms.getByRole('button', { name: 'Send test message' }).click();
  await expect(sms.locator('.provider-answer')).toContainText('Invalid Phone Number');
  await expect(sms.locator('.provider-answer')).toContainText('not a valid phone number');

  // n8n: base URL, a workflow webhook, a call with a JSON payload.
  await page.getByRole('link', { name: 'N8N Webhooks' }).click();
  const n8n = page.getByRole('tabpanel', { name: 'N8N Webhooks' });
  await n8n.getByLabel('Base URL').fill(`${services}/n8n`);
  await n8n.getByRole('button', { name: 'Save n8n settings' }).click();
  await toast(page, 'n8n settings saved.');
  await n8n.getByRole('button', { name: 'Add Webhook' }).click();
  const editor = page.getByRole('dialog', { name: 'Add Webhook' });
  await editor.getByLabel('Workflow Name').fill('contact_form');
  await editor.getByLabel('Webhook URL').fill(`${services}/n8n/webhook/contact`);
  await editor.getByLabel('Description').fill('Processes contact form submissions');
  await editor.getByLabel('Auth Token').fill(secrets.n8nToken);
  const webhookLoadsBeforeSave = webhookLoads.count;
  await editor.getByRole('button', { name: 'Save' }).click();
  await toast(page, 'Webhook contact_form saved.');
  const row = n8n.locator('.webhooks tr', { hasText: 'contact_form' });
  await expect(row.locator('.badge')).toHaveText('Active');
  expect(webhookLoads.count).toBe(webhookLoadsBeforeSave);

  // Invalid JSON is pointed out before anything is sent.
  await row.getByRole('button', { name: 'Call' }).click();
  const call = page.getByRole('dialog', { name: 'Call contact_form' });
  await call.getByLabel('JSON payload').fill('{"name": "Ada",}');
  await call.getByRole('button', { name: 'Call webhook' }).click();
  await expect(call.locator('.field-error')).toContainText('Not valid JSON');
  await call.getByLabel('JSON payload').fill('{"name": "Ada Lovelace", "email": "ada@example.com"}');
  await call.getByRole('button', { name: 'Call webhook' }).click();
  await expect(call.locator('.call-result')).toContainText('Success — HTTP 200, 1 attempt');
  await call.getByRole('button', { name: 'Close' }).click();

  const received = await (await request.get(`${services}/__n8n`)).json();
  expect(received.at(-1)).toEqual({
    path: '/n8n/webhook/contact',
    authorization: `Bearer ${secrets.n8nToken}`,
    body: { name: 'Ada Lovelace', email: 'ada@example.com' },
  });

  // The call shows in the analytics at once (the call refreshes them).
  const analytics = page.getByRole('region', { name: 'Webhook Analytics' });
  const total = analytics.locator('.stat-card', { hasText: 'Total Calls' }).locator('.stat-value');
  await expect(total).toHaveText('1');
  await expect(analytics.locator('.recent-calls tbody tr')).toHaveCount(1);
  await expect(analytics.locator('.recent-calls tbody tr').first()).toContainText('contact_form');
  await expect(analytics.locator('.performance tr', { hasText: 'contact_form' }).locator('.tone-ok .badge')).toHaveText(['Active', '100%']);

  // A call made elsewhere (the REST API, with a bearer token: a call with the session cookie
  // must come from our pages) appears with the next automatic refresh, without reloading.
  await page.evaluate(() => ((window as any).__stillThisPage = true));
  const login = await request.post('/api/v1/auth/login', { data: { email: adminEmail, password: adminPassword } });
  expect(login.status()).toBe(200);
  const api = await request.post(`/api/platform/tenants/${tenantId}/webhooks/by-name/contact_form/call`, {
    data: { via: 'api' },
    headers: { authorization: `Bearer ${(await login.json()).access_token}` },
  });
  expect(api.status()).toBe(200);
  await expect(total).toHaveText('2', { timeout: 60_000 });
  expect(await page.evaluate(() => (window as any).__stillThisPage)).toBe(true);

  // Nothing secret in the page.
  const html = await page.content();
  for (const secret of Object.values(secrets)) expect(html).not.toContain(secret);

  // Deleting asks first.
  await row.getByRole('button', { name: 'Delete contact_form' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete contact_form?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Delete contact_form' }).click();
  await confirm.getByRole('button', { name: 'Delete webhook' }).click();
  await toast(page, 'Webhook deleted, with its analytics.');
  await expect(n8n.locator('.webhooks tr', { hasText: 'contact_form' })).toHaveCount(0);
  await expect(total).toHaveText('0');
});

test('Platform Administration is for platform admins only', async ({ page }) => {
  const anonymous = await page.goto('/admin');
  expect(anonymous?.status()).toBe(401);
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(`not-admin-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Organization name').fill('Not Admin Co');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole('link', { name: 'Platform Administration' })).toHaveCount(0);
  const forbidden = await page.goto('/admin');
  expect(forbidden?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
});
