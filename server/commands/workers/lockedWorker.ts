import type { Transaction } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';

/** Re-reads a worker inside the transaction, under a row lock on MySQL. An unknown id is a 404. */
export async function lockedWorker(id: number, transaction: Transaction): Promise<ChildWorker> {
  const worker = await ChildWorker.findByPk(id, { transaction, lock: rowLock() });
  if (!worker) throw new NotFoundError();
  return worker;
}
