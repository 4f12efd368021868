import { Project } from '../../../models/Project.js';
import { withTransaction } from '../../db.js';
import type { NewProjectForm } from '../../schemas/projects.js';
import { recordAudit } from '../../services/audit.js';
import { ocidOf } from '../../services/ocds/identifiers.js';
import { recordRelease } from '../../services/ocds/release.js';
import { auditActorOf, type By } from '../kernel.js';
import { checkAgency, checkProjectDistrict } from './projectChecks.js';

/**
 * Creates a project in `planning`, with its OCDS ocid (the configured prefix and its id) and its
 * first OCDS release (`planning`). The district must
 * be one the officer keeps and the purchasing body an agency of it or of the city (422 beside the
 * field otherwise).
 */
export async function projectCreator(form: NewProjectForm, by: By): Promise<Project> {
  return withTransaction(async (transaction) => {
    await checkProjectDistrict(by.actor, form.districtId, transaction);
    await checkAgency(form.districtId, form.agencyId, transaction);
    const project = await Project.create(
      {
        year: form.year,
        districtId: form.districtId,
        agencyId: form.agencyId,
        title: form.title,
        targetGroup: form.targetGroup,
        budgetFen: form.budget,
        procurementMethod: form.procurementMethod,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await project.update({ ocid: ocidOf(project.id) }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'project.create',
      recordType: 'project',
      recordId: project.id,
      districtId: project.districtId,
      detail: { ocid: project.ocid, year: project.year, title: project.title, budgetFen: project.budgetFen, method: project.procurementMethod },
      context: by.context,
    });
    await recordRelease(project.id, ['planning'], transaction);
    return project;
  });
}
