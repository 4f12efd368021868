import type { Transaction } from 'sequelize';
import { Project } from '../../../models/Project.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { keepsProjectsOf } from '../../policies/project.js';

/**
 * Re-reads a project inside the caller's transaction, under a row lock on MySQL (SQLite's write
 * transactions are serialised in the process by `withTransaction`), so the state a command checks
 * is the state it changes. An unknown id, or one the officer does not keep, is a 404. `actor`
 * null: a system step of another part (contracts) that has checked its own rights.
 */
export async function lockedProject(id: number, actor: Actor | null, transaction: Transaction): Promise<Project> {
  const project = await Project.findByPk(id, { transaction, lock: rowLock() });
  if (!project || (actor && !keepsProjectsOf(actor, project.districtId))) throw new NotFoundError();
  return project;
}
