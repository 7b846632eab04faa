import { createHmac } from 'node:crypto';
import { test, expect, hydrated, signUp, signUpPlain, bearer, expectAccessible, expectFitsSmallScreen } from './fixtures';
import { adminEmail, adminPassword, fakeServicesPort } from '../playwright.config';

const appSecret = 'meta-app-secret-for-the-inbox';

/** What WhatsApp's Cloud API posts to the callback URL, signed as Meta signs it. */
function whatsapp(value: object) {
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', ...value } }] }] });
  const signature = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
  return { headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, data: body };
}

const message = (from: string, id: string, text: string) => ({
  metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
  contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: from }],
  messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
});

const receipt = (id: string, status: string) => ({ statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '16315551181' }] });

test('a WhatsApp message appears in the open inbox without a reload, the member replies through WhatsApp and sees it delivered', async ({ page, request }) => {
  const email = `inbox-${Date.now()}@example.com`;
  await signUp(page, email, 'Inbox Co');
  const auth = await bearer(request, email);
  const me = await (await request.get('/api/auth/me', { headers: auth })).json();
  const org = me.tenant_id;
  const admin = await bearer(request, adminEmail, adminPassword);
  const wired = await request.put(`/api/platform/tenants/${org}/integrations/whatsapp`, {
    headers: admin,
    data: { enabled: true, phoneNumberId: '106540352242922', accessToken: 'EAAinboxAccessToken-0123456789', webhookVerifyToken: 'inbox-verify', appSecret },
  });
  expect(wired.status()).toBe(200);

  await page.getByRole('link', { name: 'Inbox' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText('No open conversations.')).toBeVisible();
  await expectAccessible(page);

  // Meta posts a message to the callback URL; the open page shows it without a reload.
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
  const posted = await request.post(`/api/callbacks/${org}/whatsapp`, whatsapp(message('16315551181', `wamid.in-${Date.now()}`, 'Is my order on its way?')));
  expect(posted.status()).toBe(200);
  const entry = page.getByRole('link', { name: /Kerry Fisher/ });
  await expect(entry).toContainText('Is my order on its way?');
  await expect(entry).toContainText('Waiting for an answer');
  expect(navigations).toEqual([]);

  await entry.click();
  await expect(page.getByRole('heading', { name: 'Kerry Fisher', level: 1 })).toBeVisible();
  await hydrated(page);
  const thread = page.getByRole('log', { name: 'Messages' });
  await expect(thread.getByRole('listitem')).toHaveCount(1);
  await expect(thread).toContainText('Is my order on its way?');

  // The reply goes out through the (fake) WhatsApp Cloud API.
  await page.getByLabel('Message on WhatsApp').fill('It left the warehouse this morning.');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(thread.getByRole('listitem').last()).toContainText('It left the warehouse this morning.');
  await expect(thread.getByRole('listitem').last()).toContainText('Sent');
  await expect(page.getByLabel('Message on WhatsApp')).toHaveValue('');
  const graph = await (await request.get(`http://127.0.0.1:${fakeServicesPort}/__graph`)).json();
  const sent = graph.filter((m: { to: string }) => m.to === '16315551181').at(-1);
  expect([sent.phoneNumberId, sent.type, sent.text.body]).toEqual(['106540352242922', 'text', 'It left the warehouse this morning.']);

  // Its receipt and the contact's next message arrive while the page stays open.
  expect((await request.post(`/api/callbacks/${org}/whatsapp`, whatsapp(receipt(sent.id, 'delivered')))).status()).toBe(200);
  await expect(thread.getByRole('listitem').last()).toContainText('Delivered');
  expect((await request.post(`/api/callbacks/${org}/whatsapp`, whatsapp(message('16315551181', `wamid.in2-${Date.now()}`, 'Thank you!')))).status()).toBe(200);
  await expect(thread.getByRole('listitem')).toHaveCount(3);
  await expect(thread.getByRole('listitem').last()).toContainText('Thank you!');

  // Assigned to me, closed: it leaves the open inbox and shows under Closed, assigned to me.
  await page.getByLabel('Assigned to').selectOption(me.user_id);
  await page.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByText('Assignment saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Close conversation' }).click();
  await expect(page.getByRole('button', { name: 'Reopen conversation' })).toBeVisible();
  await expectAccessible(page);
  await expectFitsSmallScreen(page);

  await page.getByRole('link', { name: 'Inbox' }).first().click();
  await expect(page.getByText('No open conversations.')).toBeVisible();
  await page.getByLabel('Status').selectOption('closed');
  await page.getByLabel('Assigned to').selectOption('me');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/status=closed&channel=&assigned=me/);
  await expect(page.getByRole('link', { name: /Kerry Fisher/ })).toContainText('Thank you!');
  await page.getByLabel('Assigned to').selectOption('none');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText('No conversation matches these filters.')).toBeVisible();
  await expectFitsSmallScreen(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a reply is sent and a conversation reopened with plain forms', async ({ page, request }) => {
    const email = `nojs-inbox-${Date.now()}@example.com`;
    const auth = await signUpPlain(page, request, email, 'Plain Inbox');
    const org = (await (await request.get('/api/auth/me', { headers: auth })).json()).tenant_id;
    const admin = await bearer(request, adminEmail, adminPassword);
    const wired = await request.put(`/api/platform/tenants/${org}/integrations/whatsapp`, {
      headers: admin,
      data: { enabled: true, phoneNumberId: '106540352242922', accessToken: 'EAAplainAccessToken-0123456789', webhookVerifyToken: 'plain-verify', appSecret },
    });
    expect(wired.status()).toBe(200);
    const contact = await (await request.post('/api/contacts', { headers: auth, data: { first_name: 'Lin', phone: '+15557654321' } })).json();
    const conversation = await (await request.post('/api/conversations', { headers: auth, data: { contact_id: contact.id, channel: 'whatsapp' } })).json();
    await request.post(`/api/conversations/${conversation.id}/status`, { headers: auth, data: { status: 'CLOSED' } });

    await page.goto('/conversations?status=all');
    await page.getByRole('link', { name: /Lin/ }).click();
    await page.getByRole('button', { name: 'Reopen conversation' }).click();
    await expect(page.getByRole('button', { name: 'Close conversation' })).toBeVisible();
    await page.getByLabel('Message on WhatsApp').fill('Your table is booked.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page).toHaveURL(/sent=1/);
    await expect(page.getByRole('log', { name: 'Messages' })).toContainText('Your table is booked.');
    const graph = await (await request.get(`http://127.0.0.1:${fakeServicesPort}/__graph`)).json();
    expect(graph.some((m: { to: string; text: { body: string } }) => m.to === '15557654321' && m.text.body === 'Your table is booked.')).toBe(true);

    // From the contact's page to its conversations only.
    await request.post('/api/conversations', { headers: auth, data: { channel: 'web', subject: 'Someone else' } });
    await page.getByRole('link', { name: 'Contact page' }).click();
    await page.getByRole('link', { name: "All of this contact's conversations in the inbox" }).click();
    await expect(page).toHaveURL(new RegExp(`contact=${contact.id}`));
    await expect(page.getByRole('link', { name: /Lin/ })).toContainText('Your table is booked.');
    await expect(page.locator('.inbox-entry')).toHaveCount(1);
  });
});
