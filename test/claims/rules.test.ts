import { expect } from 'chai';
import { Claim, ClaimCap, ClaimedFapiao, ClaimLine } from '../../models/Claim.js';
import { Engagement } from '../../models/Engagement.js';
import { claimCreator, claimLineAdder, claimLineRemover } from '../../server/commands/claims/claimEditor.js';
import { claimDecider, claimSubmitter } from '../../server/commands/claims/claimWorkflow.js';
import { ValidationError } from '../../server/errors.js';
import { fapiaoKey } from '../../server/services/identifiers.js';
import { buildClaim, buildClaimSetup, type ClaimSetup, classicFapiao, digitalFapiao, receiptUpload } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { addTrainings, buildWorker } from '../factories/workers.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const fieldErrorsOf = async (p: Promise<unknown>) => {
  const e = await errorOf(p);
  expect(e).to.be.instanceOf(ValidationError);
  return (e as ValidationError).fieldErrors;
};
const line = (
  spentOn: string,
  amountFen = 5_000,
  kind: 'transport' | 'communication' = 'transport',
  f = classicFapiao(),
  digitalNumber: string | null = null,
) => ({
  spentOn,
  kind,
  description: '福田街道—沙头社区 往返',
  amountFen,
  fapiao: f.code ? { kind: 'classic' as const, code: f.code, number: f.number } : { kind: 'digital' as const, code: null, number: f.number },
  digitalNumber,
  confirmPersonalData: false,
});

async function draft(s: ClaimSetup, month: string, engagement = s.engagement) {
  return claimCreator({ contractId: s.contract.id, engagementId: engagement.id, month }, { actor: actorOf(s.orgUser) });
}
const add = (s: ClaimSetup, claimId: number, l: ReturnType<typeof line>) => claimLineAdder(claimId, l, [receiptUpload()], { actor: actorOf(s.orgUser) });

describe('claims: the rules of a line', () => {
  it('counts the last day of an engagement and refuses the day after, and a day outside the claim month', async () => {
    const s = await buildClaimSetup();
    await s.engagement.update({ endsOn: '2026-04-20' });
    const claim = await draft(s, '2026-04');
    expect((await add(s, claim.id, line('2026-04-20'))).id).to.be.a('number');
    expect(await fieldErrorsOf(add(s, claim.id, line('2026-04-21')))).to.deep.equal({ spentOn: 'claims.validation.notEngaged' });
    expect(await fieldErrorsOf(add(s, claim.id, line('2026-05-01')))).to.deep.equal({ spentOn: 'claims.validation.notInMonth' });
    expect(await fieldErrorsOf(draft(s, '2026-05'))).to.deep.equal({ month: 'claims.validation.notEngagedInMonth' });
  });

  it('refuses a day after training lapsed mid-month and takes the day it still held (training 2025-03-15 holds through 2026-03-15)', async () => {
    const s = await buildClaimSetup();
    const { worker } = await buildWorker();
    await addTrainings(worker, [{ kind: 'initial', trainedOn: '2025-03-15' }]);
    const engagement = await Engagement.create({
      ...s.engagement.get({ plain: true }),
      id: undefined as never,
      childWorkerId: worker.id,
      startsOn: '2026-03-01',
      endsOn: '2026-03-31',
    });
    const claim = await draft(s, '2026-03', engagement);
    expect((await add(s, claim.id, line('2026-03-15'))).id).to.be.a('number');
    expect(await fieldErrorsOf(add(s, claim.id, line('2026-03-16')))).to.deep.equal({ spentOn: 'claims.validation.notTrained' });
  });

  it('takes a cap reached exactly and refuses one fen more, per kind, counting the worker’s other live claims of the month', async () => {
    const s = await buildClaimSetup({ ceilingFen: 1_000_000 });
    await buildClaim(s, { month: '2026-03', lines: [{ amountFen: 20_000 }], status: 'submitted' });
    const claim = await draft(s, '2026-03');
    // City default: ¥300.00 transport, ¥100.00 communication.
    expect(await fieldErrorsOf(add(s, claim.id, line('2026-03-16', 10_001)))).to.deep.equal({ amount: 'claims.validation.overCap.transport' });
    await add(s, claim.id, line('2026-03-16', 10_000));
    await add(s, claim.id, line('2026-03-17', 10_000, 'communication'));
    expect(await fieldErrorsOf(add(s, claim.id, line('2026-03-18', 1, 'communication')))).to.deep.equal({ amount: 'claims.validation.overCap.communication' });
    // A contract's own cap overrides the city default.
    await ClaimCap.create({ contractId: s.contract.id, kind: 'communication', capFen: 15_000, updatedBy: s.officer.id });
    await add(s, claim.id, line('2026-03-18', 5_000, 'communication'));
    expect((await claimSubmitter(claim.id, { actor: actorOf(s.orgUser) })).status).to.equal('submitted');
  });

  it('never lets a 发票 be claimed twice anywhere, across organisations, in either form; a removed line, a return or a rejection frees it', async () => {
    const a = await buildClaimSetup();
    const b = await buildClaimSetup();
    const f = classicFapiao();
    const e = digitalFapiao();
    const ca = await draft(a, '2026-03');
    const first = await add(a, ca.id, line('2026-03-02', 1_000, 'transport', f));
    await add(a, ca.id, line('2026-03-03', 1_000, 'transport', e));
    const cb = await draft(b, '2026-03');
    expect(await fieldErrorsOf(add(b, cb.id, line('2026-03-02', 1_000, 'transport', f)))).to.include({ fapiaoNumber: 'claims.validation.fapiaoTaken' });
    expect(await fieldErrorsOf(add(b, cb.id, line('2026-03-02', 1_000, 'transport', e)))).to.include({ fapiaoNumber: 'claims.validation.fapiaoTaken' });
    // The same 8 digits under another code are another invoice.
    await add(b, cb.id, line('2026-03-02', 1_000, 'transport', { code: `${f.code.slice(0, 11)}${(Number(f.code.at(-1)) + 1) % 10}`, number: f.number }));
    await claimLineRemover(ca.id, first.id, { actor: actorOf(a.orgUser) });
    const taken = await add(b, cb.id, line('2026-03-04', 1_000, 'transport', f));
    expect(await ClaimedFapiao.count({ where: { fapiaoKey: fapiaoKey(f.code, f.number) } })).to.equal(1);
    expect((await ClaimedFapiao.findOne({ where: { fapiaoKey: taken.fapiaoKey } }))!.claimId).to.equal(cb.id);
    // Returned: b's numbers are free, so a may take one; b's resubmission then refuses that line.
    await claimSubmitter(cb.id, { actor: actorOf(b.orgUser) });
    await claimDecider(cb.id, 'return', '发票照片不清晰', { actor: actorOf(b.officer) });
    expect(await ClaimedFapiao.count({ where: { claimId: cb.id } })).to.equal(0);
    await add(a, ca.id, line('2026-03-05', 1_000, 'transport', f));
    const errors = await fieldErrorsOf(claimSubmitter(cb.id, { actor: actorOf(b.orgUser) }));
    expect(errors).to.deep.include({ [`line_${taken.id}`]: 'claims.validation.fapiaoTaken' });
    expect((await Claim.findByPk(cb.id))!.status).to.equal('returned');
  });

  it('holds a paper 数电票 by both its code + number and its 20-digit number: claimed either way, it is taken', async () => {
    const a = await buildClaimSetup();
    const b = await buildClaimSetup();
    const f = classicFapiao();
    const e = digitalFapiao();
    const ca = await draft(a, '2026-03');
    await add(a, ca.id, line('2026-03-02', 1_000, 'transport', f, e.number));
    const cb = await draft(b, '2026-03');
    expect(await fieldErrorsOf(add(b, cb.id, line('2026-03-02', 1_000, 'transport', e)))).to.include({ fapiaoNumber: 'claims.validation.fapiaoTaken' });
    expect(await fieldErrorsOf(add(b, cb.id, line('2026-03-02', 1_000, 'transport', classicFapiao(), e.number)))).to.include({
      fapiaoDigitalNumber: 'claims.validation.fapiaoTaken',
    });
    expect(await fieldErrorsOf(add(b, cb.id, line('2026-03-02', 1_000, 'transport', f)))).to.include({ fapiaoNumber: 'claims.validation.fapiaoTaken' });
    expect(await ClaimedFapiao.count({ where: { claimId: ca.id } })).to.equal(2);
  });

  it('two claims racing for one 发票: exactly one holds it', async () => {
    const a = await buildClaimSetup();
    const b = await buildClaimSetup();
    const f = classicFapiao();
    const [ca, cb] = [await draft(a, '2026-03'), await draft(b, '2026-03')];
    const results = await Promise.allSettled([
      add(a, ca.id, line('2026-03-02', 1_000, 'transport', f)),
      add(b, cb.id, line('2026-03-02', 1_000, 'transport', f)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).to.be.instanceOf(ValidationError);
    expect(await ClaimLine.count({ where: { fapiaoKey: fapiaoKey(f.code, f.number) } })).to.equal(1);
  });

  it('refuses a submission beyond what the ceiling has left, on the total', async () => {
    const s = await buildClaimSetup({ ceilingFen: 9_999 });
    const claim = await buildClaim(s, { lines: [{ amountFen: 10_000 }] });
    expect(await fieldErrorsOf(claimSubmitter(claim.id, { actor: actorOf(s.orgUser) }))).to.deep.equal({ total: 'claims.validation.overCeiling' });
    const empty = await draft(s, '2026-04');
    expect(await fieldErrorsOf(claimSubmitter(empty.id, { actor: actorOf(s.orgUser) }))).to.deep.equal({ total: 'claims.validation.noLines' });
  });
});
