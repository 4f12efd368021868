import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { openPage, signIn, type WatchedPage } from './support/browser.js';

/**
 * Every page a demo user reaches from the navigation, and every "new …" form those pages offer,
 * opens for that user on an empty database: status 200, the app's own page (no error page), no
 * console error, failed resource or CSP violation. A refactor that breaks one router, presenter
 * or view of any area fails here, whatever the area's own tests cover. Set SCREENSHOT_DIR to keep
 * a screenshot of each page for a person to look at.
 */
/** Each demo user at the office screen; the organisation also on a phone, where its staff hand in deliverables and claims. */
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
