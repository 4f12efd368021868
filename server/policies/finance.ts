import { Op, type WhereOptions } from 'sequelize';
import type { Role } from '../../models/User.js';
import { getSequelize } from '../db.js';
import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { districtScope } from './scopes.js';

/**
 * Budget lines and allocations (DOMAIN.md "Budget line", "Allocation"). Finance of a district
 * (city level: all) keeps the budget lines and approves or rejects allocations; officers request
 * allocations in their district; inspectors and the administrator read; organisation users see
 * none of it. The administrator never approves money, and whoever requested an allocation never
 * decides it (segregation of duties: here and again in the command).
 */
export const BUDGET_LINE_RESOURCE = 'budget_line';
export const ALLOCATION_RESOURCE = 'allocation';

const READERS: readonly Role[] = ['admin', 'officer', 'finance', 'inspector'];

/** Whether finance `actor` keeps the money of `districtId`: their own district, any from the city level. */
export function keepsMoneyOf(actor: Actor, districtId: number): boolean {
  return actor.role === 'finance' && (actor.cityLevel || actor.districtId === districtId);
}

/** Budget lines an actor sees: all from the city level, else their district's and the city's own lines (any project may draw on those). */
export function budgetLineScope(actor: Actor): WhereOptions {
  const own = districtScope(actor);
  if (Object.keys(own).length === 0) return {};
  const cityIds = getSequelize().literal("(SELECT id FROM districts WHERE kind = 'city')");
  return { [Op.or]: [{ districtId: actor.districtId }, { districtId: { [Op.in]: cityIds } }] };
}

/** Allocations an actor sees: those of projects in their district (city level: all). */
export function allocationScope(actor: Actor): WhereOptions {
  return districtScope(actor);
}

/** Allocations waiting for `actor` (finance) to decide: submitted ones on lines they keep, never their own request. */
export function allocationQueueWhere(actor: Actor): WhereOptions {
  const lines = actor.cityLevel ? {} : { lineDistrictId: actor.districtId };
  return { [Op.and]: [lines, { status: 'submitted', requestedBy: { [Op.ne]: actor.id } }] };
}

type LineLike = { districtId: number };
type AllocationLike = { lineDistrictId: number; districtId: number; requestedBy: number };

/** Finance of the line's district decides an allocation, never the person who requested it. */
export function decidesAllocation(actor: Actor, allocation: AllocationLike): boolean {
  return keepsMoneyOf(actor, allocation.lineDistrictId) && allocation.requestedBy !== actor.id;
}

allow(READERS, ['list', 'read', 'export', 'lottery_share'], BUDGET_LINE_RESOURCE);
allow('finance', 'create', BUDGET_LINE_RESOURCE);
allow('finance', 'update', BUDGET_LINE_RESOURCE, (actor: Actor, line: LineLike) => keepsMoneyOf(actor, line.districtId));

allow(READERS, ['list', 'read', 'export'], ALLOCATION_RESOURCE);
allow('officer', 'create', ALLOCATION_RESOURCE);
allow('officer', ['submit', 'update'], ALLOCATION_RESOURCE, (actor: Actor, a: AllocationLike) => a.requestedBy === actor.id);
allow('finance', 'queue', ALLOCATION_RESOURCE);
allow('finance', ['approve', 'reject'], ALLOCATION_RESOURCE, decidesAllocation);
allow('finance', 'release', ALLOCATION_RESOURCE, (actor: Actor, a: AllocationLike) => keepsMoneyOf(actor, a.lineDistrictId));
