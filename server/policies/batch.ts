import type { WhereOptions } from 'sequelize';
import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { districtScope, inDistrictScope } from './scopes.js';

/**
 * Batch decisions (issue #18). Starting a batch of a kind is the role of the kind's single action
 * (finance approves allocations, payments and verified claims; an officer verifies submitted
 * claims); each item is then decided by that action's command, which asks the record's own rules
 * (segregation of duties included) again, item by item. Staff read the batches of their district;
 * only whoever started a batch continues it after a fault.
 */
export const BATCH_RESOURCE = 'batch';

type BatchLike = { districtId: number; createdBy: number };

/** Batches an actor sees: their district's (city level: all). */
export function batchScope(actor: Actor): WhereOptions {
  return districtScope(actor);
}

allow('finance', ['allocation-approve', 'payment-approve', 'claim-approve'], BATCH_RESOURCE);
allow('officer', 'claim-verify', BATCH_RESOURCE);
allow(['finance', 'officer', 'inspector', 'admin'], 'list', BATCH_RESOURCE);
allow(
  ['finance', 'officer', 'inspector', 'admin'],
  'read',
  BATCH_RESOURCE,
  (actor: Actor, b: BatchLike) => b.createdBy === actor.id || inDistrictScope(actor, b.districtId),
);
allow(['finance', 'officer'], 'resume', BATCH_RESOURCE, (actor: Actor, b: BatchLike) => b.createdBy === actor.id);
