import { FINDING_TRANSITIONS, type FindingTransition, Inspection, InspectionFinding } from '../../../models/Inspection.js';
import { now, today } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { authorize, districtScope } from '../../policies/index.js';
import { FINDING_RESOURCE } from '../../policies/inspection.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';

export type FindingStepInput = { text?: string; deadline?: string; confirmPersonalData?: boolean };

/**
 * A step of an inspection's finding (#17): the district answers it or reports its rectification
 * (text), the inspector asks for a rectification (text and a deadline not before today) or closes
 * it. A finding outside the actor's scope is a 404, a step its state does not allow (or a closed
 * inspection) a 409, a step of the other side a 403. Audited with the text.
 */
export async function findingStep(
  inspectionId: number,
  findingId: number,
  step: FindingTransition,
  input: FindingStepInput,
  by: By,
): Promise<InspectionFinding> {
  const confirmed = input.text ? checkFreeText({ text: input.text }, input.confirmPersonalData ?? false) : [];
  if (step === 'require' && input.deadline && input.deadline < today()) throw new ValidationError({ deadline: 'overview.inspections.validation.deadlinePast' });
  return withTransaction(async (transaction) => {
    const inspection = await Inspection.findOne({ where: { id: inspectionId, ...districtScope(by.actor) }, transaction, lock: rowLock() });
    const finding = inspection ? await InspectionFinding.findOne({ where: { id: findingId, inspectionId }, transaction, lock: rowLock() }) : null;
    if (!inspection || !finding) throw new NotFoundError();
    authorize(by.actor, step, FINDING_RESOURCE, inspection);
    if (inspection.status !== 'open') throw new ConflictError('overview.inspections.errors.closed');
    const to = checkTransition('overview.inspections', FINDING_TRANSITIONS, finding, step);
    const at = now();
    const from = finding.status;
    const changes =
      step === 'answer'
        ? { answer: input.text, answeredBy: by.actor.id, answeredAt: at }
        : step === 'report'
          ? { report: input.text, reportedBy: by.actor.id, reportedAt: at }
          : step === 'require'
            ? { requirement: input.text, deadline: input.deadline, report: null, reportedBy: null, reportedAt: null }
            : { closedBy: by.actor.id, closedAt: at };
    await finding.update({ status: to, ...changes }, { transaction });
    await inspection.update({ lockVersion: inspection.lockVersion + 1 }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: `inspection.${step}`,
      recordType: 'inspection',
      recordId: inspection.id,
      districtId: inspection.districtId,
      detail: {
        findingId: finding.id,
        seq: finding.seq,
        status: { from, to },
        text: input.text ?? null,
        deadline: input.deadline ?? null,
        ...confirmedPersonalData(confirmed),
      },
      context: by.context,
    });
    return finding;
  });
}
