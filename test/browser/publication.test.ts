import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { User } from '../../models/index.js';
import { LotteryAnnouncement } from '../../models/LotteryAnnouncement.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { liveProject } from '../factories/ocds.js';
import { baseUrl, openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

const DESK = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

async function noWiderThanWindow(page: Page): Promise<void> {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, 'page wider than the window').to.be.at.most(inner);
}

/**
 * Issue #19 in the browser, in Chinese at 1366×768: 福田's officer (officer.ft) drafts the
 * year's lottery-fund announcement of 福田区民政局 from the menu, reads the figures drafted from
 * the ledger (the share on what was spent, beside the allocated one), writes the bureau's text and
 * submits it; finance.ft approves it; the officer issues it after the second look and prints it
 * on A4. A visitor without an account then reads it on /public/announcements and finds the
 * project's OCDS packages on /public/ocds (at 1366×768 and on a 390×844 phone). Clicks counted,
 * every page axe-checked, no console error or CSP violation.
 */
describe('browser: publication — the lottery-fund announcement and OCDS data (#19)', () => {
  const { clicks, shot, click, signIn, fromMenu, confirm } = new Walk('publication');
  let watched: WatchedPage[] = [];

  afterEach(async () => {
    for (const w of watched) await w.context.close();
    watched = [];
  });

  it('the officer drafts and submits, finance approves, the officer issues; a visitor reads it and the OCDS data', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const cashier = await userCreator(
      {
        username: `finance.pub.${Date.now()}`,
        displayName: '公告测试出纳',
        role: 'finance',
        districtId: finance.districtId,
        agencyId: finance.agencyId,
        organisationId: null,
        password: 'a second finance pass-phrase',
        mustChangePassword: false,
      },
      { actor: null, passwordCost: 12 },
    );
    const lived = await liveProject({ lottery: true, end: 'active', users: { officer, finance, cashier } });
    const year = lived.project.year;
    const axe = async (page: Page, where: string) => expect(await seriousA11yViolations(page), where).to.deep.equal([]);

    // The officer: menu → 福彩公益金公告 → 新建 → the year → 生成 → text → 保存 → 提交.
    const o = await openPage({ viewport: DESK });
    watched.push(o);
    await signIn('officer', o.page, 'officer.ft');
    await fromMenu('officer', o.page, '福彩公益金公告');
    await shot(o.page, 'officer-list');
    await axe(o.page, 'list');
    await click('officer', o.page, o.page.locator('[data-testid="new-announcement"]'));
    await o.page.locator('#f-year').fill(String(year));
    await shot(o.page, 'officer-new');
    await axe(o.page, 'new');
    await click('officer', o.page, o.page.locator('[data-testid="create-announcement"]'));
    await o.page.locator('[data-testid="live-note"]').waitFor();
    expect(await o.page.locator('[data-testid="spent"]').innerText()).to.equal('¥9,000.00');
    expect(await o.page.locator('[data-testid="spent-share"]').innerText()).to.equal('0.90%');
    expect(await o.page.locator('[data-testid="allocated-share"]').innerText()).to.equal('4.50%');
    expect(await o.page.locator('[data-testid="share-basis"]').innerText()).to.contain('按实际使用');
    expect(await o.page.locator('[data-testid="announced-project"]').count()).to.equal(1);
    await shot(o.page, 'officer-draft');
    await axe(o.page, 'draft');
    await noWiderThanWindow(o.page);
    const text = '本局严格按照规定使用福利彩票公益金，全部用于困境儿童关爱服务，欢迎社会监督。';
    await o.page.locator('#f-bodyText').fill(text);
    await click('officer', o.page, o.page.locator('[data-testid="save-text"]'));
    await click('officer', o.page, o.page.locator('[data-testid="move-submit"]'));
    expect(await o.page.locator('[data-testid="announcement-status"]').innerText()).to.equal('待财政审核');
    await shot(o.page, 'officer-submitted');
    const id = (await LotteryAnnouncement.findOne({ where: { agencyId: lived.project.agencyId, year } }))!.id;

    // Finance: menu → 福彩公益金公告 → the row → 审核通过.
    const f = await openPage({ viewport: DESK });
    watched.push(f);
    await signIn('finance', f.page, 'finance.ft');
    await fromMenu('finance', f.page, '福彩公益金公告');
    await click('finance', f.page, f.page.locator(`[data-testid="announcement-row"][data-id="${id}"] a`));
    expect(await f.page.locator('[data-testid="announcement-text"]').innerText()).to.contain('欢迎社会监督');
    await shot(f.page, 'finance-review');
    await axe(f.page, 'review');
    await click('finance', f.page, f.page.locator('[data-testid="move-approve"]'));
    expect(await f.page.locator('[data-testid="announcement-status"]').innerText()).to.equal('已审核待发布');

    // The officer issues (a second look first) and prints the A4 sheet.
    await o.page.reload();
    await click('officer', o.page, o.page.locator('[data-testid="move-issue"]'));
    await o.page.locator('[data-testid="confirmation"]').waitFor();
    await shot(o.page, 'officer-confirm-issue');
    await click('officer', o.page, o.page.locator('[data-testid="confirm-action"]'));
    expect(await o.page.locator('[data-testid="announcement-status"]').innerText()).to.equal('已发布');
    await click('officer', o.page, o.page.locator('[data-testid="print-announcement"]'));
    await o.page.emulateMedia({ media: 'print' });
    await shot(o.page, 'officer-print');
    const pdf = await o.page.pdf({ format: 'A4' });
    expect(pdf.length).to.be.greaterThan(1000);
    await o.page.emulateMedia({ media: 'screen' });

    // A visitor (no account): the announcement, then the OCDS data, on a desk and on a phone.
    for (const [size, viewport] of [
      ['desk', DESK],
      ['phone', PHONE],
    ] as const) {
      const v = await openPage({ viewport });
      watched.push(v);
      await v.page.goto('/public/announcements');
      await shot(v.page, `visitor-${size}-announcements`);
      await axe(v.page, `public list ${size}`);
      await noWiderThanWindow(v.page);
      await click(`visitor-${size}`, v.page, v.page.locator(`a[href="/public/announcements/${id}"]`));
      expect(await v.page.locator('[data-testid="public-title"]').innerText()).to.contain(`${year}年度福利彩票公益金使用情况公告`);
      expect(await v.page.locator('[data-testid="spent-share"]').innerText()).to.equal('0.90%');
      await shot(v.page, `visitor-${size}-announcement`);
      await axe(v.page, `public announcement ${size}`);
      await noWiderThanWindow(v.page);
      await click(`visitor-${size}`, v.page, v.page.locator('footer a[href="/public/ocds"]'));
      await v.page.locator('#f-year').fill(String(year));
      await click(`visitor-${size}`, v.page, v.page.getByRole('button', { name: '筛选' }));
      const row = v.page.locator(`[data-testid="ocds-process"][data-ocid="${lived.project.ocid}"]`);
      await row.waitFor();
      expect(await row.innerText()).to.contain(lived.project.title);
      await shot(v.page, `visitor-${size}-ocds`);
      await axe(v.page, `public ocds ${size}`);
      await noWiderThanWindow(v.page);
      const href = await row.locator('[data-testid="record-package"]').getAttribute('href');
      const record = await v.page.request.get(`${baseUrl()}${href}`);
      expect(record.status()).to.equal(200);
      const body = (await record.json()) as { records: { compiledRelease: { tender: { title: string } } }[] };
      expect(body.records[0].compiledRelease.tender.title).to.equal(lived.project.title);
      expect(v.problems, `visitor ${size}`).to.deep.equal([]);
      expect((await v.context.cookies()).filter((c) => c.name.includes('sid'))).to.deep.equal([]);
    }
    // A visitor reading in English: the published English title under the title as published.
    const en = await openPage({ viewport: DESK });
    watched.push(en);
    await en.page.goto('/public/ocds');
    await click('visitor-en', en.page, en.page.locator('[data-testid="language-button"]'));
    await en.page.locator('#f-year').fill(String(year));
    await click('visitor-en', en.page, en.page.getByRole('button', { name: 'Filter' }));
    const enRow = en.page.locator(`[data-testid="ocds-process"][data-ocid="${lived.project.ocid}"]`);
    expect(await enRow.locator('[data-testid="title-en"]').innerText()).to.match(new RegExp(`^${lived.project.year} child-care services, Futian \\(.+\\)$`));
    expect(await enRow.innerText()).to.contain(lived.project.title);
    await shot(en.page, 'visitor-en-ocds');
    await axe(en.page, 'public ocds en');
    expect(en.problems, 'visitor en').to.deep.equal([]);
    expect((await en.context.cookies()).filter((c) => c.name.includes('sid'))).to.deep.equal([]);
    expect(o.problems, 'officer').to.deep.equal([]);
    expect(f.problems, 'finance').to.deep.equal([]);
    console.log(`      clicks: ${JSON.stringify(clicks)}`);
  });
});
