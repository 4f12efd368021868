import { expect } from 'chai';
import { Payment } from '../../models/Payment.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPaymentContract } from '../factories/payments.js';
import { loginAs, postForm } from '../support/agent.js';

/**
 * #12: a refused step on money (a request made twice, a payment approved in another tab first) is
 * said on the record's own page — the contract's instalments or the payment — not on a generic
 * error page at the POST address, which a reload turns into a 404.
 */
describe('payments: a refused step is shown on its own page', () => {
  it('a second request of one instalment is refused (409) above the contract’s instalments', async () => {
    const built = await buildPaymentContract({ instalmentStatus: 'due' });
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const url = `/payments/instalments/${built.instalments[0].id}/request`;
    expect((await postForm(officer, url, {})).status).to.equal(302);
    const again = await postForm(officer, url, {});
    expect(again.status).to.equal(409);
    expect(again.text)
      .to.match(/data-testid="refusal">[^<]+</)
      .and.to.contain('data-testid="instalment-table"');
    expect(await Payment.count({ where: { instalmentId: built.instalments[0].id } })).to.equal(1);
  });

  it('approving a payment already approved is refused (409) on the payment’s page', async () => {
    const built = await buildPaymentContract({ instalmentStatus: 'due' });
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    expect((await postForm(officer, `/payments/instalments/${built.instalments[0].id}/request`, {})).status).to.equal(302);
    const payment = (await Payment.findOne({ where: { instalmentId: built.instalments[0].id } }))!;
    const finance = await loginAs((await buildUser('finance', { districtCode: 'FT' })).user, TEST_PASSWORD);
    expect((await postForm(finance, `/payments/${payment.id}/approve`, {})).status).to.equal(302);
    const again = await postForm(finance, `/payments/${payment.id}/approve`, {});
    expect(again.status).to.equal(409);
    expect(again.text)
      .to.match(/data-testid="refusal">[^<]+</)
      .and.to.contain('data-testid="payment-facts"');
  });
});
