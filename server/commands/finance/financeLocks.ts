import type { Transaction } from 'sequelize';
import { Allocation } from '../../../models/Allocation.js';
import { BudgetLine } from '../../../models/BudgetLine.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';

/**
 * The locks of the money's own records: a budget line, and an allocation after its line. Every
 * movement on a line's accounts takes the line's lock first.
 */

/**
 * Re-reads a budget line under lock, as the first read of the caller's transaction: every
 * movement on its accounts takes this lock first, so the balances read after it are current.
 */
export async function lockedBudgetLine(id: number, transaction: Transaction): Promise<BudgetLine> {
  const line = await BudgetLine.findByPk(id, { transaction, lock: rowLock() });
  if (!line) throw new NotFoundError();
  return line;
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
