import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildEvaluation, buildTemplate, INDICATORS } from '../factories/evaluations.js';
import { buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

const LAPTOP = { width: 1366, height: 768 };

/** Keeps a full-page screenshot when SCREENSHOT_DIR is set (to look at, not to compare). */
async function shot(page: Page, name: string): Promise<void> {
  if (!process.env.SCREENSHOT_DIR) return;
  fs.mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `evaluation-${name}.png`), fullPage: true });
}

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
    await officerPage.locator('[data-testid="confirmation"]').waitFor();
    await checkOfficer('confirmation');
    await Promise.all([officerPage.waitForNavigation(), officerPage.click('[data-testid="confirm-action"]')]);
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

  it('a final evaluation whose computed indicator has no data: the officer is warned at scheduling, the scores of the evaluator survive a refusal, the officer marks the indicator not applicable and the evaluator submits (#12)', async function () {
    this.timeout(240_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildPaymentContract({ officer, finance, lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    // timeliness: no deliverable is ever due on this contract
    const template = await buildTemplate(officer, [
      { name: '按时提交率', computedCode: 'timeliness', weight: 20, scale: null },
      INDICATORS[1]!,
      INDICATORS[2]!,
    ]);
    const clicks = { officer: 0, evaluator: 0 };
    const violations: string[] = [];

    watched = await openPage({ bypassCSP: true, viewport: LAPTOP });
    const o = watched.page;
    await signIn(o, 'officer.ft', DEMO_PASSWORD);
    await o.goto(`/contracts/${built.contract.id}`);
    await o.getByTestId('schedule-evaluation').click();
    clicks.officer += 1;
    await o.getByLabel('评价模板').selectOption({ label: template.name });
    clicks.officer += 1;
    await shot(o, '1-schedule');
    await Promise.all([o.waitForURL(/\/evaluations\/\d+$/), o.getByRole('button', { name: '安排评价' }).click()]);
    clicks.officer += 1;
    const evaluationUrl = new URL(o.url()).pathname;
    expect(await o.locator('.alert-warning').first().textContent()).to.contain('目前没有可计算的数据');
    await shot(o, '2-scheduled-warning');
    violations.push(...(await seriousA11yViolations(o)).map((v) => `officer evaluation ${v}`));
    await o
      .getByLabel('评估人员')
      .selectOption({ label: '评估人员（evaluator）' })
      .catch(async () => {
        await o.locator('#f-evaluatorId').selectOption({ index: 1 });
      });
    clicks.officer += 1;
    await Promise.all([o.waitForURL(`**${evaluationUrl}`), o.getByRole('button', { name: '指派' }).click()]);
    clicks.officer += 1;

    const evaluatorWatch = await openPage({ bypassCSP: true, viewport: LAPTOP });
    const e = evaluatorWatch.page;
    try {
      await signIn(e, 'evaluator', DEMO_PASSWORD);
      await e.goto('/evaluations/queue');
      await e.locator(`a[href="${evaluationUrl}"]`).first().click();
      clicks.evaluator += 1;
      await e.waitForURL(`**${evaluationUrl}`);
      expect(await e.getByTestId('submit').isDisabled()).to.equal(true);
      expect(await e.getByTestId('submit-block').textContent()).to.contain('按时提交率');
      await e.locator('#f-score_2').fill('88');
      await e.locator('#f-comment_2').fill('服务记录完整，家访质量高');
      await e.locator('#f-score_3').fill('92');
      // saved as a draft while typing (the page's script): a reload keeps them
      const lastSave = e.waitForResponse((r) => r.url().endsWith('/scores') && r.status() === 200 && !!r.request().postData()?.includes('%E8%89%AF%E5%A5%BD'));
      await e.locator('#f-comment_3').fill('满意度调查结果良好');
      await lastSave;
      await e.getByTestId('draft-hint').filter({ hasText: '草稿已自动保存' }).waitFor();
      await shot(e, '3-evaluator-blocked');
      await e.reload();
      expect(await e.locator('#f-score_2').inputValue()).to.equal('88.00');
      expect(await e.locator('#f-comment_3').inputValue()).to.equal('满意度调查结果良好');
      await e.locator('#f-score_3').fill('92.5');
      violations.push(...(await seriousA11yViolations(e)).map((v) => `evaluator scoring ${v}`));
      // A page opened before the button was disabled (or a replayed post): the refusal comes back on the page, the input kept.
      await e.getByTestId('submit').evaluate((b) => b.removeAttribute('disabled'));
      await e.getByTestId('submit').click();
      clicks.evaluator += 1;
      await e.getByTestId('refusal').waitFor();
      expect(new URL(e.url()).pathname).to.equal(`${evaluationUrl}/scores`);
      expect(await e.locator('#f-score_2').inputValue()).to.equal('88.00');
      expect(await e.locator('#f-score_3').inputValue()).to.equal('92.5');
      expect(await e.locator('#f-comment_3').inputValue()).to.equal('满意度调查结果良好');
      await shot(e, '4-evaluator-refused');

      await o.reload();
      await o.getByLabel('不适用的原因').fill('本次终期评价期间内没有到期的服务成果');
      // The page posts back to the address it is on: wait for the answer, not for the address.
      await Promise.all([o.waitForResponse((r) => r.url().endsWith('/not-applicable')), o.getByRole('button', { name: '标记为不适用' }).click()]);
      clicks.officer += 1;
      await o.getByTestId('not-applicable').first().waitFor();
      expect(await o.getByTestId('not-applicable').count()).to.equal(1);
      await shot(o, '5-not-applicable');
      violations.push(...(await seriousA11yViolations(o)).map((v) => `officer not applicable ${v}`));

      await e.goto(evaluationUrl);
      // the scores typed before the refusal were kept as a draft
      expect(await e.locator('#f-score_3').inputValue()).to.equal('92.50');
      await Promise.all([e.waitForURL(`**${evaluationUrl}`), e.getByTestId('submit').click()]);
      clicks.evaluator += 1;
      // (50 × 88 + 30 × 92.5) / 80 = 89.68 (truncated) → 良好
      expect(await e.getByTestId('grade').first().textContent()).to.contain('89.68');
      await shot(e, '6-submitted');
      // the refused submission's own 409 is the one expected console line
      const problems = evaluatorWatch.problems.filter((p) => !p.includes('409 (Conflict)'));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    } finally {
      await evaluatorWatch.context.close();
    }
    expect(watched.problems, watched.problems.join('\n')).to.deep.equal([]);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    process.stdout.write(`      clicks: officer ${clicks.officer}, evaluator ${clicks.evaluator}\n`);
  });
});
