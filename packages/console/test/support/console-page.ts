import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { seriousViolations } from './axe.js';
import { screenshot } from './screenshots.js';

/** How long a step may take before the test fails (the machine is shared: generous, never slept). */
export const STEP_MS = 20_000;

/** Waits until `locator` is visible (auto-waiting, like a person looking for it). */
export async function see(locator: Locator): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout: STEP_MS });
  return locator.first();
}

/**
 * A browser window of its own (cookies, storage), at a desktop or a phone size, asking for
 * reduced motion (the console then has no transitions, so what axe-core sees is what stays).
 */
export async function openWindow(
  browser: Browser,
  size: 'desktop' | 'phone' = 'desktop',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(
    size === 'phone'
      ? {
          viewport: { width: 375, height: 812 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          reducedMotion: 'reduce',
        }
      : { viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' },
  );
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  (page as Page & { problems?: string[] }).problems = problems;
  return { context, page };
}

/** Errors the page threw (uncaught), collected since it opened. */
export function pageProblems(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

/**
 * The checks every page gets once its content is in: no serious or critical axe-core violation,
 * nothing wider than the window, its one `h1`; then a screenshot for the README.
 */
export async function checkPage(
  page: Page,
  name: string,
  heading: string | RegExp,
  options: { screenshot?: boolean } = {},
): Promise<void> {
  await see(page.getByRole('heading', { level: 1, name: heading }));
  // Let the page settle: no progress bar left (data loaded), no animation half-way.
  await page.waitForFunction(
    () => document.querySelectorAll('[role="progressbar"]').length === 0,
    undefined,
    {
      timeout: STEP_MS,
    },
  );
  const violations = await seriousViolations(page);
  expect(violations, `axe-core on ${name}`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} is wider than the window`).toBeLessThanOrEqual(0);
  expect(pageProblems(page), `${name} threw`).toEqual([]);
  if (options.screenshot !== false) await screenshot(page, name);
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await (await see(page.getByLabel('Email'))).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await see(page.getByRole('button', { name: 'Sign out' }));
}

/** Picks `option` in the MUI select labelled `label`. */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await (await see(page.getByRole('option', { name: option }))).click();
}

/** Goes to a console page through the navigation (opening the menu first on a phone). */
export async function navigate(page: Page, link: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Open navigation' });
  if (await menu.isVisible()) await menu.click();
  await (
    await see(
      page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link, exact: true }),
    )
  ).click();
}
