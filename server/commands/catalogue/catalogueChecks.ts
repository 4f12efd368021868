import { Op, Transaction } from 'sequelize';
import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { District, ServiceCategory } from '../../../models/index.js';
import { dialectOf } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { keepsCatalogueOf } from '../../policies/catalogue.js';
import type { AuditContext } from '../../services/audit.js';

/** Who acts in a catalogue command (the signed-in officer, from the session) and from where. */
export type CatalogueBy = { actor: Actor; context?: AuditContext };

/** The audit trail's view of the actor: who, never more. */
export const auditActorOf = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

/**
 * Re-reads an item inside the caller's transaction, under a row lock on MySQL (SQLite's write
 * transactions are serialised in the process), so the state a command checks is the state it
 * changes. An unknown id, or one the officer does not keep, is a 404.
 */
export async function lockedCatalogueItem(id: number, actor: Actor, transaction: Transaction): Promise<CatalogueItem> {
  const item = await CatalogueItem.findByPk(id, {
    transaction,
    lock: dialectOf() === 'mysql' ? Transaction.LOCK.UPDATE : undefined,
  });
  if (!item || !keepsCatalogueOf(actor, item.districtId)) throw new NotFoundError();
  return item;
}

/** The district must exist and be one whose catalogue the officer keeps. */
export async function checkDistrict(actor: Actor, districtId: number, transaction: Transaction): Promise<District> {
  const district = await District.findByPk(districtId, { transaction });
  if (!district) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
  if (!keepsCatalogueOf(actor, district.id)) throw new ValidationError({ districtId: 'catalogue.errors.districtNotYours' });
  return district;
}

/** The category must be one of the fixed service categories (section 三(一) of the policy). */
export async function checkCategory(code: string, transaction: Transaction): Promise<ServiceCategory> {
  const category = await ServiceCategory.findByPk(code, { transaction });
  if (!category) throw new ValidationError({ categoryCode: 'catalogue.errors.unknownCategory' });
  return category;
}

/**
 * A code names one item (all its versions) in a year's catalogue of a district: another lineage
 * with the same code is refused beside the field.
 */
export async function checkCodeFree(
  where: { year: number; districtId: number; code: string; exceptLineageId?: number },
  transaction: Transaction,
): Promise<void> {
  const clash = await CatalogueItem.findOne({
    where: {
      year: where.year,
      districtId: where.districtId,
      code: where.code,
      ...(where.exceptLineageId ? { lineageId: { [Op.ne]: where.exceptLineageId } } : {}),
    },
    attributes: ['id'],
    transaction,
  });
  if (clash) throw new ValidationError({ code: 'catalogue.errors.codeTaken' });
}
