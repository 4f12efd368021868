import { literal, Op, type WhereOptions } from 'sequelize';
import type { Actor } from './actor.js';

/**
 * The rows of a district-owned table that an actor may see: city-level staff all of them,
 * everyone else their own district. Every list and load of such a table goes through this.
 */
export function districtScope(actor: Actor, column = 'districtId'): WhereOptions {
  if (actor.role === 'admin' || actor.cityLevel) return {};
  return { [column]: actor.districtId };
}

/** Whether a single record with `districtId` is inside the actor's district scope. */
export function inDistrictScope(actor: Actor, districtId: number | null | undefined): boolean {
  return actor.role === 'admin' || actor.cityLevel || districtId === actor.districtId;
}

/**
 * Rows owned by an organisation: an organisation user sees only their own (taken from the
 * session), staff see their district's.
 */
export function organisationScope(actor: Actor, column = 'organisationId'): WhereOptions {
  if (actor.role === 'org') return { [column]: actor.organisationId ?? -1 };
  return {};
}

/**
 * The contracts whose evaluation is assigned to an evaluator and not cancelled, as a subquery: the
 * evidence an evaluation page links to (the contract, its deliverables, payments and claims) is
 * theirs to read, and nothing else (#12). The id comes from the session, never the request.
 */
export function evaluatedContracts(actor: Actor) {
  const id = Number.isSafeInteger(actor.id) ? actor.id : -1;
  return { [Op.in]: literal(`(SELECT ev.contract_id FROM evaluations ev WHERE ev.evaluator_id = ${id} AND ev.status <> 'cancelled')`) };
}

/** A record of a contract (its `contractId`) as an evaluator may see it: of a contract they evaluate. */
export function evidenceScope(actor: Actor, column = 'contractId'): WhereOptions {
  return { [column]: evaluatedContracts(actor) };
}

/**
 * The rule of an evaluator's read of evidence: the scope above already decided which records load
 * (anything else is a 404 before any rule is asked), as the organisation user's own scope does.
 */
export const loadedAsEvidence = (actor: Actor): boolean => actor.role === 'evaluator';
