import { Op, type WhereOptions } from 'sequelize';
import type { Project } from '../../models/Project.js';
import { getSequelize } from '../db.js';
import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/**
 * Service projects (购买服务项目). Officers keep the projects of their district (city-level
 * officers: the city's and any district's): create, edit, items, tender, award, cancel. Finance
 * and inspectors read them in their district scope; the administrator reads (never keeps business
 * records); an organisation user reads only the projects awarded to their organisation. Evaluators
 * have no use for them yet. Every list and load goes through `projectScope`, so a project outside
 * it answers 404.
 */
export const PROJECT_RESOURCE = 'project';

const STAFF_READERS = ['officer', 'finance', 'inspector'] as const;

/** Whether an officer keeps the projects of `districtId`: their own district, or any from the city level. */
export function keepsProjectsOf(actor: Actor, districtId: number): boolean {
  return actor.role === 'officer' && (actor.cityLevel || actor.districtId === districtId);
}

/** The condition the award scope of an organisation user is written as (ids are integers from the session). */
function awardedTo(organisationId: number | null) {
  const id = Number.isSafeInteger(organisationId) ? Number(organisationId) : -1;
  return getSequelize().literal(`(SELECT a.project_id FROM awards a WHERE a.organisation_id = ${id} AND a.status = 'active')`);
}

/**
 * The projects an actor may see, as a query: an organisation user those with an active award to
 * their organisation (from the session, never the request), district staff their district's,
 * city level and admin all, anybody else none.
 */
export function projectScope(actor: Actor): WhereOptions<Project> {
  if (actor.role === 'org') return { id: { [Op.in]: awardedTo(actor.organisationId) } } as WhereOptions<Project>;
  if (actor.role === 'admin') return {};
  if (!(STAFF_READERS as readonly string[]).includes(actor.role)) return { id: -1 };
  if (actor.cityLevel) return {};
  return { districtId: actor.districtId };
}

const keeps = (actor: Actor, project: Project) => keepsProjectsOf(actor, project.districtId);
const inScope = (actor: Actor, project: Project) => inDistrictScope(actor, project.districtId);

allow(['admin', ...STAFF_READERS, 'org'], 'list', PROJECT_RESOURCE);
allow(['admin', ...STAFF_READERS], 'export', PROJECT_RESOURCE);
allow(['admin', ...STAFF_READERS], 'read', PROJECT_RESOURCE, inScope);
// The organisation user's scope (projects awarded to them) already decided which ones load.
allow('org', 'read', PROJECT_RESOURCE);
allow('officer', 'create', PROJECT_RESOURCE);
allow('officer', ['update', 'edit_items', 'tender', 'cancel', 'award'], PROJECT_RESOURCE, keeps);
