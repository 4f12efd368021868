import { District } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { DistrictForm } from '../../schemas/reference.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * The administrator corrects a district's Chinese and English names. Code, GB code and kind are
 * not editable: other records and reports key on them. Saving the same names again changes
 * nothing and records nothing.
 */
export async function districtUpdater(id: number, form: DistrictForm, by: By): Promise<District> {
  return withTransaction(async (transaction) => {
    const district = await District.findByPk(id, { transaction, lock: rowLock() });
    if (!district) throw new NotFoundError();
    const before = { name: district.name, nameEn: district.nameEn };
    const after = { name: form.name, nameEn: form.nameEn };
    if (before.name === after.name && before.nameEn === after.nameEn) return district;
    await district.update(after, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'reference.district_update',
      recordType: 'district',
      recordId: district.id,
      districtId: district.id,
      detail: { before, after },
      context: by.context,
    });
    return district;
  });
}
