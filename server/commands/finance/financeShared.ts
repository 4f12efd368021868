import type { Transaction } from 'sequelize';
import { Agency } from '../../../models/Agency.js';
import { ALLOCATION_TRANSITIONS, Allocation, type AllocationStatus, type AllocationTransition } from '../../../models/Allocation.js';
import { BudgetLine, LOTTERY_FUND } from '../../../models/BudgetLine.js';
import { rowLock } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import type { AuditContext } from '../../services/audit.js';

/** Who acts in a finance command (from the session) and from where. */
export type FinanceBy = { actor: Actor; context?: AuditContext };

/** The audit trail's view of the actor. */
export const auditActorOf = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

/**
 * Re-reads a budget line under lock, as the first read of the caller's transaction: every
 * movement on its accounts takes this lock first, so the balances read after it are current.
 */
export async function lockedBudgetLine(id: number, transaction: Transaction): Promise<BudgetLine> {
  const line = await BudgetLine.findByPk(id, { transaction, lock: rowLock() });
  if (!line) throw new NotFoundError();
  return line;
}

/** The finance agency named on a line must be a finance agency of the line's district. */
export async function checkFinanceAgency(agencyId: number | null, districtId: number, transaction: Transaction): Promise<void> {
  if (agencyId === null) return;
  const agency = await Agency.findByPk(agencyId, { transaction });
  if (agency?.kind !== 'finance' || agency.districtId !== districtId) {
    throw new ValidationError({ financeAgencyId: 'finance.errors.financeAgency' });
  }
}

/**
 * A lottery-fund line records the district's total lottery public-welfare fund of the year and
 * the share targeted at child care (section 四(二)); other lines carry neither.
 */
export function lotteryFigures(fundSource: string, form: { lotteryTotal: number | null; lotteryTarget: number | null }) {
  if (fundSource !== LOTTERY_FUND) return { lotteryTotalFen: null, lotteryTargetBp: null };
  const errors: Record<string, string> = {};
  if (form.lotteryTotal === null || form.lotteryTotal <= 0) errors.lotteryTotal = 'finance.errors.lotteryTotalRequired';
  if (form.lotteryTarget === null) errors.lotteryTarget = 'finance.errors.lotteryTargetRequired';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { lotteryTotalFen: form.lotteryTotal, lotteryTargetBp: form.lotteryTarget };
}

/** The budget line of an allocation, read before the transaction opens (a 404 when there is none). */
export async function lineIdOfAllocation(allocationId: number): Promise<number> {
  const lineId = (await Allocation.findByPk(allocationId, { attributes: ['budgetLineId'] }))?.budgetLineId;
  if (!lineId) throw new NotFoundError();
  return lineId;
}

/**
 * The first reads of the transaction of a change to an allocation: its budget line under lock
 * (every movement on a line's accounts takes that lock first, so balances read after it are
 * current and two commands never wait on each other crosswise), then the allocation under lock.
 * The line id is read before the transaction (`lineIdOfAllocation`): a read inside it would
 * start MySQL's snapshot before the lock is held, and one outside it on another connection
 * would need a second pooled connection per transaction.
 */
export async function lockedAllocation(allocationId: number, lineId: number, transaction: Transaction): Promise<{ line: BudgetLine; allocation: Allocation }> {
  const line = await lockedBudgetLine(lineId, transaction);
  const allocation = await Allocation.findByPk(allocationId, { transaction, lock: rowLock() });
  if (!allocation || allocation.budgetLineId !== line.id) throw new NotFoundError();
  return { line, allocation };
}

/** The state machine check: a move the table does not allow is a 409 naming the current state. */
export function checkTransition(allocation: Allocation, transition: AllocationTransition): AllocationStatus {
  const { from, to } = ALLOCATION_TRANSITIONS[transition];
  if (!(from as readonly string[]).includes(allocation.status)) {
    throw new ConflictError(`finance.errors.cannot.${transition}`, { status: allocation.status });
  }
  return to;
}
