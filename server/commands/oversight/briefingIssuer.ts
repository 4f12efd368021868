import { BRIEFING_TRANSITIONS, Briefing } from '../../../models/Briefing.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { BRIEFING_RESOURCE } from '../../policies/briefing.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';

/**
 * Issues a briefing (#17): its content, computed by the caller from the records as they stand
 * (`content`, JSON), is stored with it, so later changes to the data never alter what was issued.
 * Once only (409 after); city-level inspectors only. Audited.
 */
export async function briefingIssuer(id: number, content: string, by: By): Promise<Briefing> {
  return withTransaction(async (transaction) => {
    const briefing = await Briefing.findByPk(id, { transaction, lock: rowLock() });
    if (!briefing) throw new NotFoundError();
    authorize(by.actor, 'issue', BRIEFING_RESOURCE, briefing);
    const to = checkTransition('overview.briefings', BRIEFING_TRANSITIONS, briefing, 'issue');
    await briefing.update({ status: to, content, issuedBy: by.actor.id, issuedAt: now(), lockVersion: briefing.lockVersion + 1 }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'briefing.issue',
      recordType: 'briefing',
      recordId: briefing.id,
      detail: { year: briefing.year, period: briefing.period, title: briefing.title, status: { from: 'draft', to } },
      context: by.context,
    });
    return briefing;
  });
}
