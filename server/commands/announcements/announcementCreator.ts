import { UniqueConstraintError } from 'sequelize';
import { Agency } from '../../../models/Agency.js';
import { LotteryAnnouncement } from '../../../models/LotteryAnnouncement.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { translator } from '../../i18n/index.js';
import { keepsProjectsOf } from '../../policies/project.js';
import type { NewAnnouncementForm } from '../../schemas/announcements.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/**
 * Starts the yearly lottery-fund announcement of a purchasing body: an active agency of a district
 * the officer keeps (422 beside the field otherwise), one per body and year (422: it exists). The
 * draft's figures are read live from the ledger and the records until it is submitted; the body's
 * text starts from the usual opening sentence, which the officer rewrites.
 */
export async function announcementCreator(form: NewAnnouncementForm, by: By): Promise<LotteryAnnouncement> {
  try {
    return await withTransaction(async (transaction) => {
      const agency = await Agency.findByPk(form.agencyId, { transaction });
      if (!agency?.active || !keepsProjectsOf(by.actor, agency.districtId)) throw new ValidationError({ agencyId: 'announcements.errors.agencyNotYours' });
      const taken = await LotteryAnnouncement.findOne({ where: { agencyId: agency.id, year: form.year }, attributes: ['id'], transaction });
      if (taken) throw new ValidationError({ year: 'announcements.errors.exists' });
      const announcement = await LotteryAnnouncement.create(
        {
          agencyId: agency.id,
          districtId: agency.districtId,
          year: form.year,
          bodyText: translator('zh-CN')('announcements.defaultText', { agency: agency.name, year: form.year }),
          createdBy: by.actor.id,
        },
        { transaction },
      );
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'lottery_announcement.create',
        recordType: 'lottery_announcement',
        recordId: announcement.id,
        districtId: announcement.districtId,
        detail: { agencyId: agency.id, agency: agency.name, year: form.year },
        context: by.context,
      });
      return announcement;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ValidationError({ year: 'announcements.errors.exists' });
    throw err;
  }
}
