import { Op, UniqueConstraintError } from 'sequelize';
import { checkVersion } from '../kernel.js';
import { SubDistrict } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { SubDistrictRenameForm } from '../../schemas/reference.js';
import type { Versioned } from '../../schemas/common.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * Renames a sub-district; the new name must not be taken by another sub-district of the same
 * district. Renaming to the same name changes nothing and records nothing.
 */
export async function subDistrictRenamer(id: number, form: Versioned<SubDistrictRenameForm>, by: By): Promise<SubDistrict> {
  return withTransaction(async (transaction) => {
    const subDistrict = await SubDistrict.findByPk(id, { transaction, lock: rowLock() });
    if (!subDistrict) throw new NotFoundError();
    const bump = checkVersion(subDistrict, form._version);
    const before = { name: subDistrict.name };
    if (before.name === form.name) return subDistrict;
    const taken = await SubDistrict.findOne({
      where: { districtId: subDistrict.districtId, name: form.name, id: { [Op.ne]: subDistrict.id } },
      transaction,
    });
    if (taken) throw new ValidationError({ name: 'validation.subDistrictTaken' });
    try {
      await subDistrict.update({ name: form.name, ...bump }, { transaction });
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw new ValidationError({ name: 'validation.subDistrictTaken' });
      throw err;
    }
    await recordAudit({
      actor: by.actor,
      action: 'reference.sub_district_rename',
      recordType: 'sub_district',
      recordId: subDistrict.id,
      districtId: subDistrict.districtId,
      detail: { before, after: { name: subDistrict.name } },
      context: by.context,
    });
    return subDistrict;
  });
}
