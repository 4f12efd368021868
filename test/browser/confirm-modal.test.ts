import { expect } from 'chai';
import { User } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

/**
 * The second look before money moves (#13): with JavaScript the confirmation opens as a modal on
 * the page itself, with the same text and amount; cancelling leaves everything as it was, and
 * confirming acts. Without JavaScript the same button leads to the confirmation page.
 */
describe('browser: the confirmation before money moves', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  async function requestedPayments(count: number) {
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildPaymentContract({ instalmentFen: [123_456, 200_000, 300_000], committedFen: 623_456, officer, finance });
    return Promise.all(built.instalments.slice(0, count).map((i) => buildPayment(built, i, { status: 'requested', requester: officer })));
  }

  it('with JavaScript: approving a payment asks in a modal on the same page; Escape and cancel change nothing; confirming approves', async () => {
    const [payment] = await requestedPayments(1);
    watched = await openPage({ viewport: { width: 1366, height: 768 } });
    const { page, problems } = watched;
    await signIn(page, 'finance.ft', DEMO_PASSWORD);
    const url = `/payments/${payment.id}`;
    await page.goto(url);
    const modal = page.locator('#confirm-modal');
    await page.locator('[data-testid="approve"]').click();
    await modal.locator('[data-testid="confirm-action"]').waitFor({ state: 'visible' });
    expect(new URL(page.url()).pathname, 'still on the payment').to.equal(url);
    expect(await modal.locator('[data-testid="confirm-amount"]').textContent()).to.equal('¥1,234.56');
    expect(await modal.locator('#confirm-title').textContent()).to.match(/\S/);
    expect(await modal.getAttribute('aria-modal')).to.equal('true');
    // The keyboard is in the dialog once it has opened, so Escape closes it.
    await page.waitForFunction(() => document.activeElement?.closest('#confirm-modal') !== null);
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });
    await page.locator('[data-testid="approve"]').click();
    await modal.locator('[data-testid="confirm-cancel"]').click();
    await modal.waitFor({ state: 'detached' });
    expect((await Payment.findByPk(payment.id))!.status, 'nothing changed').to.equal('requested');
    await page.locator('[data-testid="approve"]').click();
    await modal.locator('[data-testid="confirm-action"]').waitFor({ state: 'visible' });
    await Promise.all([page.waitForNavigation(), modal.locator('[data-testid="confirm-action"]').click()]);
    expect(new URL(page.url()).pathname).to.equal(url);
    expect(await page.locator('[data-testid="payment-status"]').textContent()).to.equal('已批准');
    expect((await Payment.findByPk(payment.id))!.status).to.equal('approved');
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('the modal passes the accessibility check, on a phone too', async () => {
    const [payment] = await requestedPayments(1);
    watched = await openPage({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const { page } = watched;
    await signIn(page, 'finance.ft', DEMO_PASSWORD);
    await page.goto(`/payments/${payment.id}`);
    await page.locator('[data-testid="approve"]').click();
    await page.locator('#confirm-modal [data-testid="confirm-action"]').waitFor({ state: 'visible' });
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).to.be.at.most(0);
  });

  it('without JavaScript: the same button leads to the confirmation page, which approves', async () => {
    const [payment] = await requestedPayments(1);
    watched = await openPage({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false });
    const { page } = watched;
    await page.goto('/login');
    await page.locator('#f-username').fill('finance.ft');
    await page.locator('#f-password').fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('form[action="/login"] button[type="submit"]').click()]);
    await page.goto(`/payments/${payment.id}`);
    await Promise.all([page.waitForNavigation(), page.locator('[data-testid="approve"]').click()]);
    expect(new URL(page.url()).pathname).to.equal(`/payments/${payment.id}/approve`);
    expect(await page.locator('[data-testid="confirm-amount"]').textContent()).to.equal('¥1,234.56');
    expect((await Payment.findByPk(payment.id))!.status).to.equal('requested');
    await Promise.all([page.waitForNavigation(), page.locator('[data-testid="confirm-action"]').click()]);
    expect((await Payment.findByPk(payment.id))!.status).to.equal('approved');
  });
});
