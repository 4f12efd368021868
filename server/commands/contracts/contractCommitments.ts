import { QueryTypes, type Transaction } from 'sequelize';
import type { Allocation } from '../../../models/Allocation.js';
import type { Contract } from '../../../models/Contract.js';
import { getSequelize } from '../../db.js';
import { legsOf, post } from '../../services/ledger.js';

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
