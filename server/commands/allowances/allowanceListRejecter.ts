import type { AllowanceList } from '../../../models/AllowanceList.js';
import { now } from '../../clock.js';
import type { By } from '../kernel.js';
import { allowanceListStep } from './allowanceListStep.js';

/** Finance rejects a submitted list with a reason; no money moves, and the officer may generate the month again. */
export function allowanceListRejecter(listId: number, reason: string, by: By): Promise<AllowanceList> {
  return allowanceListStep(listId, 'reject', null, by, async (list, _to, _line, transaction) => {
    await list.update({ decidedBy: by.actor.id, decidedAt: now(), decisionReason: reason }, { transaction });
    return { reason };
  });
}
