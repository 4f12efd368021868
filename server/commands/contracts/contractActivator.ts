import { CONTRACT_TRANSITIONS, Contract } from '../../../models/Contract.js';
import { ContractVersion } from '../../../models/ContractVersion.js';
import { Instalment } from '../../../models/Instalment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { formatFen } from '../../services/money.js';
import { commitFrom } from './contractCommitments.js';
import { fundingAllocations, lineIdsOfProject, lockLines } from './contractFunding.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { keepsContractsOf } from '../../policies/contract.js';
import { snapshotOf, textsOf } from './contractSnapshot.js';
import { projectTransitioner } from '../projects/projectTransitioner.js';
import { createDueDeliverables } from '../deliverables/dueDeliverables.js';

/** The reason a version 1 carries: the terms as signed and activated. */
export const ACTIVATION_REASON = 'activation';

/** Activation refused (409): `reasons` are the locale keys of every missing precondition. */
export class ActivationRefusedError extends ConflictError {
  constructor(readonly reasons: string[]) {
    super('contracts.errors.activationRefused', { missing: reasons.join(', ') });
  }
}

/**
 * Activates a draft contract in ONE transaction: locks the contract, then the budget lines of the
 * project's approved allocations (ascending), and refuses (409, every missing one named) unless it
 * has its announcement (notice file or URL, and date), its signed file and signing date, the art.
 * 23 texts, a schedule, and approved allocations of its project holding at least its value. It
 * then posts one `commit` movement of exactly the value from those allocations, OLDEST FIRST
 * (by id, each up to what it holds), to `contract_committed:<id>`, fixes version 1, moves the
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
    const missing: string[] = [];
    if (!(contract.announcementUrl || contract.announcementFileId) || !contract.announcedOn) missing.push('contracts.missing.announcement');
    if (!contract.signedFileId || !contract.signedOn) missing.push('contracts.missing.signedFile');
    for (const [field, text] of Object.entries(textsOf(contract))) if (!text?.trim()) missing.push(`contracts.missing.${field}`);
    if ((await Instalment.count({ where: { contractId: contract.id }, transaction })) === 0) missing.push('contracts.missing.schedule');
    const funding = await fundingAllocations(contract.projectId, lineIds, transaction);
    const heldFen = funding.reduce((s, f) => s + f.heldFen, 0);
    if (heldFen < contract.valueFen) missing.push('contracts.missing.allocations');
    if (missing.length) throw new ActivationRefusedError(missing);
    const parts = await commitFrom(contract, funding, contract.valueFen, by.actor.id, transaction);
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
        committedFrom: parts,
        status: { from: 'draft', to: 'active' },
      },
      context: by.context,
    });
    return contract;
  });
}
