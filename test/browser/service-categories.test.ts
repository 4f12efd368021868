import { expect } from 'chai';
import { Deliverable } from '../../models/Deliverable.js';
import { User } from '../../models/index.js';
import { ServiceCategoryDefinition, ServiceCategoryVersion } from '../../models/ServiceCategoryVersion.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { unique } from '../factories/index.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * Service categories as data (#21), in Chinese: the administrator (1366×768) opens the reference
 * data, starts a year's version of the service categories (a year no version has yet in the shared
 * database), adds a category (a first save without its English unit keeps the rest beside the
 * error), two metrics and a rule, and publishes; a contract of org.sunshine for that year buys
 * the category; the organisation (390×844, then 1366×768) fills in its deliverable, meets the
 * rule's error beside the field, saves and hands it in. Every click a person makes is counted.
 */
const DESK = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

describe('browser: service categories and metrics as data (#21)', () => {
  let watched: WatchedPage | undefined;
  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the administrator adds a category to a new year and publishes it; the organisation reports it', async function () {
    this.timeout(600_000);
    const taken = new Set((await ServiceCategoryVersion.findAll({ attributes: ['year'] })).map((v) => v.year));
    let year = 2035;
    while (taken.has(year)) year += 1;
    const name = unique('亲子阅读');
    const walk = new Walk('categories');
    const { click, shot } = walk;
    const violations: string[] = [];
    watched = await openPage({ viewport: DESK });
    let { page } = watched;
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));

    await walk.signIn('admin', page, 'admin');
    await walk.fromMenu('admin', page, '基础数据');
    await click('admin', page, page.locator('[data-testid="categories-link"]'));
    await shot(page, 'versions');
    await check('versions');
    await page.locator('#f-year').fill(String(year));
    await click('admin', page, page.locator('[data-testid="version-form"] button[type="submit"]'));
    expect(new URL(page.url()).pathname).to.equal(`/reference/service-categories/${year}`);
    await page.locator('#f-name').fill(name);
    await page.locator('#f-nameEn').fill('Parent-child reading');
    await page.locator('#f-unit').fill('场');
    await click('admin', page, page.locator('[data-testid="category-form"] button[type="submit"]'));
    await page.locator('#f-unitEn-error').waitFor();
    expect(await page.locator('#f-name').inputValue()).to.equal(name);
    await shot(page, 'category-error');
    await check('category-422');
    await page.locator('#f-unitEn').fill('session');
    await click('admin', page, page.locator('[data-testid="category-form"] button[type="submit"]'));
    const code = (await ServiceCategoryDefinition.findOne({ where: { name } }))!.code;
    const addMetric = async (zh: string, en: string) => {
      await page.locator('#f-category').selectOption(code);
      await page.locator('#f-metricName').fill(zh);
      await page.locator('#f-metricNameEn').fill(en);
      await click('admin', page, page.locator('[data-testid="metric-form"] button[type="submit"]'));
    };
    await addMetric('阅读活动场次', 'Reading sessions');
    await addMetric('参与家庭数', 'Families taking part');
    await page.locator('#f-ruleMetric').selectOption(`${code}:metric_2`);
    await page.locator('#f-ruleKind').selectOption('needs');
    await page.locator('#f-ruleOther').selectOption(`${code}:metric_1`);
    await click('admin', page, page.locator('[data-testid="rule-form"] button[type="submit"]'));
    expect(await page.locator(`[data-testid="category-${code}"] [data-testid="rules"]`).innerText()).to.contain('参与家庭数 大于 0 时，阅读活动场次 须大于 0');
    await shot(page, 'draft');
    await check('draft');
    await click('admin', page, page.locator('[data-testid="publish-form"] button[type="submit"]'));
    expect(await page.locator('[data-testid="version-status"]').innerText()).to.equal('已发布');
    await page.locator(`[data-testid="category-${code}"]`).scrollIntoViewIfNeeded();
    await shot(page, 'published');
    await check('published');
    const adminClicks = walk.clicks.admin;
    await watched.context.close();

    // A contract of that year buys the category from org.sunshine.
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const built = await buildDeliverableContract({ officer, finance, orgUser, year, targets: [{ categoryCode: code, metric: 'metric_2', targetCount: 40 }] });
    const [d] = built.deliverables;
    expect(d.categoryCode).to.equal(code);

    watched = await openPage({ viewport: PHONE, bypassCSP: true, isMobile: true, hasTouch: true });
    page = watched.page;
    await walk.signIn('org', page, 'org.sunshine');
    await page.goto(`/deliverables/${d.id}/edit`);
    await page.locator('#f-m_metric_1').fill('0');
    await page.locator('#f-m_metric_2').fill('12');
    // The form posts through the upload script (its progress bar): a refused save replaces the page in place.
    await click('org', page, page.locator('[data-testid="save"]'), false);
    await page.locator('#f-m_metric_2-error').waitFor();
    expect(await page.locator('#f-m_metric_2').inputValue()).to.equal('12');
    await shot(page, 'org-rule-error');
    await check('org-422');
    await page.locator('#f-m_metric_1').fill('3');
    await Promise.all([page.waitForURL((url) => url.pathname === `/deliverables/${d.id}`), click('org', page, page.locator('[data-testid="save"]'), false)]);
    await shot(page, 'org-saved');
    await check('org-detail');
    await click('org', page, page.locator('[data-testid="submit"]'));
    await click('org', page, page.locator('[data-testid="confirm-action"]'));
    await page.locator('[data-testid="status"]').filter({ hasText: '已提交' }).waitFor();
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('submitted');
    await shot(page, 'org-submitted');
    await watched.context.close();

    watched = await openPage({ viewport: DESK });
    page = watched.page;
    await walk.signIn('orgDesk', page, 'org.sunshine');
    await page.goto(`/deliverables/${d.id}`);
    expect(await page.locator('main').innerText()).to.contain('参与家庭数');
    await shot(page, 'org-desk-detail');
    await check('org-desk-detail');
    console.log(`      clicks: admin ${adminClicks}, org ${walk.clicks.org} (phone)`);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      watched.problems.filter((p) => !/status of 42[29]/.test(p)),
      watched.problems.join('\n'),
    ).to.deep.equal([]);
  });
});
