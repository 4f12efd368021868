import type { Transaction } from 'sequelize';
import { checkVersion } from '../kernel.js';
import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import type { Versioned } from '../../schemas/common.js';
import type { EditCatalogueItemForm } from '../../schemas/catalogue.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { checkCategory, checkCodeFree } from './catalogueChecks.js';
import { lockedCatalogueItem } from './lockedCatalogueItem.js';

const EDITED = ['categoryCode', 'code', 'name', 'unit', 'referenceUnitPriceFen', 'description', 'indicators'] as const;

/** The values of the form as the item's columns; the unit defaults to the category's. */
function valuesOf(form: EditCatalogueItemForm, unitOfCategory: string, code: string) {
  return {
    categoryCode: form.categoryCode,
    code,
    name: form.name,
    unit: form.unit || unitOfCategory,
    referenceUnitPriceFen: form.referenceUnitPrice,
    description: form.description,
    indicators: form.indicators,
  };
}

/** What a change changed, field by field, for the audit trail. */
function changesOf(before: CatalogueItem, after: ReturnType<typeof valuesOf>) {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of EDITED) {
    if (before[field] !== after[field]) out[field] = { from: before[field], to: after[field] };
  }
  return out;
}

/**
 * A published item is what projects buy and contracts refer to, so it never changes: editing it
 * makes a new draft version of the same lineage that supersedes it (publishing that draft retires
 * it). A lineage has at most one open draft; a retired item is no longer edited.
 */
async function revise(item: CatalogueItem, form: EditCatalogueItemForm, by: By, transaction: Transaction) {
  const open = await CatalogueItem.findOne({ where: { lineageId: item.lineageId, status: 'draft' }, transaction });
  if (open) throw new ConflictError('catalogue.errors.draftExists', { version: open.version });
  const latest = (await CatalogueItem.max<number, CatalogueItem>('version', { where: { lineageId: item.lineageId }, transaction })) ?? item.version;
  const category = await checkCategory(form.categoryCode, item.year, transaction);
  const values = valuesOf(form, category.unit, item.code);
  const draft = await CatalogueItem.create(
    {
      year: item.year,
      districtId: item.districtId,
      ...values,
      version: latest + 1,
      lineageId: item.lineageId,
      supersedesId: item.id,
      createdBy: by.actor.id,
      publishedAt: null,
      retiredAt: null,
    },
    { transaction },
  );
  await recordAudit({
    actor: by.actor,
    action: 'catalogue.revise',
    recordType: 'catalogue_item',
    recordId: draft.id,
    districtId: draft.districtId,
    detail: { lineageId: item.lineageId, supersedes: { id: item.id, version: item.version }, version: draft.version, changes: changesOf(item, values) },
    context: by.context,
  });
  return draft;
}

/**
 * Saves an officer's edit. A draft changes in place (its code only while it has never been
 * published); a published item gets a new draft version instead (see `revise`); a retired one is
 * a 409, and so is a form opened before another save of the item (stale). Returns the item that
 * now holds the edit and whether it is a new version.
 */
export async function catalogueItemEditor(
  itemId: number,
  form: Versioned<EditCatalogueItemForm>,
  by: By,
): Promise<{ item: CatalogueItem; newVersion: boolean }> {
  return withTransaction(async (transaction) => {
    const item = await lockedCatalogueItem(itemId, by.actor, transaction);
    const bump = checkVersion(item, form._version);
    if (item.status === 'published') return { item: await revise(item, form, by, transaction), newVersion: true };
    if (item.status !== 'draft') throw new ConflictError('catalogue.errors.notEditable', { status: item.status });
    const category = await checkCategory(form.categoryCode, item.year, transaction);
    const code = item.version === 1 && form.code ? form.code : item.code;
    if (code !== item.code) {
      await checkCodeFree({ year: item.year, districtId: item.districtId, code, exceptLineageId: item.lineageId }, transaction);
    }
    const values = valuesOf(form, category.unit, code);
    const changes = changesOf(item, values);
    await item.update({ ...values, ...bump }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'catalogue.update',
      recordType: 'catalogue_item',
      recordId: item.id,
      districtId: item.districtId,
      detail: { version: item.version, changes },
      context: by.context,
    });
    return { item, newVersion: false };
  });
}
