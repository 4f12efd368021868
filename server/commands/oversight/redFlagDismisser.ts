import { RED_FLAG_TRANSITIONS, RedFlag } from '../../../models/RedFlag.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { authorize, districtScope } from '../../policies/index.js';
import { RED_FLAG_RESOURCE } from '../../policies/red-flag.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';

export type DismissInput = { reason: string; confirmPersonalData?: boolean };

/**
 * Dismisses an open red flag with the inspector's reason (#17): the flag stays, dismissed, with who,
 * when and why; audited with its evidence's subject. A flag outside the inspector's scope is a 404,
 * one no longer open (dismissed twice, or cleared meanwhile) a 409.
 */
export async function redFlagDismisser(id: number, input: DismissInput, by: By): Promise<RedFlag> {
  const confirmed = checkFreeText({ reason: input.reason }, input.confirmPersonalData ?? false);
  return withTransaction(async (transaction) => {
    const flag = await RedFlag.findOne({ where: { id, ...districtScope(by.actor) }, transaction, lock: rowLock() });
    if (!flag) throw new NotFoundError();
    authorize(by.actor, 'dismiss', RED_FLAG_RESOURCE, flag);
    const to = checkTransition('overview.flags', RED_FLAG_TRANSITIONS, flag, 'dismiss');
    await flag.update(
      { status: to, dismissedBy: by.actor.id, dismissedAt: now(), dismissReason: input.reason, lockVersion: flag.lockVersion + 1 },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'red_flag.dismiss',
      recordType: 'red_flag',
      recordId: flag.id,
      districtId: flag.districtId,
      detail: { rule: flag.rule, subject: flag.subject, status: { from: 'open', to }, reason: input.reason, ...confirmedPersonalData(confirmed) },
      context: by.context,
    });
    return flag;
  });
}
