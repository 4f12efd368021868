import zlib from 'node:zlib';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { CatalogueItem } from '../../models/CatalogueItem.js';
import { Deliverable } from '../../models/Deliverable.js';
import { User } from '../../models/index.js';
import { setClock, thisYear } from '../../server/clock.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildCatalogueItem } from '../factories/catalogue.js';
import { buildPaymentContract } from '../factories/payments.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildAllocation, buildBudgetLine, buildFinanceProject } from '../factories/finance.js';
import { baseUrl, openPage, seriousA11yViolations, signIn as signInById, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * The pages of issue #13 walked by the demo users from their start pages: finance (1366×768)
 * decides an allocation from its start-page card through the confirmation modal and reads the
 * dashboard of this budget year; the officer copies a year's catalogue (the codes take the new
 * year) and reviews a deliverable with its photo and PDF shown above the review form; the
 * organisation on a 390×844 phone hands that deliverable in with the previews on its page, in
 * Chinese and in English; the evaluator scores in English and the English report adds up its
 * weighted scores to the total. Clicks counted per person; SCREENSHOT_DIR keeps a screenshot per step.
 */
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 768 };

/** A real PNG of `w`×`h` pixels in one colour: what a phone photo preview shows. */
function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array.from({ length: w }, () => Buffer.from(rgb)))]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with a line of text, as a scanned report would be. */
function pdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 40 100 Td (${text}) Tj ET`;
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length ${stream.length}>>stream\n${stream}\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );
}

describe('browser: the pages of #13 walked by finance, the officer, the evaluator and the organisation', () => {
  const walk = new Walk('pages');
  const { clicks, shot, click, signIn, fromMenu, confirm } = walk;
  let watched: WatchedPage | undefined;
  const violations: string[] = [];
  const problems: string[] = [];
  const check = async (page: Page, label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
  const open = async (viewport: { width: number; height: number }, lang: 'zh-CN' | 'en' = 'zh-CN') => {
    await close();
    watched = await openPage({ viewport, bypassCSP: true, ...(viewport === PHONE ? { isMobile: true, hasTouch: true } : {}) });
    if (lang === 'en') await watched.context.addCookies([{ name: 'lang', value: 'en', url: baseUrl() }]);
    return watched.page;
  };
  /** Signing in on an English page (the walk's own sign-in reads the Chinese labels): one click. */
  const signInEn = async (who: string, page: Page, username: string, password = DEMO_PASSWORD) => {
    clicks[who] = (clicks[who] ?? 0) + 1;
    await signInById(page, username, password);
  };
  const close = async () => {
    if (watched) problems.push(...watched.problems);
    await watched?.context.close();
    watched = undefined;
  };

  afterEach(async () => {
    await close();
    setClock(null);
  });

  it('finance decides an allocation from its start-page card, in the confirmation modal, and reads this year’s dashboard', async function () {
    this.timeout(300_000);
    const [officer, finance] = await Promise.all(['officer.ft', 'finance.ft'].map(async (u) => (await User.findOne({ where: { username: u } }))!));
    const year = thisYear();
    // The district's general budget of this year: the demo's own when the app seeded one (one line per year and source).
    const line =
      (await BudgetLine.findOne({ where: { districtId: finance.districtId!, year, fundSource: 'general_budget' } })) ??
      (await buildBudgetLine({ districtCode: 'FT', year, amountFen: 50_000_000, creator: finance }));
    const project = await buildFinanceProject({ year, districtCode: 'FT', creator: officer });
    const allocation = await buildAllocation({ status: 'submitted', line, project, amountFen: 123_456, requester: officer });
    await buildAllocation({ status: 'approved', line, project, amountFen: 80_000, requester: officer });

    const page = await open(DESK);
    await signIn('finance', page, 'finance.ft');
    const card = page.locator('.card', { hasText: '待审批资金安排' });
    expect(await card.locator('[data-testid="card-detail"]').textContent()).to.match(/^合计 ¥[\d,]+\.\d\d$/);
    await shot(page, 'finance-start');
    await check(page, 'finance start');
    await click('finance', page, card.getByRole('link'));
    expect(new URL(page.url()).pathname).to.equal('/allocations/queue');
    await click('finance', page, page.locator(`[data-testid="queue-row"][data-id="${allocation.id}"] a`));
    expect(await page.locator('[data-testid="held"]').textContent()).to.contain('批准后划入');
    await shot(page, 'finance-allocation');
    await click('finance', page, page.locator('[data-testid="approve"]'));
    expect(new URL(page.url()).pathname, 'the modal opens on the allocation').to.equal(`/allocations/${allocation.id}`);
    await shot(page, 'finance-confirm-modal');
    await check(page, 'finance confirm modal');
    await confirm('finance', page, '¥1,234.56');
    expect((await Allocation.findByPk(allocation.id))!.status).to.equal('approved');
    expect(await page.locator('[data-testid="held"]').textContent()).to.equal('¥1,234.56');
    // The dashboard is reached from the start page's card of payments waiting.
    await fromMenu('finance', page, '工作台');
    await click('finance', page, page.locator('.card', { hasText: '待审批拨付' }).getByRole('link'));
    expect(await page.locator('[data-testid="year-shown"]').textContent()).to.equal(`${year} 年度`);
    expect(await page.locator('#f-year').inputValue()).to.equal(String(year));
    const chart = await page.locator('#fund-source-chart').boundingBox();
    expect(chart!.height, 'the chart keeps a readable height').to.be.within(200, 300);
    await shot(page, 'finance-dashboard');
    await check(page, 'finance dashboard');
    console.log(`      finance: ${clicks.finance} clicks`);
  });

  it('the officer copies a year’s catalogue: the copies carry the new year’s codes', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const from = 2046;
    for (const [n, name] of ['家庭探访服务', '心理疏导服务'].entries()) {
      await buildCatalogueItem(officer, { year: from, status: 'published', code: `FT-${from}-HV-0${n + 1}`, name });
    }
    const page = await open(DESK);
    await signIn('officer', page, 'officer.ft');
    await fromMenu('officer', page, '目录');
    await click('officer', page, page.getByRole('link', { name: '复制年度目录' }));
    await page.getByLabel('复制自年度').fill(String(from));
    await page.getByLabel('区域').selectOption({ label: '福田区' });
    await shot(page, 'officer-copy-year');
    await click('officer', page, page.getByRole('button', { name: '复制到下一年度' }));
    const codes = (await CatalogueItem.findAll({ where: { year: from + 1 } })).map((i) => i.code).sort();
    expect(codes).to.deep.equal([`FT-${from + 1}-HV-01`, `FT-${from + 1}-HV-02`]);
    await page.goto(`/catalogue?year=${from + 1}`);
    expect(await page.locator('main').innerText()).to.contain(`FT-${from + 1}-HV-01`);
    await shot(page, 'officer-copied');
    console.log(`      officer, catalogue copy: ${clicks.officer} clicks`);
  });

  it('the organisation hands in a deliverable with a photo and a PDF on its phone, sees them on the page, and the officer reviews them above the review form', async function () {
    this.timeout(300_000);
    setClock(new Date('2026-04-01T04:00:00Z'));
    const [officer, finance, orgUser] = await Promise.all(
      ['officer.ft', 'finance.ft', 'org.sunshine'].map(async (u) => (await User.findOne({ where: { username: u } }))!),
    );
    const built = await buildDeliverableContract({ officer, finance, orgUser });
    const d = built.deliverables[0];
    let page = await open(PHONE);
    await signIn('org', page, 'org.sunshine');
    await page.goto(`/deliverables/${d.id}/edit`);
    await page.getByLabel(/^探访次数/).fill('40');
    await page.getByLabel(/^探访户数/).fill('35');
    await page.getByLabel(/^跟进次数/).fill('6');
    await page.getByLabel('工作说明').fill('第一季度完成入户探访。');
    await page.getByLabel('照片', { exact: true }).setInputFiles({ name: '探访照片.png', mimeType: 'image/png', buffer: png(320, 200, [60, 140, 90]) });
    await page.getByLabel('报告', { exact: true }).setInputFiles({ name: '季度报告.pdf', mimeType: 'application/pdf', buffer: pdf('Quarterly report Q1') });
    clicks.org = (clicks.org ?? 0) + 2; // choosing the two files
    await click('org', page, page.getByRole('button', { name: '保存草稿' }));
    const previews = page.locator('[data-testid="previews"] [data-testid="file-preview"]');
    await previews.first().waitFor();
    expect(await previews.evaluateAll((fs) => fs.map((f) => f.getAttribute('data-kind')))).to.deep.equal(['image', 'pdf']);
    const photo = page.locator('[data-testid="previews"] img');
    await photo.scrollIntoViewIfNeeded();
    await photo.evaluate((img: HTMLImageElement) => (img.complete ? null : new Promise((resolve) => img.addEventListener('load', resolve, { once: true }))));
    expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth), 'the photo is shown').to.equal(320);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).to.be.at.most(0);
    await shot(page, 'org-previews');
    await check(page, 'org previews');
    await click('org', page, page.getByRole('button', { name: '提交', exact: true }));
    await shot(page, 'org-confirm-modal');
    await click('org', page, page.locator('#confirm-modal [data-testid="confirm-action"]'));
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('submitted');

    // The same page in English on the phone.
    page = await open(PHONE, 'en');
    await signInEn('org-en', page, 'org.sunshine');
    await page.goto(`/deliverables/${d.id}`);
    await page.locator('[data-testid="previews"]').waitFor();
    await shot(page, 'org-previews-en');
    await check(page, 'org previews en');

    page = await open(DESK);
    await signIn('officer', page, 'officer.ft');
    await page.goto(`/deliverables/${d.id}`);
    const previewsBox = await page.locator('[data-testid="previews"]').boundingBox();
    const reviewBox = await page.locator('[data-testid="review-form"]').boundingBox();
    expect(previewsBox!.y, 'the submission above the review form').to.be.lessThan(reviewBox!.y);
    await shot(page, 'officer-review-with-previews');
    await check(page, 'officer review');
    await click('officer', page, page.getByRole('button', { name: '验收通过' }));
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('accepted');
  });

  it('the evaluator scores in English; the officer confirms in the modal; the English report adds its weighted scores up to the total', async function () {
    this.timeout(300_000);
    const [officer, finance, evaluator] = await Promise.all(
      ['officer.ft', 'finance.ft', 'evaluator'].map(async (u) => (await User.findOne({ where: { username: u } }))!),
    );
    const contract = await buildPaymentContract({ officer, finance, lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const { evaluation } = await buildEvaluation({ evaluator, built: contract });
    let page = await open(DESK, 'en');
    await signInEn('evaluator', page, 'evaluator');
    await fromMenu('evaluator', page, 'Evaluations');
    await click('evaluator', page, page.locator(`main a[href="/evaluations/${evaluation.id}"]`).first());
    await page.fill('#f-score_2', '85.37');
    await page.fill('#f-comment_2', 'Records complete, visits on time');
    await page.fill('#f-score_3', '90.11');
    await page.fill('#f-comment_3', 'Satisfaction survey good');
    await shot(page, 'evaluator-scoring-en');
    await check(page, 'evaluator scoring en');
    await click('evaluator', page, page.locator('[data-testid="submit"]'));
    await page.waitForURL(`**/evaluations/${evaluation.id}`);

    page = await open(DESK, 'en');
    await signInEn('officer-en', page, 'officer.ft');
    await page.goto(`/evaluations/${evaluation.id}`);
    await click('officer-en', page, page.locator('[data-testid="confirm"]'));
    await shot(page, 'officer-confirm-modal-en');
    await click('officer-en', page, page.locator('#confirm-modal [data-testid="confirm-action"]'));
    await page.goto(`/evaluations/${evaluation.id}/report`);
    const weighted = await page.locator('[data-testid="report-weighted"]').allTextContents();
    const total = (await page.locator('[data-testid="report-total"]').textContent())!;
    const hundredths = (s: string) => Math.round(Number(s) * 100);
    expect(weighted.map(hundredths).reduce((a, b) => a + b, 0)).to.equal(hundredths(total));
    expect(await page.locator('main').innerText()).not.to.match(/[A-Za-z0-9)][\u3000-\u303f\uff00-\uffef]/);
    await shot(page, 'report-en');
    await check(page, 'report en');
  });

  after(() => {
    console.log(`      clicks: ${JSON.stringify(clicks)}`);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
