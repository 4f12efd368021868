import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { internalCodesIn } from '../support/internal-codes.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { baseUrl, openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

/**
 * Every page a demo user reaches from the navigation, every "new …" form those pages offer,
 * and the first record each list links to (test/routes/internal-codes.test.ts renders a record
 * page of every kind, printed forms included, with the same check), for each demo user on the office screen (1366×768) and
 * on a phone (390×844), in Chinese and in English: status 200, the app's own page (no error
 * page), no console error, failed resource or CSP violation, no page wider than the window, no
 * serious or critical axe-core finding, and no internal code shown as text (a metric key, an
 * amount in fen, a raw path; in English no full-width punctuation after English text). A refactor that breaks one router, presenter or view of any area
 * fails here, whatever the area's own tests cover. Set SCREENSHOT_DIR to keep a screenshot of
 * each page for a person to look at.
 */
const USERS = ['admin', 'officer.ft', 'finance.ft', 'evaluator', 'org.sunshine', 'inspector'] as const;
const SCREENS = [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
] as const;
const LANGS = ['zh-CN', 'en'] as const;

/** What of the page's visible text is an internal code a person should not have to read. */
async function internalCodesShown(page: Page, lang: string): Promise<string[]> {
  return internalCodesIn(await page.locator('main').innerText(), lang);
}

/** How far the page is wider than the window (0 when it fits). */
async function overflowOf(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe('browser: every page of each role’s navigation opens, fits and reads', () => {
  let watched: WatchedPage | undefined;
  const a11yChecked = new Set<string>();

  before(async () => {
    // Records to show: the demo organisation's contract with targets and reported deliverables,
    // and a contract with instalments and a payment, so lists have rows and records have pages.
    const [officer, finance, org] = await Promise.all(
      ['officer.ft', 'finance.ft', 'org.sunshine'].map(async (username) => (await User.findOne({ where: { username } }))!),
    );
    await buildDeliverableContract({ officer, finance, orgUser: org, targets: [{ categoryCode: 'home_visit', metric: 'visits', targetCount: 150 }] });
    const paid = await buildPaymentContract({ officer, finance });
    await paid.contract.update({ organisationId: org.organisationId! });
    await buildPayment(paid, paid.instalments[0], { requester: officer });
  });

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  for (const username of USERS) {
    for (const { width, height } of SCREENS) {
      for (const lang of LANGS) {
        it(`as ${username} at ${width}×${height} in ${lang}`, async function () {
          // Forty-odd pages each read by axe: on a busy shared machine this takes minutes, not seconds.
          this.timeout(900_000);
          // axe-core is served to the page from its own origin (support/browser.ts), so the CSP stays on.
          watched = await openPage({ viewport: { width, height } });
          const { page, context, problems } = watched;
          await context.addCookies([{ name: 'lang', value: lang, url: baseUrl() }]);
          await signIn(page, username, DEMO_PASSWORD);
          const navLinks = await page.locator('nav a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
          const visited = new Set<string>();
          const queue = [...new Set(navLinks)];
          const findings: string[] = [];
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
              const name = `${username}-${width}-${lang}${href.replace(/[^A-Za-z0-9]+/g, '_')}.png`;
              await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, name), fullPage: true });
            }
            const overflow = await overflowOf(page);
            if (overflow > 0) findings.push(`${href}: the page is ${overflow} px wider than the window`);
            // The same page at the same size in the same language is checked once, whoever opens it first.
            const a11yKey = `${width} ${lang} ${href}`;
            if (!a11yChecked.has(a11yKey)) {
              a11yChecked.add(a11yKey);
              for (const v of await seriousA11yViolations(page)) findings.push(`${href}: ${v}`);
            }
            for (const c of await internalCodesShown(page, lang)) findings.push(`${href}: shows ${c}`);
            // The forms a list page offers to start ("new …") and the first record it lists, one level deep.
            if (navLinks.includes(href)) {
              const forms = await page.locator('main a[href$="/new"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
              const record = await page.locator('main table tbody a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? '').slice(0, 1));
              queue.push(...[...forms, ...record].filter((f) => f.startsWith('/') && !/\.(pdf|csv|xlsx)$|format=|\/download/.test(f) && !visited.has(f)));
            }
          }
          expect(findings, findings.join('\n')).to.deep.equal([]);
          expect(problems, problems.join('\n')).to.deep.equal([]);
        });
      }
    }
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
    it(`at 1366×768 in ${lang}, for every role: one line of menu, with the language switch and sign-out on screen`, async () => {
      for (const username of USERS) {
        watched = await openPage({ viewport: { width: 1366, height: 768 } });
        const { page, context, problems } = watched;
        await context.addCookies([{ name: 'lang', value: lang, url: baseUrl() }]);
        await signIn(page, username, DEMO_PASSWORD);
        const header = await page.locator('header').boundingBox();
        expect(header!.height, `${username}: the menu takes one line`).to.be.lessThan(80);
        for (const name of ['[data-testid="language-button"]', 'form[action="/logout"] button']) {
          const box = await page.locator(name).boundingBox();
          expect(box!.x + box!.width, `${username}: ${name} is on screen`).to.be.at.most(1366);
          expect(box!.y + box!.height, `${username}: ${name} is in the header's line`).to.be.at.most(header!.height);
        }
        const heights = await page.locator('nav .nav-link').evaluateAll((links) => links.map((l) => l.getBoundingClientRect().height));
        expect(Math.max(...heights), `${username}: no menu item wraps onto two lines`).to.be.lessThan(50);
        expect(await overflowOf(page), username).to.equal(0);
        expect(problems, problems.join('\n')).to.deep.equal([]);
        await context.close();
        watched = undefined;
      }
    });

    it(`at 1366×768 in ${lang}: a group opens as a list and closes on Escape; the person's name opens their settings`, async () => {
      watched = await openPage({ viewport: { width: 1366, height: 768 } });
      const { page, context, problems } = watched;
      await context.addCookies([{ name: 'lang', value: lang, url: baseUrl() }]);
      await signIn(page, 'inspector', DEMO_PASSWORD);
      const summary = page.locator('details[data-nav-group] > summary').first();
      await summary.click();
      const first = page.locator('details[data-nav-group][open] .dropdown-item').first();
      await first.waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await first.waitFor({ state: 'hidden' });
      await page.locator('[data-testid="account-menu"] > summary').click();
      const password = page.locator('[data-testid="account-menu"] a[href="/account/password"]');
      await password.waitFor({ state: 'visible' });
      await Promise.all([page.waitForURL((url) => url.pathname === '/account/password'), password.click()]);
      // One click switches to the other language and stays on the page.
      await Promise.all([page.waitForURL((url) => url.pathname === '/account/password'), page.locator('[data-testid="language-button"]').click()]);
      expect(await page.locator('html').getAttribute('lang')).to.equal(lang === 'en' ? 'zh-CN' : 'en');
      expect(await overflowOf(page)).to.equal(0);
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
