import type { Transaction } from 'sequelize';
import { LotteryAnnouncement } from '../../../models/LotteryAnnouncement.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { type Actor, inDistrictScope } from '../../policies/index.js';

/** Re-reads an announcement under a row lock inside the caller's transaction; outside the actor's district it is a 404. */
export async function lockedAnnouncement(id: number, actor: Actor, transaction: Transaction): Promise<LotteryAnnouncement> {
  const a = await LotteryAnnouncement.findByPk(id, { transaction, lock: rowLock() });
  if (!a || !inDistrictScope(actor, a.districtId)) throw new NotFoundError();
  return a;
}
