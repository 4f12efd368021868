import { UniqueConstraintError } from 'sequelize';
import { District, SubDistrict } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { SubDistrictForm } from '../../schemas/reference.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * Adds a sub-district (街道, or 镇) to a district. Names are unique within a district: the check
 * gives the friendly error, the unique index (district_id, name) holds it under concurrency.
 * The city level has no sub-districts of its own.
 */
export async function subDistrictCreator(districtId: number, form: SubDistrictForm, by: By): Promise<SubDistrict> {
  return withTransaction(async (transaction) => {
    const district = await District.findByPk(districtId, { transaction, lock: rowLock() });
    if (!district) throw new NotFoundError();
    if (district.kind === 'city') throw new ConflictError('reference.cityHasNoSubDistricts');
    if (await SubDistrict.findOne({ where: { districtId, name: form.name }, transaction })) {
      throw new ValidationError({ name: 'validation.subDistrictTaken' });
    }
    const last = (await SubDistrict.max<number, SubDistrict>('sortOrder', { where: { districtId }, transaction })) ?? 0;
    let subDistrict: SubDistrict;
    try {
      subDistrict = await SubDistrict.create({ districtId, name: form.name, kind: form.kind, sortOrder: Number(last) + 1 }, { transaction });
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw new ValidationError({ name: 'validation.subDistrictTaken' });
      throw err;
    }
    await recordAudit({
      actor: by.actor,
      action: 'reference.sub_district_create',
      recordType: 'sub_district',
      recordId: subDistrict.id,
      districtId,
      detail: { after: { districtId, name: subDistrict.name, kind: subDistrict.kind } },
      context: by.context,
    });
    return subDistrict;
  });
}
