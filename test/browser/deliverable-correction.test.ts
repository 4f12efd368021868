import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { StoredFile, User } from '../../models/index.js';
import { setClock } from '../../server/clock.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * Journey 2 of issue #12: the organisation, on a 390-pixel-wide phone, hands in a home-visit
 * deliverable with a photo and a sign-in sheet; the officer (1366×768) returns it with comments;
 * the organisation finds it on its dashboard, corrects it beside the comments (removing the
 * sign-in sheet, adding a signed one) and hands it in again; the officer accepts it. Chinese
 * labels only; every click a person makes is counted. SCREENSHOT_DIR keeps a screenshot per step.
 */

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 768 };

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

describe('browser: journey 2 — a deliverable handed in on a phone, returned, corrected and accepted', () => {
  const { clicks, shot, click, signIn } = new Walk('j2');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
    setClock(null);
  });

  /** The dashboard card with `label`: its figure is a link to the list it counts. */
  const card = (page: Page, label: string) => page.locator('.card', { hasText: label }).getByRole('link');

  it('the organisation on a phone and the officer at a desk, by visible labels, counting clicks', async function () {
    this.timeout(300_000);
    // 2026-04-01, noon in Shenzhen: the first quarter's report is due within ten days.
    setClock(new Date('2026-04-01T04:00:00Z'));
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildDeliverableContract({ officer, finance, orgUser });
    const d = built.deliverables[0];
    const number = built.contract.number;
    const violations: string[] = [];
    const check = async (page: Page, label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    const problems: string[] = [];

    // 1. The organisation hands it in on its phone.
    watched = await openPage({ viewport: PHONE, bypassCSP: true, isMobile: true, hasTouch: true });
    let page = watched.page;
    await signIn('org', page, 'org.sunshine');
    await shot(page, 'org-dashboard');
    await click('org', page, card(page, '30 天内到期的服务成果'));
    await shot(page, 'org-due-list');
    await click('org', page, page.locator('[data-testid="deliverable-row"]', { hasText: number }).getByRole('link', { name: '家庭探访' }));
    await shot(page, 'org-deliverable-empty');
    await click('org', page, page.getByRole('link', { name: '填报' }));
    await page.getByLabel(/^探访次数/).fill('40');
    await page.getByLabel(/^探访户数/).fill('35');
    await page.getByLabel(/^跟进次数/).fill('6');
    await page.getByLabel('工作说明').fill('第一季度完成入户探访。');
    await page.getByLabel('照片', { exact: true }).setInputFiles({ name: '探访照片.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    clicks.org += 1; // choosing the photo
    await page
      .getByLabel('签到表', { exact: true })
      .setInputFiles({ name: '签到表.csv', mimeType: 'text/csv', buffer: Buffer.from('日期,户数\n2026-03-01,5\n') });
    clicks.org += 1; // choosing the sign-in sheet
    await shot(page, 'org-form-filled');
    await check(page, 'org form');
    await click('org', page, page.getByRole('button', { name: '保存草稿' }));
    await page.getByText('探访照片.jpg').first().waitFor();
    await shot(page, 'org-draft-saved');
    await click('org', page, page.getByRole('button', { name: '提交', exact: true }));
    await click('org', page, page.locator('[data-testid="confirm-action"]'));
    await page.locator('[data-testid="status"]', { hasText: '已提交' }).waitFor();
    await shot(page, 'org-submitted');
    const handedIn = clicks.org;
    problems.push(...watched.problems);
    await watched.context.close();

    // 2. The officer returns it with comments beside the points they are about.
    watched = await openPage({ viewport: DESK, bypassCSP: true });
    page = watched.page;
    await signIn('officer', page, 'officer.ft');
    await click('officer', page, card(page, '待审核的服务成果'));
    await click('officer', page, page.locator('[data-testid="queue-row"]', { hasText: number }).getByRole('link', { name: '家庭探访' }));
    await page.getByLabel('总体意见').fill('请更换签到表后重新提交。');
    await page.getByLabel('文件', { exact: true }).fill('签到表没有签名，请删除并上传有签名的签到表。');
    await page.getByLabel('探访次数', { exact: true }).fill('签到表只记录了 38 次探访。');
    await shot(page, 'officer-review');
    await check(page, 'officer review');
    await click('officer', page, page.getByRole('button', { name: '退回并附意见' }));
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('returned');
    const returned = clicks.officer;
    problems.push(...watched.problems);
    await watched.context.close();

    // 3. The organisation sees it on its dashboard and corrects it beside the comments.
    watched = await openPage({ viewport: PHONE, bypassCSP: true, isMobile: true, hasTouch: true });
    page = watched.page;
    const before = clicks.org;
    await signIn('org', page, 'org.sunshine');
    await shot(page, 'org-dashboard-returned');
    await click('org', page, card(page, '退回待修改的服务成果'));
    await click('org', page, page.locator('[data-testid="deliverable-row"]', { hasText: number }).getByRole('link', { name: '家庭探访' }));
    await shot(page, 'org-returned-detail');
    await click('org', page, page.getByRole('link', { name: '修改（新版本）' }));
    expect(await page.locator('#f-m_visits-note').textContent()).to.contain('签到表只记录了 38 次探访。');
    expect(await page.locator('[data-testid="review-files"]').textContent()).to.contain('签到表没有签名');
    expect(await page.locator('[data-testid="review-general"]').textContent()).to.contain('请更换签到表后重新提交。');
    await shot(page, 'org-correction-form');
    await check(page, 'org correction');
    await page.getByLabel(/^探访次数/).fill('38');
    await click('org', page, page.getByRole('checkbox', { name: /签到表\.csv/ }), false);
    await page
      .getByLabel('签到表', { exact: true })
      .setInputFiles({ name: '签到表-已签名.csv', mimeType: 'text/csv', buffer: Buffer.from('日期,户数,签名\n2026-03-01,5,有\n') });
    clicks.org += 1;
    await click('org', page, page.getByRole('button', { name: '保存草稿' }));
    await shot(page, 'org-correction-saved');
    await click('org', page, page.getByRole('button', { name: '提交', exact: true }));
    await click('org', page, page.locator('[data-testid="confirm-action"]'));
    await page.locator('[data-testid="status"]', { hasText: '已提交' }).waitFor();
    const corrected = clicks.org - before;
    problems.push(...watched.problems);
    await watched.context.close();

    // 4. The officer accepts the new version.
    watched = await openPage({ viewport: DESK, bypassCSP: true });
    page = watched.page;
    const officerBefore = clicks.officer;
    await signIn('officer', page, 'officer.ft');
    await click('officer', page, card(page, '待审核的服务成果'));
    await click('officer', page, page.locator('[data-testid="queue-row"]', { hasText: number }).getByRole('link', { name: '家庭探访' }));
    await shot(page, 'officer-second-review');
    await click('officer', page, page.getByRole('button', { name: '验收通过' }));
    const accepted = clicks.officer - officerBefore;
    problems.push(...watched.problems);

    const done = (await Deliverable.findByPk(d.id))!;
    expect(done).to.include({ status: 'accepted', acceptedVersion: 2 });
    const files = async (version: number) => {
      const v = (await DeliverableVersion.findOne({ where: { deliverableId: d.id, version } }))!;
      const links = await DeliverableFile.findAll({ where: { versionId: v.id }, include: [{ model: StoredFile, as: 'storedFile' }], order: [['id', 'ASC']] });
      return links.map((f) => f.storedFile!.originalName);
    };
    expect(await files(2)).to.deep.equal(['探访照片.jpg', '签到表-已签名.csv']);
    expect(await files(1)).to.deep.equal(['探访照片.jpg', '签到表.csv']);
    process.stdout.write(
      `      clicks: organisation ${handedIn} to hand in, ${corrected} to correct; officer ${returned} to return, ${accepted} to accept; total ${clicks.org + clicks.officer}\n`,
    );
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
