import { Op } from 'sequelize';
import type { Contract } from '../../../models/Contract.js';
import { Instalment, type MilestoneKind } from '../../../models/Instalment.js';
import { ReportingSchedule } from '../../../models/ReportingSchedule.js';
import { withTransaction } from '../../db.js';
import { ConflictError, type FieldErrors, ValidationError } from '../../errors.js';
import { DELIVERABLE_RESOURCE } from '../../policies/deliverable.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import type { ReportingFrequency } from '../../../models/ReportingSchedule.js';
import { MAX_GRACE_DAYS } from '../../services/reporting-schedule.js';
import { markMilestonesMet } from '../contracts/markMilestonesMet.js';
import { auditActorOf, type By, checkVersion, lockedContract } from '../kernel.js';
import { createDueDeliverables } from './dueDeliverables.js';
import type { MilestoneCondition } from './milestoneConditions.js';

/** The parsed schedule form: how often deliverables fall due, and what each open instalment's milestone is tied to. */
export type ScheduleForm = { frequency: ReportingFrequency; graceDays: number; dates: string[]; milestones: MilestoneCondition[]; _version?: number };

function scheduleErrors(form: ScheduleForm, contract: Contract): FieldErrors {
  const errors: FieldErrors = {};
  if (!Number.isInteger(form.graceDays) || form.graceDays < 0 || form.graceDays > MAX_GRACE_DAYS) errors.graceDays = 'deliverables.validation.graceDays';
  if (form.frequency === 'dates') {
    if (form.dates.length === 0) errors.dates = 'deliverables.validation.datesRequired';
    else if (form.dates.some((d) => d < contract.termStart || d > contract.termEnd)) errors.dates = 'deliverables.validation.datesInTerm';
  }
  for (const m of form.milestones) {
    if (m.kind === 'deliverables' && (!m.through || m.through < contract.termStart || m.through > contract.termEnd))
      errors[`through_${m.instalmentId}`] = 'deliverables.validation.throughInTerm';
    if (m.kind === 'targets' && (!m.shareBp || m.shareBp <= 0 || m.shareBp > 10_000)) errors[`share_${m.instalmentId}`] = 'deliverables.validation.share';
  }
  return errors;
}

/**
 * An officer sets a contract's reporting schedule and ties its open instalments' milestones to
 * deliverables (manual, all due through a date accepted, or every target reached to a share), in
 * one transaction: the contract locked first, 404 outside the officer's district, 409 once the
 * contract is completed or terminated, 422 beside the fields. On an active contract the due
 * deliverables follow at once, and milestones already met move their instalments to `due`. The
 * form is under the contract's version (kernel `checkVersion`): one opened before another schedule
 * save, or before the contract was edited or amended (which may change its term and instalments),
 * is refused as stale (409); a save moves the version on, so a contract edit opened before it is
 * refused in turn instead of recreating the instalments without the milestones set here.
 */
export async function reportingScheduleSetter(contractId: number, form: ScheduleForm, by: By): Promise<ReportingSchedule> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'schedule', DELIVERABLE_RESOURCE, c));
    if (!['draft', 'active'].includes(contract.status)) throw new ConflictError('deliverables.errors.contractEnded', { status: contract.status });
    const bump = checkVersion(contract, form._version);
    const errors = scheduleErrors(form, contract);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const open = await Instalment.findAll({ where: { contractId, status: { [Op.in]: ['scheduled'] } }, transaction });
    const byId = new Map(open.map((i) => [i.id, i]));
    const changed: { seq: number; kind: MilestoneKind }[] = [];
    for (const m of form.milestones) {
      const instalment = byId.get(m.instalmentId);
      // A milestone tied to an evaluation is set in the contract's schedule, not here (#12).
      if (!instalment || instalment.milestoneKind === 'evaluation') continue;
      const next = {
        milestoneKind: m.kind,
        milestoneThrough: m.kind === 'deliverables' ? m.through : null,
        milestoneShareBp: m.kind === 'targets' ? m.shareBp : null,
      };
      if (
        next.milestoneKind !== instalment.milestoneKind ||
        next.milestoneThrough !== (instalment.milestoneThrough ?? null) ||
        next.milestoneShareBp !== (instalment.milestoneShareBp ?? null)
      ) {
        await instalment.update(next, { transaction });
        changed.push({ seq: instalment.seq, kind: m.kind });
      }
    }
    const [schedule] = await ReportingSchedule.findOrBuild({
      where: { contractId },
      defaults: { contractId, frequency: form.frequency, graceDays: form.graceDays, dates: [], updatedBy: by.actor.id },
      transaction,
    });
    schedule.set({
      frequency: form.frequency,
      graceDays: form.graceDays,
      dates: form.frequency === 'dates' ? [...new Set(form.dates)].sort() : [],
      updatedBy: by.actor.id,
    });
    await schedule.save({ transaction });
    await contract.update(bump, { transaction });
    const made = await createDueDeliverables(contract, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'deliverable.schedule',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: { frequency: schedule.frequency, graceDays: schedule.graceDays, dates: schedule.dates, milestones: changed, ...made },
      context: by.context,
    });
    if (contract.status === 'active') await markMilestonesMet(contract, by, transaction);
    return schedule;
  });
}
