import type { AllowanceList } from '../../../models/AllowanceList.js';
import { now } from '../../clock.js';
import type { By } from '../kernel.js';
import { allowanceListStep } from './allowanceListStep.js';

/** The officer submits a generated draft to finance; from now on its rows do not change. No money moves. */
export function allowanceListSubmitter(listId: number, by: By): Promise<AllowanceList> {
  return allowanceListStep(listId, 'submit', null, by, async (list, _to, _line, transaction) => {
    await list.update({ submittedBy: by.actor.id, submittedAt: now() }, { transaction });
    return {};
  });
}
