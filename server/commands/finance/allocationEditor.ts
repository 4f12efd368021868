import { rowLock } from '../../db.js';
import { Allocation } from '../../../models/Allocation.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { AllocationForm } from '../../schemas/allocations.js';
import { recordAudit } from '../../services/audit.js';
import { checkRequest } from './allocationRequester.js';
import { auditActorOf, type FinanceBy } from './financeShared.js';

/**
 * The requesting officer changes a draft (line, project, amount, purpose, what it funds), under
 * the same checks as a new request. Once submitted it is finance's to decide: a 409. No money
 * moves for a draft, so only the allocation is locked.
 */
export async function allocationEditor(allocationId: number, form: AllocationForm, by: FinanceBy): Promise<Allocation> {
  return withTransaction(async (transaction) => {
    const allocation = await Allocation.findByPk(allocationId, { transaction, lock: rowLock() });
    if (!allocation || allocation.requestedBy !== by.actor.id) throw new NotFoundError();
    if (allocation.status !== 'draft') throw new ConflictError('finance.errors.notDraft', { status: allocation.status });
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
