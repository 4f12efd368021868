import { Transaction, UniqueConstraintError } from 'sequelize';
import { Award } from '../../../models/Award.js';
import { Organisation } from '../../../models/Organisation.js';
import { PROJECT_TRANSITIONS, type Project } from '../../../models/Project.js';
import { beijingDay, now } from '../../clock.js';
import { dialectOf, withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { AwardForm } from '../../schemas/projects.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { evaluationWarningsOf } from '../evaluations/evaluationWarnings.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedProject } from './lockedProject.js';

/**
 * Whether `organisation` may win on `day` (`YYYY-MM-DD`, Asia/Shanghai): not suspended, and not
 * ineligible on that day (`Organisation.eligibleOn`). The field error to show, or null.
 */
export function awardRefusal(organisation: Organisation | null, day: string): string | null {
  if (!organisation) return 'projects.errors.unknownOrganisation';
  if (organisation.status === 'suspended') return 'projects.errors.organisationSuspended';
  if (!organisation.eligibleOn(day)) return 'projects.errors.organisationIneligible';
  return null;
}

/**
 * Awards a project being tendered to an organisation (中标/成交): the organisation is re-read under
 * lock and must be eligible on the award day; the amount may not exceed the project's budget;
 * reasons are required; an organisation with a 不合格 evaluation or an open rectification is
 * awarded only when the officer has acknowledged them (422 beside the box otherwise, their ids in
 * the audit event). The award row (with the organisation's district at that moment), the
 * project's move to `awarded` and the audit event are one transaction. A project not tendering is
 * a 409, also for the second of two awards racing (the project's lock, and then the unique
 * active award, answer for it).
 */
export async function projectAwarder(id: number, form: AwardForm, by: By): Promise<{ project: Project; award: Award }> {
  try {
    return await awardInTransaction(id, form, by);
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ConflictError('projects.errors.cannot.award');
    throw err;
  }
}

function awardInTransaction(id: number, form: AwardForm, by: By): Promise<{ project: Project; award: Award }> {
  return withTransaction(async (transaction) => {
    const project = await lockedProject(id, by.actor, transaction);
    checkTransition('projects', PROJECT_TRANSITIONS, project, 'award');
    const organisation = await Organisation.findByPk(form.organisationId, {
      transaction,
      lock: dialectOf() === 'mysql' ? Transaction.LOCK.SHARE : undefined,
    });
    const at = now();
    const refusal = awardRefusal(organisation, beijingDay(at));
    if (refusal || !organisation) throw new ValidationError({ organisationId: refusal ?? 'projects.errors.unknownOrganisation' });
    if (form.amount > project.budgetFen) throw new ValidationError({ amount: 'projects.errors.awardAboveBudget' });
    if (form.amount <= 0) throw new ValidationError({ amount: 'validation.money' });
    // 不合格 evaluations and open rectifications do not bar the award, but the officer must have seen them (#12).
    const warnings = await evaluationWarningsOf(organisation.id, transaction);
    if (warnings.length && !form.acknowledged) throw new ValidationError({ acknowledged: 'projects.errors.acknowledgeRecord' });
    const award = await Award.create(
      {
        projectId: project.id,
        activeProjectId: project.id,
        organisationId: organisation.id,
        organisationDistrictId: organisation.districtId,
        amountFen: form.amount,
        reasons: form.reasons,
        awardedBy: by.actor.id,
        awardedAt: at,
      },
      { transaction },
    );
    const from = project.status;
    await project.update({ status: PROJECT_TRANSITIONS.award.to, statusReason: null }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'project.award',
      recordType: 'project',
      recordId: project.id,
      districtId: project.districtId,
      detail: {
        status: { from, to: project.status },
        awardId: award.id,
        organisationId: organisation.id,
        organisationName: organisation.name,
        amountFen: award.amountFen,
        reasons: award.reasons,
        ...(warnings.length ? { acknowledgedEvaluations: warnings.map((e) => e.id) } : {}),
      },
      context: by.context,
    });
    await recordRelease(project.id, ['award'], transaction);
    return { project, award };
  });
}
