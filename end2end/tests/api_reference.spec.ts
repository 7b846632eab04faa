import { test, expect, expectAccessible, expectFitsSmallScreen } from './fixtures';

// The API reference page (/docs/api) is the OpenAPI document (/api/openapi.json) rendered
// on the server: every operation of the document is on it, each linked to the schemas of its
// bodies, and it reads without JavaScript.

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the reference shows every operation of the document and links its schemas', async ({ page, request }) => {
    const document = await (await request.get('/api/openapi.json')).json();
    expect(document.openapi).toMatch(/^3\.1\./);
    const operations: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) if (item[method]) operations.push(`${method.toUpperCase()} ${path}`);
    }
    expect(operations.length).toBeGreaterThan(80);

    await page.goto('/docs/api');
    await expect(page.getByRole('heading', { level: 1, name: 'ConnectGain API' })).toBeVisible();
    const shown = await page.locator('section[id^="tag-"] article.operation h3').allInnerTexts();
    expect(shown.map((t) => t.replace(/\s+/g, ' ').trim()).sort()).toEqual(operations.sort());

    // POST /api/contacts takes a ContactInput and answers a Contact: both link to their schema.
    const create = page.locator('#op-create_contact');
    await expect(create).toContainText('Authentication: bearer or session');
    await create.getByRole('link', { name: 'ContactInput' }).click();
    await expect(page).toHaveURL(/#schema-contactinput$/);
    await expect(page.locator('#schema-contactinput')).toContainText('first_name');
    // The error shape every operation shares is documented once.
    await expect(page.locator('#schema-errorbody')).toBeVisible();
  });
});

// axe-core runs in the page, which needs JavaScript (the page itself has no script).
test('the reference is accessible and fits a small screen', async ({ page }) => {
  await page.goto('/docs/api');
  await expectAccessible(page);
  await expectFitsSmallScreen(page);
});
