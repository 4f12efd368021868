import { UniqueConstraintError } from 'sequelize';
import { ProjectItem } from '../../../models/ProjectItem.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import type { ProjectItemForm } from '../../schemas/projects.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { purchasableItem } from '../../services/catalogue.js';
import { auditActorOf, type By } from '../kernel.js';
import { checkPlanning } from './projectChecks.js';
import { lockedProject } from './lockedProject.js';

/**
 * Adds a line to a project being planned: a published catalogue item of the project's year, in
 * its district's or the city's catalogue (政府购买服务管理办法 art. 14), pinned to that version; the
 * unit price defaults to the item's reference price. Any other item is a 422 beside the field; an
 * item already on the project too; a project past planning is a 409.
 */
export async function projectItemAdder(projectId: number, form: ProjectItemForm, by: By): Promise<ProjectItem> {
  try {
    return await withTransaction(async (transaction) => {
      const project = await lockedProject(projectId, by.actor, transaction);
      checkPlanning(project);
      const item = await purchasableItem(form.catalogueItemId, { year: project.year, districtId: project.districtId });
      if (!item) throw new ValidationError({ catalogueItemId: 'projects.errors.itemNotPurchasable' });
      const taken = await ProjectItem.findOne({ where: { projectId, catalogueItemId: item.id }, attributes: ['id'], transaction });
      if (taken) throw new ValidationError({ catalogueItemId: 'projects.errors.itemTwice' });
      const line = await ProjectItem.create(
        { projectId, catalogueItemId: item.id, quantity: form.quantity, unitPriceFen: form.unitPrice ?? item.referenceUnitPriceFen },
        { transaction },
      );
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'project.add_item',
        recordType: 'project',
        recordId: project.id,
        districtId: project.districtId,
        detail: { catalogueItemId: item.id, code: item.code, version: item.version, quantity: line.quantity, unitPriceFen: line.unitPriceFen },
        context: by.context,
      });
      await recordRelease(project.id, ['planningUpdate'], transaction);
      return line;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ValidationError({ catalogueItemId: 'projects.errors.itemTwice' });
    throw err;
  }
}
