import { Agency } from '../../../models/index.js';
import { ReferralFollowUp } from '../../../models/ReferralFollowUp.js';
import { rowLock, withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

export type FollowUpInput = { year: number; quarter: number; department: string; handled: number; closed: number };

/**
 * Records what a receiving department did with its district's hotline referrals in a quarter
 * (#17): handled and closed counts, by an officer of that department (the policy's rule). A
 * second record of the same quarter and department replaces the counts, the change audited with
 * its before and after; the same counts again change nothing (a double submission).
 */
export async function referralFollowUpRecorder(input: FollowUpInput, by: By): Promise<{ followUp: ReferralFollowUp; changed: boolean }> {
  if (input.closed > input.handled) throw new ValidationError({ closed: 'overview.validation.closedOverHandled' });
  const agency = by.actor.agencyId ? await Agency.findByPk(by.actor.agencyId) : null;
  const districtId = by.actor.districtId;
  authorize(by.actor, 'record', 'referral_follow_up', { districtId, department: input.department, agencyKind: agency?.kind ?? null });
  return withTransaction(async (transaction) => {
    const key = { districtId, year: input.year, quarter: input.quarter, department: input.department };
    const existing = await ReferralFollowUp.findOne({ where: key, transaction, lock: rowLock() });
    const after = { handled: input.handled, closed: input.closed };
    if (existing && existing.handledCount === input.handled && existing.closedCount === input.closed) return { followUp: existing, changed: false };
    const before = existing ? { handled: existing.handledCount, closed: existing.closedCount } : null;
    const followUp = existing
      ? await existing.update(
          { handledCount: input.handled, closedCount: input.closed, recordedBy: by.actor.id, lockVersion: existing.lockVersion + 1 },
          { transaction },
        )
      : await ReferralFollowUp.create({ ...key, handledCount: input.handled, closedCount: input.closed, recordedBy: by.actor.id }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'referral_follow_up.record',
      recordType: 'referral_follow_up',
      recordId: followUp.id,
      districtId,
      detail: { year: input.year, quarter: input.quarter, department: input.department, before, after },
      context: by.context,
    });
    return { followUp, changed: true };
  });
}
