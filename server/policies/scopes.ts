import type { WhereOptions } from 'sequelize';
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
