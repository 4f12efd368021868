import type { LotteryAnnouncement } from '../../../models/LotteryAnnouncement.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import type { Versioned } from '../../schemas/common.js';
import type { AnnouncementTextForm } from '../../schemas/announcements.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';
import { lockedAnnouncement } from './lockedAnnouncement.js';

/** Saves the body's own text of a draft announcement (409 once submitted), under its optimistic lock. */
export async function announcementEditor(id: number, form: Versioned<AnnouncementTextForm>, by: By): Promise<LotteryAnnouncement> {
  return withTransaction(async (transaction) => {
    const a = await lockedAnnouncement(id, by.actor, transaction);
    if (a.status !== 'draft') throw new ConflictError('announcements.errors.notDraft');
    const bump = checkVersion(a, form._version);
    const before = a.bodyText;
    await a.update({ bodyText: form.bodyText || null, ...bump }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'lottery_announcement.update',
      recordType: 'lottery_announcement',
      recordId: a.id,
      districtId: a.districtId,
      detail: { before: { bodyText: before }, after: { bodyText: a.bodyText } },
      context: by.context,
    });
    return a;
  });
}
