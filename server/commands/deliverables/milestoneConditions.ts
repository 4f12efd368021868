import type { Transaction } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { Instalment, type MilestoneKind } from '../../../models/Instalment.js';
import { markMilestonesMet } from '../contracts/markMilestonesMet.js';
import type { By } from '../kernel.js';

/** What an open instalment's milestone is tied to: by hand, all deliverables due through a day accepted, or every target reached to a share. */
export type MilestoneCondition = { instalmentId: number; kind: MilestoneKind; through: string | null; shareBp: number | null };

/**
 * An amendment replaces the open instalments by a new schedule, written in the order the amend
 * form showed the old ones: the k-th new instalment keeps the deliverable or target condition of
 * the k-th replaced one (a new one beyond them starts `manual`; an evaluation tie is the form's own). Then any tied milestone already met moves
 * its instalment to `due` again, inside the amendment's transaction.
 */
export async function carryMilestoneConditions(
  contract: Contract,
  replaced: readonly Instalment[],
  versionFrom: number,
  by: By,
  transaction: Transaction,
): Promise<void> {
  if (!replaced.some((i) => i.milestoneKind !== 'manual')) {
    // Ties to evaluations come with the new schedule itself; one may already be met.
    await markMilestonesMet(contract, by, transaction);
    return;
  }
  const fresh = await Instalment.findAll({ where: { contractId: contract.id, versionFrom, status: 'scheduled' }, order: [['seq', 'ASC']], transaction });
  const ordered = [...replaced].sort((a, b) => a.seq - b.seq);
  for (const [k, instalment] of fresh.entries()) {
    const old = ordered[k];
    // An evaluation tie is the amend form's own field: what the form says stands (#12).
    if (!old || old.milestoneKind === 'manual' || old.milestoneKind === 'evaluation' || instalment.milestoneKind === 'evaluation') continue;
    await instalment.update(
      { milestoneKind: old.milestoneKind, milestoneThrough: old.milestoneThrough ?? null, milestoneShareBp: old.milestoneShareBp ?? null },
      { transaction },
    );
  }
  await markMilestonesMet(contract, by, transaction);
}
