import { expect } from 'chai';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { User } from '../../models/index.js';
import { Project } from '../../models/Project.js';
import { claimCreator, claimLineAdder } from '../../server/commands/claims/claimEditor.js';
import { claimSubmitter, claimVerifier } from '../../server/commands/claims/claimWorkflow.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { classicFapiao, receiptUpload } from '../factories/claims.js';
import { actorOf, buildAllocation } from '../factories/finance.js';
import { buildPaymentContract } from '../factories/payments.js';
import { buildEngagedDirector } from '../factories/workers.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: reimbursement claims', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the claim pages of each role and the printable form pass the accessibility check', async () => {
    const [officer, finance, org] = await Promise.all(
      ['officer.ft', 'finance.ft', 'org.sunshine'].map(async (username) => (await User.findOne({ where: { username } }))!),
    );
    const built = await buildPaymentContract({ officer, finance });
    const contract = await built.contract.update({ organisationId: org.organisationId!, reimbursementCeilingFen: 100_000 });
    const first = (await Allocation.findOne({ where: { projectId: contract.projectId } }))!;
    await buildAllocation({
      status: 'approved',
      line: (await BudgetLine.findByPk(first.budgetLineId))!,
      project: (await Project.findByPk(contract.projectId))!,
      amountFen: 100_000,
      requester: officer,
    });
    const { engagement } = await buildEngagedDirector(contract, { orgUser: org, officer }, { name: '儿童主任浏览器测试', trainedOn: '2026-01-05' });
    const byOrg = { actor: actorOf(org) };
    const claim = await claimCreator({ contractId: contract.id, engagementId: engagement.id, month: '2026-03' }, byOrg);
    const f = classicFapiao();
    await claimLineAdder(
      claim.id,
      {
        spentOn: '2026-03-09',
        kind: 'transport',
        description: '福田—南山 往返',
        amountFen: 12_345,
        fapiao: { kind: 'classic', ...f },
        digitalNumber: null,
        confirmPersonalData: false,
      },
      [receiptUpload()],
      byOrg,
    );
    const draft = await claimCreator({ contractId: contract.id, engagementId: engagement.id, month: '2026-04' }, byOrg);
    await claimSubmitter(claim.id, byOrg);
    await claimVerifier(claim.id, { actor: actorOf(officer) });

    watched = await openPage({ bypassCSP: true });
    const { page } = watched;
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    await signIn(page, 'org.sunshine', DEMO_PASSWORD);
    await page.goto(`/claims/${draft.id}`);
    await check('org draft with the line form');
    await page.goto(`/contracts/${contract.id}/engagements`);
    await check('engagements');
    await page.goto(`/claims/new?contractId=${contract.id}`);
    await check('new claim');
    await watched.context.close();

    watched = await openPage({ bypassCSP: true });
    await signIn(watched.page, 'finance.ft', DEMO_PASSWORD);
    const p = watched.page;
    for (const [label, url] of [
      ['list', '/claims'],
      ['queue', '/claims/queue'],
      ['detail', `/claims/${claim.id}`],
      ['totals', '/claims/totals?year=2026'],
      ['contract', `/contracts/${contract.id}`],
    ]) {
      await p.goto(url);
      violations.push(...(await seriousA11yViolations(p)).map((v) => `${label} ${v}`));
    }
    await p.goto(`/claims/${claim.id}/form`);
    expect(await p.locator('[data-testid="amount-capitals"]').textContent()).to.equal('壹佰贰拾叁元肆角伍分');
    violations.push(...(await seriousA11yViolations(p)).map((v) => `form ${v}`));
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });
});
