import { INSPECTION_TRANSITIONS, Inspection, InspectionFinding } from '../../../models/Inspection.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { authorize, districtScope } from '../../policies/index.js';
import { INSPECTION_RESOURCE } from '../../policies/inspection.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';

/** Closes an inspection (#17) once every finding is closed (409 while one is not), by an inspector of its scope. Audited. */
export async function inspectionCloser(id: number, by: By): Promise<Inspection> {
  return withTransaction(async (transaction) => {
    const inspection = await Inspection.findOne({ where: { id, ...districtScope(by.actor) }, transaction, lock: rowLock() });
    if (!inspection) throw new NotFoundError();
    authorize(by.actor, 'close', INSPECTION_RESOURCE, inspection);
    const to = checkTransition('overview.inspections', INSPECTION_TRANSITIONS, inspection, 'close');
    const open = await InspectionFinding.count({ where: { inspectionId: id, status: ['open', 'answered', 'rectifying', 'rectified'] }, transaction });
    if (open > 0) throw new ConflictError('overview.inspections.errors.findingsOpen', { count: open });
    await inspection.update({ status: to, closedBy: by.actor.id, closedAt: now(), lockVersion: inspection.lockVersion + 1 }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'inspection.close',
      recordType: 'inspection',
      recordId: inspection.id,
      districtId: inspection.districtId,
      detail: { status: { from: 'open', to } },
      context: by.context,
    });
    return inspection;
  });
}
