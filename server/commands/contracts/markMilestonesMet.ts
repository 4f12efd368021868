import type { Transaction } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { Evaluation, type Grade, gradesAtLeast } from '../../../models/Evaluation.js';
import { Instalment } from '../../../models/Instalment.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { acceptedThrough, contractProgress } from '../../services/deliverable-progress.js';
import { auditActorOf, type By } from '../kernel.js';

/**
 * Moves the contract's scheduled instalments whose milestone is tied and now met to `due` (what
 * lets the officer request the payment, #4), inside the caller's transaction (the contract is
 * already locked): `deliverables` when everything due through its date is accepted, `targets`
 * when every target has reached its share, `evaluation` when a confirmed evaluation of its kind
 * has reached its grade (#12). Each move is audited as the hand-marked one
 * is (`instalment.milestone_met`), saying what met it. Hand-marked (`manual`) ones are left alone.
 */
export async function markMilestonesMet(contract: Contract, by: By, transaction: Transaction): Promise<number[]> {
  if (contract.status !== 'active') return [];
  const tied = (await Instalment.findAll({ where: { contractId: contract.id, status: 'scheduled' }, order: [['seq', 'ASC']], transaction })).filter(
    (i) => i.milestoneKind !== 'manual',
  );
  if (tied.length === 0) return [];
  const progress = tied.some((i) => i.milestoneKind === 'targets') ? await contractProgress(contract.id, transaction) : [];
  const confirmed = tied.some((i) => i.milestoneKind === 'evaluation')
    ? await Evaluation.findAll({ where: { contractId: contract.id, status: 'confirmed' }, attributes: ['id', 'kind', 'grade'], transaction })
    : [];
  const met: number[] = [];
  for (const i of tied) {
    let ok = false;
    if (i.milestoneKind === 'deliverables' && i.milestoneThrough) ok = await acceptedThrough(contract.id, i.milestoneThrough, transaction);
    if (i.milestoneKind === 'targets' && i.milestoneShareBp) ok = progress.length > 0 && progress.every((p) => p.shareBp >= (i.milestoneShareBp ?? 10_000));
    if (i.milestoneKind === 'evaluation' && i.milestoneEvaluationKind && i.milestoneMinGrade) {
      const reaching = gradesAtLeast(i.milestoneMinGrade);
      ok = confirmed.some((e) => e.kind === i.milestoneEvaluationKind && !!e.grade && reaching.includes(e.grade as Grade));
    }
    if (!ok) continue;
    await i.update({ status: 'due' }, { transaction });
    met.push(i.id);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'instalment.milestone_met',
      recordType: 'instalment',
      recordId: i.id,
      districtId: contract.districtId,
      detail: {
        contractId: contract.id,
        seq: i.seq,
        milestone: i.milestone,
        metBy: i.milestoneKind,
        through: i.milestoneThrough ?? null,
        shareBp: i.milestoneShareBp ?? null,
        ...(i.milestoneKind === 'evaluation' ? { evaluationKind: i.milestoneEvaluationKind, minGrade: i.milestoneMinGrade } : {}),
        status: { from: 'scheduled', to: 'due' },
      },
      context: by.context,
    });
  }
  if (met.length) await recordRelease(contract.projectId, ['implementation'], transaction);
  return met;
}
