import { thisYear } from '../../server/clock.js';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { pdfBytes } from '../factories/organisations.js';
import { clickThrough, openPage, signIn, type WatchedPage } from './support/browser.js';

/**
 * Journey 1 of #12: the officer from a catalogue item to an active contract, by visible Chinese
 * labels at 1366×768 from the demo accounts (the browser app starts from an empty database):
 * the officer publishes an item, creates a project, tenders and awards it, drafts the contract;
 * its checklist says what is missing and who provides it; finance creates the budget line; the
 * officer requests the allocation from the checklist's link (project and shortfall filled in);
 * finance approves it; the officer activates. Every click is counted (typing is not).
 */
describe('browser: journey 1, from a catalogue item to an active contract', () => {
  let watched: WatchedPage | undefined;
  let clicks = 0;
  const shots = process.env.SCREENSHOT_DIR;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  async function shot(page: Page, name: string) {
    if (!shots) return;
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `journey1-${name}.png`), fullPage: true });
  }
  /** A click that loads a page. */
  async function go(page: Page, target: ReturnType<Page['locator']>) {
    clicks += 1;
    await clickThrough(page, target);
  }
  async function as(username: string): Promise<Page> {
    await watched?.context.close();
    watched = await openPage({ viewport: { width: 1366, height: 768 } });
    watched.page.on('dialog', (d) => d.accept());
    await signIn(watched.page, username, DEMO_PASSWORD);
    clicks += 1; // the sign-in button
    return watched.page;
  }
  /** The menu: open its group, then follow the link. */
  async function menu(page: Page, group: string, name: string) {
    clicks += 1;
    await page.locator('nav summary', { hasText: group }).first().click();
    await go(page, page.locator('nav').getByRole('link', { name, exact: true }).first());
  }

  it('walks it through with the checklist in sight, and counts the clicks', async () => {
    // The officer publishes a catalogue item.
    let page = await as('officer.ft');
    await menu(page, '采购', '目录');
    await go(page, page.locator('[data-testid="new-item"]'));
    // Next year's catalogue and project: the demo already has this year's budget lines, and the journey shows finance creating the line.
    const projectYear = String(thisYear() + 1);
    await page.locator('#f-year').fill(projectYear);
    await page.getByLabel('编码').fill('FT-J1-HV');
    await page.locator('#f-categoryCode').selectOption('home_visit');
    await page.locator('#f-name').fill('困境儿童家庭探访');
    await page.locator('#f-referenceUnitPrice').fill('200');
    await go(page, page.locator('[data-testid="catalogue-form"] button[type="submit"]'));
    await go(page, page.locator('[data-testid="publish"]'));
    expect(await page.locator('[data-testid="item-status"]').textContent()).to.equal('已发布');

    // … creates a project with the item, and tenders it.
    await menu(page, '采购', '项目');
    await go(page, page.locator('[data-testid="new-project"]'));
    await page.locator('#f-agencyId').selectOption({ index: 1 });
    await page.locator('#f-year').fill(projectYear);
    await page.locator('#f-title').fill('福田区困境儿童家庭探访服务');
    await page.locator('#f-targetGroup').fill('困境儿童家庭');
    await page.locator('#f-budget').fill('100000');
    await page.locator('#f-procurementMethod').selectOption({ index: 1 });
    await shot(page, '01-project-form');
    await go(page, page.locator('[data-testid="project-form"] button[type="submit"]'));
    await page.locator('#f-catalogueItemId').selectOption({ index: 1 });
    await page.locator('#f-quantity').fill('500');
    await page.locator('#f-unitPrice').fill('200');
    await go(page, page.locator('[data-testid="item-form"] button[type="submit"]'));
    await go(page, page.locator('[data-testid="tender"]'));
    await go(page, page.locator('[data-testid="award"]'));
    await page.locator('#f-organisationId').selectOption({ index: 1 });
    await page.locator('#f-amount').fill('100000');
    await page.locator('#f-reasons').fill('综合评分第一');
    await shot(page, '02-award');
    await go(page, page.locator('[data-testid="award-form"] button[type="submit"]'));

    // … drafts the contract.
    await go(page, page.locator('[data-testid="contract-link"]'));
    const today = new Date().toISOString().slice(0, 10);
    const year = Number(today.slice(0, 4));
    await page.locator('#f-number').fill('FT-J1-001');
    await page.locator('#f-signedOn').fill(today);
    await page.locator('#f-termStart').fill(`${year + 1}-01-01`);
    await page.locator('#f-termEnd').fill(`${year + 1}-12-31`);
    await page.locator('#f-reimbursementCeiling').fill('5000');
    await page.locator('#f-announcementUrl').fill('https://www.ccgp-shenzhen.gov.cn/notice/j1');
    await page.locator('#f-announcedOn').fill(today);
    for (const f of ['content', 'quantity', 'qualityStandard', 'priceTerms', 'settlementMethod', 'rightsObligations', 'breachLiability']) {
      await page.locator(`#f-${f}`).fill('按合同正文执行');
    }
    await page.locator('#f-scheduleMode').selectOption('percent');
    await page.locator('#f-figure_0').fill('100');
    await page.locator('#f-milestone_0').fill('合同签订后');
    await page.locator('#f-category_0').selectOption('home_visit');
    await page.locator('#f-metric_0').selectOption('visits');
    await page.locator('#f-count_0').fill('500');
    await shot(page, '03-contract-form');
    await go(page, page.locator('form[action^="/contracts"] button[type="submit"]').last());
    await shot(page, '03b-contract-draft');
    const contractUrl = page.url();
    await page
      .locator('[data-testid="document-form-signed"] input[type="file"]')
      .setInputFiles({ name: '合同.pdf', mimeType: 'application/pdf', buffer: pdfBytes('signed') });
    await go(page, page.locator('[data-testid="document-form-signed"] button[type="submit"]'));
    // The checklist: no budget line yet, and it says who creates one; activation is disabled with the reason.
    const checklist = page.locator('[data-testid="activation-checklist"]');
    expect(await checklist.textContent()).to.contain('福田区财政审核人新建预算');
    expect(await page.locator('[data-testid="activate"]').isDisabled()).to.equal(true);
    expect(await page.locator('[data-testid="activate-reason"]').textContent()).to.contain('覆盖合同金额的已批准资金安排');
    await shot(page, '04-checklist-no-budget');

    // Finance creates the budget line.
    page = await as('finance.ft');
    await menu(page, '资金', '预算');
    await go(page, page.locator('[data-testid="new-line"]'));
    await page.locator('#f-year').fill(projectYear);
    await page.locator('#f-fundSource').selectOption('general_budget');
    await page.locator('#f-name').fill('困境儿童关爱服务');
    await page.locator('#f-amount').fill('500000');
    await shot(page, '05-budget-form');
    await go(page, page.locator('[data-testid="budget-form"] button[type="submit"]'));

    // The officer requests the allocation from the checklist's link: project and shortfall filled in.
    page = await as('officer.ft');
    await page.goto(contractUrl);
    clicks += 2; // 合同 in the menu, then the contract in the list
    expect(await page.locator('[data-testid="activation-checklist"]').textContent()).to.contain('报销上限');
    await go(page, page.locator('[data-testid="checklist-link-allocations"]'));
    expect(await page.locator('#f-amount').inputValue()).to.equal('105000.00');
    // The line finance just created (other tests may have left lines of the district too).
    const line = page.locator('#f-budgetLineId option', { hasText: '困境儿童关爱服务' }).last();
    await page.locator('#f-budgetLineId').selectOption((await line.getAttribute('value'))!);
    await page.locator('#f-funds').selectOption({ index: 1 });
    await page.locator('#f-purpose').fill('家庭探访服务及儿童主任交通通讯费');
    await shot(page, '06-allocation-form');
    await go(page, page.locator('[data-testid="allocation-form"] button[type="submit"]'));
    await go(page, page.locator('[data-testid="submit"]'));

    // Finance approves it.
    page = await as('finance.ft');
    await menu(page, '资金', '资金安排');
    await go(page, page.locator('[data-testid="queue"]'));
    await go(page, page.locator('main table a').first());
    await go(page, page.locator('[data-testid="approve"]'));
    // A second look (#13): the amount and what approving does, then the confirmed post.
    await go(page, page.locator('[data-testid="confirm-action"]'));
    expect(await page.locator('[data-testid="allocation-status"]').textContent()).to.contain('已批准');

    // The officer activates.
    page = await as('officer.ft');
    await page.goto(contractUrl);
    clicks += 2;
    expect(await page.locator('[data-testid="activate"]').isDisabled()).to.equal(false);
    await shot(page, '07-checklist-ready');
    await go(page, page.locator('[data-testid="activate"]'));
    await shot(page, '07b-activation-confirmation');
    await go(page, page.locator('[data-testid="confirm-action"]'));
    expect(await page.locator('[data-testid="status"]').textContent()).to.equal('履行中');
    expect(await page.locator('[data-testid="committed"]').textContent()).to.equal('¥105,000.00');
    await shot(page, '08-active');
    console.log(`      journey 1: ${clicks} clicks`);
    expect(
      watched!.problems.filter((p) => !/status of 4\d\d/.test(p)),
      watched!.problems.join('\n'),
    ).to.deep.equal([]);
  });
});
