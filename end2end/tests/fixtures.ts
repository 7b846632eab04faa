import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

/**
 * Every test records what its page did: requests and their answers, failed requests,
 * console messages and uncaught errors (a panic in the WASM shows up here). When a test
 * fails, the last of it is printed beside the failure, so a failure seen once on a busy
 * machine can be explained from the output alone.
 */
export const test = base.extend<{ browserLog: void }>({
  browserLog: [
    async ({ page }, use, testInfo) => {
      const log: string[] = [];
      const start = Date.now();
      const at = () => ((Date.now() - start) / 1000).toFixed(2).padStart(7);
      const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
      page.on('request', (r) => log.push(`${at()} → ${r.method()} ${path(r.url())}`));
      // A request can finish as the test closes its page; its response is then gone, which
      // is no failure of the test (the log only explains failures).
      page.on('requestfinished', (r) =>
        r.response().then(
          (response) => log.push(`${at()} ← ${response?.status()} ${path(r.url())}`),
          () => log.push(`${at()} ← (page closed) ${path(r.url())}`),
        ),
      );
      page.on('requestfailed', (r) => log.push(`${at()} ✗ ${path(r.url())}: ${r.failure()?.errorText}`));
      page.on('console', (m) => log.push(`${at()} console.${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`${at()} page error: ${e.message}`));
      page.on('framenavigated', (f) => f === page.mainFrame() && log.push(`${at()} at ${path(f.url())}`));
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        console.log(`The browser's last 80 events in "${testInfo.title}" (seconds from the start):\n${log.slice(-80).join('\n')}`);
      }
    },
    { auto: true },
  ],
});

export { expect, type Page };

/** Waits until the WASM has taken the page over. */
export async function hydrated(page: Page) {
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
}

/** A real receiver: answers `status` (200) with `reply` and keeps what it got. */
export async function receiver(reply = 'ok', status = 200) {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => server.close() };
}

/** Logs in through the login page and lands on the dashboard. */
export async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** The password every test account is made with. */
export const password = 'correct horse battery';

/** Signs up a new owner and their organization through the signup page. */
export async function signUp(page: Page, email: string, organization = 'Test Co') {
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Organization name').fill(organization);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** Signs up a new owner through the API, logs in through the login page as a plain form
 * (no JavaScript needed) and answers the `Authorization` header for the API. */
export async function signUpPlain(page: Page, request: APIRequestContext, email: string, organization: string) {
  const signup = await request.post('/api/v1/auth/signup', { data: { email, password, organization_name: organization } });
  expect(signup.status()).toBe(201);
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  return bearer(request, email);
}

/** The `Authorization` header of a login token for the API. */
export async function bearer(request: APIRequestContext, email: string, secret = password) {
  const login = await request.post('/api/v1/auth/login', { data: { email, password: secret } });
  expect(login.status()).toBe(200);
  return { authorization: `Bearer ${(await login.json()).access_token}` };
}

/** axe-core's source, evaluated in pages (which the Content-Security-Policy lets only
 * DevTools do: the pages load no script of anyone else). */
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page as it is now; fails naming every serious or critical finding. */
export async function expectAccessible(page: Page) {
  await page.evaluate(axeSource);
  const findings = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n: any) => `${n.target.join(' ')} ${n.html.slice(0, 120)}`).join(' | ')}`);
  });
  expect(findings, `axe-core on ${page.url()}`).toEqual([]);
}

/** At 375 px wide the page does not scroll sideways. */
export async function expectFitsSmallScreen(page: Page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 740 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${page.url()} at 375 px` }).toBeLessThanOrEqual(375);
  if (size) await page.setViewportSize(size);
}
