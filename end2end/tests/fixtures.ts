import { test as base, expect, type Page } from '@playwright/test';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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
      page.on('requestfinished', async (r) => log.push(`${at()} ← ${(await r.response())?.status()} ${path(r.url())}`));
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
