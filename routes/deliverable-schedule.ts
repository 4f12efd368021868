import { Router } from 'express';
import { MILESTONE_KINDS, type MilestoneKind } from '../models/Instalment.js';
import type { MilestoneCondition } from '../server/commands/deliverables/milestoneConditions.js';
import { reportingScheduleSetter } from '../server/commands/deliverables/reportingScheduleSetter.js';
import { type FieldErrors, ValidationError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { DELIVERABLE_RESOURCE } from '../server/policies/deliverable.js';
import { loadContract } from '../server/presenters/contracts.js';
import { scheduleChoices, scheduleFieldLabels, scheduleFormPage, scheduleFormValuesOf } from '../server/presenters/deliverables.js';
import { idParams } from '../server/schemas/common.js';
import { scheduleEdit } from '../server/schemas/deliverables.js';
import { bodyOf, by, langOf, staleEdit, subjectLoader } from './kit.js';

/** The contract named in the path, in the actor's scope (else 404), whose schedule the actor may set (else 403). */
const { subject, of: contractOf } = subjectLoader(DELIVERABLE_RESOURCE, loadContract);

const renderForm: OnInvalid = async (req, res, form) => {
  const contract = contractOf(res);
  res.render('deliverables/schedule', {
    pageTitle: req.t('deliverables.schedule.title', { number: contract.number }),
    ...(await scheduleFormPage(contract, langOf(req), form)),
  });
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The milestone conditions of the form (`kind_<instalmentId>`, `through_<id>`, `share_<id>` in per cent). */
function milestonesOf(body: Record<string, unknown>): { milestones: MilestoneCondition[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const milestones: MilestoneCondition[] = [];
  for (const [key, value] of Object.entries(body)) {
    const m = /^kind_(\d{1,10})$/.exec(key);
    if (!m || typeof value !== 'string' || !(MILESTONE_KINDS as readonly string[]).includes(value)) continue;
    const instalmentId = Number(m[1]);
    const through = String(body[`through_${instalmentId}`] ?? '').trim();
    const share = String(body[`share_${instalmentId}`] ?? '').trim();
    if (value === 'deliverables' && !DAY.test(through)) errors[`through_${instalmentId}`] = 'deliverables.validation.throughInTerm';
    const shareBp = /^\d{1,3}(?:\.\d{1,2})?$/.test(share) ? Math.round(Number(share) * 100) : null;
    milestones.push({ instalmentId, kind: value as MilestoneKind, through: DAY.test(through) ? through : null, shareBp });
  }
  return { milestones, errors };
}

/** A contract's reporting schedule and the milestone conditions of its instalments (officers who keep the contract). */
export function deliverableScheduleRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get('/contracts/:id/reporting', rule('schedule', DELIVERABLE_RESOURCE), id, subject('schedule'), (req, res) =>
    renderForm(req, res, { values: undefined as never, errors: {} }),
  );

  router.post(
    '/contracts/:id/reporting',
    rule('schedule', DELIVERABLE_RESOURCE),
    id,
    subject('schedule'),
    // The form is under the contract's version: another schedule save, or the contract edited or amended since, is refused as stale.
    staleEdit(scheduleFormValuesOf, {
      area: 'deliverables',
      fields: (req, res) => scheduleFieldLabels(contractOf(res).id, langOf(req)),
      choices: async (req) => scheduleChoices(langOf(req)),
    }),
    validateBody(scheduleEdit, renderForm),
    async (req, res) => {
      const contract = contractOf(res);
      const body = bodyOf(res, scheduleEdit);
      const dates = body.dates.split(/[\s,，、]+/).filter(Boolean);
      const { milestones, errors } = milestonesOf(body);
      if (dates.some((d) => !DAY.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))) errors.dates = 'deliverables.validation.dates';
      if (Object.keys(errors).length) throw new ValidationError(errors);
      await reportingScheduleSetter(contract.id, { frequency: body.frequency, graceDays: body.graceDays, dates, milestones, _version: body._version }, by(req));
      flash(req, 'success', 'deliverables.flash.scheduleSaved');
      res.redirect(`/contracts/${contract.id}`);
    },
  );

  return router;
}
