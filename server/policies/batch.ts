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

/**
 * Payment runs (拨付清单): finance of the district gathers approved payments, prints or exports
 * the list for the bank and records it paid (each payment by the payment's own rule: not by whoever
 * approved it, unless the district's exception); inspectors and the administrator read.
 */
export const PAYMENT_RUN_RESOURCE = 'payment_run';

type RunLike = { districtId: number };
const inScope = (actor: Actor, r: RunLike) => inDistrictScope(actor, r.districtId);

allow('finance', 'create', PAYMENT_RUN_RESOURCE);
allow('finance', 'pay', PAYMENT_RUN_RESOURCE, inScope);
allow(['finance', 'inspector', 'admin'], 'list', PAYMENT_RUN_RESOURCE);
allow(['finance', 'inspector', 'admin'], ['read', 'print', 'export'], PAYMENT_RUN_RESOURCE, inScope);

/** Bank statements: finance of the district imports and reconciles them (recording matched payments paid); inspectors and the administrator read. */
export const BANK_STATEMENT_RESOURCE = 'bank_statement';

allow('finance', 'import', BANK_STATEMENT_RESOURCE);
allow('finance', 'reconcile', BANK_STATEMENT_RESOURCE, inScope);
allow(['finance', 'inspector', 'admin'], 'list', BANK_STATEMENT_RESOURCE);
allow(['finance', 'inspector', 'admin'], 'read', BANK_STATEMENT_RESOURCE, inScope);
