import { withTransaction } from '../../db.js';
import { recordAudit } from '../../services/audit.js';
import type { PersonalDataCipher } from '../../services/personal-data.js';
import type { By } from '../kernel.js';
import { lockedWorker } from './lockedWorker.js';

export type RevealedField = 'idNumber' | 'phone';

/**
 * Shows one of a worker's personal numbers in full (SECURITY.md: a reveal is its own permission
 * and is audited). The event `child_worker.reveal` names the field, never the value, and is
 * written before the value is decrypted, so no reveal goes unrecorded. Null when no phone is held.
 */
export async function childWorkerRevealer(workerId: number, field: RevealedField, by: By & { cipher: PersonalDataCipher }): Promise<string | null> {
  const token = await withTransaction(async (transaction) => {
    const worker = await lockedWorker(workerId, transaction);
    await recordAudit({
      actor: by.actor,
      action: 'child_worker.reveal',
      recordType: 'child_worker',
      recordId: worker.id,
      districtId: worker.districtId,
      detail: { field },
      context: by.context,
    });
    return field === 'idNumber' ? worker.idNumberEnc : worker.phoneEnc;
  });
  return token ? by.cipher.decrypt(token) : null;
}
