import { Award } from '../../../models/Award.js';
import { PROJECT_TRANSITIONS, type Project, type ProjectTransition } from '../../../models/Project.js';
import { ProjectItem } from '../../../models/ProjectItem.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { type ReleaseTag, recordRelease } from '../../services/ocds/release.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lockedProject } from './lockedProject.js';

/** The moves this command makes; `award` has its own command (`projectAwarder`). */
export type ProjectStep = Exclude<ProjectTransition, 'award'>;

/**
 * Moves a project by the transition table of the model; any other move is a 409. Tendering needs
 * at least one item; cancelling needs a reason and cancels the standing award with it.
 * `contract` and `close` are the contracts part's steps: it calls this (with its own actor, or
 * `null` for a system step it has authorised itself), inside its own transaction if it has one.
 */
export async function projectTransitioner(
  id: number,
  transition: ProjectStep,
  by: { actor: Actor | null; context?: By['context'] },
  reason = '',
): Promise<Project> {
  const { to } = PROJECT_TRANSITIONS[transition];
  return withTransaction(async (transaction) => {
    const project = await lockedProject(id, by.actor, transaction);
    checkTransition('projects', PROJECT_TRANSITIONS, project, transition);
    const from = project.status;
    if (transition === 'tender' && (await ProjectItem.count({ where: { projectId: id }, transaction })) === 0) {
      throw new ConflictError('projects.errors.noItems');
    }
    if (transition === 'cancel' && !reason) throw new ValidationError({ reason: 'projects.validation.reasonRequired' });
    const at = now();
    let cancelledAward: number | null = null;
    if (transition === 'cancel') {
      const award = await Award.findOne({ where: { activeProjectId: id }, transaction });
      if (award) {
        await award.update(
          { status: 'cancelled', activeProjectId: null, cancelledAt: at, cancelledBy: by.actor?.id ?? null, cancelReason: reason },
          { transaction },
        );
        cancelledAward = award.id;
      }
    }
    await project.update({ status: to, statusReason: reason || null }, { transaction });
    await recordAudit({
      actor: by.actor ? auditActorOf(by.actor) : null,
      action: `project.${transition}`,
      recordType: 'project',
      recordId: project.id,
      districtId: project.districtId,
      detail: { status: { from, to }, ...(reason ? { reason } : {}), ...(cancelledAward ? { cancelledAward } : {}) },
      context: by.context,
    });
    // `contract` and `close` are told by the contract's own release (activation, termination, completion).
    const tags: ReleaseTag[] | null =
      transition === 'tender'
        ? ['tender']
        : transition === 'cancel'
          ? cancelledAward
            ? ['tenderCancellation', 'awardCancellation']
            : ['tenderCancellation']
          : null;
    if (tags) await recordRelease(project.id, tags, transaction);
    return project;
  });
}
