import { expect } from 'chai';
import { loginAs, postForm } from '../support/agent.js';
import { buildPaymentContract } from '../factories/payments.js';

describe('evaluations: scheduling', () => {
  it('with no template to choose, the form says who provides templates and links to creating one; left empty it asks for a template, not "too short" (#12 defect 10)', async () => {
    // 大鹏: a district no other test gives a template
    const built = await buildPaymentContract({ districtCode: 'DP' });
    const agent = await loginAs(built.officer, 'correct horse battery staple');
    const form = await agent.get(`/evaluations/new?contractId=${built.contract.id}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('data-testid="no-templates"');
    expect(form.text).to.contain('评价模板由业务经办人创建');
    expect(form.text).to.match(/data-testid="new-template-link"/);
    expect(form.text).to.contain('href="/evaluations/templates/new"');
    const refused = await postForm(agent, `/evaluations?contractId=${built.contract.id}`, {
      kind: 'final',
      templateId: '',
      periodStart: built.contract.termStart,
      periodEnd: built.contract.termEnd,
      dueOn: built.contract.termEnd,
    });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('请选择评价模板。');
    expect(refused.text).not.to.contain('内容过短');
    expect(refused.text).to.contain('data-testid="no-templates"');
  });
});
