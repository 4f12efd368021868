import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { loadConfig } from '../../server/config.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { buildOverviewFixture, type Fixture, YEAR } from '../overview/fixture.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';

/**
 * The city overview (#17) in Chromium at 1366×768, in Chinese, under the app's CSP: the demo
 * inspector opens it from the menu, picks a year and a quarter, sees the three charts drawn by the
 * app's own script (no inline script, no CSP violation), reads a district's figure and follows it
 * to the list it counts; a district officer sees only its own district against the median. The
 * two districts are the hand-computed fixture's own (test/overview/fixture.ts), chosen by name.
 * SCREENSHOT_DIR keeps a screenshot per step.
 */
const DESK = { width: 1366, height: 768 };
type ChartData = { labels: string[]; datasets: { data: (number | null)[] }[] };

describe('browser: the city overview and its charts under the CSP', () => {
  let watched: WatchedPage | undefined;
  let f: Fixture;
  const clicks: Record<string, number> = {};

  before(async () => {
    // The browser app's configuration (support/browser.ts): its password cost and its data key.
    f = await buildOverviewFixture({ passwordCost: 12, cipher: new PersonalDataCipher(loadConfig({ NODE_ENV: 'test' }).dataKey) });
  });
  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  async function shot(page: Page, name: string) {
    if (!process.env.SCREENSHOT_DIR) return;
    fs.mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `overview-${name}.png`), fullPage: true });
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

  async function openOverview(who: string, page: Page) {
    const menu = page.locator('[data-testid="main-menu-items"]');
    const link = menu.getByRole('link', { name: '全市概览', exact: true });
    if (!(await link.isVisible()))
      await click(who, page, menu.locator('details', { has: page.locator('a', { hasText: '全市概览' }) }).locator('summary'), false);
    await click(who, page, link);
  }

  async function chooseQ2(who: string, page: Page) {
    await page.getByLabel('年度').fill(String(YEAR));
    await page.getByLabel('期间').selectOption({ label: '第二季度' });
    await click(who, page, page.getByRole('button', { name: '查看' }));
  }

  /** Every chart's canvas holds a Chart.js chart with the figures of the page. */
  async function chartsDrawn(page: Page) {
    for (const id of ['overview-execution-chart', 'overview-ontime-chart', 'overview-trend-chart']) {
      await page.locator(`#${id}[data-drawn="1"]`).waitFor();
    }
    // A string, not a function: tsx's helpers do not exist in the page.
    return page.evaluate<{ execution: ChartData; trend: ChartData }>(`(() => {
      const data = (id) => window.Chart.getChart(document.getElementById(id)).data;
      return { execution: data('overview-execution-chart'), trend: data('overview-trend-chart') };
    })()`);
  }

  it('the inspector compares the districts for a quarter and follows a figure to its list', async () => {
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    await signIn('inspector', page, 'inspector', DEMO_PASSWORD);
    await openOverview('inspector', page);
    await chooseQ2('inspector', page);
    await page.getByRole('heading', { name: `全市概览 · ${YEAR} 第二季度` }).waitFor();
    const charts = await chartsDrawn(page);
    const a = charts.execution.labels.indexOf(f.a.name);
    expect(charts.execution.datasets[0].data[a]).to.be.closeTo(42.86, 0.01);
    expect(charts.execution.labels).to.include('各区中位数');
    expect(charts.trend.datasets.length).to.equal(2);
    const rowA = page.locator('[data-table="money"] [data-testid="overview-row"]', { hasText: f.a.name });
    expect(await rowA.locator('[data-figure="execution"]').innerText()).to.contain('42.9%');
    await shot(page, 'inspector-q2');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    // District A's deliverables due in Q2: the figure is a link to the list holding them.
    const due = page.locator('[data-table="deliverables"] [data-testid="overview-row"]', { hasText: f.a.name }).locator('[data-figure="due"] a');
    expect(await due.innerText()).to.equal('2');
    await click('inspector', page, due);
    expect(await page.locator('[data-testid="deliverable-row"]').count()).to.equal(2);
    expect(new URL(page.url()).searchParams.get('dueTo')).to.equal(`${YEAR}-06-30`);
    await shot(page, 'inspector-followed');
    expect(problems).to.deep.equal([]);
    expect(clicks.inspector).to.equal(5);
  });

  it("a district officer sees its own district against the city's median, and nothing of another district", async () => {
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    await signIn('officer', page, f.officerA.username, TEST_PASSWORD);
    await openOverview('officer', page);
    await chooseQ2('officer', page);
    const charts = await chartsDrawn(page);
    expect(charts.execution.labels).to.deep.equal([f.a.name, '各区中位数']);
    const rows = await page.locator('[data-table="money"] [data-testid="overview-row"] th').allInnerTexts();
    expect(rows).to.deep.equal([f.a.name, '各区中位数']);
    expect(await page.locator('body').innerText()).to.not.contain(f.b.name);
    await shot(page, 'district-officer-q2');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
    expect(clicks.officer).to.equal(4);
  });

  it('the inspector reads the 12355 hotline and its referrals: two charts under the CSP, axe-clean', async () => {
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    await signIn('hotline', page, 'inspector', DEMO_PASSWORD);
    await openOverview('hotline', page);
    await click('hotline', page, page.getByRole('link', { name: '12355 热线与转介' }));
    for (const id of ['hotline-trend-chart', 'hotline-department-chart']) await page.locator(`#${id}[data-drawn="1"]`).waitFor();
    expect(await page.locator('[data-testid="department-row"]', { hasText: '残联' }).count()).to.equal(1);
    await shot(page, 'hotline');
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
    expect(clicks.hotline).to.equal(4);
  });
});
