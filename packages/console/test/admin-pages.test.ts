import { HubClient, memoryTokenStore } from '@smart-ai-hub/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../server/test/support/auth-fixtures.js';
import { browserAvailable, launchChromium } from './support/browser.js';
import { type ConsoleHub, startConsoleHub } from './support/console-hub.js';
import { checkPage, choose, navigate, openWindow, see, signIn } from './support/console-page.js';

/** The operator's side of the console, in real Chromium against a real hub. */
describe.runIf(browserAvailable)('the console, as an admin', () => {
  let hub: ConsoleHub;
  let browser: Browser;
  let page: Page;
  let user: TestUser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startConsoleHub(), launchChromium()]);
    ({ page } = await openWindow(browser));
    user = await createUser(hub.testHub, { email: 'lin@console.test', name: 'Lin' });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('guides an admin on the first run: credits for themselves, a key, the playground', async () => {
    await signIn(page, hub.url, hub.admin.email, hub.admin.password);
    await see(page.getByRole('heading', { name: 'Get started' }));
    await checkPage(page, 'overview-first-run', 'Overview');
    await page.getByRole('button', { name: 'Grant me 10 credits' }).click();
    await see(page.getByRole('link', { name: 'Make a key' }));
    await see(page.getByRole('link', { name: '10 credits' }));
    await page.getByRole('link', { name: 'Make a key' }).click();
    await see(page.getByRole('heading', { level: 1, name: 'API keys' }));
  });

  it('finds users, changes a role, disables and enables a user', async () => {
    await navigate(page, 'Users');
    await see(page.getByRole('link', { name: 'lin@console.test' }));
    await checkPage(page, 'admin-users', 'Users');
    await page.getByLabel('Search by email or name').fill('LIN');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\?q=LIN/);
    await see(page.getByRole('link', { name: 'lin@console.test' }));
    expect(await page.getByTestId('user-row').count()).toBe(1);
    await page.getByRole('link', { name: 'lin@console.test' }).click();

    await see(page.getByRole('heading', { level: 1, name: 'lin@console.test' }));
    await see(page.getByRole('cell', { name: 'fixture key' }));
    await choose(page, 'Role', /^moderator/);
    await page.getByRole('button', { name: 'Save the role' }).click();
    await see(page.getByText(/· moderator ·/));

    await page.getByRole('button', { name: 'Disable the user' }).click();
    await see(page.getByRole('button', { name: 'Enable the user' }));
    const asUser = new HubClient({ baseURL: hub.url, apiKey: user.apiKey, maxRetries: 0 });
    await expect(asUser.credits.balance()).rejects.toMatchObject({ status: expect.any(Number) });
    await page.getByRole('button', { name: 'Enable the user' }).click();
    await see(page.getByRole('button', { name: 'Disable the user' }));
    expect((await asUser.credits.balance()).balance).toBe(0);
  });

  it('refuses a grant that is not a credit amount, in words', async () => {
    await page.getByLabel('Credits to grant').fill('1.0000001');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    const alert = await see(page.getByRole('alert'));
    expect((await alert.textContent()) ?? '').toMatch(/at most 6 decimals/);
    expect((await alert.textContent()) ?? '').not.toContain('{');
  });

  it('shows usage across users, by day and model', async () => {
    const client = new HubClient({
      baseURL: hub.url,
      auth: { tokenStore: memoryTokenStore() },
      maxRetries: 0,
    });
    await client.auth.login({ email: hub.admin.email, password: hub.admin.password });
    await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] });
    await navigate(page, 'Usage of all users');
    await see(page.getByTestId('usage-row').filter({ hasText: 'mock-small' }));
    await see(page.getByRole('figure', { name: 'Tokens by model' }).getByText('mock-small'));
    await checkPage(page, 'admin-usage', 'Usage of all users');
  });

  it('shows the providers and their deployments with their health', async () => {
    await navigate(page, 'Providers');
    const row = await see(page.getByTestId('deployment-row').filter({ hasText: 'mock-slow' }));
    expect((await row.textContent()) ?? '').toContain('healthy (circuit closed)');
    await checkPage(page, 'admin-providers', 'Providers');
  });

  it('lists the models with their prices', async () => {
    await navigate(page, 'Models and prices');
    const row = await see(page.getByTestId('model-row').filter({ hasText: 'mock-slow' }));
    expect((await row.getByRole('cell').allTextContents()).slice(0, 5)).toEqual([
      'mock-slow',
      '—',
      'mock',
      '1,000',
      '1,000',
    ]);
    await checkPage(page, 'admin-models', 'Models and prices');
  });
});
