import { test, expect } from './fixtures';

// The bundle's files are named by their hashes and served `immutable`: a first visit
// downloads the WASM, a second one downloads no WASM or JavaScript at all.

/** Compressed bytes of WASM and JavaScript that came over the network while `visit` ran. */
async function scriptBytes(page: import('@playwright/test').Page, visit: () => Promise<unknown>) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  const cached = new Set<string>();
  let bytes = 0;
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.requestServedFromCache', (e) => cached.add(e.requestId));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId) ?? '';
    if (/\.(wasm|js)$/.test(new URL(url, 'http://x').pathname) && !cached.has(e.requestId)) bytes += e.encodedDataLength;
  });
  await visit();
  await cdp.detach();
  return bytes;
}

test('a second visit downloads no WASM', async ({ page }) => {
  const first = await scriptBytes(page, async () => {
    await page.goto('/login');
    await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
  });
  const second = await scriptBytes(page, async () => {
    await page.goto('/signup');
    await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
  });
  console.log(`WASM and JS over the wire: first visit ${(first / 1024).toFixed(1)} KiB, second visit ${(second / 1024).toFixed(1)} KiB`);
  expect(first).toBeGreaterThan(100 * 1024);
  expect(second).toBe(0);
});
