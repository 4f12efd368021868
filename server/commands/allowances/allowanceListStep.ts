import type { Transaction } from 'sequelize';
import { ALLOWANCE_LIST_TRANSITIONS, type AllowanceList, type AllowanceListTransition } from '../../../models/AllowanceList.js';
import type { BudgetLine } from '../../../models/BudgetLine.js';
import { District } from '../../../models/District.js';
import { withTransaction } from '../../db.js';
import { ForbiddenError } from '../../errors.js';
import { ALLOWANCE_LIST_RESOURCE } from '../../policies/allowance.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { formatFen } from '../../services/money.js';
import { notify } from '../../services/notifications.js';
import { lockedBudgetLine } from '../finance/financeLocks.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedAllowanceList } from './allowanceLocks.js';

/** Why the policy refuses a step, as the user reads it (403). */
const REFUSALS: Partial<Record<AllowanceListTransition, string>> = {
  approve: 'allowances.errors.ownList',
  reject: 'allowances.errors.ownList',
  pay: 'allowances.errors.ownApproval',
};

/**
 * The common frame of a step of a month's list, in ONE transaction: the budget line's lock first
 * when money moves on it (`lineId`), then the list under lock in the actor's scope (404), the
 * policy registry (403: never a decision on one's own list, never paying what one approved), the
 * transition table (409); then `change` writes and returns what the audit event adds, and the
 * event `allowance_list.<transition>` is written.
 */
export async function allowanceListStep(
  listId: number,
  transition: AllowanceListTransition,
  lineId: number | null,
  by: By,
  change: (list: AllowanceList, to: AllowanceList['status'], line: BudgetLine | null, transaction: Transaction) => Promise<Record<string, unknown>>,
): Promise<AllowanceList> {
  return withTransaction(async (transaction) => {
    const line = lineId === null ? null : await lockedBudgetLine(lineId, transaction);
    const list = await lockedAllowanceList(listId, by.actor, transaction);
    // Whether the approver may also pay is the district's recorded exception: read it with the list.
    list.district = (await District.findByPk(list.districtId, { transaction })) ?? undefined;
    if (!can(by.actor, transition, ALLOWANCE_LIST_RESOURCE, list)) throw new ForbiddenError(REFUSALS[transition]);
    const from = list.status;
    const to = checkTransition('allowances', ALLOWANCE_LIST_TRANSITIONS, list, transition);
    const detail = await change(list, to, line, transaction);
    await list.update({ status: to }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: AUDIT_ACTIONS[transition],
      recordType: 'allowance_list',
      recordId: list.id,
      districtId: list.districtId,
      detail: { month: list.month, workerCount: list.workerCount, totalFen: list.totalFen, ...detail, status: { from, to } },
      context: by.context,
    });
    // The officers who generated and submitted the list hear of finance's decision and of the payment.
    const told = TOLD[transition];
    if (told) {
      await notify(
        [list.generatedBy, list.submittedBy],
        {
          kind: told,
          recordType: 'allowance_list',
          recordId: list.id,
          href: `/allowances/${list.id}`,
          params: { month: list.month, amount: formatFen(list.totalFen), count: list.workerCount, reason: list.decisionReason, paidOn: list.paidOn },
        },
        by.actor.id,
      );
    }
    return list;
  });
}

/** What the officers are told of a step, if anything. */
const TOLD: Partial<Record<AllowanceListTransition, 'allowanceApproved' | 'allowanceRejected' | 'allowancePaid'>> = {
  approve: 'allowanceApproved',
  reject: 'allowanceRejected',
  pay: 'allowancePaid',
};

/** The audit actions of the steps, written out so the labels test finds each. */
const AUDIT_ACTIONS: Record<AllowanceListTransition, string> = {
  regenerate: 'allowance_list.generate',
  submit: 'allowance_list.submit',
  approve: 'allowance_list.approve',
  reject: 'allowance_list.reject',
  pay: 'allowance_list.pay',
};
