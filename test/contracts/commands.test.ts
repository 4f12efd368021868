import { expect } from 'chai';
import { Contract } from '../../models/Contract.js';
import { ContractVersion } from '../../models/ContractVersion.js';
import { Instalment } from '../../models/Instalment.js';
import { Project } from '../../models/Project.js';
import { type ActivationRefusedError, contractActivator } from '../../server/commands/contracts/contractActivator.js';
import { contractAmender } from '../../server/commands/contracts/contractAmender.js';
import { contractCreator } from '../../server/commands/contracts/contractCreator.js';
import { contractUpdater } from '../../server/commands/contracts/contractUpdater.js';
import { contractTerminator } from '../../server/commands/contracts/contractTerminator.js';
import { reportingScheduleSetter } from '../../server/commands/deliverables/reportingScheduleSetter.js';
import { HttpError, type ValidationError } from '../../server/errors.js';
import { addMonths } from '../../server/services/calendar.js';
import { buildSchedule, termErrors } from '../../server/services/contract-terms.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { buildContract, contractTerms, storedContractDocument } from '../factories/contracts.js';
import { actorOf, buildAllocation, buildBudgetLine } from '../factories/finance.js';
import { buildUser } from '../factories/index.js';
import { buildProject } from '../factories/projects.js';

async function failure(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const amendment = (c: Contract, attrs: Record<string, unknown> = {}) => ({
  reason: '服务范围扩大',
  valueFen: c.valueFen,
  termStart: c.termStart,
  termEnd: c.termEnd,
  termJustification: null,
  reimbursementCeilingFen: c.reimbursementCeilingFen,
  targets: [{ categoryCode: 'home_visit', metric: 'visits', targetCount: 800 }],
  scheduleMode: 'percent' as const,
  instalments: [
    { percentBp: 5000, milestone: '中期' },
    { percentBp: 5000, milestone: '终期' },
  ],
  ...attrs,
});

describe('contracts: terms', () => {
  it('applies art. 24: 12 months plain, up to 36 with a justification, never more', () => {
    expect(termErrors('2026-01-01', '2026-12-31', null)).to.deep.equal({});
    expect(termErrors('2026-01-01', '2027-01-31', null)).to.deep.equal({ termJustification: 'contracts.validation.justificationRequired' });
    expect(termErrors('2026-01-01', '2027-01-31', '跨年度服务需要连续性')).to.deep.equal({});
    expect(termErrors('2026-01-01', '2028-12-31', '三年期')).to.deep.equal({});
    expect(termErrors('2026-01-01', '2029-01-31', '三年以上')).to.deep.equal({ termEnd: 'contracts.validation.termTooLong' });
    expect(termErrors('2026-03-01', '2026-02-01', null)).to.deep.equal({ termEnd: 'contracts.validation.termEndBeforeStart' });
    expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
  });

  it('schedules amounts that sum exactly, and percentages with the remainder on the last', () => {
    expect(
      buildSchedule(1000, 'amount', [
        { amountFen: 300, milestone: 'a' },
        { amountFen: 600, milestone: 'b' },
      ]).errors,
    ).to.deep.equal({
      instalments: 'contracts.validation.scheduleSum',
    });
    expect(
      buildSchedule(1000, 'percent', [
        { percentBp: 3000, milestone: 'a' },
        { percentBp: 6000, milestone: 'b' },
      ]).errors,
    ).to.deep.equal({
      instalments: 'contracts.validation.schedulePercentSum',
    });
    const { schedule } = buildSchedule(1001, 'percent', [
      { percentBp: 3333, milestone: 'a' },
      { percentBp: 3333, milestone: 'b' },
      { percentBp: 3334, milestone: 'c' },
    ]);
    expect(schedule.map((s) => s.amountFen)).to.deep.equal([333, 333, 335]);
    expect(schedule.map((s) => s.requiresFinalEvaluation)).to.deep.equal([false, false, true]);
  });
});

describe('contracts: commands', () => {
  it('writes a draft for an awarded project with the award amount, targets and instalments', async () => {
    const { contract, award } = await buildContract({ valueFen: 1_000_001 });
    expect(contract.status).to.equal('draft');
    expect(contract.valueFen).to.equal(award.amountFen);
    const instalments = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
    expect(instalments.map((i) => i.amountFen)).to.deep.equal([300_000, 400_000, 300_001]);
    expect(instalments.every((i) => i.status === 'scheduled')).to.equal(true);
  });

  it('refuses a project that is not awarded (409), a 13-month term without justification and a schedule that does not sum (422)', async () => {
    const officer = (await buildUser('officer')).user;
    const planning = await buildProject({ status: 'tendering', creator: officer });
    expect((await failure(contractCreator(planning.project.id, contractTerms(), { actor: actorOf(officer) }))).status).to.equal(409);
    const awarded = await buildProject({ status: 'awarded', creator: officer, budgetFen: 1_000_000 });
    const long = await failure(contractCreator(awarded.project.id, contractTerms({ termEnd: '2027-01-31' }), { actor: actorOf(officer) }));
    expect((long as ValidationError).fieldErrors).to.deep.equal({ termJustification: 'contracts.validation.justificationRequired' });
    const tooLong = await failure(
      contractCreator(awarded.project.id, contractTerms({ termEnd: '2029-01-31', termJustification: '长期' }), { actor: actorOf(officer) }),
    );
    expect((tooLong as ValidationError).fieldErrors.termEnd).to.equal('contracts.validation.termTooLong');
    const amounts = await failure(
      contractCreator(
        awarded.project.id,
        contractTerms({
          scheduleMode: 'amount',
          instalments: [
            { amountFen: 500_000, milestone: 'a' },
            { amountFen: 400_000, milestone: 'b' },
          ],
        }),
        { actor: actorOf(officer) },
      ),
    );
    expect((amounts as ValidationError).fieldErrors.instalments).to.equal('contracts.validation.scheduleSum');
    const ok = await contractCreator(awarded.project.id, contractTerms({ termEnd: '2027-01-31', termJustification: '跨年度服务' }), {
      actor: actorOf(officer),
    });
    expect(ok.status).to.equal('draft');
  });

  it('editing a draft keeps the deliverable and target conditions set on its reporting page (#12)', async () => {
    const { contract, officer } = await buildContract();
    const by = { actor: actorOf(officer) };
    const [first, second] = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
    await reportingScheduleSetter(
      contract.id,
      {
        frequency: 'quarterly',
        graceDays: 5,
        dates: [],
        milestones: [
          { instalmentId: first.id, kind: 'deliverables', through: '2026-04-10', shareBp: null },
          { instalmentId: second.id, kind: 'targets', through: null, shareBp: 5000 },
        ],
      },
      by,
    );
    await contractUpdater(
      contract.id,
      { ...contractTerms({ number: contract.number, content: '改写后的服务内容' }), _version: (await Contract.findByPk(contract.id))!.lockVersion },
      by,
    );
    const after = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
    expect(after.map((i) => [i.milestone, i.milestoneKind, i.milestoneThrough ?? null, i.milestoneShareBp ?? null])).to.deep.equal([
      ['合同签订后', 'deliverables', '2026-04-10', null],
      ['中期评估合格', 'targets', null, 5000],
      ['终期评估合格', 'manual', null, null],
    ]);
  });

  it('refuses an officer of another district (404)', async () => {
    const { contract } = await buildContract();
    const other = (await buildUser('officer', { districtCode: 'NS' })).user;
    expect((await failure(contractUpdater(contract.id, contractTerms(), { actor: actorOf(other) }))).status).to.equal(404);
  });

  it('names every missing activation precondition (409) and changes nothing', async () => {
    const { contract, officer } = await buildContract({ terms: { announcementUrl: null, announcedOn: null, breachLiability: null } });
    const e = await failure(contractActivator(contract.id, { actor: actorOf(officer) }));
    expect(e.status).to.equal(409);
    expect((e as ActivationRefusedError).reasons).to.have.members([
      'contracts.missing.announcement',
      'contracts.missing.signedFile',
      'contracts.missing.breachLiability',
      'contracts.missing.allocations',
      'contracts.missing.ceilingAllocations',
    ]);
    expect((await Contract.findByPk(contract.id))!.status).to.equal('draft');
  });

  it('refuses activation when the approved allocations do not cover the value, then the ceiling, then activates committing both', async () => {
    const { contract, officer, project } = await buildContract({ valueFen: 2_000_000 });
    await contract.update({ signedFileId: (await storedContractDocument(officer, project.districtId)).id });
    const line = await buildBudgetLine({ year: project.year });
    await buildAllocation({ status: 'approved', line, project, amountFen: 1_500_000 });
    await buildAllocation({ status: 'submitted', line, project, amountFen: 1_000_000 });
    const e = await failure(contractActivator(contract.id, { actor: actorOf(officer) }));
    expect((e as ActivationRefusedError).reasons).to.deep.equal(['contracts.missing.allocations', 'contracts.missing.ceilingAllocations']);
    await buildAllocation({ status: 'approved', line, project, amountFen: 600_000 });
    // The value is covered, the ¥5,000.00 ceiling for child workers' costs is not: still refused, and named.
    const ceiling = await failure(contractActivator(contract.id, { actor: actorOf(officer) }));
    expect((ceiling as ActivationRefusedError).reasons).to.deep.equal(['contracts.missing.ceilingAllocations']);
    expect((ceiling as ActivationRefusedError).funding).to.deep.include({ neededFen: 2_500_000, heldFen: 2_100_000 });
    const third = await buildAllocation({ status: 'approved', line, project, amountFen: 1_000_000 });
    await contractActivator(contract.id, { actor: actorOf(officer) });
    expect(await balance('contract_committed', contract.id)).to.equal(2_500_000);
    expect(await balance('allocation', third.id)).to.equal(600_000);
    expect((await Project.findByPk(project.id))!.status).to.equal('contracted');
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('two activations racing commit the value once: one succeeds, the other is 409, the ledger balanced', async () => {
    const { contract, officer, project } = await buildContract({ valueFen: 700_000 });
    await contract.update({ signedFileId: (await storedContractDocument(officer, project.districtId)).id });
    const line = await buildBudgetLine({ year: project.year });
    await buildAllocation({ status: 'approved', line, project, amountFen: 1_500_000 });
    const results = await Promise.allSettled([0, 1, 2].map(() => contractActivator(contract.id, { actor: actorOf(officer) })));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as HttpError).status).to.equal(409);
    expect(await balance('contract_committed', contract.id), 'value and ceiling').to.equal(1_200_000);
    expect(await ContractVersion.count({ where: { contractId: contract.id } })).to.equal(1);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('activation commits the value and the reimbursement ceiling, fixes version 1, and a second activation is 409', async () => {
    const { contract, officer, allocation, project } = await buildContract({ status: 'active' });
    expect(contract.status).to.equal('active');
    expect(project.status).to.equal('contracted');
    expect(await balance('contract_committed', contract.id)).to.equal(contract.valueFen + contract.reimbursementCeilingFen);
    expect(await balance('allocation', allocation!.id)).to.equal(0);
    const v1 = await ContractVersion.findOne({ where: { contractId: contract.id, version: 1 } });
    expect(v1!.snapshot.instalments).to.have.length(3);
    expect((await failure(contractActivator(contract.id, { actor: actorOf(officer) }))).status).to.equal(409);
    expect((await failure(contractUpdater(contract.id, contractTerms(), { actor: actorOf(officer) }))).status).to.equal(409);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('an amendment adds a version, keeps the old one readable, and a decrease gives money back', async () => {
    const { contract, officer, allocation } = await buildContract({ status: 'active', valueFen: 3_000_000 });
    await contractAmender(contract.id, amendment(contract, { valueFen: 2_400_000, reason: '服务量减少' }), { actor: actorOf(officer) });
    const again = (await Contract.findByPk(contract.id))!;
    expect(again.valueFen).to.equal(2_400_000);
    expect(again.versionNumber).to.equal(2);
    const versions = await ContractVersion.findAll({ where: { contractId: contract.id }, order: [['version', 'ASC']] });
    expect(versions.map((v) => v.valueFen)).to.deep.equal([3_000_000, 2_400_000]);
    expect(versions[0].snapshot.targets[0].targetCount).to.equal(600);
    expect(versions[1].snapshot.targets[0].targetCount).to.equal(800);
    expect(versions[1].reason).to.equal('服务量减少');
    expect(again.currentVersionId).to.equal(versions[1].id);
    expect(await balance('contract_committed', contract.id)).to.equal(2_400_000 + 500_000);
    expect(await balance('allocation', allocation!.id)).to.equal(600_000);
    const open = await Instalment.findAll({ where: { contractId: contract.id, status: 'scheduled' } });
    expect(open.map((i) => i.amountFen).reduce((a, b) => a + b, 0)).to.equal(2_400_000);
    expect(await Instalment.count({ where: { contractId: contract.id, status: 'cancelled' } })).to.equal(3);
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('an increase needs allocations holding the difference (409), then commits it', async () => {
    const { contract, officer, project } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const short = await failure(contractAmender(contract.id, amendment(contract, { valueFen: 1_200_000 }), { actor: actorOf(officer) }));
    expect(short.status).to.equal(409);
    const line = await buildBudgetLine({ year: project.year, fundSource: 'welfare_lottery_fund' });
    await buildAllocation({ status: 'approved', line, project, amountFen: 500_000 });
    await contractAmender(contract.id, amendment(contract, { valueFen: 1_200_000 }), { actor: actorOf(officer) });
    expect(await balance('contract_committed', contract.id)).to.equal(1_200_000 + 500_000);
    const bad = await failure(contractAmender(contract.id, amendment(contract, { valueFen: 1_200_000, reason: '' }), { actor: actorOf(officer) }));
    expect((bad as ValidationError).fieldErrors.reason).to.equal('validation.required');
    expect((await verifyLedger()).ok).to.equal(true);
  });

  it('an amendment keeps instalments already requested or paid and schedules only the rest', async () => {
    const { contract, officer } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const first = (await Instalment.findOne({ where: { contractId: contract.id, seq: 1 } }))!;
    await first.update({ status: 'requested' });
    const wrong = await failure(
      contractAmender(contract.id, amendment(contract, { scheduleMode: 'amount', instalments: [{ amountFen: 1_000_000, milestone: '终期' }] }), {
        actor: actorOf(officer),
      }),
    );
    expect((wrong as ValidationError).fieldErrors.instalments).to.equal('contracts.validation.scheduleSum');
    await contractAmender(contract.id, amendment(contract, { scheduleMode: 'amount', instalments: [{ amountFen: 700_000, milestone: '终期' }] }), {
      actor: actorOf(officer),
    });
    const live = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
    expect(live.filter((i) => i.status !== 'cancelled').map((i) => [i.seq, i.amountFen, i.status])).to.deep.equal([
      [1, 300_000, 'requested'],
      [4, 700_000, 'scheduled'],
    ]);
  });

  it('termination needs a reason, releases the unpaid part and cancels unpaid instalments; a draft cannot be terminated', async () => {
    const { contract, officer, allocation } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const noReason = await failure(contractTerminator(contract.id, ' ', { actor: actorOf(officer) }));
    expect(noReason.status).to.equal(422);
    await contractTerminator(contract.id, '机构注销', { actor: actorOf(officer) });
    const again = (await Contract.findByPk(contract.id))!;
    expect(again.status).to.equal('terminated');
    expect(again.endReason).to.equal('机构注销');
    expect((await Project.findByPk(contract.projectId))!.status, 'the project closes with its contract').to.equal('closed');
    expect(await balance('contract_committed', contract.id)).to.equal(0);
    expect(await balance('allocation', allocation!.id)).to.equal(1_000_000 + 500_000);
    expect(await Instalment.count({ where: { contractId: contract.id, status: 'cancelled' } })).to.equal(3);
    expect((await failure(contractTerminator(contract.id, '再次', { actor: actorOf(officer) }))).status).to.equal(409);
    expect((await failure(contractAmender(contract.id, amendment(again), { actor: actorOf(officer) }))).status).to.equal(409);
    const draft = await buildContract();
    expect((await failure(contractTerminator(draft.contract.id, '原因', { actor: actorOf(draft.officer) }))).status).to.equal(409);
    expect((await verifyLedger()).ok).to.equal(true);
  });
});
