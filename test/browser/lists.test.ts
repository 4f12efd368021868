import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { User } from '../../models/index.js';
import { LIST_COUNT_CAP } from '../../server/services/list-query.js';
import { buildContract } from '../factories/contracts.js';
import { buildOrganisation, unique } from '../factories/index.js';
import { buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 768 };

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * Lists as their readers use them (#13): on a phone the organisation finds its filters folded
 * behind one toggle that says how many are set, and none by district or organisation; at the desk
 * the officer's filters are open, a phone number searched never shows in an address, and finance
 * chooses an organisation by its name.
 */
describe('browser: lists for their readers', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the organisation on a 390×844 phone: filters fold behind 筛选条件 with the count set, no district or organisation filter or column', async () => {
    const [officer, finance, org] = await Promise.all(
      ['officer.ft', 'finance.ft', 'org.sunshine'].map(async (username) => (await User.findOne({ where: { username } }))!),
    );
    const built = await buildPaymentContract({ officer, finance });
    const number = unique('SZHT-LIST-');
    const contract = await built.contract.update({ organisationId: org.organisationId!, number });
    const walk = new Walk('lists-org');
    watched = await openPage({ viewport: PHONE, bypassCSP: true });
    const { page } = watched;
    await walk.signIn('org', page, 'org.sunshine');
    await walk.click('org', page, page.locator('[data-testid="menu-toggle"]'), false);
    await walk.fromMenu('org', page, '合同');
    await walk.shot(page, 'contracts-folded');
    const filters = page.locator('[data-testid="list-filters"]');
    expect(await filters.locator('form').isVisible()).to.equal(false);
    expect(await page.locator('[data-testid="filters-toggle"]').innerText()).to.equal('筛选条件');
    expect(await page.locator(`[data-testid="contract-row"][data-id="${contract.id}"]`).isVisible()).to.equal(true);
    expect(await pageWidth(page)).to.be.at.most(PHONE.width);
    // Their own organisation is on every row: no column, no filter by it or by district.
    const headers = await page.locator('[data-testid="contracts-table"] thead th').allInnerTexts();
    for (const h of ['服务机构', '区']) expect(headers.map((x) => x.trim())).to.not.include(h);
    for (const name of ['districtId', 'organisationId', 'organisationText']) expect(await page.locator(`[name="${name}"]`).count(), name).to.equal(0);
    await walk.click('org', page, page.locator('[data-testid="filters-toggle"]'), false);
    expect(await filters.locator('form').isVisible()).to.equal(true);
    await walk.shot(page, 'contracts-filters-open');
    expect(await pageWidth(page)).to.be.at.most(PHONE.width);
    await page.getByLabel('状态').selectOption({ label: '履行中' });
    await walk.click('org', page, filters.getByRole('button', { name: '筛选', exact: true }));
    expect(new URL(page.url()).search).to.contain('status=active');
    expect(await filters.locator('form').isVisible()).to.equal(false);
    expect(await page.locator('[data-testid="active-filters"]').innerText()).to.equal('已选 1 项');
    expect(await page.locator(`[data-testid="contract-row"][data-id="${contract.id}"]`).isVisible()).to.equal(true);
    await walk.shot(page, 'contracts-filtered');
    expect(await seriousA11yViolations(page), 'axe').to.deep.equal([]);
    // In English, the deliverables and payments lists fold the same way and name no organisation or district.
    await watched.context.addCookies([{ name: 'lang', value: 'en', url: new URL(page.url()).origin }]);
    for (const path of ['/deliverables', '/payments']) {
      await page.goto(path);
      await walk.shot(page, `en${path.replace('/', '-')}`);
      expect(await page.locator('[data-testid="filters-toggle"]').innerText()).to.equal('Filters');
      expect(await filters.locator('form').isVisible(), path).to.equal(false);
      for (const name of ['districtId', 'organisationId', 'organisationText'])
        expect(await page.locator(`[name="${name}"]`).count(), `${path} ${name}`).to.equal(0);
      const heads = (await page.locator('main table thead th').allInnerTexts()).map((h) => h.trim());
      for (const h of ['Organisation', 'District']) expect(heads, path).to.not.include(h);
      expect(await pageWidth(page), path).to.be.at.most(PHONE.width);
      expect(await seriousA11yViolations(page), `axe ${path}`).to.deep.equal([]);
    }
    expect(watched.problems).to.deep.equal([]);
    console.log(`      (clicks: organisation ${walk.clicks.org})`);
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`the officer at 1366×768 (${locale}): filters open, a phone number searched is in no address the browser asks for`, async () => {
      const walk = new Walk(`lists-officer-${locale}`);
      watched = await openPage({ viewport: DESK, bypassCSP: true });
      const { page } = watched;
      const asked: string[] = [];
      page.on('request', (r) => asked.push(r.url()));
      await walk.signIn('officer', page, 'officer.ft');
      if (locale === 'en') await watched.context.addCookies([{ name: 'lang', value: 'en', url: new URL(page.url()).origin }]);
      await page.goto('/organisations');
      const filters = page.locator('[data-testid="list-filters"]');
      expect(await filters.locator('form').isVisible()).to.equal(true);
      expect(await page.locator('[data-testid="filters-toggle"]').isVisible()).to.equal(false);
      // A Futian officer sees one district: no district filter.
      expect(await page.locator('[name="districtId"]').count()).to.equal(0);
      const phone = '138 0013 8000';
      await page.locator('#f-q').fill(phone);
      await walk.click('officer', page, filters.getByRole('button', { name: locale === 'en' ? 'Filter' : '筛选', exact: true }));
      await walk.shot(page, 'organisations-searched');
      expect(page.url())
        .to.match(/\/organisations\?(?:\w+=\w+&)*held=[A-Za-z0-9_-]{22}$/)
        .and.not.contain('q=');
      expect(await page.locator('#f-q').inputValue()).to.equal(phone);
      const exportHref = await page.locator('[data-testid="export-csv"]').getAttribute('href');
      expect(exportHref).to.contain('held=');
      for (const url of asked) expect(url).to.not.contain('13800138000').and.not.contain('138%200013').and.not.contain('138+0013');
      expect(await seriousA11yViolations(page), 'axe').to.deep.equal([]);
      expect(watched.problems).to.deep.equal([]);
    });
  }

  it('finance at 1366×768: the payments list offers organisations and contracts by name, no district filter', async () => {
    watched = await openPage({ viewport: DESK, bypassCSP: true });
    const { page } = watched;
    const walk = new Walk('lists-finance');
    await walk.signIn('finance', page, 'finance.ft');
    await page.goto('/payments');
    await walk.shot(page, 'payments');
    expect(await page.locator('[name="districtId"]').count()).to.equal(0);
    for (const name of ['contractId', 'organisationId']) {
      const box = page.locator(`[name="${name}"], [name="${name.replace('Id', 'Text')}"]`);
      expect(await box.count(), name).to.equal(1);
      expect(await box.getAttribute('type'), name).to.not.equal('number');
    }
    expect(await pageWidth(page)).to.be.at.most(DESK.width);
    expect(await seriousA11yViolations(page), 'axe').to.deep.equal([]);
  });
  it('the officer at 1366×768 pages a long list by 下一页, 末页 and 上一页, which continue by cursor (#15)', async () => {
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const organisation = await buildOrganisation({ districtCode: 'FT' });
    for (let i = 0; i < 23; i += 1) await buildContract({ organisation, officer });
    // Counted only to 5 rows, as a city's list is past its 10,000: the last page is reached by cursor alone.
    const kept = LIST_COUNT_CAP.rows;
    LIST_COUNT_CAP.rows = 5;
    try {
      watched = await openPage({ viewport: DESK, bypassCSP: true });
      const { page } = watched;
      const walk = new Walk('lists-pages');
      await walk.signIn('officer', page, 'officer.ft');
      await page.goto(`/contracts?organisationId=${organisation.id}&perPage=10`);
      const total = page.locator('[data-testid="list-total"]');
      const rows = () => page.locator('[data-testid="contract-row"]').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-id'))));
      expect(await total.innerText()).to.equal('超过 10 条 · 第 1 页');
      const first = await rows();
      await walk.click('officer', page, page.getByRole('link', { name: '下一页' }));
      await walk.shot(page, 'contracts-next');
      expect(new URL(page.url()).searchParams.get('after')).to.match(/^[A-Za-z0-9_-]+$/);
      expect(await total.innerText()).to.equal('超过 5 条 · 第 2 页');
      const second = await rows();
      expect(second).to.have.length(10);
      expect(second.filter((id) => first.includes(id))).to.deep.equal([]);
      await walk.click('officer', page, page.getByRole('link', { name: '末页' }));
      await walk.shot(page, 'contracts-last');
      expect(await total.innerText()).to.equal('超过 5 条 · 最后一页');
      const last = await rows();
      expect(last).to.have.length(10);
      expect(await page.locator('[data-testid="page-next"]').getAttribute('aria-disabled')).to.equal('true');
      await walk.click('officer', page, page.getByRole('link', { name: '上一页' }));
      await walk.shot(page, 'contracts-previous');
      expect(new URL(page.url()).searchParams.get('before')).to.match(/^[A-Za-z0-9_-]+$/);
      const previous = await rows();
      // The rows just before the last page's, and with it the 23 rows with page 1 (3 before these).
      expect(new Set([...first, ...previous, ...last]).size).to.equal(23);
      expect(previous.filter((id) => last.includes(id))).to.deep.equal([]);
      expect(await pageWidth(page)).to.be.at.most(DESK.width);
      expect(await seriousA11yViolations(page), 'axe').to.deep.equal([]);
      expect(watched.problems).to.deep.equal([]);
    } finally {
      LIST_COUNT_CAP.rows = kept;
    }
  });
});
