import type { Transaction } from 'sequelize';
import { User } from '../../../models/index.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';

/**
 * Re-reads a user inside the caller's transaction, under a row lock on MySQL (SQLite's write
 * transactions are already serialised in the process), so the state a command checks is the
 * state it changes. An unknown id is a 404.
 */
export async function lockedUser(id: number, transaction: Transaction): Promise<User> {
  const user = await User.findByPk(id, { transaction, lock: rowLock() });
  if (!user) throw new NotFoundError();
  return user;
}
