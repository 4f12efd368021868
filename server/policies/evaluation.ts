import { Op, type WhereOptions } from 'sequelize';
import type { Actor } from './actor.js';
import { keepsProjectsOf } from './project.js';
import { allow } from './registry.js';
import { districtScope, inDistrictScope } from './scopes.js';

/**
 * Evaluations (绩效评价, DOMAIN.md "Evaluation"). Officers of the contract's district keep
 * templates, schedule evaluations, draw the yearly sample, assign evaluators, confirm or return
 * submitted evaluations and close rectification items. An evaluator sees and scores only the
 * evaluations assigned to them. An organisation user sees only the confirmed evaluations of
 * their own organisation, writes its response and reports its rectification items. Finance,
 * inspectors and the administrator read in their scope. Every load goes through
 * `evaluationScope`, so anything outside it answers 404.
 */
export const EVALUATION_RESOURCE = 'evaluation';
export const EVALUATION_TEMPLATE_RESOURCE = 'evaluation_template';
/** A rectification item of a confirmed evaluation; its rules name the moves of RECTIFICATION_TRANSITIONS (movesOf). */
export const RECTIFICATION_RESOURCE = 'rectification_item';

const STAFF = ['admin', 'officer', 'finance', 'inspector'] as const;

type EvaluationLike = { districtId: number; organisationId: number; evaluatorId: number | null; status: string };
type DistrictOwned = { districtId: number };
type RectificationLike = { status: string; organisationId: number; districtId: number };

/** A rectification item as its rules read it: its state, with the organisation and district of its evaluation. */
export const rectificationOf = (e: { organisationId: number; districtId: number }, item: { status: string }): RectificationLike => ({
  status: item.status,
  organisationId: e.organisationId,
  districtId: e.districtId,
});

/** The evaluations an actor may see, as a query (taken from the session, never the request). */
export function evaluationScope(actor: Actor): WhereOptions {
  if (actor.role === 'org') return { organisationId: actor.organisationId ?? -1, status: 'confirmed' };
  if (actor.role === 'evaluator') return { evaluatorId: actor.id };
  if ((STAFF as readonly string[]).includes(actor.role)) return districtScope(actor);
  return { id: -1 };
}

/** The templates an officer may choose from and read: their district's and the city level's (city level: all). */
export function templateScope(actor: Actor, cityDistrictId: number): WhereOptions {
  if (actor.role === 'admin' || actor.cityLevel) return {};
  return { districtId: { [Op.in]: [actor.districtId, cityDistrictId] } };
}

const keeps = (actor: Actor, r: DistrictOwned) => keepsProjectsOf(actor, r.districtId);
const reads = (actor: Actor, e: EvaluationLike) => {
  if (actor.role === 'org') return e.organisationId === actor.organisationId && e.status === 'confirmed';
  if (actor.role === 'evaluator') return e.evaluatorId === actor.id;
  return inDistrictScope(actor, e.districtId);
};
const assignedTo = (actor: Actor, e: EvaluationLike) => e.evaluatorId === actor.id;
const ownConfirmed = (actor: Actor, e: EvaluationLike) => e.organisationId === actor.organisationId && e.status === 'confirmed';

allow([...STAFF, 'evaluator', 'org'], ['list', 'read', 'report'], EVALUATION_RESOURCE, reads);
allow(['officer', 'evaluator'], 'queue', EVALUATION_RESOURCE);
allow(STAFF, ['export', 'ranking'], EVALUATION_RESOURCE);
allow('officer', ['schedule', 'sample', 'assign', 'confirm', 'return', 'close_rectification'], EVALUATION_RESOURCE, keeps);
// An evaluation that cannot go on: the officer cancels it, changes its template before scoring starts, or marks a computed indicator not applicable.
allow('officer', ['cancel', 'change_template', 'mark_not_applicable'], EVALUATION_RESOURCE, keeps);
allow('evaluator', ['score', 'submit'], EVALUATION_RESOURCE, assignedTo);
allow('org', ['respond', 'report_rectification'], EVALUATION_RESOURCE, ownConfirmed);

// The organisation reports what it did on its own items; the officer who keeps the district closes or reopens them.
allow('org', 'report', RECTIFICATION_RESOURCE, (actor: Actor, r: RectificationLike) => r.organisationId === actor.organisationId);
allow('officer', ['close', 'reopen'], RECTIFICATION_RESOURCE, keeps);

allow(['admin', 'officer', 'inspector'], ['list', 'read'], EVALUATION_TEMPLATE_RESOURCE);
allow('officer', 'create', EVALUATION_TEMPLATE_RESOURCE);
allow('officer', 'update', EVALUATION_TEMPLATE_RESOURCE, keeps);
