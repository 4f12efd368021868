import { versionNow } from '../support/forms.js';
import { expect } from 'chai';
import { Organisation } from '../../models/index.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildAllocation } from '../factories/finance.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { type Agent, loginAs, postForm } from '../support/agent.js';

/** The reviewer reads what they decide on first: `submission` stands above `review` on the page. */
function expectAbove(html: string, submission: string, review: string, page: string) {
  const s = html.indexOf(submission);
  const r = html.indexOf(review);
  expect(s, `${page}: ${submission} is on the page`).to.be.greaterThan(-1);
  expect(r, `${page}: ${review} is on the page`).to.be.greaterThan(-1);
  expect(s, `${page}: ${submission} stands above ${review}`).to.be.lessThan(r);
}

const page = async (agent: Agent, url: string) => {
  const res = await agent.get(url);
  expect(res.status, url).to.equal(200);
  return res.text;
};

describe('review pages: the submission first, the review form after it', () => {
  it('deliverable review: the version handed in, then the officer’s accept / return form', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    const token = encodeURIComponent(/name="_csrf" value="([^"]+)"/.exec(await page(org, '/'))![1]);
    expect(
      (
        await org
          .post(`/deliverables/${d.id}/draft?_csrf=${token}`)
          .field('_version', await versionNow(d))
          .field('m_visits', '30')
          .field('m_households', '25')
          .field('m_followUps', '5')
          .field('narrative', '第一季度探访')
      ).status,
    ).to.equal(302);
    expect((await postForm(org, `/deliverables/${d.id}/submit`, {})).status).to.equal(302);
    const html = await page(await loginAs(built.officer, TEST_PASSWORD), `/deliverables/${d.id}`);
    expectAbove(html, 'data-testid="narrative"', 'data-testid="review-form"', 'deliverable');
    expectAbove(html, 'data-testid="metrics"', 'data-testid="review-form"', 'deliverable');
  });

  it('claim verification and approval: the lines and receipts, then verify / return / reject, and approve', async () => {
    const s = await buildClaimSetup();
    const submitted = await buildClaim(s, { status: 'submitted' });
    const officerHtml = await page(await loginAs(s.officer, TEST_PASSWORD), `/claims/${submitted.id}`);
    expectAbove(officerHtml, 'data-testid="claim-lines"', 'data-testid="verify"', 'claim verification');
    expectAbove(officerHtml, 'data-testid="claim-lines"', 'data-testid="decide-form"', 'claim verification');
    const verified = await buildClaim(s, { status: 'verified', month: '2026-04' });
    const financeHtml = await page(await loginAs(s.finance, TEST_PASSWORD), `/claims/${verified.id}`);
    expectAbove(financeHtml, 'data-testid="claim-lines"', 'data-testid="approve"', 'claim approval');
  });

  it('evaluation confirmation: the scored indicators, then the officer’s confirm / return forms', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'submitted' });
    const html = await page(await loginAs(built.officer, TEST_PASSWORD), `/evaluations/${evaluation.id}`);
    expectAbove(html, 'data-testid="indicators"', 'data-testid="confirm-form"', 'evaluation confirmation');
    expectAbove(html, 'data-testid="indicators"', 'data-testid="return-form"', 'evaluation confirmation');
  });

  it('rectification review: the organisation’s report on the item, then the officer’s close / reopen', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'confirmed', scores: [3_000, 3_000] });
    const item = (await RectificationItem.findOne({ where: { evaluationId: evaluation.id }, order: [['seq', 'ASC']] }))!;
    const organisation = (await Organisation.findByPk(built.contract.organisationId))!;
    const org = await loginAs((await buildUser('org', { organisation })).user, TEST_PASSWORD);
    expect((await postForm(org, `/evaluations/${evaluation.id}/rectification/${item.id}/report`, { report: '台账已补齐，督导记录已补充' })).status).to.equal(
      302,
    );
    const html = await page(await loginAs(built.officer, TEST_PASSWORD), `/evaluations/${evaluation.id}`);
    expectAbove(html, '台账已补齐，督导记录已补充', 'data-testid="close-item"', 'rectification review');
  });

  it('allocation and payment approval: the request’s facts, then finance’s decision', async () => {
    const allocation = await buildAllocation({ status: 'submitted', districtCode: 'FT' });
    const finance = await loginAs((await buildUser('finance', { districtCode: 'FT' })).user, TEST_PASSWORD);
    expectAbove(await page(finance, `/allocations/${allocation.id}`), 'data-testid="allocation-facts"', 'data-testid="decision-form"', 'allocation');
    const built = await buildPaymentContract();
    const payment = await buildPayment(built, built.instalments[0]);
    const payer = await loginAs((await buildUser('finance', { districtCode: 'FT' })).user, TEST_PASSWORD);
    const html = await page(payer, `/payments/${payment.id}`);
    expectAbove(html, 'data-testid="payment-facts"', 'data-testid="approve"', 'payment');
    expectAbove(html, 'data-testid="payment-facts"', 'data-testid="reject-form"', 'payment');
  });
});
