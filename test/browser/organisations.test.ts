import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { usccOfType } from '../factories/organisations.js';
import { openMenuLink, openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: organisations', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('an officer registers an organisation, typed in lower case; every page passes the accessibility check', async () => {
    watched = await openPage({ bypassCSP: true });
    const { page, problems } = watched;
    await signIn(page, 'officer.ft', DEMO_PASSWORD);
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));

    await (await openMenuLink(page, '社会组织')).click();
    await page.waitForURL((url) => url.pathname === '/organisations');
    await check('list');
    await page.locator('[data-testid="new-organisation"]').click();
    await page.locator('#f-name').fill('浏览器测试社工服务中心');
    await page.locator('#f-uscc').fill('123');
    await page.locator('#f-orgType').selectOption('social_service_agency');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('[data-testid="organisation-form"] button[type="submit"]').click(),
    ]);
    await page.locator('#f-uscc-error').waitFor({ state: 'visible' });
    expect(await page.locator('#f-name').inputValue()).to.equal('浏览器测试社工服务中心');
    await check('form-422');
    const code = usccOfType('2');
    await page.locator('#f-uscc').fill(code.toLowerCase());
    await Promise.all([
      page.waitForURL((url) => /^\/organisations\/\d+$/.test(url.pathname)),
      page.locator('[data-testid="organisation-form"] button[type="submit"]').click(),
    ]);
    expect(await page.locator('[data-testid="uscc"]').textContent()).to.equal(code);
    await check('detail');
    await page.goto(`${new URL(page.url()).pathname}/status`);
    await check('status-form');
    await page.goto(`${new URL(page.url()).pathname.replace(/\/status$/, '')}/documents/new`);
    await check('document-form');
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      problems.filter((p) => !/status of 422/.test(p)),
      problems.join('\n'),
    ).to.deep.equal([]);
  });

  it('an organisation user finds their own organisation under 本机构', async () => {
    watched = await openPage();
    const { page, problems } = watched;
    await signIn(page, 'org.sunshine', DEMO_PASSWORD);
    await Promise.all([page.waitForURL((url) => /^\/organisations\/\d+$/.test(url.pathname)), openMenuLink(page, '本机构').then((link) => link.click())]);
    expect(await page.locator('h1').textContent()).to.contain('阳光');
    expect(await page.getByRole('link', { name: '修改联系方式' }).isVisible()).to.equal(true);
    expect(await page.getByRole('link', { name: '编辑', exact: true }).count()).to.equal(0);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('an organisation user uploads a qualification document with a progress bar, and sees it listed under its Chinese name', async () => {
    watched = await openPage();
    const { page, problems } = watched;
    await signIn(page, 'org.sunshine', DEMO_PASSWORD);
    await Promise.all([page.waitForURL((url) => /^\/organisations\/\d+$/.test(url.pathname)), openMenuLink(page, '本机构').then((link) => link.click())]);
    const orgPath = new URL(page.url()).pathname;
    await page.goto(`${orgPath}/documents/new`);
    // Note when the progress bar shows up: the page's script inserts it on submit.
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('.upload-progress')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.locator('#f-docType').selectOption('registration_certificate');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    await page.locator('#f-files').setInputFiles({ name: '登记证书（2026年）.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.locator('[data-testid="document-form"] button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === orgPath);
    await page.getByText('登记证书（2026年）.pdf').first().waitFor({ state: 'visible' });
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).to.equal(true);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
