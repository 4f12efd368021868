import { Op, type WhereOptions } from 'sequelize';
import type { Actor } from './actor.js';
import { keepsContractsOf } from './contract.js';
import { allow } from './registry.js';
import { districtScope, evidenceScope, inDistrictScope, loadedAsEvidence } from './scopes.js';

/**
 * Deliverables (服务成果). The organisation of the contract fills in, saves and hands in its own;
 * officers of the contract's district (city level: all) set the reporting schedule and milestone
 * conditions and review what is handed in (accept or return); finance, inspectors and the
 * administrator read. Every list, load, file and export goes through `deliverableScope`, so
 * another organisation's deliverable answers 404. An evaluator reads those of the contracts they evaluate.
 */
export const DELIVERABLE_RESOURCE = 'deliverable';

const STAFF_READERS = ['admin', 'officer', 'finance', 'inspector'] as const;

type DeliverableLike = { districtId: number; organisationId: number };

/** The deliverables an actor may see, as a query: an organisation its own (from the session), staff their district's. */
export function deliverableScope(actor: Actor): WhereOptions {
  if (actor.role === 'org') return { organisationId: Number.isSafeInteger(actor.organisationId) ? Number(actor.organisationId) : -1 };
  if (actor.role === 'evaluator') return evidenceScope(actor);
  if (!(STAFF_READERS as readonly string[]).includes(actor.role)) return { id: -1 };
  return districtScope(actor);
}

/** What an officer's review queue holds: handed-in deliverables of their district (city level: all). */
export function reviewQueueWhere(actor: Actor): WhereOptions {
  return { [Op.and]: [deliverableScope(actor), { status: 'submitted' }] };
}

const reads = (actor: Actor, d: DeliverableLike) => (actor.role === 'org' ? d.organisationId === actor.organisationId : inDistrictScope(actor, d.districtId));

allow([...STAFF_READERS, 'org'], ['list', 'export'], DELIVERABLE_RESOURCE);
allow([...STAFF_READERS, 'org'], 'read', DELIVERABLE_RESOURCE, reads);
// An evaluator reads (and opens the files of) the deliverables of the contracts they evaluate: deliverableScope loads only those.
allow('evaluator', 'read', DELIVERABLE_RESOURCE, loadedAsEvidence);
// `save` and `submit`, `accept` and `return` are the moves of DELIVERABLE_TRANSITIONS (movesOf).
allow('org', ['hand_in', 'save', 'submit'], DELIVERABLE_RESOURCE, (actor: Actor, d: DeliverableLike) => d.organisationId === actor.organisationId);
allow('officer', 'queue', DELIVERABLE_RESOURCE);
allow('officer', ['review', 'accept', 'return'], DELIVERABLE_RESOURCE, (actor: Actor, d: DeliverableLike) => keepsContractsOf(actor, d.districtId));
// The reporting schedule and milestone conditions of a contract (the record is the contract).
allow('officer', 'schedule', DELIVERABLE_RESOURCE, (actor: Actor, c: { districtId: number }) => keepsContractsOf(actor, c.districtId));
