import { Op, type Transaction } from 'sequelize';
import { Claim } from '../../../models/Claim.js';
import type { Contract } from '../../../models/Contract.js';
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

/** A claim of `contract`, re-read under lock after the contract's. */
export async function lockedClaim(claimId: number, contract: Contract, transaction: Transaction): Promise<Claim> {
  const claim = await Claim.findByPk(claimId, { transaction, lock: rowLock() });
  if (!claim || claim.contractId !== contract.id) throw new NotFoundError();
  return claim;
}
