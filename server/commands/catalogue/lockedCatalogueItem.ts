import type { Transaction } from 'sequelize';
import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { keepsCatalogueOf } from '../../policies/catalogue.js';

/**
 * Re-reads an item inside the caller's transaction, under a row lock on MySQL (SQLite's write
 * transactions are serialised in the process), so the state a command checks is the state it
 * changes. An unknown id, or one the officer does not keep, is a 404.
 */
export async function lockedCatalogueItem(id: number, actor: Actor, transaction: Transaction): Promise<CatalogueItem> {
  const item = await CatalogueItem.findByPk(id, { transaction, lock: rowLock() });
  if (!item || !keepsCatalogueOf(actor, item.districtId)) throw new NotFoundError();
  return item;
}
