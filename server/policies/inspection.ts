import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/** The resource names of inspections and their findings in the registry. */
export const INSPECTION_RESOURCE = 'inspection';
export const FINDING_RESOURCE = 'inspection_finding';

/** What the rules need of an inspection (or of the inspection a finding belongs to). */
export type InspectionSubject = { districtId: number; agencyId: number | null };

/** The inspected side: an officer of the district, of the inspected agency when one is named. */
const inspected = (actor: Actor, i: InspectionSubject) => actor.districtId === i.districtId && (i.agencyId === null || actor.agencyId === i.agencyId);

/**
 * Inspections (督查, #17): inspectors, the administrator and officers read those of their scope
 * (`districtScope`); an inspector opens one of a district in their scope and decides on its
 * findings (close, ask for a rectification, close the inspection); the inspected district's
 * officers (of the agency, when one is named) answer the findings and report rectifications.
 */
allow(['admin', 'inspector', 'officer'], ['list', 'view', 'export'], INSPECTION_RESOURCE);
allow('inspector', 'open', INSPECTION_RESOURCE, (actor: Actor, i: { districtId: number }) => inDistrictScope(actor, i.districtId));
allow('inspector', 'close', INSPECTION_RESOURCE, (actor: Actor, i: InspectionSubject) => inDistrictScope(actor, i.districtId));
allow('inspector', ['accept', 'require'], FINDING_RESOURCE, (actor: Actor, i: InspectionSubject) => inDistrictScope(actor, i.districtId));
allow('officer', ['answer', 'report'], FINDING_RESOURCE, inspected);
