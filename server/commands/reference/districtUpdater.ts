import { Op } from 'sequelize';
import { checkVersion } from '../kernel.js';
import { District, User } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { DistrictForm } from '../../schemas/reference.js';
import type { Versioned } from '../../schemas/common.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * The administrator corrects a district's Chinese and English names (code, GB code and kind are
 * not editable: other records and reports key on them) and records or withdraws the exception that
 * lets the district's one finance reviewer record paid what they approved (DOMAIN.md, Decisions):
 * refused (422) while the district has more than one active finance user, since then two people
 * can handle the money. Saving the same values again changes nothing and records nothing.
 */
export async function districtUpdater(id: number, form: Versioned<DistrictForm>, by: By): Promise<District> {
  return withTransaction(async (transaction) => {
    const district = await District.findByPk(id, { transaction, lock: rowLock() });
    if (!district) throw new NotFoundError();
    const bump = checkVersion(district, form._version);
    const before = {
      name: district.name,
      nameEn: district.nameEn,
      singleFinanceReviewer: district.singleFinanceReviewer,
      singleFinanceReviewerNote: district.singleFinanceReviewerNote,
    };
    const after = {
      name: form.name,
      nameEn: form.nameEn,
      singleFinanceReviewer: form.singleFinanceReviewer,
      singleFinanceReviewerNote: form.singleFinanceReviewer ? form.singleFinanceReviewerNote : null,
    };
    if ((Object.keys(before) as (keyof typeof before)[]).every((k) => before[k] === after[k])) return district;
    if (after.singleFinanceReviewer && !before.singleFinanceReviewer) {
      const reviewers = await User.count({ where: { districtId: district.id, role: 'finance', status: { [Op.ne]: 'disabled' } }, transaction });
      if (reviewers > 1) throw new ValidationError({ singleFinanceReviewer: 'reference.validation.severalFinanceReviewers' });
    }
    await district.update({ ...after, ...bump }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'reference.district_update',
      recordType: 'district',
      recordId: district.id,
      districtId: district.id,
      detail: auditedChange(before, after),
      context: by.context,
    });
    return district;
  });
}

/** Names always; the finance-duties exception only when it changed, so a rename reads as one. */
function auditedChange<T extends { name: string; nameEn: string; singleFinanceReviewer: boolean; singleFinanceReviewerNote: string | null }>(
  before: T,
  after: T,
) {
  if (before.singleFinanceReviewer === after.singleFinanceReviewer && before.singleFinanceReviewerNote === after.singleFinanceReviewerNote) {
    return { before: { name: before.name, nameEn: before.nameEn }, after: { name: after.name, nameEn: after.nameEn } };
  }
  return { before, after };
}
