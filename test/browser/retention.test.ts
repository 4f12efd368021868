import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ClaimLine } from '../../models/Claim.js';
import { Organisation, User } from '../../models/index.js';
import { RetentionHold } from '../../models/Retention.js';
import { buildClaim } from '../factories/claims.js';
import { buildContract } from '../factories/contracts.js';
import { storedBytes } from '../factories/dossier.js';
import { pdfBytes } from '../factories/organisations.js';
import { buildEngagedDirector } from '../factories/workers.js';
import { readZip } from '../support/zip.js';
import { LocalDiskStore } from '../../server/services/storage/index.js';
import { browserUploadDir, openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { unique } from '../factories/index.js';
import { Walk } from './support/journey.js';

/**
 * #20, retention of personal data: the administrator opens 个人信息保存期限 at 1366×768, sees a
 * completed contract whose child workers' numbers are due, places a legal hold on it (the
 * contract moves to 法律保留) and lifts it again; the contract's organisation, on a 390×844 phone,
 * opens the contract and downloads its personal data (the return of PIPL art. 21) before it is
 * deleted. In Chinese, by visible labels, every click counted, axe-checked, no console or CSP errors.
 */
const DESK = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

describe('browser: retention of personal data (#20)', () => {
  const { clicks, shot, click, signIn, fromMenu } = new Walk('retention');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  async function download(page: Page, who: string, label: string): Promise<Buffer> {
    const [file] = await Promise.all([page.waitForEvent('download'), click(who, page, page.getByRole('link', { name: label }), false)]);
    return fs.readFileSync(await file.path());
  }

  it('the administrator sees what is due and holds it; the organisation downloads its personal data on a phone', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const organisation = (await Organisation.findByPk(orgUser.organisationId!))!;
    const { contract } = await buildContract({ status: 'active', officer, finance, organisation, terms: { reimbursementCeilingFen: 100_000 } });
    // A director of the contract (the browser app seals numbers with the development key), with a claim of two receipts.
    const { worker, engagement } = await buildEngagedDirector(contract, { orgUser, officer }, { name: `周主任${unique('').slice(-6)}`, community: '沙头社区' });
    const claim = await buildClaim(
      { contract, organisation, orgUser, officer, finance, cashier: finance, worker, engagement },
      { lines: [{ amountFen: 5_000 }, { kind: 'communication', amountFen: 3_000 }] },
    );
    const store = new LocalDiskStore(browserUploadDir());
    for (const line of await ClaimLine.findAll({ where: { claimId: claim.id } })) {
      const receipt = await storedBytes(
        pdfBytes(`发票${line.id}`),
        { by: orgUser, districtId: contract.districtId, organisationId: contract.organisationId, kind: 'receipt', name: '发票.pdf' },
        store,
      );
      await line.update({ receiptFileId: receipt.id });
    }
    // Completed some 13 months ago: the workers' numbers (12 months) are due, the receipts (36) and contacts (24) not yet.
    await contract.update({ status: 'completed', endedAt: new Date(Date.now() - 400 * 24 * 3600_000) });
    const number = contract.number;
    const violations: string[] = [];

    watched = await openPage({ viewport: DESK });
    let page = watched.page;
    await signIn('admin', page, 'admin');
    await fromMenu('admin', page, '个人信息保存期限');
    const due = page.locator(`[data-testid="retention-due-row"][data-number="${number}"]`);
    await due.waitFor();
    expect(await due.locator('[data-kind="workerNumbers"]').getAttribute('data-state')).to.equal('due');
    expect(await due.locator('[data-kind="receiptImages"]').getAttribute('data-state')).to.equal('waiting');
    await shot(page, 'admin-due');
    violations.push(...(await seriousA11yViolations(page)).map((v) => `admin page ${v}`));

    await page.getByLabel('合同编号').fill(number);
    await page.getByLabel('保留原因').fill('区审计局 2027 年专项审计');
    await click('admin', page, page.getByRole('button', { name: '设置保留' }));
    const held = page.locator(`[data-testid="retention-held-row"][data-number="${number}"]`);
    await held.waitFor();
    expect(await due.count()).to.equal(0);
    expect(await RetentionHold.findByPk(contract.id)).to.not.equal(null);
    await shot(page, 'admin-held');
    await click('admin', page, held.getByRole('button', { name: '解除保留' }));
    // Lifting lets the night's round delete what is due: the confirm modal says so first, and nothing is lifted yet.
    const modal = page.locator('#confirm-modal');
    expect(await modal.locator('[data-testid="confirmation"]').innerText())
      .to.contain(`解除合同 ${number} 的法律保留`)
      .and.contain('无法恢复');
    expect(await RetentionHold.findByPk(contract.id)).to.not.equal(null);
    await shot(page, 'admin-release-confirm');
    violations.push(...(await seriousA11yViolations(page)).map((v) => `admin confirm modal ${v}`));
    await click('admin', page, modal.locator('[data-testid="confirm-action"]'));
    await due.waitFor();
    expect(await RetentionHold.findByPk(contract.id)).to.equal(null);
    await shot(page, 'admin-released');
    expect(watched.problems, 'admin: console errors or CSP violations').to.deep.equal([]);
    await watched.context.close();

    watched = await openPage({ viewport: PHONE, isMobile: true, hasTouch: true, acceptDownloads: true });
    page = watched.page;
    await signIn('org', page, 'org.sunshine');
    // On a phone the menu folds behind its button.
    await click('org', page, page.locator('[data-testid="menu-toggle"]'), false);
    await fromMenu('org', page, '合同');
    await click('org', page, page.getByRole('link', { name: number }));
    await page.locator('[data-testid="contract-retention"]').waitFor();
    await shot(page, 'org-contract');
    // The card itself at the phone's width, to read (the full page shrinks it).
    if (process.env.SCREENSHOT_DIR)
      await page.locator('[data-testid="contract-retention"]').screenshot({ path: `${process.env.SCREENSHOT_DIR}/retention-org-card.png` });
    violations.push(...(await seriousA11yViolations(page)).map((v) => `org contract ${v}`));
    const zip = readZip(await download(page, 'org', '下载本合同个人信息'));
    const names = zip.map((e) => e.name);
    expect(names).to.include.members(['README.txt', 'engagements.csv', 'claims.csv', 'organisation-contact.csv', 'manifest.json']);
    expect(names.filter((n) => n.startsWith('receipts/'))).to.have.length(2);
    expect(zip.find((e) => e.name === 'engagements.csv')!.data.toString('utf8')).to.contain(worker.idNumberMasked);
    expect(watched.problems, 'org: console errors or CSP violations').to.deep.equal([]);
    expect(violations, 'axe: serious or critical').to.deep.equal([]);
    console.log(`      (clicks: admin ${clicks.admin}, org ${clicks.org})`);
  });
});
