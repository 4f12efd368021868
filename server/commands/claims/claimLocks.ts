import { Op, type Transaction } from 'sequelize';
import { Claim } from '../../../models/Claim.js';
import { Contract } from '../../../models/Contract.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { claimScope } from '../../policies/claim.js';

/** The contract of a claim, read before the transaction opens (404 when there is none or it is out of the actor's scope). */
export async function contractIdOfClaim(claimId: number, actor: Actor): Promise<number> {
  const row = await Claim.findOne({ where: { [Op.and]: [claimScope(actor), { id: claimId }] }, attributes: ['contractId'] });
  if (!row) throw new NotFoundError();
  return row.contractId;
}

/**
 * The contract of a claim and the contract's project, in one read before the transaction opens
 * (404 as `contractIdOfClaim`): what an approval needs to know which budget lines to lock.
 */
export async function contractAndProjectOfClaim(claimId: number, actor: Actor): Promise<{ contractId: number; projectId: number }> {
  const row = await Claim.findOne({
    where: { [Op.and]: [claimScope(actor), { id: claimId }] },
    attributes: ['contractId'],
    include: [{ model: Contract, as: 'contract', attributes: ['projectId'], required: true }],
  });
  if (!row) throw new NotFoundError();
  return { contractId: row.contractId, projectId: (row as Claim & { contract: Contract }).contract.projectId };
}

/** A claim of `contract`, re-read under lock after the contract's. */
export async function lockedClaim(claimId: number, contract: Contract, transaction: Transaction): Promise<Claim> {
  const claim = await Claim.findByPk(claimId, { transaction, lock: rowLock() });
  if (!claim || claim.contractId !== contract.id) throw new NotFoundError();
  return claim;
}
