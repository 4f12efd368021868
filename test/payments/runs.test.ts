import { expect } from 'chai';
import { Op } from 'sequelize';
import { Claim } from '../../models/Claim.js';
import { AuditEvent } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import { PaymentRun, PaymentRunItem } from '../../models/PaymentRun.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentRunCreator } from '../../server/commands/payments/paymentRunCreator.js';
import { ConflictError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('payment runs (拨付清单, #18)', () => {
  it('gathers approved payments, prints and exports them for the bank, and records the run paid with each bank reference', async () => {
    const s = await buildClaimSetup({ ceilingFen: 100_000 });
    await s.organisation.update({ bankName: '中国工商银行深圳福田支行', bankAccount: '4000021209200123456' });
    const built = await buildPaymentContract();
    await built.organisation.update({ bankName: '招商银行深圳分行', bankAccount: '755912345610801' });
    const inst1 = await buildPayment(built, built.instalments[0]);
    const inst2 = await buildPayment(built, built.instalments[1]);
    const requested = await buildPayment(built, built.instalments[2]);
    await paymentApprover(inst1.id, { actor: actorOf(s.finance) });
    await paymentApprover(inst2.id, { actor: actorOf(s.finance) });
    const claim = await buildClaim(s, { status: 'approved', lines: [{ amountFen: 12_345 }] });
    const claimPayment = claim.paymentId!;
    const elsewhere = await buildPaymentContract({ districtCode: 'LG' });
    const foreign = await buildPayment(elsewhere, elsewhere.instalments[0], { status: 'approved' });

    // The second finance reviewer gathers, prints and records: approving and paying stay apart.
    const cashier = await loginAs(s.cashier, TEST_PASSWORD);
    const gather = await cashier.get('/payment-runs/new');
    expect(gather.text).to.contain(`data-testid="select-${inst1.id}"`);
    expect(gather.text).not.to.contain(`data-testid="select-${requested.id}"`);
    expect(gather.text).not.to.contain(`data-testid="select-${foreign.id}"`);
    const made = await postForm(cashier, '/payment-runs', { ids: [inst1.id, inst2.id, claimPayment, requested.id, foreign.id].map(String) });
    expect(made.status).to.equal(303);
    const run = (await PaymentRun.findByPk(Number(/\/payment-runs\/(\d+)$/.exec(made.headers.location)![1])))!;
    expect(run).to.include({ itemCount: 3, totalFen: 300_000 + 400_000 + 12_345, status: 'open' });
    expect(await errorOf(paymentRunCreator([inst1.id], { actor: actorOf(s.cashier) }))).to.be.instanceOf(ConflictError);

    const page = (await cashier.get(`/payment-runs/${run.id}`)).text;
    expect(page).to.contain('**** 3456');
    expect(page).not.to.contain('4000 0212 0920 0123 456');
    const print = (await cashier.get(`/payment-runs/${run.id}/print`)).text;
    expect(print).to.contain('4000 0212 0920 0123 456');
    expect(print).to.contain('7559 1234 5610 801');
    expect(print).to.contain('招商银行深圳分行');
    expect(print).to.match(/data-testid="run-capitals">柒仟壹佰贰拾叁元肆角伍分</);
    expect(print).to.match(new RegExp(`报销申请 #${claim.id}（2026-03） 交通通讯费`));
    expect(print).to.contain('第1期服务节点');
    expect(print).to.contain('一般公共预算');
    const csv = (await cashier.get(`/payment-runs/${run.id}?format=csv`)).text;
    expect(csv).to.contain('4000021209200123456');
    expect(csv).to.contain('3000.00');
    expect(csv).to.contain('123.45');
    expect(await AuditEvent.count({ where: { action: 'payment_run.export' } })).to.be.greaterThan(0);

    // Every payment needs its own reference; one used twice is refused beside the field, nothing recorded.
    const dup = await postForm(cashier, `/payment-runs/${run.id}/pay`, {
      paidOn: '2026-04-02',
      [`ref_${inst1.id}`]: 'ICBC-0001',
      [`ref_${inst2.id}`]: 'icbc-0001',
      [`ref_${claimPayment}`]: '',
    });
    expect(dup.status).to.equal(422);
    expect(fieldError(dup.text, `ref_${inst2.id}`)).to.contain('不能重复');
    expect(fieldError(dup.text, `ref_${claimPayment}`)).to.be.a('string');
    expect(dup.text).to.contain('value="ICBC-0001"');
    expect((await Payment.findByPk(inst1.id))!.status).to.equal('approved');

    // The approver records the run: every payment refused by the payment's own rule, with the reason.
    const approver = await loginAs(s.finance, TEST_PASSWORD);
    const refs = { [`ref_${inst1.id}`]: 'ICBC-0001', [`ref_${inst2.id}`]: 'ICBC-0002', [`ref_${claimPayment}`]: 'ICBC-0003' };
    const refused = await postForm(approver, `/payment-runs/${run.id}/pay`, { paidOn: '2026-04-02', ...refs });
    expect(refused.status).to.equal(303);
    const after = (await approver.get(`/payment-runs/${run.id}`)).text;
    expect(after.match(/data-testid="run-refusal"/g)).to.have.length(3);
    expect((await PaymentRun.findByPk(run.id))!.status).to.equal('open');

    const committed = await balance('contract_committed', built.contract.id);
    const paid = await postForm(cashier, `/payment-runs/${run.id}/pay`, { paidOn: '2026-04-02', ...refs });
    expect(paid.status).to.equal(303);
    expect((await PaymentRun.findByPk(run.id))!).to.include({ status: 'paid', paidBy: s.cashier.id, paidOn: '2026-04-02' });
    expect(await Payment.findByPk(inst2.id)).to.include({ status: 'paid', bankReference: 'ICBC-0002', paidOn: '2026-04-02' });
    expect((await Claim.findByPk(claim.id))!.status).to.equal('paid');
    expect(await balance('contract_committed', built.contract.id)).to.equal(committed - 700_000);
    expect(await balance('paid', built.contract.id)).to.equal(700_000);
    expect((await verifyLedger()).ok).to.equal(true);
    // Recorded twice: nothing is left to record, nothing paid twice.
    const again = await postForm(cashier, `/payment-runs/${run.id}/pay`, { paidOn: '2026-04-03' });
    expect(again.status).to.equal(303);
    expect(await balance('paid', built.contract.id)).to.equal(700_000);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('two runs gathering the same payments at once: each payment lands in one run', async () => {
    const built = await buildPaymentContract();
    const s = await buildClaimSetup();
    const payments = [
      await buildPayment(built, built.instalments[0], { status: 'approved' }),
      await buildPayment(built, built.instalments[1], { status: 'approved' }),
    ];
    const ids = payments.map((p) => p.id);
    const results = await Promise.all([
      errorOf(paymentRunCreator(ids, { actor: actorOf(s.finance) })),
      errorOf(paymentRunCreator(ids, { actor: actorOf(s.cashier) })),
    ]);
    expect(results.filter((r) => r instanceof ConflictError)).to.have.length(1);
    expect(await PaymentRunItem.count({ where: { paymentId: { [Op.in]: ids } } })).to.equal(2);
  });
});
