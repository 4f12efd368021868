import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import type { Contract } from '../../models/Contract.js';
import { type District, User } from '../../models/index.js';
import { Inspection, InspectionFinding } from '../../models/Inspection.js';
import ExcelJS from 'exceljs';
import { today } from '../../server/clock.js';
import { redFlagRound } from '../../server/commands/oversight/redFlagRound.js';
import { loadConfig } from '../../server/config.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { addDays } from '../../server/services/calendar.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { buildFixtureDistrict, type FixtureEnv, fixtureContract } from '../factories/overview.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';

/**
 * Red flags, inspections and the 通报 (#17) in Chromium at 1366×768, in Chinese, under the CSP:
 * the demo inspector finds a district's flag, dismisses it with a reason, opens an inspection of
 * that district, and drafts and issues a briefing whose charts are drawn; the district's officer
 * finds the finding in the to-do list and answers it, and sees its own district's flags only.
 * Two fixture districts of their own, each with a contract ended 40 days ago and no final
 * evaluation. SCREENSHOT_DIR keeps a screenshot per step.
 */
const DESK = { width: 1366, height: 768 };

describe('browser: red flags, inspections and the 通报', () => {
  let watched: WatchedPage | undefined;
  let a: District;
  let b: District;
  let officerA: User;
  let endedA: Contract;
  let endedB: Contract;
  const title = `困境儿童保障专项督查${Date.now() % 100000}`;
  const overdueTitle = `儿童主任台账督查${Date.now() % 100000}`;
  const clicks: Record<string, number> = {};

  before(async () => {
    const env: FixtureEnv = { passwordCost: 12, cipher: new PersonalDataCipher(loadConfig({ NODE_ENV: 'test' }).dataKey) };
    ({ district: a, officer: officerA } = await buildFixtureDistrict(1, env));
    ({ district: b } = await buildFixtureDistrict(1, env));
    const ended = async (d: District, by: User) => {
      const { contract } = await fixtureContract(d, by, Number(today().slice(0, 4)), 'open', 'completed');
      return contract.update({ termStart: addDays(today(), -200), termEnd: addDays(today(), -40) });
    };
    endedA = await ended(a, officerA);
    endedB = await ended(b, officerA);
    await redFlagRound(today());
    // An inspection of district A with a rectification past its deadline, for the list's overdue filter.
    const demoInspector = await User.findOne({ where: { username: 'inspector' } });
    const late = await Inspection.create({
      districtId: a.id,
      agencyId: null,
      title: overdueTitle,
      openedBy: demoInspector!.id,
      openedOn: addDays(today(), -60),
    });
    await InspectionFinding.create({
      inspectionId: late.id,
      districtId: a.id,
      seq: 1,
      text: '儿童主任台账不全',
      status: 'rectifying',
      requirement: '补齐台账',
      deadline: addDays(today(), -5),
    });
  });
  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  async function shot(page: Page, name: string) {
    if (!process.env.SCREENSHOT_DIR) return;
    fs.mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `oversight-${name}.png`), fullPage: true });
    // …and what the window shows, which a full page of the briefing's tables is too tall to read.
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `oversight-${name}-window.png`) });
  }

  async function click(who: string, page: Page, target: Locator, navigates = true) {
    clicks[who] = (clicks[who] ?? 0) + 1;
    await target.scrollIntoViewIfNeeded();
    if (navigates) await Promise.all([page.waitForNavigation(), target.click()]);
    else await target.click();
  }

  async function signIn(who: string, page: Page, username: string, password: string) {
    await page.goto('/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await click(who, page, page.getByRole('button', { name: '登录' }));
    await page.locator('[data-testid="dashboard-heading"]').waitFor();
  }

  async function openTab(who: string, page: Page, tab: string) {
    if (!page.url().includes('/overview')) {
      const menu = page.locator('[data-testid="main-menu-items"]');
      const link = menu.getByRole('link', { name: '全市概览', exact: true });
      if (!(await link.isVisible()))
        await click(who, page, menu.locator('details', { has: page.locator('a', { hasText: '全市概览' }) }).locator('summary'), false);
      await click(who, page, link);
    }
    await click(who, page, page.locator('[data-testid="overview-tabs"]').getByRole('link', { name: tab, exact: true }));
  }

  it('the inspector dismisses a district’s red flag with a reason, then opens an inspection of that district', async () => {
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    await signIn('inspector', page, 'inspector', DEMO_PASSWORD);
    await openTab('inspector', page, '红旗预警');
    expect(await page.locator('[data-testid="flag-rule"]').count()).to.equal(7);
    // The district's flags: the filter form (open on a desk; folded behind its toggle only on a phone).
    await page.locator('[data-testid="list-filters"] select[name="districtId"]').selectOption({ label: a.name });
    await click('inspector', page, page.locator('[data-testid="list-filters"] button[type="submit"]'));
    const flag = page.locator('[data-testid="flag"]', { hasText: endedA.number });
    expect(await flag.locator('[data-testid="flag-figure"]').innerText()).to.contain('40 天');
    expect(await flag.locator('[data-testid="flag-evidence"] a').getAttribute('href')).to.equal(`/contracts/${endedA.id}`);
    await shot(page, 'flags');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    await click('inspector', page, flag.locator('summary', { hasText: '排除' }), false);
    await flag.getByLabel('排除理由').fill('终期评价已线下完成，本周补录');
    await click('inspector', page, flag.getByRole('button', { name: '确认排除' }));
    const dismissed = page.locator('[data-testid="flag"]', { hasText: endedA.number });
    expect(await dismissed.locator('[data-testid="flag-status"]').innerText()).to.equal('已排除');
    expect(await dismissed.locator('[data-testid="dismiss-reason"]').innerText()).to.contain('终期评价已线下完成');
    await shot(page, 'flag-dismissed');
    expect(clicks.inspector).to.equal(7);

    // The flags computed now rather than at night: the page says so, when, and who asked.
    await click('inspector', page, page.locator('[data-testid="compute-now"]'));
    expect(await page.locator('.alert-success').innerText()).to.contain('红旗预警已计算');
    expect(await page.locator('[data-testid="last-round"]').innerText()).to.match(/^上次计算：.+（.+发起）$/);
    await shot(page, 'flags-computed');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expect(clicks.inspector).to.equal(8);

    await openTab('inspector', page, '督查');
    await click('inspector', page, page.locator('[data-testid="new-inspection"]'));
    await page.locator('#f-districtId').selectOption({ label: a.name });
    await page.getByLabel('督查事项').fill(title);
    await page.getByLabel('督查发现的问题').fill(`合同 ${endedA.number} 期满 40 天仍无终期评价\n部分街道未配备专职儿童主任`);
    await click('inspector', page, page.getByRole('button', { name: '发起督查' }));
    await page.getByRole('heading', { name: `督查：${title}` }).waitFor();
    expect(await page.locator('[data-testid="finding"]').count()).to.equal(2);
    await shot(page, 'inspection-opened');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expect(clicks.inspector).to.equal(11);

    // The inspections list: the district's inspections with a rectification past its deadline, by title, exported as filtered.
    await openTab('inspector', page, '督查');
    const filters = page.locator('[data-testid="list-filters"]');
    await filters.locator('select[name="districtId"]').selectOption({ label: a.name });
    await filters.locator('select[name="overdue"]').selectOption({ label: '有逾期未整改' });
    await click('inspector', page, filters.locator('button[type="submit"]'));
    const rows = page.locator('[data-testid="inspection-row"]');
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().innerText()).to.contain(overdueTitle);
    expect(await rows.first().locator('[data-testid="overdue"]').innerText()).to.equal('逾期 1 项');
    await click('inspector', page, page.locator('[data-testid="inspections-table"] thead').getByRole('link', { name: '督查事项' }));
    expect(await page.locator('[data-testid="inspections-table"] th[aria-sort="ascending"]').innerText()).to.contain('督查事项');
    const xlsx = await page.locator('a[href*="format=xlsx"]').getAttribute('href');
    expect(xlsx).to.contain(`districtId=${a.id}`).and.to.contain('overdue=yes');
    await shot(page, 'inspections-list');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
    expect(clicks.inspector).to.equal(14);
  });

  it("the district's officer answers the finding from the to-do list, and sees its own district's flags only", async () => {
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    await signIn('officer', page, officerA.username, TEST_PASSWORD);
    await click('officer', page, page.locator('a[href="/inbox"]:visible').first());
    await click('officer', page, page.locator('[data-testid="inbox-item"]', { hasText: title }).filter({ hasText: '问题 1' }).getByRole('link'));
    const first = page.locator('[data-testid="finding"][data-seq="1"]');
    await first.getByLabel('答复').fill('已安排第三方评估机构本月完成终期评价');
    await click('officer', page, first.getByRole('button', { name: '提交答复' }));
    expect(await page.locator('[data-testid="finding"][data-seq="1"] [data-testid="finding-status"]').innerText()).to.equal('已答复待审核');
    await shot(page, 'finding-answered');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expect(clicks.officer).to.equal(4);
    await openTab('officer', page, '红旗预警');
    const text = await page.locator('main').innerText();
    expect(text).to.not.contain(endedB.number);
    expect(text).to.not.contain(b.name);
    expect(problems).to.deep.equal([]);
  });

  it('the inspector drafts and issues a 通报: tables, two charts under the CSP, the flags and the inspections', async () => {
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    await signIn('briefing', page, 'inspector', DEMO_PASSWORD);
    await openTab('briefing', page, '通报');
    // The briefings' list (filters, sort, export) above the new briefing's form.
    expect(await page.locator('[data-testid="list-filters"] input[name="periodYear"]').count()).to.equal(1);
    expect(await page.locator('a[href*="/overview/briefings?"][href*="format=xlsx"]').count()).to.equal(1);
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    await page.getByLabel('标题').fill(`${title} 通报`);
    await page.getByLabel('督查评述').fill('各区终期评价滞后，请于月底前补齐。');
    await click('briefing', page, page.getByRole('button', { name: '起草', exact: true }));
    for (const id of ['overview-execution-chart', 'overview-ontime-chart']) await page.locator(`#${id}[data-drawn="1"]`).waitFor();
    await click('briefing', page, page.locator('[data-testid="issue-briefing"]'));
    expect(await page.locator('[data-testid="briefing-state"]').innerText()).to.contain('已印发');
    for (const id of ['overview-execution-chart', 'overview-ontime-chart']) await page.locator(`#${id}[data-drawn="1"]`).waitFor();
    expect(await page.locator('[data-testid="briefing-inspections"]').innerText()).to.contain(a.name);
    expect(await page.locator('[data-testid="briefing-inspections"] tr[data-row="total"]').innerText()).to.contain('全市合计');
    await shot(page, 'briefing-issued');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);

    // Printed: no navigation, tabs or buttons; each chart inside its column of the A4 page.
    await page.emulateMedia({ media: 'print' });
    for (const chrome of ['nav.navbar', '[data-testid="overview-tabs"]', '[data-testid="export-briefing"]', 'footer'])
      expect(await page.locator(chrome).first().isVisible(), chrome).to.equal(false);
    const pdf = await page.pdf({ format: 'A4' });
    if (process.env.SCREENSHOT_DIR) fs.writeFileSync(path.join(process.env.SCREENSHOT_DIR, 'oversight-briefing.pdf'), pdf);
    for (const id of ['overview-execution-chart', 'overview-ontime-chart']) {
      const chart = (await page.locator(`#${id}`).boundingBox())!;
      const column = (await page.locator(`.briefing-charts > div:has(#${id})`).boundingBox())!;
      expect(chart.x + chart.width, id).to.be.at.most(column.x + column.width + 1);
      expect(chart.height, id).to.be.greaterThan(50);
    }
    await page.emulateMedia({ media: 'screen' });

    // Exported: one sheet per part of the briefing.
    clicks.briefing += 1;
    const download = await page.request.get((await page.locator('[data-testid="export-briefing"]').getAttribute('href'))!);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download.body()) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).to.include.members(['通报正文', '预算与执行', '待处理的红旗预警（按规则）', '督查进展']);
    expect(book.worksheets).to.have.length(12);
    expect(problems).to.deep.equal([]);
    expect(clicks.briefing).to.equal(7);
  });
});
