import type { Transaction } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { ContractTarget } from '../../../models/ContractTarget.js';
import { Instalment } from '../../../models/Instalment.js';
import { ReportingSchedule } from '../../../models/ReportingSchedule.js';
import { balanceAcross } from '../../services/ledger.js';
import { fundingAllocations } from './contractFunding.js';
import { textsOf } from './contractSnapshot.js';

/**
 * One thing activation needs: `key` names it (`contracts.missing.<key>` in the locales), `ok`
 * whether the contract has it, `blocking` whether activation is refused without it (a reporting
 * schedule may also be set after activation).
 */
export type ReadinessItem = { key: string; ok: boolean; blocking: boolean };

/** What the project's approved allocations must hold for activation, and what they hold. */
export type ActivationFunding = { valueFen: number; ceilingFen: number; neededFen: number; heldFen: number };

/**
 * What activation of a draft contract needs, in the order the contract page shows it: its
 * announcement, signed file, the art. 23 texts, targets, an instalment schedule, approved
 * allocations of its project holding its value, and holding its reimbursement ceiling on top
 * (the child workers' transport and communication costs are public money too: a ceiling with
 * nothing behind it cannot be approved later), and a reporting schedule (not blocking).
 * The activator asks it under its locks; the contract page asks it to show the checklist.
 */
export async function activationReadiness(
  contract: Contract,
  lineIds: readonly number[],
  transaction?: Transaction,
): Promise<{ items: ReadinessItem[]; funding: ActivationFunding; allocations: Awaited<ReturnType<typeof fundingAllocations>> }> {
  const instalments = await Instalment.count({ where: { contractId: contract.id }, transaction });
  const targets = await ContractTarget.count({ where: { contractId: contract.id }, transaction });
  const schedule = await ReportingSchedule.count({ where: { contractId: contract.id }, transaction });
  const allocations = await fundingAllocations(contract.projectId, lineIds, transaction);
  const heldFen = allocations.reduce((s, f) => s + f.heldFen, 0);
  const ceilingFen = contract.reimbursementCeilingFen;
  const funding = { valueFen: contract.valueFen, ceilingFen, neededFen: contract.valueFen + ceilingFen, heldFen };
  const items: ReadinessItem[] = [
    { key: 'announcement', ok: Boolean((contract.announcementUrl || contract.announcementFileId) && contract.announcedOn), blocking: true },
    { key: 'signedFile', ok: Boolean(contract.signedFileId && contract.signedOn), blocking: true },
    ...Object.entries(textsOf(contract)).map(([field, text]) => ({ key: field, ok: Boolean(text?.trim()), blocking: true })),
    { key: 'targets', ok: targets > 0, blocking: true },
    { key: 'schedule', ok: instalments > 0, blocking: true },
    { key: 'allocations', ok: heldFen >= contract.valueFen, blocking: true },
    ...(ceilingFen > 0 ? [{ key: 'ceilingAllocations', ok: heldFen >= funding.neededFen, blocking: true }] : []),
    { key: 'reportingSchedule', ok: schedule > 0, blocking: false },
  ];
  return { items, funding, allocations };
}

/**
 * What a contract has committed in the ledger over its life, net of what it gave back: what is
 * still committed plus what was paid. Activation commits value + ceiling; a contract activated
 * before the ceiling was committed with it holds its value plus the claims approved since.
 */
export async function netCommittedOf(contractId: number, transaction?: Transaction): Promise<number> {
  return balanceAcross(['contract_committed', 'paid'], contractId, transaction);
}
