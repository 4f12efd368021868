import { expect } from 'chai';
import { User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: evaluations', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the evaluator scores and submits in the browser, the officer confirms, and every evaluation page passes the accessibility check', async function () {
    this.timeout(240_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const evaluator = (await User.findOne({ where: { username: 'evaluator' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildPaymentContract({ officer, finance, lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const { evaluation } = await buildEvaluation({ built, evaluator });

    watched = await openPage({ bypassCSP: true });
    const { page } = watched;
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    await signIn(page, 'evaluator', DEMO_PASSWORD);
    await page.goto(`/evaluations/${evaluation.id}`);
    await check('scoring');
    await page.fill('#f-score_2', '92.5');
    await page.fill('#f-comment_2', '服务记录完整，家访质量高');
    await page.fill('#f-score_3', '90');
    await page.fill('#f-comment_3', '满意度调查结果良好');
    await page.click('[data-testid="submit"]');
    await page.waitForURL(`**/evaluations/${evaluation.id}`);
    expect(await page.locator('[data-testid="grade"]').first().textContent()).to.contain('优秀');
    await page.goto('/evaluations/queue');
    await check('evaluator queue');
    await watched.context.close();

    watched = await openPage({ bypassCSP: true });
    const officerPage = watched.page;
    const checkOfficer = async (label: string) => violations.push(...(await seriousA11yViolations(officerPage)).map((v) => `${label} ${v}`));
    await signIn(officerPage, 'officer.ft', DEMO_PASSWORD);
    await officerPage.goto(`/evaluations/${evaluation.id}`);
    await checkOfficer('confirming');
    await officerPage.selectOption('#f-consequence', 'reward');
    await officerPage.click('[data-testid="confirm"]');
    await officerPage.waitForURL(`**/evaluations/${evaluation.id}`);
    expect(await officerPage.locator('[data-testid="status"]').textContent()).to.equal('已确认');
    for (const [label, url] of [
      ['list', '/evaluations'],
      ['queue', '/evaluations/queue'],
      ['report', `/evaluations/${evaluation.id}/report`],
      ['templates', '/evaluations/templates'],
      ['template form', '/evaluations/templates/new'],
      ['samples', '/evaluations/samples'],
      ['ranking', '/evaluations/ranking'],
      ['schedule', `/evaluations/new?contractId=${built.contract.id}`],
      ['contract', `/contracts/${built.contract.id}`],
    ]) {
      await officerPage.goto(url);
      await checkOfficer(label);
    }
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });
});
