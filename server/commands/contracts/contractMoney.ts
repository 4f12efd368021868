import { Op, QueryTypes, type Transaction } from 'sequelize';
import { Allocation } from '../../../models/Allocation.js';
import type { Contract } from '../../../models/Contract.js';
import { getSequelize } from '../../db.js';
import { balances, legsOf, post } from '../../services/ledger.js';
import { lockedBudgetLine } from '../finance/financeShared.js';

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
export async function fundingAllocations(projectId: number, lineIds: readonly number[], transaction: Transaction) {
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

/**
 * Posts ONE `commit` movement of exactly `amountFen` from the allocations (oldest first, each up to
 * what it holds) to `contract_committed:<contractId>`. The caller checked they cover it.
 */
export async function commitFrom(
  contract: Contract,
  funding: readonly { allocation: Allocation; heldFen: number }[],
  amountFen: number,
  createdBy: number,
  transaction: Transaction,
): Promise<{ allocationId: number; amountFen: number }[]> {
  let left = amountFen;
  const parts: { allocationId: number; amountFen: number }[] = [];
  for (const f of funding) {
    if (left === 0) break;
    const take = Math.min(left, f.heldFen);
    if (take <= 0) continue;
    parts.push({ allocationId: f.allocation.id, amountFen: take });
    left -= take;
  }
  const legs = parts.map((p) => legsOf('commit', p.allocationId, contract.id, p.amountFen)[0]);
  legs.push({ accountType: 'contract_committed', accountId: contract.id, amountFen: amountFen });
  await post('commit', legs, { recordType: 'contract', recordId: contract.id, createdBy }, transaction);
  return parts;
}

/**
 * What each allocation has committed to this contract, net of what was given back, in the order it
 * was first committed.
 */
export async function committedByAllocation(contractId: number, transaction: Transaction): Promise<{ allocationId: number; netFen: number }[]> {
  const rows = await getSequelize().query<{ account_id: number; net: number | string; first: number }>(
    `SELECT account_id, -SUM(amount_fen) AS net, MIN(id) AS first FROM ledger_entries
     WHERE account_type = 'allocation' AND movement IN ('commit', 'uncommit') AND record_type = 'contract' AND record_id = ?
     GROUP BY account_id ORDER BY MIN(id)`,
    { replacements: [contractId], type: QueryTypes.SELECT, transaction },
  );
  return rows.map((r) => ({ allocationId: Number(r.account_id), netFen: Number(r.net) })).filter((r) => r.netFen > 0);
}

/**
 * Gives `amountFen` committed to the contract back to the allocations it came from (the last
 * committed first), as ONE `uncommit` movement. The caller holds the contract's lock.
 */
export async function uncommitTo(
  contract: Contract,
  amountFen: number,
  createdBy: number,
  transaction: Transaction,
): Promise<{ allocationId: number; amountFen: number }[]> {
  if (amountFen <= 0) return [];
  const sources = (await committedByAllocation(contract.id, transaction)).reverse();
  let left = amountFen;
  const parts: { allocationId: number; amountFen: number }[] = [];
  for (const s of sources) {
    if (left === 0) break;
    const give = Math.min(left, s.netFen);
    parts.push({ allocationId: s.allocationId, amountFen: give });
    left -= give;
  }
  const legs = [
    { accountType: 'contract_committed' as const, accountId: contract.id, amountFen: -(amountFen - left) },
    ...parts.map((p) => legsOf('uncommit', contract.id, p.allocationId, p.amountFen)[1]),
  ];
  if (parts.length) await post('uncommit', legs, { recordType: 'contract', recordId: contract.id, createdBy }, transaction);
  return parts;
}
