import { Op, type Transaction } from 'sequelize';
import { Allocation } from '../../../models/Allocation.js';
import { balances } from '../../services/ledger.js';
import { lockedBudgetLine } from '../finance/financeLocks.js';

/**
 * The budget lines of a project's approved allocations, read BEFORE the transaction opens (as
 * `lineIdOfAllocation` does): a plain read inside it would start MySQL's snapshot before the
 * lines are locked.
 */
export async function lineIdsOfProject(projectId: number): Promise<number[]> {
  const rows = await Allocation.findAll({ attributes: ['budgetLineId'], where: { projectId, status: 'approved' } });
  return [...new Set(rows.map((r) => r.budgetLineId))].sort((a, b) => a - b);
}

/** Locks `lineIds` in ascending order (every movement on a line's accounts takes its lock first). */
export async function lockLines(lineIds: readonly number[], transaction: Transaction): Promise<void> {
  for (const id of lineIds) await lockedBudgetLine(id, transaction);
}

/**
 * The approved allocations of the project whose lines are locked, OLDEST FIRST (by id), with what
 * each still holds in the ledger. Activation and an increase commit from them in this order.
 */
export async function fundingAllocations(projectId: number, lineIds: readonly number[], transaction?: Transaction) {
  const allocations = await Allocation.findAll({
    where: { projectId, status: 'approved', budgetLineId: { [Op.in]: [...lineIds, -1] } },
    order: [['id', 'ASC']],
    transaction,
  });
  const held = await balances(
    'allocation',
    allocations.map((a) => a.id),
    transaction,
  );
  return allocations.map((a) => ({ allocation: a, heldFen: held.get(a.id) ?? 0 }));
}
