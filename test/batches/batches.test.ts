import { expect } from 'chai';
import { Allocation } from '../../models/Allocation.js';
import { Batch, BatchItem } from '../../models/Batch.js';
import { Claim } from '../../models/Claim.js';
import { AuditEvent, type User } from '../../models/index.js';
import { LedgerEntry } from '../../models/LedgerEntry.js';
import { Payment } from '../../models/Payment.js';
import { batchRunner } from '../../server/commands/batches/batchRunner.js';
import { batchStarter } from '../../server/commands/batches/batchStarter.js';
import { ConflictError, ForbiddenError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf, buildAllocation, buildBudgetLine } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';
import { buildPayment, buildPaymentContract } from '../factories/payments.js';

const by = (u: User) => ({ actor: actorOf(u) });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const itemsOf = async (batchId: number) =>
  Object.fromEntries((await BatchItem.findAll({ where: { batchId }, order: [['id', 'ASC']] })).map((i) => [i.recordId, i] as const));

describe('batch decisions (#18)', () => {
  it('approves verified claims one by one with every rule of the single action: mixed outcomes, each audited, the batch recorded', async () => {
    const s = await buildClaimSetup({ ceilingFen: 20_000 });
    const ok = await buildClaim(s, { status: 'verified', lines: [{ amountFen: 8_000 }] });
    const ok2 = await buildClaim(s, { status: 'verified', month: '2026-04', lines: [{ amountFen: 7_000 }] });
    // Past the ceiling once the first two are approved (8,000 + 7,000 + 6,000 > 20,000).
    const over = await buildClaim(s, { status: 'verified', month: '2026-05', lines: [{ amountFen: 6_000 }] });
    // Verified by the person who would now approve it (written as if they had): segregation of duties refuses it.
    const ownVerified = await buildClaim(s, { status: 'verified', month: '2026-06', lines: [{ amountFen: 1_000 }] });
    await ownVerified.update({ verifiedBy: s.finance.id });
    const already = await buildClaim(s, { status: 'approved', month: '2026-07', lines: [{ amountFen: 500 }] });
    const ids = [ok.id, ok2.id, over.id, ownVerified.id, already.id];
    const committedBefore = await balance('contract_committed', s.contract.id);

    const batch = await batchStarter('claim-approve', ids, by(s.finance));
    expect(batch).to.include({ kind: 'claim-approve', itemCount: 5, totalFen: 8_000 + 7_000 + 6_000 + 1_000 + 500, status: 'running' });
    const ended = await batchRunner(batch.id, by(s.finance));
    expect(ended.status).to.equal('done');
    const items = await itemsOf(batch.id);
    expect(items[ok.id].outcome).to.equal('done');
    expect(items[ok2.id].outcome).to.equal('done');
    expect(items[over.id]).to.include({ outcome: 'refused', reasonKey: 'claims.errors.overCeiling' });
    expect(JSON.parse(items[over.id].reasonVars!)).to.deep.equal({ amount: '¥60.00', left: '¥45.00' });
    expect(items[ownVerified.id]).to.include({ outcome: 'refused', reasonKey: 'claims.errors.notYours' });
    expect(items[already.id]).to.include({ outcome: 'refused', reasonKey: 'claims.errors.cannot.approve' });
    expect((await Claim.findByPk(ok.id))!.status).to.equal('approved');
    expect((await Claim.findByPk(over.id))!.status).to.equal('verified');
    expect(await balance('contract_committed', s.contract.id)).to.equal(committedBefore + 15_000);
    expect((await verifyLedger()).ok).to.equal(true);
    // Each item audited by its own command, naming the batch; the batch's start and end recorded.
    const approvals = await AuditEvent.findAll({ where: { action: 'claim.approve', requestId: `batch-${batch.id}` } });
    expect(approvals.map((e) => Number(e.recordId)).sort()).to.deep.equal([ok.id, ok2.id].sort());
    const batchEvents = await AuditEvent.findAll({ where: { recordType: 'batch', recordId: String(batch.id) }, order: [['seq', 'ASC']] });
    expect(batchEvents.map((e) => e.action)).to.deep.equal(['batch.start', 'batch.finish']);
    expect(JSON.parse(batchEvents[0].detail!)).to.include({ kind: 'claim-approve', count: 5 });
    expect(JSON.parse(batchEvents[1].detail!)).to.include({ done: 2, refused: 3, doneFen: 15_000 });
  });

  it('approves payments and allocations by their own commands: own requests and an overdrawn line are refused with the reason', async () => {
    const finance = (await buildUser('finance')).user;
    const built = await buildPaymentContract();
    const p1 = await buildPayment(built, built.instalments[0]);
    const own = await buildPayment(built, built.instalments[1], { requester: finance });
    const payments = await batchRunner((await batchStarter('payment-approve', [p1.id, own.id], by(finance))).id, by(finance));
    const pItems = await itemsOf(payments.id);
    expect(pItems[p1.id].outcome).to.equal('done');
    expect(pItems[own.id]).to.include({ outcome: 'refused', reasonKey: 'payments.errors.ownRequest' });
    expect((await Payment.findByPk(p1.id))!.status).to.equal('approved');

    const line = await buildBudgetLine({ amountFen: 1_500_000 });
    const a1 = await buildAllocation({ status: 'submitted', line, amountFen: 1_000_000 });
    const a2 = await buildAllocation({ status: 'submitted', line, amountFen: 1_000_000 });
    const allocations = await batchRunner((await batchStarter('allocation-approve', [a1.id, a2.id], by(finance))).id, by(finance));
    const aItems = await itemsOf(allocations.id);
    expect(aItems[a1.id].outcome).to.equal('done');
    expect(aItems[a2.id]).to.include({ outcome: 'refused', reasonKey: 'finance.errors.exceedsAvailable' });
    expect(await balance('line_available', line.id)).to.equal(500_000);
    expect((await Allocation.findByPk(a2.id))!.status).to.equal('submitted');
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('refuses a kind that is not the role’s, and a batch with nothing the actor may decide', async () => {
    const officer = (await buildUser('officer')).user;
    const finance = (await buildUser('finance')).user;
    expect(await errorOf(batchStarter('claim-approve', [1], by(officer)))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(batchStarter('claim-verify', [1], by(finance)))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(batchStarter('payment-approve', [2_000_000_000], by(finance)))).to.be.instanceOf(ConflictError);
    // Another district's claim is not taken at all.
    const elsewhere = await buildClaimSetup({ districtCode: 'LG' });
    const claim = await buildClaim(elsewhere, { status: 'verified' });
    expect(await errorOf(batchStarter('claim-approve', [claim.id], by(finance)))).to.be.instanceOf(ConflictError);
  });

  it('a fault in the middle leaves each item decided or untouched; the batch continues where it stopped', async () => {
    const s = await buildClaimSetup({ ceilingFen: 100_000 });
    const claims = [];
    for (const month of ['2026-02', '2026-03', '2026-04', '2026-05', '2026-06']) claims.push(await buildClaim(s, { status: 'verified', month }));
    const batch = await batchStarter(
      'claim-approve',
      claims.map((c) => c.id),
      by(s.finance),
    );
    const entriesBefore = await LedgerEntry.count();
    const cut = await batchRunner(batch.id, by(s.finance), {
      insideItem: async (index) => {
        // After the third claim's approval has written its payment and ledger movement, before it commits.
        if (index === 2) throw new Error('power cut');
      },
    });
    expect(cut.status).to.equal('interrupted');
    const statuses = await Promise.all(claims.map(async (c) => (await Claim.findByPk(c.id))!.status));
    expect(statuses).to.deep.equal(['approved', 'approved', 'verified', 'verified', 'verified']);
    const items = await itemsOf(batch.id);
    expect(claims.map((c) => items[c.id].outcome)).to.deep.equal(['done', 'done', 'pending', 'pending', 'pending']);
    expect(await Payment.count({ where: { contractId: s.contract.id } })).to.equal(2);
    // Two approvals' movements, nothing of the third: each approval of an equal claim moves as many legs.
    const afterCut = (await LedgerEntry.count()) - entriesBefore;
    expect((await verifyLedger()).ok).to.equal(true);

    const resumed = await batchRunner(batch.id, by(s.finance));
    expect(resumed.status).to.equal('done');
    expect((await Promise.all(claims.map(async (c) => (await Claim.findByPk(c.id))!.status))).every((st) => st === 'approved')).to.equal(true);
    expect(await Payment.count({ where: { contractId: s.contract.id } })).to.equal(5);
    expect(((await LedgerEntry.count()) - entriesBefore) * 2).to.equal(afterCut * 5);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('two batches racing over the same claims decide each claim once', async function () {
    this.timeout(60_000);
    const s = await buildClaimSetup({ ceilingFen: 1_000_000 });
    const other = (await buildUser('finance')).user;
    const claims = [];
    for (let m = 1; m <= 8; m++) claims.push(await buildClaim(s, { status: 'verified', month: `2026-${String(m + 1).padStart(2, '0')}` }));
    const ids = claims.map((c) => c.id);
    const [a, b] = await Promise.all([batchStarter('claim-approve', ids, by(s.finance)), batchStarter('claim-approve', [...ids].reverse(), by(other))]);
    const [ra, rb] = await Promise.all([batchRunner(a.id, by(s.finance)), batchRunner(b.id, by(other))]);
    expect([ra.status, rb.status]).to.deep.equal(['done', 'done']);
    const [ia, ib] = [await itemsOf(a.id), await itemsOf(b.id)];
    for (const id of ids) {
      const outcomes = [ia[id].outcome, ib[id].outcome].sort();
      expect(outcomes, `claim ${id}`).to.deep.equal(['done', 'refused']);
      expect(await Payment.count({ where: { kind: 'claim', id: (await Claim.findByPk(id))!.paymentId! } })).to.equal(1);
    }
    expect(await Payment.count({ where: { contractId: s.contract.id } })).to.equal(8);
    expect(await balance('contract_committed', s.contract.id)).to.be.a('number');
    expect((await verifyLedger()).ok).to.equal(true);
    expect(await Batch.count({ where: { id: [a.id, b.id], status: 'done' } })).to.equal(2);
  });
});
