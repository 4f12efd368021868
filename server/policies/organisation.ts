import type { Organisation } from '../../models/Organisation.js';
import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/**
 * Social organisations (社会组织). Officers register and keep them (their district; city level
 * all); finance, inspectors and evaluators read them in scope; an organisation user reads only
 * their own organisation and may change its contact details and documents, nothing else of it.
 * Records are loaded through `organisationRecordScope`, so another organisation's answers 404.
 */
const STAFF_READERS = ['officer', 'finance', 'inspector', 'evaluator'] as const;
const inScope = (actor: Actor, org: Organisation) => inDistrictScope(actor, org.districtId);
const ownOrganisation = (actor: Actor, org: Organisation) => actor.organisationId !== null && actor.organisationId === org.id;

allow(['admin', ...STAFF_READERS], ['list', 'export'], 'organisation');
allow('admin', ['read', 'download_document'], 'organisation');
allow(STAFF_READERS, ['read', 'download_document'], 'organisation', inScope);
allow('officer', 'create', 'organisation');
allow('officer', ['update', 'change_status', 'upload_document'], 'organisation', inScope);
allow('org', 'read_own', 'organisation');
allow('org', ['read', 'update_contact', 'upload_document', 'download_document'], 'organisation', ownOrganisation);

/**
 * The organisations an actor may see, as a query: an organisation user only their own (from the
 * session, never the request), district staff their district's, city level and admin all.
 */
export function organisationRecordScope(actor: Actor): Record<string, unknown> {
  if (actor.role === 'org') return { id: actor.organisationId ?? -1 };
  if (actor.role === 'admin' || actor.cityLevel) return {};
  return { districtId: actor.districtId };
}
