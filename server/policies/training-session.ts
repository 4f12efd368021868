import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/**
 * Training sessions of the child workforce (section 二(二) of the policy: 分层级, the city trains
 * supervisors, the districts train directors). Officers hold and record them; finance and
 * inspectors read them and the reports in their scope. A city session is held by a city-level
 * officer; a district session by an officer of that district (or the city level, which keeps
 * every district). The roster's rule (which workers a level trains) is the roster command's.
 */
type SessionLike = { level: string; districtId: number; cityDistrict: boolean };

const inScope = (actor: Actor, s: { districtId: number }) => inDistrictScope(actor, s.districtId);

/** Whether `actor` may hold a session of this level in this district. */
const mayHold = (actor: Actor, s: SessionLike) => (s.level === 'city' ? actor.cityLevel && s.cityDistrict : !s.cityDistrict && inScope(actor, s));

allow(['officer', 'finance', 'inspector'], ['list', 'read', 'export', 'report'], 'training_session', inScope);
allow('officer', ['create', 'record_roster'], 'training_session', mayHold);
