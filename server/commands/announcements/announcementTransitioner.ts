import { ANNOUNCEMENT_TRANSITIONS, type AnnouncementTransition, type LotteryAnnouncement } from '../../../models/LotteryAnnouncement.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { ANNOUNCEMENT_RESOURCE } from '../../policies/announcement.js';
import { recordAudit } from '../../services/audit.js';
import { draftAnnouncement } from '../../services/lottery-announcement.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedAnnouncement } from './lockedAnnouncement.js';

/**
 * Moves an announcement by the transition table (409 otherwise), each move the policy's to make
 * (403): the officer submits (the content is drafted from the ledger and the records and STORED:
 * what finance approves and what is issued), finance returns it to the draft with a reason (the
 * stored content goes; the draft reads the records again) or approves it, the officer issues it.
 * Issued, it is public and frozen: nothing changes it again.
 */
export async function announcementTransitioner(id: number, transition: AnnouncementTransition, by: By, reason = ''): Promise<LotteryAnnouncement> {
  return withTransaction(async (transaction) => {
    const a = await lockedAnnouncement(id, by.actor, transaction);
    const to = checkTransition('announcements', ANNOUNCEMENT_TRANSITIONS, a, transition);
    if (!can(by.actor, transition, ANNOUNCEMENT_RESOURCE, a)) throw new ForbiddenError();
    if (transition === 'return' && !reason.trim()) throw new ValidationError({ reason: 'validation.required' });
    const at = now();
    const from = a.status;
    const changes: Partial<LotteryAnnouncement> = { status: to };
    if (transition === 'submit') {
      Object.assign(changes, {
        content: JSON.stringify(await draftAnnouncement(a.agencyId, a.year, transaction)),
        submittedBy: by.actor.id,
        submittedAt: at,
        returnReason: null,
      });
    }
    if (transition === 'return') Object.assign(changes, { content: null, returnReason: reason.trim() });
    if (transition === 'approve') Object.assign(changes, { approvedBy: by.actor.id, approvedAt: at });
    if (transition === 'issue') Object.assign(changes, { issuedBy: by.actor.id, issuedAt: at });
    await a.update(changes, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: `lottery_announcement.${transition}`,
      recordType: 'lottery_announcement',
      recordId: a.id,
      districtId: a.districtId,
      detail: { year: a.year, status: { from, to }, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      context: by.context,
    });
    return a;
  });
}
