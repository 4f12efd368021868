import type { Transaction } from 'sequelize';
import { AllowanceList } from '../../../models/AllowanceList.js';
import { District } from '../../../models/District.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { inDistrictScope } from '../../policies/index.js';

/**
 * The locks of the allowance commands. A list's money moves on its budget line's accounts, so a
 * decision takes the line's lock first (financeLocks.lockedBudgetLine), then the list's; the
 * generation of a district's month takes the district's row, so two officers generating at once
 * queue and never make two open lists.
 */

/** Re-reads a list under lock (inside the caller's transaction), in the actor's scope (else 404). */
export async function lockedAllowanceList(id: number, actor: Actor, transaction: Transaction): Promise<AllowanceList> {
  const list = await AllowanceList.findByPk(id, { transaction, lock: rowLock() });
  if (!list || !inDistrictScope(actor, list.districtId)) throw new NotFoundError();
  return list;
}

/** The district's row under lock: what serialises the generation of its lists. */
export async function lockedDistrict(id: number, transaction: Transaction): Promise<District> {
  const district = await District.findByPk(id, { transaction, lock: rowLock() });
  if (!district) throw new NotFoundError();
  return district;
}

/** A list's budget line id (null until approved) and existence, read before the transaction opens. */
export async function lineIdOfList(id: number): Promise<number | null> {
  const list = await AllowanceList.findByPk(id, { attributes: ['id', 'budgetLineId'] });
  if (!list) throw new NotFoundError();
  return list.budgetLineId;
}
