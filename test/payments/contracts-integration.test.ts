import { expect } from 'chai';
import type { User } from '../../models/index.js';
import { Instalment } from '../../models/Instalment.js';
import { contractTerminator } from '../../server/commands/contracts/contractTerminator.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { paymentRejecter } from '../../server/commands/payments/paymentRejecter.js';
import { milestoneMarker, paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { ConflictError, type ValidationError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildContract } from '../factories/contracts.js';
import { actorOf } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';

const by = (user: User) => ({ actor: actorOf(user) });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const paid = { bankReference: 'CCB-0001', paidOn: '2026-06-30' };

describe('payments: on contracts activated by the contracts part', () => {
  it('pays the instalments of an activated contract up to the last, which waits for its final evaluation', async () => {
    const { contract, officer } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const finance = (await buildUser('finance')).user;
    const cashier = (await buildUser('finance')).user;
    const instalments = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
    expect(instalments.map((i) => i.status)).to.deep.equal(['scheduled', 'scheduled', 'scheduled']);
    for (const i of instalments.slice(0, -1)) {
      await milestoneMarker(i.id, by(officer));
      const p = await paymentRequester(i.id, by(officer));
      await paymentApprover(p.id, by(finance));
      await paymentPayer(p.id, paid, by(cashier));
    }
    expect(await balance('paid', contract.id)).to.equal(700_000);
    expect(await balance('contract_committed', contract.id), 'the last instalment and the ceiling').to.equal(300_000 + 500_000);
    const last = instalments[instalments.length - 1];
    expect(last.requiresFinalEvaluation).to.equal(true);
    await milestoneMarker(last.id, by(officer));
    const e = await errorOf(paymentRequester(last.id, by(officer)));
    expect((e as ConflictError).messageKey).to.equal('payments.errors.needsFinalEvaluation');
    const report = await verifyLedger();
    expect(report.ok, JSON.stringify(report)).to.equal(true);
  });

  it('a termination pays or cancels each open payment as decided: a kept one is approved and paid after it, a kept one rejected later gives its money back', async () => {
    const { contract, officer } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const finance = (await buildUser('finance')).user;
    const [first, second] = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
    await milestoneMarker(first.id, by(officer));
    await milestoneMarker(second.id, by(officer));
    const requested = await paymentRequester(first.id, by(officer));
    const approved = await paymentRequester(second.id, by(officer));
    await paymentApprover(approved.id, by(finance));
    const undecided = await errorOf(contractTerminator(contract.id, '服务机构无法继续履约', by(officer)));
    expect((undecided as ValidationError).fieldErrors).to.have.keys(`decision_${requested.id}`, `decision_${approved.id}`);
    await contractTerminator(contract.id, '服务机构无法继续履约', by(officer), { [requested.id]: 'pay', [approved.id]: 'pay' });
    expect(await balance('contract_committed', contract.id), 'the two kept payments stay committed').to.equal(300_000 + 400_000);
    await paymentApprover(requested.id, by(finance));
    await paymentPayer(approved.id, paid, by((await buildUser('finance')).user));
    expect((await Instalment.findByPk(second.id))!.status).to.equal('paid');
    expect((await paymentRejecter(requested.id, '合同已解除', by(finance))).status).to.equal('rejected');
    expect((await Instalment.findByPk(first.id))!.status, 'rejected after termination: ended, not due again').to.equal('cancelled');
    expect(await balance('contract_committed', contract.id), 'nothing left stuck').to.equal(0);
    expect(await balance('paid', contract.id)).to.equal(400_000);
    expect(await errorOf(paymentRequester(Number(first.id), by(officer)))).to.be.instanceOf(ConflictError);
    const report = await verifyLedger();
    expect(report.ok, JSON.stringify(report)).to.equal(true);
  });
});
