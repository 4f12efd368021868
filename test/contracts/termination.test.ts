import { expect } from 'chai';
import { Op } from 'sequelize';
import { AuditEvent, type User } from '../../models/index.js';
import { Claim, ClaimedFapiao } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Instalment } from '../../models/Instalment.js';
import { Payment } from '../../models/Payment.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { milestoneMarker, paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';

const by = (u: User) => ({ actor: actorOf(u) });
const PASSWORD = 'correct horse battery staple';

// Defect #12.12: terminating with an approved, unpaid claim released its reservation and left its payment stuck.
describe('contracts: termination settles everything open', () => {
  it('lists every open payment and claim before it is confirmed, refuses without a decision for each (input kept), then pays or cancels each as decided', async () => {
    const s = await buildClaimSetup({ activated: true, ceilingFen: 200_000 });
    const finance2 = (await buildUser('finance')).user;
    const kept = await buildClaim(s, { month: '2026-03', status: 'approved', lines: [{ amountFen: 10_000 }] });
    const dropped = await buildClaim(s, { month: '2026-04', status: 'approved', lines: [{ amountFen: 7_000 }] });
    const waiting = await buildClaim(s, { month: '2026-05', status: 'submitted', lines: [{ amountFen: 3_000 }] });
    const [first] = await Instalment.findAll({ where: { contractId: s.contract.id }, order: [['seq', 'ASC']] });
    await milestoneMarker(first.id, by(s.officer));
    const instalmentPayment = await paymentRequester(first.id, by(s.officer));
    const keptPayment = (await Payment.findByPk(kept.paymentId!))!;
    const droppedPayment = (await Payment.findByPk(dropped.paymentId!))!;

    const agent = await loginAs(s.officer, PASSWORD);
    const page = (await agent.get(`/contracts/${s.contract.id}`)).text;
    expect(page.match(/data-testid="termination-payment"/g)).to.have.length(3);
    expect(page).to.contain(`报销申请 #${kept.id}（2026-03）`);
    expect(page).to.contain(`报销申请 #${waiting.id}`);
    expect(page).to.contain('第 2 期');

    const url = `/contracts/${s.contract.id}/terminate`;
    const undecided = await postForm(agent, url, { reason: '服务机构注销', [`decision_${keptPayment.id}`]: 'pay' });
    expect(undecided.status).to.equal(422);
    expect(fieldError(undecided.text, `decision_${droppedPayment.id}`)).to.not.equal(null);
    expect(undecided.text).to.contain('服务机构注销');
    expect(undecided.text).to.match(new RegExp(`id="decision_${keptPayment.id}-pay" value="pay" checked`));
    expect((await Contract.findByPk(s.contract.id))!.status).to.equal('active');

    const done = await postForm(agent, url, {
      reason: '服务机构注销',
      [`decision_${keptPayment.id}`]: 'pay',
      [`decision_${droppedPayment.id}`]: 'cancel',
      [`decision_${instalmentPayment.id}`]: 'cancel',
    });
    expect(done.status).to.equal(302);
    expect((await Contract.findByPk(s.contract.id))!.status).to.equal('terminated');
    expect(await balance('contract_committed', s.contract.id), 'only the kept claim stays committed').to.equal(10_000);
    expect((await Claim.findByPk(dropped.id))!.status).to.equal('rejected');
    expect(await ClaimedFapiao.count({ where: { claimId: dropped.id } }), 'its 发票 numbers freed').to.equal(0);
    expect((await Payment.findByPk(droppedPayment.id))!.status).to.equal('rejected');
    expect((await Claim.findByPk(waiting.id))!.status).to.equal('rejected');
    expect((await Payment.findByPk(instalmentPayment.id))!.status).to.equal('rejected');
    expect((await Instalment.findByPk(first.id))!.status).to.equal('cancelled');
    expect(await Instalment.count({ where: { contractId: s.contract.id, status: { [Op.ne]: 'cancelled' } } })).to.equal(0);

    // The kept claim is paid after the termination, by a finance user who did not approve it.
    await paymentPayer(keptPayment.id, { bankReference: 'CCB-9', paidOn: '2026-06-30' }, by(finance2));
    expect((await Claim.findByPk(kept.id))!.status).to.equal('paid');
    expect(await balance('contract_committed', s.contract.id)).to.equal(0);
    const report = await verifyLedger();
    expect(report.ok, JSON.stringify(report)).to.equal(true);
    const audit = await AuditEvent.findOne({ where: { action: 'contract.terminate', recordId: String(s.contract.id) } });
    expect(JSON.parse(audit!.detail!)).to.deep.include({
      cancelledPayments: [droppedPayment.id, instalmentPayment.id].sort((a, b) => a - b),
      closedClaims: [waiting.id],
    });
    expect(await AuditEvent.count({ where: { action: 'claim.reject', recordId: String(dropped.id) } })).to.equal(1);
    expect(await AuditEvent.count({ where: { action: 'payment.reject', recordId: String(instalmentPayment.id) } })).to.equal(1);
  });
});
