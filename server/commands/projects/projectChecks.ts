import { Transaction } from 'sequelize';
import { Agency, District } from '../../../models/index.js';
import { PROJECT_TRANSITIONS, Project, type ProjectTransition, projectCanMove } from '../../../models/Project.js';
import { dialectOf } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { keepsProjectsOf } from '../../policies/project.js';
import type { AuditContext } from '../../services/audit.js';

/** Who acts in a project command (the signed-in officer, from the session) and from where. */
export type ProjectBy = { actor: Actor; context?: AuditContext };

/** The audit trail's view of the actor: who, never more. */
export const projectAuditActor = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

/**
 * Re-reads a project inside the caller's transaction, under a row lock on MySQL (SQLite's write
 * transactions are serialised in the process by `withTransaction`), so the state a command checks
 * is the state it changes. An unknown id, or one the officer does not keep, is a 404. `actor`
 * null: a system step of another part (contracts) that has checked its own rights.
 */
export async function lockedProject(id: number, actor: Actor | null, transaction: Transaction): Promise<Project> {
  const project = await Project.findByPk(id, { transaction, lock: dialectOf() === 'mysql' ? Transaction.LOCK.UPDATE : undefined });
  if (!project || (actor && !keepsProjectsOf(actor, project.districtId))) throw new NotFoundError();
  return project;
}

/** Refuses (409) a move the transition table does not allow from the project's status. */
export function checkMove(project: Project, transition: ProjectTransition): void {
  if (!projectCanMove(project.status, transition)) {
    throw new ConflictError(`projects.errors.cannot.${transition}`, { status: project.status, to: PROJECT_TRANSITIONS[transition].to });
  }
}

/** Facts and items change only while the project is being planned (409 after). */
export function checkPlanning(project: Project): void {
  if (project.status !== 'planning') throw new ConflictError('projects.errors.notPlanning', { status: project.status });
}

/** The district must exist and be one whose projects the officer keeps. */
export async function checkProjectDistrict(actor: Actor, districtId: number, transaction: Transaction): Promise<District> {
  const district = await District.findByPk(districtId, { transaction });
  if (!district) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
  if (!keepsProjectsOf(actor, district.id)) throw new ValidationError({ districtId: 'projects.errors.districtNotYours' });
  return district;
}

/** The purchasing body: an active agency of the project's district or of the city. */
export async function checkAgency(districtId: number, agencyId: number, transaction: Transaction): Promise<Agency> {
  const agency = await Agency.findByPk(agencyId, { include: [{ model: District, as: 'district' }], transaction });
  if (!agency?.active || (agency.districtId !== districtId && agency.district?.kind !== 'city')) {
    throw new ValidationError({ agencyId: 'projects.errors.agencyNotOfDistrict' });
  }
  return agency;
}
