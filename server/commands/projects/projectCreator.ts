import { Project, ocidFor } from '../../../models/Project.js';
import { withTransaction } from '../../db.js';
import type { EditProjectForm, NewProjectForm } from '../../schemas/projects.js';
import { recordAudit } from '../../services/audit.js';
import { checkAgency, checkPlanning, checkProjectDistrict, lockedProject, type ProjectBy, projectAuditActor } from './projectChecks.js';

/**
 * Creates a project in `planning`, with its OCDS ocid (the prefix and its id). The district must
 * be one the officer keeps and the purchasing body an agency of it or of the city (422 beside the
 * field otherwise).
 */
export async function projectCreator(form: NewProjectForm, by: ProjectBy): Promise<Project> {
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
    await project.update({ ocid: ocidFor(project.id) }, { transaction });
    await recordAudit({
      actor: projectAuditActor(by.actor),
      action: 'project.create',
      recordType: 'project',
      recordId: project.id,
      districtId: project.districtId,
      detail: { ocid: project.ocid, year: project.year, title: project.title, budgetFen: project.budgetFen, method: project.procurementMethod },
      context: by.context,
    });
    return project;
  });
}

/** Edits a project's facts; only while it is being planned (409 after), its year and district never. */
export async function projectUpdater(id: number, form: EditProjectForm, by: ProjectBy): Promise<Project> {
  return withTransaction(async (transaction) => {
    const project = await lockedProject(id, by.actor, transaction);
    checkPlanning(project);
    await checkAgency(project.districtId, form.agencyId, transaction);
    const before = { agencyId: project.agencyId, title: project.title, budgetFen: project.budgetFen, method: project.procurementMethod };
    await project.update(
      { agencyId: form.agencyId, title: form.title, targetGroup: form.targetGroup, budgetFen: form.budget, procurementMethod: form.procurementMethod },
      { transaction },
    );
    await recordAudit({
      actor: projectAuditActor(by.actor),
      action: 'project.update',
      recordType: 'project',
      recordId: project.id,
      districtId: project.districtId,
      detail: { before, after: { agencyId: form.agencyId, title: form.title, budgetFen: form.budget, method: form.procurementMethod } },
      context: by.context,
    });
    return project;
  });
}
