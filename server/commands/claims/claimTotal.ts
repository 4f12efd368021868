import type { Transaction } from 'sequelize';
import { type Claim, ClaimLine } from '../../../models/Claim.js';

/**
 * Sets the claim's two totals from its lines, inside the caller's transaction (under the claim's
 * lock): `claimedFen` what the organisation claimed, `totalFen` what counts (each line's
 * sanctioned amount where it was lowered). Returns the lines read.
 */
export async function retotal(claim: Claim, transaction: Transaction): Promise<ClaimLine[]> {
  const lines = await ClaimLine.findAll({ where: { claimId: claim.id }, order: [['id', 'ASC']], transaction });
  const claimedFen = lines.reduce((s, l) => s + l.amountFen, 0);
  const totalFen = lines.reduce((s, l) => s + l.countedFen, 0);
  await claim.update({ claimedFen, totalFen }, { transaction });
  return lines;
}
