import { BRIEFING_TRANSITIONS, Briefing } from '../../../models/Briefing.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { BRIEFING_RESOURCE, CITY_BRIEFING } from '../../policies/briefing.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { auditActorOf, type By, checkTransition, checkVersion } from '../kernel.js';

export type BriefingInput = { year: number; period: string; title: string; commentary: string; confirmPersonalData?: boolean; _version?: number };

/**
 * Drafts a briefing (通报, #17), or saves a draft's period, title and commentary under its version
 * (`id`; a stale save is refused with what changed). City-level inspectors only; an issued briefing
 * is never edited (409). Audited.
 */
export async function briefingSaver(id: number | null, input: BriefingInput, by: By): Promise<Briefing> {
  authorize(by.actor, id ? 'edit' : 'create', BRIEFING_RESOURCE, CITY_BRIEFING);
  const confirmed = checkFreeText({ title: input.title, commentary: input.commentary }, input.confirmPersonalData ?? false);
  const fields = { year: input.year, period: input.period, title: input.title, commentary: input.commentary };
  return withTransaction(async (transaction) => {
    let briefing: Briefing;
    if (id) {
      const existing = await Briefing.findByPk(id, { transaction, lock: rowLock() });
      if (!existing) throw new NotFoundError();
      checkTransition('overview.briefings', BRIEFING_TRANSITIONS, existing, 'edit');
      briefing = await existing.update({ ...fields, ...checkVersion(existing, input._version) }, { transaction });
    } else {
      briefing = await Briefing.create({ ...fields, createdBy: by.actor.id }, { transaction });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: id ? 'briefing.edit' : 'briefing.create',
      recordType: 'briefing',
      recordId: briefing.id,
      detail: { ...fields, ...confirmedPersonalData(confirmed) },
      context: by.context,
    });
    return briefing;
  });
}
