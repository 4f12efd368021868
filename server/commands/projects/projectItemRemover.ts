import { ProjectItem } from '../../../models/ProjectItem.js';
import { withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { auditActorOf, type By } from '../kernel.js';
import { checkPlanning } from './projectChecks.js';
import { lockedProject } from './lockedProject.js';

/** Removes a line from a project being planned (409 after). */
export async function projectItemRemover(projectId: number, itemId: number, by: By): Promise<void> {
  await withTransaction(async (transaction) => {
    const project = await lockedProject(projectId, by.actor, transaction);
    checkPlanning(project);
    const line = await ProjectItem.findOne({ where: { id: itemId, projectId }, transaction });
    if (!line) throw new NotFoundError();
    await line.destroy({ transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'project.remove_item',
      recordType: 'project',
      recordId: project.id,
      districtId: project.districtId,
      detail: { catalogueItemId: line.catalogueItemId, quantity: line.quantity, unitPriceFen: line.unitPriceFen },
      context: by.context,
    });
    await recordRelease(project.id, ['planningUpdate'], transaction);
  });
}
