import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../server/seed.js';
import type { Page } from 'playwright-core';
import { baseUrl, openPage, signIn, type WatchedPage } from './support/browser.js';

/**
 * Every page a demo user reaches from the navigation, and every "new …" form those pages offer,
 * opens for that user on an empty database: status 200, the app's own page (no error page), no
 * console error, failed resource or CSP violation. A refactor that breaks one router, presenter
 * or view of any area fails here, whatever the area's own tests cover. Set SCREENSHOT_DIR to keep
 * a screenshot of each page for a person to look at.
 */
/** Each demo user at the office screen; the organisation also on a phone, where its staff hand in deliverables and claims. */
const LANGS = ['zh-CN', 'en'] as const;

/** How far the page is wider than the window (0 when it fits). */
async function overflowOf(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

const WALKS = [
  ...(['admin', 'officer.ft', 'finance.ft', 'evaluator', 'org.sunshine', 'inspector'] as const).map((username) => ({ username, width: 1366, height: 768 })),
  { username: 'org.sunshine', width: 390, height: 844 },
];

describe('browser: every page of each role’s navigation opens', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  for (const { username, width, height } of WALKS) {
    it(`as ${username} at ${width}×${height}`, async () => {
      watched = await openPage({ viewport: { width, height } });
      const { page, problems } = watched;
      await signIn(page, username, DEMO_PASSWORD);
      const navLinks = await page.locator('nav a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      const visited = new Set<string>();
      const queue = [...new Set(navLinks)];
      expect(queue.length, `${username} has a navigation`).to.be.greaterThan(1);
      while (queue.length) {
        const href = queue.shift()!;
        if (visited.has(href)) continue;
        visited.add(href);
        const res = await page.goto(href);
        expect(res?.status(), `${username} GET ${href}`).to.equal(200);
        expect(await page.locator('[data-testid="error-page"]').count(), `${username} GET ${href} shows an error page`).to.equal(0);
        expect(await page.locator('h1').count(), `${username} GET ${href} has a heading`).to.be.greaterThan(0);
        if (process.env.SCREENSHOT_DIR) {
          fs.mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
          const name = `${username}-${width}${href.replace(/[^A-Za-z0-9]+/g, '_')}.png`;
          await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, name), fullPage: true });
        }
        // The forms a list page offers to start ("new …"), one level deep.
        if (navLinks.includes(href)) {
          const forms = await page.locator('main a[href$="/new"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
          queue.push(...forms.filter((f) => f.startsWith('/') && !visited.has(f)));
        }
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});

describe('browser: the menu', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  for (const lang of LANGS) {
    it(`on a phone in ${lang}: starts closed under a short header, opens with the menu button, and its groups lead to their pages`, async () => {
      watched = await openPage({ viewport: { width: 390, height: 844 } });
      const { page, context, problems } = watched;
      await context.addCookies([{ name: 'lang', value: lang, url: baseUrl() }]);
      await signIn(page, 'finance.ft', DEMO_PASSWORD);
      const header = await page.locator('header').boundingBox();
      expect(header!.height, 'the closed menu leaves the screen to the page').to.be.lessThan(80);
      const items = page.locator('[data-testid="main-menu-items"]');
      expect(await items.isVisible()).to.equal(false);
      await page.locator('[data-testid="menu-toggle"]').click();
      await items.waitFor({ state: 'visible' });
      expect(await page.getByRole('button', { name: lang === 'en' ? 'Sign out' : '退出登录' }).isVisible()).to.equal(true);
      // Finance's first group is the money: open it and follow "payments".
      const group = page.locator('details[data-nav-group] > summary').first();
      await group.click();
      const payments = page.locator('details[data-nav-group] a[href="/payments"]');
      await payments.waitFor({ state: 'visible' });
      await Promise.all([page.waitForURL((url) => url.pathname === '/payments'), payments.click()]);
      expect(await overflowOf(page)).to.equal(0);
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }

  it('on a phone without JavaScript: the menu is open and its groups open', async () => {
    watched = await openPage({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const { page } = watched;
    await page.goto('/login');
    await page.locator('#f-username').fill('officer.ft');
    await page.locator('#f-password').fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form[action="/login"] button[type="submit"]').click()]);
    expect(await page.locator('[data-testid="main-menu-items"]').isVisible()).to.equal(true);
    expect(await page.locator('[data-testid="menu-toggle"]').isVisible()).to.equal(false);
    await page.locator('details[data-nav-group] > summary').first().click();
    expect(await page.locator('details[data-nav-group][open] a').first().isVisible()).to.equal(true);
  });

  for (const lang of LANGS) {
    it(`at 1366×768 in ${lang}: one line of menu, with the language switch and sign-out on screen; a group opens as a list and closes on Escape`, async () => {
      watched = await openPage({ viewport: { width: 1366, height: 768 } });
      const { page, context, problems } = watched;
      await context.addCookies([{ name: 'lang', value: lang, url: baseUrl() }]);
      await signIn(page, 'inspector', DEMO_PASSWORD);
      const header = await page.locator('header').boundingBox();
      expect(header!.height, 'the menu takes one line').to.be.lessThan(80);
      for (const name of ['#lang-select', 'form[action="/logout"] button']) {
        const box = await page.locator(name).boundingBox();
        expect(box!.x + box!.width, `${name} is on screen`).to.be.at.most(1366);
      }
      const heights = await page.locator('nav .nav-link').evaluateAll((links) => links.map((l) => l.getBoundingClientRect().height));
      expect(Math.max(...heights), 'no menu item wraps onto two lines').to.be.lessThan(50);
      const summary = page.locator('details[data-nav-group] > summary').first();
      await summary.click();
      const first = page.locator('details[data-nav-group][open] .dropdown-item').first();
      await first.waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await first.waitFor({ state: 'hidden' });
      expect(await overflowOf(page)).to.equal(0);
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
