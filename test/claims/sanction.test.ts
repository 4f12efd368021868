import { expect } from 'chai';
import { AuditEvent, type User } from '../../models/index.js';
import { Claim, ClaimLine } from '../../models/Claim.js';
import { Payment } from '../../models/Payment.js';
import { claimLineSanctioner } from '../../server/commands/claims/claimSanctioner.js';
import { claimApprover, claimDecider, claimSubmitter, claimVerifier } from '../../server/commands/claims/claimWorkflow.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { ForbiddenError, ValidationError } from '../../server/errors.js';
import { reservedOf } from '../../server/commands/claims/claimCeiling.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';
import { versionNow } from '../support/forms.js';

const by = (u: User) => ({ actor: actorOf(u) });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const linesOf = (claimId: number) => ClaimLine.findAll({ where: { claimId }, order: [['id', 'ASC']] });

describe('claims: partial sanction (#18)', () => {
  it('the officer and then finance lower lines with reasons; the payment, the ceiling, the ledger and both printed forms use the sanctioned total', async () => {
    const s = await buildClaimSetup({ ceilingFen: 100_000 });
    const claim = await buildClaim(s, { lines: [{ amountFen: 12_000 }, { amountFen: 3_456, kind: 'communication' }], status: 'submitted' });
    const [a, b] = await linesOf(claim.id);
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    const lowered = await postForm(officer, `/claims/${claim.id}/sanction`, {
      lineId: String(a.id),
      sanctionAmount: '80.00',
      sanctionReason: '超出公交票价标准',
      _version: await versionNow(claim),
    });
    expect(lowered.status, fieldError(lowered.text, 'sanctionAmount') ?? '').to.equal(302);
    expect(await Claim.findByPk(claim.id)).to.include({ claimedFen: 15_456, totalFen: 11_456, status: 'submitted' });
    // Never raised: not by the officer, not back to what was claimed.
    const raise = await postForm(officer, `/claims/${claim.id}/sanction`, {
      lineId: String(a.id),
      sanctionAmount: '100.00',
      sanctionReason: '恢复',
      _version: await versionNow(claim),
    });
    expect(raise.status).to.equal(422);
    expect(fieldError(raise.text, 'sanctionAmount')).to.contain('只能调低');
    expect(raise.text, 'the input is kept').to.contain('value="100.00"');
    await claimVerifier(claim.id, by(s.officer));
    // At the approver's stage the officer may no longer lower it; finance may.
    expect(await errorOf(claimLineSanctioner(claim.id, { lineId: b.id, amountFen: 1_000, reason: 'x' }, by(s.officer)))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(claimLineSanctioner(claim.id, { lineId: b.id, amountFen: 1_000, reason: 'x' }, by(s.orgUser)))).to.be.instanceOf(ForbiddenError);
    await claimLineSanctioner(claim.id, { lineId: b.id, amountFen: 3_000, reason: '话费超出套餐部分不予报销' }, by(s.finance));
    await claimLineSanctioner(claim.id, { lineId: a.id, amountFen: 7_000, reason: '再核减' }, by(s.finance));
    expect(await Claim.findByPk(claim.id)).to.include({ claimedFen: 15_456, totalFen: 10_000 });

    const committedBefore = await balance('contract_committed', s.contract.id);
    const approved = await claimApprover(claim.id, by(s.finance));
    const payment = (await Payment.findByPk(approved.paymentId!))!;
    expect(payment.amountFen).to.equal(10_000);
    expect(await reservedOf(s.contract.id)).to.equal(10_000);
    expect(await balance('contract_committed', s.contract.id)).to.equal(committedBefore + 10_000);
    await paymentPayer(payment.id, { bankReference: 'ICBC-20260401-0009', paidOn: '2026-04-01' }, by(s.cashier));
    expect(await balance('paid', s.contract.id)).to.equal(10_000);
    expect((await verifyLedger()).ok).to.equal(true);

    const events = await AuditEvent.findAll({ where: { recordType: 'claim', recordId: String(claim.id), action: 'claim.sanction' }, order: [['id', 'ASC']] });
    expect(events.map((e) => JSON.parse(e.detail ?? '{}'))).to.deep.include.members([
      {
        contractId: s.contract.id,
        lineId: a.id,
        claimedFen: 12_000,
        fromFen: 12_000,
        toFen: 8_000,
        reason: '超出公交票价标准',
        totalBeforeFen: 15_456,
        totalFen: 11_456,
      },
    ]);
    expect(events).to.have.length(3);

    // The organisation reads what was lowered and why; the claim form and the 支付审批表 print the sanctioned total.
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const page = (await org.get(`/claims/${claim.id}`)).text;
    expect(page).to.contain('超出公交票价标准');
    expect(page).to.contain('话费超出套餐部分不予报销');
    expect(page).to.match(/data-testid="claim-lowered">申报 ¥154\.56，核定 ¥100\.00</);
    const form = (await org.get(`/claims/${claim.id}/form`)).text;
    expect(form).to.match(/data-testid="amount-claimed">¥154\.56</);
    expect(form).to.match(/data-testid="amount-figures">¥100\.00</);
    expect(form).to.match(/data-testid="amount-capitals">壹佰元整</);
    const approval = (await org.get(`/payments/${payment.id}/form`)).text;
    expect(approval).to.match(/data-testid="amount-capitals">壹佰元整</);
    expect(approval).to.contain('申报 ¥154.56，核定 ¥100.00');
    // The monthly totals: claimed as handed in, approved and paid as sanctioned.
    const totals = (await loginAs(s.finance, TEST_PASSWORD).then((f) => f.get('/claims/totals?year=2026&format=csv'))).text;
    const row = totals.split('\n').find((l) => l.includes(s.organisation.name))!;
    expect(row).to.contain('154.56');
    expect(row).to.contain('100.00');
  });

  it('a returned claim shows what was lowered; submitted again it starts from the amounts claimed', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { lines: [{ amountFen: 9_000 }], status: 'submitted' });
    const [line] = await linesOf(claim.id);
    // Lowering the only line to 0 leaves nothing to pay: that is a rejection, not a sanction.
    const nothing = (await errorOf(claimLineSanctioner(claim.id, { lineId: line.id, amountFen: 0, reason: '不予报销' }, by(s.officer)))) as ValidationError;
    expect(nothing).to.be.instanceOf(ValidationError);
    expect(nothing.fieldErrors).to.deep.equal({ sanctionAmount: 'claims.validation.sanctionNothingLeft' });
    await claimLineSanctioner(claim.id, { lineId: line.id, amountFen: 6_000, reason: '只报往程' }, by(s.officer));
    await claimDecider(claim.id, 'return', '请补充返程票据', by(s.officer));
    expect(await Claim.findByPk(claim.id)).to.include({ status: 'returned', totalFen: 6_000, claimedFen: 9_000 });
    await claimSubmitter(claim.id, by(s.orgUser));
    expect(await Claim.findByPk(claim.id)).to.include({ status: 'submitted', totalFen: 9_000, claimedFen: 9_000 });
    expect((await ClaimLine.findByPk(line.id))!.sanctionedFen).to.equal(null);
  });
});
