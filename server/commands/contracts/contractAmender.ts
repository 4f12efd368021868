import { Op } from 'sequelize';
import { CONTRACT_TRANSITIONS, Contract } from '../../../models/Contract.js';
import { ContractVersion } from '../../../models/ContractVersion.js';
import { Instalment, OPEN_INSTALMENT_STATUSES } from '../../../models/Instalment.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import type { Versioned } from '../../schemas/common.js';
import type { AmendmentForm } from '../../schemas/contracts.js';
import { buildSchedule, termErrors } from '../../services/contract-terms.js';
import { commitFrom, uncommitTo } from './contractCommitments.js';
import { fundingAllocations, lineIdsOfProject, lockLines } from './contractFunding.js';
import { createDueDeliverables } from '../deliverables/dueDeliverables.js';
import { carryMilestoneConditions } from '../deliverables/milestoneConditions.js';
import { auditActorOf, type By, checkTransition, checkVersion, lockedContract } from '../kernel.js';
import { keepsContractsOf } from '../../policies/contract.js';
import { snapshotOf } from './contractSnapshot.js';
import { netCommittedOf } from './contractReadiness.js';
import { reservedOf } from '../claims/claimCeiling.js';
import { targetErrors, writeInstalments, writeTargets } from './contractTerms.js';
import { contractCategoryYear } from '../../services/service-categories.js';

/**
 * Amends an active contract: the terms in force change on the contract row, and a NEW version
 * (n + 1) keeps a snapshot of them with the reason; earlier versions stay as they were. Instalments
 * already requested, approved or paid stay; the open ones are cancelled and replaced by the new
 * schedule, which sums to the new value minus the fixed ones (422 otherwise). A higher value or
 * ceiling commits the difference from the project's approved allocations (oldest first; 409 when
 * they do not hold it); a lower one gives the difference back to the allocations it came from.
 * The ceiling never drops below the claims approved or paid against it (422).
 */
export async function contractAmender(id: number, form: Versioned<AmendmentForm>, by: By): Promise<Contract> {
  const projectId = (await Contract.findByPk(id, { attributes: ['projectId'] }))?.projectId;
  if (!projectId) throw new NotFoundError();
  const lineIds = await lineIdsOfProject(projectId);
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, transaction, (c) => keepsContractsOf(by.actor, c.districtId));
    checkTransition('contracts', CONTRACT_TRANSITIONS, contract, 'amend');
    const bump = checkVersion(contract, form._version);
    await lockLines(lineIds, transaction);
    const errors = {
      ...termErrors(form.termStart, form.termEnd, form.termJustification),
      ...(await targetErrors(form.targets, contractCategoryYear(contract), transaction)),
    };
    if (!form.reason.trim()) errors.reason = 'validation.required';
    if (!Number.isSafeInteger(form.valueFen) || form.valueFen <= 0) errors.value = 'contracts.validation.valuePositive';
    if (form.reimbursementCeilingFen < 0) errors.reimbursementCeiling = 'contracts.validation.ceiling';
    else if (form.reimbursementCeilingFen < (await reservedOf(contract.id, transaction)))
      errors.reimbursementCeiling = 'contracts.validation.ceilingBelowClaims';
    const current = await Instalment.findAll({ where: { contractId: contract.id, status: { [Op.ne]: 'cancelled' } }, order: [['seq', 'ASC']], transaction });
    const fixed = current.filter((i) => !OPEN_INSTALMENT_STATUSES.includes(i.status));
    const fixedFen = fixed.reduce((s, i) => s + i.amountFen, 0);
    if (form.valueFen < fixedFen) errors.value = 'contracts.validation.valueBelowFixed';
    const rest = form.valueFen - fixedFen;
    const { schedule, errors: scheduleErrors } =
      rest === 0 && form.instalments.length === 0 ? { schedule: [], errors: {} } : buildSchedule(rest, form.scheduleMode, form.instalments);
    Object.assign(errors, Object.keys(errors).length ? {} : scheduleErrors);
    if (Object.keys(errors).length) throw new ValidationError(errors);

    // The contract holds its value and its ceiling committed (see contractActivator).
    const delta = form.valueFen + form.reimbursementCeilingFen - (await netCommittedOf(contract.id, transaction));
    let moved: { allocationId: number; amountFen: number }[] = [];
    if (delta > 0) {
      const funding = await fundingAllocations(contract.projectId, lineIds, transaction);
      if (funding.reduce((s, f) => s + f.heldFen, 0) < delta) throw new ConflictError('contracts.errors.allocationsShort');
      moved = await commitFrom(contract, funding, delta, by.actor.id, transaction);
    } else if (delta < 0) {
      moved = await uncommitTo(contract, -delta, by.actor.id, transaction);
    }
    const before = {
      valueFen: contract.valueFen,
      termStart: contract.termStart,
      termEnd: contract.termEnd,
      reimbursementCeilingFen: contract.reimbursementCeilingFen,
    };
    const next = contract.versionNumber + 1;
    await Instalment.update({ status: 'cancelled' }, { where: { contractId: contract.id, status: { [Op.in]: [...OPEN_INSTALMENT_STATUSES] } }, transaction });
    const lastSeq = current.reduce((m, i) => Math.max(m, i.seq), 0);
    await writeInstalments(contract.id, schedule, next, transaction, lastSeq + 1);
    await writeTargets(contract.id, form.targets, transaction);
    await createDueDeliverables(contract, transaction);
    await carryMilestoneConditions(
      contract,
      current.filter((i) => OPEN_INSTALMENT_STATUSES.includes(i.status)),
      next,
      by,
      transaction,
    );
    await contract.update(
      {
        valueFen: form.valueFen,
        termStart: form.termStart,
        termEnd: form.termEnd,
        termJustification: form.termJustification,
        reimbursementCeilingFen: form.reimbursementCeilingFen,
        ...bump,
      },
      { transaction },
    );
    const version = await ContractVersion.create(
      {
        contractId: contract.id,
        version: next,
        reason: form.reason.trim(),
        valueFen: form.valueFen,
        snapshot: await snapshotOf(contract, transaction),
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await contract.update({ currentVersionId: version.id, versionNumber: next }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'contract.amend',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: {
        number: contract.number,
        version: next,
        reason: form.reason.trim(),
        before,
        after: { valueFen: form.valueFen, termStart: form.termStart, termEnd: form.termEnd, reimbursementCeilingFen: form.reimbursementCeilingFen },
        ...(delta > 0 ? { committed: moved } : delta < 0 ? { uncommitted: moved } : {}),
      },
      context: by.context,
    });
    await recordRelease(contract.projectId, ['contractAmendment'], transaction);
    return contract;
  });
}
