import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditsToUnits } from '../../server/src/domains/credits/money.js';
import { createUser, type TestUser } from '../../server/test/support/auth-fixtures.js';
import { browserAvailable, launchChromium } from './support/browser.js';
import { type ConsoleHub, startConsoleHub } from './support/console-hub.js';
import { checkPage, navigate, openWindow, see } from './support/console-page.js';
import { screenshot } from './support/screenshots.js';

/** The console on a 375 px phone, driven by the keyboard where a person would. */
describe.runIf(browserAvailable)('the console on a phone, by keyboard', () => {
  let hub: ConsoleHub;
  let browser: Browser;
  let page: Page;
  let user: TestUser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startConsoleHub(), launchChromium()]);
    ({ page } = await openWindow(browser, 'phone'));
    user = await createUser(hub.testHub, {
      email: 'kim@console.test',
      name: 'Kim',
      password: 'a phone passphrase 375',
    });
    await hub.testHub.hub.services.credits.grant({
      userId: user.user.id,
      amount: creditsToUnits(3),
      idempotencyKey: `phone-${user.user.id}`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('signs in with the keyboard alone', async () => {
    await page.goto(`${hub.url}/sign-in`);
    await see(page.getByLabel('Email'));
    await checkPage(page, 'phone-sign-in', 'Sign in', { screenshot: false });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('email');
    await page.keyboard.type(user.user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await see(page.getByRole('heading', { level: 1, name: 'Overview' }));
    await checkPage(page, 'phone-overview', 'Overview');
  });

  it('skips to the content from the first Tab', async () => {
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('opens the navigation from the menu button and closes it with Escape', async () => {
    await page.getByRole('button', { name: 'Open navigation' }).click();
    const nav = await see(page.getByRole('navigation', { name: 'Console' }));
    await screenshot(page, 'phone-navigation');
    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
  });

  it('chats in the playground at 375 px, sending with Enter, and shows the cost', async () => {
    await navigate(page, 'Playground');
    await (await see(page.getByRole('textbox', { name: 'Message' }))).fill('Hello from a phone');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await see(page.getByTestId('message-charge').getByText(/^Cost /));
    await checkPage(page, 'phone-playground', 'Playground');
  });

  it('fits every page of a user in the phone width, with no serious accessibility issue', async () => {
    for (const [link, heading] of [
      ['Credits', 'Credits'],
      ['API keys', 'API keys'],
      ['Usage', 'Usage'],
      ['Notifications', 'Notifications'],
      ['Account', 'Account'],
    ]) {
      await navigate(page, link!);
      await checkPage(page, `phone-${link!.toLowerCase().replace(' ', '-')}`, heading!, {
        screenshot: false,
      });
    }
  });
});
