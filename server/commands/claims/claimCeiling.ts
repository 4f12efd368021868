import type { Transaction } from 'sequelize';
import { Claim, type ClaimStatus, RESERVING_STATUSES } from '../../../models/Claim.js';
import type { Contract } from '../../../models/Contract.js';
import { netCommittedOf } from '../contracts/contractReadiness.js';

/** What the approved and paid claims of the contract hold of its reimbursement ceiling. */
export async function reservedOf(contractId: number, transaction?: Transaction): Promise<number> {
  const sum = await Claim.sum('totalFen', { where: { contractId, status: RESERVING_STATUSES as ClaimStatus[] }, transaction });
  return Number(sum ?? 0);
}

export type CeilingFunds = { ceilingFen: number; fundedFen: number; reservedFen: number; leftFen: number };

/**
 * The reimbursement ceiling and the money behind it: what the contract committed beyond its value
 * (activation commits value + ceiling; nothing for a draft), what approved and paid claims hold,
 * and what is left to approve: the funded part of the ceiling minus those claims.
 */
export async function ceilingFundsOf(
  contract: Pick<Contract, 'id' | 'valueFen' | 'reimbursementCeilingFen' | 'status'>,
  transaction?: Transaction,
): Promise<CeilingFunds> {
  const ceilingFen = contract.reimbursementCeilingFen;
  const reservedFen = await reservedOf(contract.id, transaction);
  const beyondValue = contract.status === 'draft' ? 0 : (await netCommittedOf(contract.id, transaction)) - contract.valueFen;
  const fundedFen = Math.max(0, Math.min(ceilingFen, beyondValue));
  return { ceilingFen, fundedFen, reservedFen, leftFen: Math.max(0, fundedFen - reservedFen) };
}
