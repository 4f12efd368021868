import type { AllowanceList } from '../../../models/AllowanceList.js';
import { now } from '../../clock.js';
import { ConflictError } from '../../errors.js';
import { legsOf, post } from '../../services/ledger.js';
import type { By } from '../kernel.js';
import { lineIdOfList } from './allowanceLocks.js';
import { allowanceListStep } from './allowanceListStep.js';

/** What recording a list paid needs: the bank's reference of the transfer and the day the money left. */
export type AllowancePaid = { bankReference: string; paidOn: string };

/**
 * Finance records an approved list paid (the bank transfer to the workers' accounts): posts
 * `allowance_pay`, the list's committed total to paid, under the line's lock. Whoever approved it
 * does not record it paid, unless the district's one-reviewer exception (policy).
 */
export async function allowanceListPayer(listId: number, paid: AllowancePaid, by: By): Promise<AllowanceList> {
  const lineId = await lineIdOfList(listId);
  if (lineId === null) throw new ConflictError('allowances.errors.cannot.pay', { status: 'submitted', to: 'paid' });
  return allowanceListStep(listId, 'pay', lineId, by, async (list, _to, _line, transaction) => {
    await post(
      'allowance_pay',
      legsOf('allowance_pay', list.id, list.id, list.totalFen),
      { recordType: 'allowance_list', recordId: list.id, createdBy: by.actor.id },
      transaction,
    );
    await list.update({ paidBy: by.actor.id, paidAt: now(), bankReference: paid.bankReference, paidOn: paid.paidOn }, { transaction });
    return { bankReference: paid.bankReference, paidOn: paid.paidOn };
  });
}
