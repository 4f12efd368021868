import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: sign-in', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('signs an officer in through the form and shows the dashboard, without console errors or CSP violations', async () => {
    watched = await openPage();
    const { page, problems } = watched;
    await page.goto('/login');
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-CN');
    await page.getByLabel('用户名').fill('officer.ft');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: '登录' }).click()]);

    const heading = page.locator('[data-testid="dashboard-heading"]');
    await heading.waitFor({ state: 'visible' });
    expect(await heading.textContent()).to.contain('福田区民政局 经办人');
    const signedInAs = page.locator('[data-testid="signed-in-as"]');
    expect(await signedInAs.isVisible()).to.equal(true);
    expect(await signedInAs.textContent())
      .to.contain('福田区民政局 经办人')
      .and.to.contain('业务经办人');
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('refuses a wrong password on the page, keeping the username', async () => {
    watched = await openPage();
    const { page, problems } = watched;
    await page.goto('/login');
    await page.locator('#f-username').fill('finance.ft');
    await page.locator('#f-password').fill('not the demo password');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.locator('form[action="/login"] button[type="submit"]').click(),
    ]);
    await page.locator('[data-testid="form-errors"]').waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid="form-errors"]').textContent()).to.contain('用户名或密码不正确');
    expect(await page.locator('#f-username').inputValue()).to.equal('finance.ft');
    expect(await page.locator('#f-password').inputValue()).to.equal('');
    // The 422 of the refused sign-in is the only error the console may show.
    expect(
      problems.filter((p) => !/status of 422/.test(p)),
      problems.join('\n'),
    ).to.deep.equal([]);
  });

  it('switches the interface to English with the navbar language form, and keeps it', async () => {
    watched = await openPage();
    const { page, problems } = watched;
    await signIn(page, 'finance.ft', DEMO_PASSWORD);
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).to.contain('当前用户');

    // One button switches to the other language.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/lang'),
      page.locator('[data-testid="language-button"]').click(),
    ]);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.locator('[data-testid="dashboard-heading"]').waitFor({ state: 'visible' });
    expect(new URL(page.url()).pathname).to.equal('/');
    expect(await page.locator('[data-testid="dashboard-heading"]').textContent()).to.match(/^Hello, /);
    expect(await page.locator('[data-testid="signed-in-as"]').textContent())
      .to.contain('Signed in as')
      .and.to.contain('Finance reviewer');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).to.equal(true);

    await page.reload();
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(await page.locator('[data-testid="dashboard-heading"]').textContent()).to.match(/^Hello, /);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('switches the sign-in page to English with the button when JavaScript is off', async () => {
    watched = await openPage({ javaScriptEnabled: false });
    const { page } = watched;
    await page.goto('/login');
    await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.locator('[data-testid="language-button"]').click()]);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(await page.locator('form[action="/login"] button[type="submit"]').textContent()).to.contain('Sign in');
    expect(await page.locator('label[for="f-username"]').textContent()).to.contain('Username');
  });

  it('has no serious or critical accessibility violations on the sign-in page and the dashboard (axe-core)', async () => {
    // axe is injected inline, which our nonce CSP rightly refuses: this context bypasses CSP.
    watched = await openPage({ bypassCSP: true });
    const { page } = watched;
    await page.goto('/login');
    const onLogin = await seriousA11yViolations(page);
    await signIn(page, 'officer.ft', DEMO_PASSWORD);
    const onDashboard = await seriousA11yViolations(page);
    const all = [...onLogin.map((v) => `/login ${v}`), ...onDashboard.map((v) => `/ ${v}`)];
    expect(all, all.join('\n')).to.deep.equal([]);
  });
});
