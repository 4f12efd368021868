import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { openMenuLink, openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: catalogue', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('an officer creates, publishes and revises an item; an organisation user finds it; every page passes the accessibility check', async () => {
    watched = await openPage({ bypassCSP: true });
    const { page, problems } = watched;
    page.on('dialog', (dialog) => dialog.accept());
    await signIn(page, 'officer.ft', DEMO_PASSWORD);
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    const submit = (url: RegExp) =>
      Promise.all([page.waitForURL((u) => url.test(u.pathname)), page.locator('[data-testid="catalogue-form"] button[type="submit"]').click()]);

    await (await openMenuLink(page, '目录')).click();
    await page.waitForURL((url) => url.pathname === '/catalogue');
    await check('list');
    await page.locator('[data-testid="new-item"]').click();
    await check('new-form');
    await page.locator('#f-code').fill('ft-browser-hv-01');
    await page.locator('#f-categoryCode').selectOption('home_visit');
    await page.locator('#f-name').fill('浏览器测试家庭探访');
    await page.locator('#f-referenceUnitPrice').fill('150.005');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('[data-testid="catalogue-form"] button[type="submit"]').click(),
    ]);
    await page.locator('#f-referenceUnitPrice-error').waitFor({ state: 'visible' });
    expect(await page.locator('#f-name').inputValue()).to.equal('浏览器测试家庭探访');
    await check('form-422');
    await page.locator('#f-referenceUnitPrice').fill('150.50');
    await submit(/^\/catalogue\/\d+$/);
    expect(await page.locator('[data-testid="item-price"]').textContent()).to.equal('¥150.50');
    await check('detail');
    await Promise.all([page.waitForURL((u) => /^\/catalogue\/\d+$/.test(u.pathname)), page.locator('[data-testid="publish"]').click()]);
    expect(await page.locator('[data-testid="item-status"]').textContent()).to.equal('已发布');
    await page.locator('[data-testid="edit"]').click();
    await page.locator('[data-testid="revising-note"]').waitFor({ state: 'visible' });
    await check('revise-form');
    await page.locator('#f-referenceUnitPrice').fill('160');
    await submit(/^\/catalogue\/\d+$/);
    expect(await page.locator('[data-testid="item-version"]').textContent()).to.contain('2');
    expect(await page.locator('[data-testid="history-row"]').count()).to.equal(2);
    await page.goto('/catalogue/copy-year');
    await check('copy-year');
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      problems.filter((p) => !/status of 422/.test(p)),
      problems.join('\n'),
    ).to.deep.equal([]);

    await watched.context.close();
    watched = await openPage();
    await signIn(watched.page, 'org.sunshine', DEMO_PASSWORD);
    await watched.page.goto('/catalogue?q=FT-BROWSER');
    expect(await watched.page.locator('[data-testid="catalogue-row"]').count()).to.equal(1);
    expect(await watched.page.locator('[data-testid="new-item"]').count()).to.equal(0);
  });
});
