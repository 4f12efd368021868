import { UniqueConstraintError } from 'sequelize';
import type { ChildWorker } from '../../../models/ChildWorker.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import type { EditWorkerForm } from '../../schemas/child-workers.js';
import type { Versioned } from '../../schemas/common.js';
import { recordAudit } from '../../services/audit.js';
import type { PersonalDataCipher } from '../../services/personal-data.js';
import { maskIdNumber, maskPhone } from '../../services/identifiers.js';
import { type By, checkVersion } from '../kernel.js';
import { ALREADY_REGISTERED, checkNotRegistered, checkPlace } from './childWorkerChecks.js';
import { lockedWorker } from './lockedWorker.js';

const FIELDS = ['kind', 'name', 'districtId', 'subDistrictId', 'community', 'employment'] as const;

/**
 * Changes a worker's facts. A newly typed ID number is sealed and indexed again (and refused
 * when another worker holds it); a newly typed phone is sealed again; empty keeps both. The audit
 * event lists each changed field before and after, the numbers only as masks; a form that changes
 * nothing records nothing; a form opened before another save of the worker is stale.
 */
export async function childWorkerUpdater(workerId: number, input: Versioned<EditWorkerForm>, by: By & { cipher: PersonalDataCipher }): Promise<void> {
  const { cipher } = by;
  try {
    await withTransaction(async (transaction) => {
      const worker = await lockedWorker(workerId, transaction);
      const bump = checkVersion(worker, input._version);
      const { communityId } = await checkPlace(input.districtId, input.subDistrictId, transaction, input.community);
      const next: Partial<ChildWorker['_creationAttributes']> = {};
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of FIELDS) {
        if ((worker[field] ?? null) !== (input[field] ?? null)) {
          changes[field] = { from: worker[field] ?? null, to: input[field] ?? null };
          Object.assign(next, { [field]: input[field] ?? null });
        }
      }
      if (input.idNumber) {
        const idNumberIndex = cipher.index('idNumber', input.idNumber);
        if (idNumberIndex !== worker.idNumberIndex) {
          await checkNotRegistered(idNumberIndex, transaction, worker.id);
          const masked = maskIdNumber(input.idNumber);
          Object.assign(next, { idNumberEnc: cipher.encrypt(input.idNumber), idNumberIndex, idNumberMasked: masked });
          changes.idNumber = { from: worker.idNumberMasked, to: masked };
        }
      }
      if (input.phone && (!worker.phoneEnc || cipher.decrypt(worker.phoneEnc) !== input.phone)) {
        const masked = maskPhone(input.phone);
        Object.assign(next, { phoneEnc: cipher.encrypt(input.phone), phoneMasked: masked });
        changes.phone = { from: worker.phoneMasked, to: masked };
      }
      if (Object.keys(changes).length === 0) return;
      await worker.update({ ...next, communityId, ...bump }, { transaction });
      await recordAudit({
        actor: by.actor,
        action: 'child_worker.update',
        recordType: 'child_worker',
        recordId: worker.id,
        districtId: worker.districtId,
        detail: { changes },
        context: by.context,
      });
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ValidationError(ALREADY_REGISTERED);
    throw err;
  }
}
