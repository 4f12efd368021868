import type { Transaction } from 'sequelize';
import { Organisation } from '../../../models/index.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';

/** Re-reads an organisation in the caller's transaction, under a row lock on MySQL; unknown is 404. */
export async function lockedOrganisation(id: number, transaction: Transaction): Promise<Organisation> {
  const organisation = await Organisation.findByPk(id, { transaction, lock: rowLock() });
  if (!organisation) throw new NotFoundError();
  return organisation;
}
