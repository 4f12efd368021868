import { UniqueConstraintError } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import type { NewWorkerForm } from '../../schemas/child-workers.js';
import { recordAudit } from '../../services/audit.js';
import type { PersonalDataCipher } from '../../services/personal-data.js';
import { maskIdNumber, maskPhone } from '../../services/identifiers.js';
import type { By } from '../kernel.js';
import { ALREADY_REGISTERED, checkNotRegistered, checkPlace } from './childWorkerChecks.js';

/**
 * Registers a child director or supervisor (实名制). The ID number and phone are stored only
 * sealed by the cipher, with their masks for display and the ID number's blind index for lookups;
 * a number already registered (same blind index) is refused beside the field, without naming it.
 * The audit event carries the masks, never the numbers.
 */
export async function childWorkerCreator(input: NewWorkerForm, by: By & { cipher: PersonalDataCipher }): Promise<ChildWorker> {
  const { cipher } = by;
  const idNumberIndex = cipher.index('idNumber', input.idNumber);
  try {
    return await withTransaction(async (transaction) => {
      const { communityId } = await checkPlace(input.districtId, input.subDistrictId, transaction, input.community);
      await checkNotRegistered(idNumberIndex, transaction);
      const worker = await ChildWorker.create(
        {
          kind: input.kind,
          name: input.name,
          idNumberEnc: cipher.encrypt(input.idNumber),
          idNumberIndex,
          idNumberMasked: maskIdNumber(input.idNumber),
          phoneEnc: cipher.encrypt(input.phone),
          phoneMasked: maskPhone(input.phone),
          districtId: input.districtId,
          subDistrictId: input.subDistrictId,
          community: input.community,
          communityId,
          employment: input.employment,
          createdBy: by.actor.id,
        },
        { transaction },
      );
      await recordAudit({
        actor: by.actor,
        action: 'child_worker.create',
        recordType: 'child_worker',
        recordId: worker.id,
        districtId: worker.districtId,
        detail: {
          kind: worker.kind,
          name: worker.name,
          idNumber: worker.idNumberMasked,
          phone: worker.phoneMasked,
          districtId: worker.districtId,
          subDistrictId: worker.subDistrictId,
          employment: worker.employment,
        },
        context: by.context,
      });
      return worker;
    });
  } catch (err) {
    // Two registrations of one number at once: the unique index refuses the second.
    if (err instanceof UniqueConstraintError) throw new ValidationError(ALREADY_REGISTERED);
    throw err;
  }
}
