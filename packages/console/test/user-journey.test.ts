import { HubClient } from '@smart-ai-hub/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from './support/browser.js';
import { type ConsoleHub, STARTER, startConsoleHub } from './support/console-hub.js';
import { checkPage, choose, navigate, openWindow, see, signIn } from './support/console-page.js';
import { screenshot } from './support/screenshots.js';

const email = 'grace@console.test';
const password = 'a sturdy passphrase 42';
const newPassword = 'another sturdy passphrase 77';

/**
 * One person's way through the console, in order, in real Chromium against a real hub: sign up,
 * verify by the mailed link, get credits from an admin, make a key, stream a chat and stop it,
 * see the charge in usage, buy a package, revoke the key, reset the password by the mailed link.
 */
describe.runIf(browserAvailable)('the console, as a new user', () => {
  let hub: ConsoleHub;
  let browser: Browser;
  let page: Page;
  let apiKey: string;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startConsoleHub(), launchChromium()]);
    ({ page } = await openWindow(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('sends a visitor to sign in, and signs up from there', async () => {
    await page.goto(`${hub.url}/`);
    await page.waitForURL(/\/sign-in\?next=/);
    await checkPage(page, 'sign-in', 'Sign in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await (await see(page.getByLabel('Name'))).fill('Grace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await checkPage(page, 'sign-up', 'Create an account');
    await page.getByRole('button', { name: 'Create account' }).click();
    await see(page.getByRole('heading', { level: 1, name: 'Overview' }));
    await see(page.getByText('Your email address is not verified yet'));
  });

  it('shows an API error in words, not as JSON', async () => {
    const other = await openWindow(browser);
    await other.page.goto(`${hub.url}/sign-in`);
    await (await see(other.page.getByLabel('Email'))).fill(email);
    await other.page.getByLabel('Password').fill('not the password at all');
    await other.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const alert = await see(other.page.getByRole('alert'));
    expect((await alert.textContent()) ?? '').toBe('The email or password is wrong');
    await other.context.close();
  });

  it('verifies the email address by the link in the mail', async () => {
    const link = await hub.mailedLink(email, /Confirm your email/);
    expect(link).toMatch(new RegExp(`^${hub.url}/verify-email\\?token=`));
    await page.goto(link);
    await see(page.getByText('Your email address is verified.'));
    await checkPage(page, 'verify-email', 'Verify your email');
  });

  it('gets credits from an admin, who finds the user and grants them', async () => {
    const admin = await openWindow(browser);
    await signIn(admin.page, hub.url, hub.admin.email, hub.admin.password);
    await navigate(admin.page, 'Users');
    await (await see(admin.page.getByLabel('Search by email or name'))).fill('grace@');
    await admin.page.getByRole('button', { name: 'Search' }).click();
    await (await see(admin.page.getByRole('link', { name: email }))).click();
    await see(admin.page.getByRole('heading', { level: 1, name: email }));
    await admin.page.getByLabel('Credits to grant').fill('2');
    await admin.page.getByLabel('Reason').fill('welcome');
    await admin.page.getByRole('button', { name: 'Grant', exact: true }).click();
    await see(admin.page.getByText('Granted 2 credits: the balance is now 2.'));
    await see(admin.page.getByRole('cell', { name: 'welcome' }));
    await checkPage(admin.page, 'admin-user', email);
    await admin.context.close();

    await page.goto(`${hub.url}/credits`);
    await see(page.getByTestId('stat-balance').getByText('2', { exact: true }));
  });

  it('makes an API key with its limits, shown once, and the key works', async () => {
    await navigate(page, 'API keys');
    await (await see(page.getByLabel('Name'))).fill('ci');
    await page.getByRole('checkbox', { name: /profile:read/ }).check();
    await page.getByRole('checkbox', { name: 'mock-slow' }).check();
    await page.getByRole('checkbox', { name: 'mock-small' }).check();
    await page.getByLabel('Spend cap (credits)').fill('1.5');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = await see(page.getByRole('dialog', { name: /Your new key/ }));
    apiKey = await dialog.getByLabel('API key').inputValue();
    expect(apiKey).toMatch(/^sk-hub-/);
    await see(dialog.getByRole('button', { name: 'Copy the key' }));
    await screenshot(page, 'api-key-created');
    await dialog.getByRole('button', { name: 'I have saved it' }).click();
    const row = await see(page.getByTestId('api-key-row').filter({ hasText: 'ci' }));
    expect((await row.textContent()) ?? '').toContain('mock-slow, mock-small');
    expect((await row.textContent()) ?? '').not.toContain(apiKey);

    const withKey = new HubClient({ baseURL: hub.url, apiKey, maxRetries: 0 });
    expect((await withKey.me.get()).email).toBe(email);
  });

  it('streams an answer in the playground, stops it, then shows what a whole answer costs', async () => {
    await navigate(page, 'Playground');
    await choose(page, 'Model', /^mock-slow/);
    await see(page.getByTestId('model-price').getByText('in 1,000 · out 1,000 credits / 1M tokens'));
    await page.getByLabel('System prompt').fill('Answer at length.');
    await page.getByRole('textbox', { name: 'Message' }).fill('Tell me everything.');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByTestId('message-assistant').last();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="message-assistant"]')?.textContent ?? '').split(' ').length >
        8,
    );
    await page.getByRole('button', { name: 'Stop' }).click();
    await see(answer.getByText(/Stopped: the hub charges only what was produced/));
    const words = ((await answer.textContent()) ?? '').split(' ').length;
    expect(words).toBeLessThan(400);

    await choose(page, 'Model', /^mock-small/);
    await page.getByRole('textbox', { name: 'Message' }).fill('And briefly?');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    const charge = await see(
      page
        .getByTestId('message-charge')
        .getByText(/^Cost [\d.]+ credits · \d+ tokens · balance after [\d.]+ credits$/),
    );
    expect((await charge.textContent()) ?? '').toMatch(/balance after 1\.\d+ credits/);
    await checkPage(page, 'playground', 'Playground');

    // The conversation is kept in the browser.
    await page.reload();
    await see(page.getByText('Tell me everything.'));
    await see(page.getByTestId('message-charge').getByText(/^Cost /));
  });

  it('shows the charge of the stopped answer in usage, by model, with a CSV export', async () => {
    await navigate(page, 'Usage');
    await see(page.getByTestId('usage-row').filter({ hasText: 'mock-slow' }));
    const cells = await page
      .getByTestId('usage-row')
      .filter({ hasText: 'mock-slow' })
      .getByRole('cell')
      .allTextContents();
    const cost = Number(cells.at(-1));
    expect(cost).toBeGreaterThan(0);
    await see(page.getByRole('figure', { name: 'Cost by model (credits)' }).getByText('mock-slow'));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('usage-30d.csv');
    await checkPage(page, 'usage', 'Usage');
  });

  it('buys a package through Stripe Checkout and lands on a page that shows the payment', async () => {
    await navigate(page, 'Credits');
    await page.getByRole('button', { name: `Buy ${STARTER.name} for $5.00` }).click();
    await page.waitForURL(/\/pay\//);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/credits\/return\?session_id=/);
    await see(
      page.getByText(
        /^Payment received: 10 credits added for \$5\.00\. Your balance is now 11\.\d+ credits\.$/,
      ),
    );
    await checkPage(page, 'checkout-return', 'Payment');

    await page.getByRole('link', { name: 'Back to credits' }).click();
    await see(page.getByRole('cell', { name: '+10' }));
    await checkPage(page, 'credits', 'Credits');
  });

  it('tells about the payment live in notifications, and marks it read', async () => {
    await see(page.getByRole('link', { name: 'Notifications, 1 unread' }));
    await page.getByRole('link', { name: 'Notifications, 1 unread' }).click();
    await see(page.getByTestId('notification').filter({ hasText: 'Unread:' }));
    await checkPage(page, 'notifications', 'Notifications');
    await page.getByRole('button', { name: /^Mark read: / }).click();
    await see(page.getByText('Nothing unread.'));
  });

  it('revokes the key, which stops working at once', async () => {
    await navigate(page, 'API keys');
    await (await see(page.getByRole('button', { name: 'Revoke key ci' }))).click();
    await (await see(page.getByRole('dialog', { name: 'Revoke “ci”?' })))
      .getByRole('button', { name: 'Revoke' })
      .click();
    await see(page.getByTestId('api-key-row').filter({ hasText: 'Revoked' }));
    await checkPage(page, 'api-keys', 'API keys');
    const withKey = new HubClient({ baseURL: hub.url, apiKey, maxRetries: 0 });
    await expect(withKey.me.get()).rejects.toMatchObject({ status: 401 });
  });

  it('shows the account: profile, password, sessions', async () => {
    await navigate(page, 'Account');
    await see(page.getByText(`Email: ${email}`));
    await see(page.getByTestId('session-row').filter({ hasText: 'this device' }));
    await checkPage(page, 'account', 'Account');
  });

  it('resets a forgotten password by the mailed link, and signs in with the new one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await see(page.getByRole('heading', { level: 1, name: 'Sign in' }));
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await (await see(page.getByLabel('Email'))).fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await see(page.getByText(/a link to reset its password is on its way/));
    await checkPage(page, 'forgot-password', 'Reset your password');

    const link = await hub.mailedLink(email, /Reset your/);
    expect(link).toMatch(new RegExp(`^${hub.url}/reset-password\\?token=`));
    await page.goto(link);
    await (await see(page.getByLabel(/^New password/))).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await checkPage(page, 'reset-password', 'Choose a new password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await see(page.getByText(/Your password is changed/));
    await page.getByRole('link', { name: 'Sign in' }).click();

    await (await see(page.getByLabel('Email'))).fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await see(page.getByRole('alert'));
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await see(page.getByRole('heading', { level: 1, name: 'Overview' }));
  });

  it('signs in through an OAuth provider and lands back in the console, signed in', async () => {
    hub.idp.setUser({ sub: 'acme-7', email: 'oauth-person@console.test', email_verified: true, name: 'Oda' });
    const other = await openWindow(browser);
    await other.page.goto(`${hub.url}/sign-in`);
    await (await see(other.page.getByRole('link', { name: 'Sign in with acme' }))).click();
    await other.page.waitForURL(`${hub.url}/`);
    await see(other.page.getByText('Welcome, Oda.'));
    expect(new URL(other.page.url()).hash).toBe('');
    await other.context.close();
  });
});
