import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/**
 * The child-worker registry (儿童主任 / 儿童督导员, DOMAIN.md). Officers keep it for their district
 * (city-level officers for all); finance and inspectors read it in their scope. Seeing a full ID
 * number or phone is its own permission (`reveal`), for officers only, and every reveal is
 * audited. Organisation users see nothing here yet (engagements will give them their workers);
 * administrators keep users and reference data, not personal data.
 *
 * Training follows section 二 of the policy: supervisors are trained by the city, directors by
 * their district, so a supervisor's training is recorded by a city-level officer.
 */
type InDistrict = { districtId: number };
type WorkerLike = InDistrict & { kind?: string };

const inScope = (actor: Actor, record: InDistrict) => inDistrictScope(actor, record.districtId);

allow(['officer', 'finance', 'inspector'], ['list', 'read', 'export'], 'child_worker', inScope);
allow('officer', ['create', 'import', 'update', 'reveal', 'activate', 'deactivate', 'note'], 'child_worker', inScope);
allow('officer', 'record_training', 'child_worker', (actor: Actor, worker: WorkerLike) =>
  worker.kind === 'supervisor' ? actor.cityLevel : inScope(actor, worker),
);
