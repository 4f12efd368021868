import { Allocation } from '../../../models/Allocation.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { ALLOCATION_RESOURCE } from '../../policies/finance.js';
import { can } from '../../policies/index.js';
import type { Versioned } from '../../schemas/common.js';
import type { AllocationForm } from '../../schemas/allocations.js';
import { recordAudit } from '../../services/audit.js';
import { checkRequest } from './allocationRequester.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';

/** Only a draft is changed: once submitted it is finance's to decide (409). */
export function checkDraft(allocation: Allocation): void {
  if (allocation.status !== 'draft') throw new ConflictError('finance.errors.notDraft', { status: allocation.status });
}

/**
 * The requesting officer changes a draft (line, project, amount, purpose, what it funds), under
 * the same checks as a new request. Once submitted it is finance's to decide: a 409. No money
 * moves for a draft, so only the allocation is locked.
 */
export async function allocationEditor(allocationId: number, form: Versioned<AllocationForm>, by: By): Promise<Allocation> {
  return withTransaction(async (transaction) => {
    const allocation = await Allocation.findByPk(allocationId, { transaction, lock: rowLock() });
    if (!allocation || !can(by.actor, 'update', ALLOCATION_RESOURCE, allocation)) throw new NotFoundError();
    checkDraft(allocation);
    const bump = checkVersion(allocation, form._version);
    const { project, line } = await checkRequest(form, by.actor, transaction);
    const before = { budgetLineId: allocation.budgetLineId, projectId: allocation.projectId, amountFen: allocation.amountFen, funds: allocation.funds };
    await allocation.update(
      {
        budgetLineId: line.id,
        projectId: project.id,
        districtId: project.districtId,
        lineDistrictId: line.districtId,
        year: line.year,
        fundSource: line.fundSource,
        amountFen: form.amount,
        purpose: form.purpose,
        funds: form.funds,
        ...bump,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allocation.update',
      recordType: 'allocation',
      recordId: allocation.id,
      districtId: allocation.districtId,
      detail: { before, after: { budgetLineId: line.id, projectId: project.id, amountFen: allocation.amountFen, funds: allocation.funds } },
      context: by.context,
    });
    return allocation;
  });
}
