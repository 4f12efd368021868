import { expect } from 'chai';
import { Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Payment } from '../../models/Payment.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { buildContract } from '../factories/contracts.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { loginAs, postForm } from '../support/agent.js';

/** The confirmation's page: its amount, what it says, and the fields it posts again. */
function confirmationOf(html: string) {
  return {
    shown: html.includes('data-testid="confirmation"'),
    amount: /data-testid="confirm-amount">([^<]*)</.exec(html)?.[1] ?? '',
    hidden: [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  };
}

describe('a second look before money moves or a record locks (issue #13)', () => {
  it('recording a payment paid: the first post shows what will happen with the amount and changes nothing; the confirmed post records it', async () => {
    const built = await buildPaymentContract();
    const p = await buildPayment(built, built.instalments[0], { status: 'approved' });
    const cashier = await loginAs((await buildUser('finance')).user, TEST_PASSWORD);
    const form = { bankReference: 'ICBC-7', paidOn: '2026-03-01' };
    const first = await postForm(cashier, `/payments/${p.id}/pay`, { ...form, confirmed: '' });
    expect(first.status).to.equal(200);
    const c = confirmationOf(first.text);
    expect(c.shown).to.equal(true);
    expect(c.amount).to.equal('¥3,000.00');
    expect(first.text).to.contain('ICBC-7');
    expect(first.text).to.contain('不能撤销');
    expect(c.hidden).to.deep.include.members([
      ['bankReference', 'ICBC-7'],
      ['paidOn', '2026-03-01'],
      ['confirmed', '1'],
    ]);
    expect((await Payment.findByPk(p.id))!.status).to.equal('approved');
    const bad = await postForm(cashier, `/payments/${p.id}/pay`, { bankReference: '', paidOn: '2026-03-01', confirmed: '' });
    expect(bad.status, 'a refused form is shown beside its fields before any confirmation').to.equal(422);
    const second = await postForm(cashier, `/payments/${p.id}/pay`, { ...form, confirmed: '1' });
    expect(second.status).to.equal(302);
    expect((await Payment.findByPk(p.id))!.status).to.equal('paid');
  });

  it('activating a contract states the value committed; submitting and approving a claim state the amount', async () => {
    const { contract, officer } = await buildContract({ status: 'draft', valueFen: 1_234_500 });
    const agent = await loginAs(officer, TEST_PASSWORD);
    const activation = await postForm(agent, `/contracts/${contract.id}/activate`, { confirmed: '' });
    expect(activation.status).to.equal(200);
    expect(activation.text).to.contain('¥12,345.00');
    expect(activation.text).to.contain('data-testid="confirm-cancel"');
    expect((await Contract.findByPk(contract.id))!.status).to.equal('draft');

    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { lines: [{ amountFen: 4_560 }] });
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const submit = await postForm(org, `/claims/${claim.id}/submit`, { confirmed: '' });
    expect(confirmationOf(submit.text).amount).to.equal('¥45.60');
    expect(submit.text).to.contain('不能再修改');
    expect((await Claim.findByPk(claim.id))!.status).to.equal('draft');
    expect((await postForm(org, `/claims/${claim.id}/submit`, { confirmed: '1' })).status).to.equal(302);
    expect((await Claim.findByPk(claim.id))!.status).to.equal('submitted');
  });
});
