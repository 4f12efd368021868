import type { WhereOptions } from 'sequelize';
import type { Contract } from '../../models/Contract.js';
import type { Actor } from './actor.js';
import { keepsProjectsOf } from './project.js';
import { allow } from './registry.js';
import { evidenceScope, inDistrictScope, loadedAsEvidence } from './scopes.js';

/**
 * Contracts (合同). Officers of the project's district (city-level officers: any) create, edit a
 * draft, activate, amend and terminate. Finance and inspectors read them in their district scope;
 * the administrator reads (never keeps business records); an organisation user reads only their
 * own organisation's contracts, read-only. Every list and load goes through `contractScope`, so a
 * contract outside it answers 404. An evaluator reads the contracts of the evaluations assigned to them.
 */
export const CONTRACT_RESOURCE = 'contract';

const STAFF_READERS = ['officer', 'finance', 'inspector'] as const;

/** Whether an officer keeps the contracts of `districtId` (the same rule as projects). */
export const keepsContractsOf = keepsProjectsOf;

/**
 * The contracts an actor may see, as a query: an organisation user their own organisation's (from
 * the session, never the request), district staff their district's, city level and admin all,
 * anybody else none.
 */
export function contractScope(actor: Actor): WhereOptions<Contract> {
  if (actor.role === 'org') return { organisationId: Number.isSafeInteger(actor.organisationId) ? Number(actor.organisationId) : -1 };
  if (actor.role === 'admin') return {};
  if (actor.role === 'evaluator') return evidenceScope(actor, 'id') as WhereOptions<Contract>;
  if (!(STAFF_READERS as readonly string[]).includes(actor.role)) return { id: -1 };
  if (actor.cityLevel) return {};
  return { districtId: actor.districtId };
}

const keeps = (actor: Actor, contract: Contract) => keepsContractsOf(actor, contract.districtId);
const inScope = (actor: Actor, contract: Contract) => inDistrictScope(actor, contract.districtId);

allow(['admin', ...STAFF_READERS, 'org'], 'list', CONTRACT_RESOURCE);
allow(['admin', ...STAFF_READERS], 'export', CONTRACT_RESOURCE);
allow(['admin', ...STAFF_READERS], 'read', CONTRACT_RESOURCE, inScope);
// The organisation user's scope (their own organisation's contracts) already decided which ones load.
allow('org', 'read', CONTRACT_RESOURCE, (actor: Actor, contract: Contract) => contract.organisationId === actor.organisationId);
// An evaluator reads the contracts they evaluate (contractScope loads only those).
allow('evaluator', 'read', CONTRACT_RESOURCE, loadedAsEvidence);
allow('officer', 'create', CONTRACT_RESOURCE);
allow('officer', ['update', 'activate', 'amend', 'complete', 'terminate'], CONTRACT_RESOURCE, keeps);
