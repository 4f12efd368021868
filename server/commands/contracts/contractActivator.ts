import { CONTRACT_TRANSITIONS, Contract } from '../../../models/Contract.js';
import { ContractVersion } from '../../../models/ContractVersion.js';
import { Instalment } from '../../../models/Instalment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { formatFen } from '../../services/money.js';
import { commitFrom } from './contractCommitments.js';
import { lineIdsOfProject, lockLines } from './contractFunding.js';
import { type ActivationFunding, activationReadiness } from './contractReadiness.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { keepsContractsOf } from '../../policies/contract.js';
import { snapshotOf } from './contractSnapshot.js';
import { projectTransitioner } from '../projects/projectTransitioner.js';
import { createDueDeliverables } from '../deliverables/dueDeliverables.js';

/** The reason a version 1 carries: the terms as signed and activated. */
export const ACTIVATION_REASON = 'activation';

/** Activation refused (409): `reasons` are the locale keys of every missing precondition. */
export class ActivationRefusedError extends ConflictError {
  constructor(
    readonly reasons: string[],
    readonly funding?: ActivationFunding,
  ) {
    super('contracts.errors.activationRefused', { missing: reasons.join(', ') });
  }
}

/**
 * Activates a draft contract in ONE transaction: locks the contract, then the budget lines of the
 * project's approved allocations (ascending), and refuses (409, every missing one named) unless it
 * has everything `activationReadiness` calls blocking: announcement, signed file, the art. 23
 * texts, targets, a schedule, and approved allocations of its project holding its value AND its
 * reimbursement ceiling. It then posts one `commit` movement of value + ceiling from those
 * allocations, OLDEST FIRST (by id, each up to what it holds), to `contract_committed:<id>` (so a
 * child worker's claim approved later has money behind it), fixes version 1, moves the
 * project to `contracted` and audits.
 */
export async function contractActivator(id: number, by: By): Promise<Contract> {
  const projectId = (await Contract.findByPk(id, { attributes: ['projectId'] }))?.projectId;
  if (!projectId) throw new NotFoundError();
  const lineIds = await lineIdsOfProject(projectId);
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, transaction, (c) => keepsContractsOf(by.actor, c.districtId));
    checkTransition('contracts', CONTRACT_TRANSITIONS, contract, 'activate');
    await lockLines(lineIds, transaction);
    const { items, funding, allocations } = await activationReadiness(contract, lineIds, transaction);
    const missing = items.filter((i) => i.blocking && !i.ok).map((i) => `contracts.missing.${i.key}`);
    if (missing.length) throw new ActivationRefusedError(missing, funding);
    const parts = await commitFrom(contract, allocations, funding.neededFen, by.actor.id, transaction);
    await projectTransitioner(contract.projectId, 'contract', { actor: by.actor, context: by.context });
    const at = now();
    const version = await ContractVersion.create(
      {
        contractId: contract.id,
        version: 1,
        reason: ACTIVATION_REASON,
        valueFen: contract.valueFen,
        snapshot: await snapshotOf(contract, transaction),
        createdBy: by.actor.id,
        createdAt: at,
      },
      { transaction },
    );
    await Instalment.update({ versionFrom: 1 }, { where: { contractId: contract.id }, transaction });
    await contract.update({ status: 'active', activatedBy: by.actor.id, activatedAt: at, currentVersionId: version.id, versionNumber: 1 }, { transaction });
    await createDueDeliverables(contract, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'contract.activate',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: {
        number: contract.number,
        valueFen: contract.valueFen,
        value: formatFen(contract.valueFen),
        ceilingFen: contract.reimbursementCeilingFen,
        committedFrom: parts,
        status: { from: 'draft', to: 'active' },
      },
      context: by.context,
    });
    await recordRelease(contract.projectId, ['contract'], transaction);
    return contract;
  });
}
