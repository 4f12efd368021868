import type { Project } from '../../../models/Project.js';
import { withTransaction } from '../../db.js';
import type { Versioned } from '../../schemas/common.js';
import type { EditProjectForm } from '../../schemas/projects.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';
import { checkAgency, checkPlanning } from './projectChecks.js';
import { lockedProject } from './lockedProject.js';

/** Edits a project's facts; only while it is being planned (409 after), its year and district never. */
export async function projectUpdater(id: number, form: Versioned<EditProjectForm>, by: By): Promise<Project> {
  return withTransaction(async (transaction) => {
    const project = await lockedProject(id, by.actor, transaction);
    checkPlanning(project);
    const bump = checkVersion(project, form._version);
    await checkAgency(project.districtId, form.agencyId, transaction);
    const before = { agencyId: project.agencyId, title: project.title, budgetFen: project.budgetFen, method: project.procurementMethod };
    await project.update(
      { agencyId: form.agencyId, title: form.title, targetGroup: form.targetGroup, budgetFen: form.budget, procurementMethod: form.procurementMethod, ...bump },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'project.update',
      recordType: 'project',
      recordId: project.id,
      districtId: project.districtId,
      detail: { before, after: { agencyId: form.agencyId, title: form.title, budgetFen: form.budget, method: form.procurementMethod } },
      context: by.context,
    });
    await recordRelease(project.id, ['planningUpdate'], transaction);
    return project;
  });
}
