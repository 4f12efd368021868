import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { AuditEvent, type User } from '../../models/index.js';
import { CLAIM_STATUSES, CLAIM_TRANSITIONS, Claim, ClaimedFapiao, ClaimLine, type ClaimStatus, type ClaimTransition } from '../../models/Claim.js';
import { Instalment } from '../../models/Instalment.js';
import { LedgerEntry } from '../../models/LedgerEntry.js';
import { Payment } from '../../models/Payment.js';
import { claimLineAdder } from '../../server/commands/claims/claimEditor.js';
import { claimLineSanctioner } from '../../server/commands/claims/claimSanctioner.js';
import { contractCompleter } from '../../server/commands/contracts/contractCompleter.js';
import { claimApprover, claimDecider, claimSubmitter, claimVerifier } from '../../server/commands/claims/claimWorkflow.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { paymentRejecter } from '../../server/commands/payments/paymentRejecter.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup, type ClaimSetup, receiptUpload } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';
import { testSequelize } from '../support/hooks.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const by = (u: User) => ({ actor: actorOf(u) });
const paid = { bankReference: 'ICBC-20260401-0007', paidOn: '2026-04-01' };

describe('claims: the workflow', () => {
  it('runs draft → submitted → verified → approved → paid: the ceiling reserved, the money committed and paid through the payment path, each step audited', async () => {
    const s = await buildClaimSetup({ ceilingFen: 100_000 });
    const claim = await buildClaim(s, { lines: [{ amountFen: 12_000 }, { amountFen: 3_456, kind: 'communication' }], status: 'verified' });
    expect(claim.status).to.equal('verified');
    const committedBefore = await balance('contract_committed', s.contract.id);
    const approved = await claimApprover(claim.id, by(s.finance));
    expect(approved.status).to.equal('approved');
    const payment = (await Payment.findByPk(approved.paymentId!))!;
    expect(payment).to.include({
      kind: 'claim',
      status: 'approved',
      amountFen: 15_456,
      requestedBy: s.officer.id,
      approvedBy: s.finance.id,
      instalmentId: null,
    });
    expect(await balance('contract_committed', s.contract.id)).to.equal(committedBefore + 15_456);
    const payer = (await buildUser('finance')).user;
    await paymentPayer(payment.id, paid, by(payer));
    expect((await Claim.findByPk(claim.id))!.status).to.equal('paid');
    expect(await balance('paid', s.contract.id)).to.equal(15_456);
    // Each person in their own column (a shared attribute definition once put them all in one).
    const [row] = await testSequelize().query<Record<string, number>>(
      `SELECT requested_by, approved_by, paid_by, rejected_by FROM payments WHERE id = ${payment.id}`,
      { type: QueryTypes.SELECT },
    );
    expect(row).to.deep.equal({ requested_by: s.officer.id, approved_by: s.finance.id, paid_by: payer.id, rejected_by: null });
    const [c] = await testSequelize().query<Record<string, number>>(
      `SELECT created_by, submitted_by, verified_by, approved_by, decided_by FROM claims WHERE id = ${claim.id}`,
      { type: QueryTypes.SELECT },
    );
    expect(c).to.deep.equal({ created_by: s.orgUser.id, submitted_by: s.orgUser.id, verified_by: s.officer.id, approved_by: s.finance.id, decided_by: null });
    expect(await balance('contract_committed', s.contract.id)).to.equal(committedBefore);
    expect((await verifyLedger()).ok).to.equal(true);
    const events = await AuditEvent.findAll({ where: { recordType: 'claim', recordId: String(claim.id) }, order: [['id', 'ASC']] });
    expect(events.map((e) => e.action)).to.deep.equal([
      'claim.create',
      'claim.add_line',
      'claim.add_line',
      'claim.submit',
      'claim.verify',
      'claim.approve',
      'claim.pay',
    ]);
    expect((await errorOf(paymentRejecter(payment.id, '不予支付', by(payer)))) as ConflictError).to.be.instanceOf(ConflictError);
  });

  it('a returned claim is corrected and resubmitted, its reasons shown until then; a rejected one stays rejected and frees its numbers', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { status: 'verified' });
    const returned = await claimDecider(claim.id, 'return', '请补充行程说明', by(s.finance));
    expect(returned).to.include({ status: 'returned', reason: '请补充行程说明', decidedBy: s.finance.id, verifiedBy: null });
    expect(await ClaimedFapiao.count({ where: { claimId: claim.id } })).to.equal(0);
    await claimLineAdder(
      claim.id,
      {
        spentOn: '2026-03-20',
        kind: 'communication',
        description: '2026年3月话费',
        amountFen: 5_000,
        fapiao: { kind: 'digital', code: null, number: `2644${Date.now()}`.padEnd(20, '7').slice(0, 20) },
        digitalNumber: null,
        confirmPersonalData: false,
      },
      [receiptUpload()],
      by(s.orgUser),
    );
    const again = await claimSubmitter(claim.id, by(s.orgUser));
    expect(again).to.include({ status: 'submitted', reason: null, totalFen: 10_000 });
    expect(await ClaimedFapiao.count({ where: { claimId: claim.id } })).to.equal(2);
    const rejected = await claimDecider(claim.id, 'reject', '重复报销', by(s.officer));
    expect(rejected.status).to.equal('rejected');
    expect(await ClaimedFapiao.count({ where: { claimId: claim.id } })).to.equal(0);
  });

  const moves: Record<ClaimTransition, (claimId: number, s: ClaimSetup) => Promise<unknown>> = {
    edit: (id, s) =>
      claimLineAdder(
        id,
        {
          spentOn: '2026-03-03',
          kind: 'transport',
          description: '往返',
          amountFen: 100,
          fapiao: { kind: 'classic', code: '044031900111', number: String(Date.now()).slice(-8) },
          digitalNumber: null,
          confirmPersonalData: false,
        },
        [receiptUpload()],
        by(s.orgUser),
      ),
    submit: (id, s) => claimSubmitter(id, by(s.orgUser)),
    sanction: async (id, s) => {
      const line = (await ClaimLine.findOne({ where: { claimId: id } }))!;
      const actor = (await Claim.findByPk(id))!.status === 'verified' ? s.finance : s.officer;
      return claimLineSanctioner(id, { lineId: line.id, amountFen: 1, reason: '超标准' }, by(actor));
    },
    verify: (id, s) => claimVerifier(id, by(s.officer)),
    approve: (id, s) => claimApprover(id, by(s.finance)),
    pay: async (id, s) => {
      const c = (await Claim.findByPk(id))!;
      if (!c.paymentId) throw new ConflictError('claims.errors.cannot.pay', { status: c.status });
      return paymentPayer(c.paymentId, paid, by(s.cashier));
    },
    return: async (id, s) => claimDecider(id, 'return', '退回', by((await Claim.findByPk(id))!.status === 'verified' ? s.finance : s.officer)),
    reject: async (id, s) => claimDecider(id, 'reject', '驳回', by((await Claim.findByPk(id))!.status === 'verified' ? s.finance : s.officer)),
  };
  for (const [transition, { from }] of Object.entries(CLAIM_TRANSITIONS) as [ClaimTransition, { from: readonly ClaimStatus[] }][]) {
    const refused = CLAIM_STATUSES.filter((st) => !from.includes(st));
    it(`refuses to ${transition} from ${refused.join(', ')} with 409, changing nothing`, async () => {
      const s = await buildClaimSetup();
      const claim = await buildClaim(s);
      for (const status of refused) {
        await claim.update({ status });
        const entries = await LedgerEntry.count();
        const e = await errorOf(moves[transition](claim.id, s));
        expect(e, `${transition} from ${status}`).to.be.instanceOf(ConflictError);
        expect((await Claim.findByPk(claim.id))!.status).to.equal(status);
        expect(await LedgerEntry.count()).to.equal(entries);
      }
    });
  }

  it('keeps duties apart: the verifier never approves, no member of the organisation verifies or approves, finance never verifies, officers never approve', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { status: 'submitted' });
    const insider = (await buildUser('officer')).user;
    await insider.update({ organisationId: s.organisation.id });
    expect(await errorOf(claimVerifier(claim.id, by(insider)))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(claimVerifier(claim.id, by(s.finance)))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(claimVerifier(claim.id, by(s.orgUser)))).to.be.instanceOf(ForbiddenError);
    const verifierAlsoFinance = (await buildUser('finance')).user;
    await claimVerifier(claim.id, by(s.officer));
    // The same person cannot hold both roles, so test the rule itself: an approver with the verifier's id.
    const sameId = { actor: { ...actorOf(verifierAlsoFinance), id: s.officer.id } };
    expect(await errorOf(claimApprover(claim.id, sameId))).to.be.instanceOf(ForbiddenError);
    const submitterId = { actor: { ...actorOf(verifierAlsoFinance), id: s.orgUser.id } };
    expect(await errorOf(claimApprover(claim.id, submitterId))).to.be.instanceOf(ForbiddenError);
    const insiderFinance = (await buildUser('finance')).user;
    await insiderFinance.update({ organisationId: s.organisation.id });
    expect(await errorOf(claimApprover(claim.id, by(insiderFinance)))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(claimApprover(claim.id, by(s.officer)))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(claimDecider(claim.id, 'return', '退回', by(s.officer))), 'the verified stage is finance’s').to.be.instanceOf(ForbiddenError);
    const elsewhere = (await buildUser('finance', { districtCode: 'LG' })).user;
    expect(await errorOf(claimApprover(claim.id, by(elsewhere)))).to.be.instanceOf(NotFoundError);
    expect((await claimApprover(claim.id, by(verifierAlsoFinance))).status).to.equal('approved');
  });

  it("keeps organisations apart: another organisation's user cannot see, submit or edit a claim (404)", async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s);
    const other = (await buildUser('org')).user;
    expect(await errorOf(claimSubmitter(claim.id, by(other)))).to.be.instanceOf(NotFoundError);
    expect(await errorOf(moves.edit(claim.id, { ...s, orgUser: other }))).to.be.instanceOf(NotFoundError);
  });

  it('refuses approval beyond the ceiling, or when the allocations no longer hold the amount (409)', async () => {
    const s = await buildClaimSetup({ ceilingFen: 20_000 });
    const a = await buildClaim(s, { lines: [{ amountFen: 15_000 }], status: 'verified' });
    const b = await buildClaim(s, { lines: [{ amountFen: 6_000 }], status: 'verified', month: '2026-04' });
    await claimApprover(a.id, by(s.finance));
    const e = await errorOf(claimApprover(b.id, by(s.finance)));
    expect(e).to.be.instanceOf(ConflictError);
    expect((e as ConflictError).messageKey).to.equal('claims.errors.overCeiling');
    const poor = await buildClaimSetup({ ceilingFen: 20_000, fundedFen: 0 });
    const c = await buildClaim(poor, { lines: [{ amountFen: 1_000 }], status: 'verified' });
    expect(((await errorOf(claimApprover(c.id, by(poor.finance)))) as ConflictError).messageKey).to.equal('claims.errors.noFunds');
  });
});

describe('claims: the contract around them', () => {
  it('a contract does not complete while an approved claim waits to be paid (its amount stays committed)', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { status: 'approved' });
    await Instalment.update({ status: 'paid' }, { where: { contractId: s.contract.id } });
    const e = await errorOf(contractCompleter(s.contract.id, by(s.officer)));
    expect((e as ConflictError).messageKey).to.equal('contracts.errors.claimPaymentsOpen');
    await paymentPayer((await Claim.findByPk(claim.id))!.paymentId!, paid, by(s.cashier));
    expect((await contractCompleter(s.contract.id, by(s.officer))).status).to.equal('completed');
    expect((await verifyLedger()).ok).to.equal(true);
  });
});

describe(`claims: approvals racing for one ceiling (${process.env.TEST_DATABASE_URL ? 'MariaDB/MySQL' : 'SQLite file'})`, () => {
  it('two approvals that together exceed the ceiling: exactly one wins, the ledger balanced', async () => {
    const s = await buildClaimSetup({ ceilingFen: 20_000, fundedFen: 40_000 });
    const a = await buildClaim(s, { lines: [{ amountFen: 15_000 }], status: 'verified' });
    const b = await buildClaim(s, { lines: [{ amountFen: 15_000 }], status: 'verified', month: '2026-04' });
    const other = (await buildUser('finance')).user;
    const results = await Promise.allSettled([claimApprover(a.id, by(s.finance)), claimApprover(b.id, by(other))]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).to.be.instanceOf(ConflictError);
    expect((refused.reason as ConflictError).messageKey).to.equal('claims.errors.overCeiling');
    expect(await Claim.count({ where: { contractId: s.contract.id, status: 'approved' } })).to.equal(1);
    expect(await Payment.count({ where: { contractId: s.contract.id, kind: 'claim' } })).to.equal(1);
    expect((await verifyLedger()).ok).to.equal(true);
  });
});
