import os from 'node:os';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Allocation } from '../../models/Allocation.js';
import { Deliverable } from '../../models/Deliverable.js';
import { User } from '../../models/index.js';
import { thisYear, today } from '../../server/clock.js';
import { deliverableDraftSaver } from '../../server/commands/deliverables/deliverableDraftSaver.js';
import { deliverableSubmitter } from '../../server/commands/deliverables/deliverableSubmitter.js';
import { addDays } from '../../server/services/calendar.js';
import { sendReminders } from '../../server/services/reminders.js';
import { storeFor } from '../../server/services/storage/index.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { actorOf, buildAllocation, buildBudgetLine, buildFinanceProject } from '../factories/finance.js';
import { buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

const DESK = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

async function noWiderThanWindow(page: Page, where: string): Promise<void> {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, `${where}: page wider than the window`).to.be.at.most(inner);
}

/**
 * Issue #16 in the browser, in Chinese: every role finds what waits for it from the badges that
 * stand on every page (待办 with its count, 通知 with the unread ones), at 1366×768, and the
 * organisation on a 390×844 phone too (the badges stand outside the folding menu there). Finance
 * approves an allocation from its to-do list; the officer reads that it was approved and returns a
 * deliverable from the list (the item leaves); the organisation reads that it came back and the
 * reminder of another one due in three days (the hourly round, run here), and finds both on its
 * list by their contract, without its own name on every line; the evaluator finds the evaluation
 * assigned to them; the inspector, with nothing to do, reads the escalation of an overdue
 * deliverable; the administrator reads the reminder settings and the delivery log. Records are
 * chosen by their own contract number or id (the browser suite shares one database). Clicks counted,
 * every page axe-checked, no console error or CSP violation.
 */
describe('browser: to-do list, notifications and reminders as each role (#16)', () => {
  const { clicks, shot, click, signIn, fromMenu, confirm } = new Walk('inbox');
  const watched: WatchedPage[] = [];
  const violations: string[] = [];
  const axe = async (page: Page, where: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${where}: ${v}`));
  const open = async (viewport: typeof DESK) => {
    const w = await openPage({ viewport, ...(viewport === PHONE ? { isMobile: true, hasTouch: true } : {}) });
    watched.push(w);
    return w.page;
  };

  /** The item of `kind` that links to `href`, from the to-do list (or, when more of that kind wait than the list shows, from the kind's own page). */
  const openItem = async (who: string, page: Page, kind: string, href: string) => {
    const group = page.locator(`[data-testid="inbox-group"][data-kind="${kind}"]`);
    const item = group.locator(`[data-testid="inbox-item"] a[href="${href}"]`);
    if (!(await item.isVisible())) await click(who, page, group.locator(`a[href="/inbox?kind=${kind}"]`));
    await click(who, page, item);
  };
  /** The notification whose sentence holds every one of `texts`, opened with its 查看 button (read, and to its record). */
  const openNotification = async (who: string, page: Page, ...texts: string[]) => {
    let n = page.locator('[data-testid="notification"]');
    for (const text of texts) n = n.filter({ hasText: text });
    expect(await n.count(), `notification with ${texts.join(' ')}`).to.equal(1);
    expect(await n.getAttribute('data-read')).to.equal('no');
    await click(who, page, n.getByRole('button', { name: '查看' }));
  };
  /** A badge of the header: in the unfolded menu at 1366, in the bar beside the menu button while the menu folds (a phone). */
  const inBar = (page: Page) => (page.viewportSize()?.width ?? 0) < 1200;
  const badgeOf = (page: Page, name: 'inbox-link' | 'inbox-count' | 'notifications-link' | 'notifications-count') =>
    page.locator(`[data-testid="${inBar(page) ? 'bar-' : ''}${name}"]`);
  const badge = async (page: Page, name: 'inbox-count' | 'notifications-count') => Number(await badgeOf(page, name).innerText());

  after(async () => {
    for (const w of watched) await w.context.close();
  });

  it('finance, the officer, the organisation (desk and phone), the evaluator, the inspector and the administrator each find what concerns them', async function () {
    this.timeout(600_000);
    const [officer, finance, orgUser, evaluator] = await Promise.all(
      ['officer.ft', 'finance.ft', 'org.sunshine', 'evaluator'].map(async (u) => (await User.findOne({ where: { username: u } }))!),
    );
    const year = thisYear();
    const line = await buildBudgetLine({ districtCode: 'FT', year, amountFen: 50_000_000, creator: finance });
    const project = await buildFinanceProject({ year, districtCode: 'FT', creator: officer });
    const allocation = await buildAllocation({ status: 'submitted', line, project, amountFen: 7_654_300, requester: officer });
    const built = await buildDeliverableContract({ officer, finance, orgUser });
    const contract = built.contract.number;
    const [handedIn, dueSoon, overdue] = built.deliverables;
    const org = { actor: actorOf(orgUser) };
    await deliverableDraftSaver(
      handedIn.id,
      { metrics: { visits: 12, households: 10, followUps: 2 }, narrative: '本季度完成入户探访十二次。', purpose: 'report', removeFileIds: [] },
      [],
      org,
    );
    await deliverableSubmitter(handedIn.id, { confirmNoChildData: false }, storeFor({ uploadDir: os.tmpdir() }), org);
    // One due in three days (a reminder to the organisation), one eight days overdue (escalated to the inspectors after seven).
    await Deliverable.update({ dueOn: addDays(today(), 3) }, { where: { id: dueSoon.id } });
    await Deliverable.update({ dueOn: addDays(today(), -8) }, { where: { id: overdue.id } });
    const toEvaluate = await buildPaymentContract({ officer, finance, lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const { evaluation } = await buildEvaluation({ built: toEvaluate, evaluator });
    // What the hourly round sends (server/housekeeping.ts), run once here.
    await sendReminders(today());

    // Finance: 待办 (its count) → the allocation → 批准 → the modal → 待办 again: the item has left.
    const f = await open(DESK);
    await signIn('finance', f, 'finance.ft');
    expect(await badge(f, 'inbox-count')).to.be.at.least(1);
    await shot(f, 'finance-start');
    await click('finance', f, badgeOf(f, 'inbox-link'));
    await shot(f, 'finance-inbox');
    await axe(f, 'finance inbox');
    await openItem('finance', f, 'allocationDecide', `/allocations/${allocation.id}`);
    await click('finance', f, f.locator('[data-testid="approve"]'));
    await confirm('finance', f, '¥76,543.00');
    expect((await Allocation.findByPk(allocation.id))!.status).to.equal('approved');
    await click('finance', f, badgeOf(f, 'inbox-link'));
    expect(await f.locator(`a[href="/allocations/${allocation.id}"]`).count(), 'the decided allocation left the list').to.equal(0);

    // The officer: 通知 → the approval (查看: read, to the allocation) → 待办 → the deliverable → 退回 with a comment → 待办: gone.
    const o = await open(DESK);
    await signIn('officer', o, 'officer.ft');
    expect(await badge(o, 'notifications-count')).to.be.at.least(1);
    await click('officer', o, badgeOf(o, 'notifications-link'));
    await shot(o, 'officer-notifications');
    await axe(o, 'officer notifications');
    // The notice names the project and the budget line the money was asked of.
    await openNotification('officer', o, `项目“${project.title}”`, line.name, '已获批准');
    expect(new URL(o.url()).pathname).to.equal(`/allocations/${allocation.id}`);
    await click('officer', o, badgeOf(o, 'inbox-link'));
    await shot(o, 'officer-inbox');
    await axe(o, 'officer inbox');
    const reviewItem = o.locator(`[data-testid="inbox-item"]:has(a[href="/deliverables/${handedIn.id}"])`);
    if (await reviewItem.isVisible())
      expect(await reviewItem.innerText())
        .to.contain(contract)
        .and.to.contain(built.organisation.name);
    await openItem('officer', o, 'deliverableReview', `/deliverables/${handedIn.id}`);
    await o.locator('#f-c_general').fill('请补充本季度入户探访的签到表。');
    await shot(o, 'officer-review');
    await click('officer', o, o.locator('[data-testid="return"]'));
    expect((await Deliverable.findByPk(handedIn.id))!.status).to.equal('returned');
    await click('officer', o, badgeOf(o, 'inbox-link'));
    expect(await o.locator(`a[href="/deliverables/${handedIn.id}"]`).count(), 'the reviewed deliverable left the list').to.equal(0);

    // The organisation on a phone: the badges stand beside the menu button; 通知 → the return → 待办 → the one due soon.
    const p = await open(PHONE);
    await signIn('org-phone', p, 'org.sunshine');
    await badgeOf(p, 'inbox-link').waitFor({ state: 'visible' });
    expect((await p.locator('header').boundingBox())!.height, 'brand, badges and menu button on one line').to.be.lessThan(80);
    expect(await badge(p, 'notifications-count')).to.be.at.least(3);
    await shot(p, 'org-phone-start');
    await noWiderThanWindow(p, 'org phone start');
    await click('org-phone', p, badgeOf(p, 'notifications-link'));
    const reminder = p
      .locator('[data-testid="notification"]')
      .filter({ hasText: contract })
      .filter({ hasText: addDays(today(), 3) });
    expect(await reminder.innerText()).to.contain('请按时提交');
    await shot(p, 'org-phone-notifications');
    await axe(p, 'org phone notifications');
    await noWiderThanWindow(p, 'org phone notifications');
    await openNotification('org-phone', p, contract, '被退回');
    expect(new URL(p.url()).pathname).to.equal(`/deliverables/${handedIn.id}`);
    expect(await p.locator('main').innerText()).to.contain('请补充本季度入户探访的签到表');
    await shot(p, 'org-phone-returned');
    await click('org-phone', p, badgeOf(p, 'inbox-link'));
    await shot(p, 'org-phone-inbox');
    await axe(p, 'org phone inbox');
    await noWiderThanWindow(p, 'org phone inbox');
    for (const [kind, id] of [
      ['deliverableReturned', handedIn.id],
      ['deliverableDue', dueSoon.id],
      ['deliverableDue', overdue.id],
    ] as const) {
      const item = p.locator(`[data-testid="inbox-group"][data-kind="${kind}"] [data-testid="inbox-item"]:has(a[href="/deliverables/${id}"])`);
      // The start of the list shows five of a kind: the shared browser database may hold more of the organisation's, so read the kind's own list.
      if (!(await item.count())) await p.goto(`/inbox?kind=${kind}`);
      const text = await item.innerText();
      if (!p.url().endsWith('/inbox')) await p.goto('/inbox');
      expect(text, `${kind} ${id}`).to.contain(contract).and.not.to.contain(built.organisation.name);
      if (id === overdue.id) expect(text).to.contain(`已于 ${addDays(today(), -8)} 到期`);
    }
    await openItem('org-phone', p, 'deliverableDue', `/deliverables/${dueSoon.id}`);
    expect(new URL(p.url()).pathname).to.equal(`/deliverables/${dueSoon.id}`);
    await shot(p, 'org-phone-deliverable');

    // The organisation at the desk: its list from the badge.
    const d = await open(DESK);
    await signIn('org-desk', d, 'org.sunshine');
    await click('org-desk', d, badgeOf(d, 'inbox-link'));
    await shot(d, 'org-desk-inbox');
    await axe(d, 'org desk inbox');

    // The evaluator: 通知 → the assignment → 待办: the evaluation to start.
    const e = await open(DESK);
    await signIn('evaluator', e, 'evaluator');
    await click('evaluator', e, badgeOf(e, 'notifications-link'));
    await openNotification('evaluator', e, toEvaluate.contract.number, '指派');
    expect(new URL(e.url()).pathname).to.equal(`/evaluations/${evaluation.id}`);
    await click('evaluator', e, badgeOf(e, 'inbox-link'));
    await shot(e, 'evaluator-inbox');
    await axe(e, 'evaluator inbox');
    const toStart = e.locator(`[data-testid="inbox-group"][data-kind="evaluationStart"] a[href="/evaluations/${evaluation.id}"]`);
    if (!(await toStart.isVisible())) await click('evaluator', e, e.locator('a[href="/inbox?kind=evaluationStart"]'));
    expect(await toStart.innerText()).to.equal('开始评分');

    // The inspector: nothing to do (no 待办 count); 通知 → the escalation of the overdue deliverable → the deliverable.
    const i = await open(DESK);
    await signIn('inspector', i, 'inspector');
    expect(await badgeOf(i, 'inbox-count').count()).to.equal(0);
    await click('inspector', i, badgeOf(i, 'notifications-link'));
    await shot(i, 'inspector-notifications');
    await axe(i, 'inspector notifications');
    await openNotification('inspector', i, contract, '督办', addDays(today(), -8));
    expect(new URL(i.url()).pathname).to.equal(`/deliverables/${overdue.id}`);
    await shot(i, 'inspector-deliverable');

    // The administrator: the reminder settings, then the delivery log of the organisation's user.
    const a = await open(DESK);
    await signIn('admin', a, 'admin');
    await fromMenu('admin', a, '提醒设置');
    await shot(a, 'admin-reminders');
    await axe(a, 'admin reminders');
    await fromMenu('admin', a, '通知发送记录');
    await a.locator('#f-username').fill('org.sunshine');
    await click('admin', a, a.getByRole('button', { name: '筛选' }));
    const logged = await a.locator('main').innerText();
    expect(logged).to.contain(contract).and.to.contain('被退回');
    await shot(a, 'admin-delivery-log');
    await axe(a, 'admin delivery log');

    expect(violations, violations.join('\n')).to.deep.equal([]);
    const problems = watched.flatMap((w) => w.problems);
    expect(problems, problems.join('\n')).to.deep.equal([]);
    console.log(`      clicks (sign-in included): ${JSON.stringify(clicks)}`);
  });
});
