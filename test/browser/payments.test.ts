import { expect } from 'chai';
import { User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: payments and the finance dashboard', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('draws the finance charts under the strict CSP, and the payment pages and the printable form pass the accessibility check', async () => {
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildPaymentContract({ instalmentFen: [1_234_567, 765_433], committedFen: 2_000_000, officer, finance });
    const payment = await buildPayment(built, built.instalments[0], { status: 'requested' });

    watched = await openPage();
    await signIn(watched.page, 'finance.ft', DEMO_PASSWORD);
    // All years: the page opens on this budget year, which other walks may leave without money (no chart then).
    await watched.page.goto('/finance?year=');
    await watched.page.waitForFunction(() => {
      const c = (window as unknown as { Chart?: { getChart: (id: string) => unknown } }).Chart;
      return Boolean(c?.getChart('fund-source-chart'));
    });
    expect(watched.problems, watched.problems.join('\n')).to.deep.equal([]);
    await watched.context.close();

    watched = await openPage({ bypassCSP: true });
    const { page } = watched;
    await signIn(page, 'finance.ft', DEMO_PASSWORD);
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    await page.goto('/finance');
    await check('dashboard');
    await page.goto('/payments');
    await check('list');
    await page.goto('/payments/queue');
    await check('queue');
    await page.goto(`/payments/${payment.id}`);
    await check('detail');
    await page.goto(`/payments/${payment.id}/form`);
    expect(await page.locator('[data-testid="amount-capitals"]').textContent()).to.equal('壹万贰仟叁佰肆拾伍元陆角柒分');
    await check('form');
    await page.goto(`/payments/contracts/${built.contract.id}`);
    await check('contract');
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });
});
