import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Award } from '../../models/Award.js';
import { Evaluation } from '../../models/Evaluation.js';
import { Organisation, User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildTemplate } from '../factories/evaluations.js';
import { buildPaymentContract } from '../factories/payments.js';
import { buildProject } from '../factories/projects.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

/**
 * Journey 4 of #12: a final evaluation scheduled (officer), scored (evaluator), confirmed 不合格
 * with a consequence (officer), and the 不合格 weighed at the organisation's next award — in
 * Chinese, at 1366×768, with the demo accounts. What is there before the journey starts (an active
 * contract with its schedule, an evaluation template, the next project out to tender) is built by
 * the factories; every step of the journey is a click or a typed field. The clicks are counted;
 * SCREENSHOT_DIR keeps a screenshot of each page.
 */
describe('browser journey 4: a final evaluation, 不合格 with its consequence, weighed at the next award', () => {
  const watched: WatchedPage[] = [];
  let clicks = 0;
  let shot = 0;

  afterEach(async () => {
    for (const w of watched.splice(0)) await w.context.close();
  });

  const open = async () => {
    const w = await openPage({ viewport: { width: 1366, height: 768 }, bypassCSP: true });
    watched.push(w);
    return w.page;
  };
  /** A click (or a choice in a list) the user makes, counted. */
  const click = async (page: Page, selector: string) => {
    clicks += 1;
    await page.locator(selector).first().click();
  };
  const choose = async (page: Page, selector: string, value: string | { index: number } | { label: string }) => {
    clicks += 1;
    await page.selectOption(selector, value);
  };
  const violations: string[] = [];
  const screenshot = async (page: Page, name: string) => {
    violations.push(...(await seriousA11yViolations(page)).map((v) => `${name}: ${v}`));
    if (!process.env.SCREENSHOT_DIR) return;
    fs.mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
    shot += 1;
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `journey4-${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  it('schedules, scores, confirms 不合格 with a rectification, and the next award warns and asks the officer to acknowledge it', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildPaymentContract({ officer, finance, lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const template = await buildTemplate(officer);
    const next = await buildProject({ creator: officer, status: 'tendering', title: '下一年度困境儿童家庭探访服务' });
    const organisation = (await Organisation.findByPk(built.contract.organisationId))!;

    // The officer schedules the final evaluation from the contract's page and assigns the evaluator.
    const o = await open();
    await signIn(o, 'officer.ft', DEMO_PASSWORD);
    clicks += 1;
    await o.goto(`/contracts/${built.contract.id}`);
    await click(o, '[data-testid="schedule-evaluation"]');
    await o.waitForURL('**/evaluations/new**');
    await screenshot(o, 'schedule-form');
    expect(await o.locator('#f-kind').inputValue()).to.equal('final');
    // Its own template, by name: other walks leave templates of the district (one whose indicator has no data blocks submitting).
    if ((await o.locator('#f-templateId').inputValue()) !== String(template.id)) await choose(o, '#f-templateId', { label: template.name });
    await click(o, '[data-testid="schedule-form"] button[type="submit"]');
    await o.waitForURL(/\/evaluations\/\d+$/);
    const evaluationId = Number(/\/evaluations\/(\d+)$/.exec(o.url())![1]);
    const evaluator = (await User.findOne({ where: { username: 'evaluator' } }))!;
    await choose(o, '#f-evaluatorId', String(evaluator.id));
    await click(o, '[data-testid="assign-form"] button[type="submit"]');
    await o.waitForURL(`**/evaluations/${evaluationId}`);
    await screenshot(o, 'scheduled-assigned');

    // The evaluator finds it on the dashboard, scores it low and submits.
    const e = await open();
    await signIn(e, 'evaluator', DEMO_PASSWORD);
    clicks += 1;
    await screenshot(e, 'evaluator-dashboard');
    await click(e, 'a[href="/evaluations/queue"]');
    await click(e, `a[href="/evaluations/${evaluationId}"]`);
    await e.waitForURL(`**/evaluations/${evaluationId}`);
    await e.fill('#f-score_2', '40');
    await e.fill('#f-comment_2', '家访记录缺失过半，服务频次不达标');
    await e.fill('#f-score_3', '45');
    await e.fill('#f-comment_3', '满意度调查回收率低');
    await screenshot(e, 'scoring');
    await click(e, '[data-testid="submit"]');
    await e.waitForURL(`**/evaluations/${evaluationId}`);
    expect(await e.locator('[data-testid="grade"]').first().textContent()).to.contain('不合格');

    // The officer confirms: 不合格 cannot be confirmed without a consequence; a rectification with a deadline and an item.
    await o.goto('/');
    await screenshot(o, 'officer-dashboard');
    await click(o, 'a[href="/evaluations/queue"]');
    await click(o, `a[href="/evaluations/${evaluationId}"]`);
    await o.waitForURL(`**/evaluations/${evaluationId}`);
    await screenshot(o, 'confirm-form');
    await o.fill('#f-note', '终期评价不合格，须限期整改');
    await click(o, '[data-testid="confirm"]');
    await o.locator('#f-consequence-error').waitFor();
    expect(await o.locator('#f-consequence-error').textContent()).to.contain('不合格须选择限期整改或取消承接资格');
    expect(await o.locator('#f-note').inputValue()).to.equal('终期评价不合格，须限期整改');
    await screenshot(o, 'confirm-refused');
    await choose(o, '#f-consequence', 'rectification');
    await o.fill('#f-rectificationDeadline', '2099-03-31');
    await o.fill('#f-item_0', '补齐全部家访记录并完成回访');
    await click(o, '[data-testid="confirm"]');
    // A second look (#13): total and grade, then the confirmed post.
    await o.locator('[data-testid="confirmation"]').waitFor();
    await Promise.all([o.waitForNavigation(), click(o, '[data-testid="confirm-action"]')]);
    await o.waitForURL(`**/evaluations/${evaluationId}`);
    expect(await o.locator('[data-testid="status"]').textContent()).to.equal('已确认');
    expect((await Evaluation.findByPk(evaluationId))!.consequence).to.equal('rectification');
    await screenshot(o, 'confirmed');

    // The contract page says what the last instalment waits for: a final evaluation of at least 合格 (the latest was 不合格).
    await click(o, `a[href="/contracts/${built.contract.id}"]`);
    const waits = await o.locator('[data-testid="instalment-waits"]').last().textContent();
    expect(waits).to.contain('终期评价').and.to.contain('不合格');
    await screenshot(o, 'contract-waits');

    // The next award: the organisation's record warns of the 不合格 and the open rectification; the award asks the officer to acknowledge it.
    await o.goto(`/projects/${next.project.id}`);
    await click(o, '[data-testid="award"]');
    await o.waitForURL('**/award**');
    await choose(o, '#f-showOrganisation', String(organisation.id));
    await click(o, '[data-testid="choose-organisation"] button[type="submit"]');
    await o.locator('[data-testid="organisation-warnings"]').waitFor();
    const warning = await o.locator('[data-testid="organisation-warnings"]').textContent();
    expect(warning).to.contain('不合格').and.to.contain('整改未完成');
    await screenshot(o, 'award-record');
    expect(await o.locator('#f-organisationId').inputValue()).to.equal(String(organisation.id));
    await o.fill('#f-amount', '250000');
    await o.fill('#f-reasons', '综合评分第一');
    await click(o, '[data-testid="award-form"] button[type="submit"]');
    await o.locator('#f-acknowledged-error').waitFor();
    await screenshot(o, 'award-needs-acknowledgement');
    expect(await Award.count({ where: { projectId: next.project.id } })).to.equal(0);
    await click(o, '#f-acknowledged');
    await click(o, '[data-testid="award-form"] button[type="submit"]');
    await o.waitForURL(`**/projects/${next.project.id}`);
    await screenshot(o, 'awarded');
    expect(await Award.count({ where: { projectId: next.project.id, organisationId: organisation.id } })).to.equal(1);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    process.stdout.write(`      journey 4: ${clicks} clicks (sign-ins and the refused confirmation and award included)\n`);
  });
});
