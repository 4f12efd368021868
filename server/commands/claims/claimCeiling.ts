import type { Transaction } from 'sequelize';
import { Claim, type ClaimStatus, RESERVING_STATUSES } from '../../../models/Claim.js';

/** What the approved and paid claims of the contract hold of its reimbursement ceiling. */
export async function reservedOf(contractId: number, transaction?: Transaction): Promise<number> {
  const sum = await Claim.sum('totalFen', { where: { contractId, status: RESERVING_STATUSES as ClaimStatus[] }, transaction });
  return Number(sum ?? 0);
}
