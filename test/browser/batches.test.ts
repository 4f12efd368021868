import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Batch } from '../../models/Batch.js';
import { Claim } from '../../models/Claim.js';
import { User } from '../../models/index.js';
import { claimCreator, claimLineAdder } from '../../server/commands/claims/claimEditor.js';
import { claimSubmitter, claimVerifier } from '../../server/commands/claims/claimWorkflow.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { verifyLedger } from '../../server/services/ledger.js';
import { classicFapiao, receiptUpload } from '../factories/claims.js';
import { buildContract } from '../factories/contracts.js';
import { actorOf } from '../factories/finance.js';
import { buildOrganisation, unique } from '../factories/index.js';
import { buildEngagedDirector } from '../factories/workers.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

const DESK = { width: 1366, height: 768 };

/**
 * Issue #18 in the browser: the demo finance reviewer of 福田 (finance.ft), at 1366×768 in
 * Chinese, opens the claims queue from the menu, narrows it to one organisation, ticks the page
 * (the bar says how many and their total), approves the ticked claims after one second look, and
 * reads each claim's result on the batch's page: three approved, one refused because it does not
 * fit the contract's ceiling, with that reason. Clicks are counted; every page is axe-checked.
 */
describe('browser: batch approval of claims (#18)', () => {
  const { clicks, shot, click, signIn, fromMenu, confirm } = new Walk('batch');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('finance ticks a page of verified claims, confirms once and sees per-item results', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    // Its own organisation, so the filtered queue holds exactly this walk's claims.
    const organisation = await buildOrganisation({ districtCode: 'FT', name: `批量测试社工服务中心${Date.now() % 100000}` });
    const orgUser = await userCreator(
      {
        username: `org.batch.${Date.now()}`,
        displayName: '批量测试机构经办',
        role: 'org',
        districtId: finance.districtId,
        agencyId: null,
        organisationId: organisation.id,
        password: 'an organisation pass-phrase',
        mustChangePassword: false,
      },
      { actor: null, passwordCost: 12 },
    );
    const { contract } = await buildContract({ status: 'active', officer, finance, organisation, terms: { reimbursementCeilingFen: 50_000 } });
    const { engagement } = await buildEngagedDirector(contract, { orgUser, officer }, { name: `王主任${unique('').slice(-6)}`, community: '沙头社区' });
    // Four claims handed in and verified through the commands: ¥150 + ¥120 + ¥180 fit the ¥500 ceiling, the last ¥90 does not.
    const org = { actor: actorOf(orgUser) };
    const claims: Claim[] = [];
    for (const [month, amountFen] of [
      ['2026-02', 15_000],
      ['2026-03', 12_000],
      ['2026-04', 18_000],
      ['2026-05', 9_000],
    ] as const) {
      const claim = await claimCreator({ contractId: contract.id, engagementId: engagement.id, month }, org);
      const f = classicFapiao();
      await claimLineAdder(
        claim.id,
        {
          spentOn: `${month}-12`,
          kind: 'transport',
          description: '福田—南山 入户探访往返',
          amountFen,
          fapiao: { kind: 'classic', code: f.code, number: f.number },
          digitalNumber: null,
          confirmPersonalData: false,
        },
        [receiptUpload()],
        org,
      );
      await claimSubmitter(claim.id, org);
      await claimVerifier(claim.id, { actor: actorOf(officer) });
      claims.push(claim);
    }
    const violations: string[] = [];
    const check = async (page: Page, label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));

    watched = await openPage({ viewport: DESK, bypassCSP: true });
    const page = watched.page;
    await signIn('finance', page, 'finance.ft');
    await fromMenu('finance', page, '报销申请');
    await click('finance', page, page.locator('[data-testid="queue"]'));
    await page.locator('#f-organisationId').selectOption({ label: organisation.name });
    clicks.finance += 1;
    await click('finance', page, page.locator('[data-testid="queue-filter"]').getByRole('button', { name: '筛选' }));
    expect(await page.locator('[data-testid="batch-all"]').innerText()).to.contain('批准全部符合条件的 4 项（合计 ¥540.00）');
    await click('finance', page, page.locator('#batch-select-page'), false);
    expect(await page.locator('[data-testid="batch-selected"]').innerText()).to.equal('已选 4 项，合计 ¥540.00');
    await shot(page, 'queue-ticked');
    await check(page, 'queue');
    await click('finance', page, page.locator('[data-testid="batch-selected-submit"]'));
    expect(await page.locator('[data-testid="confirmation"]').innerText()).to.contain('批准 4 份报销申请，合计 ¥540.00。');
    await shot(page, 'confirm');
    await check(page, 'confirm');
    await confirm('finance', page, '¥540.00');
    // The page follows the batch until it ends, then lists each claim's result.
    await page.locator('[data-testid="batch-status"]', { hasText: '已完成' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="batch-counts"]').innerText()).to.equal('已处理 4 / 4 项：办结 3，未通过 1');
    expect(await page.locator('[data-testid="batch-item"][data-outcome="done"]').count()).to.equal(3);
    const refused = page.locator('[data-testid="batch-item"][data-outcome="refused"]');
    expect(await refused.innerText()).to.contain('批准 ¥90.00 将超出合同报销上限，剩余额度 ¥50.00');
    await shot(page, 'results');
    await check(page, 'results');
    const statuses = await Promise.all(claims.map(async (c) => (await Claim.findByPk(c.id))!.status));
    expect(statuses).to.deep.equal(['approved', 'approved', 'approved', 'verified']);
    expect(await Batch.count({ where: { createdBy: finance.id } })).to.be.greaterThan(0);
    expect((await verifyLedger()).ok).to.equal(true);
    expect(violations).to.deep.equal([]);
    expect(watched.problems).to.deep.equal([]);
    process.stdout.write(`      clicks: ${JSON.stringify(clicks)}\n`);
  });
});
