import { literal, Op } from 'sequelize';
import { type AllowanceList, SETTLED_ALLOWANCE_STATUSES } from '../../../models/AllowanceList.js';
import { AllowanceListRow } from '../../../models/AllowanceListRow.js';
import { ALLOWANCE_FUND, BudgetLine } from '../../../models/BudgetLine.js';
import { now } from '../../clock.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { budgetLineScope } from '../../policies/finance.js';
import { balance, legsOf, post } from '../../services/ledger.js';
import { formatFen } from '../../services/money.js';
import type { By } from '../kernel.js';
import { allowanceListStep } from './allowanceListStep.js';

export type AllowanceApproval = { budgetLineId: number; reason?: string | null };

/**
 * Finance approves a submitted list against a budget line, in ONE transaction (allowanceListStep:
 * the line's lock, then the list's): the line must be of the list's district and year and of the
 * allowance fund source (422 on the field); no worker of the list may meanwhile be on another
 * approved or paid list of the month (409); the total must fit in what the line has available
 * (409, never an overdraft); then `allowance_commit` moves the total from the line to the list.
 */
export async function allowanceListApprover(listId: number, input: AllowanceApproval, by: By): Promise<AllowanceList> {
  const visible = await BudgetLine.findOne({ where: { [Op.and]: [budgetLineScope(by.actor), { id: input.budgetLineId }] }, attributes: ['id'] });
  if (!visible) throw new ValidationError({ budgetLineId: 'allowances.errors.line' });
  return allowanceListStep(listId, 'approve', visible.id, by, async (list, _to, line, transaction) => {
    if (!line || line.districtId !== list.districtId || line.year !== list.year || line.fundSource !== ALLOWANCE_FUND) {
      throw new ValidationError({ budgetLineId: 'allowances.errors.line' });
    }
    const twice = await AllowanceListRow.count({
      where: {
        month: list.month,
        allowanceListId: { [Op.ne]: list.id },
        childWorkerId: { [Op.in]: literal(`(SELECT r.child_worker_id FROM allowance_list_rows r WHERE r.allowance_list_id = ${Number(list.id)})`) },
        '$list.status$': { [Op.in]: SETTLED_ALLOWANCE_STATUSES },
      },
      include: [{ association: 'list', attributes: [] }],
      transaction,
    });
    if (twice > 0) throw new ConflictError('allowances.errors.listedTwice', { count: twice });
    const available = await balance('line_available', line.id, transaction);
    if (list.totalFen > available) {
      throw new ConflictError('allowances.errors.exceedsAvailable', { amount: formatFen(list.totalFen), available: formatFen(available) });
    }
    await post(
      'allowance_commit',
      legsOf('allowance_commit', line.id, list.id, list.totalFen),
      { recordType: 'allowance_list', recordId: list.id, createdBy: by.actor.id },
      transaction,
    );
    await list.update({ budgetLineId: line.id, decidedBy: by.actor.id, decidedAt: now(), decisionReason: input.reason || null }, { transaction });
    return { budgetLineId: line.id, availableBeforeFen: available };
  });
}
