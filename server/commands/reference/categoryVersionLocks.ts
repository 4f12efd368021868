import type { Transaction } from 'sequelize';
import { ServiceCategoryVersion } from '../../../models/ServiceCategoryVersion.js';
import { rowLock } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';

/**
 * A year's version of the service categories re-read under lock, which must still be a draft: a
 * published version is read by the contracts of its year and never changes (409).
 */
export async function lockedDraftVersion(year: number, transaction: Transaction): Promise<ServiceCategoryVersion> {
  const version = await ServiceCategoryVersion.findOne({ where: { year }, transaction, lock: rowLock() });
  if (!version) throw new NotFoundError();
  if (version.status !== 'draft') throw new ConflictError('serviceCategories.errors.published', { year });
  return version;
}

/** The next free code `<prefix><n>` among `taken` (codes are made, never typed). */
export function nextCode(prefix: string, taken: Iterable<string>, from = 1): string {
  const used = new Set(taken);
  let n = from;
  while (used.has(`${prefix}${n}`)) n += 1;
  return `${prefix}${n}`;
}
