import { expect } from 'chai';
import { Contract } from '../../models/Contract.js';
import { buildContract, storedContractDocument } from '../factories/contracts.js';
import { buildAllocation, buildBudgetLine } from '../factories/finance.js';
import { loginAs, postForm } from '../support/agent.js';

const PASSWORD = 'correct horse battery staple';
/** The activate button's opening tag (its attributes in any order), or '' when the page has none. */
const activateButton = (html: string) => /<button[^>]*data-testid="activate"[^>]*>/.exec(html)?.[0] ?? '';
const item = (html: string, key: string) => new RegExp(`data-key="${key}" data-ok="(true|false)"`).exec(html)?.[1];

// #12 "The next step is always in sight": a draft contract shows what activation needs.
describe('contracts: the activation checklist', () => {
  it('shows what is missing and who provides it, disables activation with the reason, and a refused activation stays on the page', async () => {
    const { contract, officer, project } = await buildContract({ valueFen: 1_000_000 });
    const agent = await loginAs(officer, PASSWORD);
    let page = (await agent.get(`/contracts/${contract.id}`)).text;
    expect(page).to.contain('data-testid="activation-checklist"');
    expect(item(page, 'announcement')).to.equal('true');
    expect(item(page, 'signedFile')).to.equal('false');
    expect(item(page, 'allocations')).to.equal('false');
    expect(item(page, 'ceilingAllocations')).to.equal('false');
    expect(item(page, 'reportingSchedule')).to.equal('false');
    expect(page).to.contain('福田区本年度还没有预算：福田区财政审核人新建预算');
    expect(activateButton(page)).to.match(/ disabled aria-describedby="activate-reason"/);
    expect(page).to.match(/data-testid="activate-reason">还不能生效，缺少：签署的合同文本及签订日期、/);

    await contract.update({ signedFileId: (await storedContractDocument(officer, project.districtId)).id });
    const line = await buildBudgetLine({ year: project.year });
    await buildAllocation({ status: 'approved', line, project, amountFen: 1_000_000 });
    page = (await agent.get(`/contracts/${contract.id}`)).text;
    expect(item(page, 'allocations')).to.equal('true');
    expect(item(page, 'ceilingAllocations'), 'the ceiling has no money behind it yet').to.equal('false');
    expect(page).to.contain('报销上限 ¥5,000.00 也需要资金');
    expect(page).to.contain(`href="/allocations/new?projectId=${project.id}&amp;amount=5000.00"`);

    // A refusal (a race, or a stale page) is shown on the contract's own page with its checklist.
    const refused = await postForm(agent, `/contracts/${contract.id}/activate`, {});
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('data-testid="refusal"');
    expect(refused.text).to.contain('覆盖儿童主任费用报销上限的已批准资金安排');
    expect(refused.text).to.contain('data-testid="activation-checklist"');

    await buildAllocation({ status: 'approved', line, project, amountFen: 500_000 });
    page = (await agent.get(`/contracts/${contract.id}`)).text;
    expect(activateButton(page))
      .to.contain('data-confirm-first')
      .and.not.match(/ disabled/);
    expect((await postForm(agent, `/contracts/${contract.id}/activate`, {})).status).to.equal(302);
    expect((await Contract.findByPk(contract.id))!.status).to.equal('active');
  });
});
